"""Files in the composer over HTTP: offered only where the network takes them, refused with a
clear message (the draft stays), stored with the reply, served to the team only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from tests.factories import make_user, make_workspace
from tests.inbox.inboxkit import deliver, item

from hearth.kit import jobs
from hearth.models import Attachment, Conversation, OutboundReply

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


@pytest.fixture
def briquo(factory):
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        ws = make_workspace(session, "Briquo", alice)
        ws.settings = {"demo": True}  # simulated network: replies (and files) are accepted
        other = make_workspace(session, "Other", make_user(session, "olga@example.com"))
        session.commit()
        ws_id, other_id = ws.id, other.id
    deliver(factory, ws_id, item(1, "Bonjour, comment obtenir les pièces manquantes du set 4021 ?"))
    deliver(factory, ws_id, item(2, "Where are the bricks of set 4021?", platform="reddit",
                                 author="max", kind="reply"))  # fmt: skip
    with factory() as session:
        ids = {c.platform: c.id for c in session.scalars(select(Conversation))}
    return ws_id, other_id, ids


def _form(client, conversation_id: str) -> dict[str, str]:
    html = client.get(f"/w/briquo/inbox/c/{conversation_id}").text
    fields = ("csrf_token", "idempotency_key", "draft_started_at")
    return {f: re.search(rf'name="{f}" value="([^"]*)"', html).group(1) for f in fields}


def _send(client, conversation_id: str, text: str, *files, alts=("",)):
    data = {**_form(client, conversation_id), "text": text}
    data.update({f"alt_{i}": alt for i, alt in enumerate(alts)})
    upload = [(f"file_{i}", f) for i, f in enumerate(files)]
    return client.post(f"/w/briquo/inbox/c/{conversation_id}/reply", data=data, files=upload)


def test_composer_offers_files_with_the_networks_limits(briquo, client_for) -> None:
    _, _, ids = briquo
    page = client_for("alice@example.com").get(f"/w/briquo/inbox/c/{ids['mastodon']}").text
    assert 'enctype="multipart/form-data"' in page
    assert page.count('type="file" name="file_') == 4
    assert "Up to 4 files (GIF, JPEG, PNG, WebP), at most 16.8 MB each." in page
    assert 'name="alt_0"' in page and 'maxlength="1500"' in page


def test_composer_has_no_file_input_where_the_network_takes_none(briquo, client_for) -> None:
    _, _, ids = briquo
    page = client_for("alice@example.com").get(f"/w/briquo/inbox/c/{ids['reddit']}").text
    assert 'id="reply-form"' in page
    assert 'type="file"' not in page and "multipart/form-data" not in page


def test_image_is_sent_stored_and_shown_in_the_timeline(briquo, client_for, factory) -> None:
    _, _, ids = briquo
    client = client_for("alice@example.com")
    response = _send(
        client,
        ids["mastodon"],
        "Voici la pièce 🙂",
        ("../../brique rouge.png", PNG, "application/x-msdownload"),
        alts=("A red 2x4 brick",),
    )
    assert response.status_code == 303
    with factory() as session:
        stored = session.scalar(select(Attachment))
        assert stored.filename == "brique rouge.png" and stored.content_type == "image/png"
        assert stored.size == len(PNG) and stored.alt_text == "A red 2x4 brick"
        assert stored.reply_id == session.scalar(select(OutboundReply.id))
    while jobs.run_one(factory, "test") is not None:
        pass
    page = client.get(f"/w/briquo/inbox/c/{ids['mastodon']}").text
    url = f"/w/briquo/inbox/attachments/{stored.id}"
    assert f'<img src="{url}" alt="A red 2x4 brick"' in page and "brique rouge.png" in page
    assert "3 kB" in page


def test_download_has_the_verified_type_and_safe_headers(briquo, client_for, factory) -> None:
    _, _, ids = briquo
    client = client_for("alice@example.com")
    _send(client, ids["mastodon"], "Voici", ("brique rouge.png", PNG, "text/html"))
    with factory() as session:
        attachment_id = session.scalar(select(Attachment.id))
    response = client.get(f"/w/briquo/inbox/attachments/{attachment_id}")
    assert response.status_code == 200 and response.content == PNG
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"] == (
        "inline; filename=\"brique rouge.png\"; filename*=UTF-8''brique%20rouge.png"
    )
    assert "sandbox" in response.headers["content-security-policy"]


def test_another_workspace_gets_not_found(briquo, client_for, factory) -> None:
    _, _, ids = briquo
    _send(client_for("alice@example.com"), ids["mastodon"], "Voici", ("b.png", PNG, "image/png"))
    with factory() as session:
        attachment_id = session.scalar(select(Attachment.id))
    olga = client_for("olga@example.com")
    assert olga.get(f"/w/other/inbox/attachments/{attachment_id}").status_code == 404
    assert olga.get(f"/w/briquo/inbox/attachments/{attachment_id}").status_code == 404


def test_wrong_type_is_refused_and_the_draft_stays(briquo, client_for, factory) -> None:
    _, _, ids = briquo
    response = _send(
        client_for("alice@example.com"),
        ids["mastodon"],
        "Voici la facture",
        ("facture.png", b"%PDF-1.7\n", "image/png"),
        alts=("The invoice",),
    )
    assert response.status_code == 422
    assert "the file facture.png is not of a type this network accepts" in response.text
    assert "Voici la facture</textarea>" in response.text
    assert 'value="The invoice"' in response.text
    assert "The files were not kept: choose them again." in response.text
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(OutboundReply)) == 0
        assert session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_oversized_file_is_refused_in_the_users_language(briquo, client_for, factory) -> None:
    _, _, ids = briquo
    with factory() as session:
        from hearth.models import User

        session.scalar(select(User).where(User.email == "alice@example.com")).locale = "fr"
        session.commit()
    big = PNG + b"\x00" * 17_000_000
    response = _send(
        client_for("alice@example.com"), ids["mastodon"], "Voici", ("grande.png", big, "image/png")
    )
    assert response.status_code == 422
    assert "le fichier grande.png pèse 17,1 Mo ; la limite ici est de 16,8 Mo" in response.text


def test_file_for_a_network_without_files_is_refused(briquo, client_for, factory) -> None:
    _, _, ids = briquo
    response = _send(client_for("alice@example.com"), ids["reddit"], "Hi", ("b.png", PNG, "x/y"))
    assert response.status_code == 422 and "does not take files" in response.text
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(OutboundReply)) == 0
