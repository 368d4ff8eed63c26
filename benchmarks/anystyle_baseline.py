"""An AnyStyle-like CRF baseline, scored side by side with refcheck's parser.

    python benchmarks/anystyle_baseline.py --cv --jobs 2   # 5-fold CV, same folds
    python benchmarks/anystyle_baseline.py                  # fold 0 of 5 only

The issue asks for the parser to be measured next to "an AnyStyle-like CRF trained on
the same development data". This is that CRF, rebuilt in Python from AnyStyle's parser
(``lib/anystyle/parser.rb``, ``lib/anystyle/feature/*.rb`` and the Wapiti pattern
``lib/anystyle/support/parser.txt``; Sylvester Keil, BSD-2-Clause):

* **tokens**: whitespace-delimited, as AnyStyle's ``delimiter: /\\s+/``;
* **observations** (20 columns, in AnyStyle's order): the token, its canonical form,
  the Unicode category of its first and last character, 1-2 character prefixes and
  suffixes, capitalisation, number shape, four dictionary tags (name, place,
  publisher, journal), keyword, position, punctuation, brackets, terminal
  punctuation and locator;
* **templates**: AnyStyle's Wapiti pattern, column for column and offset for offset;
* **training**: L-BFGS with Wapiti's default regularisation (rho1 0.5, rho2 1e-4),
  trained on the same folds (``training.data.is_heldout``) with the same folded
  labels (``training.data``'s ``LABEL_MAP``).

What differs from AnyStyle, necessarily: crfsuite has no Wapiti "bigram" (``*``/``B``)
observation features, so those templates are unigram ones here; Wapiti stops on the
token error rate over a window, crfsuite on the objective (``period``/``delta``); the
dictionary is learned from the training folds (cross-fitted, see ``dictionary``)
instead of AnyStyle's external name/place/publisher/journal lists. The text is the
parser's pre-pass output (``refcheck.parse.rules.prepare``: DOIs, URLs and access
dates blanked out), because the folded labels are defined on it; DOI, URL and
access date therefore come from that shared pre-pass in both readings.

Two readings of the CRF's labels are scored, on the same fields and with
``parse_benchmark``'s ``Score``/``norm``:

* ``anystyle``: AnyStyle's simple way: consecutive tokens of a label joined, the
  first segment of each, light AnyStyle-like normalisers (punctuation, "In:", the
  volume block, a year), authors split on the obvious separators into family names;
* ``anystyle+shaping``: the same labels through refcheck's own field shaping
  (``refcheck.parse.labeller.decode`` and ``build_reference``), which tells labeller
  quality from field shaping.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pycrfsuite

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_benchmark import Score, predicted

from refcheck.parse import build_reference
from refcheck.parse.labeller import decode
from refcheck.parse.rules import Prepared, prepare
from refcheck.parse.tokens import Token
from training.data import gold_sequence, is_heldout, load_records

VARIANTS = ("anystyle", "anystyle+shaping")

#: Wapiti's defaults, which AnyStyle keeps (it sets only ``compact`` and ``threads``):
#: L-BFGS (OWL-QN with L1), rho1 0.5, rho2 1e-4 (Wapiti's penalty is rho2/2 |w|^2,
#: crfsuite's c2 |w|^2), a stopping window of 5 iterations. Every label pair is a
#: possible transition, as in Wapiti.
PARAMS: dict[str, Any] = {
    "c1": 0.5,
    "c2": 0.00005,
    "period": 5,
    "delta": 1e-4,
    "max_iterations": 500,
    "feature.possible_transitions": True,
}

#: Dictionary tags, in AnyStyle's order, and the folded labels that feed each.
DICT_TAGS: dict[str, tuple[str, ...]] = {
    "name": ("author", "editor"),
    "place": ("location",),
    "publisher": ("publisher",),
    "journal": ("journal", "container"),
}
DICT_MIN_COUNT = 2  # a word seen at least twice in a tag's fields ...
DICT_MIN_SHARE = 0.3  # ... and in at least this share of its occurrences
DICT_FOLDS = 5

# ------------------------------------------------------------------ tokens


_SPACE_RE = re.compile(r"\S+")


def whitespace_tokens(text: str) -> list[Token]:
    """AnyStyle's tokens: maximal runs of non-space characters, with offsets."""
    return [(m.group(0), m.start(), m.end()) for m in _SPACE_RE.finditer(text)]


