"""File import: CSV and JSON lines exported from other listening or social tools.

Nothing is pulled from a network: a user uploads a file, sees a :func:`preview` (columns, first
rows, our guess at which column is the text, the date, the author…, and what would be refused),
adjusts the :class:`ColumnMapping`, then :func:`import_rows` (or :func:`import_batches` for big
files) turns each valid row into a mention and each bad row into ``Rejected("line N: why")``.
Re-importing the same file is harmless: ids come from the file's id column, or a hash of the row.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hearth.ingest.connectors.base import (
    ConnectionCheck,
    Connector,
    FetchRequest,
    FetchResult,
)
from hearth.ingest.connectors.fileimport.dates import parse_date
from hearth.ingest.connectors.fileimport.mapping import (
    DEFAULT_PLATFORM,
    PLATFORM_SLUG,
    ColumnMapping,
    guess_mapping,
)
from hearth.ingest.connectors.fileimport.reader import MAX_FILE_BYTES, ImportFileError
from hearth.ingest.connectors.fileimport.rows import (
    Preview,
    RowError,
    import_batches,
    import_rows,
    preview,
    row_hash,
)
from hearth.ingest.connectors.registry import hookimpl

__all__ = [
    "MAX_FILE_BYTES",
    "ColumnMapping",
    "FileImportConnector",
    "FileImportSettings",
    "ImportFileError",
    "Preview",
    "RowError",
    "guess_mapping",
    "hearth_connectors",
    "import_batches",
    "import_rows",
    "parse_date",
    "preview",
    "row_hash",
]


class FileImportSettings(BaseModel):
    """Defaults for a file-import channel; the mapping itself is confirmed per upload."""

    model_config = ConfigDict(extra="forbid")

    default_platform: str = Field(default=DEFAULT_PLATFORM, pattern=PLATFORM_SLUG)


class FileImportConnector(Connector):
    platform = DEFAULT_PLATFORM
    label = "File import (CSV / JSON lines)"
    capabilities = frozenset()
    credentials_model = FileImportSettings

    def test_connection(self) -> ConnectionCheck:
        return ConnectionCheck(ok=True, message="Nothing to connect to: upload a CSV or JSON file.")

    def fetch(self, request: FetchRequest, cursor: dict[str, Any]) -> FetchResult:
        # Files are uploaded, never pulled; see preview() and import_rows().
        return FetchResult(items=[], cursor=cursor)


@hookimpl
def hearth_connectors() -> list[type[Connector]]:
    return [FileImportConnector]
