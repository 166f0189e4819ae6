"""The incident room's writes: open, note, assign, draft/approve/post statements, close.

Every write is checked first (access, state, input) and then done with its timeline event and
its audit entry in the caller's transaction. Who may do what:

- open, lead, tasks, statements, close: ``crisis.manage``;
- notes: ``crisis.manage`` or ``inbox.reply`` (the agents answering the wave are the team);
- approve a statement: ``publish.approve`` — the drafter may approve their own text when they
  hold it (a night-time crisis cannot wait for a second person), and the timeline says so;
- switch moderation to strict: ``moderation.rules``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_time
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.authz.access import access_with
from hearth.authz.actor import Actor
from hearth.authz.policy import WorkspaceGrant
from hearth.authz.roles import Permission
from hearth.crisis import actions as alert_actions
from hearth.crisis import incident_queries as iq
from hearth.crisis.statements import LANGUAGES, TEMPLATE_BY_KEY, fill, unfinished_parts
from hearth.ingest.connectors.base import Capability
from hearth.ingest.connectors.registry import UnknownPlatformError, get_connector_class
from hearth.kit import jobs
from hearth.kit.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ValidationFailedError,
)
from hearth.kit.time import ensure_utc, utcnow
from hearth.models import (
    Channel,
    CrisisAlert,
    Incident,
    IncidentEvent,
    IncidentStatement,
    IncidentTask,
    Membership,
    StatementPost,
    Workspace,
)
from hearth.moderation.policy import MODE_SETTING, ModerationMode, mode_of

POST_JOB = "crisis.statement.post"
SIMULATED_TARGET = "simulated"  # the demo world's network: takes every post
MAX_NOTE = 5000
MAX_STATEMENT = 5000
MAX_TITLE = 200
NEXT_UPDATE_IN = timedelta(hours=1)


class IncidentNotFoundError(NotFoundError):
    """Incident not found."""


class IncidentClosedError(ConflictError):
    """This incident is closed."""


def _target(incident: Incident) -> Target:
    return Target("incident", incident.id, f"INC-{incident.number} {incident.title}"[:200])


def _event(
    session: Session,
    incident: Incident,
    kind: str,
    actor: Actor,
    *,
    body: str | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> IncidentEvent:
    event = IncidentEvent(
        workspace_id=incident.workspace_id,
        incident_id=incident.id,
        at=at or utcnow(),
        kind=kind,
        actor_id=actor.user_id,
        actor_label=actor.label[:320],
        body=body,
        data=data or {},
    )
    session.add(event)
    return event


def _audit(
    session: Session, incident: Incident, actor: Actor, action: str, **data: Any
) -> None:
    record(
        session,
        actor=actor,
        action=action,
        workspace_id=incident.workspace_id,
        target=_target(incident),
        data=data or None,
    )


# --- access -----------------------------------------------------------------------------------


def access_incident(
    session: Session,
    actor: Actor,
    workspace_id: str,
    incident_id: str,
    permission: Permission = Permission.CRISIS_VIEW,
) -> tuple[Incident, WorkspaceGrant]:
    grant = access_with(session, actor, workspace_id, permission)
    incident = session.get(Incident, incident_id)
    if incident is None or incident.workspace_id != workspace_id:
        raise IncidentNotFoundError()
    return incident, grant


def _open_incident(
    session: Session, actor: Actor, workspace_id: str, incident_id: str,
    permission: Permission = Permission.CRISIS_MANAGE,
) -> tuple[Incident, WorkspaceGrant]:
    incident, grant = access_incident(session, actor, workspace_id, incident_id, permission)
    if incident.closed_at is not None:
        raise IncidentClosedError()
    return incident, grant


def _is_member(session: Session, workspace_id: str, user_id: str) -> bool:
    return (
        session.scalar(
            select(Membership.id).where(
                Membership.workspace_id == workspace_id, Membership.user_id == user_id
            )
        )
        is not None
    )


# --- opening ----------------------------------------------------------------------------------


def _title_for(alert: CrisisAlert) -> str:
    words = [t["term"] for t in alert.rising_terms or [] if t.get("term")][:3]
    label = alert.topic_label or ""
    return " · ".join(filter(None, [label, " ".join(words)]))[:MAX_TITLE] or "Crisis"


def open_incident(
    session: Session,
    actor: Actor,
    workspace_id: str,
    *,
    alert_id: str | None = None,
    title: str = "",
    at: datetime | None = None,
) -> Incident:
    """Open the room for an alert (the same room if one is open for it) or by hand."""
    access_with(session, actor, workspace_id, Permission.CRISIS_MANAGE)
    at = ensure_utc(at or utcnow())
    alert = None
    if alert_id:
        alert = alert_actions.access_alert(session, actor, workspace_id, alert_id)
        existing = iq.open_incident_of_alert(session, alert)
        if existing is not None and existing.closed_at is None:
            return existing
    title = " ".join(title.split())[:MAX_TITLE] or (_title_for(alert) if alert else "")
    if not title:
        raise ValidationFailedError("give the incident a short title (what is happening)")
    incident = None
    for _attempt in range(5):
        incident = _insert_incident(session, workspace_id, title, alert, actor, at)
        if incident is not None:
            break
        # Someone opened a room at the same moment: theirs, if it is for the same alert.
        existing = iq.open_incident_of_alert(session, alert) if alert else None
        if existing is not None and existing.closed_at is None:
            return existing
    if incident is None:
        raise ConflictError("could not number the incident: try again")
    _event(session, incident, "opened", actor, at=at,
           data={"alert": alert.id, "severity": alert.severity} if alert else {})
    _audit(session, incident, actor, "crisis.incident.opened",
           alert=alert.id if alert else None)
    if alert is not None and alert.acknowledged_at is None and alert.resolved_at is None:
        # Opening the room is the strongest "someone is on it": no escalation after this.
        alert_actions.do_acknowledge_alert(session, alert, actor=actor, at=at)
    return incident


def _insert_incident(
    session: Session, workspace_id: str, title: str, alert: CrisisAlert | None, actor: Actor,
    at: datetime,
) -> Incident | None:
    """The next INC number of the workspace; None when a concurrent opening took it."""
    number = (
        session.scalar(
            select(func.max(Incident.number)).where(Incident.workspace_id == workspace_id)
        )
        or 0
    ) + 1
    incident = Incident(
        workspace_id=workspace_id,
        number=number,
        title=title,
        severity=alert.severity if alert else "warning",
        topic_key=alert.topic_key if alert else "",
        topic_label=alert.topic_label if alert else None,
        alert_id=alert.id if alert else None,
        started_at=iq.first_signal(session, alert) if alert else at,
        opened_at=at,
        opened_by_id=actor.user_id,
        lead_id=actor.user_id,
        facts={},
    )
    try:
        with session.begin_nested():
            session.add(incident)
            session.flush()
    except IntegrityError:  # (workspace, number) is unique
        return None
    return incident


# --- the team ---------------------------------------------------------------------------------


def add_note(
    session: Session, actor: Actor, workspace_id: str, incident_id: str, text: str
) -> IncidentEvent:
    incident, grant = access_incident(session, actor, workspace_id, incident_id)
    if not (grant.has(Permission.CRISIS_MANAGE) or grant.has(Permission.INBOX_REPLY)):
        raise ForbiddenError()
    if incident.closed_at is not None:
        raise IncidentClosedError()
    text = text.strip()
    if not text:
        raise ValidationFailedError("write the note first")
    if len(text) > MAX_NOTE:
        raise ValidationFailedError("a note holds at most 5,000 characters")
    event = _event(session, incident, "note", actor, body=text)
    _audit(session, incident, actor, "crisis.incident.note_added")
    return event


def set_lead(
    session: Session, actor: Actor, workspace_id: str, incident_id: str, user_id: str
) -> None:
    incident, _ = _open_incident(session, actor, workspace_id, incident_id)
    if not _is_member(session, workspace_id, user_id):
        raise ValidationFailedError("the lead must be a member of this workspace")
    incident.lead_id = user_id
    _event(session, incident, "lead", actor, data={"user": user_id})
    _audit(session, incident, actor, "crisis.incident.lead_changed", user=user_id)


def add_task(
    session: Session,
    actor: Actor,
    workspace_id: str,
    incident_id: str,
    title: str,
    assignee_id: str | None,
) -> IncidentTask:
    incident, _ = _open_incident(session, actor, workspace_id, incident_id)
    title = " ".join(title.split())
    if not title:
        raise ValidationFailedError("say what needs doing")
    if len(title) > 300:
        raise ValidationFailedError("a task holds at most 300 characters")
    if assignee_id and not _is_member(session, workspace_id, assignee_id):
        raise ValidationFailedError("tasks go to members of this workspace")
    task = IncidentTask(
        workspace_id=workspace_id,
        incident_id=incident.id,
        title=title,
        assignee_id=assignee_id or None,
        created_by_id=actor.user_id,
    )
    session.add(task)
    session.flush()
    _event(session, incident, "task.added", actor, body=title,
           data={"task": task.id, "assignee": task.assignee_id})
    _audit(session, incident, actor, "crisis.incident.task_added", task=task.id,
           assignee=task.assignee_id)
    return task


def complete_task(
    session: Session, actor: Actor, workspace_id: str, incident_id: str, task_id: str
) -> IncidentTask:
    """Done by a manager, or by the person it was given to."""
    incident, grant = access_incident(session, actor, workspace_id, incident_id)
    task = session.get(IncidentTask, task_id)
    if task is None or task.incident_id != incident.id:
        raise NotFoundError("task not found")
    if not grant.has(Permission.CRISIS_MANAGE) and task.assignee_id != actor.user_id:
        raise ForbiddenError()
    if incident.closed_at is not None:
        raise IncidentClosedError()
    if task.done_at is not None:
        return task
    task.done_at, task.done_by_id = utcnow(), actor.user_id
    _event(session, incident, "task.done", actor, body=task.title, data={"task": task.id})
    _audit(session, incident, actor, "crisis.incident.task_done", task=task.id)
    return task


# --- holding statements -----------------------------------------------------------------------


def statement_values(session: Session, incident: Incident, language: str) -> dict[str, str]:
    """What fills a template's placeholders; the contact comes from the workspace settings."""
    workspace = session.get(Workspace, incident.workspace_id)
    assert workspace is not None
    settings = workspace.settings or {}
    next_update = (utcnow() + NEXT_UPDATE_IN).astimezone(ZoneInfo(workspace.timezone))
    return {
        "brand": workspace.name,
        "topic": _topic_words(session, incident),
        "next_update": format_time(next_update, "HH:mm", locale=language),
        "contact": str(settings.get(CONTACT_SETTING) or ""),
    }