def sequence(record: dict[str, Any]) -> tuple[Prepared, list[Token], list[str]]:
    """The pre-pass, whitespace tokens and each token's folded gold label (the label
    of its first letter or digit, as ``training.data.to_sequence`` does)."""
    return gold_sequence(record, whitespace_tokens)


# ------------------------------------------------------------ observations


def scrub(text: str) -> str:
    """Letters and digits only (AnyStyle's ``scrub``: no modifier letters either)."""
    return "".join(c for c in text if c.isalnum() and unicodedata.category(c) != "Lm")


def canonize(text: str) -> str:
    """NFKD without combining marks, scrubbed, lower-cased."""
    decomposed = unicodedata.normalize("NFKD", text)
    return scrub("".join(c for c in decomposed if not unicodedata.combining(c))).lower()


_KEEP_CATEGORIES = {"Lu", "Ll", "Lm", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Zl", "Zp"}


def char_category(char: str) -> str:
    """A character's Unicode general category, at AnyStyle's granularity."""
    cat = unicodedata.category(char)
    if cat in _KEEP_CATEGORIES:
        return cat
    return {"Po": "P", "Zs": "Z"}.get(cat, cat[0])


def _is_upper(c: str) -> bool:
    return c.isupper()


def caps(alpha: str) -> str:
    """Capitalisation of the scrubbed token."""
    if len(alpha) == 1 and _is_upper(alpha):
        return "single"
    if len(alpha) > 1 and _is_upper(alpha[0]) and alpha[1].islower():
        return "initial"
    if alpha and all(_is_upper(c) for c in alpha):
        return "caps"
    if alpha and all(c.islower() for c in alpha):
        return "lower"
    return "other"


_DASH = "\u2010-\u2015\u2212\\-"
_NUMBER_RES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"\d[(:;]\d", "volume"),
        (rf"^97[89](?:[{_DASH}]?\d){{10}}$|^\d(?:[{_DASH}]?\d){{9}}$", "isbn"),
        (r"\b(?:1\d|20)\d\d\b", "year"),
        (r"^\d{4}$", "quad"),
        (r"^\d{3}$", "triple"),
        (r"^\d{2}$", "double"),
        (r"^\d$", "single"),
        (r"^\d+$", "all"),
        (rf"^\d+[{_DASH}]+\d+$", "range"),
        (r"^[A-Z][A-Z\-/]+\d+[,.:]?$", "idnum"),
        (r"(?i)\d[^\W\d_]{1,3}\b", "ordinal"),
        (r"\d", "numeric"),
        (r"^(?:[IVXLDCM]+|[ivx]+)\b", "roman"),
    )
)


def _first_class(
    classes: tuple[tuple[re.Pattern[str], str], ...], text: str, default: str
) -> str:
    """The name of the first pattern found in ``text``: AnyStyle's ordered classes."""
    for pattern, name in classes:
        if pattern.search(text):
            return name
    return default


def number(token: str) -> str:
    """The shape of the token's number, if any."""
    return _first_class(_NUMBER_RES, token, "none")


