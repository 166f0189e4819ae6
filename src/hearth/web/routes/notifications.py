"""Crisis › Notifications: the workspace's alert destinations and escalation (admins), and each
user's own crisis e-mail preferences."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from hearth.authz.access import require
from hearth.authz.roles import Permission
from hearth.config import Settings
from hearth.crisis import notify
from hearth.kit.errors import ValidationFailedError
from hearth.web.areas import AREA_BY_SLUG, AREAS
from hearth.web.context import (
    WorkspacePage,
    app_settings,
    db_session,
    render,
    verify_csrf,
    workspace_page,
)
from hearth.web.i18n import N_

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
DB = Depends(db_session, scope="function")
BASE = "/w/{slug}/crisis/notifications"
KIND_LABELS = {
    "email": N_("E-mail"),
    "slack": N_("Slack webhook"),
    "teams": N_("Teams webhook"),
    "generic": N_("Generic webhook (JSON)"),
}


def _page(request: Request, page: WorkspacePage, db: Session, error: str | None = None,
          submitted: dict[str, str] | None = None) -> Response:
    require(page.grant, Permission.CRISIS_VIEW)
    manage = page.grant.has(Permission.CRISIS_MANAGE)
    user_id = page.actor.user_id or ""
    return render(
        request,
        "crisis/notifications.html",
        status_code=422 if error else 200,
        page=page,
        areas=AREAS,
        area=AREA_BY_SLUG["crisis"],
        manage=manage,
        destinations=notify.list_destinations(db, page.workspace.id) if manage else [],
        escalation=notify.find_escalation_policy(db, page.workspace.id) if manage else None,
        prefs=notify.get_preferences(db, page.workspace.id, user_id),
        severities=notify.SEVERITIES,
        kinds=KIND_LABELS,
        error=error,
        submitted=submitted or {},
    )


def _back(page: WorkspacePage) -> Response:
    return RedirectResponse(f"/w/{page.workspace.slug}/crisis/notifications", status_code=303)


@router.get(BASE)
def notifications_page(
    request: Request, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    return _page(request, page, db)


@router.post(BASE + "/destinations")
def add_destination(
    request: Request,
    kind: str = Form(...),
    target: str = Form(""),
    secret: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    settings: Settings = Depends(app_settings),
    db: Session = DB,
) -> Response:
    notify.check_manage_notifications(db, page.actor, page.workspace.id)
    box = notify.webhook_box(settings.resolved_secret_key)
    try:
        notify.do_add_destination(
            db,
            page.workspace.id,
            kind=kind,
            target=target,
            secret=secret,
            box=box,
            actor=page.actor,
            policy=settings.outbound_policy,
        )
    except ValidationFailedError as exc:
        # The secret is not shown again; the kind and address are, to be corrected.
        return _page(request, page, db, error=exc.message,
                     submitted={"kind": kind, "target": target})
    return _back(page)


@router.post(BASE + "/destinations/{destination_id}/delete")
def remove_destination(
    destination_id: str, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    notify.check_manage_notifications(db, page.actor, page.workspace.id)
    dest = notify.get_destination(db, page.workspace.id, destination_id)
    notify.do_remove_destination(db, dest, actor=page.actor)
    return _back(page)


@router.post(BASE + "/escalation")
def set_escalation(
    request: Request,
    contact_email: str = Form(""),
    delay_minutes: int = Form(30),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    notify.check_manage_notifications(db, page.actor, page.workspace.id)
    try:
        notify.do_set_escalation(
            db, page.workspace.id, contact_email, delay_minutes, actor=page.actor
        )
    except ValidationFailedError as exc:
        return _page(request, page, db, error=str(exc))
    return _back(page)


@router.post(BASE + "/preferences")
def set_preferences(
    request: Request,
    crisis_email: bool = Form(False),
    min_severity: str = Form(notify.DEFAULT_MIN_SEVERITY),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    prefs = notify.Preferences(crisis_email=crisis_email, min_severity=min_severity)
    try:
        notify.do_set_preferences(db, page.workspace.id, prefs, actor=page.actor)
    except ValidationFailedError as exc:
        return _page(request, page, db, error=str(exc))
    return _back(page)
