"""Content-drift measure: false alarms and misses on synthetic page pairs.

Articles are real English prose that ships with Python (the longer stdlib module
docstrings), so no network is needed. Each article is "archived" in an old page
template and served "live" in a new template after one of these changes:

no drift expected: the same text; 5% or 10% of words edited at random; a new
paragraph appended; the first paragraph removed (a short intro cut).
drift expected: the article replaced by another one; most of it (all but the
leading paragraphs holding at most 40% of its words) replaced by another article;
all but the first fifth of its paragraphs deleted.

For each scenario it prints the mean, minimum and maximum score of refcheck's
measure (three-word shingle containment of the archived main text in the live text)
and, for comparison, rapidfuzz ``token_set_ratio`` / 100 on the same extracted
texts, with the false alarms and misses each gives at its best single threshold and
refcheck's at :data:`refcheck.links.drift.DRIFT_THRESHOLD`.

Run: ``/work/venv/bin/python benchmarks/drift_benchmark.py``
"""

from __future__ import annotations

import importlib
import random
import statistics
import time
from collections.abc import Callable

from rapidfuzz import fuzz

from refcheck.links import drift

MODULES = (
    "argparse", "asyncio", "collections", "csv", "decimal", "difflib", "doctest",
    "email", "ftplib", "heapq", "imaplib", "inspect", "json", "logging", "mailbox",
    "optparse", "pickle", "random", "re", "shlex", "smtplib", "string", "subprocess",
    "tarfile", "textwrap", "threading", "typing", "unittest", "zipfile", "pydoc",
    "http.cookies", "ipaddress", "fractions", "pprint", "sched", "calendar", "bdb",
    "cmd", "codecs", "configparser", "contextlib", "dataclasses", "enum", "functools",
    "gettext", "glob", "gzip", "hashlib", "hmac", "locale", "netrc", "numbers", "pdb",
    "pathlib", "platform", "poplib", "queue", "selectors", "shelve", "socket",
    "statistics", "symtable", "tempfile", "timeit", "tokenize", "trace", "uuid", "wave",
    "weakref", "xml.dom.minidom", "zipimport",
)


def articles(min_words: int = 120) -> list[list[str]]:
    """Paragraph lists from stdlib docstrings with enough prose."""
    out = []
    for name in MODULES:
        try:
            doc = importlib.import_module(name).__doc__ or ""
        except ImportError:
            continue
        paragraphs = [" ".join(p.split()) for p in doc.split("\n\n") if len(p.split()) > 8]
        if sum(len(p.split()) for p in paragraphs) >= min_words and len(paragraphs) >= 3:
            out.append(paragraphs)
    return out


def old_page(paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<html><head><title>Docs</title><script>var a = 'tracking code';</script></head>"
        "<body><div id='top-menu'><a>Home</a> <a>Library</a> <a>Tutorials</a> "
        "<a>Download the latest release</a></div><div class='content'>" + body
        + "</div><div class='footer'>Copyright 2019 The Site. All rights reserved. "
        "Privacy policy, terms of use, contact.</div></body></html>"
    ).encode()


def new_page(paragraphs: list[str]) -> bytes:
    body = "".join(f"<section><p>{p}</p></section>" for p in paragraphs)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Docs | Site</title></head>"
        "<body><div class='cookie-banner'>We use cookies. Accept or manage settings.</div>"
        "<header><nav>Home Guides API Blog Community</nav></header><main><article>"
        + body + "</article></main><aside>Popular: what is new in this release, "
        "migration guide, changelog</aside><footer>(c) 2025 Site Foundation</footer>"
        "</body></html>"
    ).encode()


def edit_words(paragraphs: list[str], rate: float, rng: random.Random) -> list[str]:
    vocabulary = ["also", "often", "now", "later", "many", "some", "new", "every", "other"]
    out = []
    for p in paragraphs:
        words = p.split()
        for i in range(len(words)):
            if rng.random() < rate:
                words[i] = rng.choice(vocabulary)
        out.append(" ".join(words))
    return out