_KEYWORD_RES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"(?i)^ed(?:s|itors?|ited?|iteurs?)?$|^(?:hg|hrsg|herausgeber|compilador)$", "editor"),
        (r"(?i)^trans(?:l(?:ated|ators?|ation))?$|^übers(?:etz(?:t|ung))?$"
         r"|^trad(?:uction|ucteurs?|uit)?$", "translator"),
        (r"(?i)^(?:dissertation|thesis)$", "thesis"),
        (r"(?i)^(?:proceedings|conference|meeting|transactions|communications|seminar"
         r"|symposi(?:on|um))", "proceedings"),
        (r"^(?:Journal|Zeitschrift|Quarterly|Magazine?|Times|Rev(?:iew|vue)?|Bulletin|News"
         r"|Week|Gazett[ea])", "journal"),
        (r"(?i)^in$", "in"),
        (r"^(?:[AaUu]nd|y|e)$", "and"),
        (r"^(?:etal|others)$", "etal"),
        (r"^(?:pp?|pages?|S(?:eiten?)?|ff?)$", "page"),
        (r"(?i)^(?:vol(?:ume)?s?|iss(?:ue)?|n[or]?|number|fasc(?:icle|icule)?"
         r"|suppl(?:ement)?)$", "volume"),
        (r"(?i)^(?:ser(?:ies?)?|reihe|[ck]oll(?:e[ck]tion))$", "series"),
        (r"(?i)^patent$", "patent"),
        (r"(?i)^(?:edn|edition|expanded|rev(?:ised)?|p?reprint(?:ed)?|illustrated|aufl(?:age)?"
         r"|[^\W\d_]*ausg(?:abe)?)$|^editio|aucta$", "edition"),
        (r"(?i)^(?:nd|date|spring|s[uo]mmer|autumn|fall|winter|frühling|herbst)$"
         r"|^(?:jan(?:uary?)?|feb(?:ruary?)?|mar(?:ch|z)?|apr(?:il)?|ma[yi]|jun[ei]?)$"
         r"|^(?:jul[yi]?|aug(?:ust)?|sep(?:tember)?|o[ck]t(?:ober)?|nov(?:ember)?"
         r"|de[cz](?:ember)?)$", "date"),
        (r"(?i)^(?:doi|url)", "locator"),
        (r"(?i)^(?:pmid|pmcid)", "pubmed"),
        (r"(?i)^arxiv", "arxiv"),
        (r"(?i)^(?:retrieved|retirado|accessed)$", "accessed"),
        (r"^[ILXVMCD]{2,}$", "roman"),
    )
)


def keyword(token: str, alpha: str) -> str:
    """AnyStyle's keyword classes ("eds", "In", "pp", "vol", months, ...)."""
    if token == "&":
        return "and"
    return _first_class(_KEYWORD_RES, alpha, "none")


def position(index: int, length: int) -> str:
    """First, last, only, or the position in tenths."""
    if length == 1:
        return "only"
    if index == 0:
        return "first"
    if index == length - 1:
        return "last"
    return str(round(index / length * 10))


def punctuation(token: str) -> str:
    """What punctuation the token holds."""
    if not any(unicodedata.category(c).startswith("P") for c in token):
        return "none"
    if ":" in token:
        return "colon"
    if any(unicodedata.category(c) == "Pd" for c in token):
        return "hyphen"
    if "." in token:
        return "period"
    if "&" in token:
        return "amp"
    return "other"


_END = rf"[,;:{_DASH}.]?$"
_BRACKET_RES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"^[^()\[\]<>]+$", "none"),
        (r"^\(.*\)" + _END, "parens"),
        (r"^\[.*\]" + _END, "square-brackets"),
        (r"^<.*>" + _END, "angle"),
        (r"\)" + _END, "closing-paren"),
        (r"^\(", "opening-paren"),
        (r"\]" + _END, "closing-square-bracket"),
        (r"^\[", "opening-square-bracket"),
        (r">" + _END, "closing-angle"),
        (r"^<", "opening-angle"),
    )
)


def brackets(token: str) -> str:
    """Whether and how the token opens or closes brackets."""
    return _first_class(_BRACKET_RES, token, "other")


_Q = "\"'”„’‚´«‘“`»」』"
_STRONG_RE = re.compile(rf"[.)\]][{_Q})\]]?$|,[{_Q})\]]|[{_Q})\]],$")
_MODERATE_RE = re.compile(rf"[:{_Q}][,;:{_DASH}!?.]?$")
_WEAK_RE = re.compile(rf"[!?,;{_DASH}][{_Q}]?$")


def terminal(token: str) -> str:
    """How strongly the token's end closes a segment."""
    if _STRONG_RE.search(token):
        return "strong"
    if _MODERATE_RE.search(token):
        return "moderate"
    if _WEAK_RE.search(token):
        return "weak"
    return "none"


_LOCATOR_RE = re.compile(
    r"\b(?:DOI|doi|ISBN|Url|URL|PMCID|PMID|PMC\d+|PubMed)\b|10.\d{4,9}/[-._;()/:A-Z0-9]+"
    r"|^[a-zA-Z][\w+.-]*://|^www\.",
    re.IGNORECASE,
)


