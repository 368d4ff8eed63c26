"""The learned labeller: a linear-chain CRF (python-crfsuite) over tokens, then the
rule-based normalisers.

The model ships in ``refcheck/data/parser/`` and is opened once, on first use, so
importing the parser costs nothing. It is trained by ``python -m training.train``
from the shared labelled data and the project's own web references.

When the model file or python-crfsuite is missing, ``label_draft`` falls back to a
sentence-based heuristic, so parsing degrades rather than fails.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from refcheck.parse.dates import BRACKETED_YEAR_RE, find_year, parse_date
from refcheck.parse.dates import MONTHS as MONTH_NUMBERS
from refcheck.parse.normalise import (
    VOLUME_PREFIX_RE,
    clean_container,
    clean_title,
    expand_pages,
    parse_volume_block,
)
from refcheck.parse.rules import (
    VANCOUVER_AUTHORS_PREFIX,
    Draft,
    Prepared,
    split_sentences,
    tidy,
)
from refcheck.parse.tokens import (
    FEATURE_VERSION,
    MONTHS,
    Token,
    encoded_features,
    set_lexicon,
    stack_features,
    tokenise,
)

_CORE_RE = re.compile(r"^\W+|\W+$")

__all__ = [
    "COARSE",
    "MODEL_DIR",
    "decode",
    "label_draft",
    "label_tokens",
    "load_lexicon",
    "load_second_pass",
    "load_tagger",
    "second_pass_features",
    "use_model",
]

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "parser"
MODEL_FILE = "crf.model"
META_FILE = "crf.json"
STACKED_FILE = "crf2.model"  # the second pass, which reads the first one's labels

_lock = threading.Lock()
_tag_lock = threading.Lock()
_model_dir = MODEL_DIR


def use_model(model_dir: Path | None) -> None:
    """Parse with the model in ``model_dir`` (``None``: the shipped one). For benchmarks
    and training experiments; not thread-safe against concurrent parsing."""
    global _model_dir
    _model_dir = model_dir or MODEL_DIR


@lru_cache(maxsize=4)
def load_lexicon(model_dir: Path = MODEL_DIR) -> dict[str, str]:
    """The word lists a model was trained with (in its ``crf.json``; empty if none)."""
    try:
        meta = json.loads((model_dir / META_FILE).read_text(encoding="utf-8"))
        lexicon = meta.get("lexicon") or {}
        return {str(k): str(v) for k, v in lexicon.items()}
    except (OSError, ValueError, AttributeError):
        return {}


@lru_cache(maxsize=4)
def load_tagger(model_dir: Path = MODEL_DIR) -> Any | None:
    """Open the CRF model once; ``None`` when it (or python-crfsuite) is unavailable."""
    return _open(model_dir, MODEL_FILE)


@lru_cache(maxsize=4)
def load_second_pass(model_dir: Path = MODEL_DIR) -> Any | None:
    """The stacked second-pass model, when the model directory has one."""
    if not (model_dir / STACKED_FILE).exists():
        return None
    return _open(model_dir, STACKED_FILE)


def _open(model_dir: Path, name: str) -> Any | None:
    with _lock:
        try:
            import pycrfsuite
        except ImportError:  # pragma: no cover - the dependency is declared
            log.warning("python-crfsuite is not installed: using the heuristic parser")
            return None
        path = model_dir / name
        meta_path = model_dir / META_FILE
        if not path.exists():
            log.warning("no parser model at %s: using the heuristic parser", path)
            return None
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        except (OSError, ValueError):
            meta = {}
        if meta.get("feature_version") not in (None, FEATURE_VERSION):
            log.warning("parser model %s was trained with other features: ignored", path)
            return None
        tagger = pycrfsuite.Tagger()
        tagger.open(str(path))
        return tagger


# The model is trained on finer labels than the fields (see ``training/data.py``):
# a journal name and a book title after "In" are both the container, a genre is a note.
COARSE = {"journal": "container", "genre": "note"}


def label_tokens(tokens: list[Token], model_dir: Path | None = None) -> list[str] | None:
    """One label per token (the model's fine labels, see ``COARSE``), or ``None``
    without a model."""
    if not tokens:
        return []
    directory = model_dir or _model_dir
    tagger = load_tagger(directory)
    if tagger is None:
        return None
    set_lexicon(load_lexicon(directory))
    feats = encoded_features(tokens)
    second = load_second_pass(directory)
    with _tag_lock:  # a crfsuite Tagger holds per-call state: one caller at a time
        labels: list[str] = tagger.tag(feats)
        if second is not None:
            labels = second.tag(second_pass_features(feats, labels))
    return labels


def second_pass_features(
    feats: Sequence[Sequence[str | bytes]], labels: list[str]
) -> list[list[str | bytes]]:
    """The second pass's features: the first pass's, and its whole reading.

    (Measured: giving the second pass only each token's own features, its neighbours
    being summed up by the first reading, scored 0.945 against 0.950 and was no faster.)
    """
    return [[*f, *s] for f, s in zip(feats, stack_features(labels), strict=True)]


_PUNCT_ONLY = frozenset("()[];:,.")
_ABBREVIATED_WORD_RE = re.compile(r"^[A-Z][a-z]{2,}\.$")


_DAY_RE = re.compile(r"^(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?[.,]?$")
_YEAR_TOKEN_RE = re.compile(r"^(?:1[5-9]|20)\d\d[a-z]?[.,;)]?$")


def _is_day(tok: str) -> bool:
    return bool(_DAY_RE.match(tok))


def _is_month(tok: str) -> bool:
    return _CORE_RE.sub("", tok).lower() in MONTHS


def _is_year(tok: str) -> bool:
    return bool(_YEAR_TOKEN_RE.match(tok))


def _smooth(tokens: list[Token], labels: list[str]) -> list[str]:
    """A lone bracket or colon between two tokens of one field belongs to that field:
    "Artificial Intelligence ( IJCAI-91 )" stays one container."""
    out = list(labels)
    texts = [t[0] for t in tokens]
    for i in range(2, len(out)):
        # "Observer, 3 December 2006", "Figshare. February 11, 2021.": a full date is a
        # date, whatever the labeller made of its day (the training data has few dates
        # with days, so a day often comes out as a volume, a month as a container).
        # Not inside a title, which may well name a date. (A year opens with 1 or 2:
        # most tokens are out before the pattern is tried.)
        year = texts[i]
        if year[0] not in "12" or not _is_year(year) or "title" in out[i - 2 : i + 1]:
            continue
        first, second = texts[i - 2], texts[i - 1]
        if (_is_day(first) and _is_month(second)) or (_is_month(first) and _is_day(second)):
            out[i - 2] = out[i - 1] = out[i] = "date"
    for i in range(1, len(out) - 1):
        if texts[i] in _PUNCT_ONLY and out[i - 1] == out[i + 1] != out[i]:
            out[i] = out[i - 1]
        elif (
            out[i] == "author"
            and out[i + 1] == "container"
            and texts[i - 1].endswith(",")
            and _ABBREVIATED_WORD_RE.match(texts[i])
        ):
            # "A. Pravdová, Czech. J. Phys. 50": an abbreviated word after the last
            # name's comma opens the journal name, it is not a name.
            out[i] = "container"
    return out


def _runs(tokens: list[Token], labels: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Contiguous runs of each label, as character spans, in order."""
    runs: dict[str, list[tuple[int, int]]] = {}
    smoothed = _smooth(tokens, labels)
    n = len(smoothed)
    i = 0
    while i < n:  # one span per run, not per token
        label = smoothed[i]
        j = i + 1
        while j < n and smoothed[j] == label:
            j += 1
        runs.setdefault(label, []).append((tokens[i][1], tokens[j - 1][2]))
        i = j
    return runs


_BRACKET_RE = re.compile(r"[()\[\]]")


def _balance(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in the closing bracket a field opened: "Intelligence (IJCAI-91" + ")"."""
    piece = text[start:end]
    if not _BRACKET_RE.search(piece):  # most fields: one search, not eight counts
        return start, end
    for open_, close in ("()", "[]"):
        if piece.count(open_) > piece.count(close):
            k = end
            while k < len(text) and text[k] == " ":
                k += 1
            if k < len(text) and text[k] == close:
                end = k + 1
        elif piece.count(close) > piece.count(open_) and piece.rstrip(" .,;:").endswith(close):
            end = start + len(piece.rstrip(" .,;:")) - 1
    return start, end


# A prefix is a whole word: "North-Holland" read as an issue must not lose its "No".
_ISSUE_PREFIX_RE = re.compile(r"^(?:(?:no|nos|nr|issue|number|heft)\b\.?|n°|#)\s*", re.IGNORECASE)


def _clean_number(text: str, prefix: re.Pattern[str]) -> str | None:
    text = text.strip().strip(",.;:")
    text = prefix.sub("", text).strip().strip("()[],.;: ")
    return text or None


_CONTAINER_TAIL_RE = re.compile(
    r"^(?P<name>.{3,}?),\s*(?P<tail>(?:1[5-9]|20)\d\d|[IVXLC]{1,6}|\d{1,4}|[A-Z]\.|"
    r"(?:Band|Bd|Vol|vol|Tome|tome)\.?|"
    r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|janvier|février|mars|avril|mai|juin"
    r"|juillet|août|septembre|octobre|novembre|décembre)\w*)\W*$"
)


_TITLE_TAIL_RE = re.compile(
    r"[.,]\s+(?:(?P<edition>\d+(?:st|nd|rd|th)\.?\s+(?:rev\.?\s+)?(?:ed|edn|edition)\b\.?)"
    r"|(?:Translated|Trans\.|Edited|Ed\.|Introduced|Illustrated)\s+by\b"
    r"|(?:Master'?s|PhD|Ph\.\s?D\.?|Doctoral|Diploma|Bachelor'?s)\s+(?:thesis|dissertation)\b"
    r"|(?:Technical|Tech\.)\s+(?:Report|Rep\.)|Working\s+Paper\b|Unpublished\b)",
    re.IGNORECASE,
)


_ARTICLES = ("The", "A", "An", "Le", "La", "Les", "Der", "Die", "Das", "El")
_ARTICLE_TAIL_RE = re.compile(rf"(?<=\w{{3}})[.?!]\s+(?:{'|'.join(_ARTICLES)})\s*$")


def _trim_title(text: str) -> tuple[str, str | None]:
    """Cut a title where the labeller ran on into what follows it: "Invisible Cities.
    Translated by ...", "The Jacaranda atlas, 3rd edn", "... Agreement. Master's
    Thesis". Returns the title and the edition, when that was what followed."""
    # "Knowledge in Flux. The" (MIT Press): a lone article after the title's full
    # stop opens the next field, it does not end the title.
    if text.rstrip().endswith(_ARTICLES):  # the pattern would be tried at every position
        text = _ARTICLE_TAIL_RE.sub("", text)
    m = _TITLE_TAIL_RE.search(text)
    if not m or m.start() < 3:
        return text, None
    edition = m.group("edition")
    return text[: m.start()], edition.strip(" .") if edition else None


_QUOTED_RE = re.compile(
    r"[\"“„«]\s*(?P<q>[^\"“”„«»]{3,}?)\s*[\"”»]|‘(?P<s>[^‘’]{3,}?)’|^'(?P<h>[^']{3,}?)'"
    r"|``(?P<t>[^`']{3,}?)''"  # LaTeX's quotes
)


_CLOSE_QUOTE_RE = re.compile(r"[,.]?[”\"]\s*[,.]?\s+(?=\S)")
_OPEN_QUOTE_RE = re.compile(r"[“\"]")


# ("Rangifer Special Issue 16: 27–35" numbers the volume: a special issue is one.)
_ISSUE_WORD_BEFORE_RE = re.compile(
    r"(?<!special )(?<!spec\. )\b(?:Issue|Iss\.|Heft|Nr\.|H\.)\s*$", re.IGNORECASE
)


_LONE_SURNAME_RE = re.compile(r"(?!(?:The|A|An|On|In|Of|And)\b)[A-Z][a-zà-ÿ'’-]+")
_ENDS_IN_INITIAL_RE = re.compile(r"\b[A-Z]\.$")


def _take_running_note(text: str, runs: dict[str, list[tuple[int, int]]], title: str) -> str:
    """A title that runs on into a "note" in lower case ("… Medication Guide | for
    Qualaquin (quinine sulfate)."): no punctuation parts them, so it is the title's."""
    title_end = runs["title"][0][1]
    if text[title_end - 1 : title_end] in '.?!,;:"”’»)]':
        return title
    note = _note_after_title(text, runs)
    if note and text[note[0]].islower():
        return f"{title} {text[note[0] : note[1]].rstrip(' .,;')}"
    return title


def _note_after_title(
    text: str, runs: dict[str, list[tuple[int, int]]], between: str = ""
) -> tuple[int, int] | None:
    """The "note" run right after the title: nothing but spaces and ``between``
    characters between them."""
    title_end = runs["title"][0][1]
    for start, end in runs["note"]:
        if start >= title_end and not text[title_end:start].strip().strip(between).strip():
            return start, end
    return None


def _split_quoted(text: str) -> tuple[str | None, str, str | None]:
    """A quoted title inside a longer title span: the quotes say where the title is.
    Returns what came before the quotes (an author, when the labeller missed it), the
    title, and what came after (the container)."""
    m = _QUOTED_RE.search(text)
    if not m:
        # The labeller may have started the title after its opening quote:
        # 'Communication Networks,” in The Forbidden Best-Sellers'.
        close = _CLOSE_QUOTE_RE.search(text)
        if close and not _OPEN_QUOTE_RE.search(text[: close.start()]) and close.start() > 3:
            return None, text[: close.start()], text[close.end() :].strip(" ,.;:") or None
        return None, text, None
    quoted = m.group("q") or m.group("s") or m.group("h") or m.group("t")
    before = text[: m.start()].strip(" ,.;:")
    after = text[m.end() :].strip(" ,.;:")
    if not before and not after:
        return None, text, None
    # A quoted word inside a title ('The "best" of times') is not a title in quotes:
    # the quotes must be set off from the rest by punctuation.
    if (
        before
        and not text[: m.start()].rstrip().endswith((",", ".", ":"))
        and not (not after and _LONE_SURNAME_RE.fullmatch(before))
    ):
        # (A surname before a title that the quotes end is where the author list
        # ended: 'J. H. Chern "Design for Reliability," Proceedings of IEEE'.)
        return None, text, None
    following = text[m.end() :].lstrip()[:1]
    inside_end = text[m.end() - 2 : m.end() - 1]
    if after and following not in (",", ".", ":", ";") and inside_end not in (",", "."):
        return None, text, None
    return before or None, quoted.strip(" ,"), after or None


def _trim_container(text: str) -> tuple[str, str | None]:
    """A journal name does not end in ", 2005", ", LXV", ", 12", ", Septembre" or an
    editor's initial ", E.": the labeller sometimes runs on into the next item; cut it
    off and hand back what was cut."""
    m = _CONTAINER_TAIL_RE.match(text.strip())
    if not m:
        return text, None
    return m.group("name"), m.group("tail")


_NUMBERED_ISSUE_RE = re.compile(
    r"[,;]?\s*\b(?:(?:no|nos|nr|num|issue|heft|h)\b|n°)\.?\s*(?P<issue>[\w\-/&]+(?:\s*&\s*\w+)?)",
    re.IGNORECASE,
)


# MLA's "13.2"; the Annals of Probability's "11, 3," (volume and issue before the pages).
_VOLUME_PAGE_RE = re.compile(r"\s*(\d+)\s*,\s*([A-Za-z]?\d{3,}[A-Za-z]?)[.,]?\s*")
_MLA_VOLUME_RE = re.compile(r"\s*(\d+)(?:\.(\d+)|\s*,\s*(\d{1,2}))[.,]?\s*")


def _split_volume(text: str) -> tuple[str | None, str | None, str | None]:
    """Volume, issue and pages from a labelled volume span: "54(3):211-8",
    "Vol. 12, No. 3", "13.2" (MLA), "305, (5689)", "Bd. 4, Heft 2"."""
    body = VOLUME_PREFIX_RE.sub("", text.strip())
    issue = None
    m = _NUMBERED_ISSUE_RE.search(body)
    if m and m.start() == 0:  # the span is only an issue: "n° 95", "Heft 4"
        return None, m.group("issue").strip(" ,.;:"), None
    if m:
        issue = m.group("issue").strip()
        body = body[: m.start()]
    vol, iss, pages = parse_volume_block(body)
    if issue is None and iss is None:
        mla = _MLA_VOLUME_RE.fullmatch(body)  # "13.2", "11, 3,"
        if mla:  # a page would have three digits or more: "12, 345" is not an issue
            vol, iss = mla.group(1), mla.group(2) or mla.group(3)
        page = _VOLUME_PAGE_RE.fullmatch(body) if not (mla or pages) else None
        if page:  # physics' "Phys. Rev. 12, 345" read as one volume span
            vol, pages = page.group(1), page.group(2)
    return vol or _clean_number(body, VOLUME_PREFIX_RE), issue or iss, pages


_JOURNAL_WORD_RE = re.compile(
    r"\b(?:Journal|Review|Letters|Proceedings|Transactions|Bulletin|Annals|Astronomy|Physics"
    r"|Conference|Symposium|Workshop|Magazine|Quarterly|Research|Reports?)\b",
    re.IGNORECASE,
)


# "Chen C, Yu R, Owuor ED, Kong AN. Activation of …" with "Kong AN." labelled as the
# title's start, or "…, Weinstein A, Spring A. Water does not …" with only "A.".
_LAST_NAME_RE = re.compile(r"^((?:[A-Z][\w'-]+\s)?[A-Z]{1,3})\.\s+(?=[A-Z0-9])")
_VANCOUVER_TAIL_RE = re.compile(r"\b[A-Z][\w'-]+\s[A-Z]{1,3},\s*(?P<bare>[A-Z][\w'-]+)?\s*$")


def _take_last_author(authors: str, title: str) -> tuple[str, str]:
    """Give a Vancouver author list back its last name when the labeller began the
    title with it: the (authors, title) pair, unchanged when that is not the case."""
    m = _LAST_NAME_RE.match(title)
    tail = _VANCOUVER_TAIL_RE.search(authors.rstrip(" ,"))
    if not m or not tail:
        return authors, title
    has_surname = " " in m.group(1)
    # Initials alone ("A.") only finish a surname left bare at the list's end.
    if has_surname == bool(tail.group("bare")):
        return authors, title
    joiner = " " if tail.group("bare") else ", "
    return f"{authors.rstrip(' ,')}{joiner}{m.group(1)}", title[m.end() :]


# Given-first names of two to four capitalised words, "and" before the last:
# "Andrea Frome, and Esteban Real.", "and Esteban Real."
_GIVEN_FIRST_NAME = r"[A-Z][a-z'’-]+(?:\s(?:[A-Z]\.|[A-Z][a-z'’-]+)){1,3}"
_NAME_LIST_HEAD_RE = re.compile(
    rf"^(?P<names>(?:{_GIVEN_FIRST_NAME},\s)*(?:and|&)\s{_GIVEN_FIRST_NAME})\.\s+(?=\S)"
)
_INITIALS_COLON_RE = re.compile(r"^((?:[A-Z]{1,3}|(?:[A-Z]\.\s?){1,3})):\s+(?=\S)")


# Words that open a journal's name: moved from a container into a title, they would
# leave the journal without its head ("Journal of", "Acta", "Proc").
_JOURNAL_HEAD_RE = re.compile(
    r"^(?:j|jour|journal|rev|revista|revue|acta|ann|annals|proc|bull|arch|int|am|eur|br"
    r"|trans|z|zeitschrift|zh|adv|curr|clin|res|med|the|of|de|and|&)\.?$",
    re.IGNORECASE,
)


def _place_journal_boundary(
    title: str, container: str | None, gap: str, numbered: bool
) -> tuple[str, str | None]:
    """Move an unmarked title/journal boundary to where a known journal name starts.

    "… MCF-7 cells Cancer Lett 1999;141" has no full stop after its title, and the
    labeller may cut "… cells Cancer" | "Lett". When the title does not end in
    punctuation, the longest known journal name ending the two fields together becomes
    the container (a container that is itself a known journal only grows: "albumin
    CRC" | "Crit Rev Clin Lab Sci"). Without a container, only a reference with a
    volume or pages (a journal article must have a journal) gives the end of its title
    to a known journal.
    """
    if container is None:
        title = title.rstrip(" ,;")  # "… receptivity Fertility and Sterility, 1989"
    if title.rstrip()[-1:] in tuple(".?!:;,\"”'’)]") or gap.strip():
        return title, container
    if container is None and not numbered:
        return title, container
    # Here, not at the top: the list and the resolver's key load only when needed.
    from refcheck.parse.journals import is_known_journal

    known = container is not None and is_known_journal(container)
    head = title.split()
    tail = container.split() if container else []
    words = head + tail
    boundary = len(head)
    lowest = max(3, boundary - 5)  # a title keeps three words at least
    highest = min(len(words) - 1, boundary + 2)
    if known:
        highest = boundary - 1  # only a longer known name ("CRC" + "Crit Rev Clin Lab Sci")
    for start in range(lowest, highest + 1):  # earliest start: the longest name
        if start == boundary:
            continue
        moved = words[boundary:start]
        if moved and (len(moved) > 2 or any(_JOURNAL_HEAD_RE.match(w) for w in moved)):
            continue  # never behead a container that names a journal of its own
        name = words[start:]
        if not name[0][:1].isupper() or words[start - 1][-1:] in ",;:-":
            continue
        if container is None and len(name) == 1 and not words[start - 1][:1].islower():
            continue  # "… in Canada Science": one capitalised word after another
        if is_known_journal(" ".join(name)):
            return " ".join(words[:start]), " ".join(name)
    return title, container


# A title's last sentence of one to five words, and the long blank an address left.
_SITE_BEFORE_ADDRESS_RE = re.compile(
    r"(?<=\w{2})[.?!]\s+(?P<site>[A-Z0-9][^\s.]*(?:\s+[^\s.]+){0,4}?)\.?\s*$"
)
_BLANKED_ADDRESS_RE = re.compile(r"\s{12,}(?:$|[(.\[]|[Aa]ccessed|[Rr]etrieved)")
_PAGE_WORD_RE = re.compile(r"\s*(?:pages?|pp?\.)\s*[A-Za-z]?\d", re.IGNORECASE)
_NUMBER_BEFORE_BRACKET_RE = re.compile(r"(?<![\w.])(\d{1,4})\s*\(\s*$")
_PAGE_RANGE_IN_RE = re.compile(r"\w\s*[-\u2013\u2014]+\s*\w")
_CITY_TAIL_RE = re.compile(r",\s+(?P<city>[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2})$")
_STATUS_WORDS = frozenset(
    ["submitted", "manuscript", "preprint", "draft", "unpublished", "forthcoming", "in"]
)
_SITE_NAME_RE = re.compile(r"[A-Z][\w&'’.-]*(?: [A-Z][\w&'’.-]*| of| the| and){0,5},\s*")
_BARE_NUMBER_RE = re.compile(r"\s*\d{4}[,.;]?\s*")
_DATE_WORD_RE = re.compile(
    r"(?:last\s+)?(?:modified|updated|reviewed|published|posted)|last", re.IGNORECASE
)


def _recover_container(
    text: str,
    runs: dict[str, list[tuple[int, int]]],
    draft: Draft,
    title: str | None,
    container: str | None,
    genres: frozenset[int] = frozenset(),
) -> tuple[str | None, str | None]:
    """Find the container the labeller missed or mislabelled: a book title after the
    editors, an MLA site read as an author, a date word read as a container, the site
    named right before an address or a date. ``genres``: where genre runs start.
    Returns the (title, container) pair."""
    titles = runs.get("title", [])
    if (
        container is None
        and len(titles) > 1
        and runs.get("editor")
        and titles[0][1] <= runs["editor"][0][0] < titles[1][0]
    ):
        # Harvard's "'Sleep and cramps', in Green, P. (ed.) Handbook of Sleep Medicine.":
        # the title after the editors is the book's.
        container = text[slice(*_balance(text, *titles[1]))]
    if (
        container is None
        and draft.authors
        and runs.get("title")
        and runs.get("author")
        and runs["author"][0][0] > runs["title"][0][0]
        and not (runs.get("date") and runs["date"][0][0] < runs["title"][0][0])
    ):
        # MLA without an author: '"Leg Cramps." MedlinePlus, U.S. National Library of
        # Medicine, 2 Feb. 2021': what follows a leading title is the site (and its
        # publisher), not its author.
        site, _, owner = draft.authors.partition(", ")
        container, draft.authors = site, None
        if owner and not draft.publisher:
            draft.publisher = owner.strip(" ,.")
    if container and _DATE_WORD_RE.fullmatch(container.strip(" .,")):
        container = None  # "Last modified April 2, 2019" with the date read apart
    if container is None and title and runs.get("title"):
        end = runs["title"][0][1]
        before = _SITE_BEFORE_ADDRESS_RE.search(title)
        if before and _BLANKED_ADDRESS_RE.match(text, end):
            # "Antenatal care: NICE guideline NG201. NICE https://www.nice.org.uk/…" (Nature),
            # "… cramps. Healthline. https://…" (AMA): the short sentence right before an
            # address is the site's name.
            title, container = title[: before.start() + 1], before.group("site")
    if container is None and title and runs.get("title") and runs.get("note"):
        container = _site_before_date(text, runs, genres)
    return title, container


def _after_a_month(text: str, start: int) -> bool:
    """Whether the word before ``start`` names a month ("May 3-5": days, not pages)."""
    before = text[:start].rsplit(maxsplit=1)[-1:]
    return bool(before) and before[0].rstrip(".").lower() in MONTH_NUMBERS


def _site_before_date(
    text: str, runs: dict[str, list[tuple[int, int]]], genres: frozenset[int]
) -> str | None:
    """A short capitalised "note" between a title and a date is the title's site or
    newspaper: Chicago's '“Why Do Legs Cramp at Night?” New York Times, March 14, 2023.'"""
    note = _note_after_title(text, runs, between=" \"”’'.,")
    if note is None:
        return None
    start, end = note
    name = text[start:end]
    if start in genres or name.split()[0].lower().strip(",.") in _STATUS_WORDS:
        return None  # "Preprint, 1996.", "Submitted, 1998.": what it is, not where
    next_token = len(text) - len(text[end:].lstrip())  # where the next run starts
    date_starts = {s for s, _ in runs.get("date", [])}
    return (
        name.rstrip(" ,") if _SITE_NAME_RE.fullmatch(name) and next_token in date_starts else None
    )


def _choose_year(
    text: str, runs: dict[str, list[tuple[int, int]]], draft: Draft
) -> tuple[str | None, str | None]:
    """Set the draft's year from the first date run that holds one, skipping a page
    that looks like a year. Returns a page read as a date ("1998 (2011)") and the end
    of a spaced page range read as a date ("1573 – 1584"), for the pages to take back."""
    page_like = range_end = None
    for span in runs.get("date", []):
        date_text = text[span[0] : span[1]]
        year = find_year(date_text)
        if not year:
            continue
        inner = BRACKETED_YEAR_RE.search(date_text)
        if inner and inner.group("year") != year:
            # "326, 1998 (2011)" read as one date: the bracketed number is the year, the
            # bare one before it the page.
            leading = date_text[: inner.start()].strip(" ,.;")
            if _BARE_NUMBER_RE.fullmatch(leading):
                page_like = leading
            draft.date_text, draft.year = inner.group(0), inner.group("year")
            break
        if _BARE_NUMBER_RE.fullmatch(date_text):
            if text[: span[0]].rstrip().endswith(("-", "\u2013", "\u2014")):
                range_end = date_text.strip(" ,.;")
                continue  # "1573 – 1584, 2010": the end of a page range
            bracketed = [
                m for m in BRACKETED_YEAR_RE.finditer(text) if not span[0] <= m.start() < span[1]
            ]
            if len(bracketed) == 1:
                # "Annals Phys. 326, 1998 (2011)": the year is the bracketed one; the
                # bare number is the page.
                page_like = date_text.strip(" ,.;")
                m = bracketed[0]
                draft.date_text, draft.year = m.group(0), m.group("year")
                break
        draft.date_text, draft.year = date_text, year
        break
    if draft.year and draft.date_text and _BARE_NUMBER_RE.fullmatch(draft.date_text):
        # Chicago author-date: "Stevens, Laura. 2023. “Title.” New York Times, March 14,
        # 2023.": the year leads, the full date of the same year comes later.
        for span in runs.get("date", [])[1:]:
            fuller = text[span[0] : span[1]]
            date = parse_date(fuller) if find_year(fuller) == draft.year else None
            if date is not None and date.month:
                draft.date_text = fuller
                break
    return page_like, range_end


def decode(text: str, tokens: list[Token], labels: list[str]) -> Draft:
    """Turn token labels (fine or field-level) into draft fields, shaped by the
    normalisers."""
    journal = "journal" in labels
    # Where the labeller saw a genre ("Preprint", "Manuscript"): a note, but no site.
    genres = (
        frozenset(t[1] for t, lab in zip(tokens, labels, strict=True) if lab == "genre")
        if "genre" in labels
        else frozenset()
    )
    labels = [COARSE.get(label, label) for label in labels]
    runs = _runs(tokens, labels)

    def first(label: str) -> str | None:
        spans = runs.get(label)
        if not spans:
            return None
        start, end = _balance(text, *spans[0])
        return text[start:end]

    draft = Draft()
    draft.authors = first("author")
    draft.editors = first("editor")
    title = first("title")
    container_text = first("container")
    if not title and container_text and container_text[0] in '“"‘«':
        # 'Mayo Clinic. “Pregnancy Week by Week.” Mayo Foundation …' all read as the
        # site: the quotes say where the title is.
        _, quoted, after = _split_quoted(container_text)
        if after:
            title, container_text = quoted, after
    spill_before = spill_after = None
    if title and runs.get("note") and runs.get("title"):
        title = _take_running_note(text, runs, title)
    if title:
        spill_before, title, spill_after = _split_quoted(title)
        title, edition = _trim_title(title)
        draft.edition = edition
    if spill_before and not draft.authors:
        draft.authors = spill_before
    elif spill_before and draft.authors and _ENDS_IN_INITIAL_RE.search(draft.authors):
        draft.authors = f"{draft.authors.rstrip()} {spill_before}"  # "J. H." + "Chern"
    rest_of_list = _NAME_LIST_HEAD_RE.match(title or "")
    if rest_of_list and draft.authors and draft.authors.rstrip().endswith(",") and title:
        # "Pierre Sermanet, | Andrea Frome, and Esteban Real. Attention for …": the list
        # went on past where the labeller ended it.
        draft.authors = f"{draft.authors.rstrip()} {rest_of_list.group('names')}"
        title = title[rest_of_list.end() :]
    lost = _INITIALS_COLON_RE.match(title or "")
    if lost and draft.authors and title and not draft.authors.rstrip().endswith("."):
        # "Malina HZ, Martin XD: 3-hydroxykynurenine …": initials and a colon end an
        # author list; no title starts with them. (A list that ended with its full stop
        # is whole: "R Core Team. R: A language and environment …".)
        draft.authors = f"{draft.authors.rstrip()} {lost.group(1)}"
        title = title[lost.end() :]
    elif draft.authors and title:
        draft.authors, title = _take_last_author(draft.authors, title)
    title, container = _recover_container(
        text, runs, draft, title, container_text or spill_after, genres
    )
    if title and not spill_after and runs.get("title"):
        gap = text[runs["title"][0][1] : runs["container"][0][0]] if runs.get("container") else ""
        numbered = bool(runs.get("volume") or runs.get("pages"))
        title, container = _place_journal_boundary(title, container, gap, numbered)
    draft.title = clean_title(title) if title else None
    tail: str | None = None
    if container:
        container, tail = _trim_container(container)
    draft.container = clean_container(container) if container else None
    collection = first("collection")
    draft.collection = clean_container(collection) if collection else None
    page_like, range_end = _choose_year(text, runs, draft)
    if tail and draft.year is None and find_year(tail):
        draft.year = find_year(tail)
    volume = first("volume")
    if volume and _PAGE_WORD_RE.match(volume) and not runs.get("pages"):
        # "Wind Energy Research, page 179, 2010": a page, whatever the label says.
        draft.pages, volume = expand_pages(volume), None
    if tail and not volume and re.fullmatch(r"\d+|[IVXLC]+", tail):
        draft.volume = tail
    if volume:
        vol, iss, pages = _split_volume(volume)
        draft.volume = vol
        draft.issue, draft.pages = iss, pages
        if draft.year is None:
            draft.year = find_year(volume)
        if (
            iss is None
            and not runs.get("issue")
            and _ISSUE_WORD_BEFORE_RE.search(text[: runs["volume"][0][0]])
        ):
            # Cochrane's "2020, Issue 12" with "12" read as the volume: the word says.
            draft.volume, draft.issue = None, vol
    issue = first("issue")
    if issue:
        draft.issue = _clean_number(issue, _ISSUE_PREFIX_RE)
        before_issue = _NUMBER_BEFORE_BRACKET_RE.search(text[: runs["issue"][0][0]])
        if draft.volume is None and before_issue:
            # ACS's "2019, 141 (12), 4890–4897" with "141" not read as the volume.
            draft.volume = before_issue.group(1)
    pages = first("pages")
    page_runs = runs.get("pages", [])
    if len(page_runs) > 1:
        # Several "pages" runs: the one with a range is the pages ("141" before "(12)"
        # was the volume), and not days after a month (NLM's meeting dates, "2019 May
        # 3-5; Boston, MA. … p. 45-52.").
        page_runs = [r for r in page_runs if not _after_a_month(text, r[0])]
        ranged = [r for r in page_runs if _PAGE_RANGE_IN_RE.search(text[r[0] : r[1]])]
        if ranged or page_runs:
            pages = text[slice(*_balance(text, *(ranged or page_runs)[0]))]
    if pages and range_end and pages.rstrip().endswith(("-", "\u2013", "\u2014")):
        pages = f"{pages.rstrip()}{range_end}"
    if pages:
        draft.pages = expand_pages(pages)
    elif page_like and not draft.pages:
        draft.pages = page_like
    publisher = first("publisher")
    if publisher:
        draft.publisher = publisher.strip(" ,.;:")
    location = first("location")
    draft.place = location.strip(" ,.;:") if location else None
    if draft.place and draft.container and runs.get("container") and runs.get("location"):
        between = text[runs["container"][0][1] : runs["location"][0][0]]
        city = _CITY_TAIL_RE.search(draft.container)
        if city and not between.strip(" ,") and city.start() > 0:
            # "Proc. IEEE Conf. … (CVPR), Las Vegas, | NV, USA": the city the labeller
            # left in the container belongs to the place that follows it.
            draft.container = draft.container[: city.start()]
            draft.place = f"{city.group('city')}, {draft.place}"
    edition = first("edition")
    if edition:
        draft.edition = edition.strip(" ,.;:()")
    if (
        draft.title is None
        and not journal
        and draft.container
        and not (draft.volume or draft.issue or draft.pages)
        and not re.search(r"\b[A-Z][a-z]{0,5}\.(?:\s|$)", draft.container)  # "Phys. Rev."
        and " " in draft.container  # "ApJ", "MNRAS"
        and not _JOURNAL_WORD_RE.search(draft.container)
        and not re.search(r"\b(?:[Ii]n|[Ii]n:|eds?\.)\s*$", text[: runs["container"][0][0]])
    ):
        # A lone "container" with nothing of a journal about it is the book's own title.
        draft.title, draft.container = draft.container, None
    return draft


def _heuristic(prep: Prepared) -> Draft:
    """Without a model: authors, title, container by sentence position."""
    rest = tidy(prep.rest)
    draft = Draft(year=find_year(rest))
    vancouver = VANCOUVER_AUTHORS_PREFIX.match(rest)
    if vancouver:
        draft.authors = vancouver.group("authors")
        rest = rest[vancouver.end() :]
    sentences = split_sentences(rest)
    if draft.authors is None and len(sentences) >= 2:
        draft.authors = sentences.pop(0)
    if sentences:
        draft.title = clean_title(sentences.pop(0))
    if sentences:
        draft.container = clean_container(" ".join(sentences))
    return draft


def label_draft(prep: Prepared) -> Draft:
    """Label a prepared reference with the CRF and decode the fields."""
    tokens = tokenise(prep.rest)
    labels = label_tokens(tokens)
    if labels is None:
        return _heuristic(prep)
    return decode(prep.rest, tokens, labels)
