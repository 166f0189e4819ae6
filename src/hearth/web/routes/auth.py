"""Log in and out, account preferences, and joining a workspace from an invitation link."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from hearth.auth.actions import (
    InvalidCredentialsError,
    LoginThrottledError,
    authenticate,
    do_change_password,
    do_create_user,
    do_end_session,
    do_start_session,
    do_update_preferences,
    find_user_by_email,
    user_actor,
)
from hearth.authz.actor import Actor
from hearth.config import Settings
from hearth.kit.errors import HearthError
from hearth.models import User, Workspace
from hearth.web.context import (
    SESSION_COOKIE,
    Viewer,
    app_settings,
    db_session,
    logged_in,
    render,
    verify_csrf,
    viewer,
)
from hearth.web.i18n import SUPPORTED, _, current_locale
from hearth.workspace.actions import do_accept_invitation, find_valid_invitation

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect after login is a phishing aid.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _login_response(
    request: Request, db: Session, settings: Settings, user: User, target: str
) -> Response:
    _, raw = do_start_session(
        db,
        user,
        ip=_client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
        days=settings.session_days,
    )
    response = RedirectResponse(_safe_next(target), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        raw,
        httponly=True,
        samesite="lax",
        secure=settings.cookies_secure,
        max_age=settings.session_days * 86400,
    )
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/", view: Viewer = Depends(viewer)) -> Response:
    if view.user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "auth/login.html", next=_safe_next(next), error=None)


@router.post("/login")
def login(
    request: Request,
    email: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
    db: Session = Depends(db_session, scope="function"),
    settings: Settings = Depends(app_settings),
) -> Response:
    try:
        user = authenticate(
            db,
            email,
            password,
            _client_ip(request),
            max_failures=settings.login_max_failures,
            window_minutes=settings.login_lockout_minutes,
        )
    except (InvalidCredentialsError, LoginThrottledError) as exc:
        db.commit()  # keep the failed attempt: it counts towards throttling
        message = (
            _("Too many failed attempts. Wait a few minutes and try again.")
            if isinstance(exc, LoginThrottledError)
            else _("Wrong e-mail or password.")
        )
        return render(
            request,
            "auth/login.html",
            status_code=exc.status,
            next=_safe_next(next),
            error=message,
            email=email,
        )
    target = "/account?reset=1" if user.password_reset_required_at else next
    return _login_response(request, db, settings, user, target)


@router.post("/logout")
def logout(
    view: Viewer = Depends(logged_in), db: Session = Depends(db_session, scope="function")
) -> Response:
    assert view.user_session is not None
    do_end_session(db, view.user_session, actor=view.actor)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account")
def account(request: Request, reset: int = 0, view: Viewer = Depends(logged_in)) -> Response:
    return render(
        request,
        "auth/account.html",
        reset_required=bool(reset),
        message=None,
        error=None,
        timezones=_common_timezones(),
    )


def _common_timezones() -> list[str]:
    from zoneinfo import available_timezones

    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


@router.post("/account/preferences")
def save_preferences(
    request: Request,
    locale: str = Form(...),
    timezone: str = Form(...),
    view: Viewer = Depends(logged_in),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    assert view.user is not None
    do_update_preferences(db, view.user, locale=locale, timezone=timezone, actor=view.actor)
    return RedirectResponse("/account", status_code=303)


@router.post("/account/language")
def switch_language(
    request: Request,
    locale: str = Form(...),
    next: str = Form("/"),
    view: Viewer = Depends(viewer),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    locale = locale if locale in SUPPORTED else "en"
    response = RedirectResponse(_safe_next(next), status_code=303)
    if view.user is not None:
        do_update_preferences(
            db, view.user, locale=locale, timezone=view.user.timezone, actor=view.actor
        )
    response.set_cookie("hearth_lang", locale, samesite="lax", max_age=365 * 86400)
    return response


@router.post("/account/password")
def change_password(
    request: Request,
    current: str = Form(...),
    new: str = Form(...),
    view: Viewer = Depends(logged_in),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    assert view.user is not None and view.user_session is not None
    try:
        do_change_password(
            db,
            view.user,
            current=current,
            new=new,
            keep_session_id=view.user_session.id,
            actor=view.actor,
        )
    except HearthError as exc:
        return render(
            request,
            "auth/account.html",
            status_code=exc.status,
            error=exc.message,
            message=None,
            reset_required=False,
            timezones=_common_timezones(),
        )
    return render(
        request,
        "auth/account.html",
        message=_("Your password was changed."),
        error=None,
        reset_required=False,
        timezones=_common_timezones(),
    )


@router.get("/invite/{token}")
def invitation(
    request: Request,
    token: str,
    view: Viewer = Depends(viewer),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    invite = find_valid_invitation(db, token)
    workspace = db.get(Workspace, invite.workspace_id)
    has_account = find_user_by_email(db, invite.email) is not None
    return render(
        request,
        "auth/invitation.html",
        invite=invite,
        workspace=workspace,
        token=token,
        has_account=has_account,
        error=None,
    )


@router.post("/invite/{token}")
def accept_invitation(
    request: Request,
    token: str,
    display_name: str = Form(""),
    password: str = Form(""),
    view: Viewer = Depends(viewer),
    db: Session = Depends(db_session, scope="function"),
    settings: Settings = Depends(app_settings),
) -> Response:
    invite = find_valid_invitation(db, token)
    workspace = db.get(Workspace, invite.workspace_id)
    assert workspace is not None
    try:
        user = _invited_user(request, db, settings, view, invite.email, display_name, password)
    except HearthError as exc:
        return render(
            request,
            "auth/invitation.html",
            status_code=exc.status,
            invite=invite,
            workspace=workspace,
            token=token,
            error=exc.message,
            has_account=find_user_by_email(db, invite.email) is not None,
        )
    do_accept_invitation(db, invite, user, actor=user_actor(user))
    return _login_response(request, db, settings, user, f"/w/{workspace.slug}/")


def _invited_user(
    request: Request,
    db: Session,
    settings: Settings,
    view: Viewer,
    email: str,
    display_name: str,
    password: str,
) -> User:
    """The invited person: already logged in, an existing account proving its password, or new."""
    if view.user is not None and view.user.email == email:
        return view.user
    if find_user_by_email(db, email) is None:
        return do_create_user(
            db,
            email=email,
            display_name=display_name,
            password=password,
            locale=current_locale.get(),
            actor=Actor.system("invitation"),
        )
    return authenticate(
        db,
        email,
        password,
        _client_ip(request),
        max_failures=settings.login_max_failures,
        window_minutes=settings.login_lockout_minutes,
    )
