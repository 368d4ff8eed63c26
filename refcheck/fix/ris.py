"""RIS: tag lines edited or inserted inside each record, the rest untouched.

A record runs from its ``TY  -`` line (the reader's line) to its ``ER  -`` line. New
tags (``DO  -``, ``N1  - Archived copy: ...``) are inserted just before ``ER``; changed
values are rewritten after the tag's ``  - ``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from refcheck.fix.edits import EditLog, Lines, Splices, bounded, bounded_doi
from refcheck.fix.plan import Change, ChangeKind, ReferenceFix

_TAG = re.compile(r"^(?P<indent>\s*)(?P<tag>[A-Z][A-Z0-9])  -(?: (?P<value>.*))?$")
_URL_TAGS = ("UR", "L1", "L2", "L4", "LK")
# CSL field -> RIS tags holding it, in the order the reader consults them.
_TAGS: dict[str, tuple[str, ...]] = {
    "title": ("TI", "T1"),
    "container-title": ("T2", "JO", "JF", "J2"),
    "volume": ("VL",),
    "issue": ("IS",),
    "issued": ("PY", "Y1", "DA"),
}


class _Record:
    def __init__(self, lines: Lines, first: int, last: int) -> None:
        self.lines = lines
        self.first, self.last = first, last  # the TY and ER line numbers
        self.tags: list[tuple[str, int, int, int]] = []  # tag, line, value start, value end
        for number in range(first, last):
            match = _TAG.match(lines.get(number))
            if match is None:
                continue
            start = lines.start(number)
            if match.group("value") is not None:
                vstart, vend = start + match.start("value"), start + match.end("value")
            else:
                vstart = vend = start + match.end()
            self.tags.append((match.group("tag"), number, vstart, vend))

    def first_tag(self, *names: str) -> tuple[str, int, int, int] | None:
        for name in names:
            for tag in self.tags:
                if tag[0] == name:
                    return tag
        return None


def _find_record(lines: Lines, fix: ReferenceFix) -> _Record | str:
    line = fix.extracted.line
    head = _TAG.match(lines.get(line))
    if head is None or head.group("tag") != "TY":
        return f"line {line} is not the 'TY  -' line of a record"
    for number in range(line + 1, len(lines) + 1):
        match = _TAG.match(lines.get(number))
        if match is None:
            continue
        if match.group("tag") == "TY":
            break
        if match.group("tag") == "ER":
            record = _Record(lines, line, number)
            return _check_id(record, fix)
    return f"the record on line {line} has no 'ER  -' end tag"


def _check_id(record: _Record, fix: ReferenceFix) -> _Record | str:
    """The record, unless its ``ID`` tag contradicts the id the reader gave it."""
    tag = record.first_tag("ID")
    expected = (fix.extracted.fields or {}).get("id")
    if tag is None or expected is None:
        return record
    value = record.lines.text[tag[2] : tag[3]].strip()
    if value and value != str(expected):
        return f"the record on line {record.first} has ID {value!r}, not {expected!r}"
    return record


def edit_ris(text: str, fixes: Sequence[ReferenceFix], log: EditLog) -> str:
    """``text`` with each record's changes made in place."""
    lines = Lines(text)
    splices = Splices(text)
    for fix in fixes:
        if not fix.changes:
            continue
        record = _find_record(lines, fix)
        if isinstance(record, str):
            log.skip_all(fix, record)
            continue
        er_line = record.last
        newline = lines.breaks[er_line - 2] or lines.newline()
        indent = _TAG.match(lines.get(er_line))
        prefix = indent.group("indent") if indent else ""
        inserts: list[str] = []
        for change in fix.changes:
            why = _change(text, record, splices, change, inserts, prefix, newline)
            if why is None:
                log.done(fix, change)
            else:
                log.skip(fix, change, why)
        if inserts:
            splices.insert(lines.start(er_line), "".join(inserts))
    return splices.apply() if splices else text


def _change(
    text: str, record: _Record, splices: Splices, change: Change,
    inserts: list[str], prefix: str, newline: str,
) -> str | None:
    new = " ".join(change.new.split())  # a value must stay on its line
    if change.kind is ChangeKind.ADD_DOI:
        if record.first_tag("DO") is not None:
            return "the record already has a DO tag"
        inserts.append(f"{prefix}DO  - {new}{newline}")
        return None
    if change.kind is ChangeKind.ADD_ARCHIVE:
        lines = record.lines
        if new in text[lines.start(record.first) : lines.end(record.last)]:
            return "the archived copy is already cited"
        inserts.append(f"{prefix}N1  - Archived copy: {new}{newline}")
        return None
    if change.kind in (ChangeKind.REPLACE_DOI, ChangeKind.UPDATE_URL):
        assert change.old is not None
        doi = change.kind is ChangeKind.REPLACE_DOI
        pattern = bounded_doi(change.old) if doi else bounded(change.old)
        names: tuple[str, ...] = ("DO",) if doi else _URL_TAGS
        hits = 0
        for tag, _line, vstart, vend in record.tags:
            if tag not in names:
                continue
            for match in pattern.finditer(text, vstart, vend):
                if not splices.add(match.start(), match.end(), new):
                    return "overlaps another change"
                hits += 1
        return None if hits else f"not written as such in a {'/'.join(names)} tag"
    if change.field == "page":
        return _pages(text, record, splices, new)
    fields = _TAGS.get(change.field, ())
    found = record.first_tag(*fields)
    if found is None:
        return f"the record has no {'/'.join(fields) or change.field} tag"
    _tag, _line, vstart, vend = found
    if change.field == "issued":
        year = re.search(r"\d{4}", text[vstart:vend])
        if year is None:
            return "the date tag holds no year"
        vstart, vend = vstart + year.start(), vstart + year.end()
    return None if splices.add(vstart, vend, new) else "overlaps another change"


def _pages(text: str, record: _Record, splices: Splices, new: str) -> str | None:
    parts = re.split(r"\s*[-–—]+\s*", new, maxsplit=1)
    first = parts[0]
    last = parts[1] if len(parts) > 1 else ""
    sp, ep = record.first_tag("SP"), record.first_tag("EP")
    if sp is None:
        return "the record has no SP tag"
    if ep is None and last:
        return "the record has no EP tag for the last page"
    if ep is not None and not last:
        return "the registered pages have no last page but the record has an EP tag"
    if not splices.add(sp[2], sp[3], first):
        return "overlaps another change"
    if ep is not None and not splices.add(ep[2], ep[3], last):
        return "overlaps another change"
    return None
