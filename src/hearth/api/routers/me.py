"""JSON API v1: who am I (which token, which workspace)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from hearth.api.deps import api_actor
from hearth.authz.actor import Actor

router = APIRouter(prefix="/api/v1", tags=["identity"])


class MeOut(BaseModel):
    token: str
    workspace_id: str | None
    role: str | None
    scopes: list[str]


@router.get("/me", response_model=MeOut)
def me(actor: Actor = Depends(api_actor)) -> MeOut:
    return MeOut(
        token=actor.label,
        workspace_id=actor.token_workspace_id,
        role=actor.token_role.value if actor.token_role else None,
        scopes=sorted(s.value for s in actor.token_scopes),
    )
