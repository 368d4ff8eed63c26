"""Identifier extraction: DOI, PMID, PMCID, arXiv, ISBN, ISSN, URLs.

Identifiers are found by pattern, not by the labeller: their shapes are exact, so
rules are both more precise and faster. ``find_identifiers`` returns the values and the
character spans they occupy so the caller can blank them out before labelling the
rest of the reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

__all__ = ["Identifiers", "clean_doi", "clean_url", "find_identifiers"]

# A DOI: "10." registrant "/" suffix; the suffix runs to whitespace.
_DOI_RE = re.compile(
    r"(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/|\bdoi\s*[:.]?\s*|\bDOI\s*[:.]?\s*)?"
    r"(?P<doi>10\.\d{4,9}/[^\s\"<>]+)",
    re.IGNORECASE,
)
_URL_RE = re.compile(
    r"(?:<\s*)?(?P<url>(?:https?|ftp)://[^\s<>\"]+|\bwww\.[^\s<>\"]+\.[^\s<>\"]+)",
    re.IGNORECASE,
)
# MLA 8 and later print addresses without their scheme: "medlineplus.gov/ency/article/
# 003185.htm". A bare host counts only with a common top-level domain and a path, so a
# site named "Healthline.com" stays a name.
_TLDS = "com|org|net|edu|gov|int|info|io|uk|de|fr|es|it|nl|ca|au|eu|ch|se|jp|in|nz|ie"
_BARE_URL_GATE_RE = re.compile(rf"\.(?:{_TLDS})/", re.IGNORECASE)
_BARE_URL_RE = re.compile(
    rf"(?<![\w@/.:-])(?P<url>(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{_TLDS})"
    r"/[^\s<>\"]+)",
    re.IGNORECASE,
)
# "PubMed PMID: 30362100", "PubMed Central PMCID: PMC3552619" (PubMed's own export).
_PMID_RE = re.compile(r"\b(?:PubMed\s+)?PMID\s*[:.]?\s*(?P<v>\d{1,9})\b")
_PMCID_RE = re.compile(
    r"\b(?:(?:PubMed\s*Central\s*)?PMCID\s*[:.]?\s*)?(?:PMC(?=PMC))?(?P<v>PMC\d{3,10})\b"
)
_ARXIV_RE = re.compile(
    r"\barXiv\s*[:.]?\s*(?:abs/)?(?P<v>\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)",
    re.IGNORECASE,
)
# Old-style arXiv identifiers stand alone in physics references: "ApJ, 587, 390,
# astro-ph/0301413", "hep-th/9711200".
_BARE_ARXIV_RE = re.compile(
    r"(?<![\w/.-])(?P<v>(?:astro-ph|hep-th|hep-ph|hep-ex|hep-lat|gr-qc|cond-mat|quant-ph"
    r"|math-ph|nucl-th|nucl-ex|nlin|physics|math|cs|q-bio|q-fin|stat)(?:\.[A-Z]{2})?/\d{7}"
    r"(?:v\d+)?)(?![\w/])"
)
_ISBN_RE = re.compile(
    r"\bISBN(?:-1[03])?\s*[:.]?\s*(?P<v>(?:97[89][\- ]?)?\d[\d\- ]{7,12}[\dXx])\b"
)
_ISSN_RE = re.compile(r"\b(?:e-?|p-?)?ISSN\s*[:.]?\s*(?P<v>\d{4}-?\d{3}[\dXx])\b", re.IGNORECASE)
# "Available from:", "Available at:", "URL:", "Online:" introduce an address.
_URL_INTRO_RE = re.compile(
    r"(?:\b(?:available\s+(?:from|at|online)|available|retrieved\s+from|online|url|en\s+ligne"
    r"|disponible\s+(?:sur|en)|verfügbar\s+unter|online\s+verfügbar\s+unter|online\s+unter"
    r"|abrufbar\s+unter|recuperado\s+de|retirado\s+de|consultable\s+en)\s*:?\s*)$",
    re.IGNORECASE,
)

_TRAILING = ".,;:'\"»”’"
_BROKEN_URL_END_RE = re.compile(r"(?:/|www\.|[-_])$", re.IGNORECASE)
# What may continue an address after a line break: a path piece with a "/", a file
# name or a host ("boston.com/…"), never "(accessed", "[cited" or a plain word.
_URL_CONTINUATION_RE = re.compile(
    r"[ \t]{1,2}(?P<more>[\w~%-]+(?:\.[\w-]+)*"
    r"(?:/[^\s<>\"]*|\.(?:html?|php|aspx?|pdf|shtml?|cfm|jsp|xml)\b[^\s<>\"]*))"
)
# "doi:10.1126/science.1193063.PMID:20847271": a DOI suffix runs to whitespace, but a
# label glued on after a stop starts the next identifier, not more of the DOI.
_GLUED_LABEL_RE = re.compile(r"[.,;](?=(?:PMID|PMCID)\s*:?\s*\d|PMC\d{3}|Epub\b|ISSN\b|ISBN\b)")


def _strip_doi(value: str) -> str:
    """A DOI without the label glued on after it (".PMID:123") and without trailing
    punctuation."""
    glued = _GLUED_LABEL_RE.search(value)
    return _strip_trailing(value[: glued.start()] if glued else value)


def _strip_trailing(value: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets after an identifier."""
    while value:
        last = value[-1]
        if (
            last in _TRAILING
            or (last == ")" and value.count("(") < value.count(")"))
            or (last == "]" and value.count("[") < value.count("]"))
            or last == ">"
        ):
            value = value[:-1]
        else:
            break
    return value


