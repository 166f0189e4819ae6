"""Inbox set-up and reports: routing rules (with a look at the past), SLA policies, response
metrics, and the public satisfaction page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from hearth.audit.chain import Target, record
from hearth.authz.access import access_with, require
from hearth.authz.roles import Permission
from hearth.enrich.intent import INTENTS
from hearth.inbox import assist, csat, rules
from hearth.inbox import queries as iq
from hearth.inbox.metrics import inbox_report, open_breaches
from hearth.inbox.routing import PRIORITY_LABELS
from hearth.inbox.sla import list_policies
from hearth.ingest.connectors.registry import connector_classes
from hearth.kit.errors import HearthError, NotFoundError, ValidationFailedError
from hearth.kit.time import utcnow
from hearth.models.inbox import KnowledgeItem, SlaPolicy
from hearth.web.areas import AREA_BY_SLUG, AREAS
from hearth.web.context import WorkspacePage, db_session, render, verify_csrf, workspace_page
from hearth.workspace.queries import list_team

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
DB = Depends(db_session, scope="function")
LANGUAGES = ("fr", "en", "es", "de", "it", "pt", "ar", "hi", "nl")
SENTIMENTS = ("negative", "neutral", "positive")
KINDS = ("post", "reply", "repost", "article", "email", "dm")


def _rule_from_form(form: FormData) -> tuple[dict[str, Any], dict[str, Any]]:
    conditions: dict[str, Any] = {}
    for key in ("platforms", "languages", "sentiments", "intents", "kinds"):
        values = [str(v) for v in form.getlist(key) if v]
        if values:
            conditions[key] = values
    for key, cast in (("min_followers", int), ("min_toxicity", float), ("max_toxicity", float)):
        raw = str(form.get(key, "") or "").strip()
        if raw:
            try:
                conditions[key] = cast(raw)
            except ValueError:
                raise ValidationFailedError(f"{key} must be a number") from None
    if str(form.get("query", "")).strip():
        conditions["query"] = str(form.get("query")).strip()
    actions: dict[str, Any] = {"open": form.get("open") == "1"}
    tags = [t.strip() for t in str(form.get("tags", "")).split(",") if t.strip()]
    if tags:
        actions["tags"] = tags
    if form.get("priority"):
        actions["priority"] = str(form.get("priority"))
    if form.get("escalate") == "1":
        actions["escalate"] = True
    users = [str(u) for u in form.getlist("assign_users") if u]
    if users:
        actions["assign"] = {"mode": str(form.get("assign_mode", "round_robin")), "user_ids": users}
    return conditions, actions


def _rules_page(
    request: Request, page: WorkspacePage, db: Session, status: int = 200, **extra: object
) -> Response:
    require(page.grant, Permission.INBOX_RULES)
    return render(
        request,
        "inbox/rules.html",
        status_code=status,
        page=page,
        areas=AREAS,
        area=AREA_BY_SLUG["inbox"],
        rules=iq.list_rules(db, page.workspace.id),
        team=list_team(db, page.workspace.id),
        platforms=sorted(connector_classes()),
        languages=LANGUAGES,
        sentiments=SENTIMENTS,
        intents=INTENTS,
        kinds=KINDS,
        priorities=PRIORITY_LABELS,
        **{"error": None, "preview": None, **extra},
    )


@router.get("/w/{slug}/inbox/rules")
def rules_page(
    request: Request, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    return _rules_page(request, page, db)


@router.post("/w/{slug}/inbox/rules")
async def create_rule(
    request: Request, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    form = await request.form()
    try:
        conditions, actions = _rule_from_form(form)
        name = rules.check_save_rule(
            db, page.actor, page.workspace.id, str(form.get("name", "")), conditions, actions
        )
    except HearthError as exc:
        if exc.status in (403, 404):
            raise
        return _rules_page(request, page, db, status=exc.status, error=exc.message)
    if form.get("preview"):
        preview = rules.preview_rule(db, page.workspace.id, conditions)
        return _rules_page(request, page, db, preview=preview, preview_name=name)
    rules.do_create_rule(
        db,
        page.workspace.id,
        name,
        conditions,
        actions,
        stop_processing=form.get("stop") == "1",
        actor=page.actor,
    )
    return RedirectResponse(f"/w/{page.workspace.slug}/inbox/rules", status_code=303)


@router.post("/w/{slug}/inbox/rules/{rule_id}/{move}")
def change_rule(
    rule_id: str, move: str, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    rule = rules.access_rule(db, page.actor, page.workspace.id, rule_id)
    if move in ("up", "down"):
        rules.do_move_rule(db, rule, -1 if move == "up" else 1, actor=page.actor)
    elif move in ("enable", "disable"):
        rules.do_toggle_rule(db, rule, move == "enable", actor=page.actor)
    else:
        raise NotFoundError()
    return RedirectResponse(f"/w/{page.workspace.slug}/inbox/rules", status_code=303)


@router.get("/w/{slug}/inbox/sla")
def sla_page(
    request: Request, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    require(page.grant, Permission.MENTIONS_VIEW)
    return render(
        request,
        "inbox/sla.html",
        page=page,
        areas=AREAS,
        area=AREA_BY_SLUG["inbox"],
        policies=list_policies(db, page.workspace.id),
        priorities=PRIORITY_LABELS,
        platforms=sorted(connector_classes()),
        error=None,
    )


def _minutes(raw: str, *, required: bool = False) -> int | None:
    if not raw.strip():
        if required:
            raise ValidationFailedError("a first-response target is required")
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValidationFailedError("targets are whole minutes") from None
    if not 1 <= value <= 60 * 24 * 60:
        raise ValidationFailedError("targets are between 1 minute and 60 days")
    return value


@router.post("/w/{slug}/inbox/sla")
def create_policy(
    request: Request,
    name: str = Form(...),
    priority_label: str = Form(""),
    platform: str = Form(""),
    first_response: str = Form(""),
    next_response: str = Form(""),
    resolution: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    access_with(db, page.actor, page.workspace.id, Permission.INBOX_RULES)
    if priority_label and priority_label not in PRIORITY_LABELS:
        raise ValidationFailedError("unknown priority")
    policy = SlaPolicy(
        workspace_id=page.workspace.id,
        name=name.strip()[:200] or "SLA",
        priority_label=priority_label or None,
        platform=platform or None,
        first_response_minutes=_minutes(first_response, required=True),
        next_response_minutes=_minutes(next_response),
        resolution_minutes=_minutes(resolution),
    )
    db.add(policy)
    db.flush()
    record(
        db,
        actor=page.actor,
        action="inbox.sla.created",
        workspace_id=page.workspace.id,
        target=Target("sla_policy", policy.id, policy.name),
    )
    return RedirectResponse(f"/w/{page.workspace.slug}/inbox/sla", status_code=303)


@router.post("/w/{slug}/inbox/sla/{policy_id}/archive")
def archive_policy(
    policy_id: str, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    access_with(db, page.actor, page.workspace.id, Permission.INBOX_RULES)
    policy = db.get(SlaPolicy, policy_id)
    if policy is None or policy.workspace_id != page.workspace.id:
        raise NotFoundError()
    policy.archived_at = utcnow()
    record(
        db,
        actor=page.actor,
        action="inbox.sla.archived",
        workspace_id=page.workspace.id,
        target=Target("sla_policy", policy.id, policy.name),
    )
    return RedirectResponse(f"/w/{page.workspace.slug}/inbox/sla", status_code=303)


@router.get("/w/{slug}/inbox/report")
def report(
    request: Request, days: int = 7, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    require(page.grant, Permission.ANALYTICS_VIEW)
    days = max(1, min(days, 365))
    now = utcnow()
    data = inbox_report(db, page.workspace.id, now - timedelta(days=days), now)
    return render(
        request,
        "inbox/report.html",
        page=page,
        areas=AREAS,
        area=AREA_BY_SLUG["inbox"],
        report=data,
        days=days,
        breaches=open_breaches(db, page.workspace.id),
    )


@router.get("/csat/{token}")
def csat_form(request: Request, token: str, db: Session = DB) -> Response:
    survey = csat.find_survey(db, token)
    return render(request, "inbox/csat.html", survey=survey, token=token, error=None, done=False)


@router.post("/csat/{token}")
def csat_answer(
    request: Request, token: str, score: int = Form(0), comment: str = Form(""), db: Session = DB
) -> Response:
    survey = csat.find_survey(db, token)
    try:
        csat.do_answer_survey(db, survey, score, comment)
    except ValidationFailedError as exc:
        return render(
            request,
            "inbox/csat.html",
            status_code=422,
            survey=survey,
            token=token,
            error=exc.message,
            done=False,
        )
    return render(request, "inbox/csat.html", survey=survey, token=token, error=None, done=True)


# --- brand voice, knowledge base, saved replies --------------------------------------------


def _assist_page(
    request: Request, page: WorkspacePage, db: Session, status: int = 200, **extra: object
) -> Response:
    require(page.grant, Permission.MENTIONS_VIEW)
    return render(
        request,
        "inbox/assist.html",
        status_code=status,
        page=page,
        areas=AREAS,
        area=AREA_BY_SLUG["inbox"],
        guide=assist.guide_of(page.workspace),
        knowledge=assist.list_knowledge(db, page.workspace.id),
        saved=iq.list_saved_replies(db, page.workspace.id),
        languages=LANGUAGES,
        llm=(page.workspace.settings or {}).get("llm") or {},
        **{"error": None, **extra},
    )


@router.get("/w/{slug}/inbox/voice")
def voice_page(
    request: Request, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    return _assist_page(request, page, db)


def _words(raw: str) -> list[str]:
    return [w.strip() for w in raw.replace("\n", ",").split(",") if w.strip()]


@router.post("/w/{slug}/inbox/voice")
async def save_voice(
    request: Request, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    form = await request.form()
    data = {
        "tone": str(form.get("tone", "neutral")),
        "words_to_use": _words(str(form.get("words_to_use", ""))),
        "words_to_avoid": _words(str(form.get("words_to_avoid", ""))),
        "emoji_policy": str(form.get("emoji_policy", "sparingly")),
        "max_emoji": str(form.get("max_emoji", "2") or "2"),
        "signature": str(form.get("signature", "")).strip(),
        "signature_required": form.get("signature_required") == "1",
        "fr_address": str(form.get("fr_address", "")) or None,
        "public_contacts": _words(str(form.get("public_contacts", ""))),
    }
    try:
        guide = assist.check_save_guide(db, page.actor, page.workspace.id, data)
    except HearthError as exc:
        if exc.status in (403, 404):
            raise
        return _assist_page(request, page, db, status=exc.status, error=exc.message)
    assist.do_save_guide(db, page.workspace, guide, actor=page.actor)
    return RedirectResponse(f"/w/{page.workspace.slug}/inbox/voice", status_code=303)


@router.post("/w/{slug}/inbox/llm")
def configure_llm(
    request: Request,
    enabled: str = Form(""),
    base_url: str = Form(""),
    model: str = Form(""),
    api_key: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    try:
        assist.check_configure_llm(db, page.actor, page.workspace.id, base_url, model,
                                   policy=request.app.state.settings.outbound_policy)
    except HearthError as exc:
        if exc.status in (403, 404):
            raise
        return _assist_page(request, page, db, status=exc.status, error=exc.message)
    assist.do_configure_llm(
        db,
        page.workspace,
        enabled=enabled == "1" and bool(base_url),
        base_url=base_url,
        model=model,
        api_key=api_key or None,
        secret_key=request.app.state.settings.resolved_secret_key,
        actor=page.actor,
    )
    return RedirectResponse(f"/w/{page.workspace.slug}/inbox/voice#llm", status_code=303)


@router.post("/w/{slug}/inbox/knowledge")
def add_knowledge(
    request: Request,
    title: str = Form(""),
    answer: str = Form(""),
    lang: str = Form("fr"),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    try:
        assist.check_add_knowledge(db, page.actor, page.workspace.id, title, answer, lang)
    except HearthError as exc:
        if exc.status in (403, 404):
            raise
        return _assist_page(request, page, db, status=exc.status, error=exc.message)
    assist.do_add_knowledge(db, page.workspace.id, title, answer, lang, actor=page.actor)
    return RedirectResponse(f"/w/{page.workspace.slug}/inbox/voice#knowledge", status_code=303)


@router.post("/w/{slug}/inbox/knowledge/{item_id}/archive")
def archive_knowledge(
    item_id: str, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    access_with(db, page.actor, page.workspace.id, Permission.INBOX_RULES)
    item = db.get(KnowledgeItem, item_id)
    if item is None or item.workspace_id != page.workspace.id:
        raise NotFoundError()
    assist.do_archive_knowledge(db, item, actor=page.actor)
    return RedirectResponse(f"/w/{page.workspace.slug}/inbox/voice#knowledge", status_code=303)


@router.post("/w/{slug}/inbox/replies/{reply_id}/good")
def mark_good(
    reply_id: str, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    reply, question, lang = assist.check_mark_good(db, page.actor, page.workspace.id, reply_id)
    assist.do_add_knowledge(
        db, page.workspace.id, question, reply.text, lang, actor=page.actor, source="past_reply"
    )
    return RedirectResponse(
        f"/w/{page.workspace.slug}/inbox/c/{reply.conversation_id}", status_code=303
    )


@router.post("/w/{slug}/inbox/saved-replies")
async def add_saved_reply(
    request: Request, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    form = await request.form()
    name = str(form.get("name", ""))
    variants = {"fr": str(form.get("text_fr", "")), "en": str(form.get("text_en", ""))}
    try:
        assist.check_save_reply(db, page.actor, page.workspace.id, name, variants)
    except HearthError as exc:
        if exc.status in (403, 404):
            raise
        return _assist_page(request, page, db, status=exc.status, error=exc.message)
    assist.do_save_reply(db, page.workspace.id, name, variants, actor=page.actor)
    return RedirectResponse(f"/w/{page.workspace.slug}/inbox/voice#saved", status_code=303)
