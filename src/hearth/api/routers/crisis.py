"""JSON API v1: crisis alerts and incident rooms, read-only (same permission as the UI)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from hearth.api.deps import api_grant
from hearth.api.schemas import AlertOut, IncidentDetailOut, IncidentOut
from hearth.authz.access import require
from hearth.authz.policy import WorkspaceGrant
from hearth.authz.roles import Permission
from hearth.crisis import incident_queries as iq
from hearth.crisis import incidents
from hearth.crisis import queries as q
from hearth.kit.time import utcnow
from hearth.web.context import db_session

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}", tags=["crisis"])
DB = Depends(db_session, scope="function")


@router.get("/alerts", response_model=list[AlertOut])
def list_alerts(
    limit: int = Query(50, ge=1, le=200),
    grant: WorkspaceGrant = Depends(api_grant),
    db: Session = DB,
) -> list:
    """Open alerts first (newest first), then the latest resolved ones."""
    require(grant, Permission.CRISIS_VIEW)
    return q.list_alerts(db, grant.workspace_id, limit=limit)


@router.get("/incidents", response_model=list[IncidentOut])
def list_incidents(
    limit: int = Query(50, ge=1, le=200),
    grant: WorkspaceGrant = Depends(api_grant),
    db: Session = DB,
) -> list:
    """Open incidents first, then the latest closed ones."""
    require(grant, Permission.CRISIS_VIEW)
    return iq.list_incidents(db, grant.workspace_id, limit=limit)


@router.get("/incidents/{incident_id}", response_model=IncidentDetailOut)
def get_incident(
    incident_id: str, grant: WorkspaceGrant = Depends(api_grant), db: Session = DB
) -> dict:
    """One incident with its timeline (first signal and peak included) and statements."""
    incident, _ = incidents.access_incident(db, grant.actor, grant.workspace_id, incident_id)
    points = iq.series(db, incident, utcnow())
    return {
        **IncidentOut.model_validate(incident).model_dump(),
        "summary": incident.summary,
        "lessons": incident.lessons,
        "facts": incident.facts or {},
        "timeline": iq.timeline(db, incident, points),
        "statements": iq.statements(db, incident),
    }