def keep(paragraphs: list[str], share: float) -> list[str]:
    """The leading paragraphs holding at most ``share`` of the words (at least one)."""
    total = sum(len(p.split()) for p in paragraphs)
    kept: list[str] = []
    for p in paragraphs:
        if kept and sum(len(k.split()) for k in kept) + len(p.split()) > share * total:
            break
        kept.append(p)
    return kept


Scenario = Callable[[list[str], list[str], random.Random], list[str]]
SCENARIOS: list[tuple[str, bool, Scenario]] = [
    ("same text, new template", False, lambda a, b, r: a),
    ("5% of words edited", False, lambda a, b, r: edit_words(a, 0.05, r)),
    ("10% of words edited", False, lambda a, b, r: edit_words(a, 0.10, r)),
    ("a paragraph appended", False, lambda a, b, r: [*a, b[0]]),
    ("first paragraph cut", False, lambda a, b, r: a[1:]),
    ("replaced by another article", True, lambda a, b, r: b),
    ("most replaced (<= 40% of words kept)", True, lambda a, b, r: keep(a, 0.4) + b[1:]),
    ("all but the first fifth deleted", True, lambda a, b, r: a[: max(1, len(a) // 5)]),
]


def token_set(archived: bytes, live: bytes) -> float | None:
    old, new = drift.main_text(archived), drift.visible_text(live)
    if len(old.split()) < drift.MIN_WORDS:
        return None
    return fuzz.token_set_ratio(old.lower(), new.lower()) / 100


def errors(scored: list[tuple[float, bool]], threshold: float) -> tuple[int, int]:
    false_alarms = sum(1 for s, drifted in scored if not drifted and s < threshold)
    misses = sum(1 for s, drifted in scored if drifted and s >= threshold)
    return false_alarms, misses


def best(scored: list[tuple[float, bool]]) -> tuple[float, int, int]:
    options = [(sum(errors(scored, t / 100)), t / 100) for t in range(1, 100)]
    _total, threshold = min(options)
    return (threshold, *errors(scored, threshold))


def main() -> None:
    rng = random.Random(7)
    texts = articles()
    measures = {"containment (refcheck)": drift.similarity, "token_set_ratio": token_set}
    scored: dict[str, list[tuple[float, bool]]] = {m: [] for m in measures}
    started = time.perf_counter()
    pairs = 0
    print(f"{len(texts)} articles x {len(SCENARIOS)} scenarios")
    print(f"{'scenario':38} {'drift?':6} " + "  ".join(f"{m:>28}" for m in measures))
    for name, drifted, change in SCENARIOS:
        per: dict[str, list[float]] = {m: [] for m in measures}
        for i, article in enumerate(texts):
            other = texts[(i + 1) % len(texts)]
            archived = old_page(article)
            live = new_page(change(article, other, rng))
            pairs += 1
            for m, measure in measures.items():
                score = measure(archived, live)
                if score is not None:
                    per[m].append(score)
                    scored[m].append((score, drifted))
        cells = [
            f"mean {statistics.fmean(v):.2f} [{min(v):.2f}..{max(v):.2f}]" if v else "-"
            for v in per.values()
        ]
        print(f"{name:38} {'yes' if drifted else 'no':6} " + "  ".join(f"{c:>28}" for c in cells))
    elapsed = time.perf_counter() - started
    fa, miss = errors(scored["containment (refcheck)"], drift.DRIFT_THRESHOLD)
    print(f"\nrefcheck at threshold {drift.DRIFT_THRESHOLD}: {fa} false alarms, {miss} misses "
          f"of {len(scored['containment (refcheck)'])} pairs")
    for m, values in scored.items():
        threshold, fa, miss = best(values)
        print(f"{m}: best single threshold {threshold:.2f}: {fa} false alarms, {miss} misses")
    print(f"{pairs} pairs compared in {elapsed:.2f} s "
          f"({1000 * elapsed / max(1, pairs * len(measures)):.1f} ms per comparison)")


if __name__ == "__main__":
    main()
