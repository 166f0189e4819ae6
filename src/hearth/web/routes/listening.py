"""Listening: the live feed of what is said, filters, counts, volume chart, detail, CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from hearth.authz.access import require
from hearth.authz.roles import Permission
from hearth.enrich.intent import INTENTS
from hearth.ingest.connectors.registry import connector_classes
from hearth.kit.errors import HearthError, NotFoundError, ValidationFailedError
from hearth.kit.time import utcnow
from hearth.listening import actions
from hearth.listening import queries as q
from hearth.listening.query import QuerySyntaxError
from hearth.web.areas import AREA_BY_SLUG, AREAS
from hearth.web.charts import volume_chart
from hearth.web.context import WorkspacePage, db_session, render, verify_csrf, workspace_page
from hearth.web.i18n import _, localtime

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
DB = Depends(db_session, scope="function")
LANGUAGES = ("en", "fr", "es", "de", "it", "pt", "ar", "hi", "nl", "unknown")
SENTIMENTS = ("negative", "neutral", "positive")
FILTER_KEYS = (
    "q",
    "saved",
    "platform",
    "language",
    "sentiment",
    "intent",
    "toxic",
    "since",
    "until",
)


@dataclass
class Filters:
    """The filter form as typed (echoed back) and as understood (for the queries)."""

    raw: dict[str, str]
    parsed: q.MentionFilter
    error: str | None = None


def _day(value: str, tz: str, plus: int = 0) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationFailedError(_("dates look like 2026-11-25")) from None
    return datetime.combine(day + timedelta(days=plus), time(), ZoneInfo(tz))


def _filters(request: Request, page: WorkspacePage) -> Filters:
    raw = {k: request.query_params.get(k, "").strip()[:2000] for k in FILTER_KEYS}
    tz = page.view.me.timezone if page.view.me else "UTC"
    error, adhoc = None, None
    try:
        adhoc = q.parse_adhoc(raw["q"])
    except QuerySyntaxError as exc:
        error = _(
            "Query problem at character %(pos)s: %(msg)s", pos=exc.position + 1, msg=exc.message
        )
    parsed = q.MentionFilter(
        workspace_id=page.workspace.id,
        saved_query_id=raw["saved"] or None,
        adhoc=adhoc,
        platform=raw["platform"] or None,
        language=raw["language"] or None,
        sentiment=raw["sentiment"] or None,
        intent=raw["intent"] or None,
        toxic_only=raw["toxic"] == "1",
        since=_day(raw["since"], tz) or utcnow() - timedelta(days=7),
        until=_day(raw["until"], tz, plus=1),
    )
    return Filters(raw, parsed, error)


def _chart_label(bucket_seconds: int, span_seconds: float):  # type: ignore[no-untyped-def]
    if bucket_seconds >= 86400:
        fmt = "d MMM"
    elif span_seconds <= 86400:
        fmt = "HH:mm"
    else:
        fmt = "d MMM HH:mm"
    return lambda start: localtime(start, fmt)


@router.get("/w/{slug}/listening")
def listening(
    request: Request, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    require(page.grant, Permission.MENTIONS_VIEW)
    filters = _filters(request, page)
    rows = q.list_mentions(db, filters.parsed) if not filters.error else []
    summary = q.summarize(db, filters.parsed, utcnow()) if not filters.error else q.Summary()
    chart = volume_chart(
        summary.volume,
        title=_("Mentions over time"),
        label=_chart_label(summary.bucket_seconds, _span(summary)),
    )
    return render(
        request,
        "listening/page.html",
        page=page,
        areas=AREAS,
        area=AREA_BY_SLUG["listening"],
        filters=filters,
        rows=rows,
        summary=summary,
        chart=chart,
        saved=q.list_saved_queries(db, page.workspace.id),
        platforms=sorted(connector_classes()),
        languages=LANGUAGES,
        sentiments=SENTIMENTS,
        intents=INTENTS,
        query_string=_query_string(filters),
        newest=max((r.mention.received_at for r in rows), default=utcnow()),
    )


def _span(summary: q.Summary) -> float:
    if len(summary.volume) < 2:
        return 0.0
    return (summary.volume[-1][0] - summary.volume[0][0]).total_seconds()


def _query_string(filters: Filters) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in filters.raw.items() if v})


@router.get("/w/{slug}/listening/feed")
def feed(
    request: Request,
    after: str = "",
    before_at: str = "",
    before_id: str = "",
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    """New mentions since ``after`` (live updates), or the page before a cursor (load more)."""
    require(page.grant, Permission.MENTIONS_VIEW)
    filters = _filters(request, page)
    try:
        received_after = datetime.fromisoformat(after) if after else None
        before = (datetime.fromisoformat(before_at), before_id) if before_at else None
    except ValueError:
        raise ValidationFailedError("invalid cursor") from None
    rows = (
        []
        if filters.error
        else q.list_mentions(db, filters.parsed, received_after=received_after, before=before)
    )
    newest = max((r.mention.received_at for r in rows), default=received_after or utcnow())
    return render(
        request,
        "listening/feed.html",
        page=page,
        rows=rows,
        newest=newest,
        live=bool(after),
        query_string=_query_string(filters),
    )


@router.get("/w/{slug}/listening/m/{mention_id}")
def mention_detail(
    request: Request,
    mention_id: str,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    require(page.grant, Permission.MENTIONS_VIEW)
    mention = q.get_mention(db, page.workspace.id, mention_id)
    if mention is None:
        raise NotFoundError()
    parents, replies = q.thread_of(db, mention)
    copies, copy_rows = q.copies_of(db, mention)
    identity, by_author = q.author_of(db, mention)
    return render(
        request,
        "listening/detail.html",
        page=page,
        areas=AREAS,
        area=AREA_BY_SLUG["listening"],
        m=mention,
        parents=parents,
        replies=replies,
        copies=copies,
        copy_rows=copy_rows,
        identity=identity,
        by_author=by_author,
    )


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    # Spreadsheet formula injection: a cell starting with =, +, - or @ would be executed.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


EXPORT_COLUMNS = (
    "created_at",
    "platform",
    "author",
    "url",
    "language",
    "sentiment",
    "toxicity",
    "intent",
    "text",
)


def _export_rows(rows: list[q.MentionRow]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        m = row.mention
        writer.writerow(
            [
                _csv_cell(v)
                for v in (
                    m.created_at.isoformat(),
                    m.platform,
                    row.handle,
                    m.url,
                    m.language,
                    m.sentiment,
                    m.toxicity,
                    m.intent,
                    m.text,
                )
            ]
        )
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@router.get("/w/{slug}/listening/export.csv")
def export_csv(
    request: Request, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    require(page.grant, Permission.MENTIONS_EXPORT)
    filters = _filters(request, page)
    if filters.error:
        raise ValidationFailedError(filters.error)
    rows = q.list_mentions(db, filters.parsed, limit=100_000)
    actions.do_record_export(db, page.workspace.id, filters.raw, actor=page.actor)
    name = f"hearth-{page.workspace.slug}-mentions-{utcnow():%Y%m%d-%H%M}.csv"
    return StreamingResponse(
        _export_rows(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/w/{slug}/listening/queries")
def saved_queries(
    request: Request, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    require(page.grant, Permission.MENTIONS_VIEW)
    return render(
        request,
        "listening/queries.html",
        page=page,
        areas=AREAS,
        area=AREA_BY_SLUG["listening"],
        saved=q.list_saved_queries(db, page.workspace.id),
        error=None,
        form={"name": "", "query": ""},
    )


@router.post("/w/{slug}/listening/queries")
def save_query(
    request: Request,
    name: str = Form(""),
    query: str = Form(""),
    page: WorkspacePage = Depends(workspace_page),
    db: Session = DB,
) -> Response:
    try:
        name, query = actions.check_save_query(db, page.actor, page.workspace.id, name, query)
    except QuerySyntaxError as exc:
        message = _(
            "Query problem at character %(pos)s: %(msg)s", pos=exc.position + 1, msg=exc.message
        )
        return _queries_error(request, page, db, message, name, query)
    except HearthError as exc:
        if exc.status == 404:
            raise
        return _queries_error(request, page, db, exc.message, name, query, exc.status)
    actions.do_save_query(db, page.workspace.id, name, query, actor=page.actor)
    return RedirectResponse(f"/w/{page.workspace.slug}/listening/queries", status_code=303)


def _queries_error(
    request: Request,
    page: WorkspacePage,
    db: Session,
    message: str,
    name: str,
    query: str,
    status: int = 422,
) -> Response:
    return render(
        request,
        "listening/queries.html",
        status_code=status,
        page=page,
        areas=AREAS,
        area=AREA_BY_SLUG["listening"],
        saved=q.list_saved_queries(db, page.workspace.id),
        error=message,
        form={"name": name, "query": query},
    )


@router.post("/w/{slug}/listening/queries/{query_id}/archive")
def archive_query(
    query_id: str, page: WorkspacePage = Depends(workspace_page), db: Session = DB
) -> Response:
    saved = actions.check_archive_query(db, page.actor, page.workspace.id, query_id)
    actions.do_archive_query(db, saved, actor=page.actor)
    return RedirectResponse(f"/w/{page.workspace.slug}/listening/queries", status_code=303)
