"""Candidate validation: does a registered work match a cited reference?

Each candidate is compared with the reference field by field (title, first author,
year, volume, issue, pages, container, type), never by Crossref's relevance score. A
field is compared with the parsed value when the parser found one, and otherwise with
the raw reference string (is the registered year, first page, family name written in
it?), so a parser miss costs evidence, not a wrong match.

Look-alikes are rejected outright: corrections and errata, retraction notices, replies
and comments, peer-review reports, journal-issue and component records, a book when a
chapter is cited, a conference paper when a journal article is cited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from refcheck.model import FieldComparison, Reference, ReferenceType, RegisteredWork
from refcheck.resolve.journals import abbreviation_fits, container_similarity
from refcheck.resolve.text import (
    article_number_key,
    family_key,
    first_page,
    fold,
    norm_title,
    number_tokens,
    words,
    years_in,
)

# How much each field counts towards the confidence.
WEIGHTS = {
    "title": 3.0,
    "author": 2.0,
    "year": 1.5,
    "volume": 1.0,
    "issue": 0.5,
    "pages": 1.5,
    "container": 1.0,
}
TITLE_AGREES = 0.85
ACCEPT_CONFIDENCE = 0.72
# Two accepted candidates closer than this are reported as ambiguous.
AMBIGUITY_MARGIN = 0.03

# Records that are never the cited work itself.
NEVER_TYPES = frozenset(
    {
        "journal-issue",
        "journal-volume",
        "journal",
        "component",
        "peer-review",
        "proceedings",
        "proceedings-series",
        "book-set",
        "book-series",
        "book-part",
        "book-track",
        "report-series",
        "grant",
    }
)
BOOK_TYPES = frozenset({"book", "edited-book", "monograph", "reference-book"})
CHAPTER_TYPES = frozenset({"book-chapter", "book-section", "reference-entry", "other"})

# Title openings of notices and responses about another work.
_NOTICE = re.compile(
    r"^(?:correction|corrigendum|corrigenda|erratum|errata|retraction|notice of retraction|"
    r"retraction notice|expression of concern|editorial expression of concern|"
    r"withdrawal|withdrawn|reply|in reply|authors? reply|author response|response to|"
    r"response|re|comment on|comments on|commentary on|a comment on|letter to the editor|"
    r"review of|decision letter|review for|addendum|publisher s note)\b"
)
_PREPRINT_WORDS = re.compile(
    r"preprint|rxiv|arxiv|ssrn|research square|preprints\.org|osf\.io|zenodo|"
    r"techrxiv|authorea|posted|10\.1101/|10\.21203/|10\.31219/|10\.20944/"
)
_CONFERENCE_WORDS = re.compile(
    r"\b(?:proc|proceedings|conference|conf|congress|symposium|workshop|meeting|colloquium|"
    r"summit|convention|lecture notes)\b"
)
_RETRACTED_PREFIX = re.compile(r"^(?:retracted|withdrawn)\s*[:\-]\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Assessment:
    """One candidate judged against one reference."""

    work: RegisteredWork
    comparisons: tuple[FieldComparison, ...]
    confidence: float
    strength: float  # absolute evidence (sum of weighted agreements), for ranking
    acceptable: bool
    reason: str

    def agreeing(self) -> list[str]:
        """The fields that agree."""
        return [c.field for c in self.comparisons if c.agrees]

    def disagreeing(self) -> list[str]:
        """The fields that disagree."""
        return [c.field for c in self.comparisons if c.agrees is False]


@dataclass(frozen=True)
class _Cited:
    """The reference's side, prepared once per reference."""

    reference: Reference
    raw: str
    raw_fold: str
    raw_words: list[str]
    raw_numbers: set[str]
    raw_years: set[int]
    title: str | None
    family: str | None
    has_numbers: bool  # the raw string has volume/page-like numbers besides years
    has_pages: bool  # the raw string shows a page range, "pp." or ":page"


