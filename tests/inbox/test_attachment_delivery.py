"""Replies with files, delivered through fake networks on 127.0.0.1 that take the real payload
shapes: Mastodon's multipart media upload, Bluesky's raw blob upload, a MIME mail over SMTP.
The files go up first; a refused upload fails the reply before anything is posted and keeps the
draft and its files for "Send again"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import BaseModel
from sqlalchemy import func, select, update
from tests.factories import make_user, make_workspace
from tests.inbox.inboxkit import deliver, item
from tests.ingest.fakes.imap_server import PASSWORD as IMAP_PASSWORD
from tests.ingest.fakes.imap_server import USER as IMAP_USER
from tests.ingest.fakes.imap_server import FakeImapServer
from tests.ingest.fakes.media import BlueskyBlobs, MastodonMedia
from tests.ingest.fakes.server import Canned, FakeServer
from tests.ingest.fakes.smtp_server import PASSWORD as SMTP_PASSWORD
from tests.ingest.fakes.smtp_server import FakeSmtpServer

from hearth.auth.actions import user_actor
from hearth.inbox import actions
from hearth.inbox.attachments import Upload, check_attachments
from hearth.ingest import tasks as ingest_tasks
from hearth.ingest.actions import ChannelDraft, ListeningSettings, do_create_channel
from hearth.ingest.connectors import bluesky, email, mastodon
from hearth.ingest.connectors.bluesky.connector import BlueskyCredentials
from hearth.ingest.connectors.email import EmailSettings
from hearth.ingest.connectors.mastodon.connector import MastodonConnector, MastodonCredentials
from hearth.kit import jobs
from hearth.kit.crypto import SecretBox
from hearth.kit.time import utcnow
from hearth.models import Attachment, Conversation, Job, OutboundReply, User

MASTODON = Path(mastodon.__file__).parent / "fixtures"
BLUESKY = Path(bluesky.__file__).parent / "fixtures"
EMAIL = Path(email.__file__).parent / "fixtures"
TOOT = "112000000000000500"
SKEET = "at://did:plc:marta3xq5lq2p7w/app.bsky.feed.post/3lbq4aaaaaa2a"
MAIL = "CAF3x9q-order4471@mail.example"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
JPEG = b"\xff\xd8\xff\xe0" + b"\r\n\x00\xff" * 300
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"1 0 obj\n<<>>\nendobj\n" * 20


@pytest.fixture
def network(settings) -> Iterator[FakeServer]:
    with FakeServer() as server, httpx.Client(timeout=2.0) as client:
        ingest_tasks.configure(settings, http=client)
        yield server
    ingest_tasks.configure(settings)


def _open_conversation(factory, settings, platform: str, credentials: BaseModel, parent) -> str:
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        ws = make_workspace(session, "Briquo", alice)
        draft = ChannelDraft(ws.id, platform, "Briquo", credentials, ListeningSettings())
        box = SecretBox(settings.resolved_secret_key)
        do_create_channel(session, draft, box=box, actor=user_actor(alice))
        session.commit()
        ws_id = ws.id
    deliver(factory, ws_id, parent)
    with factory() as session:
        return session.scalar(select(Conversation.id))


def _reply(factory, conversation_id: str, text: str, *uploads: Upload, key: str = "k-1") -> None:
    with factory() as session:
        conversation = session.get(Conversation, conversation_id)
        checked = check_attachments(conversation.platform, list(uploads))
        actions.do_reply(
            session,
            conversation,
            text=text,
            idempotency_key=key,
            actor=user_actor(session.scalar(select(User))),
            attachments=checked,
        )
        session.commit()


def _run_due_jobs(factory) -> None:
    with factory() as session:
        session.execute(update(Job).where(Job.state == "queued").values(run_at=utcnow()))
        session.commit()
    while jobs.run_one(factory, "test") is not None:
        pass


def _reply_row(factory) -> OutboundReply:
    with factory() as session:
        reply = session.scalar(select(OutboundReply))
        session.expunge(reply)
        return reply


# --- Mastodon -------------------------------------------------------------------------------------


@pytest.fixture
def toot(factory, settings, network) -> str:
    network.reply_file("GET", f"/api/v1/statuses/{TOOT}", MASTODON / "status_created.json")
    network.reply_file("POST", "/api/v1/statuses", MASTODON / "status_created.json")
    credentials = MastodonCredentials(instance_url=network.base_url, access_token="tok-1")
    question = item(TOOT, "Bonjour, comment obtenir les pièces manquantes du set 4021 ?")
    return _open_conversation(
        factory,
        settings,
        "mastodon",
        credentials,
        question.model_copy(update={"external_id": TOOT}),
    )


def test_mastodon_gets_the_images_then_a_status_with_their_ids(toot, network, factory) -> None:
    media = MastodonMedia(network)
    _reply(
        factory,
        toot,
        "@marta Voici la pièce 🙂",
        Upload("brick.png", PNG, "A red 2x4 brick"),
        Upload("box.jpg", JPEG),
    )
    _run_due_jobs(factory)
    assert [(u.filename, u.content_type, u.data) for u in media.uploads] == [
        ("brick.png", "image/png", PNG),
        ("box.jpg", "image/jpeg", JPEG),
    ]
    assert [u.description for u in media.uploads] == ["A red 2x4 brick", None]
    (status,) = network.requests_to("POST", "/api/v1/statuses")
    assert status.json()["media_ids"] == [u.media_id for u in media.uploads]
    assert status.json()["in_reply_to_id"] == TOOT
    assert _reply_row(factory).outcome == "sent"


def test_mastodon_media_still_processing_is_awaited_before_posting(
    toot, network, factory, monkeypatch
) -> None:
    monkeypatch.setattr(MastodonConnector, "media_poll_delays", (0.0,) * 5)
    media = MastodonMedia(network, processing_polls=2)
    _reply(factory, toot, "@marta Voici la pièce", Upload("brick.png", PNG, "A brick"))
    _run_due_jobs(factory)
    (uploaded,) = media.uploads
    assert len(network.requests_to("GET", f"/api/v1/media/{uploaded.media_id}")) == 3
    (status,) = network.requests_to("POST", "/api/v1/statuses")
    assert status.json()["media_ids"] == [uploaded.media_id]


def test_refused_upload_fails_the_reply_posts_nothing_and_send_again_works(
    toot, network, factory
) -> None:
    network.reply_json("POST", "/api/v2/media", {"error": "File is too large"}, status=413)
    _reply(factory, toot, "@marta Voici la pièce", Upload("brick.png", PNG, "A brick"))
    _run_due_jobs(factory)
    reply = _reply_row(factory)
    assert reply.outcome == "failed"
    assert "refused the attachment 'brick.png'" in reply.error and "too large" in reply.error
    assert reply.text == "@marta Voici la pièce"
    assert not network.requests_to("POST", "/api/v1/statuses")
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 1

    media = MastodonMedia(network)  # the instance takes it now
    with factory() as session:
        retried = actions.check_retry_reply(
            session, user_actor(session.scalar(select(User))), reply.workspace_id, reply.id
        )
        actions.do_retry_reply(session, retried, actor=user_actor(session.scalar(select(User))))
        session.commit()
    _run_due_jobs(factory)
    assert media.uploads[0].data == PNG and media.uploads[0].description == "A brick"
    assert len(network.requests_to("POST", "/api/v1/statuses")) == 1
    assert _reply_row(factory).outcome == "sent"


def test_reply_without_files_uploads_nothing(toot, network, factory) -> None:
    _reply(factory, toot, "@marta Merci !")
    _run_due_jobs(factory)
    assert not network.requests_to("POST", "/api/v2/media")
    assert "media_ids" not in network.last("POST", "/api/v1/statuses").json()


# --- Bluesky --------------------------------------------------------------------------------------


@pytest.fixture
def skeet(factory, settings, network) -> str:
    network.reply_file("GET", "/xrpc/app.bsky.feed.getPosts", BLUESKY / "get_posts.json")
    network.reply_file(
        "POST", "/xrpc/com.atproto.repo.createRecord", BLUESKY / "create_record.json"
    )
    credentials = BlueskyCredentials(
        identifier="brickworks.example.com",
        app_password="app-pass-1",
        service_url=network.base_url,
        did="did:plc:brickworks7q2ksxv3d4f",
        access_jwt="access-0",
        refresh_jwt="refresh-0",
    )
    question = item(1, "Where are the missing bricks of set 4021?", platform="bluesky")
    return _open_conversation(
        factory,
        settings,
        "bluesky",
        credentials,
        question.model_copy(update={"external_id": SKEET}),
    )


def test_bluesky_gets_raw_blobs_then_a_post_embedding_them(skeet, network, factory) -> None:
    blobs = BlueskyBlobs(network)
    _reply(
        factory,
        skeet,
        "Here is the brick!",
        Upload("brick.png", PNG, "A red 2x4 brick"),
        Upload("box.jpg", JPEG, ""),
    )
    _run_due_jobs(factory)
    uploads = network.requests_to("POST", "/xrpc/com.atproto.repo.uploadBlob")
    assert [(r.headers["content-type"], r.body) for r in uploads] == [
        ("image/png", PNG),
        ("image/jpeg", JPEG),
    ]
    record = network.last("POST", "/xrpc/com.atproto.repo.createRecord").json()["record"]
    embed = record["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    assert [i["alt"] for i in embed["images"]] == ["A red 2x4 brick", ""]
    assert [i["image"]["ref"]["$link"] for i in embed["images"]] == [
        u.media_id for u in blobs.uploads
    ]
    assert embed["images"][0]["image"]["mimeType"] == "image/png"
    assert record["reply"]["parent"]["uri"] == SKEET
    assert _reply_row(factory).outcome == "sent"


def test_bluesky_refused_blob_fails_before_any_post(skeet, network, factory) -> None:
    network.reply_json(
        "POST",
        "/xrpc/com.atproto.repo.uploadBlob",
        {"error": "InvalidRequest", "message": "This file is too large"},
        status=400,
    )
    _reply(factory, skeet, "Here is the brick!", Upload("brick.png", PNG, "A brick"))
    _run_due_jobs(factory)
    reply = _reply_row(factory)
    assert reply.outcome == "failed" and "Bluesky refused the attachment" in reply.error
    assert not network.requests_to("POST", "/xrpc/com.atproto.repo.createRecord")


# --- e-mail ---------------------------------------------------------------------------------------


@pytest.fixture
def mail(factory, settings) -> Iterator[tuple[str, FakeSmtpServer]]:
    with FakeImapServer() as imap, FakeSmtpServer() as smtp:
        imap.deliver((EMAIL / "plain_utf8.eml").read_bytes())
        credentials = EmailSettings(
            address="support@fornorosso.example",
            display_name="Forno Rosso Support",
            username=IMAP_USER,
            password=IMAP_PASSWORD,
            imap_host=imap.host,
            imap_port=imap.port,
            imap_security="plain",
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
            smtp_security="plain",
            smtp_password=SMTP_PASSWORD,
            timeout_seconds=2.0,
        )
        question = item(1, "Where is my order #4471?", platform="email", kind="email")
        conversation_id = _open_conversation(
            factory,
            settings,
            "email",
            credentials,
            question.model_copy(update={"external_id": MAIL}),
        )
        yield conversation_id, smtp


def test_email_reply_carries_the_files_as_mime_parts(mail, factory) -> None:
    conversation_id, smtp = mail
    _reply(
        factory,
        conversation_id,
        "Your order left today; the invoice is attached.",
        Upload("Facture n°4471.pdf", PDF),
        Upload("parcel.png", PNG),
    )
    _run_due_jobs(factory)
    (received,) = smtp.received
    message = received.message()
    assert message.get_content_type() == "multipart/mixed"
    assert message["In-Reply-To"] == f"<{MAIL}>"
    assert "invoice is attached" in message.get_body(("plain",)).get_content()
    assert received.attachments() == [
        ("Facture n°4471.pdf", "application/pdf", PDF),
        ("parcel.png", "image/png", PNG),
    ]
    assert _reply_row(factory).outcome == "sent"


def test_bluesky_post_that_timed_out_is_found_not_posted_again(skeet, network, factory) -> None:
    BlueskyBlobs(network)
    network.handle("POST", "/xrpc/com.atproto.repo.createRecord", lambda _: Canned(hang=True))
    _reply(factory, skeet, "Here is the brick!", Upload("brick.png", PNG, "A brick"))
    _run_due_jobs(factory)
    assert _reply_row(factory).outcome == "unknown"
    network.reply_file("GET", "/xrpc/com.atproto.repo.getRecord", BLUESKY / "get_record.json")
    _run_due_jobs(factory)  # the reconciliation finds the post by its derived record key
    assert len(network.requests_to("POST", "/xrpc/com.atproto.repo.createRecord")) == 1
    assert _reply_row(factory).outcome == "sent"
