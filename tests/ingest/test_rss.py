"""RSS/Atom connector against a fake feed server on 127.0.0.1, one test per payload shape."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from tests.ingest.fakes.server import Canned, FakeServer, Recorded

from hearth.ingest.connectors.base import (
    AuthExpiredError,
    FetchRequest,
    PermanentNetworkError,
    RateLimitedError,
    TransientNetworkError,
)
from hearth.ingest.connectors.registry import get_connector_class
from hearth.ingest.connectors.rss import RssConnector, RssSettings
from hearth.ingest.connectors.rss.parse import FeedParseError, parse_feed

FIXTURES = Path(__file__).parents[2] / "src/hearth/ingest/connectors/rss/fixtures"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def feed_answer(name: str, **headers: str) -> Canned:
    body = (FIXTURES / name).read_bytes()
    return Canned(body=body, headers={"Content-Type": "application/rss+xml", **headers})


def make(http: httpx.Client, feeds: list[str] | None = None) -> RssConnector:
    return RssConnector(RssSettings(feeds=feeds or []), http=http, clock=lambda: NOW)


def fetch(connector: RssConnector, urls: list[str], cursor: dict | None = None):
    return connector.fetch(FetchRequest(sources=urls), cursor or {})


# --- payload shapes ---------------------------------------------------------------------------


def test_rss2_items_become_articles_with_plain_text(fake_server: FakeServer, http_client):
    fake_server.add("GET", "/feed.xml", feed_answer("rss2.xml"))
    result = fetch(make(http_client), [fake_server.url("/feed.xml")])
    first = result.items[0]
    assert (first.platform, first.kind) == ("rss", "article")
    assert first.external_id == "https://toytrade.example/2026/11/brickwise-lighthouse"
    assert first.text == (
        "The Brickwise lighthouse has a working lamp & a spiral stair.\n\n"
        "Fans asked for it for years."
    )
    assert first.author.display_name == "Ada Moreno"
    assert first.created_at == datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
    assert first.lang_hint == "en-gb"


def test_rss2_guid_that_is_not_a_uri_is_scoped_to_its_feed(fake_server, http_client):
    fake_server.add("GET", "/feed.xml", feed_answer("rss2.xml"))
    url = fake_server.url("/feed.xml")
    result = fetch(make(http_client), [url])
    assert result.items[1].external_id == f"{url}#post-8812"
    assert result.items[1].text == "Several shops say parcels arrive weeks late."


def test_rss2_latin1_feed_deduplicates_by_link(fake_server, http_client):
    fake_server.add("GET", "/fr.xml", feed_answer("rss2_link_only.xml"))
    result = fetch(make(http_client), [fake_server.url("/fr.xml")])
    texts = [item.text for item in result.items]
    assert texts == ["Une pâte légère, des garnitures généreuses.", "Un billet sans date."]
    assert result.items[0].title == "Forno Rosso : notre avis sur la nouvelle carte"


def test_entry_without_date_is_dated_at_fetch_time(fake_server, http_client):
    fake_server.add("GET", "/fr.xml", feed_answer("rss2_link_only.xml"))
    result = fetch(make(http_client), [fake_server.url("/fr.xml")])
    assert result.items[-1].created_at == NOW


def test_atom_html_xhtml_and_summary_content(fake_server, http_client):
    fake_server.add("GET", "/atom.xml", feed_answer("atom.xml"))
    items = fetch(make(http_client), [fake_server.url("/atom.xml")]).items
    assert [i.text for i in items] == [
        "Instructions are clear, but two pieces were missing.",
        "A whole harbour in Brickwise bricks.",
        "Un court résumé en texte brut.",
    ]
    assert items[0].title == "Review: Brickwise Lighthouse"
    assert items[0].url == "https://bricks.example/reviews/lighthouse"
    assert items[1].author.display_name == "Brick Builders Review"  # feed-level author
    assert [i.lang_hint for i in items] == ["en", "en", "fr"]


def test_rdf_rss1_items_are_read(fake_server, http_client):
    fake_server.add("GET", "/rdf", feed_answer("rdf.xml"))
    (item,) = fetch(make(http_client), [fake_server.url("/rdf")]).items
    assert item.external_id == "https://reviews.example/r/991"
    assert item.author.display_name == "J. Okafor"
    assert item.created_at == datetime(2026, 11, 22, 19, 45, tzinfo=UTC)


# --- safety -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["billion_laughs.xml", "xxe.xml"])
def test_entity_tricks_are_refused_not_expanded(name: str):
    with pytest.raises(FeedParseError, match="unsafe XML"):
        parse_feed((FIXTURES / name).read_bytes(), feed_url="https://x.example/feed")


def test_html_page_is_reported_as_not_a_feed():
    with pytest.raises(FeedParseError, match=r"not a feed \(root element <html>\)"):
        parse_feed((FIXTURES / "not_a_feed.html").read_bytes(), feed_url="https://x.example/")


# --- conditional GET and cursor -----------------------------------------------------------------


def conditional(request: Recorded) -> Canned:
    if request.headers.get("if-none-match") == '"v1"':
        return Canned(status=304)
    return feed_answer(
        "rss2.xml", ETag='"v1"', **{"Last-Modified": "Tue, 24 Nov 2026 10:00:00 GMT"}
    )


def test_second_fetch_sends_validators_and_304_yields_nothing(fake_server, http_client):
    fake_server.handle("GET", "/feed.xml", conditional)
    connector, url = make(http_client), fake_server.url("/feed.xml")
    first = fetch(connector, [url])
    second = fetch(connector, [url], first.cursor)
    assert len(first.items) == 2 and second.items == []
    sent = fake_server.last("GET", "/feed.xml").headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Tue, 24 Nov 2026 10:00:00 GMT"
    assert second.cursor["feeds"][url]["etag"] == '"v1"'


def test_unchanged_entries_are_not_emitted_twice_without_validators(fake_server, http_client):
    fake_server.add("GET", "/feed.xml", feed_answer("rss2.xml"))
    connector, url = make(http_client), fake_server.url("/feed.xml")
    first = fetch(connector, [url])
    assert fetch(connector, [url], first.cursor).items == []


def test_since_skips_older_entries(fake_server, http_client):
    fake_server.add("GET", "/feed.xml", feed_answer("rss2.xml"))
    since = datetime(2026, 11, 24, tzinfo=UTC)
    result = make(http_client).fetch(
        FetchRequest(sources=[fake_server.url("/feed.xml")], since=since), {}
    )
    assert [i.title for i in result.items] == ["Brickwise unveils a 4,000-piece lighthouse set"]


# --- faults -------------------------------------------------------------------------------------


def test_broken_feed_is_reported_and_other_feeds_still_read(fake_server, http_client):
    fake_server.add("GET", "/broken.xml", feed_answer("broken.xml"))
    fake_server.add("GET", "/good.xml", feed_answer("atom.xml"))
    broken, good = fake_server.url("/broken.xml"), fake_server.url("/good.xml")
    result = fetch(make(http_client), [broken, good])
    assert len(result.items) == 3
    (rejected,) = result.rejected
    assert (
        rejected.reason.startswith(f"feed {broken}: ") and "not well-formed XML" in rejected.reason
    )
    state = result.cursor["feeds"][broken]
    assert state["failures"] == 1 and "not well-formed" in state["last_error"]
    assert state["not_before"] == "2026-11-25T12:01:00+00:00"


def test_failing_feed_waits_for_its_backoff(fake_server, http_client):
    fake_server.add("GET", "/broken.xml", feed_answer("broken.xml"))
    fake_server.add("GET", "/good.xml", feed_answer("atom.xml"))
    urls = [fake_server.url("/broken.xml"), fake_server.url("/good.xml")]
    connector = make(http_client)
    first = fetch(connector, urls)
    fetch(connector, urls, first.cursor)
    assert len(fake_server.requests_to("GET", "/broken.xml")) == 1
    assert len(fake_server.requests_to("GET", "/good.xml")) == 2


def test_single_broken_feed_raises_typed_error(fake_server, http_client):
    fake_server.add("GET", "/broken.xml", feed_answer("broken.xml"))
    with pytest.raises(FeedParseError, match="not well-formed"):
        fetch(make(http_client), [fake_server.url("/broken.xml")])


def test_rate_limited_feed_raises_with_retry_after(fake_server, http_client):
    fake_server.reply_rate_limited("GET", "/feed.xml", retry_after="120")
    with pytest.raises(RateLimitedError) as caught:
        fetch(make(http_client), [fake_server.url("/feed.xml")])
    assert caught.value.retry_after == 120


def test_rate_limited_feed_backs_off_by_retry_after_when_others_work(fake_server, http_client):
    fake_server.reply_rate_limited("GET", "/slow.xml", retry_after="120")
    fake_server.add("GET", "/good.xml", feed_answer("rdf.xml"))
    slow = fake_server.url("/slow.xml")
    result = fetch(make(http_client), [slow, fake_server.url("/good.xml")])
    assert result.cursor["feeds"][slow]["not_before"] == "2026-11-25T12:02:00+00:00"


def test_server_error_is_transient(fake_server, http_client):
    fake_server.reply_server_error("GET", "/feed.xml")
    with pytest.raises(TransientNetworkError):
        fetch(make(http_client), [fake_server.url("/feed.xml")])


def test_timeout_is_transient(fake_server, http_client):
    fake_server.reply_hang("GET", "/feed.xml")
    with pytest.raises(TransientNetworkError, match="timed out"):
        fetch(make(http_client), [fake_server.url("/feed.xml")])


def test_oversized_feed_is_refused(fake_server, http_client):
    fake_server.reply_oversized("GET", "/feed.xml", size=6_000_000, declare_length=False)
    with pytest.raises(PermanentNetworkError, match="exceeds"):
        fetch(make(http_client), [fake_server.url("/feed.xml")])


def test_not_an_http_url_is_a_clear_error(http_client):
    with pytest.raises(PermanentNetworkError, match="not an http"):
        fetch(make(http_client), ["file:///etc/passwd"])


# --- settings and registry ----------------------------------------------------------------------


def test_settings_refuse_non_http_feed_urls():
    with pytest.raises(ValueError, match="not an http"):
        RssSettings(feeds=["ftp://example.org/feed"])


def test_test_connection_names_the_broken_feed(fake_server, http_client):
    fake_server.add("GET", "/good.xml", feed_answer("atom.xml"))
    fake_server.add("GET", "/broken.xml", feed_answer("broken.xml"))
    good, broken = fake_server.url("/good.xml"), fake_server.url("/broken.xml")
    check = make(http_client, [good, broken]).test_connection()
    assert not check.ok and broken in check.message


def test_test_connection_counts_entries(fake_server, http_client):
    fake_server.add("GET", "/good.xml", feed_answer("atom.xml"))
    check = make(http_client, [fake_server.url("/good.xml")]).test_connection()
    assert check.ok and "3 entries" in check.message


def test_registered_as_rss():
    assert get_connector_class("rss") is RssConnector


def test_unavailable_feed_waits_as_long_as_it_asks(fake_server, http_client):
    fake_server.add("GET", "/busy.xml", Canned(status=503, headers={"Retry-After": "900"}))
    fake_server.add("GET", "/good.xml", feed_answer("rdf.xml"))
    busy = fake_server.url("/busy.xml")
    result = fetch(make(http_client), [busy, fake_server.url("/good.xml")])
    assert result.cursor["feeds"][busy]["not_before"] == "2026-11-25T12:15:00+00:00"


def test_private_feed_gets_basic_auth_and_refusal_asks_for_credentials(fake_server, http_client):
    fake_server.reply_expired_token("GET", "/private.xml", payload={"error": "bad password"})
    settings = RssSettings(username="brand", password="wrong")
    connector = RssConnector(settings, http=http_client, clock=lambda: NOW)
    with pytest.raises(AuthExpiredError):
        fetch(connector, [fake_server.url("/private.xml")])
    sent = fake_server.last("GET", "/private.xml").headers
    assert sent["authorization"] == "Basic YnJhbmQ6d3Jvbmc="


def test_unknown_xml_encoding_is_a_broken_feed():
    body = b'<?xml version="1.0" encoding="OTF-8"?><rss version="2.0"><channel/></rss>'
    with pytest.raises(FeedParseError, match="unreadable XML"):
        parse_feed(body, feed_url="https://x.example/feed")
