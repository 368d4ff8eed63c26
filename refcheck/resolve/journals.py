"""Journal titles compared with their abbreviations.

Most abbreviations follow the ISO 4 / NLM pattern: every significant word of the full
title shortened to a prefix or a letter subsequence ("Eur J Obstet Gynecol Reprod Biol",
"Proc Natl Acad Sci U S A"). ``abbreviation_fits`` recognises those without any table.
The shipped index (``refcheck/data/journals/abbreviations.tsv``) keeps only the pairs
the rule cannot derive ("JAMA", "BMJ", "Lancet Oncol" renamings, ...), built from the
NLM catalogue and Crossref's mined abbreviations (see that folder's README).

Rebuild the index with ``python -m refcheck.resolve.journals SOURCE_DIR``.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from rapidfuzz import fuzz

from refcheck.resolve.text import fold

INDEX_PATH = Path(__file__).resolve().parent.parent / "data" / "journals" / "abbreviations.tsv"

# Words ISO 4 drops from abbreviations.
_STOP = frozenset(
    [
        "of",
        "the",
        "and",
        "for",
        "in",
        "on",
        "at",
        "de",
        "la",
        "le",
        "des",
        "du",
        "der",
        "und",
        "et",
        "y",
    ]
)


def _tokens(title: str) -> list[str]:
    text = fold(title).replace("'", "").replace("&", " and ")
    return [t for t in re.findall(r"[a-z0-9]+", text) if t not in _STOP]


def journal_key(title: str) -> str:
    """A title squashed to letters and digits, apostrophes dropped (index key)."""
    return "".join(re.findall(r"[^\W_]+", fold(title).replace("'", "").replace("&", "and")))


def _is_abbrev_of(short: str, word: str) -> bool:
    """'gynecol' of 'gynecology', 'natl' of 'national': same first letter, letters in order."""
    if not short or short[0] != word[0] or len(short) > len(word):
        return False
    if word.startswith(short):
        return True
    if short.isdigit() or word.isdigit() or len(short) > 0.6 * len(word):
        return False  # a near-full word that is no prefix is a misspelling, not an abbreviation
    it = iter(word)
    return all(ch in it for ch in short)


def abbreviation_fits(abbrev: str, full: str) -> bool:
    """Whether ``abbrev`` shortens every significant word of ``full``, in order."""
    a, f = _tokens(abbrev), _tokens(full)
    if not a or not f or len(a) != len(f):
        return False
    return all(_is_abbrev_of(x, y) for x, y in zip(a, f, strict=True))


def squashed_fits(abbrev_key: str, full: str) -> bool:
    """Whether a spaceless abbreviation ('jglaciol') can be cut into ISO 4 pieces of ``full``."""
    tokens = _tokens(full)

    @functools.cache
    def fits(i: int, j: int) -> bool:
        if j == len(tokens):
            return i == len(abbrev_key)
        word = tokens[j]
        for k in range(1, min(len(word), len(abbrev_key) - i) + 1):
            if _is_abbrev_of(abbrev_key[i : i + k], word) and fits(i + k, j + 1):
                return True
        return False

    return bool(abbrev_key) and len(tokens) <= 20 and fits(0, 0)


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, frozenset[str]]:
    """Abbreviation key -> full-title keys, from the shipped index (empty if missing)."""
    out: dict[str, set[str]] = {}
    try:
        lines = INDEX_PATH.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    for line in lines:
        if not line or line.startswith("#"):
            continue
        abbr, _, full = line.partition("\t")
        out.setdefault(abbr, set()).add(full)
    return {k: frozenset(v) for k, v in out.items()}


def container_similarity(cited: str, registered: tuple[str, ...]) -> float:
    """0..1: how well a cited container title names one of the registered titles.

    1.0 for the same title (after folding) or a recognised abbreviation of it, else
    a fuzzy ratio of the squashed forms (typos such as "Practicising Midwife").
    """
    names = [r for r in registered if r]
    if not cited or not names:
        return 0.0
    ckey = journal_key(cited)
    keys = [(name, journal_key(name)) for name in names]
    keys = [(n, k) for n, k in keys if k]
    index = _index()
    for name, rkey in keys:
        if ckey == rkey or abbreviation_fits(cited, name):
            return 1.0
        if rkey in index.get(ckey, ()) or ckey in index.get(rkey, ()):
            return 1.0
    best = max((fuzz.ratio(ckey, rkey) / 100.0 for _, rkey in keys), default=0.0)
    # Only the registered side abbreviated ("Pract Midwife" for a full cited title);
    # not when a full registered title is close: then the cited one is misspelt.
    if best < 0.85 and any(abbreviation_fits(name, cited) for name, _ in keys):
        return 1.0
    return best


def shared_pairs(source: Path) -> Iterator[tuple[str, str, bool]]:
    """(abbreviation, full title, whether the abbreviation is squashed) from the shared
    journal lists in ``source``: the NLM lists, then Crossref's mined abbreviations,
    which come without spaces or punctuation."""
    for name in ("medline-abbreviations.json", "ncbi-abbreviations.json"):
        data = json.loads((source / name).read_text(encoding="utf-8"))
        for full, abbr in data["default"]["container-title"].items():
            yield abbr, full, False
    for line in (source / "crossref-squashed-abbreviations.tsv").read_text("utf-8").splitlines():
        abbr, _, full = line.partition("\t")
        yield abbr, full, True


def build_index(source: Path) -> list[tuple[str, str]]:
    """Pairs (abbreviation key, full key) the rule cannot derive, from the shared lists."""
    pairs: set[tuple[str, str]] = set()
    for abbr, full, squashed in shared_pairs(source):
        if not abbr or not full or journal_key(abbr) == journal_key(full):
            continue
        fits = squashed_fits(journal_key(abbr), full) if squashed else abbreviation_fits(abbr, full)
        if not fits:
            pairs.add((journal_key(abbr), journal_key(full)))
    return sorted(p for p in pairs if p[0] and p[1])


def main(argv: list[str]) -> int:
    """Write the compact index from ``argv[0]`` (the shared journals folder)."""
    if len(argv) != 1:
        print("usage: python -m refcheck.resolve.journals SOURCE_DIR", file=sys.stderr)
        return 2
    pairs = build_index(Path(argv[0]))
    header = (
        "# abbreviation key<TAB>full title key (folded, letters and digits only).\n"
        "# Only pairs refcheck.resolve.journals.abbreviation_fits cannot derive.\n"
        "# Sources and licences: see README.md in this folder.\n"
    )
    INDEX_PATH.parent.mkdir(parents=True, exist_ok=True)
    INDEX_PATH.write_text(header + "".join(f"{a}\t{f}\n" for a, f in pairs), encoding="utf-8")
    print(f"{len(pairs)} pairs written to {INDEX_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