CONTACT_SETTING = "crisis_contact"


def set_crisis_contact(session: Session, actor: Actor, workspace_id: str, contact: str) -> None:
    """Where the public can ask questions during a crisis: filled into statements' {contact}."""
    access_with(session, actor, workspace_id, Permission.CRISIS_MANAGE)
    contact = " ".join(contact.split())
    if len(contact) > 200:
        raise ValidationFailedError("the contact holds at most 200 characters")
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None
    previous = str((workspace.settings or {}).get(CONTACT_SETTING) or "")
    if contact == previous:
        return
    workspace.settings = {**(workspace.settings or {}), CONTACT_SETTING: contact}
    record(
        session,
        actor=actor,
        action="crisis.contact.changed",
        workspace_id=workspace_id,
        target=Target("workspace", workspace_id, workspace.name),
        data={"contact": contact},
    )


def _topic_words(session: Session, incident: Incident) -> str:
    """What people talk about, short enough for a sentence: the saved query's name, else the
    alert's strongest term (a hashtag reads well), else the incident's title."""
    if incident.topic_label:
        return incident.topic_label
    alert = session.get(CrisisAlert, incident.alert_id) if incident.alert_id else None
    terms = [t["term"] for t in (alert.rising_terms if alert else None) or [] if t.get("term")]
    return terms[0] if terms else incident.title


