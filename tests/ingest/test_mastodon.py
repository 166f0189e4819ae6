"""Mastodon connector against a fake instance replaying payloads shaped as the API documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.ingest.fakes import Canned

from hearth.ingest.connectors import mastodon
from hearth.ingest.connectors.base import (
    AuthExpiredError,
    Capability,
    DeliveryOutcome,
    FetchRequest,
    PermanentNetworkError,
    RateLimitedError,
    Rejected,
    TransientNetworkError,
)
from hearth.ingest.connectors.http import MalformedPayloadError, PayloadTooLargeError
from hearth.ingest.connectors.mastodon import (
    MastodonConnector,
    MastodonCredentials,
    iter_stream,
    parse_sse,
)
from hearth.ingest.connectors.registry import get_connector_class

FIXTURES = Path(mastodon.__file__).parent / "fixtures"
SEARCH = FetchRequest(terms=["brickworks"])


@pytest.fixture
def connector(fake_server, http_client):
    credentials = MastodonCredentials(instance_url=fake_server.base_url, access_token="tok-123")
    return MastodonConnector(credentials, http=http_client)


@pytest.fixture
def parent_status(fake_server):
    """The status being answered: a public mention (the reply fetches it for its audience)."""
    fake_server.reply_file(
        "GET", "/api/v1/statuses/112000000000000500", FIXTURES / "status_created.json"
    )


@pytest.fixture
def no_notifications(fake_server):
    fake_server.reply_json("GET", "/api/v1/notifications", [])


def test_registry_finds_mastodon():
    assert get_connector_class("mastodon") is MastodonConnector
    assert MastodonConnector.capabilities >= {Capability.REPLY, Capability.STREAM}


def test_credentials_hide_the_token():
    credentials = MastodonCredentials(instance_url="https://social.example/", access_token="s3cr3t")
    assert "s3cr3t" not in repr(credentials)
    assert credentials.instance_url == "https://social.example"


def test_test_connection_names_the_account(fake_server, connector):
    fake_server.reply_file("GET", "/api/v1/accounts/verify_credentials", FIXTURES / "account.json")
    check = connector.test_connection()
    assert check.ok and check.account == "@brickworks"
    request = fake_server.last("GET", "/api/v1/accounts/verify_credentials")
    assert request.headers["authorization"] == "Bearer tok-123"


def test_test_connection_reports_refused_token_in_plain_words(fake_server, connector):
    fake_server.reply_expired_token("GET", "/api/v1/accounts/verify_credentials")
    check = connector.test_connection()
    assert not check.ok and "refused the credentials" in check.message


def test_search_payload_becomes_plain_text_mentions(fake_server, connector, no_notifications):
    fake_server.reply_file("GET", "/api/v2/search", FIXTURES / "search_v2.json")
    result = connector.fetch(SEARCH, {})
    first, second = result.items
    assert (
        first.text
        == "Just finished the #Brickworks lighthouse set & it glows!\n\nSecond paragraph."
    )
    assert first.author.handle == "@marta@builders.example" and first.metrics["likes"] == 21
    assert second.title == "plainte" and second.lang_hint == "fr" and second.kind == "reply"
    assert second.parent_external_id == "112000000000000100"
    sent = fake_server.last("GET", "/api/v2/search")
    assert sent.param("q") == "brickworks" and sent.param("type") == "statuses"


def test_tag_timeline_keeps_good_items_and_rejects_the_bad_one(
    fake_server, connector, no_notifications
):
    fake_server.reply_file(
        "GET", "/api/v1/timelines/tag/brickworks", FIXTURES / "timeline_tag.json"
    )
    result = connector.fetch(FetchRequest(hashtags=["#brickworks"]), {})
    assert [m.external_id for m in result.items] == ["112000000000000420"]
    assert len(result.rejected) == 1 and "created_at" in result.rejected[0].raw_excerpt


def test_notifications_keep_mentions_and_mark_direct_ones(fake_server, connector):
    fake_server.reply_file("GET", "/api/v1/notifications", FIXTURES / "notifications.json")
    result = connector.fetch(FetchRequest(), {})
    assert [m.kind for m in result.items] == ["reply", "dm"]
    assert result.cursor["notifications"] == "34975861"
    assert fake_server.last("GET", "/api/v1/notifications").query["types[]"] == ["mention"]


def test_second_fetch_asks_only_for_newer_items(fake_server, connector, no_notifications):
    fake_server.reply_file("GET", "/api/v2/search", FIXTURES / "search_v2.json")
    first = connector.fetch(SEARCH, {})
    assert first.cursor["search:brickworks"] == "112000000000000310"
    connector.fetch(SEARCH, first.cursor)
    searches = fake_server.requests_to("GET", "/api/v2/search")
    assert searches[0].param("min_id") is None
    assert searches[1].param("min_id") == "112000000000000310"


def test_cursor_never_moves_backwards(fake_server, connector, no_notifications):
    fake_server.reply_file("GET", "/api/v2/search", FIXTURES / "search_v2.json")
    result = connector.fetch(SEARCH, {"search:brickworks": "112000000000009999"})
    assert result.cursor["search:brickworks"] == "112000000000009999"


def test_429_is_rate_limited_with_retry_after(fake_server, connector):
    fake_server.reply_rate_limited("GET", "/api/v2/search", retry_after="120")
    with pytest.raises(RateLimitedError) as caught:
        connector.fetch(SEARCH, {})
    assert caught.value.retry_after == 120


def test_500_is_transient(fake_server, connector):
    fake_server.reply_server_error("GET", "/api/v2/search")
    with pytest.raises(TransientNetworkError):
        connector.fetch(SEARCH, {})


def test_timeout_is_transient(fake_server, connector):
    fake_server.reply_hang("GET", "/api/v2/search")
    with pytest.raises(TransientNetworkError):
        connector.fetch(SEARCH, {})


def test_expired_token_asks_for_a_human(fake_server, connector):
    fake_server.reply_expired_token("GET", "/api/v2/search", {"error": "The access token expired"})
    with pytest.raises(AuthExpiredError):
        connector.fetch(SEARCH, {})
    assert connector.refresh_credentials() is None  # Mastodon tokens have no refresh


def test_malformed_page_is_a_clear_error(fake_server, connector):
    fake_server.reply_malformed("GET", "/api/v2/search")
    with pytest.raises(MalformedPayloadError, match="invalid JSON"):
        connector.fetch(SEARCH, {})


def test_search_answer_without_statuses_is_refused(fake_server, connector):
    fake_server.reply_json("GET", "/api/v2/search", {"accounts": []})
    with pytest.raises(PermanentNetworkError, match="no statuses list"):
        connector.fetch(SEARCH, {})


def test_oversized_page_is_refused(fake_server, connector):
    fake_server.reply_oversized("GET", "/api/v2/search", size=6_000_000)
    with pytest.raises(PayloadTooLargeError):
        connector.fetch(SEARCH, {})


def test_reply_sends_idempotency_key_and_parent(fake_server, connector, parent_status):
    fake_server.reply_file("POST", "/api/v1/statuses", FIXTURES / "status_created.json")
    delivery = connector.reply(
        "112000000000000500", "@marta It ships on 12 March!", idempotency_key="k-1"
    )
    assert delivery.outcome == DeliveryOutcome.SENT and delivery.external_id == "112000000000000600"
    sent = fake_server.last("POST", "/api/v1/statuses")
    assert sent.headers["idempotency-key"] == "k-1"
    assert sent.json() == {
        "status": "@marta It ships on 12 March!",
        "in_reply_to_id": "112000000000000500",
    }


def test_publish_posts_without_parent(fake_server, connector):
    fake_server.reply_file("POST", "/api/v1/statuses", FIXTURES / "status_created.json")
    assert connector.publish("Spring!", idempotency_key="k-2").outcome == DeliveryOutcome.SENT
    assert "in_reply_to_id" not in fake_server.last("POST", "/api/v1/statuses").json()


def test_timed_out_reply_is_unknown_and_then_found(fake_server, connector, parent_status):
    fake_server.reply_hang("POST", "/api/v1/statuses")
    delivery = connector.reply(
        "112000000000000500", "@marta It ships on 12 March!", idempotency_key="k-3"
    )
    assert delivery.outcome == DeliveryOutcome.UNKNOWN
    fake_server.reply_file("GET", "/api/v1/accounts/verify_credentials", FIXTURES / "account.json")
    fake_server.reply_file(
        "GET", "/api/v1/accounts/109302/statuses", FIXTURES / "account_statuses.json"
    )
    found = connector.find_delivery("k-3")
    assert found is not None and found.external_id == "112000000000000600"


def test_find_delivery_returns_none_when_the_post_is_absent(fake_server, connector):
    fake_server.reply_file("GET", "/api/v1/accounts/verify_credentials", FIXTURES / "account.json")
    fake_server.reply_file(
        "GET", "/api/v1/accounts/109302/statuses", FIXTURES / "account_statuses.json"
    )
    assert connector.find_delivery("k-9", text="never sent", parent_external_id="1") is None


def test_refused_reply_is_failed_with_the_reason(fake_server, connector):
    fake_server.reply_json("GET", "/api/v1/statuses/1", {"id": "1", "visibility": "public"})
    fake_server.reply_json(
        "POST", "/api/v1/statuses", {"error": "Validation failed: Text too long"}, 422
    )
    delivery = connector.reply("1", "x" * 600, idempotency_key="k-4")
    assert delivery.outcome == DeliveryOutcome.FAILED and "Text too long" in delivery.error


def test_delete_removes_the_status(fake_server, connector):
    fake_server.reply_file(
        "DELETE", "/api/v1/statuses/112000000000000600", FIXTURES / "status_created.json"
    )
    connector.delete("112000000000000600")
    assert fake_server.requests_to("DELETE", "/api/v1/statuses/112000000000000600")


def test_streaming_events_become_mentions_and_bad_events_rejects():
    lines = (FIXTURES / "streaming_hashtag.txt").read_text().splitlines()
    out = list(iter_stream(lines))
    mentions = [m for m in out if not isinstance(m, Rejected)]
    assert [m.kind for m in mentions] == ["post", "repost", "reply"]
    assert mentions[1].repost_of_external_id == "112000000000000700"
    assert sum(isinstance(m, Rejected) for m in out) == 1


def test_streaming_filters_by_terms():
    lines = (FIXTURES / "streaming_hashtag.txt").read_text().splitlines()
    kept = [m for m in iter_stream(lines, terms=["THANKS"]) if not isinstance(m, Rejected)]
    assert [m.external_id for m in kept] == ["112000000000000710"]


def test_stream_reads_server_sent_events_over_http(fake_server, connector):
    body = (FIXTURES / "streaming_hashtag.txt").read_bytes()
    fake_server.add(
        "GET",
        "/api/v1/streaming/hashtag",
        Canned(body=body, headers={"Content-Type": "text/event-stream"}),
    )
    out = list(connector.stream("hashtag", params={"tag": "brickworks"}))
    assert len([m for m in out if not isinstance(m, Rejected)]) == 3
    assert fake_server.last("GET", "/api/v1/streaming/hashtag").param("tag") == "brickworks"


def test_oversized_stream_event_is_rejected_and_the_stream_goes_on(monkeypatch):
    monkeypatch.setattr(mastodon.streaming, "MAX_EVENT_CHARS", 2_000)
    lines = ["event: update", "data: " + "x" * 5_000, ""]
    lines += (FIXTURES / "streaming_hashtag.txt").read_text().splitlines()
    out = list(iter_stream(lines))
    assert isinstance(out[0], Rejected) and "larger than 2000" in out[0].reason
    assert len([m for m in out if not isinstance(m, Rejected)]) == 3


def test_sse_joins_multi_line_data_and_names_unnamed_events():
    events = list(
        parse_sse(['data: {"a":', "data: 1}", "", ": comment", "event: delete", "data: 9"])
    )
    assert [(e.event, e.data) for e in events] == [("message", '{"a":\n1}'), ("delete", "9")]


def test_reply_to_a_direct_message_stays_direct(fake_server, connector):
    dm = json.loads((FIXTURES / "notifications.json").read_text())[1]["status"]
    fake_server.reply_json("GET", "/api/v1/statuses/112000000000000490", dm)
    fake_server.reply_file("POST", "/api/v1/statuses", FIXTURES / "status_created.json")
    connector.reply("112000000000000490", "@jb@toot.example checking now", idempotency_key="k-5")
    assert fake_server.last("POST", "/api/v1/statuses").json()["visibility"] == "direct"


def test_reply_to_a_vanished_status_is_refused_before_posting(fake_server, connector):
    fake_server.reply_json("GET", "/api/v1/statuses/404", {"error": "Record not found"}, 404)
    with pytest.raises(PermanentNetworkError, match="Record not found"):
        connector.reply("404", "hello", idempotency_key="k-6")
    assert fake_server.requests_to("POST", "/api/v1/statuses") == []
