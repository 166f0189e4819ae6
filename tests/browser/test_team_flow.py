"""The first day of a workspace owner, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, make_user, make_workspace

pytestmark = pytest.mark.browser


@pytest.fixture
def briquo(factory) -> None:
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        make_workspace(session, "Briquo", alice)
        session.commit()


def _log_in(page: Page, base: str, email: str = "alice@example.com") -> None:
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/w/briquo/inbox$"))


def test_invite_change_role_and_audit_in_two_languages(
    page: Page, live_server: str, briquo: None, tmp_path
) -> None:
    _log_in(page, live_server)
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()

    page.get_by_role("button", name="FR").click()
    expect(page.get_by_role("heading", name="Boîte de réception")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    page.get_by_role("link", name="Réglages").click()
    page.locator("form[action$='/invite'] input[name=email]").fill("bob@example.com")
    page.locator("form[action$='/invite'] select[name=role]").select_option("agent")
    page.get_by_role("button", name="Inviter", exact=True).click()
    link = page.get_by_test_id("invite-link").input_value()
    assert "/invite/" in link
    page.screenshot(path=str(tmp_path / "team-fr.png"))

    # Bob accepts in his own browser context (a different person, no shared cookies).
    bob = page.context.browser.new_context(locale="en-GB").new_page()
    bob.goto(link)
    bob.get_by_label("Your name").fill("Bob Builder")
    bob.get_by_label(re.compile("Choose a password")).fill("bobs own password")
    bob.get_by_role("button", name="Accept the invitation").click()
    expect(bob).to_have_url(re.compile(r"/w/briquo/inbox$"))
    bob.context.close()

    page.reload()
    row = page.locator("tr[data-email='bob@example.com']")
    expect(row).to_contain_text("Bob Builder")
    row.locator("select[name=role]").select_option("moderator")
    row.get_by_role("button", name="Changer le rôle").click()
    expect(page.locator("tr[data-email='bob@example.com'] select[name=role]")).to_have_value(
        "moderator")

    page.get_by_role("link", name="Journal d'audit").click()
    table = page.locator("table.audit")
    expect(table).to_contain_text("workspace.invitation.created")
    expect(table).to_contain_text("workspace.member.role_changed")
    page.get_by_label("Action").fill("workspace.member")
    page.get_by_role("button", name="Filtrer").click()
    expect(table).to_contain_text("workspace.member.role_changed")
    expect(table).not_to_contain_text("workspace.invitation.created")
    page.screenshot(path=str(tmp_path / "audit-fr.png"), full_page=True)


def test_keyboard_shortcut_moves_between_areas(page: Page, live_server: str, briquo: None) -> None:
    _log_in(page, live_server)
    page.wait_for_load_state("load")  # hearth.js is deferred: keys before it loads do nothing
    page.keyboard.press("g")
    page.keyboard.press("l")
    expect(page).to_have_url(re.compile(r"/w/briquo/listening$"))


def test_no_console_errors_or_csp_violations(page: Page, live_server: str, briquo: None) -> None:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    _log_in(page, live_server)
    page.goto(f"{live_server}/w/briquo/settings/team")
    page.goto(f"{live_server}/api/docs")
    expect(page.locator(".swagger-ui")).to_be_visible()
    assert problems == []
