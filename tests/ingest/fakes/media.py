"""Media upload endpoints for the fake HTTP server, with the payload shapes the networks document.

Mastodon: ``POST /api/v2/media`` takes ``multipart/form-data`` with a ``file`` part and an
optional ``description``; it answers 200 with a MediaAttachment whose ``url`` is set, or 202 with
``url: null`` while the file is processed, in which case ``GET /api/v1/media/:id`` answers 206
until it is done, then 200.

Bluesky: ``POST /xrpc/com.atproto.repo.uploadBlob`` takes the raw bytes as the body, typed by the
Content-Type header, and answers ``{"blob": {"$type": "blob", "ref": {"$link": cid},
"mimeType": …, "size": …}}``.

Both record what they were given, so a test can check the bytes and descriptions that arrived.

    media = MastodonMedia(server, processing_polls=2)
    ...
    assert media.uploads[0].data == PNG and media.uploads[0].description == "A red brick"
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from tests.ingest.fakes.server import Canned, FakeServer, Recorded


@dataclass(frozen=True)
class Uploaded:
    media_id: str
    filename: str | None
    content_type: str
    data: bytes
    description: str | None


class MastodonMedia:
    """A Mastodon instance's media endpoints on a fake server."""

    def __init__(self, server: FakeServer, *, processing_polls: int = 0) -> None:
        self.server = server
        self.processing_polls = processing_polls  # 206 answers before the media is ready
        self.uploads: list[Uploaded] = []
        self._polls: dict[str, int] = {}
        server.handle("POST", "/api/v2/media", self._upload)

    def _upload(self, request: Recorded) -> Canned:
        parts = request.multipart()
        file = parts.get("file")
        if file is None or not file.data:
            return Canned.json({"error": "Validation failed: File can't be blank"}, 422)
        media_id = str(110_000_000_000_000_000 + len(self.uploads) + 1)
        description = parts["description"].text if "description" in parts else None
        self.uploads.append(
            Uploaded(media_id, file.filename, file.content_type, file.data, description)
        )
        self._polls[media_id] = self.processing_polls
        self.server.handle("GET", f"/api/v1/media/{media_id}", self._status)
        if self.processing_polls:
            return Canned.json(self._attachment(media_id, description, ready=False), 202)
        return Canned.json(self._attachment(media_id, description, ready=True))

    def _status(self, request: Recorded) -> Canned:
        media_id = request.path.rsplit("/", 1)[-1]
        upload = next(u for u in self.uploads if u.media_id == media_id)
        if self._polls[media_id] > 0:
            self._polls[media_id] -= 1
            return Canned.json(self._attachment(media_id, upload.description, ready=False), 206)
        return Canned.json(self._attachment(media_id, upload.description, ready=True))

    def _attachment(self, media_id: str, description: str | None, *, ready: bool) -> dict:
        base = self.server.base_url
        return {
            "id": media_id,
            "type": "image",
            "url": f"{base}/system/media_attachments/files/{media_id}/original.png"
            if ready
            else None,
            "preview_url": f"{base}/system/media_attachments/files/{media_id}/small.png",
            "remote_url": None,
            "meta": {"original": {"width": 2, "height": 2}},
            "description": description,
            "blurhash": "UFPZlP%gofx^~qRjayofD%xuRjof",
        }


class BlueskyBlobs:
    """A PDS's ``uploadBlob`` on a fake server."""

    def __init__(self, server: FakeServer) -> None:
        self.uploads: list[Uploaded] = []
        server.handle("POST", "/xrpc/com.atproto.repo.uploadBlob", self._upload)

    def _upload(self, request: Recorded) -> Canned:
        content_type = request.headers.get("content-type", "")
        if not request.body or not content_type:
            return Canned.json({"error": "InvalidRequest", "message": "empty blob"}, 400)
        cid = "bafkrei" + hashlib.sha256(request.body).hexdigest()[:52]
        self.uploads.append(Uploaded(cid, None, content_type, request.body, None))
        blob = {"$type": "blob", "ref": {"$link": cid}, "mimeType": content_type}
        return Canned.json({"blob": {**blob, "size": len(request.body)}})
