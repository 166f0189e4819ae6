"""The inbox: the queue ordered by priority, a conversation with its composer, bulk actions."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from hearth.authz.access import require
from hearth.authz.roles import Permission
from hearth.crisis.incident_queries import live_statements
from hearth.inbox import actions, assist, csat, sla
from hearth.inbox import attachments as files
from hearth.inbox import queries as iq
from hearth.inbox.intake import new_idempotency_key
from hearth.kit.errors import HearthError, ValidationFailedError
from hearth.kit.time import utcnow
from hearth.members import actions as members
from hearth.models import Mention
from hearth.web import i18n
from hearth.web.areas import AREA_BY_SLUG, AREAS
from hearth.web.context import WorkspacePage, db_session, render, verify_csrf, workspace_page
from hearth.web.i18n import N_
from hearth.workspace.queries import list_team

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
DB = Depends(db_session, scope="function")
# File slots in the composer (file_0, alt_0, …); a network's policy shows fewer.
FILE_SLOTS = 10
# Read at most this much of one uploaded file, and of all files of a reply: anything longer is
# refused by every policy (the largest is Mastodon's, 4 images of 16 MiB).
MAX_READ_BYTES = 16 * 1024 * 1024 + 1
READ_BUDGET = 4 * 16 * 1024 * 1024 + 1


def _base(page: WorkspacePage) -> str:
    return f"/w/{page.workspace.slug}/inbox"


@router.get("/w/{slug}/inbox")
def queue(
    request: Request,
    view: str = "open",
    tag: str = "",
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    require(page.grant, Permission.MENTIONS_VIEW)
    view = view if view in iq.VIEWS else "open"
    assert page.view.me is not None
    rows = iq.list_queue(db, page.workspace.id, view, page.view.me.id, tag=tag or None)
    template = "inbox/_rows.html" if request.headers.get("hx-request") else "inbox/queue.html"
    policies, now = sla.list_policies(db, page.workspace.id), utcnow()
    clock_states = {
        r.conversation.id: _worst(
            sla.clocks(r.conversation, sla.policy_for(policies, r.conversation), now)
        )
        for r in rows
    }
    return render(
        request,
        template,
        page=page,
        areas=AREAS,
        area=AREA_BY_SLUG["inbox"],
        rows=rows,
        queue_view=view,
        tag=tag,
        now=now,
        clock_states=clock_states,
        counts=iq.queue_counts(db, page.workspace.id, page.view.me.id),
        team=list_team(db, page.workspace.id),
    )


def _worst(clocks: list[sla.Clock]) -> sla.Clock | None:
    order = {"breached": 0, "warning": 1, "ok": 2}
    return min(clocks, key=lambda c: (order[c.state], c.due_at), default=None)


@router.post("/w/{slug}/inbox/bulk")
async def bulk(
    request: Request, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    form = await request.form()
    ids = [str(i) for i in form.getlist("ids")][:200]
    action = str(form.get("action", ""))
    for conversation_id in ids:
        _bulk_one(db, page, conversation_id, action, form)
    view = str(form.get("view", "open"))
    return RedirectResponse(f"{_base(page)}?view={view}", status_code=303)


def _bulk_one(db: Session, page: WorkspacePage, conversation_id: str, action: str, form) -> None:  # type: ignore[no-untyped-def]
    ws = page.workspace.id
    if action == "assign":
        assignee = str(form.get("assignee", "")) or None
        conversation = actions.check_assign(db, page.actor, ws, conversation_id, assignee)
        actions.do_assign(db, conversation, assignee, actor=page.actor)
    elif action == "tag":
        conversation = actions.check_change_state(db, page.actor, ws, conversation_id)
        tags = actions.clean_tags(
            list(conversation.tags) + actions.clean_tags(str(form.get("tag", "")))
        )
        actions.do_set_tags(db, conversation, tags, actor=page.actor)
    elif action == "close":
        conversation = actions.check_change_state(db, page.actor, ws, conversation_id)
        actions.do_change_state(db, conversation, "closed", actor=page.actor)
    else:
        raise ValidationFailedError("choose assign, tag or close")


def _conversation_page(
    request: Request,
    page: WorkspacePage,
    db: Session,
    conversation_id: str,
    *,
    status: int = 200,
    **extra: object,
) -> Response:
    _, conversation = actions.access_conversation(
        db, page.actor, page.workspace.id, conversation_id
    )
    assert page.view.me is not None
    actions.do_touch_presence(db, conversation, page.view.me.id, "viewing")
    context = {
        "draft": "",
        "error": None,
        "collision": False,
        "idempotency_key": new_idempotency_key(),
        "draft_started_at": utcnow().isoformat(),
        **extra,
    }
    policy = sla.policy_for(sla.list_policies(db, page.workspace.id), conversation)
    context["clocks"] = sla.clocks(conversation, policy, utcnow())
    items = iq.timeline(db, conversation)
    last_in = next((i.mention for i in reversed(items) if i.mention is not None), None)
    context.setdefault("warnings", [])
    context["suggestions"] = assist.suggestions_for(db, conversation, last_in)
    context["statements"] = live_statements(db, page.workspace.id, conversation.language)
    context["saved_replies"] = assist.filled_saved_replies(db, conversation)
    context["ai_drafting"] = bool(((page.workspace.settings or {}).get("llm") or {}).get("enabled"))
    context["files"] = _composer_files(conversation.platform)
    context["filesize"] = filesize
    return render(
        request,
        "inbox/conversation.html",
        status_code=status,
        page=page,
        areas=AREAS,
        area=AREA_BY_SLUG["inbox"],
        c=conversation,
        now=utcnow(),
        items=items,
        member=iq.member_panel(db, conversation),
        team=list_team(db, page.workspace.id),
        others=iq.others_here(db, conversation.id, page.view.me.id),
        **context,
    )


@router.get("/w/{slug}/inbox/c/{conversation_id}")
def conversation(
    request: Request,
    conversation_id: str,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    return _conversation_page(request, page, db, conversation_id)


@router.get("/w/{slug}/inbox/c/{conversation_id}/timeline")
def timeline(
    request: Request,
    conversation_id: str,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    """The timeline alone, polled by the open conversation: new messages appear without reload."""
    _, conversation = actions.access_conversation(
        db, page.actor, page.workspace.id, conversation_id
    )
    return render(
        request,
        "inbox/_timeline.html",
        page=page,
        c=conversation,
        items=iq.timeline(db, conversation),
        team=list_team(db, page.workspace.id),
        filesize=filesize,
    )


def _composer_files(platform: str) -> dict[str, object] | None:
    """What the composer's file input needs: None when the network takes no files."""
    policy = files.policy_for(platform)
    if policy is None:
        return None
    return {
        "policy": policy,
        "slots": range(min(policy.max_count, 4)) if policy.alt_text else range(1),
        "multiple": not policy.alt_text,
        "types": ", ".join(files.accepted_names(policy)),
        "accept": files.accept_attribute(policy),
        "max_size": filesize(policy.max_bytes),
        "max_total": filesize(policy.max_total_bytes) if policy.max_total_bytes else None,
    }


