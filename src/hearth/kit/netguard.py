"""The outbound guard: Hearth calls only public internet addresses, unless the operator allows more.

Workspace admins type the addresses Hearth then calls from the server (a Mastodon instance, a
feed, an IMAP host, an alert webhook, an AI endpoint). Without a guard, an admin of one workspace
could make the server call ``http://127.0.0.1:5432``, the cloud metadata service at
``169.254.169.254`` or anything on the operator's LAN, and read the answers back through error
messages (server-side request forgery). Every outgoing call to such an address goes through this
module:

- :func:`check_url` / :func:`check_host` validate an address when it is saved, so the admin sees
  the refusal at once;
- :func:`guarded_client` is an ``httpx.Client`` whose connections are opened by
  :class:`GuardedBackend`: it resolves the host name itself, refuses the whole destination when
  *any* resolved address is not allowed, then connects to one of the addresses it checked.
  The check and the connection use the same answer, so a DNS name that changes between the two
  (DNS rebinding) cannot slip through, and every redirect hop opens its own checked connection.
  TLS still verifies the certificate against the host name (httpcore passes the URL's host as
  SNI), and the ``Host`` header is unchanged;
- :func:`create_connection` does the same for the sockets of ``imaplib`` and ``smtplib``.

Why a network backend rather than rewriting URLs to IP addresses: httpcore asks its network
backend for every TCP connection (first request, keep-alive replacement, each redirect), so one
place sees them all, and nothing about certificates, SNI or headers has to be re-implemented.

The operator opens the guard with :class:`OutboundPolicy`: ``allow_private`` lets private
networks through (loopback, RFC 1918, CGNAT, unique local IPv6), for self-hosters whose services
run on the LAN; link-local (cloud metadata), multicast, unspecified and reserved addresses stay
refused unless a range in ``networks`` names them. ``hosts`` are names allowed whatever they
resolve to.

Proxies from the environment are not used by guarded clients (``trust_env=False``): a proxy
would make the connection, and the guard would only ever see the proxy's address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from hearth.kit.errors import ValidationFailedError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Messages are stable sentences, without the address, so the web layer can translate them.
REFUSED_SCHEME = "only http:// and https:// addresses are allowed"
REFUSED_CREDENTIALS = "put the user name and password in their own fields, not in the address"
REFUSED_PRIVATE = (
    "this address leads to a private or internal network, where Hearth does not connect "
    "(an operator can allow it with HEARTH_OUTBOUND_ALLOW)"
)
REFUSED_INVALID = "this is not a valid address"

# What "a private network" means for ``allow_private``: places a self-hoster runs services.
_LAN = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
        "::1/128", "fc00::/7",
    )
)  # fmt: skip
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class DestinationRefusedError(ValidationFailedError):
    """This address leads to a network where Hearth does not connect."""

    code = "netguard.destination_refused"

    def __init__(self, message: str, *, host: str, address: str | None = None) -> None:
        super().__init__(message, host=host, address=address)
        self.host = host
        self.address = address

    def __str__(self) -> str:
        where = f"{self.host} ({self.address})" if self.address else self.host
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class OutboundPolicy:
    """Where outgoing calls to user-supplied addresses may go. The default: public only."""

    allow_private: bool = False
    networks: tuple[IPNetwork, ...] = ()
    hosts: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, allow_private: bool = False, allow: str | Iterable[str] = "") -> OutboundPolicy:
        """From the operator's settings: ``allow`` lists CIDR ranges, addresses and host names,
        separated by commas or spaces. Raises ``ValueError`` on an entry that is neither."""
        entries = allow.replace(",", " ").split() if isinstance(allow, str) else list(allow)
        networks: list[IPNetwork] = []
        hosts: set[str] = set()
        for entry in entries:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
                continue
            except ValueError:
                pass
            name = _host_name(entry)
            if not name or "/" in entry or ":" in entry:
                raise ValueError(f"{entry!r} is neither an address range nor a host name")
            hosts.add(name)
        return cls(allow_private, tuple(networks), frozenset(hosts))

    def allows_host(self, host: str) -> bool:
        return _host_name(host) in self.hosts

    def allows_address(self, address: IPAddress) -> bool:
        candidates = {address, _embedded_ipv4(address)}
        if any(ip in net for ip in candidates for net in self.networks):
            return True
        inner = _embedded_ipv4(address)
        if is_public(inner):
            return True
        return self.allow_private and any(inner in net for net in _LAN)


def _host_name(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64), else itself."""
    if isinstance(address, ipaddress.IPv4Address):
        return address
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def is_public(address: IPAddress) -> bool:
    """True for an address on the public internet (after unwrapping an embedded IPv4)."""
    ip = _embedded_ipv4(address)
    return ip.is_global and not (
        ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_loopback
        or ip.is_unspecified or ip.is_private
    )  # fmt: skip


# --- checks ------------------------------------------------------------------------------------


def check_url(url: str, policy: OutboundPolicy, *, resolve: bool = True) -> None:
    """Refuse a URL Hearth must not call: another scheme, credentials in it, a private host.

    With ``resolve``, a host name is looked up and every address it has is checked; a name that
    does not resolve (yet) is let through here: the connection will check it again.
    """
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError) as exc:
        raise DestinationRefusedError(REFUSED_INVALID, host=str(url)[:200]) from exc
    if parsed.scheme not in ("http", "https"):
        raise DestinationRefusedError(REFUSED_SCHEME, host=parsed.host or str(url)[:200])
    if not parsed.host:
        raise DestinationRefusedError(REFUSED_INVALID, host=str(url)[:200])
    if parsed.userinfo:
        raise DestinationRefusedError(REFUSED_CREDENTIALS, host=parsed.host)
    check_host(parsed.host, policy, port=parsed.port, resolve=resolve)


