"""Text normalisation shared by matching and judging: DOIs, names, titles, pages."""

from __future__ import annotations

import re
import unicodedata

# A DOI as registered: "10." + registrant code + "/" + suffix without spaces.
_DOI_RE = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$")
_DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}(?:\.\d+)*/[^\s\"<>]+)", re.IGNORECASE)
_DOI_PREFIXES = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|doi\s+|https?://doi\.org/)", re.IGNORECASE
)

# Letters that NFKD does not decompose into ASCII but readers write without marks.
_EXTRA_FOLD = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "‐": "-",
        "‑": "-",
        "–": "-",
        "—": "-",
        "’": "'",
        "‘": "'",
    }
)

# Name particles that styles drop, keep or move ("van der Berg" -> "Berg").
PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "lo",
        "ten",
        "ter",
        "al",
        "el",
        "bin",
        "ibn",
        "mac",
        "st",
    ]
)


def fold(text: str) -> str:
    """Lowercase ASCII: diacritics removed, ligatures expanded, dashes unified."""
    text = text.translate(_EXTRA_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower()


def words(text: str) -> list[str]:
    """Folded alphanumeric tokens; '&' counts as 'and'."""
    # Unicode letters and digits, so titles in Korean, Chinese, Greek ... keep their words.
    return re.findall(r"[^\W_]+", fold(text).replace("&", " and "))


def norm_title(text: str) -> str:
    """A title reduced to folded words joined by single spaces (markup removed)."""
    text = re.sub(r"<[^>]+>", " ", text)  # Crossref titles carry <i>, <sub>, ...
    return " ".join(words(text))


def squash(text: str) -> str:
    """Folded letters and digits only: 'J. Midwifery Women's Health' -> 'jmidwiferywomenshealth'."""
    return "".join(words(text))


def normalize_doi(text: str | None) -> str | None:
    """The DOI without prefixes, in its own case, or ``None`` if there is none.

    Accepts ``doi:`` prefixes and resolver URLs; strips trailing punctuation a
    sentence adds ("...003." ). Does not check the syntax: see ``is_valid_doi``.
    """
    if not text:
        return None
    doi = text.strip()
    doi = _DOI_PREFIXES.sub("", doi).strip()
    doi = doi.rstrip(".,;")
    # "(doi:10.1000/xyz)": drop closing brackets the DOI did not open; keep balanced
    # ones, which DOIs carry (10.1016/S0140-6736(20)30183-5).
    while (
        doi and doi[-1] in ")]" and doi.count(doi[-1]) > doi.count("(" if doi[-1] == ")" else "[")
    ):
        doi = doi[:-1].rstrip(".,;")
    return doi or None


def doi_key(doi: str) -> str:
    """A DOI for comparison and as a cache key (DOIs are case-insensitive)."""
    return doi.strip().lower()


def is_valid_doi(doi: str) -> bool:
    """Whether a (normalised) DOI has the registered syntax 10.NNNN/suffix."""
    return bool(_DOI_RE.match(doi)) and len(doi) < 300


def find_doi(text: str) -> str | None:
    """The first DOI written in a free text, normalised."""
    match = _DOI_IN_TEXT.search(text)
    return normalize_doi(match.group(1)) if match else None


def family_key(name: str) -> str:
    """A family name folded for comparison: particles and punctuation dropped.

    "van der Berg" -> "berg", "García-López" -> "garcialopez", "O'Brien" -> "obrien".
    """
    tokens = words(name.replace("'", ""))
    while len(tokens) > 1 and tokens[0] in PARTICLES:
        tokens = tokens[1:]
    return "".join(tokens)


def first_page(page: str | None) -> str | None:
    """The first page or e-locator of a page field: '211-218' -> '211', 'e33693' -> 'e33693'."""
    if not page:
        return None
    head = re.split(r"\s*[-–—,]\s*", page.strip())[0]
    head = re.sub(r"^(?:pp?\.?\s*)", "", head, flags=re.IGNORECASE)
    return head.lower().lstrip("0") or head.lower() or None


def expand_range(page: str | None) -> tuple[str, str | None] | None:
    """Pages as (first, last) with abbreviated ranges expanded: '1211-18' -> ('1211', '1218')."""
    if not page:
        return None
    parts = re.split(r"\s*[-–—]\s*", page.strip(), maxsplit=1)
    first = first_page(parts[0])
    if first is None:
        return None
    if len(parts) == 1 or not parts[1]:
        return first, None
    last = parts[1].strip().lower()
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return first, last


def article_number_key(text: str | None) -> str | None:
    """An article number reduced for comparison: 'CD000121' and '2002:CD000121' -> 'cd000121'."""
    if not text:
        return None
    text = text.strip().lower()
    text = re.sub(r"^\d{4}\s*[:;(]\s*\d*\)?\s*[:;]?\s*", "", text)  # "2002:" / "2002;(1):"
    text = re.sub(r"\.pub\d+$", "", text)
    return re.sub(r"[^a-z0-9]", "", text) or None


def number_tokens(text: str) -> set[str]:
    """Every run of digits (and e-locators like 'e1234', Cochrane 'cd000121') in a text."""
    folded = fold(text)
    out = set(re.findall(r"\b[a-z]{0,2}\d+\b", folded))
    out |= {t.lstrip("0") or "0" for t in re.findall(r"\d+", folded)}
    return out


def years_in(text: str) -> set[int]:
    """Four-digit years 1600..2099 written in a text."""
    return {int(y) for y in re.findall(r"(?<!\d)(1[6-9]\d\d|20\d\d)(?!\d)", text)}