def draft_statement(
    session: Session,
    actor: Actor,
    workspace_id: str,
    incident_id: str,
    *,
    template_key: str,
    language: str,
) -> IncidentStatement:
    incident, _ = _open_incident(session, actor, workspace_id, incident_id)
    template = TEMPLATE_BY_KEY.get(template_key)
    if template is None:
        raise ValidationFailedError("choose one of the statement templates")
    if language not in LANGUAGES:
        raise ValidationFailedError("statements are written in French or English")
    statement = IncidentStatement(
        workspace_id=workspace_id,
        incident_id=incident.id,
        template_key=template.key,
        language=language,
        text=fill(template, language, statement_values(session, incident, language)),
        state="draft",
        drafted_by_id=actor.user_id,
    )
    session.add(statement)
    session.flush()
    _event(session, incident, "statement.drafted", actor,
           data={"statement": statement.id, "language": language, "template": template.key})
    _audit(session, incident, actor, "crisis.statement.drafted", statement=statement.id)
    return statement


def _statement_of(
    session: Session, actor: Actor, workspace_id: str, statement_id: str, permission: Permission
) -> tuple[IncidentStatement, Incident, WorkspaceGrant]:
    statement = session.get(IncidentStatement, statement_id)
    if statement is None or statement.workspace_id != workspace_id:
        raise NotFoundError("statement not found")
    incident, grant = _open_incident(session, actor, workspace_id, statement.incident_id,
                                     permission)
    return statement, incident, grant


