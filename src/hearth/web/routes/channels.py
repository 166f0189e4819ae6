"""Settings › Channels: connect networks, see their health, test them, import files."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from hearth.authz.access import require
from hearth.authz.roles import Permission
from hearth.config import Settings
from hearth.ingest import actions, imports
from hearth.ingest.connectors.base import Capability, Connector
from hearth.ingest.connectors.registry import connector_classes, get_connector_class
from hearth.ingest.credentials import CredentialsInvalidError, form_fields, public_values
from hearth.ingest.policy import health_of, is_pollable
from hearth.ingest.queries import access_channel, list_channels
from hearth.kit.crypto import SecretBox
from hearth.kit.errors import HearthError
from hearth.kit.time import utcnow
from hearth.models import Channel
from hearth.web.areas import AREAS
from hearth.web.context import (
    WorkspacePage,
    app_settings,
    db_session,
    render,
    verify_csrf,
    workspace_page,
)
from hearth.web.i18n import N_, gettext
from hearth.web.routes.hooks import hook_url

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

BASE = "/w/{slug}/settings/channels"
CAPABILITY_LABELS = {
    Capability.SEARCH: N_("search"),
    Capability.STREAM: N_("live"),
    Capability.OWN_COMMENTS: N_("comments on own posts"),
    Capability.NOTIFICATIONS: N_("mentions of the account"),
    Capability.REPLY: N_("reply"),
    Capability.PUBLISH: N_("publish"),
    Capability.HIDE: N_("hide"),
    Capability.DELETE: N_("delete"),
    Capability.DIRECT_MESSAGES: N_("direct messages"),
}


def _box(settings: Settings) -> SecretBox:
    return SecretBox(settings.resolved_secret_key)


def _form(form: FormData) -> dict[str, Any]:
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _back(page: WorkspacePage) -> Response:
    return RedirectResponse(f"/w/{page.workspace.slug}/settings/channels", status_code=303)


# --- list ------------------------------------------------------------------------------------


@router.get(BASE)
def channels(request: Request, page: WorkspacePage = Depends(workspace_page),
             db: Session = Depends(db_session, scope="function")) -> Response:
    require(page.grant, Permission.CHANNELS_VIEW)
    known = connector_classes()
    today = utcnow().date()
    rows = [(c, health_of(c, today), known.get(c.platform)) for c in
            list_channels(db, page.workspace.id)]
    return render(request, "settings/channels.html", page=page, areas=AREAS, rows=rows,
                  can_manage=page.grant.has(Permission.CHANNELS_MANAGE))


@router.get(BASE + "/new")
def choose_platform(request: Request, page: WorkspacePage = Depends(workspace_page)) -> Response:
    require(page.grant, Permission.CHANNELS_MANAGE)
    return render(request, "settings/channels_new.html", page=page, areas=AREAS,
                  connectors=list(connector_classes().values()), capabilities=CAPABILITY_LABELS)


# --- create / edit ---------------------------------------------------------------------------


def _form_page(request: Request, page: WorkspacePage, cls: type[Connector],
               channel: Channel | None = None, values: dict[str, Any] | None = None,
               error: HearthError | None = None, settings: Settings | None = None) -> Response:
    # Field messages come from Hearth's validators; the catalogue translates the known ones.
    fields = {name: gettext(message) for name, message in getattr(error, "fields", {}).items()}
    return render(
        request, "settings/channels_form.html", status_code=error.status if error else 200,
        page=page, areas=AREAS, connector=cls, channel=channel, fields=form_fields(
            cls.credentials_model), values=values or {}, errors=fields,
        error=error.message if error and not fields else None, pollable=is_pollable(cls.platform),
        hook=hook_url(request, settings, channel) if channel and settings else None,
        importable=imports.accepts_files(cls))


def _submitted_values(cls: type[Connector], form: dict[str, Any]) -> dict[str, Any]:
    """What to show again after a refused submission: everything but the secrets."""
    secret = {f"cred_{f.name}" for f in form_fields(cls.credentials_model) if f.secret}
    return {k: v for k, v in form.items() if k not in secret and k != "csrf_token"}


@router.get(BASE + "/new/{platform}")
def new_channel(request: Request, platform: str,
                page: WorkspacePage = Depends(workspace_page)) -> Response:
    require(page.grant, Permission.CHANNELS_MANAGE)
    cls = get_connector_class(platform)
    defaults = {f"cred_{f.name}": f.default for f in form_fields(cls.credentials_model)
                if f.default is not None}
    return _form_page(request, page, cls, values={"poll_minutes": 5, **defaults})


@router.post(BASE + "/new/{platform}")
async def create_channel(request: Request, platform: str,
                        page: WorkspacePage = Depends(workspace_page),
                        db: Session = Depends(db_session, scope="function"),
                        settings: Settings = Depends(app_settings)) -> Response:
    form = _form(await request.form())
    try:
        draft = actions.check_create_channel(db, page.actor, page.workspace.id, platform,
                                             form.get("name", ""), form,
                                             policy=settings.outbound_policy)
    except CredentialsInvalidError as exc:
        cls = get_connector_class(platform)
        return _form_page(request, page, cls, values=_submitted_values(cls, form), error=exc)
    channel = actions.do_create_channel(db, draft, box=_box(settings), actor=page.actor)
    if imports.accepts_files(get_connector_class(platform)):
        return RedirectResponse(f"/w/{page.workspace.slug}/settings/channels/{channel.id}/import",
                                status_code=303)
    return _back(page)


def _edit_values(channel: Channel, box: SecretBox, cls: type[Connector]) -> dict[str, Any]:
    shown = public_values(cls.credentials_model, box.open(channel.credentials_encrypted))
    listening = {k: "\n".join(v) if isinstance(v, list) else v
                 for k, v in (channel.settings or {}).items()}
    return {"name": channel.name, **{f"cred_{k}": v for k, v in shown.items()}, **listening}


@router.get(BASE + "/{channel_id}")
def edit_channel(request: Request, channel_id: str,
                 page: WorkspacePage = Depends(workspace_page),
                 db: Session = Depends(db_session, scope="function"),
                 settings: Settings = Depends(app_settings)) -> Response:
    channel = access_channel(db, page.actor, page.workspace.id, channel_id,
                             Permission.CHANNELS_MANAGE)
    cls = get_connector_class(channel.platform)
    return _form_page(request, page, cls, channel, _edit_values(channel, _box(settings), cls),
                      settings=settings)


@router.post(BASE + "/{channel_id}")
async def update_channel(request: Request, channel_id: str,
                         page: WorkspacePage = Depends(workspace_page),
                         db: Session = Depends(db_session, scope="function"),
                         settings: Settings = Depends(app_settings)) -> Response:
    form, box = _form(await request.form()), _box(settings)
    try:
        channel, draft = actions.check_update_channel(
            db, page.actor, page.workspace.id, channel_id, form.get("name", ""), form, box,
            policy=settings.outbound_policy)
    except CredentialsInvalidError as exc:
        channel = access_channel(db, page.actor, page.workspace.id, channel_id)
        cls = get_connector_class(channel.platform)
        return _form_page(request, page, cls, channel, {"name": channel.name,
                          **_submitted_values(cls, form)}, exc, settings)
    actions.do_update_channel(db, channel, draft, box=box, actor=page.actor)
    return _back(page)


# --- test connection (htmx) ------------------------------------------------------------------


async def _test(request: Request, page: WorkspacePage, db: Session, settings: Settings,
                platform: str, channel_id: str | None) -> Response:
    form = _form(await request.form())
    try:
        cls, credentials = actions.check_test_connection(
            db, page.actor, page.workspace.id, platform, form, _box(settings), channel_id)
    except CredentialsInvalidError as exc:
        return render(request, "settings/channels_test.html", ok=False, message=exc.message)
    # Nothing was written: end the read transaction so no database lock is held while a slow
    # network answers.
    db.commit()
    check = actions.run_connection_test(cls, credentials, policy=settings.outbound_policy)
    return render(request, "settings/channels_test.html", ok=check.ok,
                  message=gettext(check.message))


@router.post(BASE + "/new/{platform}/test")
async def test_new_channel(request: Request, platform: str,
                           page: WorkspacePage = Depends(workspace_page),
                           db: Session = Depends(db_session, scope="function"),
                           settings: Settings = Depends(app_settings)) -> Response:
    return await _test(request, page, db, settings, platform, None)


@router.post(BASE + "/{channel_id}/test")
async def test_saved_channel(request: Request, channel_id: str,
                             page: WorkspacePage = Depends(workspace_page),
                             db: Session = Depends(db_session, scope="function"),
                             settings: Settings = Depends(app_settings)) -> Response:
    return await _test(request, page, db, settings, "", channel_id)


# --- disable / enable / delete ---------------------------------------------------------------


@router.post(BASE + "/{channel_id}/disable")
def disable_channel(channel_id: str, page: WorkspacePage = Depends(workspace_page),
                    db: Session = Depends(db_session, scope="function")) -> Response:
    channel = actions.check_manage_channel(db, page.actor, page.workspace.id, channel_id)
    actions.do_disable_channel(db, channel, actor=page.actor)
    return _back(page)


@router.post(BASE + "/{channel_id}/enable")
def enable_channel(channel_id: str, page: WorkspacePage = Depends(workspace_page),
                   db: Session = Depends(db_session, scope="function")) -> Response:
    channel = actions.check_manage_channel(db, page.actor, page.workspace.id, channel_id)
    actions.do_enable_channel(db, channel, actor=page.actor)
    return _back(page)


@router.post(BASE + "/{channel_id}/delete")
def delete_channel(channel_id: str, page: WorkspacePage = Depends(workspace_page),
                   db: Session = Depends(db_session, scope="function")) -> Response:
    channel = actions.check_manage_channel(db, page.actor, page.workspace.id, channel_id)
    actions.do_delete_channel(db, channel, actor=page.actor)
    return _back(page)


# --- file import -----------------------------------------------------------------------------


def _import_page(request: Request, page: WorkspacePage, channel: Channel, status: int = 200,
                 **extra: Any) -> Response:
    context = {"preview": None, "upload": None, "result": None, "error": None, **extra}
    return render(request, "settings/channels_import.html", status_code=status, page=page,
                  areas=AREAS, channel=channel, mapping_fields=imports.MAPPING_FIELDS, **context)


@router.get(BASE + "/{channel_id}/import")
def import_form(request: Request, channel_id: str, page: WorkspacePage = Depends(workspace_page),
                db: Session = Depends(db_session, scope="function")) -> Response:
    channel = imports.check_import(db, page.actor, page.workspace.id, channel_id)
    return _import_page(request, page, channel)


@router.post(BASE + "/{channel_id}/import")
async def import_file(request: Request, channel_id: str,
                      page: WorkspacePage = Depends(workspace_page),
                      db: Session = Depends(db_session, scope="function"),
                      settings: Settings = Depends(app_settings)) -> Response:
    form = await request.form()
    channel = imports.check_import(db, page.actor, page.workspace.id, channel_id)
    try:
        upload = await _upload(form, settings, channel.id)
        mapping = imports.mapping_from_form(_form(form))
        if form.get("confirm") != "1":
            return _import_page(request, page, channel, upload=upload,
                                preview=imports.preview_upload(upload, mapping))
        result = imports.do_import_file(db, channel, upload, mapping, actor=page.actor)
    except HearthError as exc:
        return _import_page(request, page, channel, status=exc.status, error=exc.message)
    return _import_page(request, page, channel, result=result)


async def _upload(form: FormData, settings: Settings, channel_id: str) -> imports.Upload:
    """A new upload (kept in the data folder until imported) or the one being previewed."""
    file = form.get("file")
    if isinstance(file, UploadFile) and file.filename:
        body = await file.read(imports.MAX_FILE_BYTES + 1)
        return imports.keep_upload(settings.data_dir, channel_id, file.filename, body)
    return imports.find_upload(settings.data_dir, channel_id, str(form.get("upload_id") or ""))
