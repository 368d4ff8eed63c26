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

from refcheck.parse.labeller import META_FILE, MODEL_DIR, MODEL_FILE
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


def train(
    records: Sequence[dict[str, Any]],
    out_dir: Path,
    params: dict[str, Any] | None = None,
    verbose: bool = False,
) -> Path:
    """Train on ``records`` and write ``crf.model`` and ``crf.json`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    trainer = pycrfsuite.Trainer(verbose=verbose)
    pairs = [(r["source"], to_sequence(r)) for r in records]
    pairs = [(source, seq) for source, seq in pairs if seq[0]]
    data = [seq for _source, seq in pairs]
    repeats = [SOURCE_WEIGHTS.get(source, 1) for source, _seq in pairs]
    lexicon = build_lexicon(data)
    # Each training reference sees word lists built from the *other* references
    # (5-fold cross-fitting): lists built from its own labels would make the model
    # trust them more than they deserve on new references.
    count = 0
    for part in range(LEXICON_FOLDS):
        set_lexicon(build_lexicon([d for i, d in enumerate(data) if i % LEXICON_FOLDS != part]))
        for i in range(part, len(data), LEXICON_FOLDS):
            tokens, labels = data[i]
            feats = features(tokens)
            for _ in range(repeats[i]):
                trainer.append(feats, labels)
            count += 1
    set_lexicon(lexicon)
    trainer.set_params({**PARAMS, **(params or {})})
    model = out_dir / MODEL_FILE
    trainer.train(str(model))
    meta = {
        "feature_version": FEATURE_VERSION,
        "sequences": count,
        "params": {**PARAMS, **(params or {})},
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
    args = parser.parse_args(argv)
    records = load_records()
    if args.holdout is not None:
        records = [r for r in records if not is_heldout(r, args.holdout, args.folds)]
    start = time.perf_counter()
    model = train(records, args.out, verbose=args.verbose)
    print(
        f"trained on {len(records)} references in {time.perf_counter() - start:.1f}s: "
        f"{model} ({model.stat().st_size / 1e6:.2f} MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
