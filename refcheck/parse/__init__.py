"""Reference parsing: a reference string -> a ``Reference`` with CSL-JSON fields.

How a reference is read:

1. ``rules.prepare`` takes out what has an exact shape: DOI, PMID, PMCID, arXiv, ISBN,
   ISSN, URLs, access dates ("Accessed ...", "[cited ...]", "Retrieved ... from", and
   French/German/Spanish forms), NLM ``[updated ...]`` notes, ``[Internet]`` markers and
   "(expert opinion)"-style personal-communication notes.
2. Strict templates (``rules.parse_ama``, ``rules.parse_apa``) read AMA, Vancouver/NLM and
   APA references whose structure fits them exactly. When none fits, the learned
   labeller (``refcheck.parse.labeller``, a linear-chain CRF) labels the tokens.
3. Normalisers shape the fields: names (``names``), dates (``dates``), volume/issue/pages
   blocks and page ranges (``normalise``).
4. Values a structured format already gave (``fields``, a CSL-JSON item) win.

Nothing here raises for any input string: a string nothing can be read from comes
back as a ``Reference`` of type ``document`` with no fields. Inputs longer than
``MAX_CHARS`` are read up to that length, so time stays linear in the input.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
from collections.abc import Sequence
from typing import Any

from refcheck.model import Name, PartialDate, Reference, ReferenceType
from refcheck.parse.dates import find_year, parse_date
from refcheck.parse.names import parse_names
from refcheck.parse.normalise import expand_pages
from refcheck.parse.rules import Draft, Prepared, parse_ama, parse_apa, prepare
from refcheck.parse.shaping import finish_draft

__all__ = ["MAX_CHARS", "parse_reference", "parse_references"]

log = logging.getLogger(__name__)

#: Longer "references" are read up to this many characters (real ones are < 1,000).
MAX_CHARS = 4000


def parse_reference(raw: str, fields: dict[str, Any] | None = None) -> Reference:
    """Parse one reference string into a ``Reference``.

    ``fields``, when given, is a CSL-JSON item a structured source (BibTeX, RIS, JATS)
    already provided: its values win over what is parsed from ``raw``.
    Never raises; returns ``Reference()`` (type ``document``) when nothing is found.
    """
    try:
        ref = _parse(raw if isinstance(raw, str) else str(raw or ""))
    except Exception:  # the contract: one bad string never stops a run
        log.exception("reference parser failed on %.80r", raw)
        ref = Reference()
    if fields:
        try:
            ref = merge_fields(ref, fields)
        except Exception:
            log.exception("could not merge structured fields for %.80r", raw)
    return ref


def parse_references(raws: Sequence[str]) -> list[Reference]:
    """Parse many reference strings, in order."""
    return [parse_reference(raw) for raw in raws]


# --------------------------------------------------------------------- parsing


def _parse(raw: str) -> Reference:
    text = raw[:MAX_CHARS]
    if not text.strip():
        return Reference()
    prep = prepare(text)
    draft = parse_apa(prep) or parse_ama(prep) or _learned(prep)
    return build_reference(prep, finish_draft(draft, prep.text))


def _learned(prep: Prepared) -> Draft:
    """The learned labeller's reading (imported lazily: it loads a model file)."""
    from refcheck.parse.labeller import label_draft

    return label_draft(prep)


# Type keywords are looked up as words in a set (one pass over the text) rather than
# with alternation regexes, which Python tries at every position: this is on the hot path.
_WORD_RE = re.compile(r"[^\W\d_]+")
_THESIS_WORDS = frozenset(
    [
        "thesis",
        "dissertation",
        "phd",
        "doctoral",
        "thèse",
        "these",
        "doktorarbeit",
        "dissertação",
        "tesis",
        "masters",
        "diplomarbeit",
    ]
)
_THESIS_PHRASES = ("ph.d", "ph. d", "master's", "msc thesis")
_REPORT_WORDS = frozenset(
    [
        "report",
        "reports",
        "rapport",
        "bericht",
        "informe",
        "briefing",
        "guideline",
        "guidelines",
        "bulletin",
        "memorandum",
    ]
)
_REPORT_PHRASES = ("tech. rep", "technical rep", "working paper", "white paper", "policy brief",
                   "discussion paper", "occasional paper", "fact sheet")  # fmt: skip
_SOCIETY_WORDS = frozenset(
    ["soc", "society", "acad", "academy", "royal", "natl", "national", "inst", "institution"]
)
_CONF_WORDS = frozenset(
    [
        "proceedings",
        "proc",
        "conference",
        "conf",
        "symposium",
        "symp",
        "workshop",
        "congress",
        "meeting",
        "colloquium",
        "summit",
        "convention",
        "icml",
        "neurips",
        "nips",
        "cvpr",
        "acl",
        "emnlp",
        "sigir",
        "kdd",
        "iclr",
        "aaai",
        "ijcai",
    ]
)
_PREPRINT_WORDS = frozenset(
    ["arxiv", "biorxiv", "medrxiv", "ssrn", "preprint", "psyarxiv", "chemrxiv"]
)
_PREPRINT_PHRASES = ("research square", "preprints.org")
_DATASET_WORDS = frozenset(
    [
        "dataset",
        "datasets",
        "database",
        "dryad",
        "figshare",
        "zenodo",
        "pangaea",
        "icpsr",
        "datensatz",
    ]
)
_DATASET_PHRASES = ("data set", "[data]", "data file")
_SOFTWARE_WORDS = frozenset(["software", "github", "gitlab", "cran", "pypi"])
_SOFTWARE_PHRASES = ("computer program", "r package", "python package", "source code")
_VERSION_RE = re.compile(r"\bversion\s+\d", re.IGNORECASE)


