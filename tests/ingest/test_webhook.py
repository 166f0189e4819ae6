"""Inbound webhook: signature, freshness, replay, size, and item-by-item validation."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError
from typer.testing import CliRunner

from hearth.ingest.connectors.registry import get_connector_class
from hearth.ingest.connectors.webhook import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookConnector,
    WebhookExpiredError,
    WebhookPayloadError,
    WebhookReplayError,
    WebhookSettings,
    WebhookSignatureError,
    WebhookTooLargeError,
    generate_secret,
    response_body,
    sign,
    verify_and_parse,
    verify_and_parse_batch,
)
from hearth.ingest.connectors.webhook.cli import webhook_app

FIXTURES = Path(__file__).parents[2] / "src/hearth/ingest/connectors/webhook/fixtures"
SECRET = "s3cret-" + "x" * 40
NOW = datetime(2026, 11, 25, 22, 0, tzinfo=UTC)
STAMP = int(NOW.timestamp())


class SeenSet:
    """The web layer's store, reduced to a set: check-and-set."""

    def __init__(self) -> None:
        self.ids: set[str] = set()

    def __call__(self, delivery_id: str) -> bool:
        if delivery_id in self.ids:
            return True
        self.ids.add(delivery_id)
        return False


def body_of(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def signed(body: bytes, *, secret: str = SECRET, stamp: int = STAMP, delivery: str = "d-1"):
    return sign(body, secret, timestamp=stamp, delivery_id=delivery)


# --- payload shapes ---------------------------------------------------------------------------


def test_minimal_item_gets_defaults():
    body = body_of("minimal.json")
    (item,) = verify_and_parse(signed(body), body, SECRET, NOW, SeenSet())
    assert (item.platform, item.kind, item.external_id) == ("webhook", "post", "rev-1001")
    assert item.author.platform_user_id == "cust-77"
    assert item.created_at == datetime(2026, 11, 25, 9, 12, tzinfo=UTC)


def test_full_items_keep_every_documented_field():
    body = body_of("full.json")
    review, reply = verify_and_parse(signed(body), body, SECRET, NOW, SeenSet())
    assert (review.platform, review.kind, review.title) == ("trustpilot", "review", "Never again")
    assert review.author.handle == "mike_h" and review.author.followers == 12
    assert review.metrics == {"rating": 1, "likes": 4}
    assert review.raw["extra"] == {"order_channel": "app"}
    assert reply.parent_external_id == "tp-5521"


def test_bad_items_are_reported_and_valid_ones_kept():
    body = body_of("mixed.json")
    result = verify_and_parse_batch(signed(body), body, SECRET, NOW, SeenSet())
    assert [i.external_id for i in result.items] == ["a-1", "a-5"]
    reasons = [r.reason for r in result.rejected]
    assert reasons[0].startswith("item 1: created_at") and "timezone" in reasons[0]
    assert reasons[1].startswith("item 2: colour")
    assert reasons[2].startswith("item 3: ")
    assert reasons[3] == "item 4: duplicate id in this batch"
    assert reasons[4].startswith("item 5: platform")
    assert response_body(result)["accepted"] == 2


# --- signature and replay -----------------------------------------------------------------------


def test_signature_over_other_body_is_refused():
    body = body_of("minimal.json")
    headers = signed(body)
    with pytest.raises(WebhookSignatureError, match="does not match"):
        verify_and_parse(headers, body.replace(b"loves", b"hates"), SECRET, NOW, SeenSet())


def test_signature_with_wrong_secret_is_refused():
    body = body_of("minimal.json")
    with pytest.raises(WebhookSignatureError):
        verify_and_parse(signed(body, secret="other" * 10), body, SECRET, NOW, SeenSet())


def test_missing_signature_is_refused():
    body = body_of("minimal.json")
    headers = signed(body)
    del headers[SIGNATURE_HEADER]
    with pytest.raises(WebhookSignatureError, match="sha256="):
        verify_and_parse(headers, body, SECRET, NOW, SeenSet())


def test_non_ascii_signature_is_refused_not_crashing():
    body = body_of("minimal.json")
    headers = {**signed(body), SIGNATURE_HEADER: "sha256=é"}
    with pytest.raises(WebhookSignatureError):
        verify_and_parse(headers, body, SECRET, NOW, SeenSet())


def test_header_names_are_case_insensitive():
    body = body_of("minimal.json")
    headers = {name.lower(): value for name, value in signed(body).items()}
    assert len(verify_and_parse(headers, body, SECRET, NOW, SeenSet())) == 1


def test_previous_secret_is_accepted_during_rotation():
    body = body_of("minimal.json")
    settings = WebhookSettings(secret=generate_secret(), previous_secret=SecretStr(SECRET))
    items = verify_and_parse(signed(body), body, settings.secrets(), NOW, SeenSet())
    assert len(items) == 1


def test_expired_timestamp_is_refused():
    body = body_of("minimal.json")
    with pytest.raises(WebhookExpiredError, match="301s away"):
        verify_and_parse(signed(body, stamp=STAMP - 301), body, SECRET, NOW, SeenSet())


def test_timestamp_from_the_future_is_refused():
    body = body_of("minimal.json")
    with pytest.raises(WebhookExpiredError):
        verify_and_parse(signed(body, stamp=STAMP + 600), body, SECRET, NOW, SeenSet())


def test_tampered_timestamp_breaks_the_signature():
    body = body_of("minimal.json")
    headers = {**signed(body, stamp=STAMP - 3600), TIMESTAMP_HEADER: str(STAMP)}
    with pytest.raises(WebhookSignatureError):
        verify_and_parse(headers, body, SECRET, NOW, SeenSet())


def test_replayed_delivery_is_refused():
    body, seen = body_of("minimal.json"), SeenSet()
    headers = signed(body)
    verify_and_parse(headers, body, SECRET, NOW, seen)
    with pytest.raises(WebhookReplayError, match="d-1"):
        verify_and_parse(headers, body, SECRET, NOW, seen)


def test_forged_requests_do_not_enter_the_seen_set():
    body, seen = body_of("minimal.json"), SeenSet()
    with pytest.raises(WebhookSignatureError):
        verify_and_parse(signed(body, secret="wrong" * 10), body, SECRET, NOW, seen)
    assert seen.ids == set()


# --- envelope and size --------------------------------------------------------------------------


def test_oversized_body_is_refused_before_anything_else():
    body = b'{"items": [' + b" " * 2_000_000 + b"]}"
    with pytest.raises(WebhookTooLargeError) as caught:
        verify_and_parse({}, body, SECRET, NOW, SeenSet())
    assert caught.value.status == 413


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"items": [', "not valid UTF-8 JSON"),
        (b'{"items": []}', "items"),
        (b'[{"id": 1}]', "items"),
        (b'{"items": [{}], "extra": 1}', "extra"),
    ],
)
def test_malformed_envelope_is_refused(body: bytes, message: str):
    with pytest.raises(WebhookPayloadError, match=message):
        verify_and_parse(signed(body), body, SECRET, NOW, SeenSet())


