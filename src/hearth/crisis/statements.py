"""Holding statements: short public texts for the first hours of a crisis, in French and English.

A holding statement says that the brand has seen what people are talking about, takes it
seriously, is finding out, and says when it will speak again. It promises nothing it cannot
keep and blames no one. The templates are starting points: the drafter edits the text before it
is approved, and the placeholders are filled from the incident and the workspace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from string import Formatter

LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class StatementTemplate:
    key: str
    name: dict[str, str]  # per language, shown in the picker
    text: dict[str, str]  # per language, with {brand} {topic} {next_update} {contact}


TEMPLATES: tuple[StatementTemplate, ...] = (
    StatementTemplate(
        "acknowledge",
        {"fr": "Nous avons vu, nous vérifions", "en": "We have seen it, we are checking"},
        {
            "fr": (
                "Nous avons vu les messages au sujet de {topic} et nous les prenons très au "
                "sérieux. Nos équipes vérifient les faits en ce moment même. Nous reviendrons "
                "vers vous ici avant {next_update}. — {brand}"
            ),
            "en": (
                "We have seen the posts about {topic} and we take them very seriously. Our "
                "teams are checking the facts right now. We will update you here by "
                "{next_update}. — {brand}"
            ),
        },
    ),
    StatementTemplate(
        "apology",
        {"fr": "Nous sommes désolés, voici ce que nous faisons", "en": "We are sorry, here is "
         "what we are doing"},
        {
            "fr": (
                "Ce qui s'est passé ({topic}) n'est pas acceptable et nous vous présentons nos "
                "excuses. Nous avons pris des mesures immédiates et nous vous tiendrons informés "
                "avant {next_update}. Pour toute question : {contact}. — {brand}"
            ),
            "en": (
                "What happened ({topic}) is not acceptable and we apologise. We have taken "
                "immediate action and will keep you informed by {next_update}. Questions: "
                "{contact}. — {brand}"
            ),
        },
    ),
    StatementTemplate(
        "update",
        {"fr": "Point d'étape", "en": "Update"},
        {
            "fr": (
                "Point d'étape sur {topic} : voici ce que nous savons et ce que nous faisons. "
                "[À compléter] Prochain point avant {next_update}. — {brand}"
            ),
            "en": (
                "Update on {topic}: here is what we know and what we are doing. [To complete] "
                "Next update by {next_update}. — {brand}"
            ),
        },
    ),
    StatementTemplate(
        "closing",
        {"fr": "Fin de l'incident, merci", "en": "Closing, thank you"},
        {
            "fr": (
                "Merci pour vos messages au sujet de {topic}. Voici ce que nous avons changé : "
                "[À compléter]. Pour toute question : {contact}. — {brand}"
            ),
            "en": (
                "Thank you for your messages about {topic}. Here is what we have changed: "
                "[To complete]. Questions: {contact}. — {brand}"
            ),
        },
    ),
)
TEMPLATE_BY_KEY = {t.key: t for t in TEMPLATES}
PLACEHOLDERS = ("brand", "topic", "next_update", "contact")
# What the templates mark for the drafter to write; an approver cannot approve a text with it.
TO_COMPLETE = re.compile(r"\[(?:À compléter|To complete)\]")


def fill(template: StatementTemplate, language: str, values: dict[str, str]) -> str:
    """The template's text with its placeholders filled; a missing value keeps its {name}."""
    text = template.text.get(language) or template.text["en"]
    out = []
    for literal, field, _spec, _conv in Formatter().parse(text):
        out.append(literal)
        if field is not None:
            out.append(values.get(field) or "{" + field + "}")
    return "".join(out)


def unfinished_parts(text: str) -> list[str]:
    """Placeholders left unfilled and "[to complete]" marks: what stops an approval."""
    left = [f"{{{name}}}" for name in PLACEHOLDERS if f"{{{name}}}" in text]
    left += TO_COMPLETE.findall(text)
    return left
