"""File import from Settings › Channels: upload, mapping preview, import, bad rows by line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hearth.ingest.connectors import fileimport
from hearth.models import AuditEntry, Channel, Mention
from tests.factories import make_user, make_workspace
from tests.webkit import page_token

FIXTURES = Path(fileimport.__file__).parent / "fixtures"
UPLOAD_RE = re.compile(r'name="upload_id" value="([^"]+)"')


@pytest.fixture
def owner(factory, client_for):
    with factory() as session:
        user = make_user(session, "owner@example.com")
        make_workspace(session, "Briquo", user)
        session.commit()
    return client_for("owner@example.com")


@pytest.fixture
def import_url(owner, factory):
    created = owner.post("/w/briquo/settings/channels/new/file",
                         data={"csrf_token": page_token(owner), "name": "Old exports"})
    assert created.status_code == 303 and created.headers["location"].endswith("/import")
    return created.headers["location"]


def _upload(owner, url: str, name: str):
    with (FIXTURES / name).open("rb") as handle:
        return owner.post(url, data={"csrf_token": page_token(owner)},
                          files={"file": (name, handle, "text/csv")})


def _count(factory) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Mention))


def test_upload_shows_the_guessed_mapping_and_stores_nothing(owner, import_url, factory):
    response = _upload(owner, import_url, "bad_rows.csv")
    assert response.status_code == 200
    assert '<option value="message" selected>' in response.text  # text ← message
    assert "A fine first row" in response.text
    assert _count(factory) == 0


def test_import_stores_good_rows_and_lists_bad_ones_by_line(owner, import_url, factory):
    preview = _upload(owner, import_url, "bad_rows.csv")
    upload_id = UPLOAD_RE.search(preview.text).group(1)
    form = {"csrf_token": page_token(owner), "upload_id": upload_id, "confirm": "1",
            "map_text": "message", "map_created_at": "date", "map_author": "user",
            "map_url": "link", "map_id": "post_id", "default_platform": "file", "day_first": "1"}
    response = owner.post(import_url, data=form)
    assert response.status_code == 200, response.text[:500]
    stored = _count(factory)
    assert stored > 0 and f"{stored} mentions imported" in response.text
    assert re.search(r"<td>3</td><td>[^<]+</td>", response.text)  # the dateless row's line
    with factory() as session:
        channel = session.scalars(select(Channel)).one()
        assert set(session.scalars(select(Mention.channel_id))) == {channel.id}
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "ingest.channel.imported")).one()
        assert entry.data["kept"] == stored and entry.data["refused"] > 0
    again = owner.post(import_url, data={**form, "csrf_token": page_token(owner)})
    assert "upload it again" in again.text  # the upload is forgotten once imported


def test_mapping_without_text_column_is_a_clear_error(owner, import_url, factory):
    preview = _upload(owner, import_url, "bad_rows.csv")
    upload_id = UPLOAD_RE.search(preview.text).group(1)
    response = owner.post(import_url, data={"csrf_token": page_token(owner),
                                            "upload_id": upload_id, "confirm": "1",
                                            "map_text": "", "day_first": "1"})
    assert response.status_code == 422 and "column that holds the text" in response.text
    assert _count(factory) == 0


def test_a_channel_that_is_not_a_file_channel_takes_no_files(owner, factory):
    owner.post("/w/briquo/settings/channels/new/webhook",
               data={"csrf_token": page_token(owner), "cred_secret": "s" * 40})
    with factory() as session:
        channel = session.scalars(select(Channel)).one()
    response = owner.get(f"/w/briquo/settings/channels/{channel.id}/import")
    assert response.status_code == 422
