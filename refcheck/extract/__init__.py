"""The extract stage: a document in, reference strings (with where each stands) out.

    from refcheck.extract import load_document, detect_format, extract_references
    document = load_document("article.html")          # ExtractError on unreadable input
    references = extract_references(document)         # [] when there are none

One reader per format lives in its own module behind ``interface.Reader``; readers are
imported only when used, so a plain-text run never loads lxml or pypdf.
"""

from __future__ import annotations

import importlib

from refcheck.extract.detect import detect_format
from refcheck.extract.interface import Document, ExtractError, InputFormat, Reader
from refcheck.extract.loading import DEFAULT_MAX_BYTES, load_document
from refcheck.model import ExtractedReference

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Document",
    "ExtractError",
    "InputFormat",
    "Reader",
    "detect_format",
    "extract_references",
    "get_reader",
    "load_document",
]

# format -> (module, class); resolved lazily by get_reader.
_READERS: dict[InputFormat, tuple[str, str]] = {
    InputFormat.TEXT: ("refcheck.extract.text", "TextReader"),
    InputFormat.LINES: ("refcheck.extract.text", "LinesReader"),
    InputFormat.MARKDOWN: ("refcheck.extract.markdown", "MarkdownReader"),
    InputFormat.HTML: ("refcheck.extract.html", "HtmlReader"),
    InputFormat.JATS: ("refcheck.extract.jats", "JatsReader"),
    InputFormat.BIBTEX: ("refcheck.extract.bibtex", "BibtexReader"),
    InputFormat.RIS: ("refcheck.extract.ris", "RisReader"),
    InputFormat.CSL_JSON: ("refcheck.extract.csl_json", "CslJsonReader"),
    InputFormat.DOCX: ("refcheck.extract.docx", "DocxReader"),
    InputFormat.PDF: ("refcheck.extract.pdf", "PdfReader"),
}


def get_reader(fmt: InputFormat) -> Reader:
    """A reader instance for ``fmt`` (not ``AUTO``)."""
    if fmt not in _READERS:
        raise ValueError(f"no reader for input format {fmt!r}")
    module_name, class_name = _READERS[fmt]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ExtractError(f"reading {fmt.value} needs the missing package {exc.name!r}") from None
    reader = getattr(module, class_name)()
    assert isinstance(reader, Reader)
    return reader


def extract_references(
    document: Document, fmt: InputFormat = InputFormat.AUTO
) -> list[ExtractedReference]:
    """Every reference in ``document``, in order, with its line number.

    ``fmt`` overrides detection (``--input-format``). Returns ``[]`` for a readable
    document without references; raises ``ExtractError`` (one line, naming the
    document) for one that cannot be read as that format.
    """
    if fmt is InputFormat.AUTO:
        fmt = detect_format(document)
    return get_reader(fmt).extract(document)
