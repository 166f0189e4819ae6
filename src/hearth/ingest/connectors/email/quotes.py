"""Keep what the sender wrote, drop what they quoted: "> …" lines, attribution tails, signatures.

Support mail is mostly replies; storing the whole quoted history would repeat the brand's own
answers in every mention and skew sentiment and search. We cut at the first attribution line
("On … wrote:", "Le … a écrit :", Outlook's "-----Original Message-----" or "From:/Sent:"
header block), remove remaining "> " lines (interleaved replies keep their own lines), and drop a
"-- " signature. When nothing would remain, the original text is kept: losing a message is worse
than keeping a quote.
"""

from __future__ import annotations

import re

_ATTRIBUTION = re.compile(
    r"^\s*("
    r"On\s.{1,300}\swrote\s*:"
    r"|Le\s.{1,300}\sa\s+[ée]crit\s*:"
    r"|El\s.{1,300}\sescribi[óo]\s*:"
    r"|Am\s.{1,300}\sschrieb\s.{0,300}:"
    r")\s*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^\s*(-{2,}\s*(Original Message|Message d'origine|Forwarded message|Message transf[ée]r[ée])"
    r"\s*-{2,}|_{20,})\s*$",
    re.IGNORECASE,
)
_FROM_HEADER = re.compile(r"^\s*\*?(From|De)\s?:\*?\s", re.IGNORECASE)
_SENT_HEADER = re.compile(r"^\s*\*?(Sent|Date|Envoy[ée]|To|À|A)\s?:\*?\s", re.IGNORECASE)
_SIGNATURE = re.compile(r"^-- ?$")
_ATTRIBUTION_START = re.compile(r"^\s*(On|Le|El|Am)\s", re.IGNORECASE)


def strip_quoted(text: str) -> str:
    """The sender's own words from a plain-text mail body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = lines[: _quote_start(lines)]
    lines = lines[: _signature_start(lines)]
    own = [line for line in lines if not line.lstrip().startswith(">")]
    result = re.sub(r"\n{3,}", "\n\n", "\n".join(own)).strip()
    return result or text.strip()


def _quote_start(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if _SEPARATOR.match(line) or _ATTRIBUTION.match(line):
            return index
        # Mail clients wrap long attributions ("On Mon, 1 Jan 2024, Jane <jane@…>\nwrote:").
        wrapped = _ATTRIBUTION_START.match(line) and index + 1 < len(lines)
        if wrapped and _ATTRIBUTION.match(f"{line} {lines[index + 1]}"):
            return index
        if _FROM_HEADER.match(line) and _header_block_follows(lines, index):
            return index
    return len(lines)


def _header_block_follows(lines: list[str], index: int) -> bool:
    following = lines[index + 1 : index + 4]
    return any(_SENT_HEADER.match(line) for line in following)


def _signature_start(lines: list[str]) -> int:
    for index in range(len(lines) - 1, -1, -1):
        if _SIGNATURE.match(lines[index]):
            return index
    return len(lines)
