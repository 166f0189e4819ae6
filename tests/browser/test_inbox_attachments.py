"""An agent answers with a picture, in a real Chromium: chooses the file, describes it, sends, and
sees it in the timeline, served by Hearth with its description as alt text."""

from __future__ import annotations

import re
import struct
import zlib

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from hearth.kit import jobs
from hearth.models import Conversation
from tests.factories import PASSWORD, make_user, make_workspace
from tests.inbox.inboxkit import deliver, item

pytestmark = pytest.mark.browser


def _png(width: int = 4, height: int = 3) -> bytes:
    """A real (red) PNG, so the browser can draw the thumbnail."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\xc0\x20\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))  # fmt: skip


@pytest.fixture
def inbox(factory):
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        ws = make_workspace(session, "Briquo", alice)
        ws.settings = {"demo": True}  # simulated Mastodon: replies and files are accepted
        session.commit()
        ws_id = ws.id
    deliver(factory, ws_id, item(1, "Bonjour, à quoi ressemble la pièce 3001 ?"))
    with factory() as session:
        return session.scalar(select(Conversation.id))


def test_reply_with_a_described_image(page: Page, live_server: str, inbox, factory) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill("alice@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/w/briquo/inbox$"))
    page.goto(f"{live_server}/w/briquo/inbox/c/{inbox}", wait_until="load")

    expect(page.get_by_test_id("attachments")).to_contain_text("Up to 4 files")
    page.get_by_test_id("attachments").locator("summary").click()  # folded by default
    page.locator("#reply-text").fill("Voici la pièce 3001 🙂")
    page.get_by_label("Image 1", exact=True).set_input_files(
        files=[{"name": "brique 3001.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_label("Description of image 1", exact=False).fill("A red 2x4 brick")
    page.get_by_role("button", name="Send reply").click()

    sent = page.locator(".msg.out")
    expect(sent).to_contain_text("Voici la pièce 3001")
    expect(sent).to_contain_text("brique 3001.png")
    thumbnail = sent.get_by_role("img", name="A red 2x4 brick")
    expect(thumbnail).to_be_visible()
    expect(thumbnail).to_have_js_property("naturalWidth", 4)  # served and decoded as a PNG
    while jobs.run_one(factory, "browser") is not None:
        pass
    page.reload()
    expect(page.locator(".msg.out .tag.ok")).to_be_visible()  # delivered with its file