def filesize(size: int) -> str:
    """A size in the reader's language and number format (1,5 Mo in French)."""
    value, unit = files.size_parts(size)
    shown = i18n.number(value)
    if unit == "MB":
        return i18n.gettext("%(n)s MB", n=shown)
    return i18n.gettext("%(n)s kB", n=shown) if unit == "kB" else i18n.gettext("%(n)s B", n=shown)


def _refusal(exc: files.AttachmentRefusedError) -> str:
    variables = {
        k: filesize(v) if isinstance(v, files.Size) else v for k, v in exc.context.items()
    }
    return i18n.gettext(exc.template, **variables)


async def reply_uploads(request: Request) -> list[files.Upload]:
    """The files of the reply form, in slot order, each with the description typed beside it.

    Memory stays bounded whatever is sent: at most ``FILE_SLOTS`` files and ``READ_BUDGET``
    bytes are read, each file only up to ``MAX_READ_BYTES``. What is not read still carries its
    real size, so the check refuses it (too many, too large) instead of storing a part of it.
    """
    form = await request.form()
    uploads: list[files.Upload] = []
    budget = READ_BUDGET
    for slot in range(FILE_SLOTS):
        alt = form.get(f"alt_{slot}")
        description = alt if isinstance(alt, str) else ""
        for item in form.getlist(f"file_{slot}"):
            if not isinstance(item, UploadFile) or not item.filename:
                continue  # a slot left empty
            size = item.size or 0
            readable = len(uploads) < FILE_SLOTS and size <= budget
            data = await item.read(min(size, MAX_READ_BYTES)) if readable else b""
            budget -= len(data)
            uploads.append(files.Upload(item.filename, data, description, size=size))
    return uploads


