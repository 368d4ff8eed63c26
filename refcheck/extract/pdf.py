"""PDF articles, through pypdf's text extraction.

The text of all pages is read as one plain-text document (``line`` is the line number
in that extracted text, counted across pages), page furniture is dropped (bare page
numbers and running heads repeated on most pages), words hyphenated at line ends are
rejoined, and the plain-text block scanner and selector find the reference section.

A PDF without a text layer (a scan) or one that needs a password cannot be read:
``ExtractError`` says which.
"""

from __future__ import annotations

import re
from collections import Counter
from io import BytesIO

from refcheck.extract.blocks import select_references
from refcheck.extract.interface import Document, ExtractError, InputFormat, Reader
from refcheck.extract.text import scan_blocks
from refcheck.extract.textutil import quiet
from refcheck.model import ExtractedReference

MAX_PAGES = 2000
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.I)


def _page_texts(document: Document) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    label = document.label
    try:
        reader = PdfReader(BytesIO(document.data))
        if reader.is_encrypted:
            # Many PDFs are encrypted with an empty user password (only printing or
            # copying is restricted): those open; the others need the password.
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError) as exc:
                raise ExtractError(f"{label}: encrypted PDF ({exc})") from None
            if not opened:
                raise ExtractError(f"{label}: encrypted PDF (it needs a password)")
        if len(reader.pages) > MAX_PAGES:
            raise ExtractError(f"{label}: too many pages ({len(reader.pages)}; limit {MAX_PAGES})")
        return [page.extract_text() or "" for page in reader.pages]
    except ExtractError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ExtractError(f"{label}: not a readable PDF ({exc})") from None
    except Exception as exc:  # pypdf raises many things on damaged files
        raise ExtractError(f"{label}: not a readable PDF ({type(exc).__name__})") from None


def _furniture(pages: list[list[str]]) -> set[str]:
    """Short lines repeated on most pages: running heads and footers."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({line.strip() for line in lines if 0 < len(line.strip()) <= 80})
    return {line for line, n in counts.items() if n >= max(2, (len(pages) + 1) // 2)}


class PdfReader(Reader):
    """PDF: the text layer's reference section, split into references."""

    format = InputFormat.PDF

    def extract(self, document: Document) -> list[ExtractedReference]:
        """References from the extracted text, with their line in that text."""
        with quiet("pypdf"):
            texts = _page_texts(document)
        if not any(text.strip() for text in texts):
            raise ExtractError(
                f"{document.label}: PDF has no text layer (a scan? run OCR on it first)"
            )
        pages = [text.split("\n") for text in texts]
        furniture = _furniture(pages)
        lines: list[str] = []
        numbers: list[int] = []
        number = 0
        for page in pages:
            for line in page:
                number += 1
                stripped = line.strip()
                if _PAGE_NUMBER.match(stripped) or stripped in furniture:
                    continue
                lines.append(line)
                numbers.append(number)
        return select_references(scan_blocks(lines, numbers), dehyphenate=True)
