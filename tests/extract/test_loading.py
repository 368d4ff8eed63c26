"""load_document and text decoding: every unreadable input is one ExtractError line."""

from __future__ import annotations

import codecs
import io
import os
from pathlib import Path

import pytest

from refcheck.extract import ExtractError, InputFormat, extract_references, load_document

from .conftest import SEED, doc

REF = "Hensley JG. Leg cramps and restless legs syndrome. J Midwifery. 2009;54:211.\n"


def _one_line(exc: pytest.ExceptionInfo[ExtractError]) -> str:
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_loads_a_file_with_its_source() -> None:
    document = load_document(SEED)
    assert document.source == str(SEED)
    assert document.data == SEED.read_bytes()


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(ExtractError) as exc:
        load_document(path)
    assert _one_line(exc) == f"{path}: no such file"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(ExtractError) as exc:
        load_document(tmp_path)
    assert _one_line(exc) == f"{tmp_path}: is a directory"


@pytest.mark.parametrize("content", [b"", b"  \n\n\t \n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(ExtractError) as exc:
        load_document(path)
    assert _one_line(exc) == f"{path}: file is empty"


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(ExtractError) as exc:
        load_document(path)
    assert _one_line(exc) == f"{path}: binary file (not a text document)"


def test_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with open(path, "wb") as handle:  # sparse: 212 MB on paper, nothing on disk
        handle.truncate(212 * 2**20)
    with pytest.raises(ExtractError) as exc:
        load_document(path)
    assert _one_line(exc) == f"{path}: too large (212 MB; limit 50 MB)"


def test_stdin_is_read_and_capped() -> None:
    assert load_document("-", stdin=io.BytesIO(REF.encode())).data == REF.encode()
    with pytest.raises(ExtractError) as exc:
        load_document("-", max_bytes=10, stdin=io.BytesIO(b"x" * 100))
    assert _one_line(exc).startswith("stdin: too large")
    with pytest.raises(ExtractError, match=r"^stdin: file is empty$"):
        load_document("-", stdin=io.BytesIO(b""))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(REF)
    path.chmod(0)
    with pytest.raises(ExtractError, match="permission denied"):
        load_document(path)


@pytest.mark.parametrize(
    "data",
    [
        REF.encode("utf-8"),
        codecs.BOM_UTF8 + REF.encode("utf-8"),
        codecs.BOM_UTF16_LE + REF.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + REF.encode("utf-16-be"),
        REF.encode("utf-16"),  # Python writes its native BOM
        REF.encode("utf-16-le"),  # no BOM: Windows tools sometimes save this
        REF.encode("utf-16-be"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16le",
        "utf16be",
        "utf16-native",
        "utf16le-nobom",
        "utf16be-nobom",
    ],
)
def test_unicode_encodings_are_read(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "refs.txt"
    path.write_bytes(data)
    refs = extract_references(load_document(path), InputFormat.LINES)
    assert [r.raw for r in refs] == [REF.strip()]
    assert refs[0].column == 1  # the BOM is not a column


def test_invalid_utf8_names_the_byte_and_offset() -> None:
    data = "Müller A. Über Dinge. Z Dinge. 2001;3:4.\n".encode("latin-1")
    with pytest.raises(ExtractError) as exc:
        extract_references(doc(data, "latin1.txt"))
    message = _one_line(exc)
    assert message.startswith("latin1.txt: not valid UTF-8 text (byte 0xfc at offset 1")


def test_utf16_without_bom_cut_mid_character_is_refused_in_one_line() -> None:
    # Found by benchmarks/fuzz_benchmark.py: the UTF-16 sniff read an even-length
    # sample and the decoder then met the odd last byte.
    with pytest.raises(ExtractError) as exc:
        extract_references(doc(b"{\x00{\x00\x00", "cut.txt"))
    assert _one_line(exc).startswith("cut.txt: not valid UTF-16-LE text (byte 0x00 at offset 4")


def test_a_named_encoding_is_honoured() -> None:
    data = "Müller A. Über Dinge. Z Dinge. 2001;3:4.\n".encode("latin-1")
    refs = extract_references(doc(data, "latin1.txt", encoding="latin-1"), InputFormat.LINES)
    assert refs[0].raw.startswith("Müller A. Über")
    with pytest.raises(ExtractError, match="unknown text encoding"):
        extract_references(doc(data, encoding="klingon"), InputFormat.LINES)


def test_text_reader_refuses_binary_documents_built_in_memory() -> None:
    with pytest.raises(ExtractError, match="binary file"):
        extract_references(doc(b"abc\x00def"), InputFormat.TEXT)


def test_line_numbers_ignore_form_feeds_and_unicode_separators() -> None:
    text = "a\fb\u2028c\nReferences\nSmith J. Things. J Things. 2001;3:4.\n"
    (ref,) = extract_references(doc(text))
    assert ref.line == 3
