"""Reddit connector against a fake reddit.com + oauth.reddit.com replaying documented payloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.ingest.fakes import Canned

from hearth.ingest.connectors import reddit
from hearth.ingest.connectors.base import (
    AuthExpiredError,
    DeliveryOutcome,
    FetchRequest,
    PermanentNetworkError,
    RateLimitedError,
    TransientNetworkError,
)
from hearth.ingest.connectors.http import PayloadTooLargeError
from hearth.ingest.connectors.reddit import RedditConnector, RedditCredentials
from hearth.ingest.connectors.registry import get_connector_class
from hearth.kit.errors import ValidationFailedError

FIXTURES = Path(reddit.__file__).parent / "fixtures"
SEARCH = FetchRequest(terms=["brickworks"])
COMMENTS = FetchRequest(sources=["r/brickworks"])
REPLY_TEXT = "Sorry about that! Please DM us your order number."


@pytest.fixture
def credentials(fake_server):
    return RedditCredentials(
        client_id="cid",
        client_secret="csecret",
        username="BrickworksTeam",
        refresh_token="refresh-1",
        access_token="reddit-access-1",
        auth_url=fake_server.base_url,
        api_url=fake_server.base_url,
    )


@pytest.fixture
def connector(credentials, http_client):
    return RedditConnector(credentials, http=http_client)


def test_registry_finds_reddit():
    assert get_connector_class("reddit") is RedditConnector


def test_test_connection_names_the_account_and_sends_a_user_agent(fake_server, connector):
    fake_server.reply_file("GET", "/api/v1/me", FIXTURES / "me.json")
    check = connector.test_connection()
    assert check.ok and check.account == "u/BrickworksTeam"
    sent = fake_server.last("GET", "/api/v1/me")
    assert sent.headers["authorization"] == "bearer reddit-access-1"
    assert "(by /u/BrickworksTeam)" in sent.headers["user-agent"]


def test_search_listing_becomes_posts_and_the_bad_child_is_rejected(fake_server, connector):
    fake_server.reply_file("GET", "/search", FIXTURES / "search.json")
    result = connector.fetch(SEARCH, {})
    first, second = result.items
    assert first.external_id == "t3_1b2c3f" and first.title == "Brickworks lighthouse: worth it?"
    assert first.text.endswith("Price went up & I'm <unsure>.")
    assert first.author.handle == "u/brick_fan_99" and first.metrics == {
        "score": 42,
        "comments": 13,
    }
    assert second.author.handle == "" and second.author.platform_user_id == "deleted:t3_1b2c3e"
    assert len(result.rejected) == 1 and "created_utc" in result.rejected[0].reason
    sent = fake_server.last("GET", "/search")
    assert sent.param("q") == "brickworks" and sent.param("sort") == "new"
    assert sent.param("raw_json") == "1"


def test_search_in_chosen_subreddits_is_restricted(fake_server, connector):
    fake_server.reply_file("GET", "/r/lego+legodeal/search", FIXTURES / "search.json")
    fake_server.reply_json("GET", "/r/lego/comments", {"kind": "Listing", "data": {"children": []}})
    fake_server.reply_json(
        "GET", "/r/legodeal/comments", {"kind": "Listing", "data": {"children": []}}
    )
    connector.fetch(FetchRequest(terms=["brickworks"], sources=["r/lego", "legodeal"]), {})
    assert fake_server.last("GET", "/r/lego+legodeal/search").param("restrict_sr") == "on"


def test_subreddit_comments_become_replies(fake_server, connector):
    fake_server.reply_file("GET", "/r/brickworks/comments", FIXTURES / "subreddit_comments.json")
    result = connector.fetch(COMMENTS, {})
    assert [m.parent_external_id for m in result.items] == ["t3_1b2c3f", "t1_kq9yzz"]
    assert all(m.kind == "reply" for m in result.items)
    assert result.cursor == {"comments:brickworks": "t1_kq9z02"}


def test_second_fetch_asks_only_for_newer_comments(fake_server, connector):
    fake_server.reply_file("GET", "/r/brickworks/comments", FIXTURES / "subreddit_comments.json")
    first = connector.fetch(COMMENTS, {})
    connector.fetch(COMMENTS, first.cursor)
    reads = fake_server.requests_to("GET", "/r/brickworks/comments")
    assert reads[0].param("before") is None and reads[1].param("before") == "t1_kq9z02"


def test_bad_subreddit_name_is_refused_before_any_request(fake_server, connector):
    with pytest.raises(ValidationFailedError):
        connector.fetch(FetchRequest(sources=["../api/v1/me"]), {})
    assert fake_server.requests == []


def test_expired_access_token_then_refresh_with_basic_auth(fake_server, connector):
    fake_server.add(
        "GET",
        "/search",
        Canned.json({"message": "Unauthorized", "error": 401}, 401),
        Canned.file(FIXTURES / "search.json"),
    )
    fake_server.reply_file("POST", "/api/v1/access_token", FIXTURES / "token.json")
    with pytest.raises(AuthExpiredError):
        connector.fetch(SEARCH, {})
    renewed = connector.refresh_credentials()
    assert renewed.access_token.get_secret_value() == "reddit-access-2"
    token_request = fake_server.last("POST", "/api/v1/access_token")
    assert token_request.form() == {"grant_type": "refresh_token", "refresh_token": "refresh-1"}
    assert token_request.headers["authorization"] == "Basic Y2lkOmNzZWNyZXQ="  # cid:csecret
    assert len(connector.fetch(SEARCH, {}).items) == 2
    assert fake_server.last("GET", "/search").headers["authorization"] == "bearer reddit-access-2"


def test_revoked_refresh_token_needs_a_human(fake_server, connector):
    fake_server.reply_file("POST", "/api/v1/access_token", FIXTURES / "token_invalid_grant.json")
    with pytest.raises(AuthExpiredError, match="invalid_grant"):
        connector.refresh_credentials()


def test_429_honours_retry_after_then_reset_header(fake_server, connector):
    fake_server.add(
        "GET",
        "/search",
        Canned.json({}, 429, {"Retry-After": "12"}),
        Canned.json({}, 429, {"X-Ratelimit-Reset": "300", "X-Ratelimit-Remaining": "0"}),
    )
    waits = []
    for _ in range(2):
        with pytest.raises(RateLimitedError) as caught:
            connector.fetch(SEARCH, {})
        waits.append(caught.value.retry_after)
    assert waits == [12, 300]


def test_500_and_timeout_are_transient(fake_server, connector):
    fake_server.add("GET", "/search", Canned.json({}, 503), Canned(hang=True))
    for _ in range(2):
        with pytest.raises(TransientNetworkError):
            connector.fetch(SEARCH, {})


def test_malformed_listing_and_oversized_body_are_clear_errors(fake_server, connector):
    fake_server.reply_json("GET", "/search", {"kind": "Listing", "data": {"children": "nope"}})
    with pytest.raises(PermanentNetworkError, match="not a Listing"):
        connector.fetch(SEARCH, {})
    fake_server.reply_oversized("GET", "/r/brickworks/comments", declare_length=False)
    with pytest.raises(PayloadTooLargeError):
        connector.fetch(COMMENTS, {})


def test_reply_posts_a_comment_on_the_parent(fake_server, connector):
    fake_server.reply_file("POST", "/api/comment", FIXTURES / "comment_created.json")
    delivery = connector.reply("t1_kq9z02", REPLY_TEXT, idempotency_key="k-1")
    assert delivery.outcome == DeliveryOutcome.SENT and delivery.external_id == "t1_kqa001"
    assert delivery.url.endswith("/kqa001/")
    form = fake_server.last("POST", "/api/comment").form()
    assert form == {"api_type": "json", "thing_id": "t1_kq9z02", "text": REPLY_TEXT}


def test_reply_rate_limit_inside_a_200_is_rate_limited(fake_server, connector):
    fake_server.reply_file("POST", "/api/comment", FIXTURES / "comment_ratelimit.json")
    with pytest.raises(RateLimitedError) as caught:
        connector.reply("t1_kq9z02", REPLY_TEXT, idempotency_key="k-2")
    assert caught.value.retry_after == 540.5


def test_reply_refused_by_reddit_is_failed(fake_server, connector):
    fake_server.reply_file("POST", "/api/comment", FIXTURES / "comment_thread_locked.json")
    delivery = connector.reply("t1_kq9z02", REPLY_TEXT, idempotency_key="k-3")
    assert delivery.outcome == DeliveryOutcome.FAILED and "THREAD_LOCKED" in delivery.error


def test_timed_out_reply_is_unknown_then_found_in_the_account_history(fake_server, connector):
    fake_server.reply_hang("POST", "/api/comment")
    delivery = connector.reply("t1_kq9z02", REPLY_TEXT, idempotency_key="k-4")
    assert delivery.outcome == DeliveryOutcome.UNKNOWN
    fake_server.reply_file("GET", "/user/BrickworksTeam/comments", FIXTURES / "user_comments.json")
    found = connector.find_delivery("k-4")
    assert found is not None and found.external_id == "t1_kqa001"
    assert connector.find_delivery("k-5", text="never sent", parent_external_id="t3_x") is None


def test_delete_and_hide_use_their_endpoints(fake_server, connector):
    fake_server.reply_json("POST", "/api/del", {})
    fake_server.reply_json("POST", "/api/remove", {})
    connector.delete("t1_kqa001")
    connector.hide("t1_kq9z02")
    assert fake_server.last("POST", "/api/del").form() == {"id": "t1_kqa001"}
    assert fake_server.last("POST", "/api/remove").form() == {"id": "t1_kq9z02", "spam": "false"}
