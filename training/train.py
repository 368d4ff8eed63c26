"""Train the parser's CRF and write it into ``refcheck/data/parser/``.

    python -m training.train                  # the shipped model, on all data
    python -m training.train --holdout 0 --out /tmp/m   # leave fold 0 of 5 out

Training reads only ``/work/shared/data/references/*.jsonl`` (override with
``REFCHECK_REFERENCE_DATA``) and ``training/web/web-references.jsonl`` (our own web
references). The result is deterministic for a given data set and parameters.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pycrfsuite

from refcheck.parse.labeller import (
    META_FILE,
    MODEL_DIR,
    MODEL_FILE,
    STACKED_FILE,
    second_pass_features,
)
from refcheck.parse.tokens import FEATURE_VERSION, features, set_lexicon
from training.data import is_heldout, load_records, to_sequence

_CORE_RE = re.compile(r"^\W+|\W+$")

PARAMS: dict[str, Any] = {
    "c1": 0.05,  # L1 keeps the model small: most lexical features get weight 0
    "c2": 0.01,
    "max_iterations": 120,  # stopping early regularises: 5-fold CV scores 120 above 200
    "feature.possible_transitions": True,
    "feature.minfreq": 1,
}


#: Fields whose words are gathered into learned word lists (AnyStyle uses name, place,
#: publisher and journal dictionaries; ours come only from the training data itself).
LEXICON_LABELS = ("author", "journal", "container", "publisher", "location", "title")
LEXICON_MIN_COUNT = 2
LEXICON_MIN_SHARE = 0.6
LEXICON_FOLDS = 5
#: Sources whose references are seen more than once in training. Measured (5-fold CV):
#: our web set twice raises it 0.948 -> 0.952 but lowers the mixed set 0.905 -> 0.904
#: and the rest slightly (all 0.9440 -> 0.9434), and repeating AnyStyle's set does not
#: help it: every source once.
SOURCE_WEIGHTS: dict[str, int] = {}
#: ``--stacked``: a second CRF reads the first one's labels (stacked labelling, see
#: ``refcheck.parse.tokens.stack_features``), trained on first-pass labels cross-fitted
#: over ``STACK_FOLDS`` folds. Measured (5-fold CV): +0.003 micro-F1 overall (web
#: +0.007, mixed +0.005, Vancouver +0.000), but parsing drops from about
#: 2,300 to 1,300 references a second, under the 2,000 target: off for the shipped
#: model.
STACKED = False
STACK_FOLDS = 4


def build_lexicon(data: Sequence[tuple[list[Any], list[str]]]) -> dict[str, str]:
    """Word -> the field it mostly belongs to in the training data: every word seen at
    least ``LEXICON_MIN_COUNT`` times, ``LEXICON_MIN_SHARE`` of them in one field."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for tokens, labels in data:
        for (text, _s, _e), label in zip(tokens, labels, strict=True):
            word = _CORE_RE.sub("", text).lower()[:20]
            if len(word) > 1:
                counts[word][label] += 1
    lexicon = {}
    for word, seen in counts.items():
        label, n = seen.most_common(1)[0]
        total = sum(seen.values())
        if label in LEXICON_LABELS and n >= LEXICON_MIN_COUNT and n / total >= LEXICON_MIN_SHARE:
            lexicon[word] = label
    return dict(sorted(lexicon.items()))


def _fit(
    feats: Sequence[Sequence[Sequence[str | bytes]]], labels: Sequence[list[str]], model: Path,
    params: dict[str, Any], repeats: Sequence[int] | None = None,
) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for i, (x, y) in enumerate(zip(feats, labels, strict=True)):
        for _ in range(repeats[i] if repeats else 1):
            trainer.append(x, y)
    trainer.set_params(params)
    trainer.train(str(model))


def _cross_fitted_labels(
    feats: Sequence[list[list[str]]], labels: Sequence[list[str]], params: dict[str, Any],
    work: Path,
) -> list[list[str]]:
    """First-pass labels for each training reference from a model that never saw it,
    so the second pass learns how far to trust the first on new references."""
    out: list[list[str]] = [[] for _ in feats]
    for part in range(STACK_FOLDS):
        inner = work / f"inner-{part}.model"
        keep = [i for i in range(len(feats)) if i % STACK_FOLDS != part]
        _fit([feats[i] for i in keep], [labels[i] for i in keep], inner, params)
        tagger = pycrfsuite.Tagger()
        tagger.open(str(inner))
        for i in range(part, len(feats), STACK_FOLDS):
            out[i] = tagger.tag(feats[i])
        tagger.close()
        inner.unlink()
    return out


def train(
    records: Sequence[dict[str, Any]],
    out_dir: Path,
    params: dict[str, Any] | None = None,
    verbose: bool = False,
    stacked: bool | None = None,
) -> Path:
    """Train on ``records`` and write ``crf.model`` and ``crf.json`` into ``out_dir``
    (and ``crf2.model``, the second pass, when ``stacked``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stacked = STACKED if stacked is None else stacked
    settings = {**PARAMS, **(params or {})}
    pairs = [(r["source"], to_sequence(r)) for r in records]
    pairs = [(source, seq) for source, seq in pairs if seq[0]]
    data = [seq for _source, seq in pairs]
    repeats = [SOURCE_WEIGHTS.get(source, 1) for source, _seq in pairs]
    lexicon = build_lexicon(data)
    # Each training reference sees word lists built from the *other* references
    # (5-fold cross-fitting): lists built from its own labels would make the model
    # trust them more than they deserve on new references.
    feats: list[list[list[str]]] = [[] for _ in data]
    for part in range(LEXICON_FOLDS):
        set_lexicon(build_lexicon([d for i, d in enumerate(data) if i % LEXICON_FOLDS != part]))
        for i in range(part, len(data), LEXICON_FOLDS):
            feats[i] = features(data[i][0])
    set_lexicon(lexicon)
    gold = [labels for _tokens, labels in data]
    model = out_dir / MODEL_FILE
    _fit(feats, gold, model, settings, repeats)
    if stacked:
        first = _cross_fitted_labels(feats, gold, settings, out_dir)
        second = [second_pass_features(x, y) for x, y in zip(feats, first, strict=True)]
        _fit(second, gold, out_dir / STACKED_FILE, settings, repeats)
    else:
        (out_dir / STACKED_FILE).unlink(missing_ok=True)
    meta = {
        "feature_version": FEATURE_VERSION,
        "sequences": len(data),
        "params": settings,
        "stacked": stacked,
        "sources": sorted({r["source"] for r in records}),
        "lexicon": lexicon,
    }
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return model


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help="model directory")
    parser.add_argument("--holdout", type=int, default=None, help="leave this fold out")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--stacked", action="store_true", help="add the second pass")
    args = parser.parse_args(argv)
    records = load_records()
    if args.holdout is not None:
        records = [r for r in records if not is_heldout(r, args.holdout, args.folds)]
    start = time.perf_counter()
    model = train(records, args.out, verbose=args.verbose, stacked=args.stacked)
    print(
        f"trained on {len(records)} references in {time.perf_counter() - start:.1f}s: "
        f"{model} ({model.stat().st_size / 1e6:.2f} MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