def edit_statement(
    session: Session, actor: Actor, workspace_id: str, statement_id: str, text: str
) -> IncidentStatement:
    statement, incident, _ = _statement_of(
        session, actor, workspace_id, statement_id, Permission.CRISIS_MANAGE
    )
    if statement.state != "draft":
        raise ConflictError("an approved statement cannot change: draft a new one")
    text = text.strip()
    if not text:
        raise ValidationFailedError("the statement is empty")
    if len(text) > MAX_STATEMENT:
        raise ValidationFailedError("a statement holds at most 5,000 characters")
    statement.text = text
    _event(session, incident, "statement.edited", actor, data={"statement": statement.id})
    return statement


def approve_statement(
    session: Session, actor: Actor, workspace_id: str, statement_id: str,
    text: str | None = None,
) -> IncidentStatement:
    """Approve the draft (with the text as last edited on the approval form, when given)."""
    statement, incident, _ = _statement_of(
        session, actor, workspace_id, statement_id, Permission.PUBLISH_APPROVE
    )
    if statement.state != "draft":
        raise ConflictError("this statement is not a draft any more")
    if unfinished_parts(text if text is not None else statement.text):
        raise ValidationFailedError(
            "finish the text before approving it: fill every {placeholder} and [to complete] mark"
        )
    if text is not None and text.strip() != statement.text:
        edit_statement(session, actor, workspace_id, statement_id, text)
    own = statement.drafted_by_id == actor.user_id
    statement.state, statement.approved_at, statement.approved_by_id = (
        "approved", utcnow(), actor.user_id)
    _event(session, incident, "statement.approved", actor, body=statement.text,
           data={"statement": statement.id, "language": statement.language, "own": own})
    _audit(session, incident, actor, "crisis.statement.approved", statement=statement.id,
           own_draft=own)
    return statement


def withdraw_statement(
    session: Session, actor: Actor, workspace_id: str, statement_id: str
) -> IncidentStatement:
    statement, incident, _ = _statement_of(
        session, actor, workspace_id, statement_id, Permission.CRISIS_MANAGE
    )
    if statement.state == "withdrawn":
        return statement
    statement.state, statement.withdrawn_at = "withdrawn", utcnow()
    _event(session, incident, "statement.withdrawn", actor, data={"statement": statement.id})
    _audit(session, incident, actor, "crisis.statement.withdrawn", statement=statement.id)
    return statement


def publish_targets(session: Session, workspace_id: str) -> list[tuple[str, str]]:
    """(target id, label) for each connected channel that can publish, plus the demo network."""
    workspace = session.get(Workspace, workspace_id)
    targets = []
    if workspace is not None and (workspace.settings or {}).get("demo"):
        targets.append((SIMULATED_TARGET, "Demo network (simulated)"))
    for channel in session.scalars(
        select(Channel)
        .where(Channel.workspace_id == workspace_id, Channel.disabled_at.is_(None))
        .order_by(Channel.name)
    ):
        try:
            cls = get_connector_class(channel.platform)
        except UnknownPlatformError:  # a plug-in connector that is no longer installed
            continue
        if Capability.PUBLISH in cls.capabilities:
            targets.append((channel.id, f"{channel.name} ({cls.label})"))
    return targets


def post_statement(
    session: Session,
    actor: Actor,
    workspace_id: str,
    statement_id: str,
    target_ids: Sequence[str],
) -> list[StatementPost]:
    """Queue the approved statement to each chosen channel, once per channel."""
    statement, incident, _ = _statement_of(
        session, actor, workspace_id, statement_id, Permission.CRISIS_MANAGE
    )
    if statement.state != "approved":
        raise ConflictError("only an approved statement is posted")
    allowed = dict(publish_targets(session, workspace_id))
    chosen = [t for t in dict.fromkeys(target_ids) if t]
    if not chosen:
        raise ValidationFailedError("choose where to post the statement")
    unknown = [t for t in chosen if t not in allowed]
    if unknown:
        raise ValidationFailedError("a chosen channel cannot publish (or is not connected)")
    posts = []
    for target in chosen:
        key = f"stmt:{statement.id}:{target}"
        existing = session.scalar(
            select(StatementPost).where(
                StatementPost.workspace_id == workspace_id,
                StatementPost.idempotency_key == key,
            )
        )
        if existing is not None:
            posts.append(existing)  # posting twice to the same channel is the same post
            continue
        channel = session.get(Channel, target) if target != SIMULATED_TARGET else None
        post = StatementPost(
            workspace_id=workspace_id,
            statement_id=statement.id,
            channel_id=channel.id if channel else None,
            platform=channel.platform if channel else SIMULATED_TARGET,
            idempotency_key=key,
            outcome="queued",
            created_by_id=actor.user_id,
        )
        session.add(post)
        session.flush()
        jobs.enqueue(session, POST_JOB, {"post_id": post.id}, workspace_id=workspace_id)
        _event(session, incident, "statement.queued", actor,
               data={"statement": statement.id, "post": post.id, "where": allowed[target]})
        posts.append(post)
    _audit(session, incident, actor, "crisis.statement.post_queued", statement=statement.id,
           targets=len(chosen))
    return posts


