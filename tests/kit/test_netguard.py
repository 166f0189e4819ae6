"""The outbound guard: what it refuses by default, what the operator may open, and that the
connection goes to the address that was checked (every hop, every resolved address)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest

from hearth.kit.netguard import (
    REFUSED_CREDENTIALS,
    REFUSED_PRIVATE,
    REFUSED_SCHEME,
    DestinationRefusedError,
    GuardedBackend,
    OutboundPolicy,
    check_url,
    create_connection,
    guarded_client,
)
from tests.ingest.fakes.server import Canned, FakeServer

STRICT = OutboundPolicy()
REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, list[str]]], list[str]]:
    """Make chosen names resolve to chosen addresses; returns the log of names looked up."""
    looked_up: list[str] = []

    def install(table: dict[str, list[str]]) -> list[str]:
        def fake(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
            looked_up.append(host)
            if host in table:
                return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6,
                         "", (a, port or 0)) for a in table[host]]
            return REAL_GETADDRINFO(host, port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", fake)
        return looked_up

    return install


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as fake:
        yield fake


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/", "http://localhost/", "http://[::1]/", "http://2130706433/",
    "http://127.1/", "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/",
    "http://172.16.0.1/", "http://192.168.1.1/", "http://100.64.0.1/", "http://0.0.0.0/",
    "http://224.0.0.1/", "http://[fe80::1]/", "http://[fc00::1]/", "http://[::ffff:127.0.0.1]/",
    "http://[64:ff9b::a9fe:a9fe]/", "http://240.0.0.1/",
])  # fmt: skip
def test_internal_addresses_are_refused_by_default(url: str) -> None:
    with pytest.raises(DestinationRefusedError) as refused:
        check_url(url, STRICT)
    assert refused.value.message == REFUSED_PRIVATE


def test_public_address_passes() -> None:
    check_url("https://8.8.8.8/feed", STRICT)
    check_url("https://[2606:4700::1111]/", STRICT)


@pytest.mark.parametrize(("url", "message"), [
    ("file:///etc/passwd", REFUSED_SCHEME), ("gopher://8.8.8.8/", REFUSED_SCHEME),
    ("https://user:secret@8.8.8.8/", REFUSED_CREDENTIALS),
])  # fmt: skip
def test_other_schemes_and_credentials_in_the_url_are_refused(url: str, message: str) -> None:
    with pytest.raises(DestinationRefusedError) as refused:
        check_url(url, STRICT)
    assert refused.value.message == message


def test_a_name_resolving_to_a_private_address_is_refused(dns) -> None:
    dns({"intranet.example.com": ["10.0.0.5"]})
    with pytest.raises(DestinationRefusedError) as refused:
        check_url("https://intranet.example.com/api", STRICT)
    assert refused.value.address == "10.0.0.5"


def test_every_resolved_address_is_checked(dns) -> None:
    dns({"mixed.example.com": ["8.8.8.8", "169.254.169.254"]})
    with pytest.raises(DestinationRefusedError):
        check_url("https://mixed.example.com/", STRICT)


def test_allow_private_opens_the_lan_but_not_link_local() -> None:
    lan = OutboundPolicy.parse(allow_private=True)
    check_url("http://192.168.1.20:3000/", lan)
    check_url("http://127.0.0.1/", lan)
    with pytest.raises(DestinationRefusedError):
        check_url("http://169.254.169.254/", lan)


def test_allow_list_names_ranges_and_hosts(dns) -> None:
    dns({"mastodon.lan": ["192.168.7.7"]})
    policy = OutboundPolicy.parse(False, "10.0.5.0/24, mastodon.lan")
    check_url("http://10.0.5.9/", policy)
    check_url("http://mastodon.lan/", policy)
    with pytest.raises(DestinationRefusedError):
        check_url("http://10.0.6.1/", policy)


def test_unreadable_allow_entry_is_an_error() -> None:
    with pytest.raises(ValueError):
        OutboundPolicy.parse(False, "10.0.0.0/99")


def test_settings_read_the_policy() -> None:
    from hearth.config import Settings

    settings = Settings(outbound_allow_private=True, outbound_allow="10.9.0.0/16")
    assert settings.outbound_policy.allow_private
    assert str(settings.outbound_policy.networks[0]) == "10.9.0.0/16"


# --- the connection -----------------------------------------------------------------------------


def test_guarded_client_refuses_loopback_by_default(server: FakeServer) -> None:
    server.reply_json("GET", "/x", {"ok": True})
    with guarded_client(STRICT) as http, pytest.raises(DestinationRefusedError):
        http.get(server.url("/x"))
    assert server.requests == []


def test_guarded_client_refuses_a_name_resolving_to_loopback(dns, server: FakeServer) -> None:
    dns({"innocent.example.com": ["127.0.0.1"]})
    port = server.base_url.rsplit(":", 1)[1]
    with guarded_client(STRICT) as http, pytest.raises(DestinationRefusedError):
        http.get(f"http://innocent.example.com:{port}/x")
    assert server.requests == []


def test_redirect_to_a_private_address_is_refused(dns, server: FakeServer) -> None:
    dns({"feeds.example.com": ["127.0.0.1"]})
    port = server.base_url.rsplit(":", 1)[1]
    server.add("GET", "/feed", Canned(status=302, headers={"Location": server.url("/secret")}))
    server.reply_json("GET", "/secret", {"secret": True})
    policy = OutboundPolicy.parse(False, "feeds.example.com")  # the first hop is allowed
    with (
        guarded_client(policy, follow_redirects=True) as http,
        pytest.raises(DestinationRefusedError) as refused,
    ):
        http.get(f"http://feeds.example.com:{port}/feed")
    assert refused.value.address == "127.0.0.1"
    assert server.requests_to("GET", "/secret") == []


def test_connection_goes_to_the_checked_address_with_the_name_kept(dns, server: FakeServer):
    # One lookup, checked, then connected to: a name that would answer differently on a
    # second lookup (DNS rebinding) is never asked twice.
    looked_up = dns({"pinned.example.com": ["127.0.0.1"]})
    port = server.base_url.rsplit(":", 1)[1]
    server.reply_json("GET", "/x", {"ok": True})
    policy = OutboundPolicy.parse(False, "127.0.0.0/8")
    with guarded_client(policy) as http:
        assert http.get(f"http://pinned.example.com:{port}/x").status_code == 200
    assert looked_up.count("pinned.example.com") == 1
    assert server.last("GET", "/x").headers["host"] == f"pinned.example.com:{port}"


def test_the_transport_really_uses_the_guarded_backend() -> None:
    # httpx gives no parameter for a network backend; this pins the pool we swapped in.
    with guarded_client(STRICT) as http:
        pool = http._transport._pool  # type: ignore[attr-defined]
        assert isinstance(pool._network_backend, GuardedBackend)


def test_socket_connections_for_mail_are_guarded(server: FakeServer) -> None:
    host, port = server.base_url.removeprefix("http://").split(":")
    with pytest.raises(DestinationRefusedError):
        create_connection(host, int(port), STRICT, timeout=2)
    create_connection(host, int(port), OutboundPolicy.parse(False, "127.0.0.1"), timeout=2).close()
