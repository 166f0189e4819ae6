"""What the crisis banner and pages show of an alert, in the viewer's language and time zone."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from hearth.crisis.incident_queries import open_incident_of_alert
from hearth.crisis.queries import find_banner_alert
from hearth.crisis.reason import Reason, format_reason
from hearth.kit.time import utcnow
from hearth.models import CrisisAlert


@dataclass(frozen=True)
class Banner:
    alert_id: str
    severity: str
    text: str
    incident_id: str | None = None  # the open incident room of this alert, if any


def reason_text(alert: CrisisAlert, locale: str, timezone: str) -> str:
    """E.g. "negative mentions ×9 their usual level for a Tuesday 14:00", in the viewer's zone."""
    try:
        zone = ZoneInfo(timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return format_reason(Reason.from_dict(alert.reason), locale, zone)


def banner_for(session: Session, workspace_id: str, locale: str, timezone: str) -> Banner | None:
    alert = find_banner_alert(session, workspace_id, utcnow())
    if alert is None:
        return None
    room = open_incident_of_alert(session, alert)
    return Banner(
        alert.id,
        alert.severity,
        reason_text(alert, locale, timezone),
        room.id if room is not None and room.closed_at is None else None,
    )