def locator(token: str) -> str:
    """T for a DOI, URL or database identifier."""
    return "T" if _LOCATOR_RE.search(token) else "F"


Dictionary = dict[str, int]  # word -> bit set of DICT_TAGS


def build_dictionary(data: Sequence[tuple[list[Token], list[str]]]) -> Dictionary:
    """AnyStyle's name/place/publisher/journal dictionary, learned from labelled tokens:
    a word gets a tag when it was seen ``DICT_MIN_COUNT`` times in that tag's fields,
    ``DICT_MIN_SHARE`` of its occurrences. Unlike refcheck's word lists a word may
    carry several tags, as in AnyStyle's lists."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for tokens, labels in data:
        for (text, _s, _e), label in zip(tokens, labels, strict=True):
            word = scrub(text).lower()
            if word:
                counts[word][label] += 1
    out: Dictionary = {}
    for word, seen in counts.items():
        total = sum(seen.values())
        bits = 0
        for bit, fields in enumerate(DICT_TAGS.values()):
            n = sum(seen[f] for f in fields)
            if n >= DICT_MIN_COUNT and n / total >= DICT_MIN_SHARE:
                bits |= 1 << bit
        if bits:
            out[word] = bits
    return out


def observations(tokens: Sequence[Token], dictionary: Dictionary) -> list[list[str]]:
    """AnyStyle's 20 observation columns for each token (column 0 is the token)."""
    rows = []
    n = len(tokens)
    for i, (tok, _s, _e) in enumerate(tokens):
        alpha = scrub(tok)
        bits = dictionary.get(alpha.lower(), 0)
        rows.append([
            tok,
            canonize(tok) or "BLANK",
            char_category(tok[0]),
            char_category(tok[-1]),
            tok[:1], tok[:2], tok[-1:], tok[-2:],
            caps(alpha),
            number(tok),
            *("T" if bits & (1 << b) else "F" for b in range(len(DICT_TAGS))),
            keyword(tok, alpha),
            position(i, n),
            punctuation(tok),
            brackets(tok),
            terminal(tok),
            locator(tok),
        ])  # fmt: skip
    return rows


# AnyStyle's Wapiti pattern (parser.txt): (name, ((offset, column), ...)). A negative
# column stands for Wapiti's %X (the token lower-cased). Wapiti's "*" templates (also
# observed on label bigrams) are unigram templates here: crfsuite has no such features.
TEMPLATES: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("Tok", ((0, 0),)), ("tok", ((0, 1),)),
    ("tokLL", ((-2, -1),)), ("tokL", ((-1, -1),)), ("tokR", ((1, -1),)), ("tokRR", ((2, -1),)),
    ("tok2L", ((-1, -1), (0, -1))), ("tok2R", ((0, -1), (1, -1))),
    ("Fst", ((0, 2),)), ("FstR", ((1, 2),)), ("Fst2", ((0, 2), (0, 4))),
    ("Fst2R", ((1, 2), (1, 4))),
    ("LstL", ((-1, 3),)), ("Lst", ((0, 3),)), ("Lst2L", ((-1, 3), (-1, 6))),
    ("Lst2", ((0, 3), (0, 6))),
    ("Pre1", ((0, 4),)), ("Pre2", ((0, 5),)), ("Pre2R", ((1, 5),)),
    ("Suf1", ((0, 6),)), ("Suf2L", ((-1, 7),)), ("Suf2", ((0, 7),)),
    ("CapL", ((-1, 8),)), ("Cap", ((0, 8),)), ("CapR", ((1, 8),)),
    ("Cap2L", ((-1, 8), (0, 8))), ("Cap2R", ((0, 8), (1, 8))), ("Cap3L", ((-1, 18), (0, 8))),
    ("NumL", ((-1, 9),)), ("Num", ((0, 9),)), ("NumR", ((1, 9),)),
    ("NumBrk", ((0, 9), (0, 17))), ("NumTmn", ((0, 9), (0, 18))),
    ("Nme", ((0, 10),)),
    ("Loc", ((0, 11),)), ("Loc2L", ((-1, 11), (0, 11))), ("Loc2R", ((0, 11), (1, 11))),
    ("Pub", ((0, 12),)), ("Pub2L", ((-1, 12), (0, 12))), ("Pub2R", ((0, 12), (1, 12))),
    ("Jnl", ((0, 13),)), ("Jnl2L", ((-1, 13), (0, 13))), ("Jnl2R", ((0, 13), (1, 13))),
    ("KeyL", ((-1, 14),)), ("Key", ((0, 14),)), ("KeyR", ((1, 14),)),
    ("KeyCap", ((0, 14), (0, 8))), ("Key3L", ((-1, 18), (0, 14))),
    ("Key3", ((0, 14), (0, 18))),
    ("Pos", ((0, 15),)), ("Pos2L", ((-1, 15), (0, 15))), ("Pos2R", ((0, 15), (1, 15))),
    ("PctL", ((-1, 16),)), ("Pct", ((0, 16),)), ("PctR", ((1, 16),)),
    ("BrkL", ((-1, 17),)), ("Brk", ((0, 17),)), ("BrkR", ((1, 17),)),
    ("TmnL", ((-1, 18),)), ("Tmn", ((0, 18),)), ("TmnR", ((1, 18),)),
    ("Tmn2L", ((-1, 14), (0, 18))), ("Tmn2R", ((0, 18), (1, 14))),
    ("Tmn3", ((0, 18), (0, 6))), ("Tmn4R", ((0, 18), (1, 8))),
    ("Id", ((0, 19),)),
)  # fmt: skip


