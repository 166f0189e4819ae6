"""Per-request plumbing for the web UI: database session, who is logged in, CSRF, templates."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from hashlib import sha256
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from hearth.auth.actions import resolve_session, user_actor
from hearth.authz.access import WorkspaceNotFoundError, access_workspace
from hearth.authz.actor import Actor
from hearth.authz.policy import WorkspaceGrant
from hearth.authz.roles import Permission
from hearth.config import Settings
from hearth.kit.crypto import random_token
from hearth.kit.errors import HearthError
from hearth.models import User, UserSession, Workspace
from hearth.web import i18n
from hearth.web.crisis_view import Banner, banner_for
from hearth.workspace.queries import find_workspace_by_slug, list_user_workspaces

SESSION_COOKIE = "hearth_session"
ANON_CSRF_COOKIE = "hearth_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequiredError(HearthError):
    """Please log in."""

    status = 401


class CsrfError(HearthError):
    """The form expired or did not come from Hearth. Reload the page and try again."""

    status = 403
    code = "csrf"


def app_settings(request: Request) -> Settings:
    return request.app.state.settings


def db_session(request: Request) -> Iterator[Session]:
    """One transaction per request: commit when the handler succeeds, roll back otherwise.

    Always declared with ``scope="function"``: the commit must happen before the response is
    sent, or a browser following a redirect could read the state from before the change.
    """
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@dataclass(frozen=True)
class Me:
    """A snapshot of the logged-in user for templates: still readable on error pages, after the
    request's transaction was rolled back and its ORM objects expired."""

    id: str
    email: str
    display_name: str
    locale: str
    timezone: str


@dataclass
class Viewer:
    user: User | None
    user_session: UserSession | None
    csrf_token: str
    me: Me | None = None

    @property
    def actor(self) -> Actor:
        if self.user is None:
            raise LoginRequiredError()
        return user_actor(self.user)


def _csrf_token_for(secret_key: str, binding: str) -> str:
    return hmac.new(secret_key.encode(), b"csrf:" + binding.encode(), sha256).hexdigest()


def viewer(request: Request, db: Session = Depends(db_session, scope="function")) -> Viewer:
    cached = getattr(request.state, "viewer", None)
    if cached is not None:
        return cached
    settings: Settings = request.app.state.settings
    found = resolve_session(db, request.cookies.get(SESSION_COOKIE))
    user_session, user = found if found else (None, None)
    if user_session is not None:
        binding = user_session.csrf_secret
    else:
        # Forms shown before login (login, accept an invitation) are bound to a random cookie.
        binding = request.cookies.get(ANON_CSRF_COOKIE) or ""
        if not binding:
            binding = random_token(nbytes=16)
            request.state.set_anon_csrf = binding
    me = Me(user.id, user.email, user.display_name, user.locale, user.timezone) if user else None
    view = Viewer(user, user_session, _csrf_token_for(settings.resolved_secret_key, binding), me)
    request.state.viewer = view
    if user is not None:
        request.state.locale, request.state.timezone = user.locale, user.timezone
    else:
        cookie = request.cookies.get("hearth_lang")
        request.state.locale = (
            cookie
            if cookie in i18n.SUPPORTED
            else i18n.negotiate(request.headers.get("accept-language"))
        )
        request.state.timezone = "UTC"
    activate_locale(request)
    return view


def activate_locale(request: Request) -> None:
    """Set the request's language and time zone for gettext and date formatting.

    Sync dependencies run in worker threads whose context changes do not flow back, so this is
    called again from the async CSRF dependency (the request task's own context) and in render.
    """
    i18n.current_locale.set(getattr(request.state, "locale", i18n.DEFAULT_LOCALE))
    i18n.current_timezone.set(getattr(request.state, "timezone", "UTC"))


async def verify_csrf(request: Request, view: Viewer = Depends(viewer)) -> None:
    activate_locale(request)
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get("x-csrf-token")
    if not sent:
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, view.csrf_token):
        raise CsrfError()


def logged_in(view: Viewer = Depends(viewer)) -> Viewer:
    if view.user is None:
        raise LoginRequiredError()
    return view


@dataclass
class WorkspacePage:
    """What every page inside a workspace needs: who, where, with which role."""

    view: Viewer
    workspace: Workspace
    grant: WorkspaceGrant
    workspaces: list[tuple[Workspace, str]]
    crisis: Banner | None = None  # an open crisis alert, shown on every page of the workspace

    @property
    def actor(self) -> Actor:
        return self.view.actor


def workspace_page(
    slug: str,
    view: Viewer = Depends(logged_in),
    db: Session = Depends(db_session, scope="function"),
) -> WorkspacePage:
    workspace = find_workspace_by_slug(db, slug)
    if workspace is None:
        raise WorkspaceNotFoundError()
    grant = access_workspace(db, view.actor, workspace.id)
    assert view.user is not None
    crisis = None
    if grant.has(Permission.CRISIS_VIEW):
        crisis = banner_for(db, workspace.id, view.user.locale, view.user.timezone)
    return WorkspacePage(view, workspace, grant, list_user_workspaces(db, view.user.id), crisis)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    templates = request.app.state.templates
    activate_locale(request)
    view: Viewer | None = getattr(request.state, "viewer", None)
    context.setdefault("view", view)
    message = context.get("error")
    if isinstance(message, str):
        # Error messages come from Hearth's own errors; the catalogue translates the known ones.
        context["error"] = i18n.gettext(message)
    context.setdefault("locale", i18n.current_locale.get())
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    anon = getattr(request.state, "set_anon_csrf", None)
    if anon:
        settings: Settings = request.app.state.settings
        response.set_cookie(
            ANON_CSRF_COOKIE, anon, httponly=True, samesite="lax", secure=settings.cookies_secure
        )
    return response
