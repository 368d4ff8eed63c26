"""CSL-JSON files (Zotero/Better BibTeX, pandoc, citeproc): the items as given.

The standard ``json`` module has no positions, so the reader decodes the top-level
array one item at a time with ``raw_decode`` and counts lines up to each item's
opening brace.
"""

from __future__ import annotations

import json
from typing import Any

from refcheck.extract.csl import JSON, format_item
from refcheck.extract.interface import Document, ExtractError, InputFormat, Reader
from refcheck.extract.textutil import decode_text
from refcheck.model import ExtractedReference

_WHITESPACE = " \t\r\n"


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def _items_with_offsets(text: str, label: str) -> list[tuple[int, Any]]:
    """``(offset, value)`` for each element of the top-level array (or the one object)."""
    decoder = json.JSONDecoder()
    try:
        json.loads(text)  # validate first: the one error message users understand
    except json.JSONDecodeError as exc:
        raise ExtractError(
            f"{label}: not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})"
        ) from None
    pos = _skip(text, 0)
    if text.startswith("{", pos):
        value = json.loads(text)
        if isinstance(value, dict) and isinstance(value.get("items"), list):
            # {"items": [...]} wrappers (some exporters): positions are not worth the
            # effort here; every item gets the wrapper's line.
            return [(pos, item) for item in value["items"]]
        return [(pos, value)]
    if not text.startswith("[", pos):
        raise ExtractError(f"{label}: not CSL-JSON (expected an array of items)")
    out = []
    pos = _skip(text, pos + 1)
    while pos < len(text) and text[pos] != "]":
        value, end = decoder.raw_decode(text, pos)
        out.append((pos, value))
        pos = _skip(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip(text, pos + 1)
    return out


class CslJsonReader(Reader):
    """An array of CSL-JSON items (or one item); ``accessed`` and the rest kept as given."""

    format = InputFormat.CSL_JSON

    def extract(self, document: Document) -> list[ExtractedReference]:
        """One reference per item, with the line of its opening brace."""
        text = decode_text(document)
        out = []
        # Count lines incrementally: counting from the start for every item is
        # quadratic, and exports with thousands of items are common.
        line, counted = 1, 0
        for index, (offset, item) in enumerate(_items_with_offsets(text, document.label), start=1):
            line += text.count("\n", counted, offset)
            counted = offset
            if not isinstance(item, dict):
                raise ExtractError(
                    f"{document.label}: not CSL-JSON (item {index} is not an object)"
                )
            fields: JSON = dict(item)
            url = fields.get("URL")
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
            out.append(
                ExtractedReference(
                    raw=format_item(fields) or str(fields.get("id") or f"item {index}"),
                    line=line,
                    column=column,
                    label=str(fields["id"]) if fields.get("id") is not None else None,
                    urls=(str(url),) if isinstance(url, str) and url else (),
                    fields=fields,
                )
            )
        return out
