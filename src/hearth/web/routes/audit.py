"""Settings › Audit log, with filters, and Settings › Jobs (the dead-letter queue)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.authz.access import require
from hearth.authz.roles import Permission
from hearth.kit import jobs
from hearth.kit.errors import NotFoundError, ValidationFailedError
from hearth.models import Job
from hearth.web.areas import AREAS
from hearth.web.context import WorkspacePage, db_session, render, verify_csrf, workspace_page
from hearth.workspace.queries import AuditFilter, list_audit

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
PAGE_SIZE = 50


def _day_start(value: str, tz: str, plus_days: int = 0) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationFailedError("dates look like 2026-11-25") from None
    return datetime.combine(day + timedelta(days=plus_days), time(), ZoneInfo(tz))


@router.get("/w/{slug}/settings/audit")
def audit_log(
    request: Request,
    actor: str = "",
    action: str = "",
    since: str = "",
    until: str = "",
    before: int | None = None,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    require(page.grant, Permission.AUDIT_VIEW)
    assert page.view.user is not None
    tz = page.view.user.timezone
    flt = AuditFilter(
        actor=actor.strip() or None,
        action=action.strip() or None,
        since=_day_start(since, tz),
        until=_day_start(until, tz, plus_days=1),
    )
    entries = list_audit(db, page.workspace.id, flt, limit=PAGE_SIZE, before_seq=before)
    return render(
        request,
        "settings/audit.html",
        page=page,
        areas=AREAS,
        entries=entries,
        filters={"actor": actor, "action": action, "since": since, "until": until},
        next_before=entries[-1].seq if len(entries) == PAGE_SIZE else None,
    )


@router.get("/w/{slug}/settings/jobs")
def dead_jobs(
    request: Request,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    require(page.grant, Permission.JOBS_MANAGE)
    return render(
        request,
        "settings/jobs.html",
        page=page,
        areas=AREAS,
        jobs=jobs.list_dead_jobs(db, page.workspace.id),
    )


@router.post("/w/{slug}/settings/jobs/{job_id}/retry")
def retry_job(
    job_id: str,
    page: WorkspacePage = Depends(workspace_page),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    require(page.grant, Permission.JOBS_MANAGE)
    job = db.get(Job, job_id)
    if job is None or job.workspace_id != page.workspace.id or job.state != jobs.JobState.DEAD:
        raise NotFoundError("job not found")
    jobs.requeue_dead(db, job)
    record(
        db,
        actor=page.actor,
        action="kit.job.requeued",
        workspace_id=page.workspace.id,
        target=Target("job", job.id, job.kind),
    )
    return RedirectResponse(f"/w/{page.workspace.slug}/settings/jobs", status_code=303)
