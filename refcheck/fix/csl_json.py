"""CSL-JSON: the items loaded, changed and written back (indent 2, key order kept).

JSON has no stable textual layout to preserve, so the file is re-serialised, but
only when something changed; an untouched file is returned as it was. An item is
matched to its reference by ``id`` (when unique) and checked against the reader's
line; archived copies go into ``note`` ("Archived copy: URL"), which CSL processors
and Zotero keep, since CSL has no field for them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from refcheck.errors import InputError
from refcheck.fix.edits import EditLog, bounded_doi
from refcheck.fix.plan import Change, ChangeKind, ReferenceFix

_WHITESPACE = " \t\r\n"


def _items(text: str) -> tuple[Any, list[tuple[int, dict[str, Any]]]]:
    """The decoded document and each item with the line of its opening brace."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    pos = 0
    while pos < len(text) and text[pos] in _WHITESPACE:
        pos += 1
    if isinstance(data, dict):
        inner = data.get("items")
        if isinstance(inner, list):
            line = text.count("\n", 0, pos) + 1
            return data, [(line, item) for item in inner if isinstance(item, dict)]
        return data, [(text.count("\n", 0, pos) + 1, data)]
    if not isinstance(data, list):
        raise InputError("not CSL-JSON (expected an array of items)")
    # Positions of the top-level elements, decoded one by one as the reader does.
    decoder = json.JSONDecoder()
    out: list[tuple[int, dict[str, Any]]] = []
    pos += 1
    for item in data:
        while pos < len(text) and text[pos] in _WHITESPACE + ",":
            pos += 1
        _value, end = decoder.raw_decode(text, pos)
        if isinstance(item, dict):
            out.append((text.count("\n", 0, pos) + 1, item))
        pos = end
    return data, out


def _find_item(items: list[tuple[int, dict[str, Any]]], fix: ReferenceFix) -> dict[str, Any] | str:
    label = fix.extracted.label
    ids = [str(item.get("id")) if item.get("id") is not None else None for _l, item in items]
    candidates = [
        item
        for (line, item), item_id in zip(items, ids, strict=True)
        if item_id == label and line == fix.extracted.line
    ]
    if len(candidates) == 1:
        return candidates[0]
    if label is not None and ids.count(label) == 1:
        return items[ids.index(label)][1]
    return f"no single item with id {label!r} at line {fix.extracted.line}"


def _set(item: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` (or its lower-case spelling, if the item uses that) in place."""
    for existing in (key, key.lower()):
        if existing in item:
            item[existing] = value
            return
    item[key] = value


def _get(item: dict[str, Any], key: str) -> Any:
    return item.get(key, item.get(key.lower()))


def _change(item: dict[str, Any], change: Change) -> str | None:
    if change.kind is ChangeKind.ADD_DOI:
        if _get(item, "DOI"):
            return "the item already has a DOI"
        _set(item, "DOI", change.new)
        return None
    if change.kind is ChangeKind.REPLACE_DOI:
        assert change.old is not None
        current = _get(item, "DOI")
        if not isinstance(current, str) or not bounded_doi(change.old).search(current):
            return "the item's DOI is not the one cited"
        _set(item, "DOI", bounded_doi(change.old).sub(change.new, current))
        return None
    if change.kind is ChangeKind.UPDATE_URL:
        if _get(item, "URL") != change.old:
            return "the item's URL is not the one checked"
        _set(item, "URL", change.new)
        return None
    if change.kind is ChangeKind.ADD_ARCHIVE:
        note = _get(item, "note")
        line = f"Archived copy: {change.new}"
        if isinstance(note, str) and note.strip():
            if line in note:
                return "the note already gives this archived copy"
            _set(item, "note", note.rstrip() + "\n" + line)
        else:
            _set(item, "note", line)
        return None
    if change.field == "issued":
        return _issued(item, change.new)
    if change.field not in item:
        return f"the item has no {change.field}"
    item[change.field] = change.new
    return None


def _issued(item: dict[str, Any], year: str) -> str | None:
    issued = item.get("issued")
    if not isinstance(issued, dict) or not year.isdigit():
        return "the item's issued date is not a CSL date"
    # Month and day belong to the cited (wrong) year: keep only the registered year.
    issued.clear()
    issued["date-parts"] = [[int(year)]]
    return None


def edit_csl_json(text: str, fixes: Sequence[ReferenceFix], log: EditLog) -> str:
    """``text`` with each item's changes made; unchanged text when nothing applied."""
    data, items = _items(text)
    changed = False
    for fix in fixes:
        if not fix.changes:
            continue
        item = _find_item(items, fix)
        if isinstance(item, str):
            log.skip_all(fix, item)
            continue
        for change in fix.changes:
            why = _change(item, change)
            if why is None:
                log.done(fix, change)
                changed = True
            else:
                log.skip(fix, change, why)
    if not changed:
        return text
    newline = "\r\n" if "\r\n" in text else "\n"
    dumped = json.dumps(data, indent=2, ensure_ascii=False)
    return dumped.replace("\n", newline) + (newline if text.endswith(("\n", "\r")) else "")
