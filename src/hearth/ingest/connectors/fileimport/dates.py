"""Dates as other tools export them, to aware UTC.

Accepted: ISO 8601 (with or without time, zone, "T"), RFC 2822 (e-mail, RSS), Twitter's
``Wed Oct 10 20:19:24 +0000 2018``, Unix time in seconds or milliseconds, numeric dates with
``/``, ``.`` or ``-`` (day first or month first, decided per file), and written months in English
or French (``Jan 31, 2026 3:05 PM``, ``31 janvier 2026 15h05``). A time without a zone is UTC.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

MIN_YEAR, MAX_YEAR = 1990, 2100  # outside this a "date" is almost surely another column
_EPOCH = re.compile(r"^\d{9,10}(\.\d+)?$")
_EPOCH_MS = re.compile(r"^\d{12,13}$")
_NUMERIC = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})"
    r"(?:[ T,]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_DAY_MONTH_NAME = re.compile(
    r"^(?:[^\W\d]+\.?,?\s+)?(\d{1,2})(?:er)?\s+([^\W\d]+)\.?\s+(\d{4})"
    r"(?:[ ,Tà]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_MONTH_NAME_DAY = re.compile(
    r"^(?:[^\W\d]+\.?,?\s+)?([^\W\d]+)\.?\s+(\d{1,2}),?\s+(\d{4})"
    r"(?:[ ,]+(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_MERIDIEM = re.compile(r"\d\s*[AaPp][Mm]\b")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january", "janvier", "janv"),
            ("feb", "february", "fevrier", "fev", "fevr"),
            ("mar", "march", "mars"),
            ("apr", "april", "avril", "avr"),
            ("may", "mai"),
            ("jun", "june", "juin"),
            ("jul", "july", "juillet", "juil"),
            ("aug", "august", "aout"),
            ("sep", "sept", "september", "septembre"),
            ("oct", "october", "octobre"),
            ("nov", "november", "novembre"),
            ("dec", "december", "decembre"),
        ],
        start=1,
    )
    for name in names
}
EXAMPLES = "2026-11-25 14:30, 25/11/2026, Wed, 25 Nov 2026 14:30:00 +0000 or Unix time"


def parse_date(value: str, *, day_first: bool = True) -> datetime:
    """Parse one exported date; raise ValueError saying what was expected."""
    text = " ".join(value.split())
    if not text:
        raise ValueError("the date is empty")
    moment = _parse(text, day_first)
    if moment is None:
        raise ValueError(f"{text[:60]!r} is not a date we can read (try {EXAMPLES})")
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValueError(f"{text[:60]!r} is outside {MIN_YEAR}-{MAX_YEAR}")
    return moment.astimezone(UTC)


def guess_day_first(values: Iterable[str]) -> bool:
    """Day first unless a value can only be month first (13/…/… decides it)."""
    for value in values:
        found = _NUMERIC.match(" ".join(value.split()))
        if not found:
            continue
        first, second = int(found.group(1)), int(found.group(2))
        if first > 12:
            return True
        if second > 12:
            return False
    return True


def _parse(text: str, day_first: bool) -> datetime | None:
    for attempt in (_epoch, _iso, _rfc2822, _twitter):
        moment = attempt(text)
        if moment is not None:
            return moment
    return _numeric(text, day_first) or _written(text)


def _epoch(text: str) -> datetime | None:
    if _EPOCH.match(text):
        return datetime.fromtimestamp(float(text), UTC)
    if _EPOCH_MS.match(text):
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    return None


def _iso(text: str) -> datetime | None:
    candidate = text[:-4] + "+00:00" if text.endswith(" UTC") else text
    if not candidate[:4].isdigit():
        return None
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


def _rfc2822(text: str) -> datetime | None:
    if _MERIDIEM.search(text):
        return None  # the e-mail date parser would silently ignore "PM"
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _twitter(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y")
    except ValueError:
        return None


def _numeric(text: str, day_first: bool) -> datetime | None:
    found = _NUMERIC.match(text)
    if not found:
        return None
    a, b, year = int(found.group(1)), int(found.group(2)), int(found.group(3))
    day, month = (a, b) if day_first else (b, a)
    year = year + 2000 if year < 100 else year
    return _build(year, month, day, found.groups()[3:])


def _written(text: str) -> datetime | None:
    found = _DAY_MONTH_NAME.match(text)
    if found:
        day, month_name, year = found.group(1), found.group(2), found.group(3)
    else:
        found = _MONTH_NAME_DAY.match(text)
        if not found:
            return None
        month_name, day, year = found.group(1), found.group(2), found.group(3)
    month = _MONTHS.get(_fold(month_name))
    if month is None:
        return None
    return _build(int(year), month, int(day), found.groups()[3:])


def _build(year: int, month: int, day: int, clock: tuple[str | None, ...]) -> datetime | None:
    hour, minute, second, meridiem = clock
    h, m, s = int(hour or 0), int(minute or 0), int(second or 0)
    if meridiem:
        h = h % 12 + (12 if meridiem.lower() == "pm" else 0)
    try:
        return datetime(year, month, day, h, m, s)
    except ValueError:
        return None


def _fold(word: str) -> str:
    plain = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in plain if not unicodedata.combining(c)).rstrip(".")