def features(tokens: Sequence[Token], dictionary: Dictionary) -> list[list[str]]:
    """crfsuite attributes for each token: AnyStyle's templates over its columns."""
    rows = observations(tokens, dictionary)
    n = len(rows)

    def cell(i: int, column: int) -> str:
        if i < 0:
            return f"_x{i}"  # Wapiti's out-of-sequence markers
        if i >= n:
            return f"_x+{i - n + 1}"
        return rows[i][0].lower() if column < 0 else rows[i][column]

    out = []
    for i in range(n):
        out.append([
            f"{name}={'/'.join(cell(i + off, col) for off, col in parts)}"
            for name, parts in TEMPLATES
        ])  # fmt: skip
    return out


# ------------------------------------------------------------------ training


def train(records: Sequence[dict[str, Any]], model: Path) -> Dictionary:
    """Train the baseline on ``records`` into ``model``; returns the dictionary that
    goes with it (learned from all of ``records``)."""
    data = [(tokens, labels) for _p, tokens, labels in map(sequence, records) if tokens]
    # The dictionary stands in for AnyStyle's external word lists, which do not know
    # the training labels: each training reference sees one built from the other
    # references (cross-fitted), so the model trusts it only as far as it deserves.
    trainer = pycrfsuite.Trainer(verbose=False)
    for part in range(DICT_FOLDS):
        others = build_dictionary([d for i, d in enumerate(data) if i % DICT_FOLDS != part])
        for i in range(part, len(data), DICT_FOLDS):
            trainer.append(features(data[i][0], others), data[i][1])
    trainer.set_params(PARAMS)
    trainer.train(str(model))
    return build_dictionary(data)


# ------------------------------------------------------------ field shaping


def segments(text: str, tokens: Sequence[Token], labels: Sequence[str]) -> dict[str, list[str]]:
    """Consecutive tokens of one label joined: label -> its segments, in order."""
    out: dict[str, list[str]] = defaultdict(list)
    prev = None
    start = end = 0
    for (_t, s, e), label in zip(tokens, labels, strict=True):
        if label == prev:
            end = e
            continue
        if prev is not None:
            out[prev].append(text[start:end])
        prev, start, end = label, s, e
    if prev is not None:
        out[prev].append(text[start:end])
    return out


_STRIP = " \t,;:.\"'“”‘’«»()[]"
_YEAR_RE = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_INITIALS_RE = re.compile(r"^(?:(?:[A-Z]\.?-?){1,4}|(?:[A-Z][a-z]?\.\s?)+)$")
_ETAL_RE = re.compile(r",?\s*\b(?:et\.?\s*al|and others)\b.*$", re.IGNORECASE)
_NAME_SEP_RE = re.compile(r"\s*(?:;|&|\band\b|\bund\b|\bet\b(?!\.?\s*al)|\by\b)\s*")