def check_host(
    host: str, policy: OutboundPolicy, *, port: int | None = None, resolve: bool = True
) -> None:
    """Refuse a host (name or address) that is, or resolves to, an address not allowed."""
    if policy.allows_host(host):
        return
    literal = _literal(host)
    if literal is not None:
        _check_address(host, literal, policy)
    elif resolve:
        try:
            addresses = _resolve(host, port)
        except OSError:
            return  # unknown today; the connection resolves and checks again
        for address in addresses:
            _check_address(host, address, policy)


def checked_addresses(host: str, port: int, policy: OutboundPolicy) -> list[str]:
    """Resolve ``host`` and return the addresses to connect to, all of them allowed.

    Raises ``DestinationRefusedError`` when any address is refused (a name that also points
    somewhere internal is not trusted for its public addresses), ``OSError`` when it does not
    resolve.
    """
    literal = _literal(host)
    addresses = [literal] if literal is not None else _resolve(host, port)
    if not addresses:
        raise OSError(f"{host} has no address")
    if not policy.allows_host(host):
        for address in addresses:
            _check_address(host, address, policy)
    return [str(address) for address in dict.fromkeys(addresses)]


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(_host_name(host).split("%", 1)[0])
    except ValueError:
        return None


def _resolve(host: str, port: int | None) -> list[IPAddress]:
    # getaddrinfo also turns the odd spellings of an address ("2130706433", "127.1", "0x7f.1")
    # into the address itself, so those are checked like any other.
    infos = socket.getaddrinfo(_host_name(host), port or 443, type=socket.SOCK_STREAM)
    found: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = _literal(str(sockaddr[0]))
        if address is not None:
            found.append(address)
    return found


def _check_address(host: str, address: IPAddress, policy: OutboundPolicy) -> None:
    if not policy.allows_address(address):
        raise DestinationRefusedError(REFUSED_PRIVATE, host=_host_name(host), address=str(address))


# --- connections -------------------------------------------------------------------------------


def create_connection(
    host: str,
    port: int,
    policy: OutboundPolicy,
    timeout: float | None = None,
    source_address: tuple[str, int] | None = None,
) -> socket.socket:
    """``socket.create_connection`` to a checked address of ``host`` (for imaplib, smtplib)."""
    error: OSError | None = None
    for address in checked_addresses(host, port, policy):
        try:
            return socket.create_connection((address, port), timeout, source_address)
        except OSError as exc:
            error = exc
    assert error is not None
    raise error


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's synchronous backend, connecting only to checked addresses."""

    def __init__(self, policy: OutboundPolicy) -> None:
        self.policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = checked_addresses(host, port, self.policy)
        except OSError as exc:
            raise httpcore.ConnectError(f"{host}: {exc}") from exc
        error: Exception | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                error = exc
        assert error is not None
        raise error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise DestinationRefusedError(REFUSED_SCHEME, host=path)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """An ``httpx.HTTPTransport`` whose every connection goes through :class:`GuardedBackend`."""

    def __init__(
        self,
        policy: OutboundPolicy,
        *,
        verify: Any = True,
        limits: httpx.Limits = httpx.Limits(max_connections=20, max_keepalive_connections=10),
        retries: int = 0,
    ) -> None:
        super().__init__(verify=verify, trust_env=False, limits=limits, retries=retries)
        self.policy = policy
        # httpx builds its pool without a way to pass a network backend; the pool is rebuilt
        # with the same settings and ours (tests/kit/test_netguard.py pins that it is used).
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            retries=retries,
            network_backend=GuardedBackend(policy),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in ("http", "https"):
            raise DestinationRefusedError(REFUSED_SCHEME, host=url.host)
        if url.userinfo:
            raise DestinationRefusedError(REFUSED_CREDENTIALS, host=url.host)
        return super().handle_request(request)


class GuardedClient(httpx.Client):
    """An ``httpx.Client`` for user-supplied addresses; ``outbound_policy`` is what guards it."""

    def __init__(self, policy: OutboundPolicy, **kwargs: Any) -> None:
        self.outbound_policy = policy
        kwargs.setdefault("follow_redirects", False)
        super().__init__(transport=GuardedTransport(policy), trust_env=False, **kwargs)


def guarded_client(policy: OutboundPolicy, **kwargs: Any) -> GuardedClient:
    """An HTTP client that refuses addresses the policy does not allow (kwargs: timeout, …).

    Redirects are not followed unless asked; when they are, each hop is checked.
    """
    return GuardedClient(policy, **kwargs)


# --- the process default -----------------------------------------------------------------------

_default = OutboundPolicy()


def default_policy() -> OutboundPolicy:
    """The policy for code handed no client of its own (strict unless set at start-up)."""
    return _default


def set_default_policy(policy: OutboundPolicy) -> OutboundPolicy:
    """Set the process default; returns the previous one (tests restore it)."""
    global _default
    previous, _default = _default, policy
    return previous


def policy_of(http: object) -> OutboundPolicy:
    """The policy guarding ``http`` when it is a guarded client, else the process default."""
    policy = getattr(http, "outbound_policy", None)
    return policy if isinstance(policy, OutboundPolicy) else _default
