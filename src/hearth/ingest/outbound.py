"""Which addresses a channel will call, checked by the outbound guard when it is saved or tested.

A channel's credentials say where Hearth connects: a URL field (``instance_url``, ``base_url``,
``service_url``, a feed list) or a mail host (``imap_host``, ``smtp_host``); an RSS channel's
listening ``sources`` may be feed URLs too. Finding them by shape rather than by connector keeps
a new connector guarded without code here. The guard checks again at every connection
(``kit/netguard.py``), since what a name resolves to can change after it was saved.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from hearth.ingest.credentials import CredentialsInvalidError
from hearth.kit.netguard import DestinationRefusedError, OutboundPolicy, check_host, check_url

_URL_PREFIXES = ("http://", "https://")


def destinations(
    credentials: BaseModel, sources: list[str] | None = None
) -> Iterator[tuple[str, str, bool]]:
    """``(field, address, is_url)`` for every address the channel will connect to."""
    for name, value in credentials.model_dump().items():
        if name.endswith("_host") and isinstance(value, str) and value.strip():
            yield name, value.strip(), False
        for item in value if isinstance(value, list) else [value]:
            if _looks_like_url(item):
                yield name, item.strip(), True
    for source in sources or []:
        if _looks_like_url(source):
            yield "sources", source.strip(), True


def _looks_like_url(value: object) -> bool:
    return isinstance(value, str) and "://" in value and not value.startswith("//")


def check_destinations(
    credentials: BaseModel, sources: list[str] | None, policy: OutboundPolicy
) -> None:
    """Raise ``CredentialsInvalidError`` naming each field whose address the guard refuses."""
    refused: dict[str, str] = {}
    for name, address, is_url in destinations(credentials, sources):
        try:
            if is_url:
                check_url(address, policy)
            else:
                check_host(address, policy)
        except DestinationRefusedError as exc:
            refused.setdefault(name, exc.message)
    if refused:
        raise CredentialsInvalidError(refused)
