"""Settings › Team and Settings › API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from hearth.auth.actions import check_reset_password, do_reset_password
from hearth.authz.access import require
from hearth.authz.roles import ROLE_PERMISSIONS, Permission, Role
from hearth.config import Settings
from hearth.kit.errors import HearthError
from hearth.web.areas import AREAS
from hearth.web.context import (
    Viewer,
    WorkspacePage,
    app_settings,
    db_session,
    logged_in,
    render,
    verify_csrf,
    workspace_page,
)
from hearth.workspace import actions
from hearth.workspace.queries import list_api_tokens, list_pending_invitations, list_team

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


def _team_page(
    request: Request, page: WorkspacePage, db: Session, status: int = 200, **extra: object
) -> Response:
    require(page.grant, Permission.TEAM_VIEW)
    return render(
        request,
        "settings/team.html",
        status_code=status,
        page=page,
        areas=AREAS,
        team=list_team(db, page.workspace.id),
        invitations=list_pending_invitations(db, page.workspace.id)
        if page.grant.has(Permission.TEAM_INVITE)
        else [],
        roles=list(Role),
        **{"error": None, "invite_link": None, **extra},
    )


@router.get("/w/{slug}/settings")
def settings_home(page: WorkspacePage = Depends(workspace_page)) -> Response:
    return RedirectResponse(f"/w/{page.workspace.slug}/settings/team", status_code=303)


@router.get("/w/{slug}/settings/team")
def team(
    request: Request,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    return _team_page(request, page, db)


def _invite_link(request: Request, settings: Settings, raw: str) -> str:
    base = (settings.base_url or str(request.base_url)).rstrip("/")
    return f"{base}/invite/{raw}"


@router.post("/w/{slug}/settings/team/invite")
def invite(
    request: Request,
    email: str = Form(...),
    role: str = Form(...),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = Depends(db_session, scope="function"),
    settings: Settings = Depends(app_settings),
) -> Response:
    try:
        grant, email, wanted = actions.check_invite(db, page.actor, page.workspace.id, email, role)
    except HearthError as exc:
        return _team_page(request, page, db, status=exc.status, error=exc.message)
    _, raw = actions.do_invite(
        db, grant, email=email, role=wanted, days=settings.invitation_days, actor=page.actor
    )
    return _team_page(
        request, page, db, invite_link=_invite_link(request, settings, raw), invited_email=email
    )


@router.post("/w/{slug}/settings/team/invitations/{invitation_id}/revoke")
def revoke_invitation(
    invitation_id: str,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    invitation = actions.check_revoke_invitation(db, page.actor, page.workspace.id, invitation_id)
    actions.do_revoke_invitation(db, invitation, actor=page.actor)
    return RedirectResponse(f"/w/{page.workspace.slug}/settings/team", status_code=303)


@router.post("/w/{slug}/settings/team/{membership_id}/role")
def change_role(
    request: Request,
    membership_id: str,
    role: str = Form(...),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    try:
        membership, wanted = actions.check_change_role(
            db, page.actor, page.workspace.id, membership_id, role
        )
    except HearthError as exc:
        if exc.status == 404:
            raise
        return _team_page(request, page, db, status=exc.status, error=exc.message)
    actions.do_change_role(db, membership, wanted, actor=page.actor)
    return RedirectResponse(f"/w/{page.workspace.slug}/settings/team", status_code=303)


@router.post("/w/{slug}/settings/team/{membership_id}/remove")
def remove_member(
    request: Request,
    membership_id: str,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    try:
        membership = actions.check_remove_member(db, page.actor, page.workspace.id, membership_id)
    except HearthError as exc:
        if exc.status == 404:
            raise
        return _team_page(request, page, db, status=exc.status, error=exc.message)
    actions.do_remove_member(db, membership, actor=page.actor)
    return RedirectResponse(f"/w/{page.workspace.slug}/settings/team", status_code=303)


@router.post("/w/{slug}/settings/team/{user_id}/reset-password")
def reset_password(
    request: Request,
    user_id: str,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    try:
        target = check_reset_password(db, page.actor, page.workspace.id, user_id)
    except HearthError as exc:
        if exc.status == 404:
            raise
        return _team_page(request, page, db, status=exc.status, error=exc.message)
    temporary = do_reset_password(db, target, workspace_id=page.workspace.id, actor=page.actor)
    return _team_page(request, page, db, reset_for=target.email, temporary_password=temporary)


def _tokens_page(
    request: Request, page: WorkspacePage, db: Session, status: int = 200, **extra: object
) -> Response:
    require(page.grant, Permission.TOKENS_MANAGE)
    return render(
        request,
        "settings/tokens.html",
        status_code=status,
        page=page,
        areas=AREAS,
        tokens=list_api_tokens(db, page.workspace.id),
        scopes=sorted(ROLE_PERMISSIONS[page.grant.role]),
        **{"error": None, "new_token": None, **extra},
    )


@router.get("/w/{slug}/settings/tokens")
def tokens(
    request: Request,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    return _tokens_page(request, page, db)


@router.post("/w/{slug}/settings/tokens")
async def create_token(
    request: Request,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    form = await request.form()
    name = str(form.get("name", ""))
    scopes = [str(s) for s in form.getlist("scopes")]
    days_raw = str(form.get("expires_days", "") or "")
    try:
        days = int(days_raw) if days_raw else None
        grant, wanted = actions.check_create_api_token(
            db, page.actor, page.workspace.id, name, scopes
        )
    except (HearthError, ValueError) as exc:
        message = exc.message if isinstance(exc, HearthError) else "invalid expiry"
        return _tokens_page(request, page, db, status=getattr(exc, "status", 422), error=message)
    token, raw = actions.do_create_api_token(
        db, grant, name=name, scopes=wanted, expires_days=days, actor=page.actor
    )
    return _tokens_page(request, page, db, new_token=raw, new_token_name=token.name)


@router.post("/w/{slug}/settings/tokens/{token_id}/revoke")
def revoke_token(
    token_id: str,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    token = actions.check_revoke_api_token(db, page.actor, page.workspace.id, token_id)
    actions.do_revoke_api_token(db, token, actor=page.actor)
    return RedirectResponse(f"/w/{page.workspace.slug}/settings/tokens", status_code=303)


@router.get("/help/permissions")
def permissions_help(request: Request, view: Viewer = Depends(logged_in)) -> Response:
    return render(
        request,
        "help_permissions.html",
        roles=list(Role),
        permissions=list(Permission),
        matrix=ROLE_PERMISSIONS,
    )
