"""Discourse connector against a fake forum replaying documented payloads, plus signed webhooks."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest
from tests.ingest.fakes import Canned

from hearth.ingest.connectors import discourse
from hearth.ingest.connectors.base import (
    AuthExpiredError,
    DeliveryOutcome,
    FetchRequest,
    RateLimitedError,
    TransientNetworkError,
)
from hearth.ingest.connectors.discourse import (
    DiscourseConnector,
    DiscourseCredentials,
    WebhookSignatureError,
    parse_webhook,
)
from hearth.ingest.connectors.http import MalformedPayloadError, PayloadTooLargeError
from hearth.ingest.connectors.registry import get_connector_class
from hearth.kit.errors import ValidationFailedError

FIXTURES = Path(discourse.__file__).parent / "fixtures"
SECRET = "whsec-brick"
FORUM = "https://forum.brickworks.example"
REPLY_TEXT = "Sorry! We are sending the two pieces today."


@pytest.fixture
def connector(fake_server, http_client):
    credentials = DiscourseCredentials(
        base_url=fake_server.base_url,
        api_key="key-1",
        api_username="brickworks",
        webhook_secret=SECRET,
    )
    return DiscourseConnector(credentials, http=http_client)


@pytest.fixture
def no_latest(fake_server):
    fake_server.reply_json("GET", "/posts.json", {"latest_posts": []})


def signed(body: bytes, event: str, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {
        "X-Discourse-Event": event,
        "X-Discourse-Event-Type": event.split("_")[0],
        "X-Discourse-Event-Id": "77",
        "X-Discourse-Instance": FORUM,
        "X-Discourse-Event-Signature": f"sha256={digest}",
    }


def test_registry_finds_discourse():
    assert get_connector_class("discourse") is DiscourseConnector


def test_test_connection_says_whether_hiding_will_work(fake_server, connector):
    fake_server.reply_file("GET", "/u/brickworks.json", FIXTURES / "user.json")
    check = connector.test_connection()
    assert check.ok and "can hide posts" in check.message
    sent = fake_server.last("GET", "/u/brickworks.json")
    assert sent.headers["api-key"] == "key-1" and sent.headers["api-username"] == "brickworks"


def test_latest_posts_become_plain_text_and_the_bad_one_is_rejected(fake_server, connector):
    fake_server.reply_file("GET", "/posts.json", FIXTURES / "latest_posts.json")
    result = connector.fetch(FetchRequest(), {})
    reply, topic = result.items
    assert reply.text == (
        "Still missing two pieces from the castle set.\n\n"
        "Please DM us\n\n"
        "Nobody answered my DM <sigh>."
    )
    assert reply.external_id == "731/4" and reply.parent_external_id == "731/3"
    assert reply.url.endswith("/t/missing-pieces-castle/731/4") and reply.raw["post_id"] == 9203
    assert topic.kind == "post" and topic.title == "Lighthouse expansion idea"
    assert topic.metrics["likes"] == 9
    assert len(result.rejected) == 1 and "topic_id" in result.rejected[0].reason
    assert result.cursor["latest"] == {"seen": 9203}


def test_search_results_use_the_blurb_and_topic_title(fake_server, connector, no_latest):
    fake_server.reply_file("GET", "/search.json", FIXTURES / "search.json")
    result = connector.fetch(FetchRequest(terms=["brickworks"]), {})
    first, second = result.items
    assert first.text.startswith("The brickworks lighthouse") and first.text.endswith("…")
    assert first.kind == "reply" and first.parent_external_id == "700/1"
    assert second.title == "Castle restock?" and second.url.endswith("/t/castle-restock/690/1")
    assert fake_server.last("GET", "/search.json").param("q") == "brickworks order:latest"


def test_second_fetch_asks_only_for_newer_items(fake_server, connector):
    fake_server.reply_file("GET", "/search.json", FIXTURES / "search.json")
    fake_server.reply_file("GET", "/posts.json", FIXTURES / "latest_posts.json")
    request = FetchRequest(terms=["brickworks"])
    first = connector.fetch(request, {})
    second = connector.fetch(request, first.cursor)
    assert (
        fake_server.last("GET", "/search.json").param("q")
        == "brickworks order:latest after:2026-02-27"
    )
    assert second.items == []  # everything returned again is older than what we hold


def test_latest_pages_back_until_it_reaches_the_last_seen_post(fake_server, connector):
    fake_server.add(
        "GET",
        "/posts.json",
        Canned.json(
            {
                "latest_posts": [
                    {
                        "id": 50,
                        "topic_id": 1,
                        "post_number": 3,
                        "username": "a",
                        "created_at": "2026-03-01T10:00:00Z",
                        "cooked": "c",
                    }
                ]
            }
        ),
        Canned.json(
            {
                "latest_posts": [
                    {
                        "id": 40,
                        "topic_id": 1,
                        "post_number": 2,
                        "username": "a",
                        "created_at": "2026-03-01T09:00:00Z",
                        "cooked": "b",
                    }
                ]
            }
        ),
    )
    result = connector.fetch(FetchRequest(), {"latest": {"seen": 40}})
    assert [m.external_id for m in result.items] == ["1/3"]
    assert [r.param("before") for r in fake_server.requests_to("GET", "/posts.json")] == [
        None,
        "50",
    ]
    assert result.cursor["latest"] == {"seen": 50}


def test_revoked_api_key_is_auth_expired(fake_server, connector):
    fake_server.reply_file("GET", "/posts.json", FIXTURES / "invalid_access.json", status=403)
    with pytest.raises(AuthExpiredError, match="API username or key is invalid"):
        connector.fetch(FetchRequest(), {})
    assert connector.refresh_credentials() is None  # API keys have no refresh


def test_429_honours_retry_after(fake_server, connector):
    fake_server.add(
        "GET",
        "/posts.json",
        Canned.file(FIXTURES / "rate_limited.json", 429, {"Retry-After": "14"}),
    )
    with pytest.raises(RateLimitedError) as caught:
        connector.fetch(FetchRequest(), {})
    assert caught.value.retry_after == 14


def test_500_and_timeout_are_transient(fake_server, connector):
    fake_server.add("GET", "/posts.json", Canned.json({}, 500), Canned(hang=True))
    for _ in range(2):
        with pytest.raises(TransientNetworkError):
            connector.fetch(FetchRequest(), {})


def test_malformed_and_oversized_answers_are_clear_errors(fake_server, connector):
    fake_server.add("GET", "/posts.json", Canned.json({"latest_posts": {"oops": 1}}))
    with pytest.raises(MalformedPayloadError, match="no latest_posts list"):
        connector.fetch(FetchRequest(), {})
    fake_server.reply_oversized("GET", "/search.json")
    with pytest.raises(PayloadTooLargeError):
        connector.fetch(FetchRequest(terms=["x"]), {})


def test_reply_posts_into_the_topic_under_the_parent(fake_server, connector):
    fake_server.reply_file("POST", "/posts.json", FIXTURES / "post_created.json")
    delivery = connector.reply("731/4", REPLY_TEXT, idempotency_key="k-1")
    assert delivery.outcome == DeliveryOutcome.SENT and delivery.external_id == "731/5"
    assert fake_server.last("POST", "/posts.json").json() == {
        "raw": REPLY_TEXT,
        "topic_id": 731,
        "reply_to_post_number": 4,
    }


def test_refused_reply_is_failed_with_discourse_words(fake_server, connector):
    fake_server.reply_file("POST", "/posts.json", FIXTURES / "too_similar.json", status=422)
    delivery = connector.reply("731/4", REPLY_TEXT, idempotency_key="k-2")
    assert delivery.outcome == DeliveryOutcome.FAILED and "too similar" in delivery.error


def test_timed_out_reply_is_unknown_then_found_among_latest_posts(fake_server, connector):
    fake_server.reply_hang("POST", "/posts.json")
    assert (
        connector.reply("731/4", REPLY_TEXT, idempotency_key="k-3").outcome
        == DeliveryOutcome.UNKNOWN
    )
    created = (FIXTURES / "post_created.json").read_text()
    fake_server.add(
        "GET", "/posts.json", Canned(body=b'{"latest_posts": [' + created.encode() + b"]}")
    )
    found = connector.find_delivery("k-3")
    assert found is not None and found.external_id == "731/5"
    assert connector.find_delivery("k-4", text="never sent", parent_external_id="731/4") is None


def test_hide_flags_with_take_action(fake_server, connector):
    fake_server.reply_file("GET", "/posts/by_number/731/4.json", FIXTURES / "post_by_number.json")
    fake_server.reply_file("POST", "/post_actions.json", FIXTURES / "post_action_hidden.json")
    connector.hide("731/4")
    assert fake_server.last("POST", "/post_actions.json").json() == {
        "id": 9203,
        "post_action_type_id": 4,
        "flag_topic": False,
        "take_action": True,
    }


def test_delete_resolves_the_post_id(fake_server, connector):
    fake_server.reply_file("GET", "/posts/by_number/731/4.json", FIXTURES / "post_by_number.json")
    fake_server.reply_json("DELETE", "/posts/9203.json", {})
    connector.delete("731/4")
    assert fake_server.requests_to("DELETE", "/posts/9203.json")


def test_bad_post_address_is_refused_before_any_request(fake_server, connector):
    with pytest.raises(ValidationFailedError):
        connector.hide("../admin")
    assert fake_server.requests == []


def test_signed_post_created_webhook_becomes_a_mention(connector):
    body = (FIXTURES / "webhook_post_created.json").read_bytes()
    mention = connector.parse_webhook(signed(body, "post_created"), body)
    assert mention.text == "Got my replacement pieces, thank you @brickworks!"
    assert mention.external_id == "731/6" and mention.parent_external_id == "731/5"


def test_webhook_with_a_wrong_signature_is_refused():
    body = (FIXTURES / "webhook_post_created.json").read_bytes()
    with pytest.raises(WebhookSignatureError):
        parse_webhook(
            signed(body, "post_created", secret="other"), body, secret=SECRET, base_url=FORUM
        )
    headers = signed(body, "post_created")
    with pytest.raises(WebhookSignatureError):
        parse_webhook(
            headers, body.replace(b"thank you", b"shame on"), secret=SECRET, base_url=FORUM
        )


@pytest.mark.parametrize(
    ("fixture", "event"),
    [("webhook_topic_created.json", "topic_created"), ("webhook_ping.json", "ping")],
)
def test_webhooks_without_a_post_are_ignored(fixture, event):
    body = (FIXTURES / fixture).read_bytes()
    assert parse_webhook(signed(body, event), body, secret=SECRET, base_url=FORUM) is None


def test_signed_but_malformed_webhook_is_a_clear_error():
    body = b'{"post": "not an object"}'
    with pytest.raises(MalformedPayloadError, match="without a post"):
        parse_webhook(signed(body, "post_created"), body, secret=SECRET, base_url=FORUM)


def test_a_backlog_longer_than_one_run_is_finished_next_run(fake_server, connector, monkeypatch):
    monkeypatch.setattr(discourse.connector, "MAX_LATEST_PAGES", 1)

    def page(ids):
        posts = [
            {
                "id": i,
                "topic_id": 1,
                "post_number": i,
                "username": "a",
                "cooked": str(i),
                "created_at": "2026-03-01T10:00:00Z",
            }
            for i in ids
        ]
        return Canned.json({"latest_posts": posts})

    fake_server.add("GET", "/posts.json", page([60, 59]), page([58, 57]), page([61, 60]))
    first = connector.fetch(FetchRequest(), {"latest": {"seen": 57}})
    assert first.has_more and first.cursor["latest"] == {"seen": 57, "before": 59, "newest": 60}
    second = connector.fetch(FetchRequest(), first.cursor)
    assert [m.text for m in second.items] == ["58"]
    assert second.cursor["latest"] == {"seen": 60} and not second.has_more
    third = connector.fetch(FetchRequest(), second.cursor)
    assert [m.text for m in third.items] == ["61"]


def test_sources_limit_posts_to_chosen_categories(fake_server, connector):
    fake_server.reply_file("GET", "/search.json", FIXTURES / "search.json")
    fake_server.reply_file("GET", "/posts.json", FIXTURES / "latest_posts.json")
    result = connector.fetch(FetchRequest(terms=["brickworks"], sources=["5"]), {})
    assert sorted(m.external_id for m in result.items) == ["690/1", "700/2", "731/4"]


def test_oversized_webhook_is_refused_before_parsing():
    body = b'{"post": "' + b"x" * 1_100_000 + b'"}'
    with pytest.raises(PayloadTooLargeError):
        parse_webhook(signed(body, "post_created"), body, secret=SECRET, base_url=FORUM)