def prepare(reference: Reference, raw: str) -> _Cited:
    """Precompute the folded forms of a reference used for every candidate."""
    first = reference.first_author
    family = None
    if first is not None:
        family = family_key(first.family or first.literal or "") or None
    return _Cited(
        reference=reference,
        raw=raw,
        raw_fold=fold(raw),
        raw_words=words(raw.replace("'", "")),
        raw_numbers=number_tokens(raw),
        raw_years=years_in(raw),
        title=norm_title(reference.title) if reference.title else None,
        family=family,
        has_numbers=_has_numbers(raw),
        has_pages=bool(re.search(r"\d+\s*[-–]\s*\d+|\bpp?\.\s*\d+|\d\)?\s*:\s*e?\d+", raw)),
    )


def _has_numbers(raw: str) -> bool:
    """Two or more numbers other than years (and DOIs, PMIDs, URLs) in the string."""
    text = re.sub(r"(?:https?://|doi:?\s*|10\.\d{4,9}/)\S+", " ", raw, flags=re.IGNORECASE)
    text = re.sub(r"\b(?:PMID|PMCID|ISBN|ISSN)\W*\S+", " ", text, flags=re.IGNORECASE)
    years = years_in(text)
    numbers = {n for n in re.findall(r"\d+", text) if not (len(n) == 4 and int(n) in years)}
    return len(numbers) >= 2


def _title_numbers(text: str) -> set[str]:
    """Numbers that tell works apart: digits, and numerals after 'part', 'phase', ..."""
    out = set(re.findall(r"\d+", text))
    out |= set(re.findall(r"\b(?:part|phase|stage|series|volume)\s+([ivx]+|[a-z])\b", text))
    return out


def _is_notice_title(title: str) -> bool:
    return bool(_NOTICE.match(title))


def _cites_notice(cited: _Cited) -> bool:
    """Whether the reference itself names a notice or response (then notices may match)."""
    text = cited.title or " ".join(cited.raw_words)
    return bool(
        re.search(
            r"\b(?:correction|corrigendum|erratum|retraction|expression of concern|reply|"
            r"comment on|response to|review of|decision letter|withdrawal)\b",
            text,
        )
    )


def _compare_title(cited: _Cited, work: RegisteredWork) -> FieldComparison | None:
    if not work.title:
        return None
    registered = norm_title(_RETRACTED_PREFIX.sub("", work.title))
    if not registered:
        return None
    score = 0.0
    cited_value: str | None = cited.reference.title
    if cited.title:
        parts = [cited.title, cited.title.split(":")[0]]
        main_r = norm_title(_RETRACTED_PREFIX.sub("", work.title).split(":")[0])
        score = (
            max(
                fuzz.ratio(cited.title, registered),
                fuzz.token_sort_ratio(cited.title, registered),
                fuzz.ratio(cited.title, main_r) if len(main_r) >= 20 else 0,
                fuzz.ratio(norm_title(parts[1]), registered) if len(parts[1]) >= 20 else 0,
            )
            / 100.0
        )
        if _title_numbers(cited.title) != _title_numbers(registered):
            score = min(score, 0.8)
    if score < TITLE_AGREES:
        # The parser may have cut the title wrongly (run into the journal's name):
        # the raw string, checked for a properly delimited phrase, can still tell.
        plain = _RETRACTED_PREFIX.sub("", work.title)
        raw_score, written = _title_in_raw(cited, plain)
        main = plain.split(": ")[0]
        if raw_score < TITLE_AGREES and main != plain and len(main.split()) >= 4:
            # Cited without the registered subtitle: the main title alone, if the
            # citation does not go on with a subtitle of its own.
            main_score, main_written = _title_in_raw(cited, main, bare=True)
            if 0.9 * main_score > raw_score:
                raw_score, written = 0.9 * main_score, main_written
        if raw_score > score:
            score, cited_value = raw_score, written
    agrees = score >= TITLE_AGREES
    return FieldComparison("title", cited_value, work.title, score, agrees)


