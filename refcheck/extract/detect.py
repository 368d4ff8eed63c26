"""Choosing a document's format from its bytes, its media type and its extension.

Order of evidence, strongest first: magic bytes (PDF, ZIP), the HTTP media type, a
content signature that cannot be mistaken (an XML prolog with JATS elements, an HTML
doctype, BibTeX entries, RIS tags, a JSON array), then the file extension, then
Markdown syntax, and plain text when nothing else fits.
"""

from __future__ import annotations

import json
import re
import zipfile
from io import BytesIO
from pathlib import PurePosixPath
from urllib.parse import urlparse

from refcheck.extract.interface import Document, InputFormat
from refcheck.extract.textutil import looks_binary, sniff_bom, sniff_utf16

_MEDIA_TYPES: dict[str, InputFormat] = {
    "text/html": InputFormat.HTML,
    "application/xhtml+xml": InputFormat.HTML,
    "application/jats+xml": InputFormat.JATS,
    "application/x-bibtex": InputFormat.BIBTEX,
    "text/x-bibtex": InputFormat.BIBTEX,
    "application/x-biblatex": InputFormat.BIBTEX,
    "application/x-research-info-systems": InputFormat.RIS,
    "application/vnd.citationstyles.csl+json": InputFormat.CSL_JSON,
    "application/pdf": InputFormat.PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": InputFormat.DOCX,
    "text/markdown": InputFormat.MARKDOWN,
    "text/x-markdown": InputFormat.MARKDOWN,
}

_EXTENSIONS: dict[str, InputFormat] = {
    ".html": InputFormat.HTML,
    ".htm": InputFormat.HTML,
    ".xhtml": InputFormat.HTML,
    ".xml": InputFormat.JATS,
    ".nxml": InputFormat.JATS,
    ".jats": InputFormat.JATS,
    ".bib": InputFormat.BIBTEX,
    ".bibtex": InputFormat.BIBTEX,
    ".ris": InputFormat.RIS,
    ".json": InputFormat.CSL_JSON,
    ".csljson": InputFormat.CSL_JSON,
    ".docx": InputFormat.DOCX,
    ".pdf": InputFormat.PDF,
    ".md": InputFormat.MARKDOWN,
    ".markdown": InputFormat.MARKDOWN,
    ".mdown": InputFormat.MARKDOWN,
    ".txt": InputFormat.TEXT,
    ".text": InputFormat.TEXT,
}

#: File extensions refcheck reads as documents (what a directory walk picks up).
DOCUMENT_EXTENSIONS: frozenset[str] = frozenset(_EXTENSIONS)

_JATS = re.compile(r"<(?:article|ref-list|mixed-citation|element-citation)\b|JATS", re.I)
_HTML = re.compile(r"<!doctype\s+html|<html[\s>]", re.I)
_HTML_BODY = re.compile(r"<body[\s>]|<head[\s>]", re.I)
_HTML_FRAGMENT = re.compile(r"<(?:p|div|ol|ul|li|h[1-6]|cite|a\s+href)\b[^>]*>", re.I)
_BIBTEX = re.compile(r"^\s*@[a-z]+\s*[{(]", re.I | re.M)
_RIS = re.compile(r"^TY  - ", re.M)
_MARKDOWN = re.compile(
    r"^#{1,6}\s+\S|^\[\^[^\]]+\]:|^\[[^\]]+\]:\s*\S|\[[^\]]+\]\([^)\s]+\)|^```", re.M
)


def _head_text(data: bytes) -> str:
    """The first 64 KiB as text, good enough to sniff (never raises)."""
    bom = sniff_bom(data)
    if bom is not None:
        encoding, size = bom
        return data[size : size + 65536].decode(encoding, errors="replace")
    utf16 = sniff_utf16(data) if b"\x00" in data[:65536] else None
    if utf16 is not None:
        return data[:65536].decode(utf16, errors="replace")
    return data[:65536].decode("utf-8", errors="replace")


def _extension(source: str) -> str:
    path = urlparse(source).path if "://" in source else source
    name = PurePosixPath(path.replace("\\", "/")).name.lower()
    if name.endswith(".csl.json"):
        return ".json"
    return PurePosixPath(name).suffix


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _looks_csl_json(text: str) -> bool:
    stripped = text.lstrip()
    if not stripped.startswith(("[", "{")):
        return False
    try:
        value = json.loads(stripped)
    except ValueError:
        # Truncated to the sniffing window, or broken: judge by the keys we see.
        return bool(re.search(r'"(?:type|title|author|issued|DOI|container-title)"\s*:', text))
    items = value if isinstance(value, list) else [value]
    return (
        bool(items)
        and all(isinstance(i, dict) for i in items)
        and any({"type", "title", "author", "issued", "DOI", "id"} & set(i) for i in items)
    )


def detect_format(document: Document) -> InputFormat:
    """The format ``document`` is in, judged by content, media type and extension.

    Never raises and never returns ``InputFormat.AUTO``; undecidable input is TEXT.
    """
    data = document.data
    if data.startswith(b"%PDF-"):
        return InputFormat.PDF
    # A zip that is not a Word document still goes to the DOCX reader when the name
    # says .docx, so the user hears why it cannot be read.
    if data.startswith(b"PK\x03\x04") and (
        _is_docx(data) or _extension(document.source) == ".docx"
    ):
        return InputFormat.DOCX
    if document.media_type:
        media = document.media_type.split(";")[0].strip().lower()
        if media in _MEDIA_TYPES:
            return _MEDIA_TYPES[media]
        if media in ("application/json",):
            return InputFormat.CSL_JSON
    ext = _extension(document.source)
    if ext in (".docx", ".pdf"):
        return _EXTENSIONS[ext]
    if looks_binary(data):
        return InputFormat.TEXT  # the text reader explains that it is binary
    text = _head_text(data)
    head = text.lstrip()
    if head.startswith("<"):
        if _HTML.search(text[:4096]):
            return InputFormat.HTML
        if _JATS.search(text):
            return InputFormat.JATS
        if _HTML_BODY.search(text) or _HTML_FRAGMENT.search(text):
            return InputFormat.HTML
        if ext in _EXTENSIONS:
            return _EXTENSIONS[ext]
        return InputFormat.HTML if head.startswith("<!") else InputFormat.JATS
    if _RIS.search(text):
        return InputFormat.RIS
    if _BIBTEX.search(text) and (ext == ".bib" or head.startswith(("@", "%"))):
        return InputFormat.BIBTEX
    if head.startswith(("[", "{")) and _looks_csl_json(text):
        return InputFormat.CSL_JSON
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    if _MARKDOWN.search(text):
        return InputFormat.MARKDOWN
    return InputFormat.TEXT