@router.post("/w/{slug}/inbox/c/{conversation_id}/reply")
def reply(
    request: Request,
    conversation_id: str,
    text: str = Form(""),
    idempotency_key: str = Form(...),
    draft_started_at: str = Form(""),
    confirmed: str = Form(""),
    override_voice: str = Form(""),
    uploads: list[files.Upload] = Depends(reply_uploads),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    # A refused reply comes back with its text and descriptions; files must be chosen again
    # (a browser never lets a page fill in a file input).
    def refused(status: int, error: str, **extra: object) -> Response:
        extra.setdefault("draft_started_at", draft_started_at)
        return _conversation_page(
            request, page, db, conversation_id, status=status, draft=text, error=error,
            files_dropped=bool(uploads), alts=[u.alt_text for u in uploads],
            idempotency_key=idempotency_key, **extra,
        )

    try:
        started = datetime.fromisoformat(draft_started_at) if draft_started_at else None
        conversation = actions.check_reply(
            db,
            page.actor,
            page.workspace.id,
            conversation_id,
            text,
            draft_started_at=started,
            confirmed=confirmed == "1",
        )
    except actions.ReplyCollisionError as exc:
        return refused(409, exc.message, collision=True)
    except ValueError:  # a draft time that is not one: start the draft's clock again
        return refused(422, "invalid draft time", draft_started_at=utcnow().isoformat())
    except HearthError as exc:
        if exc.status in (403, 404):
            raise
        return refused(422, exc.message)
    try:
        checked = files.check_attachments(conversation.platform, uploads)
    except files.AttachmentRefusedError as exc:
        return refused(422, _refusal(exc))
    warnings = _voice_warnings(db, page, conversation, text)
    if override_voice != "1" and any(w.blocking for w in warnings):
        return refused(
            422,
            N_("The draft breaks the brand's voice: fix it, or tick “Send despite the warnings”."),
            warnings=warnings,
            voice_blocked=True,
        )
    actions.do_reply(
        db,
        conversation,
        text=text,
        idempotency_key=idempotency_key,
        actor=page.actor,
        attachments=checked,
    )
    return RedirectResponse(f"{_base(page)}/c/{conversation_id}", status_code=303)


@router.get("/w/{slug}/inbox/attachments/{attachment_id}")
def attachment(
    attachment_id: str, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    """A file sent with a reply, for the team only, with the type verified when it was stored."""
    found = files.access_attachment(db, page.actor, page.workspace.id, attachment_id)
    disposition = "inline" if found.content_type.startswith("image/") else "attachment"
    headers = {
        "Content-Disposition": _content_disposition(disposition, found.filename),
        "X-Content-Type-Options": "nosniff",
        # Served from our origin: whatever the bytes hold, they run nothing and frame nothing.
        "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
        "Cache-Control": "private, no-store",
    }
    return Response(content=found.data, media_type=found.content_type, headers=headers)


def _content_disposition(kind: str, filename: str) -> str:
    # RFC 6266: an ASCII fallback for old clients, the exact UTF-8 name in filename*.
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def translated_attachment_messages() -> None:  # refusals of files, translated on display
    _ = i18n.gettext
    _("this network does not take files with a reply")
    _("at most %(count)s files can go with one reply here")
    _("the files weigh %(size)s together; the limit is %(limit)s")
    _("the file %(name)s is empty")
    _("the file %(name)s did not arrive whole")
    _("the file %(name)s weighs %(size)s; the limit here is %(limit)s")
    _("the file %(name)s is not of a type this network accepts (%(types)s)")
    _("the description of %(name)s is longer than %(limit)s characters")


@router.post("/w/{slug}/inbox/replies/{reply_id}/retry")
def retry_reply(
    reply_id: str, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    reply = actions.check_retry_reply(db, page.actor, page.workspace.id, reply_id)
    actions.do_retry_reply(db, reply, actor=page.actor)
    return RedirectResponse(f"{_base(page)}/c/{reply.conversation_id}", status_code=303)


@router.post("/w/{slug}/inbox/c/{conversation_id}/note")
def note(
    request: Request,
    conversation_id: str,
    text: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    conversation = actions.check_note(db, page.actor, page.workspace.id, conversation_id, text)
    actions.do_add_note(db, conversation, text, actor=page.actor)
    return RedirectResponse(f"{_base(page)}/c/{conversation_id}", status_code=303)


@router.post("/w/{slug}/inbox/c/{conversation_id}/assign")
def assign(
    conversation_id: str,
    assignee: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    conversation = actions.check_assign(
        db, page.actor, page.workspace.id, conversation_id, assignee or None
    )
    actions.do_assign(db, conversation, assignee or None, actor=page.actor)
    return RedirectResponse(f"{_base(page)}/c/{conversation_id}", status_code=303)


@router.post("/w/{slug}/inbox/c/{conversation_id}/tags")
def tags(
    conversation_id: str,
    tags: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    conversation = actions.check_change_state(db, page.actor, page.workspace.id, conversation_id)
    actions.do_set_tags(db, conversation, actions.clean_tags(tags), actor=page.actor)
    return RedirectResponse(f"{_base(page)}/c/{conversation_id}", status_code=303)


@router.post("/w/{slug}/inbox/c/{conversation_id}/priority")
def priority(
    conversation_id: str,
    label: str = Form(...),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    conversation = actions.check_change_state(db, page.actor, page.workspace.id, conversation_id)
    actions.do_set_priority(db, conversation, label, actor=page.actor)
    return RedirectResponse(f"{_base(page)}/c/{conversation_id}", status_code=303)


def _after_close(request: Request, db: Session, page: WorkspacePage, conversation) -> None:  # type: ignore[no-untyped-def]
    """The optional satisfaction survey, when the workspace asks for one."""
    if csat.wants_csat(page.workspace):
        base = request.app.state.settings.base_url or str(request.base_url)
        csat.do_send_survey(db, conversation, base, actor=page.actor)


@router.post("/w/{slug}/inbox/c/{conversation_id}/state")
def change_state(
    request: Request,
    conversation_id: str,
    state: str = Form(...),
    until: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    conversation = actions.check_change_state(db, page.actor, page.workspace.id, conversation_id)
    snooze_until = None
    if state == "snoozed":
        try:
            snooze_until = datetime.fromisoformat(until)
        except ValueError:
            raise ValidationFailedError("choose when the snooze ends") from None
        if snooze_until.tzinfo is None:
            from zoneinfo import ZoneInfo

            tz = page.view.me.timezone if page.view.me else "UTC"
            snooze_until = snooze_until.replace(tzinfo=ZoneInfo(tz))
    actions.do_change_state(db, conversation, state, actor=page.actor, snooze_until=snooze_until)
    if state == "closed":
        _after_close(request, db, page, conversation)
        return RedirectResponse(_base(page), status_code=303)
    return RedirectResponse(f"{_base(page)}/c/{conversation_id}", status_code=303)


def _voice_warnings(db: Session, page: WorkspacePage, conversation, text: str) -> list:  # type: ignore[no-untyped-def]
    root = db.get(Mention, conversation.root_mention_id) if conversation.root_mention_id else None
    return assist.check_reply_text(page.workspace, conversation, text, root.kind if root else None)


@router.post("/w/{slug}/inbox/c/{conversation_id}/voice")
def voice_check(
    request: Request,
    conversation_id: str,
    text: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    """The live brand-voice check of the draft (htmx, debounced as the agent types)."""
    _, conversation = actions.access_conversation(
        db, page.actor, page.workspace.id, conversation_id, Permission.INBOX_REPLY
    )
    return render(
        request,
        "inbox/_voice.html",
        page=page,
        warnings=_voice_warnings(db, page, conversation, text[:20_000]),
    )


@router.post("/w/{slug}/inbox/c/{conversation_id}/draft")
def ai_draft(
    request: Request,
    conversation_id: str,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    """Ask the configured endpoint for a draft; it lands in the reply box for review."""
    from hearth.kit.netguard import guarded_client

    settings = request.app.state.settings
    _, conversation = actions.access_conversation(
        db, page.actor, page.workspace.id, conversation_id, Permission.INBOX_REPLY
    )
    items = iq.timeline(db, conversation)
    last_in = next((i.mention for i in reversed(items) if i.mention is not None), None)
    # The endpoint is typed by an admin: the outbound guard's client refuses internal addresses.
    with guarded_client(settings.outbound_policy, timeout=30.0) as http:
        result = assist.draft_with_llm(
            db, page.workspace, conversation, last_in, settings.resolved_secret_key, http
        )
    return render(request, "inbox/_draft.html", page=page, c=conversation, result=result)


@router.post("/w/{slug}/inbox/members/{member_id}/tags")
def member_tags(member_id: str, tags: str = Form(""), back: str = Form(""),
                page: WorkspacePage = Depends(workspace_page), db: Session = DB) -> Response:
    member = members.access_member(db, page.actor, page.workspace.id, member_id,
                                   Permission.INBOX_REPLY)
    members.do_set_member_tags(db, member, members.clean_member_tags(tags), actor=page.actor)
    return RedirectResponse(_back_to(page, back), status_code=303)


@router.post("/w/{slug}/inbox/members/{member_id}/notes")
def member_note(member_id: str, text: str = Form(""), back: str = Form(""),
                page: WorkspacePage = Depends(workspace_page), db: Session = DB) -> Response:
    member = members.access_member(db, page.actor, page.workspace.id, member_id,
                                   Permission.INBOX_REPLY)
    members.do_add_member_note(db, member, members.check_member_note(text), actor=page.actor)
    return RedirectResponse(_back_to(page, back), status_code=303)


def _back_to(page: WorkspacePage, back: str) -> str:
    # Only a conversation of this workspace: never an arbitrary redirect target.
    prefix = f"{_base(page)}/c/"
    return back if back.startswith(prefix) and "//" not in back else _base(page)


@router.post("/w/{slug}/inbox/c/{conversation_id}/presence")
def presence(
    request: Request,
    conversation_id: str,
    activity: str = Form("viewing"),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    """Polled every few seconds by the open conversation: says who else is here."""
    _, conversation = actions.access_conversation(
        db, page.actor, page.workspace.id, conversation_id
    )
    assert page.view.me is not None
    actions.do_touch_presence(db, conversation, page.view.me.id, activity)
    return render(
        request,
        "inbox/_presence.html",
        page=page,
        c=conversation,
        others=iq.others_here(db, conversation.id, page.view.me.id),
    )
