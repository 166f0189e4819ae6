"""Who is acting: a logged-in user, an API token, or Hearth itself (scheduler, stream, demo)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from hearth.authz.roles import Permission, Role


class ActorKind(enum.StrEnum):
    USER = "user"
    TOKEN = "token"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: str | None
    label: str
    user_id: str | None = None
    is_operator: bool = False
    # API tokens are bound to one workspace, a role and a set of scopes.
    token_workspace_id: str | None = None
    token_role: Role | None = None
    token_scopes: frozenset[Permission] = field(default_factory=frozenset)

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(kind=ActorKind.SYSTEM, id=None, label=f"system:{name}")

    @classmethod
    def for_user(cls, user_id: str, label: str, *, is_operator: bool = False) -> Actor:
        return cls(
            kind=ActorKind.USER, id=user_id, label=label, user_id=user_id, is_operator=is_operator
        )

    @property
    def is_system(self) -> bool:
        return self.kind is ActorKind.SYSTEM