def clean_doi(value: str) -> str | None:
    """A bare, lower-case DOI from a DOI, ``doi:`` string or doi.org URL."""
    m = _DOI_RE.search(unquote(value))
    if not m:
        return None
    doi = _strip_doi(m.group("doi"))
    return doi.lower() if "/" in doi and len(doi) > 8 else None


def clean_url(value: str) -> str:
    """A URL without trailing sentence punctuation; ``www.`` gets ``http://``."""
    url = _strip_trailing(value.strip())
    if url.lower().startswith("www."):
        url = "http://" + url
    return url


@dataclass
class Identifiers:
    """Identifiers found in a reference, with the spans they occupied."""

    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    arxiv: str | None = None
    isbn: str | None = None
    issn: str | None = None
    urls: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` touches a span already taken."""
        return any(s < end and start < e for s, e in self.spans)


def find_identifiers(text: str) -> Identifiers:
    """Find every identifier in ``text``.

    URLs that point at doi.org become the DOI (not a URL), as CSL users expect.
    Spans include the introducing label ("doi:", "PMID:", "Available from:").
    """
    ids = Identifiers()
    # Cheap substring checks first: most references have few or no identifiers, and the
    # patterns below are scanned over the whole text.
    low = text.lower()
    if "://" not in text and "www." not in low:
        urls: Iterator[re.Match[str]] = iter(())
    else:
        urls = _URL_RE.finditer(text)
    for m in urls:
        found, found_end = m.group("url"), m.end("url")
        if _BROKEN_URL_END_RE.search(found):
            # A line break inside an address leaves a space in it ("http://www. boston.com/…",
            # ".../tateresearch/ tatepapers/08spring/x.shtm"): checked as it stands, the
            # address would be reported dead.
            more = _URL_CONTINUATION_RE.match(text, found_end)
            if more:
                found, found_end = found + more.group("more"), more.end()
        raw = _strip_trailing(found)
        start, end = m.start(), found_end - (len(found) - len(raw))
        intro = _URL_INTRO_RE.search(text, max(0, start - 40), start)
        if intro:
            start = intro.start()
        if re.match(r"(?:https?://)?(?:dx\.|www\.)?doi\.org/", raw, re.IGNORECASE):
            doi = clean_doi(raw)
            if doi and ids.doi is None:
                ids.doi = doi
        else:
            ids.urls.append(clean_url(raw))
        ids.spans.append((start, end))
    if "/" in text and _BARE_URL_GATE_RE.search(text):
        for m in _BARE_URL_RE.finditer(text):
            if ids.overlaps(m.start(), m.end()):
                continue
            raw = _strip_trailing(m.group("url"))
            if raw.lower().startswith(("doi.org/", "dx.doi.org/")):
                continue  # the DOI pattern below reads it
            ids.urls.append("https://" + raw)
            ids.spans.append((m.start(), m.start() + len(raw)))
    for m in _DOI_RE.finditer(text) if "10." in text else ():
        if ids.overlaps(m.start("doi"), m.end("doi")):
            continue
        doi = _strip_doi(m.group("doi"))
        if ids.doi is None:
            ids.doi = doi.lower()
        ids.spans.append((m.start(), m.start("doi") + len(doi)))
    for regex, attr, hint in (
        (_PMID_RE, "pmid", "pmid"),
        (_PMCID_RE, "pmcid", "pmc"),
        (_ARXIV_RE, "arxiv", "arxiv"),
        # Old-style IDs are numbered 9107001-0703999: a "/9" or "/0" must be there.
        (_BARE_ARXIV_RE, "arxiv", "/0" if "/0" in low else "/9"),
        (_ISBN_RE, "isbn", "isbn"),
        (_ISSN_RE, "issn", "issn"),
    ):
        if hint not in low:
            continue
        for m in regex.finditer(text):
            if ids.overlaps(m.start(), m.end()):
                continue
            if getattr(ids, attr) is None:
                value = m.group("v").strip()
                setattr(ids, attr, value.upper() if attr in ("pmcid", "issn") else value)
            ids.spans.append((m.start(), m.end()))
    ids.spans.sort()
    return ids
