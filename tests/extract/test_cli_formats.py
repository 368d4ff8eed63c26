"""End to end through the CLI: `refcheck parse` reads every fixture format.

Good fixtures give one CSL-JSON item per expected reference; unreadable ones exit 2
with one line on stderr that names the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from refcheck.cli import main

from .conftest import FORMATS

CASES = sorted(FORMATS.rglob("*.expected.json"))
BAD = [
    ("bibtex/unterminated.bib", "line 7: unreadable BibTeX entry"),
    ("ris/unterminated.ris", "no 'ER  -' end tag"),
    ("csl-json/broken.json", "not valid JSON"),
    ("jats/billion-laughs.xml", "XML declares entities"),
    ("jats/xxe.xml", "XML declares entities"),
    ("jats/malformed.xml", "not well-formed XML"),
    ("docx/not-a-zip.docx", "not a Word document"),
    ("pdf/encrypted.pdf", "encrypted PDF"),
    ("pdf/scanned-no-text.pdf", "no text layer"),
]


@pytest.mark.parametrize("expected_path", CASES, ids=lambda p: str(p.relative_to(FORMATS)))
def test_parse_command_reads_each_format(expected_path: Path) -> None:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    document = expected_path.with_name(expected_path.name.removesuffix(".expected.json"))
    result = CliRunner().invoke(
        main, ["parse", str(document), "--input-format", expected["format"]]
    )
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert len(items) == len(expected["references"])


@pytest.mark.parametrize(("name", "message"), BAD)
def test_unreadable_documents_exit_2_with_one_line(name: str, message: str) -> None:
    path = FORMATS / name
    result = CliRunner().invoke(main, ["parse", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0] and message in lines[0]
    assert "Traceback" not in result.output
