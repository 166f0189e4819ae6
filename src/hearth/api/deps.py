"""JSON API plumbing: bearer-token authentication and the guarded workspace lookup."""

from __future__ import annotations

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from hearth.authz.access import access_workspace
from hearth.authz.actor import Actor
from hearth.authz.policy import WorkspaceGrant
from hearth.kit.errors import HearthError
from hearth.web.context import db_session
from hearth.workspace.actions import authenticate_api_token


class ApiAuthError(HearthError):
    """Send a valid API token as 'Authorization: Bearer hth_…'."""

    status = 401
    code = "auth.token_required"


def api_actor(request: Request, db: Session = Depends(db_session, scope="function")) -> Actor:
    header = request.headers.get("authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw:
        raise ApiAuthError()
    actor = authenticate_api_token(db, raw.strip())
    if actor is None:
        raise ApiAuthError("the API token is invalid, expired or revoked")
    return actor


def api_grant(
    workspace_id: str,
    actor: Actor = Depends(api_actor),
    db: Session = Depends(db_session, scope="function"),
) -> WorkspaceGrant:
    return access_workspace(db, actor, workspace_id)
