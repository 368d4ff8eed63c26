"""Text helpers shared by the readers: decoding, line splitting, joining, scoring."""

from __future__ import annotations

import codecs
import contextlib
import logging
import re
import warnings
from collections.abc import Iterator

from refcheck.extract.interface import Document, ExtractError

# BOMs in the order they must be tested: UTF-32-LE's BOM starts with UTF-16-LE's.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Only real line breaks: str.splitlines() also splits on form feeds, vertical tabs and
# U+2028, which editors do not count as lines, so line numbers would drift.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def sniff_bom(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark announces and the mark's length, if any."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def sniff_utf16(data: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" for UTF-16 text saved without a BOM, else ``None``.

    Text in Latin script stored as UTF-16 has a NUL in every other byte, always on
    the same side; binary files do not look like that (the same test ``file`` uses).
    """
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    pairs = len(sample) // 2
    even = sample[0::2].count(0) / pairs
    odd = sample[1::2].count(0) / pairs
    encoding = "utf-16-le" if odd > 0.7 and even < 0.05 else None
    if even > 0.7 and odd < 0.05:
        encoding = "utf-16-be"
    if encoding is None:
        return None
    try:
        data[: len(data) - len(data) % 2].decode(encoding)
    except UnicodeDecodeError:
        return None
    return encoding


def looks_binary(data: bytes) -> bool:
    """True when the bytes hold NULs that no BOM or UTF-16 layout explains."""
    return sniff_bom(data) is None and b"\x00" in data[:65536] and sniff_utf16(data) is None


def decode_text(document: Document) -> str:
    """The document's text: UTF-8 (BOM optional), UTF-16/32 with BOM, or the named encoding.

    Invalid UTF-8 is refused with the offending byte and offset rather than guessed:
    a wrong guess silently corrupts author names. The message names the encoding
    charset-normalizer believes it is, so the user can convert it or pass it on.
    """
    data = document.data
    if document.encoding:
        try:
            return data.decode(document.encoding)
        except LookupError:
            raise ExtractError(
                f"{document.label}: unknown text encoding {document.encoding!r}"
            ) from None
        except UnicodeDecodeError as exc:
            raise ExtractError(
                f"{document.label}: not valid {document.encoding} text "
                f"(byte 0x{data[exc.start]:02x} at offset {exc.start})"
            ) from None
    bom = sniff_bom(data)
    if bom is not None:
        encoding, size = bom
        try:
            return data[size:].decode(encoding)
        except UnicodeDecodeError as exc:
            raise ExtractError(
                f"{document.label}: not valid {encoding.upper()} text "
                f"(byte 0x{data[size + exc.start]:02x} at offset {size + exc.start})"
            ) from None
    utf16 = sniff_utf16(data) if b"\x00" in data[:65536] else None
    if utf16 is not None:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError as exc:  # the sniff reads an even-length sample
            raise ExtractError(
                f"{document.label}: not valid {utf16.upper()} text "
                f"(byte 0x{data[exc.start]:02x} at offset {exc.start}: {exc.reason})"
            ) from None
    if looks_binary(data):
        raise ExtractError(f"{document.label}: binary file (not a text document)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        hint = _guess_encoding(data)
        extra = f"; it looks like {hint}: convert it to UTF-8" if hint else ""
        raise ExtractError(
            f"{document.label}: not valid UTF-8 text "
            f"(byte 0x{data[exc.start]:02x} at offset {exc.start}{extra})"
        ) from None


def _guess_encoding(data: bytes) -> str | None:
    """charset-normalizer's best guess, only to word the error message."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - it ships with requests
        return None
    best = from_bytes(data[:65536]).best()
    return best.encoding if best is not None else None


def split_lines(text: str) -> list[str]:
    """The text's lines without their breaks; line ``i`` is number ``i + 1``."""
    return _LINE_BREAK.split(text)


def normalise(text: str) -> str:
    """Collapse every run of whitespace (NBSP included) to one space; strip the ends."""
    return " ".join(text.replace("\u00ad", "").split())


# A line that ends inside a URL or DOI: the next line continues it without a space.
# A final "." is sentence punctuation far more often than a cut URL, so it is not one.
_URL_TAIL = re.compile(r"(?:https?://|www\.|doi:\s*|\b10\.\d{4,9}/)\S*[/\-_?=&#~]$", re.I)


def join_lines(parts: list[str], dehyphenate: bool = False) -> str:
    """Join a reference's lines into one, keeping URLs broken across lines whole.

    ``dehyphenate`` (for PDF text) also rejoins words hyphenated at a line end.
    """
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if not out:
            out = part
        elif _URL_TAIL.search(out):
            out += part
        elif dehyphenate and re.search(r"[a-z]-$", out) and part[:1].islower():
            out = out[:-1] + part
        else:
            out += " " + part
    return normalise(out)


