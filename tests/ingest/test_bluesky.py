"""Bluesky connector against a fake PDS replaying XRPC payloads shaped as the lexicons document."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.ingest.fakes import Canned

from hearth.ingest.connectors import bluesky
from hearth.ingest.connectors.base import (
    AuthExpiredError,
    DeliveryOutcome,
    FetchRequest,
    RateLimitedError,
    Rejected,
    TransientNetworkError,
)
from hearth.ingest.connectors.bluesky import (
    BlueskyConnector,
    BlueskyCredentials,
    iter_jetstream,
    jetstream_url,
    parse_jetstream_event,
    rkey_for,
)
from hearth.ingest.connectors.http import MalformedPayloadError, PayloadTooLargeError
from hearth.ingest.connectors.registry import get_connector_class

FIXTURES = Path(bluesky.__file__).parent / "fixtures"
X = "/xrpc/"
SEARCH = FetchRequest(terms=["brickworks"])
PARENT = "at://did:plc:marta3xq5lq2p7w/app.bsky.feed.post/3lbq4aaaaaa2a"


@pytest.fixture
def credentials(fake_server):
    return BlueskyCredentials(
        identifier="brickworks.example.com",
        app_password="app-pass-1",
        service_url=fake_server.base_url,
        did="did:plc:brickworks7q2ksxv3d4f",
        access_jwt="access-0",
        refresh_jwt="refresh-0",
    )


@pytest.fixture
def connector(credentials, http_client):
    return BlueskyConnector(credentials, http=http_client)


@pytest.fixture
def no_notifications(fake_server):
    fake_server.reply_json(
        "GET", X + "app.bsky.notification.listNotifications", {"notifications": []}
    )


def test_registry_finds_bluesky():
    assert get_connector_class("bluesky") is BlueskyConnector


def test_first_use_opens_a_session_with_the_app_password(fake_server, http_client):
    fake_server.reply_file(
        "POST", X + "com.atproto.server.createSession", FIXTURES / "create_session.json"
    )
    fake_server.reply_file(
        "GET", X + "com.atproto.server.getSession", FIXTURES / "get_session.json"
    )
    fresh = BlueskyCredentials(
        identifier="brickworks.example.com",
        app_password="app-pass-1",
        service_url=fake_server.base_url,
    )
    connector = BlueskyConnector(fresh, http=http_client)
    check = connector.test_connection()
    assert check.ok and check.account == "@brickworks.example.com"
    login = fake_server.last("POST", X + "com.atproto.server.createSession").json()
    assert login == {"identifier": "brickworks.example.com", "password": "app-pass-1"}
    assert fake_server.last("GET", X + "com.atproto.server.getSession").headers[
        "authorization"
    ] == ("Bearer eyJhbGciOiJFUzI1NksifQ.access-1.sig")


def test_search_payload_becomes_mentions_and_a_bad_post_is_rejected(
    fake_server, connector, no_notifications
):
    fake_server.reply_file("GET", X + "app.bsky.feed.searchPosts", FIXTURES / "search_posts.json")
    result = connector.fetch(SEARCH, {})
    first, second = result.items
    assert first.external_id == "at://did:plc:marta3xq5lq2p7w/app.bsky.feed.post/3lbq2kxgzjc2a"
    assert first.url == "https://bsky.app/profile/marta.bsky.social/post/3lbq2kxgzjc2a"
    assert first.author.handle == "@marta.bsky.social" and first.metrics["likes"] == 17
    assert second.kind == "reply" and second.lang_hint == "fr"
    assert len(result.rejected) == 1 and "text" in result.rejected[0].reason
    sent = fake_server.last("GET", X + "app.bsky.feed.searchPosts")
    assert sent.param("q") == "brickworks" and sent.param("sort") == "latest"


def test_second_search_asks_only_for_newer_posts(fake_server, connector, no_notifications):
    fake_server.reply_file("GET", X + "app.bsky.feed.searchPosts", FIXTURES / "search_posts.json")
    first = connector.fetch(SEARCH, {})
    connector.fetch(SEARCH, first.cursor)
    searches = fake_server.requests_to("GET", X + "app.bsky.feed.searchPosts")
    assert searches[0].param("since") is None
    assert searches[1].param("since") == "2026-03-01T10:20:00+00:00"


def test_full_search_page_pages_on_before_moving_since(
    fake_server, connector, no_notifications, monkeypatch
):
    monkeypatch.setattr(bluesky.connector, "SEARCH_LIMIT", 2)
    fake_server.reply_file("GET", X + "app.bsky.feed.searchPosts", FIXTURES / "search_posts.json")
    result = connector.fetch(SEARCH, {"search:brickworks": {"since": "2026-02-01T00:00:00+00:00"}})
    assert result.has_more
    assert result.cursor["search:brickworks"]["page"] == "25"
    assert result.cursor["search:brickworks"]["since"] == "2026-02-01T00:00:00+00:00"


def test_notifications_keep_posts_and_skip_likes(fake_server, connector):
    fake_server.reply_file(
        "GET", X + "app.bsky.notification.listNotifications", FIXTURES / "list_notifications.json"
    )
    result = connector.fetch(FetchRequest(), {})
    assert [m.kind for m in result.items] == ["reply", "post"]
    assert result.cursor["notifications"] == {"seen": "2026-03-01T12:00:01.000Z"}
    sent = fake_server.last("GET", X + "app.bsky.notification.listNotifications")
    assert sent.query["reasons"] == ["mention", "reply", "quote"]


def test_seen_notifications_are_not_returned_again(fake_server, connector):
    fake_server.reply_file(
        "GET", X + "app.bsky.notification.listNotifications", FIXTURES / "list_notifications.json"
    )
    result = connector.fetch(
        FetchRequest(), {"notifications": {"seen": "2026-03-01T11:45:00.000Z"}}
    )
    assert [m.text for m in result.items] == ["When does the castle ship?"]


def test_expired_access_token_raises_and_refresh_renews_it(fake_server, connector):
    fake_server.add(
        "GET",
        X + "app.bsky.feed.searchPosts",
        Canned.file(FIXTURES / "expired_token.json", status=400),
        Canned.file(FIXTURES / "search_posts.json"),
    )
    fake_server.reply_file(
        "POST", X + "com.atproto.server.refreshSession", FIXTURES / "refresh_session.json"
    )
    with pytest.raises(AuthExpiredError):
        connector.fetch(FetchRequest(terms=["brickworks"]), {})
    renewed = connector.refresh_credentials()
    assert renewed.access_jwt.get_secret_value().endswith("access-2.sig")
    assert (
        fake_server.last("POST", X + "com.atproto.server.refreshSession").headers["authorization"]
        == "Bearer refresh-0"
    )
    fake_server.reply_json(
        "GET", X + "app.bsky.notification.listNotifications", {"notifications": []}
    )
    assert len(connector.fetch(SEARCH, {}).items) == 2
    assert (
        fake_server.last("GET", X + "app.bsky.feed.searchPosts")
        .headers["authorization"]
        .endswith("access-2.sig")
    )


def test_expired_refresh_token_falls_back_to_the_app_password(fake_server, connector):
    fake_server.add(
        "POST",
        X + "com.atproto.server.refreshSession",
        Canned.file(FIXTURES / "expired_token.json", status=400),
    )
    fake_server.reply_file(
        "POST", X + "com.atproto.server.createSession", FIXTURES / "create_session.json"
    )
    renewed = connector.refresh_credentials()
    assert renewed.refresh_jwt.get_secret_value().endswith("refresh-1.sig")


def test_wrong_app_password_is_auth_expired(fake_server, connector):
    fake_server.reply_expired_token(
        "POST",
        X + "com.atproto.server.refreshSession",
        {"error": "ExpiredToken", "message": "Token has expired"},
        status=400,
    )
    fake_server.reply_expired_token(
        "POST",
        X + "com.atproto.server.createSession",
        {"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
    )
    with pytest.raises(AuthExpiredError, match="Invalid identifier or password"):
        connector.refresh_credentials()


def test_429_uses_the_ratelimit_reset_header(fake_server, connector):
    fake_server.reply_rate_limited("GET", X + "app.bsky.feed.searchPosts", retry_after="42")
    with pytest.raises(RateLimitedError) as caught:
        connector.fetch(SEARCH, {})
    assert caught.value.retry_after == 42


def test_500_and_timeout_are_transient(fake_server, connector):
    fake_server.add(
        "GET",
        X + "app.bsky.feed.searchPosts",
        Canned.json({"error": "InternalServerError"}, 500),
        Canned(hang=True),
    )
    for _ in range(2):
        with pytest.raises(TransientNetworkError):
            connector.fetch(SEARCH, {})


def test_malformed_and_oversized_pages_are_clear_errors(fake_server, connector):
    fake_server.add(
        "GET",
        X + "app.bsky.feed.searchPosts",
        Canned(body=b"<html>oops"),
        Canned.json({"cursor": "1"}),
    )
    with pytest.raises(MalformedPayloadError, match="invalid JSON"):
        connector.fetch(SEARCH, {})
    with pytest.raises(MalformedPayloadError, match="no posts list"):
        connector.fetch(SEARCH, {})
    fake_server.reply_oversized("GET", X + "app.bsky.notification.listNotifications")
    with pytest.raises(PayloadTooLargeError):
        connector.fetch(FetchRequest(), {})


def test_reply_threads_under_the_parent_with_a_derived_record_key(fake_server, connector):
    fake_server.reply_file("GET", X + "app.bsky.feed.getPosts", FIXTURES / "get_posts.json")
    fake_server.reply_file(
        "POST", X + "com.atproto.repo.createRecord", FIXTURES / "create_record.json"
    )
    delivery = connector.reply(PARENT, "It ships on 12 March!", idempotency_key="k-1")
    assert delivery.outcome == DeliveryOutcome.SENT
    assert delivery.external_id.startswith("at://did:plc:brickworks7q2ksxv3d4f/app.bsky.feed.post/")
    body = fake_server.last("POST", X + "com.atproto.repo.createRecord").json()
    assert body["rkey"] == rkey_for("k-1")
    assert body["record"]["reply"]["parent"] == {"uri": PARENT, "cid": "bafyreinotif1"}
    assert body["record"]["reply"]["root"]["uri"].endswith("/3lbpzzzzzzz2a")
    assert body["record"]["text"] == "It ships on 12 March!"


def test_record_keys_are_valid_tids_and_stable():
    key = rkey_for("delivery-7")
    assert re.fullmatch(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}", key)
    assert key == rkey_for("delivery-7") and key != rkey_for("delivery-8")


def test_timed_out_post_is_unknown_then_found_by_its_record_key(fake_server, connector):
    fake_server.reply_hang("POST", X + "com.atproto.repo.createRecord")
    assert connector.publish("Spring!", idempotency_key="k-2").outcome == DeliveryOutcome.UNKNOWN
    fake_server.reply_file("GET", X + "com.atproto.repo.getRecord", FIXTURES / "get_record.json")
    found = connector.find_delivery("k-2")
    assert found is not None and found.outcome == DeliveryOutcome.SENT
    assert fake_server.last("GET", X + "com.atproto.repo.getRecord").param("rkey") == rkey_for(
        "k-2"
    )


def test_find_delivery_returns_none_when_the_record_is_absent(fake_server, connector):
    fake_server.add(
        "GET",
        X + "com.atproto.repo.getRecord",
        Canned.file(FIXTURES / "record_not_found.json", status=400),
    )
    assert connector.find_delivery("k-3") is None


def test_delete_removes_the_record(fake_server, connector):
    fake_server.reply_json("POST", X + "com.atproto.repo.deleteRecord", {})
    connector.delete("at://did:plc:brickworks7q2ksxv3d4f/app.bsky.feed.post/3kzzzzzzzzz22")
    body = fake_server.last("POST", X + "com.atproto.repo.deleteRecord").json()
    assert body == {
        "repo": "did:plc:brickworks7q2ksxv3d4f",
        "collection": "app.bsky.feed.post",
        "rkey": "3kzzzzzzzzz22",
    }


def test_jetstream_keeps_new_posts_matching_terms():
    lines = (FIXTURES / "jetstream_events.jsonl").read_text().splitlines()
    out = list(iter_jetstream(lines, terms=["brickworks"]))
    mentions = [m for m in out if not isinstance(m, Rejected)]
    assert [m.lang_hint for m in mentions] == ["en", "fr"]
    assert mentions[1].kind == "reply"
    assert (
        mentions[0].external_id == "at://did:plc:marta3xq5lq2p7w/app.bsky.feed.post/3lbq6aaaaaa2a"
    )
    assert len(out) - len(mentions) == 2  # the post without a date and the truncated line


def test_jetstream_ignores_deletes_likes_and_identity_events():
    lines = (FIXTURES / "jetstream_events.jsonl").read_text().splitlines()
    assert parse_jetstream_event(lines[3]) is None
    assert parse_jetstream_event(lines[4]) is None
    assert parse_jetstream_event(lines[5]) is None
    assert parse_jetstream_event(lines[1], ["brickworks"]) is None


def test_jetstream_malformed_event_names_the_problem():
    with pytest.raises(MalformedPayloadError, match="invalid JSON"):
        parse_jetstream_event('{"kind": "commit", ')


def test_jetstream_url_asks_for_posts_from_a_cursor():
    url = jetstream_url(cursor_us=1772360400000000)
    assert "wantedCollections=app.bsky.feed.post" in url and url.endswith("cursor=1772360400000000")


def test_a_notification_backlog_is_finished_next_run(fake_server, connector, monkeypatch):
    monkeypatch.setattr(bluesky.connector, "MAX_NOTIFICATION_PAGES", 1)
    path = X + "app.bsky.notification.listNotifications"

    def page(times, cursor):
        notes = [
            {
                "uri": f"at://did:plc:a/app.bsky.feed.post/{t}",
                "cid": "c",
                "reason": "mention",
                "author": {"did": "did:plc:a", "handle": "a.test"},
                "indexedAt": t,
                "record": {"$type": "app.bsky.feed.post", "text": t, "createdAt": t},
            }
            for t in times
        ]
        return Canned.json({"notifications": notes, **({"cursor": cursor} if cursor else {})})

    t = [f"2026-03-01T10:0{i}:00.000Z" for i in range(6)]
    fake_server.add(
        "GET", path, page([t[4], t[3]], "c1"), page([t[2], t[1]], "c2"), page([t[5], t[4]], "c3")
    )
    first = connector.fetch(FetchRequest(), {"notifications": {"seen": t[1]}})
    assert first.has_more and first.cursor["notifications"] == {
        "seen": t[1],
        "page": "c1",
        "newest": t[4],
    }
    second = connector.fetch(FetchRequest(), first.cursor)
    assert [m.text for m in second.items] == [t[2]]
    assert fake_server.requests_to("GET", path)[1].param("cursor") == "c1"
    assert second.cursor["notifications"] == {"seen": t[4]}
    third = connector.fetch(FetchRequest(), second.cursor)
    assert [m.text for m in third.items] == [t[5]]
