"""Training data: gold JSONL records -> token sequences with unified labels.

The shared data (``/work/shared/data/references/*.jsonl``, see its README) labels
references in three vocabularies (AnyStyle, GROBID, UMass). ``LABEL_MAP`` folds them
into the labeller's own small set. Each record goes through the parser's own pre-pass
(``refcheck.parse.rules.prepare``) first, so the model is trained on exactly what it
will see at run time: identifiers, URLs and access dates already blanked out.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from refcheck.parse.rules import Prepared, prepare
from refcheck.parse.tokens import Token, tokenise

__all__ = [
    "LABELS",
    "LABEL_MAP",
    "SHARED_DATA",
    "WEB_DATA",
    "fold",
    "is_heldout",
    "load_records",
    "to_sequence",
]

SHARED_DATA = Path(os.environ.get("REFCHECK_REFERENCE_DATA", "/work/shared/data/references"))
WEB_DATA = Path(__file__).resolve().parent / "web" / "web-references.jsonl"

# Training labels are finer than the fields they feed: a journal name and a book's
# title after "In" look different and sit in different places, and a model that keeps
# them apart learns each better. ``refcheck.parse.labeller.COARSE`` folds them back.
LABELS = (
    "author", "editor", "title", "journal", "container", "collection", "date", "volume",
    "issue", "pages", "publisher", "location", "edition", "genre", "note", "marker", "O",
)  # fmt: skip

LABEL_MAP: dict[str, str] = {
    # AnyStyle
    "author": "author",
    "editor": "editor",
    "translator": "editor",
    "director": "author",
    "producer": "author",
    "title": "title",
    "journal": "journal",
    "container-title": "container",
    "collection-title": "collection",
    "date": "date",
    "volume": "volume",
    "pages": "pages",
    "publisher": "publisher",
    "location": "location",
    "edition": "edition",
    "note": "note",
    "genre": "genre",
    "medium": "genre",
    "source": "note",
    "isbn": "note",
    "url": "note",
    "doi": "note",
    "citation-number": "marker",
    # GROBID
    "title@a": "title",
    "title@j": "journal",
    "title@s": "collection",
    "biblScope@volume": "volume",
    "biblScope@issue": "issue",
    "biblScope@page": "pages",
    "pubPlace": "location",
    "orgName": "publisher",
    "ptr@web": "note",
    # UMass
    "authors": "author",
    "booktitle": "container",
    "series": "collection",
    "number": "issue",
    "address": "location",
    "institution": "publisher",
    "school": "publisher",
    "organization": "publisher",
    "department": "publisher",
    "ref-marker": "marker",
    "web": "note",
    "reference_id": "note",
    "tech": "genre",
    "thesis": "genre",
    "status": "note",
    "language": "note",
    "length": "note",
    "category": "note",
    "chapter": "note",
    "subtitle": "title",
    "venue": "container",
}

# An AnyStyle "volume" often holds a whole Vancouver block: split it so its pieces get
# the labels GROBID gives them.
_BLOCK_RE = re.compile(
    r"(?P<date>(?:1[5-9]|20)\d\d(?:\s+[A-Z][a-z]{2,8}\.?(?:\s*\d{1,2})?)?)?\s*;?\s*"
    r"(?P<volume>[A-Za-z]?\d[\w.]*)?\s*(?:\((?P<issue>[^()]+)\))?\s*:?\s*(?P<pages>\S*\d\S*)?"
)


def fold(raw: str) -> str:
    """The data README's folding: NFKC, case-folded, letters and digits only."""
    text = unicodedata.normalize("NFKC", raw).casefold()
    return "".join(c for c in text if c.isalnum())


def is_heldout(record: dict[str, Any], fold_index: int = 0, folds: int = 5) -> bool:
    """A stable split by content hash: the record belongs to fold ``fold_index``."""
    # Records that share a group (our web sources rendered in several styles) stay
    # together, so a held-out fold never holds another rendering of a training source.
    key = record.get("group") or fold(record["raw"])
    digest = hashlib.sha256(key.encode()).digest()
    return digest[1] % folds == fold_index


def load_records(paths: Iterable[Path] | None = None) -> list[dict[str, Any]]:
    """Read gold records (the shared sets and the web set by default)."""
    if paths is None:
        paths = [
            SHARED_DATA / "anystyle-core.jsonl",
            SHARED_DATA / "grobid-vancouver-dev.jsonl",
            SHARED_DATA / "umass-training.jsonl",
            SHARED_DATA / "umass-dev.jsonl",
            WEB_DATA,
        ]
    records: list[dict[str, Any]] = []
    for path in paths:
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as fh:
            records.extend(json.loads(line) for line in fh if line.strip())
    return records


def _char_labels(record: dict[str, Any]) -> list[str]:
    raw = record["raw"]
    labels = ["O"] * len(raw)
    has_article_title = any(lab == "title@a" for lab, _ in record["segments"])
    pos = 0
    for label, text in record["segments"]:
        mapped = "O"
        if label == "title@m":
            mapped = "container" if has_article_title else "title"
        elif (label and label.startswith("idno@")) or (label and label.startswith("note@")):
            mapped = "note"
        elif label:
            mapped = LABEL_MAP.get(label, "note")
        end = pos + len(text)
        if mapped == "volume" and record["source"] == "anystyle-core":
            m = _BLOCK_RE.search(text)
            for i in range(pos, end):
                labels[i] = "volume"
            if m and m.group("volume"):
                for name in ("date", "volume", "issue", "pages"):
                    if m.group(name):
                        for i in range(pos + m.start(name), pos + m.end(name)):
                            labels[i] = name
        else:
            for i in range(pos, min(end, len(labels))):
                labels[i] = mapped
        pos = end
    return labels


def gold_sequence(
    record: dict[str, Any], tokenize: Callable[[str], list[Token]] = tokenise
) -> tuple[Prepared, list[Token], list[str]]:
    """The pre-pass, its text's tokens (refcheck's, or ``tokenize``'s) and the gold label
    of each token: the label of its first letter or digit (punctuation-only tokens take
    their first character's)."""
    chars = _char_labels(record)
    prep = prepare(record["raw"])
    tokens = tokenize(prep.rest)
    labels = []
    for text, start, _end in tokens:
        offset = next((k for k, c in enumerate(text) if c.isalnum()), 0)
        index = start + offset
        labels.append(chars[index] if index < len(chars) else "O")
    return prep, tokens, labels


def to_sequence(record: dict[str, Any]) -> tuple[list[Token], list[str]]:
    """Tokens of the prepared text and the gold label of each token."""
    _prep, tokens, labels = gold_sequence(record)
    return tokens, labels


def sequences(records: Iterable[dict[str, Any]]) -> Iterator[tuple[list[Token], list[str]]]:
    """Every record that yields at least one token."""
    for record in records:
        tokens, labels = to_sequence(record)
        if tokens:
            yield tokens, labels