def _has(words: set[str], low: str, vocab: frozenset[str], phrases: tuple[str, ...] = ()) -> bool:
    return not words.isdisjoint(vocab) or any(p in low for p in phrases)


# "In" must be capitalised ("in pregnancy" is not a chapter), the rest in any case.
_CHAPTER_RE = re.compile(
    r"(?:^|[\s.,])(?:In:?|Dans|En)\s+(?:[A-Z]|the\b)|\((?i:eds?)\.?\)|\b(?i:eds?)\."
    r"|\b(?i:edited by)\b|\bHrsg\b"
)
_NEWS_RE = re.compile(
    r"\b(?:Times|Post|Guardian|Herald|Tribune|Gazette|Telegraph|Journal\s+Sentinel|Chronicle|News)\b"
)


def infer_type(prep: Prepared, draft: Draft) -> ReferenceType:
    """The CSL type from the template's verdict, keywords and which fields exist."""
    if draft.type == "webpage" and not draft.volume and _VERSION_RE.search(prep.text):
        # "Scikit-learn: machine learning in Python. Version 1.3.2. … https://…" read by
        # the web-page template: a program's page, versioned, is the program.
        return ReferenceType.SOFTWARE
    if draft.type == "webpage" and draft.container and _NEWS_RE.search(draft.container):
        return ReferenceType.ARTICLE_NEWSPAPER  # AMA's "… The New York Times. June 3, 2019."
    if draft.type:
        return ReferenceType(draft.type)
    text = prep.text
    if prep.personal:
        return ReferenceType.PERSONAL_COMMUNICATION
    low = text.lower()
    words = set(_WORD_RE.findall(low))
    if prep.ids.arxiv or _has(words, low, _PREPRINT_WORDS, _PREPRINT_PHRASES):
        return ReferenceType.ARTICLE
    if _has(words, low, _THESIS_WORDS, _THESIS_PHRASES):
        return ReferenceType.THESIS
    if "[data set]" in low or "[dataset]" in low:
        return ReferenceType.DATASET  # APA's own marker, even with "(Version 2)"
    if not draft.volume and (
        _has(words, low, _SOFTWARE_WORDS, _SOFTWARE_PHRASES)
        or ("version" in words and _VERSION_RE.search(text))
    ):
        return ReferenceType.SOFTWARE
    if (
        _has(words, low, _DATASET_WORDS, _DATASET_PHRASES)
        and not draft.volume
        and "syst rev" not in low.replace(".", "")  # the Cochrane Database of Systematic Reviews
        and "systematic reviews" not in low
    ):
        return ReferenceType.DATASET
    container = draft.container or ""
    if container and _NEWS_RE.search(container) and not draft.volume:
        return ReferenceType.ARTICLE_NEWSPAPER
    container_words = set(_WORD_RE.findall(container.lower()))
    if container and not _CONF_WORDS.isdisjoint(container_words):
        # A learned society's "Proceedings" is a journal: "Proc Natl Acad Sci",
        # "Proc. Amer. Math. Soc.", "Proceedings of the Royal Society B".
        society_journal = (
            container_words & _CONF_WORDS <= {"proc", "proceedings"}
            and not container_words.isdisjoint(_SOCIETY_WORDS)
            and draft.volume
        )
        if not society_journal:
            return ReferenceType.PAPER_CONFERENCE
    if (
        draft.editors
        and draft.title
        and not (draft.authors or draft.names or draft.container or draft.pages)
    ):
        return ReferenceType.BOOK  # "Creasy RK, Resnik R, Iams JD, editors. Title. 8th ed."
    journal_in = draft.volume and draft.container and not (draft.editors or draft.publisher)
    if _CHAPTER_RE.search(text) and (draft.container or draft.editors) and not journal_in:
        # (German writes "In: Deutsches Ärzteblatt 117 (12), S. 601–606": a journal with
        # a volume and no editors or publisher, whatever the "In:".)
        return ReferenceType.CHAPTER
    if container and (draft.volume or draft.issue or draft.pages or draft.number):
        return ReferenceType.ARTICLE_JOURNAL
    if _has(words, low, _REPORT_WORDS, _REPORT_PHRASES):
        return ReferenceType.REPORT
    if not words.isdisjoint(_CONF_WORDS) and draft.title:
        return ReferenceType.PAPER_CONFERENCE
    if container and (prep.ids.urls or prep.accessed):
        return ReferenceType.WEBPAGE
    if container:
        return ReferenceType.ARTICLE_JOURNAL
    if draft.publisher or prep.ids.isbn or draft.edition:
        return ReferenceType.BOOK
    if prep.ids.urls or prep.accessed or prep.internet:
        return ReferenceType.WEBPAGE
    if prep.ids.doi and draft.title:
        return ReferenceType.ARTICLE_JOURNAL
    if draft.title and draft.year:
        return ReferenceType.BOOK
    return ReferenceType.DOCUMENT