def test_too_many_items_is_refused():
    item = json.loads(body_of("minimal.json"))["items"][0]
    body = json.dumps({"items": [item] * 501}).encode()
    with pytest.raises(WebhookPayloadError, match="at most 500"):
        verify_and_parse(signed(body), body, SECRET, NOW, SeenSet())


# --- settings and registry ----------------------------------------------------------------------


def test_settings_refuse_a_short_secret():
    with pytest.raises(ValidationError):
        WebhookSettings(secret="short")


def test_test_connection_names_the_headers():
    connector = WebhookConnector(WebhookSettings(secret=generate_secret()), http=None)  # type: ignore[arg-type]
    check = connector.test_connection()
    assert check.ok and SIGNATURE_HEADER in check.message


def test_registered_as_webhook():
    assert get_connector_class("webhook") is WebhookConnector


def test_cli_sign_prints_headers_that_verify(tmp_path: Path):
    body = body_of("minimal.json")
    (tmp_path / "body.json").write_bytes(body)
    args = ["sign", str(tmp_path / "body.json"), "--delivery", "cli-1", "--timestamp", str(STAMP)]
    result = CliRunner().invoke(webhook_app, args, env={"HEARTH_WEBHOOK_SECRET": SECRET})
    assert result.exit_code == 0, result.output
    headers = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert len(verify_and_parse(headers, body, SECRET, NOW, SeenSet())) == 1