def family_names(authors: str) -> list[str]:
    """Family names from an author segment, split on the obvious separators:
    "Smith, J., Jones, K. and Lee, M." and "Smith J, Jones K" and "J. Smith, K. Jones"."""
    text = _ETAL_RE.sub("", authors).strip(_STRIP)
    names: list[str] = []
    for chunk in _NAME_SEP_RE.split(text):
        parts = [p.strip(_STRIP + " ") for p in chunk.split(",")]
        parts = [p for p in parts if p]
        i = 0
        while i < len(parts):
            part = parts[i]
            words = part.split()
            if i + 1 < len(parts) and _INITIALS_RE.match(parts[i + 1].replace(" ", "")):
                names.append(part)  # "Smith, J."
                i += 2
                continue
            if len(words) > 1 and _INITIALS_RE.match(words[-1]):
                names.append(" ".join(words[:-1]))  # "Smith JK"
            elif len(words) > 1 and _INITIALS_RE.match(words[0].replace(".", "") or "x"):
                given = [w for w in words if _INITIALS_RE.match(w)]
                names.append(" ".join(words[len(given) :]) or part)  # "J. K. Smith"
            elif len(words) > 1:
                names.append(words[-1])  # "John Smith"
            else:
                names.append(part)
            i += 1
    return [n for n in (n.strip(_STRIP) for n in names) if n]


_VOLUME_BLOCK_RE = re.compile(
    r"(?:^|\s|;)(?P<volume>[A-Z]?\d+|[IVXLCDM]+)\s?\((?P<issue>[^)]+)\)"
    r"(?::?\s?(?P<pages>\d+[\u2010-\u2015\-]\d+))?"
)
_VOLUME_ISSUE_RE = re.compile(
    r"(?:(?P<volume>[A-Z]?\d+|[IVXLCDM]+)[^\w\s]*\s*)?(?:nos?|nr|n°|nº|iss?|fasc|heft|h)\.?\s?"
    r"(?P<issue>.+)$",
    re.IGNORECASE,
)
_VOLUME_PAGES_RE = re.compile(
    r"(?P<volume>[A-Z]?\d+|[IVXLCDM]+):(?P<pages>\d+(?:[\u2010-\u2015\-]\d+)?)"
)


def anystyle_fields(
    prep: Prepared, tokens: Sequence[Token], labels: Sequence[str]
) -> dict[str, Any]:
    """The benchmark's fields the simple AnyStyle way (first segment of each label,
    AnyStyle-like punctuation, container, volume, page and date normalisers)."""
    seg = segments(prep.rest, tokens, labels)

    def first(*names: str) -> str | None:
        for name in names:
            for value in seg.get(name, ()):
                value = value.strip(_STRIP)
                if value:
                    return value
        return None

    volume, issue, pages = first("volume"), first("issue"), first("pages")
    year = None
    for value in seg.get("date", ()):
        m = _YEAR_RE.search(value)
        if m:
            year = m.group(1)
            break
    if volume:  # AnyStyle's Volume normaliser: "12(3)", "12, no. 3", "12:45-67"
        if year is None and _YEAR_RE.search(volume):
            year = _YEAR_RE.search(volume).group(1)  # type: ignore[union-attr]
        m = _VOLUME_BLOCK_RE.search(volume)
        n = _VOLUME_ISSUE_RE.search(volume)
        p = _VOLUME_PAGES_RE.search(volume)
        if m:
            volume, issue = m.group("volume"), issue or m.group("issue")
            pages = pages or m.group("pages")
        elif n:
            volume, issue = n.group("volume"), issue or n.group("issue").strip(_STRIP)
        elif p:
            volume, pages = p.group("volume"), pages or p.group("pages")
        else:
            volume = re.sub(r"(?i)^.*?vol(?:ume)?[^\w]+", "", volume).strip(_STRIP)
    if issue:
        issue = re.sub(r"(?i)^(?:nos?|nr|n°|nº|iss(?:ue)?|heft|h)\.?\s*", "", issue)
    if pages:  # AnyStyle's Page normaliser: no "pp.", one kind of dash
        pages = re.sub(r"(?i)^(?:pp?|pages?|s)\.?\s*", "", pages)
        pages = re.sub("\\s*[\u2010-\u2015\u2212-]+\\s*", "-", pages)
    container = first("journal", "container")
    if container:  # AnyStyle's Container normaliser: no leading "In:"
        container = re.sub(r"^(?:[Ii]n:?\s+)", "", container).strip(_STRIP) or None
    author = first("author")
    ids = prep.ids
    return {
        "authors": family_names(author) if author else [],
        "title": first("title"),
        "container": container,
        "year": year,
        "volume": volume or None,
        "issue": issue or None,
        "pages": pages or None,
        "doi": ids.doi,
        "url": ids.urls[0] if ids.urls else None,
        "accessed": prep.accessed.isoformat() if prep.accessed else None,
    }