def _title_in_raw(
    cited: _Cited, registered: str, *, bare: bool = False
) -> tuple[float, str | None]:
    """How well the registered title stands, as a whole phrase, in the raw string.

    The phrase must be delimited like a title: a registered title found inside a
    longer cited title ("Leg cramps in pregnancy" inside "Interventions for leg cramps
    in pregnancy", "Leg cramps" at the start of "Leg cramps and restless legs ...") or
    standing as the book of a chapter ("In: <title>") is not the cited title.
    Returns the score and the phrase as written in the reference.
    """
    raw = cited.raw_fold
    phrase = " ".join(fold(registered).split())
    if not raw or not phrase:
        return 0.0, None
    align = fuzz.partial_ratio_alignment(phrase, raw)
    if align is None:
        return 0.0, None
    score = align.score / 100.0
    start, end = align.dest_start, align.dest_end
    while start > 0 and raw[start - 1].isalnum():  # widen to whole words
        start -= 1
    while end < len(raw) and raw[end].isalnum():
        end += 1
    before = raw[:start].rstrip()
    after = raw[end:].lstrip()
    if before and before[-1].isalnum():
        score = min(score, 0.8)
    span = raw[start:end]
    if after and after[0].isalnum() and span.rstrip()[-1:] not in (".", "?", "!", "”", '"'):
        score = min(score, 0.8)
    if bare and after.startswith(":"):
        score = min(score, 0.8)  # the citation has a subtitle the record lacks
    written_before = cited.raw[:start] if len(cited.raw) == len(raw) else before
    if re.search(r"(?:^|\W)in\s*:?$", before) or re.search(
        r"(?:^|[.,;:]\s+)In:?\s", written_before
    ):
        score = min(score, 0.8)  # after "In": the book a chapter is in, or the proceedings
    # A number just after the aligned phrase still belongs to the cited title ("part 1").
    if _title_numbers(span) != _title_numbers(phrase) or re.match(r"\s?\d", raw[end : end + 2]):
        score = min(score, 0.8)
    if len(registered.split()) < 3:
        score *= 0.9
    # Folding keeps offsets unless it expanded a letter (æ -> ae): then show the folded text.
    written = cited.raw if len(cited.raw) == len(raw) else raw
    return score, written[start:end].strip(" .,;“”\"'")


