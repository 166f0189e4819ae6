"""Fill French translations into the catalogue from a Python dict file (developer helper).

Usage: uv run python scripts/fill_translations.py translations.py  (the file defines a dict FR)
After `make messages`, untranslated entries are listed by tests/web/test_i18n.py.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parents[1] / "src/hearth/locale/fr/LC_MESSAGES/messages.po"


def main(source: str) -> None:
    namespace = runpy.run_path(source)
    table = next(v for k, v in namespace.items() if k.startswith("FR") and isinstance(v, dict))
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    filled = 0
    for message in catalog:
        if message.id and message.id in table and (not message.string or message.fuzzy):
            message.string, message.flags = table[message.id], set()
            filled += 1
    with PO.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, no_location=True, width=100)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"filled {filled}; still untranslated: {missing}")


if __name__ == "__main__":
    main(sys.argv[1])
