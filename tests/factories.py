"""Helpers that build real records through Hearth's own write paths (no shortcuts)."""

from __future__ import annotations

from functools import cache

from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.auth.passwords import hash_password
from hearth.authz.actor import Actor
from hearth.authz.roles import Role
from hearth.kit.time import utcnow
from hearth.models import Membership, User, Workspace
from hearth.workspace.actions import do_create_workspace

PASSWORD = "correct horse battery"
SYSTEM = Actor.system("tests")


@cache
def _password_hash() -> str:
    # argon2 is slow on purpose; tests hash the shared password once and reuse it.
    return hash_password(PASSWORD)


def make_user(session: Session, email: str, *, operator: bool = False, locale: str = "en") -> User:
    """A user as `do_create_user` makes it (audited), with the password hashed only once."""
    user = User(email=email, display_name=email.split("@")[0].title(),
                password_hash=_password_hash(), is_operator=operator, locale=locale,
                timezone="Europe/Paris", password_changed_at=utcnow())
    session.add(user)
    session.flush()
    record(session, actor=SYSTEM, action="auth.user.created", workspace_id=None,
           target=Target("user", user.id, user.email))
    return user


def make_workspace(session: Session, name: str, owner: User) -> Workspace:
    slug = name.lower().replace(" ", "-")
    return do_create_workspace(session, name=name, slug=slug, owner=owner, actor=SYSTEM)


def add_member(session: Session, workspace: Workspace, user: User, role: Role) -> Membership:
    membership = Membership(workspace_id=workspace.id, user_id=user.id, role=role)
    session.add(membership)
    session.flush()
    return membership
