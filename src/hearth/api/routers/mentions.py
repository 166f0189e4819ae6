"""JSON API v1: mentions, with the Listening page's filters (same permissions as the UI)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from hearth.api.deps import api_grant
from hearth.api.schemas import MentionOut
from hearth.authz.access import require
from hearth.authz.policy import WorkspaceGrant
from hearth.authz.roles import Permission
from hearth.kit.errors import NotFoundError
from hearth.listening import queries as q
from hearth.web.context import db_session

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}", tags=["mentions"])
DB = Depends(db_session, scope="function")


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


@router.get("/mentions", response_model=list[MentionOut])
def list_mentions(
    query: str = Query("", description="Listening query language, e.g. pizza -promo lang:fr"),
    platform: str | None = None,
    language: str | None = None,
    sentiment: str | None = None,
    intent: str | None = None,
    toxic: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = Query(50, ge=1, le=500),
    grant: WorkspaceGrant = Depends(api_grant),
    db: Session = DB,
) -> list:
    """Newest first. Times without a zone are read as UTC."""
    require(grant, Permission.MENTIONS_VIEW)
    flt = q.MentionFilter(
        workspace_id=grant.workspace_id,
        adhoc=q.parse_adhoc(query),
        platform=platform,
        language=language,
        sentiment=sentiment,
        intent=intent,
        toxic_only=toxic,
        since=_aware(since),
        until=_aware(until),
    )
    return [row.mention for row in q.list_mentions(db, flt, limit=limit)]


@router.get("/mentions/{mention_id}", response_model=MentionOut)
def get_mention(
    mention_id: str, grant: WorkspaceGrant = Depends(api_grant), db: Session = DB
) -> object:
    require(grant, Permission.MENTIONS_VIEW)
    mention = q.get_mention(db, grant.workspace_id, mention_id)
    if mention is None:
        raise NotFoundError("mention not found")
    return mention
