"""Normalisers for the fields a labeller finds but cannot shape: page ranges,
volume/issue/pages blocks, titles and container names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "LEADING_IN_RE",
    "VOLUME_PREFIX_RE",
    "VolumeBlock",
    "clean_container",
    "clean_title",
    "compose_accents",
    "expand_pages",
    "find_volume_block",
    "parse_volume_block",
]

# PDF text often carries accents as separate spacing characters before the letter
# ("G¨uttler", "Andr´ e"); put them back on the letter ("Güttler", "André").
_SPACING_ACCENTS = {
    "¨": "\u0308", "´": "\u0301", "`": "\u0300", "ˆ": "\u0302", "^": "\u0302",
    "˜": "\u0303", "~": "\u0303", "¯": "\u0304", "ˇ": "\u030c", "¸": "\u0327",
    "˚": "\u030a", "˝": "\u030b", "˘": "\u0306", "˙": "\u0307",
}  # fmt: skip
# Acute and diaeresis are also seen detached by a space ("M¨ uller").
_SPACING_ACCENT_RE = re.compile(
    r"(?<=\w)(´ ?|¨ ?|[`ˆ^˜~¯ˇ¸˚˝˘˙])([a-z])|(?<=\w)([`ˆ^˜~¯ˇ¸˚˝˘˙´¨])([A-Z])"
    r"|(?<!\S)([¨´ˆ˜¯ˇ˚˝˘˙])([A-Za-z])"
)


_ANY_ACCENT_RE = re.compile("[" + "".join(_SPACING_ACCENTS).replace("^", "\\^") + "]")


# Patterns of the hot path, compiled once.
# A volume's word before its number, as a whole word ("Vol. 12", "Bd. 4", "Band 27",
# "t. 3"); "Volcano" keeps its "Vol".
VOLUME_PREFIX_RE = re.compile(r"^(?:(?:vol(?:ume)?s?|bd|band|tome)\b\.?|v\.|t\.)\s*", re.IGNORECASE)
_PAGES_WORD_RE = re.compile(r"^(?:pages?|pp?\.?|S\.|seiten)\s*", re.IGNORECASE)
_RANGE_PARTS_RE = re.compile(r"([A-Za-z]*)(\d+)-([A-Za-z]*)(\d+)")
#: The "In"/"In:" that introduces a container or a chapter's editors ("Dans :", "En").
LEADING_IN_RE = re.compile(r"^(?:in|dans|en)\s*:?\s+", re.IGNORECASE)
_PNAS_USA_RE = re.compile(r"^(Proc Nat[lI] Acad Sci)\s*,?\s+USA\.?$")
# "Math. Notes (translation)", "Dokl. Akad. Nauk (Russian)": what edition of the
# journal, not its name.
_TRANSLATION_NOTE_RE = re.compile(
    r"\s*\((?:English\s+)?translation\)|\s*\((?:in\s+)?(?:Russian|Chinese|Japanese)\)",
    re.IGNORECASE,
)
_ABBREVIATION_END_RE = re.compile(r"\b(?:[A-Z]|al|etc|Inc|Ltd|Co|St|vs)\.$")


def compose_accents(text: str) -> str:
    """``G¨uttler`` -> ``Güttler``, ``Andr´ e`` -> ``André`` (NFC)."""
    if not _ANY_ACCENT_RE.search(text):
        return text

    def put(m: re.Match[str]) -> str:
        accent = (m.group(1) or m.group(3) or m.group(5)).strip()
        letter = m.group(2) or m.group(4) or m.group(6)
        return unicodedata.normalize("NFC", letter + _SPACING_ACCENTS[accent])

    return _SPACING_ACCENT_RE.sub(put, text)


_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_DASH_RE = re.compile(f"\\s*[{_DASHES}-]+\\s*")


def expand_pages(pages: str) -> str:
    """``211-8`` -> ``211-218``; en dashes become hyphens; ``pp.`` is dropped.

    Abbreviated last pages are expanded only when both ends are plain numbers
    (``e123-e130`` and ``S1-S5`` keep their letters).
    """
    text = pages.strip().strip("()[] ")
    text = _PAGES_WORD_RE.sub("", text)
    text = _DASH_RE.sub("-", text).strip(" .,;:")
    m = _RANGE_PARTS_RE.fullmatch(text)
    if not m:
        return text
    p1, first, p2, last = m.groups()
    if p2 and p2 != p1:
        return text
    if last == first and p2 in ("", p1):  # "178-178" is one page
        return f"{p1}{first}"
    if len(last) < len(first):
        # Always by the digits: "1429-17" is 1429-1417 even though that runs backwards.
        # The range is wrong either way, and this is how bibliographic data (and the
        # labelled references refcheck is measured on) expand it.
        last = first[: len(first) - len(last)] + last
    return f"{p1}{first}-{p1}{last}"


@dataclass(frozen=True)
class VolumeBlock:
    """The pieces of a ``2009;54(3):211-8`` block."""

    year: str | None = None
    month_text: str | None = None  # "Oct 12", "May-Jun": kept for the date parser
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    number: str | None = None  # article numbers: Cochrane CD000121, e-locators
    start: int = 0
    end: int = 0


_VANCOUVER_BLOCK = re.compile(
    r"(?P<year>(?:1[5-9]|20)\d\d)[a-z]?"
    r"(?P<mon>\s+[A-Z][a-z]{2,8}\.?(?:\s*\d{1,2})?(?:\s*[-/]\s*[A-Z]?[a-z]{0,8}\.?(?:\s*\d{1,2})?)?)?"
    r"(?:\s*;\s*(?P<vol>[A-Za-z]?\d[\w.\-]*(?:\s+(?:Suppl|Pt|Spec)\.?\s*\w*)?)?"
    r"(?:\s*\((?P<iss>[^()]{1,30})\))?"
    r"(?:\s*:\s*(?P<pages>[A-Za-z]{0,3}\d[\w]*(?:\s*[-\u2013\u2014]\s*[A-Za-z]{0,3}\d\w*)?(?:,\s*\d+(?:-\d+)?)*))?"
    r"|\s*:\s*(?P<num>CD\d{6}|[A-Za-z]{0,2}\d[\w]*))"
)
_VOL_ISSUE_PAGES = re.compile(
    r"^\s*(?:vol\.?\s*)?(?P<vol>[A-Za-z]?\d[\w.\-]*)?\s*,?\s*(?:\((?P<iss>[^()]{1,30})\))?"
    r"\s*(?::\s*(?P<pages>[A-Za-z]{0,3}\d\w*(?:\s*[-\u2013]\s*[A-Za-z]{0,3}\d\w*)?))?"
)


_PAGES_PART = r"(?P<pages>[A-Za-z]{0,3}\d\w*(?:\s*[-\u2013\u2014]\s*[A-Za-z]{0,3}\d\w*)?)"
_VOL_ISSUE_PART = (
    r"(?P<vol>[A-Za-z]?\d[\w.]*)"
    r"(?:\s*\((?P<iss>[^()]{1,30})\)|\s*:?\s+(?P<sup>(?:Suppl|Pt)\.?\s*\w+))?"
)
# The same block in the orders other medical journals print it: "(1998) 9:1379-1394",
# "158:649-57, 1997", "1999, 83: 143D-150D" (BioMed Central), "2001; 29, pages 278-280".
_OTHER_BLOCKS = (
    re.compile(rf"\((?P<year>(?:1[5-9]|20)\d\d)[a-z]?\)\s*{_VOL_ISSUE_PART}\s*:\s*{_PAGES_PART}"),
    re.compile(
        rf"(?<![\w.:;/-]){_VOL_ISSUE_PART}\s*:\s*{_PAGES_PART},\s*(?P<year>(?:1[5-9]|20)\d\d)[a-z]?"
    ),
    re.compile(rf"(?P<year>(?:1[5-9]|20)\d\d)[a-z]?,\s*{_VOL_ISSUE_PART}\s*:\s*{_PAGES_PART}"),
    re.compile(
        rf"(?P<year>(?:1[5-9]|20)\d\d)[a-z]?\s*;\s*{_VOL_ISSUE_PART},\s*pages\s+{_PAGES_PART}"
    ),
    # No year at all: "Authors. 2005. Title. J. Biochem. 133:651-657." (the year came
    # first); only at the very end of the text.
    re.compile(rf"(?<![\w.:;/-]){_VOL_ISSUE_PART}\s*:\s*{_PAGES_PART}(?=[\s.]*$)"),
)


def find_volume_block(text: str) -> VolumeBlock | None:
    """Find a Vancouver/AMA block (``2009;54(3):211-8``, ``2002:CD000121``,
    ``2010 Oct 12;5:e123``, and the orders ``(1998) 9:1379-94``, ``158:649-57, 1997``,
    ``1999, 83: 143D-150D``); the last one in the text wins, as it follows the journal."""
    found = None
    for m in _VANCOUVER_BLOCK.finditer(text):
        found = m
    if ":" in text or "pages" in text:
        for pattern in _OTHER_BLOCKS:
            for m in pattern.finditer(text):
                if found is None or m.end() > found.end():
                    found = m
    if found is None:
        return None
    g = found.groupdict()
    pages = expand_pages(g["pages"]) if g.get("pages") else None
    return VolumeBlock(
        year=g.get("year"),
        month_text=(g.get("mon") or "").strip() or None,
        volume=(g.get("vol") or "").strip() or None,
        issue=(g.get("iss") or g.get("sup") or "").strip() or None,
        pages=pages,
        number=g.get("num"),
        start=found.start(),
        end=found.end(),
    )


def parse_volume_block(text: str) -> tuple[str | None, str | None, str | None]:
    """Split a labelled volume span (``54(3):211-8``, ``vol. 12``) into volume, issue
    and pages."""
    text = text.strip().strip(",.;")
    block = find_volume_block(text)
    if block is not None:
        return block.volume, block.issue, block.pages
    m = _VOL_ISSUE_PAGES.match(text)
    if not m:
        return None, None, None
    pages = expand_pages(m.group("pages")) if m.group("pages") else None
    return m.group("vol"), m.group("iss"), pages


_QUOTES = "\"'“”‘’«»„"


def clean_title(text: str) -> str | None:
    """Drop surrounding quotes, final sentence punctuation (not ``?`` or ``!``) and
    bracketed medium markers like ``[Internet]``."""
    text = compose_accents(" ".join(text.split()))
    # Medium and genre markers are not part of the title (the type keeps what they say).
    text = re.sub(
        r"\s*\[\s*(?:Internet|online|Online|serial online|electronic resource|Data ?set|Dataset"
        r"|Computer software|Software|Computer program|Video|Podcast|Blog post|Tweet"
        r"|PhD thesis|Doctoral dissertation|Master'?s thesis|dissertation|thesis"
        r"|fact sheet|press release|news release|editorial|letter|abstract|commentary)\s*\]\s*",
        " ",
        text,
        flags=re.IGNORECASE,
    ).strip()
    text = text.strip(" ,;:")
    if text.endswith(".") and not _ABBREVIATION_END_RE.search(text):
        text = text[:-1]
    text = text.strip()
    if text.startswith("``") and text.rstrip(",.").endswith("''"):
        text = text[2:].rstrip(",.")[:-2]  # LaTeX's ``quotes''
    if len(text) >= 2 and text[0] in _QUOTES:
        text = text[1:].strip()
        if text and text[-1] in _QUOTES:
            text = text[:-1]
        elif len(text) >= 2 and text[-1] in ",." and text[-2] in _QUOTES:
            text = text[:-2]
    text = text.strip().rstrip(",;:").strip()
    if text.endswith(".") and not _ABBREVIATION_END_RE.search(text):
        text = text[:-1].rstrip()
    return text or None


def clean_container(text: str) -> str | None:
    """Drop a leading ``In:``/``In``, quotes and final punctuation."""
    text = " ".join(text.split())
    text = LEADING_IN_RE.sub("", text)
    # "Proc Natl Acad Sci USA": in Vancouver references the "USA" is the society's
    # place, not part of the journal's name (GROBID's labelled corpus marks it so).
    text = _PNAS_USA_RE.sub(r"\1", text)
    text = _TRANSLATION_NOTE_RE.sub("", text)
    return clean_title(text)
