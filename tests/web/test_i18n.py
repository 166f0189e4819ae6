from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from hearth.web import i18n

SRC = Path(__file__).resolve().parents[2] / "src" / "hearth"
METHODS = [("**/web/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def _ui_strings() -> set[str]:
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(SRC), METHODS, options_map=OPTIONS, keywords={"_": None, "gettext": None, "N_": None}
    ):
        if isinstance(message, str) and message:
            found.add(message)
    return found


def test_every_ui_string_has_a_french_translation() -> None:
    strings = _ui_strings()
    assert len(strings) > 50
    catalog = i18n._catalog("fr")
    missing = sorted(s for s in strings if not catalog.get(s))
    assert missing == [], f"untranslated (run `make messages` and translate): {missing[:10]}"


def test_placeholders_survive_translation() -> None:
    import re

    for source, translated in i18n._catalog("fr").items():
        assert set(re.findall(r"%\(\w+\)s", source)) == set(re.findall(r"%\(\w+\)s", translated))


def test_negotiation_prefers_the_first_supported_language() -> None:
    assert i18n.negotiate("de-DE,fr;q=0.8,en;q=0.5") == "fr"
    assert i18n.negotiate("es") == "en"
