"""Saved listening queries and exports: checked, audited writes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.authz.access import access_with
from hearth.authz.actor import Actor
from hearth.authz.roles import Permission
from hearth.kit.errors import NotFoundError, ValidationFailedError
from hearth.kit.time import utcnow
from hearth.listening.query import parse
from hearth.models import ListeningQuery

MAX_QUERY_CHARS = 2000


def check_save_query(
    session: Session, actor: Actor, workspace_id: str, name: str, text: str
) -> tuple[str, str]:
    access_with(session, actor, workspace_id, Permission.CHANNELS_MANAGE)
    name, text = name.strip(), text.strip()
    if not name or len(name) > 200:
        raise ValidationFailedError("give the query a name of at most 200 characters")
    if not text or len(text) > MAX_QUERY_CHARS:
        raise ValidationFailedError("the query is empty or longer than 2000 characters")
    parse(text)  # raises QuerySyntaxError with the position of the problem
    return name, text


def do_save_query(
    session: Session, workspace_id: str, name: str, text: str, *, actor: Actor
) -> ListeningQuery:
    saved = ListeningQuery(
        workspace_id=workspace_id, name=name, query=text, created_by_id=actor.user_id
    )
    session.add(saved)
    session.flush()
    record(
        session,
        actor=actor,
        action="listening.query.created",
        workspace_id=workspace_id,
        target=Target("listening_query", saved.id, name),
        data={"query": text},
    )
    return saved


def check_archive_query(
    session: Session, actor: Actor, workspace_id: str, query_id: str
) -> ListeningQuery:
    access_with(session, actor, workspace_id, Permission.CHANNELS_MANAGE)
    saved = session.get(ListeningQuery, query_id)
    if saved is None or saved.workspace_id != workspace_id or saved.archived_at:
        raise NotFoundError("query not found")
    return saved


def do_archive_query(session: Session, saved: ListeningQuery, *, actor: Actor) -> None:
    saved.archived_at = saved.updated_at = utcnow()
    saved.archived_by_id = actor.user_id
    record(
        session,
        actor=actor,
        action="listening.query.archived",
        workspace_id=saved.workspace_id,
        target=Target("listening_query", saved.id, saved.name),
    )


def do_record_export(
    session: Session, workspace_id: str, filters: dict[str, str], *, actor: Actor
) -> None:
    """Exports take personal data out of Hearth: who took what is part of the record."""
    record(
        session,
        actor=actor,
        action="listening.mentions.exported",
        workspace_id=workspace_id,
        data={k: v for k, v in filters.items() if v},
    )
