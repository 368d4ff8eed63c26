"""Every fixture under fixtures/formats/ against the references expected beside it.

Each ``NAME.expected.json`` holds ``{"format": ..., "references": [...]}`` for the
document ``NAME``; the expectations were checked by hand against the documents.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refcheck.extract import InputFormat, detect_format, extract_references, load_document

from .conftest import FORMATS

CASES = sorted(FORMATS.rglob("*.expected.json"))


def _document_of(expected: Path) -> Path:
    return expected.with_name(expected.name.removesuffix(".expected.json"))


@pytest.mark.parametrize("expected_path", CASES, ids=lambda p: str(p.relative_to(FORMATS)))
def test_fixture_references(expected_path: Path) -> None:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    document = load_document(_document_of(expected_path))
    fmt = InputFormat(expected["format"])
    if fmt is not InputFormat.LINES:  # lines is only ever chosen by the user
        assert detect_format(document) is fmt
    refs = extract_references(document, fmt)
    got = []
    for ref in refs:
        entry: dict[str, object] = {
            "line": ref.line,
            "column": ref.column,
            "label": ref.label,
            "raw": ref.raw,
        }
        if ref.urls:
            entry["urls"] = list(ref.urls)
        if ref.fields:
            entry["fields"] = ref.fields
        got.append(entry)
    assert got == expected["references"]


def test_there_are_fixtures_for_the_core_formats() -> None:
    formats = {json.loads(p.read_text())["format"] for p in CASES}
    assert {"text", "lines"} <= formats
