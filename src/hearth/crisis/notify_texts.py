"""The words of alert notifications, in English and French.

Notifications leave from a background job, outside any web request, so they do not go through
the web catalogue: like `reason.py`, the domain carries its own two languages. A member gets
their own language and time zone; extra addresses, the escalation contact and webhooks get the
workspace's default language and time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from zoneinfo import ZoneInfo

from hearth.crisis.reason import Reason, format_reason
from hearth.models import CrisisAlert

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "opened": "Hearth {severity} alert: {reason}",
        "escalated": "Hearth alert now {severity}: {reason}",
        "escalation": "Nobody has acknowledged this Hearth alert yet: {reason}",
        "topic": "Topic",
        "severity": "Severity",
        "terms": "What people talk about",
        "opened_at": "Opened at",
        "open_link": "Open it in Hearth",
        "whole_workspace": "all mentions",
        "none_yet": "none yet",
        "watch": "watch",
        "warning": "warning",
        "crisis": "crisis",
    },
    "fr": {
        "opened": "Alerte Hearth ({severity}) : {reason}",
        "escalated": "L'alerte Hearth passe en {severity} : {reason}",
        "escalation": "Personne n'a encore pris en charge cette alerte Hearth : {reason}",
        "topic": "Sujet",
        "severity": "Gravité",
        "terms": "De quoi on parle",
        "opened_at": "Ouverte à",
        "open_link": "L'ouvrir dans Hearth",
        "whole_workspace": "toutes les mentions",
        "none_yet": "rien encore",
        "watch": "veille",
        "warning": "avertissement",
        "crisis": "crise",
    },
}


def language_of(locale: str | None) -> str:
    code = (locale or "en").replace("-", "_").split("_")[0].lower()
    return code if code in _TEXTS else "en"


def zone_of(name: str | None) -> tzinfo:
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class AlertWords:
    """An alert put in words for one reader."""

    title: str
    topic: str
    severity: str
    terms: str
    opened_at: str
    labels: dict[str, str]


def words_for(alert: CrisisAlert, event: str, locale: str | None, zone: str | None) -> AlertWords:
    lang, tz = language_of(locale), zone_of(zone)
    texts = _TEXTS[lang]
    severity = texts.get(alert.severity, alert.severity)
    try:
        reason = format_reason(Reason.from_dict(alert.reason), lang, tz)
    except (KeyError, TypeError, ValueError):  # a reason stored by an older version
        reason = alert.metric.replace("_", " ")
    kind = event if event in ("opened", "escalation") else "escalated"
    terms = ", ".join(t["term"] for t in (alert.rising_terms or [])[:5] if t.get("term"))
    return AlertWords(
        title=texts[kind].format(severity=severity, reason=reason),
        topic=alert.topic_label or texts["whole_workspace"],
        severity=severity,
        terms=terms or texts["none_yet"],
        opened_at=alert.opened_at.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z"),
        labels=texts,
    )
