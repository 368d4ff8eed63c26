"""detect_format: content first, then media type and extension."""

from __future__ import annotations

import pytest

from refcheck.extract import InputFormat, detect_format

from .conftest import doc


@pytest.mark.parametrize(
    ("source", "data", "expected"),
    [
        ("a.txt", "Just text.\n", InputFormat.TEXT),
        ("a", "# Title\n\nBody [link](http://x.org).\n", InputFormat.MARKDOWN),
        ("a.md", "Plain words only.\n", InputFormat.MARKDOWN),
        ("a", "<!DOCTYPE html><html><body><p>x</p></body></html>", InputFormat.HTML),
        ("a", "<p>A fragment</p><ol><li>x</li></ol>", InputFormat.HTML),
        (
            "a",
            '<?xml version="1.0"?>\n<article><back><ref-list/></back></article>',
            InputFormat.JATS,
        ),
        ("a.xml", '<?xml version="1.0"?>\n<doc/>', InputFormat.JATS),
        ("a", "% comment\n@article{key,\n title={T}}\n", InputFormat.BIBTEX),
        ("refs.bib", "\n\n@book{k, title={T}}\n", InputFormat.BIBTEX),
        ("a", "TY  - JOUR\nTI  - T\nER  - \n", InputFormat.RIS),
        ("a", '[{"id": "x", "type": "book", "title": "T"}]', InputFormat.CSL_JSON),
        ("a.json", "[]", InputFormat.CSL_JSON),
        ("a", b"%PDF-1.7\n...", InputFormat.PDF),
        ("report.docx", b"PK\x03\x04 not really", InputFormat.DOCX),
        ("a.pdf", "not a pdf", InputFormat.PDF),
        ("https://example.org/paper.html?x=1", "text", InputFormat.HTML),
    ],
)
def test_detects(source: str, data: str | bytes, expected: InputFormat) -> None:
    assert detect_format(doc(data, source)) is expected


def test_media_type_wins_over_a_misleading_extension() -> None:
    document = doc(
        "References\n", "https://example.org/page.php", media_type="text/html; charset=utf-8"
    )
    assert detect_format(document) is InputFormat.HTML
    json_doc = doc("[]", "https://api.example.org/x", media_type="application/json")
    assert detect_format(json_doc) is InputFormat.CSL_JSON


def test_an_article_mentioning_at_signs_is_not_bibtex() -> None:
    text = "Email us at\n@home{ this is not bibtex } or so.\n"
    assert detect_format(doc(text, "note.txt")) is InputFormat.TEXT