def shaped_fields(
    prep: Prepared, tokens: Sequence[Token], labels: Sequence[str]
) -> dict[str, Any]:
    """The same labels through refcheck's own decoding and normalisers."""
    return predicted(build_reference(prep, decode(prep.rest, list(tokens), list(labels))))


SHAPERS: dict[str, Callable[[Prepared, Sequence[Token], Sequence[str]], dict[str, Any]]] = {
    "anystyle": anystyle_fields,
    "anystyle+shaping": shaped_fields,
}


# ------------------------------------------------------------------ benchmark

Scores = dict[str, dict[str, Score]]  # variant -> source (and "ALL") -> score


def run_fold(k: int, folds: int) -> Scores:
    """Train on every fold but ``k``, then score fold ``k`` with both readings."""
    records = load_records()
    held = [r for r in records if is_heldout(r, k, folds)]
    rest = [r for r in records if not is_heldout(r, k, folds)]
    scores: Scores = {v: {} for v in VARIANTS}
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "anystyle.crfsuite"
        start = time.perf_counter()
        dictionary = train(rest, model)
        print(f"fold {k}: trained on {len(rest)} in {time.perf_counter() - start:.0f}s,"
              f" testing {len(held)}", file=sys.stderr)
        tagger = pycrfsuite.Tagger()
        tagger.open(str(model))
        for record in held:
            start = time.perf_counter()
            prep = prepare(record["raw"])
            tokens = whitespace_tokens(prep.rest)
            labels = tagger.tag(features(tokens, dictionary)) if tokens else []
            common = time.perf_counter() - start
            for variant, shape in SHAPERS.items():
                start = time.perf_counter()
                pred = shape(prep, tokens, labels)
                elapsed = common + time.perf_counter() - start
                for key in (record["source"], "ALL"):
                    score = scores[variant].setdefault(key, Score())
                    score.add(record, pred)
                    score.seconds += elapsed
        tagger.close()
    return scores


def main(argv: Sequence[str] | None = None) -> int:
    """Run the baseline over the folds and print parse_benchmark's tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--fold", type=int, default=0, help="the held-out fold")
    parser.add_argument("--cv", action="store_true", help="all folds in turn")
    parser.add_argument("--jobs", type=int, default=1,
                        help="folds trained at once (refs/s is only meaningful with 1)")
    args = parser.parse_args(argv)
    folds = list(range(args.folds)) if args.cv else [args.fold]
    if args.jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(run_fold, folds, [args.folds] * len(folds)))
    else:
        results = [run_fold(k, args.folds) for k in folds]
    total: Scores = {v: {} for v in VARIANTS}
    for fold_scores in results:
        for variant, by_source in fold_scores.items():
            for key, score in by_source.items():
                total[variant].setdefault(key, Score()).merge(score)
    for variant in VARIANTS:
        print(f"######## {variant}\n")
        for key in sorted(total[variant], key=lambda k: (k == "ALL", k)):
            print(total[variant][key].report(key))
            print()
    print("micro-F1 side by side:", " | ".join(VARIANTS))
    for key in sorted(total[VARIANTS[0]], key=lambda k: (k == "ALL", k)):
        cells = "  ".join(f"{total[v][key].micro():.3f}" for v in VARIANTS)
        print(f"  {key:<24} {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
