"""Which column holds what: the mapping a user confirms, and our guess at it.

The guess matches column names against names other tools use (English and French). Exact
names win; loose matches (``user.screen_name`` for the author) are tried only for fields where a
wrong guess is harmless. The id column is never guessed loosely: taking ``user_id`` for the
post id would merge every post of one author into a single mention.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from hearth.ingest.connectors.fileimport.dates import guess_day_first

PLATFORM_SLUG = r"^[a-z0-9][a-z0-9_.-]{0,39}$"
DEFAULT_PLATFORM = "file"

# Field → names seen in exports, most specific first (compared after normalising).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "text": (
        "text", "message", "content", "body", "full_text", "fulltext", "post", "comment",
        "tweet", "texte", "contenu", "commentaire", "snippet", "caption", "description",
        "message_text", "post_text", "mention", "review",
    ),
    "created_at": (
        "created_at", "date", "timestamp", "time", "datetime", "date_time", "published",
        "published_at", "posted_at", "created", "created_time", "date_published", "pubdate",
        "date_de_publication", "heure", "sent_at", "publication_date",
    ),
    "author": (
        "author", "username", "user_name", "screen_name", "handle", "user", "author_name",
        "author_handle", "from", "from_user", "auteur", "utilisateur", "pseudo", "name",
        "account", "compte", "nom",
    ),
    "url": ("url", "link", "permalink", "post_url", "href", "lien", "source_url", "web_url"),
    "id": (
        "id", "id_str", "post_id", "message_id", "tweet_id", "status_id", "comment_id",
        "mention_id", "review_id", "item_id", "external_id", "guid", "uuid", "identifier",
        "identifiant",
    ),
    # Not "source": Twitter exports use it for the client app ("Twitter for iPhone").
    "platform": (
        "platform", "network", "social_network", "reseau", "reseau_social", "plateforme", "site",
    ),
    "lang": ("lang", "language", "langue", "locale", "lang_code", "language_code"),
    "title": ("title", "subject", "titre", "headline", "sujet"),
}  # fmt: skip
LOOSE_FIELDS = ("text", "created_at", "author", "url", "lang", "title")
FIELD_ORDER = ("id", "text", "created_at", "url", "lang", "platform", "title", "author")


class ColumnMapping(BaseModel):
    """Column name for each field Hearth reads; None when the file has no such column."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, description="Required to import.")
    created_at: str | None = Field(default=None, description="Absent: the import time is used.")
    author: str | None = None
    url: str | None = None
    id: str | None = Field(default=None, description="Absent: a hash of the row is the id.")
    platform: str | None = None
    lang: str | None = None
    title: str | None = None
    default_platform: str = Field(default=DEFAULT_PLATFORM, pattern=PLATFORM_SLUG)
    day_first: bool = Field(default=True, description="Read 03/04/2026 as 3 April.")

    def columns(self) -> dict[str, str]:
        return {field: column for field in SYNONYMS if (column := getattr(self, field))}


def guess_mapping(columns: list[str], sample: Iterable[dict[str, str]] = ()) -> ColumnMapping:
    """Our best guess at the mapping, from column names and, for dates, sample values."""
    taken: set[str] = set()
    chosen: dict[str, str] = {}
    for loose in (False, True):
        for field in FIELD_ORDER:
            if field in chosen or (loose and field not in LOOSE_FIELDS):
                continue
            column = _best_column(field, columns, taken, loose=loose)
            if column is not None:
                chosen[field] = column
                taken.add(column)
    mapping = ColumnMapping.model_validate(chosen)
    if mapping.created_at:
        values = [row.get(mapping.created_at, "") for row in sample]
        mapping.day_first = guess_day_first(values)
    return mapping


def _best_column(field: str, columns: list[str], taken: set[str], *, loose: bool) -> str | None:
    names = {column: normalise(column) for column in columns if column not in taken}
    for synonym in SYNONYMS[field]:
        for column, name in names.items():
            if _matches(name, synonym, loose=loose):
                return column
    return None


def _matches(name: str, synonym: str, *, loose: bool) -> bool:
    if name == synonym:
        return True
    if not loose or len(synonym) < 4:
        return False
    # "user.screen_name" → "user__screen_name" ends with "screen_name"; "tweet_text" with "text".
    return name.endswith("_" + synonym) or name.startswith(synonym + "_")


def normalise(column: str) -> str:
    plain = unicodedata.normalize("NFKD", column.strip().lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    # A nested JSON key keeps its dot as "__", so "user.name" is not taken for "user_name".
    return re.sub(r"[^a-z0-9.]+", "_", plain).strip("_").replace(".", "__")
