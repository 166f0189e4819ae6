"""One registry for connectors: the built-ins register through the same pluggy hook as plug-ins.

A third-party package adds a network by exposing an entry point in the ``hearth`` group whose
module implements ``hearth_connectors``; no ``if platform == …`` anywhere in Hearth.
"""

from __future__ import annotations

from functools import cache

import pluggy

from hearth.ingest.connectors.base import Connector
from hearth.kit.errors import NotFoundError

hookspec = pluggy.HookspecMarker("hearth")
hookimpl = pluggy.HookimplMarker("hearth")

# Built-in connector modules; each defines a ``hearth_connectors`` hookimpl.
BUILTIN_CONNECTOR_MODULES: tuple[str, ...] = (
    "hearth.ingest.connectors.mastodon",
    "hearth.ingest.connectors.bluesky",
    "hearth.ingest.connectors.reddit",
    "hearth.ingest.connectors.discourse",
    "hearth.ingest.connectors.rss",
    "hearth.ingest.connectors.webhook",
    "hearth.ingest.connectors.email",
    "hearth.ingest.connectors.fileimport",
)


class ConnectorSpec:
    @hookspec
    def hearth_connectors(self) -> list[type[Connector]]:  # type: ignore[empty-body]
        """Return the connector classes this plug-in provides."""


class UnknownPlatformError(NotFoundError):
    """No connector is registered for this platform."""


@cache
def plugin_manager() -> pluggy.PluginManager:
    import importlib

    pm = pluggy.PluginManager("hearth")
    pm.add_hookspecs(ConnectorSpec)
    for name in BUILTIN_CONNECTOR_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a built-in still being written must not break others
            if exc.name != name:
                raise
            continue
        pm.register(module, name=name)
    pm.load_setuptools_entrypoints("hearth")
    return pm


def connector_classes() -> dict[str, type[Connector]]:
    found: dict[str, type[Connector]] = {}
    for batch in plugin_manager().hook.hearth_connectors():
        for cls in batch:
            found[cls.platform] = cls
    return dict(sorted(found.items()))


def get_connector_class(platform: str) -> type[Connector]:
    try:
        return connector_classes()[platform]
    except KeyError:
        raise UnknownPlatformError(f"no connector for platform {platform!r}") from None
