"""Journal names the parser knows, to place a title/journal boundary the reference
leaves unmarked: "… in MCF-7 cells Cancer Lett 1999;141:187-94" has no full stop
after its title, and only knowing that "Cancer Lett" is a journal tells where the
title ends.

The list (``refcheck/data/journals/names.txt.gz``: about 75,000 keys, each a journal
abbreviation or title folded by ``refcheck.resolve.journals.journal_key``) is built
from the same NLM and Crossref lists as the resolver's index (see that folder's README
for sources and licences) by ``python -m refcheck.parse.journals SOURCE_DIR``. It is
read on first use only.
"""

from __future__ import annotations

import functools
import gzip
import re
import sys
from pathlib import Path

# The resolver's key, so both stages fold journal names alike (only this light module
# is loaded, not the Crossref client).
from refcheck.resolve.journals import journal_key, shared_pairs

__all__ = ["NAMES_PATH", "is_known_journal", "journal_key"]

NAMES_PATH = Path(__file__).resolve().parent.parent / "data" / "journals" / "names.txt.gz"


@functools.lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    try:
        data = gzip.decompress(NAMES_PATH.read_bytes()).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError):
        return frozenset()
    return frozenset(data.split())  # keys hold no spaces; a quarter of a line loop's time


def is_known_journal(text: str) -> bool:
    """Whether ``text`` is a journal's title or standard abbreviation."""
    key = journal_key(text)
    return len(key) >= 3 and key in _names()


def _main_title(full: str) -> str:
    """"Academic medicine : journal of the …" -> "Academic medicine"; "Acta
    oncologica (Stockholm, Sweden)" -> "Acta oncologica"."""
    full = re.split(r"\s+[:=]\s+", full)[0]
    full = re.sub(r"\s*\([^)]*\)", "", full)
    return re.sub(r"^the\s+", "", full.strip(), flags=re.IGNORECASE)


def build(source: Path) -> list[str]:
    """Every key, from the shared journal lists in ``source``."""
    keys: set[str] = set()
    for abbr, full, _squashed in shared_pairs(source):
        for text in (abbr, re.sub(r"\s*\([^)]*\)", "", abbr), _main_title(full)):
            if text:
                keys.add(journal_key(text))
    return sorted(k for k in keys if len(k) >= 3)


def main(argv: list[str]) -> int:
    """Write the list from ``argv[0]`` (the shared journals folder)."""
    if len(argv) != 1:
        print("usage: python -m refcheck.parse.journals SOURCE_DIR", file=sys.stderr)
        return 2
    keys = build(Path(argv[0]))
    # mtime=0: the same list gives the same bytes.
    with open(NAMES_PATH, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write("".join(k + "\n" for k in keys).encode("utf-8"))
    print(f"{len(keys)} journal names written to {NAMES_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
