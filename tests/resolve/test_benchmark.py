"""The benchmark runs end to end on a small corpus and keeps its accuracy."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "resolve_benchmark.py"


@pytest.mark.parametrize("mode", ["fields", "raw"])
def test_small_benchmark(mode: str, capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("resolve_benchmark", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["resolve_benchmark"] = module
    spec.loader.exec_module(module)
    args = [
        "--refs",
        "120",
        "--limit",
        "200",
        "--concurrency",
        "8",
        "--latency",
        "0",
        "--mode",
        mode,
    ]
    assert module.main(args) == 0
    out = capsys.readouterr().out
    precision = float(re.search(r"precision (\S+)", out).group(1))  # type: ignore[union-attr]
    recall = float(re.search(r"recall (\S+)", out).group(1))  # type: ignore[union-attr]
    assert precision >= 0.99 and recall >= 0.95, out
    assert "429s 0," in out, out
