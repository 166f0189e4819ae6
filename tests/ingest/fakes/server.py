"""A fake network on 127.0.0.1 that replays recorded payloads and misbehaves on request.

Connectors are tested over real HTTP (sockets, headers, timeouts) rather than with mocked clients,
so what breaks in production breaks here too. The server listens on an ephemeral port; each route
is ``(method, path)`` and answers from a queue of canned replies (the last one repeats). Every
request is recorded, so a test can assert what the connector asked for (cursor parameters,
idempotency keys, tokens).

    server.reply_file("GET", "/api/v2/search", MASTODON_FIXTURES / "search.json")
    server.reply_rate_limited("GET", "/api/v1/notifications", retry_after="30")
    server.reply_hang("POST", "/api/v1/statuses")        # the client's timeout fires
    server.reply_expired_token("GET", "/api/v1/accounts/verify_credentials")
    server.reply_malformed("GET", "/search.json")
    server.reply_oversized("GET", "/search.json", size=2_000_000)
    server.handle("GET", "/x", lambda request: Canned.json({"q": request.param("q")}))
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

HANG_SECONDS = 10.0  # upper bound; stop() releases hanging handlers at once


@dataclass(frozen=True)
class Canned:
    """One answer the fake server gives."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # wait (until stop) instead of answering
    declare_length: bool = True  # False: no Content-Length, body ends when the socket closes

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Canned:
        merged = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        return cls(status=status, body=json.dumps(payload).encode(), headers=merged)

    @classmethod
    def file(cls, path: Path | str, status: int = 200, headers: dict[str, str] | None = None):
        merged = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        return cls(status=status, body=Path(path).read_bytes(), headers=merged)


@dataclass(frozen=True)
class Recorded:
    """One request the fake server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode()).items()}

    def multipart(self) -> dict[str, Part]:
        """The parts of a ``multipart/form-data`` body by field name, parsed as a server would
        (from the boundary in the Content-Type header); an empty dict for any other body."""
        content_type = self.headers.get("content-type", "")
        if not content_type.startswith("multipart/form-data"):
            return {}
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + self.body)
        parts: dict[str, Part] = {}
        for sub in message.iter_parts() if isinstance(message, EmailMessage) else ():
            name = sub.get_param("name", header="content-disposition")
            if isinstance(name, str):
                parts[name] = Part(
                    filename=sub.get_filename(),
                    content_type=sub.get_content_type(),
                    data=sub.get_payload(decode=True) or b"",
                )
        return parts


@dataclass(frozen=True)
class Part:
    """One field of a multipart form: a file (with a filename) or a plain value."""

    filename: str | None
    content_type: str
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


Handler = Callable[[Recorded], Canned]


class FakeServer:
    """A threaded HTTP server on 127.0.0.1 with scripted routes. Use as a context manager."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._routes: dict[tuple[str, str], deque[Canned]] = defaultdict(deque)
        self._handlers: dict[tuple[str, str], Handler] = {}
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # --- life cycle ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- scripting ------------------------------------------------------------------------------

    def add(self, method: str, path: str, *answers: Canned) -> None:
        """Queue answers for a route; each request takes the next, the last one repeats."""
        with self._lock:
            self._routes[(method.upper(), path)].extend(answers)

    def handle(self, method: str, path: str, handler: Handler) -> None:
        """Answer a route by calling ``handler(request)``; wins over queued answers."""
        with self._lock:
            self._handlers[(method.upper(), path)] = handler

    def reply_json(self, method: str, path: str, payload: Any, status: int = 200, **kw) -> None:
        self.add(method, path, Canned.json(payload, status=status, headers=kw.get("headers")))

    def reply_file(self, method: str, path: str, file: Path | str, status: int = 200) -> None:
        self.add(method, path, Canned.file(file, status=status))

    def reply_rate_limited(self, method: str, path: str, retry_after: str | None = "30") -> None:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self.add(method, path, Canned.json({"error": "Too many requests"}, 429, headers))

    def reply_server_error(self, method: str, path: str, status: int = 500) -> None:
        self.add(method, path, Canned.json({"error": "Internal server error"}, status))

    def reply_hang(self, method: str, path: str) -> None:
        self.add(method, path, Canned(hang=True))

    def reply_expired_token(
        self, method: str, path: str, payload: Any = None, status: int = 401
    ) -> None:
        body = payload if payload is not None else {"error": "The access token expired"}
        self.add(method, path, Canned.json(body, status))

    def reply_malformed(
        self, method: str, path: str, body: bytes = b'{"statuses": [{"id": '
    ) -> None:
        self.add(method, path, Canned(body=body, headers={"Content-Type": "application/json"}))

    def reply_oversized(
        self, method: str, path: str, size: int = 6_000_000, declare_length: bool = True
    ) -> None:
        body = b'{"padding": "' + b"x" * size + b'"}'
        headers = {"Content-Type": "application/json"}
        self.add(method, path, Canned(body=body, headers=headers, declare_length=declare_length))

    # --- inspection -----------------------------------------------------------------------------

    def requests_to(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method.upper() and r.path == path]

    def last(self, method: str, path: str) -> Recorded:
        found = self.requests_to(method, path)
        assert found, (
            f"no {method} {path} request; got {[(r.method, r.path) for r in self.requests]}"
        )
        return found[-1]

    # --- serving --------------------------------------------------------------------------------

    def _answer(self, request: Recorded) -> Canned:
        key = (request.method, request.path)
        with self._lock:
            self.requests.append(request)
            handler = self._handlers.get(key)
            queue = self._routes.get(key)
            if handler is None and queue:
                answer = queue.popleft() if len(queue) > 1 else queue[0]
            else:
                answer = None
        if handler is not None:
            return handler(request)
        if answer is None:
            return Canned.json({"error": f"no fake route for {key[0]} {key[1]}"}, 404)
        return answer


def _make_handler(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection keeps hangs isolated

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = Recorded(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            answer = server._answer(request)
            if answer.hang:
                server._release.wait(HANG_SECONDS)
                return
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if answer.declare_length:
                self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            try:
                self.wfile.write(answer.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (size limit or timeout); that is the point of the test

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return _Handler
