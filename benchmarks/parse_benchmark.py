"""Reference-parser accuracy and speed on held-out labelled references.

    python benchmarks/parse_benchmark.py               # fold 0 of 5 held out
    python benchmarks/parse_benchmark.py --cv          # 5-fold cross-validation
    python benchmarks/parse_benchmark.py --shipped     # the shipped model, all data
                                                       # (training data: optimistic)
    python benchmarks/parse_benchmark.py --cv --crf-only   # without the rule templates:
                                                       # what the CRF alone reads
    python benchmarks/parse_benchmark.py --cv --jobs 2     # two folds at once
    taskset -c 0 python benchmarks/parse_benchmark.py --speed  # one core, shipped model

For each held-out fold a model is trained on the other folds (``training.train``),
then every held-out reference is parsed with ``refcheck.parse.parse_reference`` and
compared with its gold fields. Fields in a record's ``unscored`` list are skipped.
Prints per-field precision/recall/F1, micro-F1, the share of references parsed
exactly right and references per second, per source set and overall.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from refcheck.model import Reference
from refcheck.parse import parse_reference
from refcheck.parse.labeller import use_model
from training.data import is_heldout, load_records
from training.train import train

FIELDS = (
    "authors", "title", "container", "year", "volume", "issue", "pages", "doi", "url",
    "accessed",
)  # fmt: skip
_DASHES = re.compile("[\u2010-\u2015\u2212-]+")
_QUOTES = re.compile("[\"'“”‘’«»„`]")


def norm(value: Any, field: str = "") -> Any:
    """Comparison form: case-folded, without diacritics (the UMass text has PDF accent
    artefacts, "G¨uttler", that its gold drops), one kind of dash, no quotes, no end
    punctuation, single spaces; URLs without their scheme (we add http:// to "www.")."""
    if value is None:
        return None
    if isinstance(value, list):
        return [norm(v) for v in value] or None
    text = unicodedata.normalize("NFKD", str(value)).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c) and c not in "¨´`ˆ˜¯ˇ¸˚˝˘˙")
    text = re.sub(r"\s+", " ", text)
    if field == "url":
        text = re.sub(r"^(?:https?|ftp)://", "", text.strip())
    text = _QUOTES.sub("", _DASHES.sub("-", text))
    # The gold drops a title's final "?" or "!"; refcheck keeps it (it is part of the
    # title): compare without it.
    text = re.sub(r"\s+", " ", text).strip(" .,;:?!")
    return text or None


def predicted(ref: Reference) -> dict[str, Any]:
    """The benchmark's fields from a parsed reference."""
    authors = [n.literal or " ".join(p for p in (n.particle, n.family) if p) for n in ref.authors]
    return {
        "authors": authors,
        "title": ref.title,
        "container": ref.container_title,
        "year": str(ref.issued.year) if ref.issued else None,
        "volume": ref.volume,
        "issue": ref.issue,
        "pages": ref.page or ref.number,
        "doi": ref.doi,
        "url": ref.urls[0] if ref.urls else None,
        "accessed": ref.accessed.isoformat() if ref.accessed else None,
    }


