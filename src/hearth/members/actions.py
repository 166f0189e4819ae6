"""What the team records about a community member: tags and notes, checked and audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.authz.access import access_with
from hearth.authz.actor import Actor
from hearth.authz.roles import Permission
from hearth.kit.errors import NotFoundError, ValidationFailedError
from hearth.models import CommunityMember, MemberNote

MAX_NOTE = 2000
MAX_TAGS = 20


def access_member(
    session: Session,
    actor: Actor,
    workspace_id: str,
    member_id: str,
    permission: Permission = Permission.MENTIONS_VIEW,
) -> CommunityMember:
    access_with(session, actor, workspace_id, permission)
    member = session.get(CommunityMember, member_id)
    if member is None or member.workspace_id != workspace_id or member.erased_at is not None:
        raise NotFoundError("member not found")
    return member


def clean_member_tags(raw: str) -> list[str]:
    tags = sorted({t.strip().lower()[:40] for t in raw.split(",") if t.strip()})
    if len(tags) > MAX_TAGS:
        raise ValidationFailedError("at most 20 tags")
    return tags


def do_set_member_tags(
    session: Session, member: CommunityMember, tags: list[str], *, actor: Actor
) -> None:
    before = list(member.tags or [])
    member.tags = tags
    # The audit keeps tag names, not the member's name: the log outlives an erasure.
    record(
        session,
        actor=actor,
        action="members.member.tagged",
        workspace_id=member.workspace_id,
        target=Target("member", member.id, None),
        data={"from": before, "to": tags},
    )


def check_member_note(text: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_NOTE:
        raise ValidationFailedError("a note holds between 1 and 2,000 characters")
    return text


def do_add_member_note(
    session: Session, member: CommunityMember, text: str, *, actor: Actor
) -> MemberNote:
    note = MemberNote(
        workspace_id=member.workspace_id,
        member_id=member.id,
        author_id=actor.user_id,
        author_label=actor.label[:320],
        body=text,
    )
    session.add(note)
    session.flush()
    record(
        session,
        actor=actor,
        action="members.note.added",
        workspace_id=member.workspace_id,
        target=Target("member", member.id, None),
        data={"note": note.id},
    )
    return note


def list_member_notes(session: Session, member_id: str, limit: int = 20) -> list[MemberNote]:
    return list(
        session.scalars(
            select(MemberNote)
            .where(MemberNote.member_id == member_id)
            .order_by(MemberNote.created_at.desc())
            .limit(limit)
        )
    )
