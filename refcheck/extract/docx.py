"""Word manuscripts (.docx), read with python-docx.

The body's paragraphs become blocks (Word heading styles and short "References"
lines are headings; numbered/bulleted paragraphs are list items) and
``blocks.select_references`` finds the reference section. A DOCX has no lines, so
``line`` is the paragraph's number in the body (1-based), which is what a reader can
find with Word's navigation.

Citations inserted by Zotero (``ADDIN ZOTERO_ITEM CSL_CITATION {...}``) and Mendeley
(``ADDIN CSL_CITATION {...}``) carry their CSL-JSON in the field code: those items
become ``fields``, matched to the bibliography entries by title; a cited item that no
bibliography entry matches is still reported, with the line of its first citation.
"""

from __future__ import annotations

import json
import re
import zipfile
from io import BytesIO
from typing import Any

from refcheck.extract.blocks import (
    Block,
    BlockKind,
    SourceLine,
    is_end_heading,
    is_reference_heading,
    select_references,
)
from refcheck.extract.csl import JSON, format_item
from refcheck.extract.interface import Document, ExtractError, InputFormat, Reader
from refcheck.extract.text import parse_item
from refcheck.extract.textutil import normalise
from refcheck.model import ExtractedReference

# A .docx is a zip: refuse archives that would inflate past this (zip bombs).
MAX_UNCOMPRESSED = 256 * 2**20

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CSL_FIELD = re.compile(r"ADDIN\s+(?:ZOTERO_ITEM\s+)?CSL_CITATION\s+(\{.*\})", re.S)


def _check_archive(document: Document) -> None:
    label = document.label
    try:
        archive = zipfile.ZipFile(BytesIO(document.data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ExtractError(f"{label}: not a Word document (not a zip archive)") from None
    with archive:
        names = archive.namelist()
        if "word/document.xml" not in names:
            raise ExtractError(f"{label}: not a Word document (no word/document.xml)")
        total = sum(info.file_size for info in archive.infolist())
        if total > MAX_UNCOMPRESSED:
            raise ExtractError(
                f"{label}: too large when decompressed ({total // 2**20} MB; "
                f"limit {MAX_UNCOMPRESSED // 2**20} MB)"
            )


def _field_instructions(paragraph: Any) -> list[str]:
    """The instruction text of every field that starts in this paragraph."""
    out: list[str] = []
    current: list[str] | None = None
    for element in paragraph.iter():
        tag = element.tag
        if tag == f"{_W}fldSimple":
            out.append(str(element.get(f"{_W}instr") or ""))
        elif tag == f"{_W}fldChar":
            kind = element.get(f"{_W}fldCharType")
            if kind == "begin":
                current = []
            elif kind in ("separate", "end") and current is not None:
                out.append("".join(current))
                current = None
        elif tag == f"{_W}instrText" and current is not None:
            current.append(element.text or "")
    if current:
        out.append("".join(current))  # a field whose code continues past this paragraph
    return out


def _cited_items(instructions: list[str]) -> list[JSON]:
    items = []
    for instruction in instructions:
        match = _CSL_FIELD.search(instruction)
        if not match:
            continue
        try:
            payload = json.loads(match.group(1))
        except ValueError:
            continue  # a damaged field code: the text of the document still counts
        for cited in payload.get("citationItems") or []:
            data = cited.get("itemData") if isinstance(cited, dict) else None
            if isinstance(data, dict):
                items.append(data)
    return items


def _item_key(item: JSON) -> str:
    return str(item.get("id") or item.get("DOI") or item.get("title") or json.dumps(item))


def _title_key(text: object) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


class DocxReader(Reader):
    """Word documents: the reference section, enriched by Zotero/Mendeley field codes."""

    format = InputFormat.DOCX

    def extract(self, document: Document) -> list[ExtractedReference]:
        """References by paragraph number, with CSL-JSON from citation fields."""
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        _check_archive(document)
        try:
            word = docx.Document(BytesIO(document.data))
        except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise ExtractError(f"{document.label}: not a readable Word document ({exc})") from None
        except Exception as exc:  # lxml errors on a damaged document.xml
            raise ExtractError(f"{document.label}: not a readable Word document ({exc})") from None

        blocks: list[Block] = []
        cited: dict[str, tuple[int, JSON]] = {}
        list_id: int | None = None
        next_list = 0
        for number, paragraph in enumerate(word.paragraphs, start=1):
            for item in _cited_items(_field_instructions(paragraph._p)):
                cited.setdefault(_item_key(item), (number, item))
            text = normalise(paragraph.text)
            if not text:
                continue
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            line = [SourceLine(number, 1, text)]
            urls = tuple(str(link.url) for link in getattr(paragraph, "hyperlinks", []) if link.url)
            heading = re.match(r"Heading (\d)", style)
            if (
                heading
                or style == "Title"
                or (len(text) <= 60 and (is_reference_heading(text) or is_end_heading(text)))
            ):
                blocks.append(
                    Block(
                        BlockKind.HEADING,
                        line,
                        level=int(heading.group(1)) if heading else 1,
                        is_reference_heading=is_reference_heading(text),
                        is_end_heading=is_end_heading(text),
                    )
                )
                list_id = None
                continue
            ppr = paragraph._p.pPr
            numbered = ppr is not None and ppr.numPr is not None
            typed = parse_item(text)  # "1. Smith J..." typed by hand, not Word numbering
            if numbered or style.startswith("List") or typed is not None:
                label = None
                if typed is not None:
                    _, label, _, text = typed
                if list_id is None:
                    list_id, next_list = next_list, next_list + 1
                blocks.append(
                    Block(
                        BlockKind.ITEM,
                        [SourceLine(number, 1, text)],
                        label=label,
                        list_id=list_id,
                        urls=urls,
                        text=text,
                    )
                )
            else:
                list_id = None
                blocks.append(Block(BlockKind.PARAGRAPH, line, urls=urls, text=text))
        references = select_references(blocks)
        return _attach_fields(references, list(cited.values()))


def _attach_fields(
    references: list[ExtractedReference], cited: list[tuple[int, JSON]]
) -> list[ExtractedReference]:
    """Give each bibliography entry the CSL item of the citation whose title it contains."""
    unused = list(cited)
    out = []
    for ref in references:
        haystack = _title_key(ref.raw)
        match = next(
            (c for c in unused if c[1].get("title") and _title_key(c[1]["title"])[:60] in haystack),
            None,
        )
        if match is not None:
            unused.remove(match)
            item = match[1]
            urls = ref.urls or ((str(item["URL"]),) if item.get("URL") else ())
            ref = ExtractedReference(
                raw=ref.raw,
                line=ref.line,
                column=ref.column,
                label=ref.label,
                urls=urls,
                fields=item,
            )
        out.append(ref)
    for line, item in unused:
        out.append(
            ExtractedReference(
                raw=format_item(item) or _item_key(item),
                line=line,
                column=1,
                urls=(str(item["URL"]),) if item.get("URL") else (),
                fields=item,
            )
        )
    return out
