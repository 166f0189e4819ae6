"""``create_app(settings)``: the FastAPI application with the web UI and the JSON API v1."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from hearth.config import Settings
from hearth.kit.db import make_engine, make_sessionmaker
from hearth.kit.errors import HearthError
from hearth.kit.metrics import HTTP_LATENCY, HTTP_REQUESTS
from hearth.web import i18n, labels
from hearth.web.context import LoginRequiredError, render

WEB_DIR = Path(__file__).resolve().parent / "web"
# JavaScript dependencies are installed from the npm registry at set-up (package.json), never
# copied into the repository.
ASSETS_DIR = Path(__file__).resolve().parents[2] / "node_modules"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(WEB_DIR / "templates")),
        autoescape=True,  # every user-generated string is escaped unless marked safe
        extensions=["jinja2.ext.i18n"],
    )
    templates = Jinja2Templates(env=env)
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["localtime"] = i18n.localtime
    env.filters["number"] = i18n.number
    env.filters["label"] = labels.label
    return templates


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_response(request: Request, status: int, message: str, code: str) -> Response:
    if _is_api(request):
        return JSONResponse({"error": code, "message": message}, status_code=status)
    return render(request, "error.html", status_code=status, status=status, message=message)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequiredError)
    async def login_required(request: Request, exc: LoginRequiredError) -> Response:
        if _is_api(request) or request.method != "GET":
            return _error_response(request, 401, exc.message, "auth.login_required")
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(HearthError)
    async def hearth_error(request: Request, exc: HearthError) -> Response:
        message = i18n.gettext(exc.message) if exc.status != 404 else i18n.gettext("Not found.")
        return _error_response(request, exc.status, message, exc.code)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = i18n.gettext("Not found.") if exc.status_code == 404 else str(exc.detail)
        return _error_response(request, exc.status_code, message, f"http.{exc.status_code}")

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = f"{where}: {first.get('msg', 'invalid input')}"
        return _error_response(request, 422, message, "validation_failed")


def _install_middleware(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_and_metrics(request: Request, call_next):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        response: Response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        HTTP_REQUESTS.labels(request.method, path, str(response.status_code)).inc()
        HTTP_LATENCY.labels(request.method, path).observe(time.perf_counter() - started)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if request.url.path not in (
            "/healthz",
            "/readyz",
            "/metrics",
        ) and not request.url.path.startswith("/static/"):
            headers.setdefault("Cache-Control", "no-store")
        return response


def _mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")
    for name, sub in (("htmx", "htmx.org/dist"), ("swagger", "swagger-ui-dist")):
        folder = ASSETS_DIR / sub
        if folder.is_dir():
            app.mount(f"/assets/{name}", StaticFiles(directory=str(folder)), name=f"assets-{name}")


def _include_routers(app: FastAPI) -> None:
    from hearth.api.routers import crisis as crisis_api
    from hearth.api.routers import docs, me, mentions, workspaces
    from hearth.web.routes import audit, auth, ops, shell, team

    for module in (ops, auth, team, audit, docs, me, workspaces, mentions, crisis_api):
        app.include_router(module.router)
    for router in extra_routers():
        app.include_router(router)
    # The generic area page comes last: areas with their own routers take precedence.
    app.include_router(shell.router)


def extra_routers() -> list:
    """Routers of domain areas (listening, inbox, crisis…): they take precedence over the
    generic area page."""
    from hearth.web.routes import (
        channels,
        crisis,
        hooks,
        inbox,
        inbox_admin,
        incidents,
        listening,
        notifications,
    )

    return [
        listening.router,
        inbox_admin.router,
        inbox.router,
        channels.router,
        hooks.router,
        crisis.router,
        incidents.router,
        notifications.router,
    ]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the in-process parts of the mention path; stop them gracefully on shutdown."""
    from hearth.ingest.pipeline import IngestRuntime

    settings: Settings = app.state.settings
    ingest = IngestRuntime(settings, app.state.sessionmaker)
    app.state.ingest = ingest
    if ingest.runs_consumer_in_process and settings.ingest_in_process:
        ingest.start_consumer()
    if settings.demo:
        ingest.start_demo(_demo_workspaces(app))
    worker = _start_worker(app) if settings.worker_in_process else None
    try:
        yield
    finally:
        if worker is not None:
            worker.stop()
        ingest.shutdown()


def _start_worker(app: FastAPI):  # type: ignore[no-untyped-def]
    """The embedded default runs jobs in the web process: one command, one process."""
    import threading

    from hearth import tasks
    from hearth.worker import Worker

    tasks.start(app.state.sessionmaker, app.state.settings)
    worker = Worker(app.state.sessionmaker)
    threading.Thread(target=worker.run, name="hearth-jobs", daemon=True).start()
    return worker


def _demo_workspaces(app: FastAPI) -> dict[str, str]:
    from hearth.demo.bootstrap import DEMO_WORKSPACES
    from hearth.workspace.queries import find_workspace_by_slug

    with app.state.sessionmaker() as session:
        found = {slug: find_workspace_by_slug(session, slug) for slug, *_ in DEMO_WORKSPACES}
    return {slug: ws.id for slug, ws in found.items() if ws is not None}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        lifespan=_lifespan,
        title="Hearth API",
        version="1",
        description="Hearth's JSON API v1. Authenticate with `Authorization: Bearer hth_…` "
        "(create tokens in Settings › API tokens).",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.resolved_database_url)
    app.state.sessionmaker = make_sessionmaker(app.state.engine)
    app.state.templates = _templates()
    _install_error_handlers(app)
    _install_middleware(app)
    _mount_static(app)
    _include_routers(app)
    return app
