"""French and English: Babel catalogues, chosen per user and per request.

The French catalogue (``locale/fr/LC_MESSAGES/messages.po``) is read with Babel at start-up;
English is the source language. The active locale and time zone live in context variables so
templates and error messages translate without threading them through every call.
"""

from __future__ import annotations

import contextvars
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
SUPPORTED = ("en", "fr")
DEFAULT_LOCALE = "en"

current_locale: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default="en")
current_timezone: contextvars.ContextVar[str] = contextvars.ContextVar("tz", default="UTC")


@cache
def _catalog(locale: str) -> dict[str, str]:
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and m.string and not m.fuzzy and isinstance(m.id, str)
    }


def gettext(message: str, **variables: object) -> str:
    locale = current_locale.get()
    text = message if locale == "en" else _catalog(locale).get(message, message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


_ = gettext


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it now (it is translated on display)."""
    return message


def negotiate(accept_language: str | None) -> str:
    """Pick fr or en from an Accept-Language header, for people who are not logged in."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in SUPPORTED:
            return code
    return DEFAULT_LOCALE


def localtime(value: datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    zone = ZoneInfo(current_timezone.get())
    return format_datetime(value.astimezone(zone), format=fmt, locale=current_locale.get())


def number(value: float) -> str:
    return format_decimal(value, locale=current_locale.get())
