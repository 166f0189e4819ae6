"""The incident room: everything the response team needs during a crisis, on one page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from hearth.crisis import incident_queries as iq
from hearth.crisis import incidents
from hearth.crisis.statements import LANGUAGES, TEMPLATES
from hearth.kit.errors import HearthError, NotFoundError
from hearth.kit.time import utcnow
from hearth.models import Incident, IncidentStatement
from hearth.moderation.policy import mode_of
from hearth.web.areas import AREA_BY_SLUG, AREAS
from hearth.web.context import WorkspacePage, db_session, render, verify_csrf, workspace_page
from hearth.web.crisis_charts import volume_chart
from hearth.web.i18n import N_, _
from hearth.web.postmortem import event_text, postmortem_html, postmortem_pdf
from hearth.web.routes.crisis import render_crisis_page
from hearth.workspace.queries import list_team

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
DB = Depends(db_session, scope="function")


def translated_incident_errors() -> None:  # domain errors shown in the room's forms
    N_("give the incident a short title (what is happening)"), N_("write the note first")
    N_("a note holds at most 5,000 characters"), N_("the lead must be a member of this workspace")
    N_("say what needs doing"), N_("a task holds at most 300 characters")
    N_("tasks go to members of this workspace"), N_("choose one of the statement templates")
    N_("statements are written in French or English"), N_("the statement is empty")
    N_("an approved statement cannot change: draft a new one")
    N_("a statement holds at most 5,000 characters")
    N_("this statement is not a draft any more"), N_("only an approved statement is posted")
    N_("finish the text before approving it: fill every {placeholder} and [to complete] mark")
    N_("choose where to post the statement")
    N_("a chosen channel cannot publish (or is not connected)")
    N_("say where the statement was posted"), N_("the link must start with https:// or http://")
    N_("write what happened before closing: it is the post-mortem")
    N_("the post-mortem holds at most 20,000 characters per field")
    N_("This incident is closed."), N_("Incident not found.")
    N_("the contact holds at most 200 characters"), N_("could not number the incident: try again")


def _url(page: WorkspacePage, incident_id: str, anchor: str = "") -> str:
    return f"/w/{page.workspace.slug}/crisis/incidents/{incident_id}{anchor}"


def _room(
    request: Request,
    page: WorkspacePage,
    db: Session,
    incident: Incident,
    *,
    status: int = 200,
    error: str | None = None,
    **extra: Any,
) -> Response:
    now = utcnow()
    points = iq.series(db, incident, now)
    team = list_team(db, page.workspace.id)
    return render(
        request,
        "crisis/incident.html",
        status_code=status,
        page=page,
        areas=AREAS,
        area=AREA_BY_SLUG["crisis"],
        i=incident,
        error=error,
        chart=volume_chart(points, _("Mentions since the first signal")),
        timeline=iq.timeline(db, incident, points),
        drivers=iq.drivers(db, incident, now),
        statements=iq.statements(db, incident),
        posts=iq.posts_by_statement(db, incident),
        tasks=iq.tasks(db, incident),
        team=team,
        names={m.user_id: m.display_name for m in team},
        templates=TEMPLATES,
        languages=LANGUAGES,
        targets=incidents.publish_targets(db, page.workspace.id),
        crisis_contact=(page.workspace.settings or {}).get(incidents.CONTACT_SETTING, ""),
        moderation_mode=mode_of(page.workspace.settings).value,
        error_for=extra.pop("error_for", ""),
        event_text=event_text,
        drafts=extra.pop("drafts", {}),
        **extra,
    )


def _act(
    request: Request,
    page: WorkspacePage,
    db: Session,
    incident_id: str,
    action: Callable[[], object],
    *,
    anchor: str = "",
    error_for: str = "",
    **on_error: Any,
) -> Response:
    """Do the action and go back to the room; on a refusal show the room with the reason.

    Forbidden and not-found go to the error page like everywhere else; the partial writes of a
    refused action are rolled back so a refusal changes nothing.
    """
    try:
        action()
    except HearthError as exc:
        if exc.status in (403, 404):
            raise
        db.rollback()
        incident, _grant = incidents.access_incident(db, page.actor, page.workspace.id,
                                                     incident_id)
        # The reason is shown beside the form that was sent (error_for), not far above it.
        return _room(request, page, db, incident, status=422, error=exc.message,
                     error_for=error_for, **on_error)
    return RedirectResponse(_url(page, incident_id, anchor), status_code=303)


@router.post("/w/{slug}/crisis/incidents")
def open_incident(
    request: Request,
    alert_id: str = Form(""),
    title: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    try:
        incident = incidents.open_incident(
            db, page.actor, page.workspace.id, alert_id=alert_id or None, title=title
        )
    except HearthError as exc:
        if exc.status in (403, 404):
            raise
        db.rollback()
        return render_crisis_page(request, page, db, status=422, error=exc.message,
                                  title_draft=title)
    return RedirectResponse(_url(page, incident.id), status_code=303)


@router.get("/w/{slug}/crisis/incidents/{incident_id}")
def room(
    incident_id: str,
    request: Request,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    incident, _grant = incidents.access_incident(db, page.actor, page.workspace.id, incident_id)
    return _room(request, page, db, incident)


@router.get("/w/{slug}/crisis/incidents/{incident_id}/timeline")
def timeline_part(
    incident_id: str,
    request: Request,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    """The timeline alone, refreshed by htmx while the team works."""
    incident, _grant = incidents.access_incident(db, page.actor, page.workspace.id, incident_id)
    points = iq.series(db, incident, utcnow())
    team = list_team(db, page.workspace.id)
    return render(
        request,
        "crisis/_incident_timeline.html",
        page=page,
        i=incident,
        timeline=iq.timeline(db, incident, points),
        names={m.user_id: m.display_name for m in team},
        event_text=event_text,
    )


@router.post("/w/{slug}/crisis/incidents/{incident_id}/note")
def note(
    incident_id: str,
    request: Request,
    text: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    return _act(
        request, page, db, incident_id,
        lambda: incidents.add_note(db, page.actor, page.workspace.id, incident_id, text),
        anchor="#timeline", error_for="note", note_draft=text,
    )


@router.post("/w/{slug}/crisis/incidents/{incident_id}/lead")
def lead(
    incident_id: str,
    request: Request,
    user_id: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    return _act(
        request, page, db, incident_id,
        lambda: incidents.set_lead(db, page.actor, page.workspace.id, incident_id, user_id),
        error_for="tasks",
    )


@router.post("/w/{slug}/crisis/incidents/{incident_id}/tasks")
def add_task(
    incident_id: str,
    request: Request,
    title: str = Form(""),
    assignee: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    return _act(
        request, page, db, incident_id,
        lambda: incidents.add_task(
            db, page.actor, page.workspace.id, incident_id, title, assignee or None
        ),
        anchor="#tasks", error_for="tasks", task_draft=title,
    )


@router.post("/w/{slug}/crisis/incidents/{incident_id}/tasks/{task_id}/done")
def task_done(
    incident_id: str,
    task_id: str,
    request: Request,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    return _act(
        request, page, db, incident_id,
        lambda: incidents.complete_task(db, page.actor, page.workspace.id, incident_id, task_id),
        anchor="#tasks", error_for="tasks",
    )


@router.post("/w/{slug}/crisis/incidents/{incident_id}/statements")
def draft_statement(
    incident_id: str,
    request: Request,
    template: str = Form(""),
    language: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    return _act(
        request, page, db, incident_id,
        lambda: incidents.draft_statement(
            db, page.actor, page.workspace.id, incident_id, template_key=template,
            language=language,
        ),
        anchor="#statements", error_for="statements",
    )


@router.post("/w/{slug}/crisis/incidents/{incident_id}/contact")
def contact(
    incident_id: str,
    request: Request,
    value: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    """The workspace's press contact, set from the room where it is needed."""
    incidents.access_incident(db, page.actor, page.workspace.id, incident_id)
    return _act(
        request, page, db, incident_id,
        lambda: incidents.set_crisis_contact(db, page.actor, page.workspace.id, value),
        anchor="#statements", error_for="statements",
    )


