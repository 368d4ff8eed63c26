"""BibTeX: minimal textual edits of each entry, the rest of the file untouched.

An entry is found at the reader's line by its ``@type{key,`` head, and must carry the
reference's key. Its fields are scanned (braced, quoted and bare values, ``#``
concatenation) only to know where each value stands; a new field (``doi = {...}``)
is inserted after the last one with the entry's own indentation, and a changed value
is rewritten inside its delimiters. Archived copies go into ``note`` as
``Archived at \\url{...}``. A value holding LaTeX markup is not rewritten (its braces
may protect capitals that a plain registered title would lose).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from refcheck.fix.edits import EditLog, Lines, Splices, bounded, bounded_doi
from refcheck.fix.plan import Change, ChangeKind, ReferenceFix

_HEAD = re.compile(r"@\s*(\w+)\s*([{(])\s*([^,\s{}()]*)\s*,")
_NAME = re.compile(r"[A-Za-z_][\w:.+\-]*")
_LATEX_SPECIAL = re.compile(r"([&%$#_])")
_UNWRITABLE = re.compile(r"[{}\\^~]")

# CSL field -> BibTeX fields that may hold it, in order of preference.
_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "container-title": ("journal", "journaltitle"),
    "volume": ("volume",),
    "issue": ("number", "issue"),
    "page": ("pages",),
    "issued": ("year", "date"),
}


@dataclass
class _Field:
    name: str  # lower case
    name_start: int
    value_start: int
    value_end: int
    # (start, end) of the text inside the delimiters when the value is one part.
    inner: tuple[int, int] | None
    delimited: bool  # braced or quoted (False: a bare number or macro)


@dataclass
class _Entry:
    start: int
    close: int  # offset of the closing brace/parenthesis
    fields: list[_Field]

    def get(self, name: str) -> _Field | None:
        return next((f for f in self.fields if f.name == name), None)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _balanced(text: str, pos: int, opening: str, closing: str) -> int:
    """The offset just after the delimiter closing the one at ``pos``; -1 if unclosed."""
    depth = 0
    i = pos
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        if opening == '"' and char == '"' and depth == 0 and i > pos:
            return i + 1
        if opening != '"' and depth == 0 and char == closing:
            return i + 1
        if depth < 0:
            return -1
        i += 1
    return -1


def _parse_entry(text: str, at: int) -> _Entry | None:
    head = _HEAD.match(text, at)
    if head is None:
        return None
    closing = "}" if head.group(2) == "{" else ")"
    pos = head.end()
    fields: list[_Field] = []
    while True:
        pos = _skip_ws(text, pos)
        while pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
        if pos >= len(text):
            return None
        if text[pos] == closing:
            return _Entry(at, pos, fields)
        name = _NAME.match(text, pos)
        if name is None:
            return None
        pos = _skip_ws(text, name.end())
        if pos >= len(text) or text[pos] != "=":
            return None
        value_start = pos = _skip_ws(text, pos + 1)
        parts: list[tuple[int, int, bool]] = []
        while True:
            if pos >= len(text):
                return None
            if text[pos] == "{":
                end = _balanced(text, pos, "{", "}")
                if end < 0:
                    return None
                parts.append((pos + 1, end - 1, True))
            elif text[pos] == '"':
                end = _balanced(text, pos, '"', '"')
                if end < 0:
                    return None
                parts.append((pos + 1, end - 1, True))
            else:
                bare = re.compile(r"[^\s,#{}()\"]+").match(text, pos)
                if bare is None:
                    return None
                end = bare.end()
                parts.append((pos, end, False))
            value_end = end
            pos = _skip_ws(text, end)
            if pos < len(text) and text[pos] == "#":
                pos = _skip_ws(text, pos + 1)
                continue
            break
        inner = (parts[0][0], parts[0][1]) if len(parts) == 1 else None
        fields.append(
            _Field(
                name.group().lower(), name.start(), value_start, value_end, inner,
                len(parts) == 1 and parts[0][2],
            )
        )


def _find_entry(text: str, lines: Lines, fix: ReferenceFix) -> _Entry | str:
    """The entry of ``fix`` or, as a string, why it cannot be found with certainty."""
    line = fix.extracted.line
    if not 1 <= line <= len(lines):
        return f"line {line} is outside the file"
    segment_start, segment_end = lines.start(line), lines.end(line)
    heads = [
        m
        for m in _HEAD.finditer(text, segment_start, segment_end)
        if m.group(1).lower() not in ("string", "preamble", "comment")
    ]
    key = fix.extracted.label
    if key is not None:
        heads = [m for m in heads if m.group(3) == key]
    if len(heads) != 1:
        return f"no single entry with key {key!r} starts on line {line}"
    entry = _parse_entry(text, heads[0].start())
    if entry is None:
        return f"the entry on line {line} could not be read to its end"
    return entry


def _latex(value: str) -> str | None:
    """A plain registered value as BibTeX text, or None if it cannot be written safely."""
    if _UNWRITABLE.search(value):
        return None
    return _LATEX_SPECIAL.sub(r"\\\1", value)


def _indent_of(text: str, lines: Lines, entry: _Entry) -> str:
    if entry.fields:
        first = entry.fields[0].name_start
        line_start = lines.starts[lines.line_of(first) - 1]
        before = text[line_start:first]
        if not before.strip():
            return before
    return "  "


class _EntryEditor:
    def __init__(self, text: str, lines: Lines, splices: Splices, log: EditLog,
                 fix: ReferenceFix, entry: _Entry) -> None:
        self.text, self.lines, self.splices, self.log = text, lines, splices, log
        self.fix, self.entry = fix, entry
        self.new_fields: list[tuple[str, str]] = []
        self.note_additions: list[str] = []

    def run(self) -> None:
        for change in self.fix.changes:
            why = self.change(change)
            if why is None:
                self.log.done(self.fix, change)
            else:
                self.log.skip(self.fix, change, why)
        self.flush()

    def change(self, change: Change) -> str | None:
        """Make (or stage) one change; the reason when it cannot be made."""
        if change.kind is ChangeKind.ADD_DOI:
            if self.entry.get("doi") is not None:
                return "the entry already has a doi field"
            value = _latex_free(change.new)
            if value is None:
                return "the DOI holds characters BibTeX cannot carry verbatim"
            self.new_fields.append(("doi", value))
            return None
        if change.kind is ChangeKind.REPLACE_DOI:
            assert change.old is not None
            return self.replace_in(("doi",), bounded_doi(change.old), change.new)
        if change.kind is ChangeKind.UPDATE_URL:
            assert change.old is not None
            if _latex_free(change.new) is None:
                return "the new URL holds characters BibTeX cannot carry verbatim"
            return self.replace_in(("url", "howpublished", "note"), bounded(change.old),
                                   change.new)
        if change.kind is ChangeKind.ADD_ARCHIVE:
            if change.new in self.text[self.entry.start : self.entry.close]:
                return "the archived copy is already cited"
            if _latex_free(change.new) is None or re.search(r"[%#]", change.new):
                return "the archived URL holds characters \\url cannot carry inside a note"
            self.note_additions.append(f"Archived at \\url{{{change.new}}}")
            return None
        return self.update_field(change)

    def replace_in(self, names: tuple[str, ...], pattern: re.Pattern[str], new: str) -> str | None:
        hits = 0
        for field in self.entry.fields:
            if field.name not in names:
                continue
            for match in pattern.finditer(self.text, field.value_start, field.value_end):
                if not self.splices.add(match.start(), match.end(), new):
                    return "overlaps another change"
                hits += 1
        return None if hits else f"not written as such in the {'/'.join(names)} field"

    def update_field(self, change: Change) -> str | None:
        names = _FIELDS.get(change.field, ())
        field = next((f for n in names if (f := self.entry.get(n)) is not None), None)
        if field is None or field.inner is None:
            return f"no single-valued {'/'.join(names) or change.field} field to rewrite"
        start, end = field.inner
        current = self.text[start:end]
        new: str | None
        if change.field == "issued":
            if field.name == "date":
                if not re.match(r"\d{4}", current):
                    return "the date field does not start with a year"
                return None if self.splices.add(start, start + 4, change.new) else "overlap"
            new = change.new
        elif change.field in ("title", "container-title"):
            if re.search(r"[{}\\$]", current):
                return f"the {field.name} holds LaTeX markup; not rewritten automatically"
            new = _latex(change.new)
        elif change.field == "page":
            new = _latex(re.sub(r"\s*[-–—]+\s*", "--", change.new))
        else:
            new = _latex(change.new)
        if new is None:
            return "the registered value holds characters BibTeX cannot carry"
        if not field.delimited and not new.isdigit():
            new = "{" + new + "}"
        return None if self.splices.add(start, end, new) else "overlaps another change"

    def flush(self) -> None:
        """Write the staged note text and new fields."""
        if self.note_additions:
            note = self.entry.get("note")
            addition = "; ".join(self.note_additions)
            if note is not None and note.inner is not None and note.delimited:
                current = self.text[note.inner[0] : note.inner[1]].rstrip()
                joiner = " " if not current or current.endswith((".", ";")) else ". "
                end = note.inner[0] + len(current)
                self.splices.insert(end, (joiner if current else "") + addition)
            else:
                self.new_fields.append(("note", addition))
        if not self.new_fields:
            return
        text, entry = self.text, self.entry
        indent = _indent_of(text, self.lines, entry)
        newline = self.lines.newline()
        last = entry.close - 1
        while last > entry.start and text[last] in " \t\r\n":
            last -= 1
        body = "".join(f"{newline}{indent}{name} = {{{value}}}," for name, value in self.new_fields)
        if text[last] == ",":
            self.splices.insert(last + 1, body)
        else:
            # The last field has no comma: add one, and none after ours (the file's style).
            self.splices.insert(last + 1, "," + body[:-1])


def _latex_free(value: str) -> str | None:
    """``value`` if it can stand verbatim inside ``{...}`` (no braces, no backslash)."""
    return None if re.search(r"[{}\\]", value) else value


def edit_bibtex(text: str, fixes: Sequence[ReferenceFix], log: EditLog) -> str:
    """``text`` with each entry's changes made in place."""
    lines = Lines(text)
    splices = Splices(text)
    for fix in fixes:
        if not fix.changes:
            continue
        found = _find_entry(text, lines, fix)
        if isinstance(found, str):
            log.skip_all(fix, found)
            continue
        _EntryEditor(text, lines, splices, log, fix, found).run()
    return splices.apply() if splices else text