class Score:
    """True/false positive and false negative counts per field."""

    def __init__(self) -> None:
        self.tp: dict[str, int] = defaultdict(int)
        self.fp: dict[str, int] = defaultdict(int)
        self.fn: dict[str, int] = defaultdict(int)
        self.refs = 0
        self.exact = 0
        self.seconds = 0.0
        self.failures = 0  # references the parser failed on (logged, returned empty)

    def add(self, gold: dict[str, Any], pred: dict[str, Any]) -> list[str]:
        wrong = []
        for field in FIELDS:
            if field in gold.get("unscored", ()):
                continue
            g, p = norm(gold.get(field), field), norm(pred.get(field), field)
            if g is not None and p == g:
                self.tp[field] += 1
                continue
            if p is not None:
                self.fp[field] += 1
            if g is not None:
                self.fn[field] += 1
            if p is not None or g is not None:
                wrong.append(field)
        self.refs += 1
        self.exact += not wrong
        return wrong

    def merge(self, other: Score) -> None:
        """Add another fold's counts."""
        for mine, theirs in ((self.tp, other.tp), (self.fp, other.fp), (self.fn, other.fn)):
            for field, n in theirs.items():
                mine[field] += n
        self.refs += other.refs
        self.exact += other.exact
        self.seconds += other.seconds
        self.failures += other.failures

    @staticmethod
    def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def micro(self) -> float:
        return self.prf(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values()))[2]

    def report(self, name: str) -> str:
        lines = [f"== {name}: {self.refs} references"]
        lines.append(f"{'field':<10} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}")
        for field in FIELDS:
            tp, fp, fn = self.tp[field], self.fp[field], self.fn[field]
            if tp + fp + fn == 0:
                continue
            p, r, f = self.prf(tp, fp, fn)
            lines.append(f"{field:<10} {p:6.3f} {r:6.3f} {f:6.3f} {tp + fn:8d}")
        rate = self.refs / self.seconds if self.seconds else 0.0
        lines.append(
            f"micro-F1 {self.micro():.4f}  exact {self.exact / max(self.refs, 1):.3f}  "
            f"{rate:,.0f} refs/s"
        )
        if name == "ALL":
            lines.append(f"parser failures: {self.failures}")
        return "\n".join(lines)