@router.post("/w/{slug}/crisis/incidents/{incident_id}/statements/{statement_id}/{move}")
def statement_move(
    incident_id: str,
    statement_id: str,
    move: str,
    request: Request,
    text: str = Form(""),
    targets: list[str] = Form(default=[]),
    where: str = Form(""),
    url: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    """save | approve | withdraw | post | posted-elsewhere, one form each in the room."""
    ws, actor = page.workspace.id, page.actor
    moves: dict[str, Callable[[], object]] = {
        "save": lambda: incidents.edit_statement(db, actor, ws, statement_id, text),
        "approve": lambda: incidents.approve_statement(db, actor, ws, statement_id, text),
        "withdraw": lambda: incidents.withdraw_statement(db, actor, ws, statement_id),
        "post": lambda: incidents.post_statement(db, actor, ws, statement_id, targets),
        "posted-elsewhere": lambda: incidents.record_posted_elsewhere(
            db, actor, ws, statement_id, where, url
        ),
    }
    incident, _grant = incidents.access_incident(db, actor, ws, incident_id)
    statement = db.get(IncidentStatement, statement_id)
    if move not in moves or statement is None or statement.incident_id != incident.id:
        raise NotFoundError("statement not found")
    return _act(
        request, page, db, incident_id, moves[move], anchor="#statements",
        error_for=f"statement:{statement_id}",
        drafts={statement_id: text} if move in ("save", "approve") else {},
    )


@router.post("/w/{slug}/crisis/incidents/{incident_id}/moderation")
def moderation(
    incident_id: str,
    request: Request,
    strict: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    return _act(
        request, page, db, incident_id,
        lambda: incidents.set_strict_moderation(
            db, page.actor, page.workspace.id, incident_id, strict == "1"
        ),
        error_for="moderation",
    )


@router.post("/w/{slug}/crisis/incidents/{incident_id}/close")
def close(
    incident_id: str,
    request: Request,
    summary: str = Form(""),
    lessons: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    return _act(
        request, page, db, incident_id,
        lambda: incidents.close_incident(
            db, page.actor, page.workspace.id, incident_id, summary=summary, lessons=lessons
        ),
        anchor="#postmortem", error_for="close", summary_draft=summary, lessons_draft=lessons,
    )


def _closed_incident(page: WorkspacePage, db: Session, incident_id: str) -> Incident:
    incident, _grant = incidents.access_incident(db, page.actor, page.workspace.id, incident_id)
    if incident.closed_at is None:
        raise incidents.IncidentNotFoundError("the post-mortem exists once the incident is closed")
    return incident


def _filename(incident: Incident, extension: str) -> str:
    return f"INC-{incident.number}-post-mortem.{extension}"


@router.get("/w/{slug}/crisis/incidents/{incident_id}/postmortem.html")
def postmortem_as_html(
    incident_id: str,
    request: Request,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    incident = _closed_incident(page, db, incident_id)
    body = postmortem_html(request, db, page, incident)
    return Response(
        body,
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(incident, "html")}"',
            # A self-contained document: its own styles inline, no script at all.
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
            "img-src data:; frame-ancestors 'none'",
        },
    )


@router.get("/w/{slug}/crisis/incidents/{incident_id}/postmortem.pdf")
def postmortem_as_pdf(
    incident_id: str,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    incident = _closed_incident(page, db, incident_id)
    return Response(
        postmortem_pdf(db, page, incident),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{_filename(incident, "pdf")}"'},
    )
