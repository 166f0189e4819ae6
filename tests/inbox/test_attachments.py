"""Files checked against each network's published limits before anything is stored: the type
read from the bytes, the size, the count, the name made safe."""

from __future__ import annotations

import io
import zipfile

import pytest

from hearth.inbox.attachments import (
    AttachmentRefusedError,
    Upload,
    check_attachments,
    clean_filename,
    policy_for,
    sniff_content_type,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"\x00" * 64


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (PNG, "x.png", "image/png"),
        (JPEG, "x.jpg", "image/jpeg"),
        (GIF, "x.gif", "image/gif"),
        (WEBP, "x.webp", "image/webp"),
        (PDF, "x.pdf", "application/pdf"),
        (b"order,qty\n4021,2\n", "order.csv", "text/csv"),
        (b"<script>alert(1)</script>", "photo.png", None),
        (b"MZ\x90\x00", "setup.pdf", None),
        (b"plain words", "notes.html", None),
    ],
)
def test_type_is_read_from_the_bytes_not_the_name(data, name, expected) -> None:
    assert sniff_content_type(data, name) == expected


def test_office_document_is_recognised_from_inside_the_zip() -> None:
    assert sniff_content_type(_docx(), "a.docx") == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_a_plain_zip_is_refused_as_unknown() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", "MZ")
    assert sniff_content_type(buffer.getvalue(), "a.docx") is None


@pytest.mark.parametrize(
    ("raw", "content_type", "expected"),
    [
        ("../../etc/passwd", None, "passwd"),
        ("C:\\Users\\léa\\photo.PNG", "image/png", "photo.PNG"),
        ('evil"; name=.png', "image/png", "evil__ name=.png"),
        ("photo.png", "image/jpeg", "photo.jpg"),
        ("...", "image/png", "attachment.png"),
        ("a\r\nSet-Cookie: x.png", "image/png", "a__Set-Cookie_ x.png"),
    ],
)
def test_names_lose_paths_and_header_breaking_characters(raw, content_type, expected) -> None:
    assert clean_filename(raw, content_type) == expected


def test_bluesky_takes_four_images_of_a_million_bytes() -> None:
    policy = policy_for("bluesky")
    assert policy is not None and policy.max_count == 4 and policy.max_bytes == 1_000_000
    checked = check_attachments("bluesky", [Upload("brick.png", PNG, "  A red\n brick ")])
    assert checked[0].content_type == "image/png" and checked[0].alt_text == "A red brick"
    assert len(checked[0].sha256) == 64


def test_oversized_image_is_refused_with_the_limit() -> None:
    big = PNG + b"\x00" * 1_000_000
    with pytest.raises(AttachmentRefusedError) as refused:
        check_attachments("bluesky", [Upload("big.png", big)])
    assert refused.value.message == "the file big.png weighs 1001 kB; the limit here is 1 MB"
    assert refused.value.template.startswith("the file %(name)s weighs")


def test_declared_size_counts_when_only_a_prefix_was_read() -> None:
    with pytest.raises(AttachmentRefusedError, match="weighs 50 MB"):
        check_attachments("mastodon", [Upload("huge.png", PNG, size=50_000_000)])


def test_fifth_image_is_refused() -> None:
    with pytest.raises(AttachmentRefusedError, match="at most 4 files"):
        check_attachments("mastodon", [Upload(f"{i}.png", PNG) for i in range(5)])


def test_wrong_type_names_what_the_network_accepts() -> None:
    with pytest.raises(AttachmentRefusedError) as refused:
        check_attachments("mastodon", [Upload("invoice.pdf", PDF)])
    assert refused.value.message == (
        "the file invoice.pdf is not of a type this network accepts (GIF, JPEG, PNG, WebP)"
    )


def test_email_caps_the_total_not_only_each_file() -> None:
    six_mb = PDF + b"\x00" * 6_000_000
    with pytest.raises(AttachmentRefusedError, match="together; the limit is 10 MB"):
        check_attachments("email", [Upload("a.pdf", six_mb), Upload("b.pdf", six_mb)])


def test_email_ignores_descriptions_it_cannot_show() -> None:
    (checked,) = check_attachments("email", [Upload("a.pdf", PDF, "ignored")])
    assert checked.alt_text is None


def test_network_without_the_capability_takes_no_file() -> None:
    assert policy_for("reddit") is None and policy_for("nowhere") is None
    with pytest.raises(AttachmentRefusedError, match="does not take files"):
        check_attachments("reddit", [Upload("a.png", PNG)])
    assert check_attachments("reddit", []) == []


def test_a_file_read_only_in_part_is_never_stored() -> None:
    with pytest.raises(AttachmentRefusedError, match="did not arrive whole"):
        check_attachments("mastodon", [Upload("cut.png", PNG, size=len(PNG) + 10)])


def test_unread_files_are_refused_by_their_total_size() -> None:
    sizes = [16 * 1024 * 1024] * 3 + [16 * 1024 * 1024 + 1]
    unread = [Upload(f"{i}.png", b"", size=size) for i, size in enumerate(sizes)]
    with pytest.raises(AttachmentRefusedError, match="together; the limit is 67.2 MB"):
        check_attachments("mastodon", unread)
