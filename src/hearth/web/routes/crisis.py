"""Crisis: the radar's alerts (open first), each with its reason, rising terms and chart."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from hearth.authz.access import require
from hearth.authz.roles import Permission
from hearth.crisis import actions
from hearth.crisis import queries as q
from hearth.crisis.incident_queries import list_incidents, open_incident_of_alert
from hearth.kit.time import utcnow
from hearth.models import CrisisAlert, Incident
from hearth.web.areas import AREA_BY_SLUG, AREAS
from hearth.web.context import WorkspacePage, db_session, render, verify_csrf, workspace_page
from hearth.web.crisis_charts import volume_chart
from hearth.web.crisis_view import reason_text
from hearth.web.i18n import N_, _

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
DB = Depends(db_session, scope="function")
SEVERITY_LABELS = (N_("watch"), N_("warning"), N_("crisis"))


@dataclass
class AlertView:
    alert: CrisisAlert
    reason: str
    snoozed: bool
    chart: Markup | None


def _view(db: Session, page: WorkspacePage, alert: CrisisAlert, with_chart: bool) -> AlertView:
    me = page.view.me
    locale, tz = (me.locale, me.timezone) if me else ("en", "UTC")
    now = utcnow()
    chart = None
    if with_chart:
        chart = volume_chart(q.alert_series(db, alert, now), _("Mentions since the episode began"))
    snoozed = alert.snoozed_until is not None and alert.snoozed_until > now
    return AlertView(alert, reason_text(alert, locale, tz), snoozed, chart)


@router.get("/w/{slug}/crisis")
def crisis_page(
    request: Request, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    return render_crisis_page(request, page, db)


def render_crisis_page(
    request: Request,
    page: WorkspacePage,
    db: Session,
    *,
    status: int = 200,
    error: str | None = None,
    title_draft: str = "",
) -> Response:
    """The alerts and the incident rooms; also shown again when opening a room was refused."""
    require(page.grant, Permission.CRISIS_VIEW)
    alerts = [
        _view(db, page, a, with_chart=a.resolved_at is None)
        for a in q.list_alerts(db, page.workspace.id)
    ]
    incidents = list_incidents(db, page.workspace.id)
    return render(
        request,
        "crisis/page.html",
        status_code=status,
        page=page,
        areas=AREAS,
        area=AREA_BY_SLUG["crisis"],
        alerts=alerts,
        incidents=incidents,
        rooms=_rooms(incidents),
        error=error,
        title_draft=title_draft,
    )


def _rooms(incidents: list[Incident]) -> dict[str, Incident]:
    """The room of each alert (the latest one, when an alert had several)."""
    rooms: dict[str, Incident] = {}
    for incident in sorted(incidents, key=lambda i: i.opened_at):
        if incident.alert_id:
            rooms[incident.alert_id] = incident
    return rooms


@router.get("/w/{slug}/crisis/alerts/{alert_id}")
def alert_page(
    alert_id: str, request: Request, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    alert = actions.access_alert(db, page.actor, page.workspace.id, alert_id)
    room = open_incident_of_alert(db, alert)
    return render(
        request,
        "crisis/detail.html",
        page=page,
        areas=AREAS,
        area=AREA_BY_SLUG["crisis"],
        a=_view(db, page, alert, with_chart=True),
        rooms={alert.id: room} if room else {},
    )


def _back(page: WorkspacePage, alert_id: str) -> Response:
    return RedirectResponse(f"/w/{page.workspace.slug}/crisis#alert-{alert_id}", status_code=303)


@router.post("/w/{slug}/crisis/alerts/{alert_id}/acknowledge")
def acknowledge(
    alert_id: str, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    alert = actions.check_acknowledge_alert(db, page.actor, page.workspace.id, alert_id)
    actions.do_acknowledge_alert(db, alert, actor=page.actor)
    return _back(page, alert_id)


@router.post("/w/{slug}/crisis/alerts/{alert_id}/snooze")
def snooze(
    alert_id: str,
    minutes: int = Form(60),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    alert, duration = actions.check_snooze_alert(
        db, page.actor, page.workspace.id, alert_id, minutes
    )
    actions.do_snooze_alert(db, alert, duration, actor=page.actor)
    return _back(page, alert_id)


@router.post("/w/{slug}/crisis/alerts/{alert_id}/resolve")
def resolve(
    alert_id: str, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    alert = actions.check_resolve_alert(db, page.actor, page.workspace.id, alert_id)
    actions.do_resolve_alert(db, alert, actor=page.actor)
    return _back(page, alert_id)