def _issued(draft: Draft) -> PartialDate | None:
    date = parse_date(draft.date_text) if draft.date_text else None
    year = draft.year or (find_year(draft.date_text) if draft.date_text else None)
    if date is not None and (year is None or str(date.year) == year):
        return date
    if year:
        try:
            return PartialDate(int(year))
        except ValueError:
            return None
    return None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split()).strip(" ,;:")
    return value or None


def build_reference(prep: Prepared, draft: Draft) -> Reference:
    """Turn a draft into the frozen ``Reference``."""
    names: tuple[Name, ...] = ()
    et_al = draft.et_al
    if draft.names is not None:
        names = tuple(draft.names)
    elif draft.authors:
        names, found_et_al = parse_names(draft.authors)
        et_al = et_al or found_et_al
    editors: tuple[Name, ...] = ()
    if draft.editors:
        editors, _ = parse_names(draft.editors)
    ids = prep.ids
    return Reference(
        type=infer_type(prep, draft),
        authors=names,
        et_al=et_al,
        editors=editors,
        title=_clean(draft.title),
        container_title=_clean(draft.container),
        collection_title=_clean(draft.collection),
        publisher=_clean(draft.publisher),
        publisher_place=_clean(draft.place),
        issued=_issued(draft),
        volume=_clean(draft.volume),
        issue=_clean(draft.issue),
        page=expand_pages(draft.pages) if draft.pages else None,
        number=_clean(draft.number or prep.number),
        edition=_clean(draft.edition),
        doi=ids.doi,
        pmid=ids.pmid,
        pmcid=ids.pmcid,
        isbn=ids.isbn,
        issn=ids.issn,
        arxiv=ids.arxiv,
        urls=tuple(dict.fromkeys(ids.urls)),
        accessed=prep.accessed,
        note=_clean(draft.note or prep.linked),
    )


# ------------------------------------------------------------ structured fields

_SIMPLE_FIELDS = {
    "title": "title",
    "container-title": "container_title",
    "collection-title": "collection_title",
    "publisher": "publisher",
    "publisher-place": "publisher_place",
    "volume": "volume",
    "issue": "issue",
    "page": "page",
    "number": "number",
    "edition": "edition",
    "DOI": "doi",
    "PMID": "pmid",
    "PMCID": "pmcid",
    "ISBN": "isbn",
    "ISSN": "issn",
    "note": "note",
}


def _names_from_csl(items: Any) -> tuple[Name, ...]:
    out = []
    for item in items or ():
        if not isinstance(item, dict):
            continue
        if item.get("literal"):
            out.append(Name(literal=str(item["literal"])))
        elif item.get("family") or item.get("given"):
            out.append(
                Name(
                    family=item.get("family"),
                    given=item.get("given"),
                    particle=item.get("non-dropping-particle") or item.get("dropping-particle"),
                    suffix=item.get("suffix"),
                )
            )
    return tuple(out)


def _first(value: Any) -> Any:
    """CSL allows some string fields as lists (container-title); take the first."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def merge_fields(ref: Reference, fields: dict[str, Any]) -> Reference:
    """Overlay a CSL-JSON item on a parsed reference: given values win."""
    changes: dict[str, Any] = {}
    for key, attr in _SIMPLE_FIELDS.items():
        value = _first(fields.get(key))
        if value not in (None, ""):
            text = str(value).strip()
            if attr == "doi":
                from refcheck.parse.identifiers import clean_doi

                text = clean_doi(text) or text.lower()
            changes[attr] = text
    if fields.get("type"):
        with contextlib.suppress(ValueError):  # an unknown CSL type keeps the parsed one
            changes["type"] = ReferenceType(str(fields["type"]))
    authors = _names_from_csl(fields.get("author"))
    if authors:
        changes["authors"] = authors
    editors = _names_from_csl(fields.get("editor"))
    if editors:
        changes["editors"] = editors
    for key in ("issued", "accessed"):
        value = fields.get(key)
        date = None
        if isinstance(value, dict):
            # date-parts, or CSL's "raw"/"literal" forms ("2009 May", "Spring 2010").
            date = PartialDate.from_csl(value)
            written = value.get("raw") or value.get("literal")
            if date is None and isinstance(written, str):
                date = parse_date(written)
        elif isinstance(value, str):
            date = parse_date(value)
        if date is not None:
            changes[key] = date
    url = _first(fields.get("URL"))
    if url:
        changes["urls"] = (str(url), *(u for u in ref.urls if u != url))
    return dataclasses.replace(ref, **changes)
