"""A community manager's morning in the inbox, in a real Chromium: route, assign, reply with a
brand-voice check, note, close, reopen on a new message, and the collision warning."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from hearth.authz.roles import Role
from hearth.inbox.voice import VoiceGuide
from hearth.kit import jobs
from hearth.models import Conversation
from tests.factories import PASSWORD, add_member, make_user, make_workspace
from tests.inbox.inboxkit import deliver, item

pytestmark = pytest.mark.browser


@pytest.fixture
def inbox(factory):
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        ws = make_workspace(session, "Briquo", alice)
        ws.settings = {
            "demo": True,
            "voice": VoiceGuide.from_dict(
                {"tone": "friendly", "words_to_avoid": ["malheureusement"], "fr_address": "tu"}
            ).to_dict(),
        }
        add_member(session, ws, make_user(session, "bob@example.com"), Role.AGENT)
        session.commit()
        ws_id = ws.id
    deliver(factory, ws_id, item(1, "Bonjour, comment obtenir les pièces manquantes du set 4021 ?"))
    with factory() as session:
        return ws_id, session.scalar(select(Conversation.id))


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/w/briquo/inbox$"))


def test_route_assign_reply_note_close_and_reopen(
    page: Page, live_server: str, inbox, factory
) -> None:
    ws_id, conversation_id = inbox
    _log_in(page, live_server, "alice@example.com")
    row = page.locator("table.queue tbody tr").first
    expect(row).to_contain_text("pièces manquantes")  # routed by the default rules
    row.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/inbox/c/{conversation_id}$"))
    page.wait_for_load_state("load")  # htmx is deferred: typing before it loads triggers nothing

    page.locator("select[name=assignee]").select_option(label="Bob")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator("select[name=assignee]")).to_have_value(re.compile(".+"))

    box = page.locator("#reply-text")
    box.fill("Bonjour, malheureusement vous devez attendre")
    warnings = page.get_by_test_id("voice-warnings")
    expect(warnings).to_contain_text("malheureusement")
    expect(warnings).to_contain_text("vous")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("[role=alert]").first).to_be_visible()  # blocked: banned word
    page.locator("#reply-text").fill(
        "Salut ! Envoie-nous le numéro du set et on t'envoie les pièces 🙂"
    )
    expect(page.get_by_text("The draft follows the brand's voice.")).to_be_visible()
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".msg.out")).to_contain_text("on t'envoie les pièces")
    while jobs.run_one(factory, "browser") is not None:
        pass
    page.reload()
    expect(page.locator(".msg.out .tag.ok")).to_be_visible()  # delivered

    page.locator(".note-form textarea").fill("@bob on a encore du stock du 4021 ?")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".msg.note")).to_contain_text("stock du 4021")

    page.get_by_role("button", name="Close", exact=True).click()
    expect(page).to_have_url(re.compile(r"/w/briquo/inbox$"))
    deliver(factory, ws_id, item(2, "Merci mais toujours rien reçu…", parent="mastodon-1"))
    page.goto(f"{live_server}/w/briquo/inbox/c/{conversation_id}")
    expect(page.locator(".timeline")).to_contain_text("toujours rien reçu")
    expect(page.locator("header .tag")).to_have_text("open")


def test_collision_warning_between_two_teammates(
    page: Page, live_server: str, inbox, browser
) -> None:
    _, conversation_id = inbox
    url = f"{live_server}/w/briquo/inbox/c/{conversation_id}"
    _log_in(page, live_server, "alice@example.com")
    page.goto(url, wait_until="load")
    bob = browser.new_context(locale="en-GB").new_page()
    _log_in(bob, live_server, "bob@example.com")
    bob.goto(url, wait_until="load")
    bob.locator("#reply-text").fill("Salut ! On regarde ça tout de suite.")
    expect(page.get_by_test_id("presence")).to_contain_text("Bob", timeout=15_000)
    bob.get_by_role("button", name="Send reply").click()
    page.locator("#reply-text").fill("Salut ! Envoie-nous le numéro du set.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("button", name="Send anyway")).to_be_visible()
    page.get_by_role("button", name="Send anyway").click()
    expect(page.locator(".msg.out")).to_have_count(2)
    bob.context.close()
