"""Golden-file tests: each format rendered from the sample report, byte for byte.

Regenerate after an intended change with::

    REFCHECK_UPDATE_GOLDEN=1 /work/venv/bin/pytest tests/render/test_golden.py

and review the diff of ``fixtures/golden/`` before committing it.
"""

from __future__ import annotations

import os
import pathlib

import pytest

from refcheck.model import RunReport
from refcheck.render import render

GOLDEN = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "golden"

# format -> golden file name
CASES = {
    "text": "sample.txt",
    "json": "sample.json",
    "csl-json": "sample.csl.json",
    "markdown": "sample.md",
    "html": "sample.html",
    "csv": "sample.csv",
    "junit": "sample.junit.xml",
    "sarif": "sample.sarif",
    "github": "sample.github.txt",
    "bibtex": "sample.bib",
    "ris": "sample.ris",
}


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_matches_golden(fmt: str, report: RunReport) -> None:
    path = GOLDEN / CASES[fmt]
    actual = render(report, fmt)
    if os.environ.get("REFCHECK_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
    assert path.exists(), f"no golden file {path}; run with REFCHECK_UPDATE_GOLDEN=1"
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected, (
        f"{fmt} output differs from {path.name}; if the change is intended, "
        "regenerate with REFCHECK_UPDATE_GOLDEN=1 and review the diff"
    )


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_rendering_is_deterministic(fmt: str, sample: object) -> None:
    # Two separately built, equal reports must render identically (no dict/set order,
    # no clock, no object ids leaking into the output).
    first = render(sample.sample_report(), fmt)  # type: ignore[attr-defined]
    second = render(sample.sample_report(), fmt)  # type: ignore[attr-defined]
    assert first == second
