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
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pycrfsuite

from refcheck.parse.labeller import META_FILE, MODEL_DIR, MODEL_FILE
from refcheck.parse.tokens import FEATURE_VERSION, features
from training.data import is_heldout, load_records, sequences

PARAMS: dict[str, Any] = {
    "c1": 0.05,  # L1 keeps the model small: most lexical features get weight 0
    "c2": 0.01,
    "max_iterations": 200,
    "feature.possible_transitions": True,
    "feature.minfreq": 1,
}


def train(
    records: Sequence[dict[str, Any]],
    out_dir: Path,
    params: dict[str, Any] | None = None,
    verbose: bool = False,
) -> Path:
    """Train on ``records`` and write ``crf.model`` and ``crf.json`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    trainer = pycrfsuite.Trainer(verbose=verbose)
    count = 0
    for tokens, labels in sequences(records):
        trainer.append(features(tokens), labels)
        count += 1
    trainer.set_params({**PARAMS, **(params or {})})
    model = out_dir / MODEL_FILE
    trainer.train(str(model))
    meta = {
        "feature_version": FEATURE_VERSION,
        "sequences": count,
        "params": {**PARAMS, **(params or {})},
        "sources": sorted({r["source"] for r in records}),
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