# ------------------------------------------------------------ reference-likeness

_YEAR = re.compile(r"(?<![\d/.])(?:1[6-9]|20)\d{2}[a-z]?(?![\d/])")
# "Hensley JG." "Young G, et al." "Smith, J. A.," "van der Berg AB;" at the start.
_AUTHOR_INITIALS = re.compile(
    r"^(?:[A-Z][a-z]{0,3}\s)?[A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+)?,?\s+"
    r"(?:[A-Z]{1,3}|[A-Z]\.(?:\s?-?[A-Z]\.)*)(?=[\s.,;:(]|$)"
)
_URL = re.compile(r"https?://|www\.\w|\bdoi:\s*10\.|\b10\.\d{4,9}/\S", re.I)
_ACCESS = re.compile(
    r"\b(?:accessed|retrieved|cited|available (?:at|from)|last visited|viewed)\b", re.I
)
# "2009;54:211", "54(3):211-9", "12(3), 45–67", "pp. 3-9", "2002:CD000121"
# Commas only count with an issue or a page range, so that a date such as
# "Oct. 12, 2010" in prose does not pass for a volume.
_VOLUME_PAGES = re.compile(
    r"\d+\s*\(\s*[\w\-–]+\s*\)\s*[:,]\s*[A-Z]{0,2}\d+"
    r"|\d+\s*[:;]\s*[A-Z]{0,2}\d+"
    r"|\d+,\s*[A-Z]?\d+\s*[-–]\s*[A-Z]?\d+"
    r"|\bpp?\.\s*\d+|\b(?:vol|no)\.\s*\d+",
    re.I,
)
_ET_AL = re.compile(r"\bet\s+al\b", re.I)
_PUBLISHER = re.compile(
    r"\b(?:journal|proceedings|press|university|review|publishing|publishers|"
    r"edition|ed\.|eds\.|isbn|pmid|issn|arxiv)\b",
    re.I,
)


def reference_score(text: str) -> int:
    """How much a string looks like a bibliographic reference (0 = not at all).

    One point each for: a year, an author-initials opening ("Hensley JG."), a URL or
    DOI, an access/retrieval phrase, a volume/pages block, "et al.", a bibliographic
    word (journal, press, ISBN, ...). Prose rarely earns two; references almost
    always do.
    """
    checks = (_YEAR, _URL, _ACCESS, _VOLUME_PAGES, _ET_AL, _PUBLISHER)
    score = sum(1 for pattern in checks if pattern.search(text))
    if _AUTHOR_INITIALS.search(text):
        score += 1
    return score


def looks_like_reference(text: str) -> bool:
    """Two signals or more (see ``reference_score``)."""
    return reference_score(text) >= 2


def has_year_or_link(text: str) -> bool:
    """True when the text has a year or a URL/DOI: what a finished reference carries."""
    return _YEAR.search(text) is not None or _URL.search(text) is not None


@contextlib.contextmanager
def quiet(*loggers: str) -> Iterator[None]:
    """Silence libraries that log or warn about the input they are given.

    pypdf and bibtexparser report damaged input on the root logging handler; the
    reader turns what matters into an ``ExtractError`` instead, so the user does not
    see both a library's log lines and refcheck's message.
    """
    saved = []
    for name in loggers:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in saved:
            logger.setLevel(level)


def tag_columns(root: object, lines: list[str]) -> dict[object, int]:
    """The 1-based column of each lxml element's start tag in the source.

    lxml (libxml2) records only the line of an element. Elements come in source
    order, so for each line a cursor finds their start tags ("<li") one after another;
    an element the parser invented (``<tbody>``, ``<html>``) is not found and gets
    column 1 without moving the cursor.
    """
    columns: dict[object, int] = {}
    cursor: dict[int, int] = {}
    for element in root.iter():  # type: ignore[attr-defined]
        tag = element.tag
        line = element.sourceline
        if not isinstance(tag, str) or not isinstance(line, int) or not 0 < line <= len(lines):
            continue
        name = tag.rsplit("}", 1)[-1]
        source = lines[line - 1]
        start = cursor.get(line, 0)
        found = -1
        for match in re.finditer(
            r"<(?:[\w.-]+:)?" + re.escape(name) + r"(?=[\s/>])", source[start:], re.I
        ):
            found = start + match.start()
            break
        if found >= 0:
            columns[element] = found + 1
            cursor[line] = found + 1
    return columns
