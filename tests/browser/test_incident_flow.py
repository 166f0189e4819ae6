"""A crisis in a real Chromium: the banner, the incident room, a holding statement approved and
posted, strict moderation, and the closing with its post-mortem downloaded."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from hearth.kit import jobs
from hearth.kit.time import utcnow
from hearth.models import Job
from tests.crisis.alerting import raise_alert
from tests.factories import PASSWORD, make_user, make_workspace

pytestmark = pytest.mark.browser


@pytest.fixture
def pizzeria(factory):
    with factory.begin() as session:
        owner = make_user(session, "camille@example.com")
        ws = make_workspace(session, "Pizzadoro", owner)
        ws.settings = {"demo": True, "crisis_contact": "presse@pizzadoro.example"}
        ws_id = ws.id
    raise_alert(factory, ws_id)
    return ws_id


def _run_jobs(factory) -> None:
    with factory.begin() as session:
        session.execute(update(Job).where(Job.state == "queued").values(run_at=utcnow()))
    while jobs.run_one(factory, "test") is not None:
        pass


def test_alert_to_post_mortem(page: Page, live_server: str, pizzeria, factory) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill("camille@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))

    # The alert is on every page; the crisis page opens the room from it.
    page.goto(f"{live_server}/w/pizzadoro/listening")
    expect(page.locator(".crisis-banner")).to_contain_text("negative mentions")
    page.goto(f"{live_server}/w/pizzadoro/crisis")
    page.get_by_role("button", name="Open the incident room").click()
    expect(page).to_have_url(re.compile(r"/crisis/incidents/[0-9a-f-]+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("INC-1")
    expect(page.locator(".incident-timeline")).to_contain_text("First signal")
    expect(page.locator(".incident-timeline")).to_contain_text("Peak: 200 mentions")
    room = page.url
    page.goto(f"{live_server}/w/pizzadoro/listening")
    page.locator(".crisis-banner").get_by_role("link", name="Go to the incident room").click()
    expect(page).to_have_url(room)

    # A holding statement in English, approved and posted to the (simulated) network.
    page.locator("select[name=template]").select_option(label="We have seen it, we are checking")
    page.locator("select[name=language]").select_option("en")
    page.get_by_role("button", name="Draft a statement").click()
    statement = page.get_by_test_id("statement").first
    text = statement.get_by_label("Statement text")
    expect(text).to_contain_text("We have seen the posts about")
    text.fill(text.input_value() + " Thank you for your patience.")
    statement.get_by_role("button", name="Approve").click()
    statement = page.get_by_test_id("statement").first
    expect(statement).to_contain_text("approved")
    expect(statement.locator(".statement-text")).to_contain_text("Thank you for your patience.")
    statement.get_by_label("Demo network (simulated)").check()
    statement.get_by_role("button", name="Post").click()
    _run_jobs(factory)
    page.reload()
    expect(page.get_by_test_id("statement").first.locator(".posts")).to_contain_text("posted")
    expect(page.locator(".incident-timeline")).to_contain_text(
        "Statement posted on Demo network (simulated)")

    # Stricter moderation for the duration, a task, then the closing.
    page.get_by_role("button", name="Switch to strict moderation").click()
    expect(page.get_by_test_id("moderation-mode")).to_have_text("strict")
    page.get_by_label("New task").fill("Brief the restaurant managers")
    page.get_by_role("button", name="Add task").click()
    expect(page.get_by_test_id("task")).to_contain_text("Brief the restaurant managers")
    page.get_by_role("button", name="Close the incident").click()
    expect(page.locator("p.error")).to_contain_text("write what happened")
    page.get_by_label("What happened (required)").fill(
        "A video from 2024 resurfaced; the restaurant had closed; apology posted in 40 minutes."
    )
    page.get_by_role("button", name="Close the incident").click()
    expect(page.get_by_test_id("moderation-mode")).to_have_text("standard")  # restored
    expect(page.locator(".incident-timeline")).to_contain_text("Incident closed")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download (PDF)").click()
    assert pdf.value.suggested_filename == "INC-1-post-mortem.pdf"
    with open(pdf.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    expect(page.locator(".crisis-banner")).to_have_count(0)  # the alert was resolved
