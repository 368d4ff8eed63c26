"""Arbitrary input never escapes as anything but ExtractError (no tracebacks)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refcheck.extract import ExtractError, InputFormat, detect_format, extract_references
from refcheck.extract.interface import Document
from refcheck.model import ExtractedReference

from .conftest import FORMATS

# Fragments of every syntax the readers know, so generated documents reach deep into
# the parsers instead of failing on the first byte.
FRAGMENTS = [
    "References\n",
    "# Bibliography\n",
    "- ",
    "1. ",
    "[1] ",
    "   ",
    "\n",
    "\n\n",
    "Smith J. Things. J Things. 2001;3:4. ",
    "https://doi.org/10.1/x ",
    "Accessed Oct. 12, 2010. ",
    "<ol><li>",
    "</li>",
    "<h2>",
    "</h2>",
    "<ref-list><ref><mixed-citation>",
    "</mixed-citation></ref>",
    "<element-citation><year>2001</year>",
    "@article{k,",
    " title = {T",
    "}",
    "TY  - JOUR\n",
    "ER  - \n",
    '[{"title": "T", "issued": {"date-parts": [[2001]]}}',
    "]",
    "[^1]: ",
    "[1]: http://x.org ",
    "```\n",
    "\u00e9\u2028\u00ad\ufeff",
    "<!DOCTYPE x [",
]
documents = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)


def _check(document: Document, fmt: InputFormat) -> None:
    try:
        refs = extract_references(document, fmt)
    except ExtractError as exc:
        assert "\n" not in str(exc)
        return
    for ref in refs:
        assert isinstance(ref, ExtractedReference)
        assert ref.raw and ref.raw == ref.raw.strip() and "\n" not in ref.raw
        assert ref.line >= 1 and ref.column >= 1


TEXT_FORMATS = [
    f for f in InputFormat if f not in (InputFormat.AUTO, InputFormat.DOCX, InputFormat.PDF)
]


@pytest.mark.parametrize("fmt", TEXT_FORMATS, ids=str)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents)
def test_text_formats_never_crash(fmt: InputFormat, text: str) -> None:
    _check(Document("fuzz", text.encode("utf-8")), fmt)


@settings(max_examples=80, deadline=None)
@given(data=st.binary(max_size=2000))
def test_any_bytes_under_auto_detection(data: bytes) -> None:
    document = Document("fuzz.bin", data)
    assert detect_format(document) is not InputFormat.AUTO
    _check(document, InputFormat.AUTO)


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("pdf/review-article.pdf", InputFormat.PDF),
        ("docx/memo-numbered-list.docx", InputFormat.DOCX),
    ],
)
@settings(max_examples=25, deadline=None)
@given(cut=st.integers(min_value=0, max_value=100_000), flip=st.integers(0, 255))
def test_damaged_binary_documents(path: str, fmt: InputFormat, cut: int, flip: int) -> None:
    data = bytearray((FORMATS / path).read_bytes())
    position = cut % len(data)
    data[position] = flip
    _check(Document("damaged", bytes(data[: max(position, 8)])), fmt)
    _check(Document("damaged", bytes(data)), fmt)