class _Failures(logging.Handler):
    """Counts the parser's "reference parser failed" reports: parse_reference never
    raises, so a crash would otherwise only show as a slightly lower score."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.raws: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.raws.append(record.getMessage())


def evaluate(
    records: Sequence[dict[str, Any]], scores: dict[str, Score], errors: list[str] | None
) -> None:
    failures = _Failures()
    parse_log = logging.getLogger("refcheck.parse")
    parse_log.addHandler(failures)
    try:
        _evaluate(records, scores, errors)
    finally:
        parse_log.removeHandler(failures)
    all_scores = scores.setdefault("ALL", Score())
    all_scores.failures += len(failures.raws)


def _evaluate(
    records: Sequence[dict[str, Any]], scores: dict[str, Score], errors: list[str] | None
) -> None:
    for record in records:
        start = time.perf_counter()
        ref = parse_reference(record["raw"])
        elapsed = time.perf_counter() - start
        wrong = None
        for key in (record["source"], "ALL"):
            score = scores.setdefault(key, Score())
            wrong = score.add(record, predicted(ref))
            score.seconds += elapsed
        if errors is not None and wrong:
            pred = predicted(ref)
            errors.append(
                f"[{record['source']}] {record['raw']}\n"
                + "".join(f"    {f}: gold={record.get(f)!r} got={pred.get(f)!r}\n" for f in wrong)
            )


def _run_fold(
    k: int, folds: int, keep_errors: bool, stacked: bool = False,
    params: dict[str, Any] | None = None,
) -> tuple[dict[str, Score], list[str]]:
    """Train on every fold but ``k`` (with ``params`` over the trainer's defaults), then
    score fold ``k``."""
    records = load_records()
    held = [r for r in records if is_heldout(r, k, folds)]
    rest = [r for r in records if not is_heldout(r, k, folds)]
    scores: dict[str, Score] = {}
    errors: list[str] | None = [] if keep_errors else None
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        train(rest, Path(tmp), params=params, stacked=stacked)
        print(f"fold {k}: trained on {len(rest)} in {time.perf_counter() - start:.0f}s,"
              f" testing {len(held)}", file=sys.stderr)
        use_model(Path(tmp))
        evaluate(held, scores, errors)
        use_model(None)
    return scores, errors or []


def speed(records: Sequence[dict[str, Any]]) -> str:
    """References per second with the shipped model: the first pass over every
    reference (cold: model, word lists and caches loaded on the way), then the best of
    two more."""
    raws = [r["raw"] for r in records]
    use_model(None)
    rates = []
    for _ in range(3):
        start = time.perf_counter()
        for raw in raws:
            parse_reference(raw)
        rates.append(len(raws) / (time.perf_counter() - start))
    return (f"speed: {rates[0]:,.0f} references/s cold, {max(rates[1:]):,.0f} warm "
            f"({len(raws):,} references, this process's core)")


def startup() -> str:
    """What the parser adds to start-up (import) and to the first parse (model load),
    each the best of five fresh interpreters."""
    import subprocess

    code = (
        "import refcheck.model, time; t=time.perf_counter(); import refcheck.parse as p; "
        "u=time.perf_counter(); p.parse_reference('Smith, John. \"A Title.\" Journal of Things "
        "12, no. 3 (2009): 45-67.'); v=time.perf_counter(); p.parse_reference('Jones, Bo. "
        "\"Another.\" Journal of Others 13, no. 4 (2010): 5-9.'); "
        "w=time.perf_counter(); print(u-t, (v-u)-(w-v))"
    )
    runs = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, cwd=Path(__file__).resolve().parent.parent)
        runs.append(tuple(float(x) for x in out.stdout.split()))
    return (f"start-up: import {min(r[0] for r in runs) * 1000:.0f} ms, model load on first "
            f"parse {min(r[1] for r in runs) * 1000:.0f} ms (best of 5)")


def _number(value: str) -> Any:
    """"0.1" -> 0.1, "300" -> 300, anything else as written."""
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--fold", type=int, default=0, help="the held-out fold")
    parser.add_argument("--cv", action="store_true", help="all folds in turn")
    parser.add_argument("--shipped", action="store_true", help="shipped model, all data")
    parser.add_argument("--speed", action="store_true",
                        help="only time the shipped model (run under taskset -c 0)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="folds trained at once (refs/s is only meaningful with 1)")
    parser.add_argument("--errors", type=Path, help="write the wrong references here")
    parser.add_argument("--stacked", action="store_true",
                        help="train two-pass (stacked) models (training.train --stacked)")
    parser.add_argument(
        "--crf-only", action="store_true", help="skip the AMA/APA templates: CRF for everything"
    )
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="a crfsuite training parameter over training.train.PARAMS "
                        "(repeatable), e.g. --param c1=0.1")
    args = parser.parse_args(argv)
    params = {key: _number(value) for key, _, value in (p.partition("=") for p in args.param)}
    if args.crf_only:
        import refcheck.parse as parse_module

        # The templates are looked up in the module at call time: make them decline.
        parse_module.parse_apa = lambda prep: None
        parse_module.parse_ama = lambda prep: None
    records = load_records()
    if args.speed:
        print(speed(records))
        print(startup())
        return 0
    scores: dict[str, Score] = {}
    errors: list[str] | None = [] if args.errors else None
    if args.shipped:
        use_model(None)
        evaluate(records, scores, errors)
    else:
        folds = range(args.folds) if args.cv else [args.fold]
        if args.jobs > 1:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(args.jobs) as pool:
                results = list(pool.map(_run_fold, folds, [args.folds] * len(folds),
                                        [errors is not None] * len(folds),
                                        [args.stacked] * len(folds),
                                        [params] * len(folds)))
        else:
            results = [
                _run_fold(k, args.folds, errors is not None, args.stacked, params) for k in folds
            ]
        for fold_scores, fold_errors in results:
            for key, score in fold_scores.items():
                scores.setdefault(key, Score()).merge(score)
            if errors is not None:
                errors.extend(fold_errors)
    for key in sorted(scores, key=lambda k: (k == "ALL", k)):
        print(scores[key].report(key))
        print()
    print(startup())
    if args.errors is not None and errors is not None:
        args.errors.write_text("\n".join(errors), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
