from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hearth.crisis.reason import Reason, build_reason, format_reason

TUESDAY_2PM = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


def test_english_reason_reads_like_a_sentence():
    reason = build_reason("negative_mentions", TUESDAY_2PM, observed=180, expected=20)
    assert format_reason(reason) == "negative mentions ×9 their usual level for a Tuesday 14:00"


def test_reason_names_the_topic():
    reason = Reason(
        **{**build_reason("negative_mentions", TUESDAY_2PM, 180, 20).__dict__, "topic": "video"}
    )
    assert format_reason(reason).startswith("negative mentions of 'video' ×9")


def test_french_reason():
    reason = build_reason("negative_mentions", TUESDAY_2PM, observed=50, expected=20)
    assert format_reason(reason, "fr_FR") == (
        "les mentions négatives ×2,5 par rapport à leur niveau habituel un mardi à 14:00"
    )


def test_reason_in_the_users_time_zone():
    reason = build_reason("mentions", TUESDAY_2PM, observed=90, expected=10)
    assert format_reason(reason, tz=ZoneInfo("Europe/Paris")).endswith("Tuesday 15:00")


def test_structured_fields_and_round_trip():
    reason = build_reason("mentions", TUESDAY_2PM, observed=90, expected=10)
    assert (reason.weekday, reason.hour, reason.ratio) == (1, 14, 9.0)
    assert Reason.from_dict(json.loads(json.dumps(reason.to_dict()))) == reason


def test_ratio_of_a_quiet_series_uses_one_as_the_usual_floor():
    assert build_reason("mentions", TUESDAY_2PM, observed=6, expected=0.2).ratio == 6.0
