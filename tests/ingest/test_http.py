"""The shared HTTP helpers: typed errors, Retry-After, bounded bodies, JSON validation."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from hearth.ingest.connectors.base import (
    AuthExpiredError,
    Delivery,
    DeliveryOutcome,
    PermanentNetworkError,
    RateLimitedError,
    TransientNetworkError,
)
from hearth.ingest.connectors.http import (
    MalformedPayloadError,
    NetworkTimeoutError,
    PayloadTooLargeError,
    deliver,
    html_to_text,
    parse_retry_after,
    retry_after_from,
    send,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_send_returns_body_and_status(fake_server, http_client):
    fake_server.reply_json("GET", "/ok", {"a": 1})
    answer = send(http_client, "GET", fake_server.url("/ok"))
    assert answer.status_code == 200
    assert answer.json() == {"a": 1}


def test_429_becomes_rate_limited_with_retry_after_seconds(fake_server, http_client):
    fake_server.reply_rate_limited("GET", "/x", retry_after="17")
    with pytest.raises(RateLimitedError) as caught:
        send(http_client, "GET", fake_server.url("/x"))
    assert caught.value.retry_after == 17


def test_429_without_retry_after_uses_default(fake_server, http_client):
    fake_server.reply_rate_limited("GET", "/x", retry_after=None)
    with pytest.raises(RateLimitedError) as caught:
        send(http_client, "GET", fake_server.url("/x"))
    assert caught.value.retry_after == 60


def test_retry_after_http_date_is_seconds_from_now():
    assert parse_retry_after("Sun, 01 Mar 2026 12:02:00 GMT", now=NOW) == 120


def test_retry_after_in_the_past_is_zero_and_garbage_is_none():
    assert parse_retry_after("Sun, 01 Mar 2026 11:00:00 GMT", now=NOW) == 0
    assert parse_retry_after("soon", now=NOW) is None
    assert parse_retry_after("nan", now=NOW) is None


def test_reset_headers_follow_each_network_documented_format():
    mastodon = {"x-ratelimit-reset": "2026-03-01T12:05:00.000Z"}
    reddit = {"x-ratelimit-reset": "45"}
    bluesky = {"ratelimit-reset": str(int(NOW.timestamp()) + 90)}
    assert retry_after_from(mastodon, now=NOW) == 300
    assert retry_after_from(reddit, now=NOW) == 45
    assert retry_after_from(bluesky, now=NOW) == 90


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_transient(fake_server, http_client, status):
    fake_server.reply_server_error("GET", "/x", status=status)
    with pytest.raises(TransientNetworkError):
        send(http_client, "GET", fake_server.url("/x"))


def test_401_is_auth_expired(fake_server, http_client):
    fake_server.reply_expired_token("GET", "/x")
    with pytest.raises(AuthExpiredError):
        send(http_client, "GET", fake_server.url("/x"))


def test_other_4xx_is_permanent_and_quotes_the_server(fake_server, http_client):
    fake_server.reply_json("GET", "/x", {"error": "Record not found"}, status=404)
    with pytest.raises(PermanentNetworkError, match="Record not found"):
        send(http_client, "GET", fake_server.url("/x"))


def test_read_timeout_may_have_been_delivered(fake_server, http_client):
    fake_server.reply_hang("POST", "/x")
    with pytest.raises(NetworkTimeoutError) as caught:
        send(http_client, "POST", fake_server.url("/x"), json={})
    assert caught.value.maybe_delivered is True


def test_connection_refused_is_transient(http_client):
    with pytest.raises(TransientNetworkError):
        send(http_client, "GET", "http://127.0.0.1:9/x", timeout=httpx.Timeout(1.0))


@pytest.mark.parametrize("declare_length", [True, False])
def test_oversized_body_is_refused(fake_server, http_client, declare_length):
    fake_server.reply_oversized("GET", "/x", size=50_000, declare_length=declare_length)
    with pytest.raises(PayloadTooLargeError, match="10000"):
        send(http_client, "GET", fake_server.url("/x"), max_bytes=10_000)


def test_malformed_json_is_a_clear_error(fake_server, http_client):
    fake_server.reply_malformed("GET", "/x")
    answer = send(http_client, "GET", fake_server.url("/x"))
    with pytest.raises(MalformedPayloadError, match="invalid JSON"):
        answer.json()


def test_wrong_json_shape_is_a_clear_error(fake_server, http_client):
    fake_server.reply_json("GET", "/x", [1, 2])
    with pytest.raises(MalformedPayloadError, match="expected dict"):
        send(http_client, "GET", fake_server.url("/x")).json()


def test_html_to_text_drops_markup_scripts_and_keeps_paragraphs():
    html = (
        '<p>Hi <a href="javascript:x">@bob</a> &amp; <script>alert(1)</script>all</p><p>b<br>c</p>'
    )
    assert html_to_text(html) == "Hi @bob & all\n\nb\nc"


def _post(client, url):
    def action():
        send(client, "POST", url, json={})
        return Delivery(DeliveryOutcome.SENT, "1")

    return action


def test_deliver_calls_a_5xx_after_a_write_unknown(fake_server, http_client):
    fake_server.reply_server_error("POST", "/x", status=502)
    delivery = deliver(_post(http_client, fake_server.url("/x")))
    assert delivery.outcome == DeliveryOutcome.UNKNOWN and "502" in delivery.error


def test_deliver_raises_when_nothing_was_sent(http_client):
    with pytest.raises(TransientNetworkError):
        deliver(_post(http_client, "http://127.0.0.1:9/x"))


def test_deliver_calls_a_4xx_failed(fake_server, http_client):
    fake_server.reply_json("POST", "/x", {"error": "too long"}, status=422)
    delivery = deliver(_post(http_client, fake_server.url("/x")))
    assert delivery.outcome == DeliveryOutcome.FAILED and "too long" in delivery.error