def record_posted_elsewhere(
    session: Session,
    actor: Actor,
    workspace_id: str,
    statement_id: str,
    where: str,
    url: str = "",
) -> None:
    """The statement went out somewhere Hearth does not post (website, press, a store door)."""
    statement, incident, _ = _statement_of(
        session, actor, workspace_id, statement_id, Permission.CRISIS_MANAGE
    )
    if statement.state != "approved":
        raise ConflictError("only an approved statement is posted")
    where = " ".join(where.split())[:200]
    if not where:
        raise ValidationFailedError("say where the statement was posted")
    url = url.strip()
    if url and not url.startswith(("https://", "http://")):
        raise ValidationFailedError("the link must start with https:// or http://")
    _event(session, incident, "statement.posted", actor,
           data={"statement": statement.id, "where": where, "url": url[:2000] or None,
                 "by_hand": True})
    _audit(session, incident, actor, "crisis.statement.posted_elsewhere",
           statement=statement.id, where=where)


# --- moderation -------------------------------------------------------------------------------


def set_strict_moderation(
    session: Session, actor: Actor, workspace_id: str, incident_id: str, strict: bool
) -> None:
    """Switch the workspace's moderation to the strict rule set for the incident, or back."""
    incident, _ = _open_incident(session, actor, workspace_id, incident_id,
                                 Permission.MODERATION_RULES)
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None
    if strict == (incident.strict_since is not None):
        return
    current = mode_of(workspace.settings)
    if strict:
        incident.strict_since, incident.strict_previous_mode = utcnow(), current.value
        _set_mode(workspace, ModerationMode.STRICT)
    else:
        _set_mode(workspace, ModerationMode(incident.strict_previous_mode or "standard"))
        incident.strict_since = incident.strict_previous_mode = None
    _event(session, incident, "moderation.strict" if strict else "moderation.standard", actor)
    record(
        session,
        actor=actor,
        action="moderation.mode.changed",
        workspace_id=workspace_id,
        target=_target(incident),
        data={"from": current.value, "to": mode_of(workspace.settings).value},
    )


def _set_mode(workspace: Workspace, mode: ModerationMode) -> None:
    # A new dict: JSON columns only notice a new value, not an edit in place.
    workspace.settings = {**(workspace.settings or {}), MODE_SETTING: mode.value}


# --- closing ----------------------------------------------------------------------------------


def close_incident(
    session: Session,
    actor: Actor,
    workspace_id: str,
    incident_id: str,
    *,
    summary: str,
    lessons: str = "",
) -> Incident:
    """Close with the post-mortem: restore moderation, resolve the alert, freeze the facts."""
    incident, _ = _open_incident(session, actor, workspace_id, incident_id)
    summary, lessons = summary.strip(), lessons.strip()
    if not summary:
        raise ValidationFailedError("write what happened before closing: it is the post-mortem")
    if len(summary) > 20_000 or len(lessons) > 20_000:
        raise ValidationFailedError("the post-mortem holds at most 20,000 characters per field")
    if incident.strict_since is not None:
        set_strict_moderation(session, actor, workspace_id, incident_id, False)
    alert = session.get(CrisisAlert, incident.alert_id) if incident.alert_id else None
    if alert is not None and alert.resolved_at is None:
        alert_actions.do_resolve_alert(session, alert, actor=actor)
    now = utcnow()
    _event(session, incident, "closed", actor, at=now)
    session.flush()
    incident.closed_at, incident.closed_by_id = now, actor.user_id
    incident.summary, incident.lessons = summary, lessons
    incident.facts = iq.facts(session, incident, now)
    _audit(session, incident, actor, "crisis.incident.closed",
           duration_minutes=incident.facts.get("duration_minutes"))
    return incident