def _compare_author(cited: _Cited, work: RegisteredWork) -> FieldComparison | None:
    if not work.authors:
        return None
    first = work.authors[0]
    registered_name = first.family or first.literal or ""
    key = family_key(registered_name)
    if not key:
        return None
    if cited.family:
        score = 1.0 if cited.family == key else fuzz.ratio(cited.family, key) / 100.0
        if score < 0.85:
            others = [family_key(a.family or a.literal or "") for a in work.authors[1:3]]
            if cited.family in others:
                score = 0.6  # the right people, another order: a different work more often
        if score < 0.85 and _opens_with(cited, key):
            # The parser misread the first author; the string's opening names the registered one.
            return FieldComparison("author", registered_name, first.display(), 1.0, True)
        shown = cited.reference.first_author
        return FieldComparison(
            "author", shown.display() if shown else None, first.display(), score, score >= 0.85
        )
    # Raw evidence: the family name among the string's first words (authors lead in
    # every common style; looking further would find names in titles).
    head = cited.raw_words[: max(12, len(cited.raw_words) // 2)]
    for n in (1, 2, 3):
        for i in range(len(head) - n + 1):
            if "".join(head[i : i + n]) == key:
                return FieldComparison("author", registered_name, first.display(), 1.0, True)
    if len(key) >= 5:
        best = max((fuzz.ratio(w, key) for w in head), default=0) / 100.0
        if best >= 0.85:
            return FieldComparison("author", None, first.display(), best, True)
    return FieldComparison("author", None, first.display(), 0.0, False if head else None)


def _opens_with(cited: _Cited, key: str) -> bool:
    """Whether the raw string's first words spell the family name ``key``."""
    head = cited.raw_words[:4]
    return any("".join(head[i : i + n]) == key for n in (1, 2, 3) for i in range(len(head) - n + 1))


def _compare_year(cited: _Cited, work: RegisteredWork) -> FieldComparison | None:
    if work.issued is None:
        return None
    year = work.issued.year
    if cited.reference.issued is not None and (
        abs(cited.reference.issued.year - year) <= 1 or year not in cited.raw_years
    ):
        candidates = {cited.reference.issued.year}
    elif cited.raw_years:
        candidates = cited.raw_years
    else:
        return FieldComparison("year", None, str(year), 0.0, None)
    diff = min(abs(y - year) for y in candidates)
    closest = min(candidates, key=lambda y: abs(y - year))
    # Online-first and print years often differ by one.
    score = 1.0 if diff == 0 else 0.75 if diff == 1 else 0.0
    return FieldComparison("year", str(closest), str(year), score, diff <= 1)


def _compare_simple(
    name: str, cited_value: str | None, registered: str | None, cited: _Cited
) -> FieldComparison | None:
    if not registered:
        return None
    reg = registered.strip().lower().lstrip("0") or registered.strip().lower()
    if cited_value:
        mine = cited_value.strip().lower().lstrip("0") or cited_value.strip().lower()
        score = 1.0 if mine == reg else 0.0
        if score or reg not in cited.raw_numbers:
            return FieldComparison(name, cited_value, registered, score, score == 1.0)
    if reg in cited.raw_numbers:
        return FieldComparison(name, reg, registered, 1.0, True)
    if name == "volume" and cited.has_numbers:
        # The string gives volume and pages, and none of its numbers is this volume.
        return FieldComparison(name, None, registered, 0.0, False)
    return FieldComparison(name, None, registered, 0.0, None)


def _registered_pages(work: RegisteredWork) -> list[str]:
    keys = []
    if work.page:
        fp = first_page(work.page)
        if fp:
            keys.append(fp)
    if work.article_number:
        key = article_number_key(work.article_number)
        if key:
            keys.append(key)
    # Cochrane reviews carry the review number only in the DOI (…/14651858.CD000121.pub2).
    match = re.search(r"\.(cd\d{6})(?:\.pub\d+)?$", work.doi.lower())
    if match:
        keys.append(match.group(1))
    return keys


def _compare_pages(cited: _Cited, work: RegisteredWork) -> FieldComparison | None:
    registered = _registered_pages(work)
    if not registered:
        return None
    shown = work.page or work.article_number or registered[0].upper()
    ref = cited.reference
    mine = [
        k
        for k in (
            first_page(ref.page),
            article_number_key(ref.number),
            article_number_key(ref.page),
        )
        if k
    ]
    in_raw = next(
        (k for k in registered if k in cited.raw_numbers or k.lstrip("e") in cited.raw_numbers),
        None,
    )
    if mine:
        agrees = any(m == r for m in mine for r in registered)
        if agrees or in_raw is None:
            return FieldComparison("pages", ref.page or ref.number, shown, float(agrees), agrees)
    if in_raw is not None:  # written in the string (the parser read another number)
        return FieldComparison("pages", in_raw, shown, 1.0, True)
    if cited.has_pages:
        # The string gives pages, and none of its numbers is this work's first page.
        return FieldComparison("pages", None, shown, 0.0, False)
    return FieldComparison("pages", None, shown, 0.0, None)


def _compare_container(cited: _Cited, work: RegisteredWork) -> FieldComparison | None:
    names = tuple(n for n in (work.container_title, work.short_container_title) if n)
    if not names:
        return None
    if cited.reference.container_title:
        score = container_similarity(cited.reference.container_title, names)
        agrees: bool | None = True if score >= 0.9 else False if score < 0.6 else None
        if agrees is not False:
            return FieldComparison(
                "container", cited.reference.container_title, names[0], score, agrees
            )
        found = _container_in_raw(cited, names)
        if found is None or not found.agrees:
            return FieldComparison(
                "container", cited.reference.container_title, names[0], score, agrees
            )
        return found
    return _container_in_raw(cited, names)


def _container_in_raw(cited: _Cited, names: tuple[str, ...]) -> FieldComparison:
    """Raw evidence: the container's title, or an abbreviation of it, in the string."""
    long_names = [fold(n) for n in names if len(n) >= 10]  # "Cell" would be found anywhere
    best = max((fuzz.partial_ratio(n, cited.raw_fold) for n in long_names), default=0) / 100.0
    if best >= 0.92:
        return FieldComparison("container", None, names[0], best, True)
    size = len(
        [w for w in re.findall(r"[a-z0-9]+", fold(names[0])) if w not in {"of", "the", "and"}]
    )
    tokens = cited.raw_words
    for i in range(max(0, len(tokens) - size + 1)):
        for j in range(size, size + 3):  # stop words written out lengthen the window
            window = " ".join(tokens[i : i + j])
            if abbreviation_fits(window, names[0]):
                return FieldComparison("container", window, names[0], 1.0, True)
    return FieldComparison("container", None, names[0], best, None)


def _type_problem(cited: _Cited, work: RegisteredWork) -> str | None:
    """Why this record's type cannot be the cited work, or ``None``."""
    kind = work.type or ""
    ref_type = cited.reference.type
    if kind in NEVER_TYPES:
        return f"it is a {kind} record, not a citable work"
    if (
        ref_type == ReferenceType.CHAPTER
        and kind in BOOK_TYPES
        and not (cited.title and fuzz.ratio(cited.title, norm_title(work.title or "")) >= 90)
    ):
        # (A book whose title is the cited title itself was mistyped as a chapter.)
        return "it is the whole book, but a chapter is cited"
    if (
        kind == "posted-content"
        and ref_type != ReferenceType.ARTICLE
        and not _PREPRINT_WORDS.search(cited.raw_fold)
    ):
        # A preprint and its journal version share title, authors and often the year;
        # only a reference that says it cites a preprint may be matched to one.
        return "it is a preprint, but the reference does not cite a preprint"
    if (
        kind == "proceedings-article"
        and ref_type != ReferenceType.PAPER_CONFERENCE
        and not (_CONFERENCE_WORDS.search(cited.raw_fold))
    ):
        # The conference version of a journal article: same title and authors, a year
        # earlier. Only a reference that names a meeting may be matched to it.
        return "it is a conference paper, but the reference does not cite a meeting"
    return None


def assess(cited: _Cited, work: RegisteredWork) -> Assessment:
    """Compare one candidate with the reference and decide whether it can be the work."""
    comps = [
        c
        for c in (
            _compare_title(cited, work),
            _compare_author(cited, work),
            _compare_year(cited, work),
            _compare_simple("volume", cited.reference.volume, work.volume, cited),
            _compare_simple("issue", cited.reference.issue, work.issue, cited),
            _compare_pages(cited, work),
            _compare_container(cited, work),
        )
        if c is not None
    ]
    by_field = {c.field: c for c in comps}
    known = [c for c in comps if c.agrees is not None]
    weight_known = sum(WEIGHTS[c.field] for c in known)
    strength = sum(WEIGHTS[c.field] * c.score for c in known if c.agrees)
    penalty = sum(WEIGHTS[c.field] for c in known if c.agrees is False)
    confidence = 0.0
    if weight_known:
        # Thin evidence (a title and nothing else) cannot reach full confidence.
        coverage = min(1.0, weight_known / 6.0)
        confidence = max(0.0, (strength - 0.5 * penalty)) / weight_known * coverage
        confidence = min(1.0, max(0.0, confidence))

    def verdict(ok: bool, why: str) -> Assessment:
        return Assessment(work, tuple(comps), confidence, strength, ok, why)

    problem = _type_problem(cited, work)
    container = by_field.get("container")
    if (
        not problem
        and cited.reference.type == ReferenceType.PAPER_CONFERENCE
        and work.type == "journal-article"
        and container is not None
        and container.agrees is False
    ):
        # Journals named "Proceedings of ..." (PNAS) are often typed as conferences:
        # only a journal that is clearly not the cited venue marks the journal version.
        problem = "it is the journal version, but a conference paper is cited"
    if problem:
        return verdict(False, f"rejected {work.doi}: {problem}")
    title_cmp = by_field.get("title")
    reg_title = norm_title(work.title or "")
    if (work.updates_to or _is_notice_title(reg_title)) and not _cites_notice(cited):
        return verdict(False, f"rejected {work.doi}: it is a notice or response about another work")
    support = [
        f
        for f in ("author", "year", "volume", "pages", "container")
        if by_field.get(f) and by_field[f].agrees
    ]
    against = [
        f
        for f in ("author", "year", "volume", "pages", "container")
        if by_field.get(f) and by_field[f].agrees is False
    ]
    numbers_only = title_cmp is None and {"author", "year", "volume", "pages"} <= set(support)
    if (title_cmp is None or not title_cmp.agrees) and not numbers_only:
        # Without a matching title only a full set of numbers and the author will do.
        score = f"{title_cmp.score:.2f}" if title_cmp else "none"
        return verdict(False, f"rejected {work.doi}: title does not match (similarity {score})")
    if len(support) < 2:
        return verdict(
            False, f"rejected {work.doi}: too few fields agree ({', '.join(support) or 'none'})"
        )
    if len(against) > 1 and len(against) >= len(support) - 1:
        return verdict(False, f"rejected {work.doi}: {', '.join(against)} disagree")
    year_cmp = by_field.get("year")
    if "container" in against and year_cmp is not None and year_cmp.score < 1.0:
        # Another venue and another year: an earlier or later version of the work.
        return verdict(False, f"rejected {work.doi}: another venue and year (another version)")
    if confidence < ACCEPT_CONFIDENCE:
        return verdict(
            False, f"rejected {work.doi}: confidence {confidence:.2f} below {ACCEPT_CONFIDENCE}"
        )
    agreed = (
        ", ".join(["title", *support]) if title_cmp and title_cmp.agrees else ", ".join(support)
    )
    why = f"{agreed} agree"
    if against:
        why += f"; {', '.join(against)} differ"
    return verdict(True, why)


@dataclass(frozen=True)
class Decision:
    """The outcome of validating a candidate list."""

    best: Assessment | None
    rivals: tuple[Assessment, ...]
    rejected: tuple[Assessment, ...]


def choose(cited: _Cited, works: Sequence[RegisteredWork]) -> Decision:
    """Assess every candidate; the best acceptable one and any equally good rivals."""
    seen: set[str] = set()
    assessed = []
    for work in works:
        if work.doi.lower() in seen:
            continue
        seen.add(work.doi.lower())
        assessed.append(assess(cited, work))
    accepted = sorted(
        (a for a in assessed if a.acceptable),
        key=lambda a: (a.confidence, a.strength),
        reverse=True,
    )
    rejected = tuple(a for a in assessed if not a.acceptable)
    if not accepted:
        return Decision(None, (), rejected)
    best = accepted[0]
    rivals = tuple(
        a
        for a in accepted[1:]
        if best.confidence - a.confidence < AMBIGUITY_MARGIN
        and best.strength - a.strength < 0.3
        and not _versions_of_one_work(best.work, a.work)
    )
    return Decision(best, rivals, rejected)


def _versions_of_one_work(a: RegisteredWork, b: RegisteredWork) -> bool:
    """A preprint and its published version are not rivals: prefer the published one."""
    a_of = {d.lower() for d in a.preprint_of}
    b_of = {d.lower() for d in b.preprint_of}
    return b.doi.lower() in a_of or a.doi.lower() in b_of
