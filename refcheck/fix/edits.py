"""Small tools the format editors share: splices, line offsets, bounded matching.

Editors never re-serialise a file: they collect *splices* (replace characters
``start:end`` of the original text with new text) and apply them in one pass, so every
byte they did not mean to change stays as it was.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from refcheck.fix.plan import Change, ReferenceFix

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Characters that continue a URL or a DOI: a match followed by one of these is only the
# beginning of a longer address, and must not be rewritten.
_URL_CONTINUES = r"(?![\w/%#?=&~+@:\-]|\.[\w/])"
_URL_PRECEDED = r"(?<![\w/%#?=&~+@:.\-])"


@dataclass(frozen=True)
class Skipped:
    """A planned change that was not made, and why (one line)."""

    index: int
    label: str
    change: Change | None
    reason: str

    def describe(self) -> str:
        what = self.change.describe() if self.change else "all changes"
        return f"{self.label}: not applied: {what}: {self.reason}"


@dataclass(frozen=True)
class Applied:
    """A change that was made to the reference with this index."""

    index: int
    label: str
    line: int
    change: Change

    def describe(self) -> str:
        return f"{self.label} (line {self.line}): {self.change.describe()} [{self.change.finding}]"


@dataclass
class EditLog:
    """What an editor did: the changes applied and those it had to skip."""

    applied: list[Applied] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def done(self, fix: ReferenceFix, change: Change) -> None:
        self.applied.append(Applied(fix.index, fix.label, fix.extracted.line, change))

    def skip(self, fix: ReferenceFix, change: Change | None, reason: str) -> None:
        self.skipped.append(Skipped(fix.index, fix.label, change, reason))

    def skip_all(self, fix: ReferenceFix, reason: str) -> None:
        for change in fix.changes:
            self.skip(fix, change, reason)


@dataclass
class Splices:
    """Edits to one text, applied together; overlapping replacements are refused."""

    text: str
    _items: list[tuple[int, int, int, str]] = field(default_factory=list)
    # Replaced ranges (start, end), kept sorted, so an overlap check is a bisection.
    _ranges: list[tuple[int, int]] = field(default_factory=list)
    _points: list[int] = field(default_factory=list)  # insertion offsets, sorted

    def add(self, start: int, end: int, new: str) -> bool:
        """Replace ``text[start:end]`` with ``new``; False if it overlaps another edit."""
        at = bisect.bisect_left(self._ranges, (start, end))
        before = self._ranges[at - 1] if at > 0 else None
        after = self._ranges[at] if at < len(self._ranges) else None
        if start == end:
            # An insertion may touch a replaced range but not fall inside one.
            if before is not None and before[0] < start < before[1]:
                return False
            if after is not None and after[0] < start < after[1]:
                return False
        else:
            if before is not None and start < before[1]:
                return False
            if after is not None and after[0] < end:
                return False
            inside = bisect.bisect_right(self._points, start)
            if inside < len(self._points) and self._points[inside] < end:
                return False  # an insertion would fall inside this replacement
            self._ranges.insert(at, (start, end))
        if start == end:
            bisect.insort(self._points, start)
        self._items.append((start, end, len(self._items), new))
        return True

    def insert(self, at: int, new: str) -> bool:
        """Insert ``new`` at ``at`` (after earlier insertions at the same place)."""
        return self.add(at, at, new)

    def __bool__(self) -> bool:
        return bool(self._items)

    def apply(self) -> str:
        """The text with every splice made."""
        out: list[str] = []
        pos = 0
        for start, end, _seq, new in sorted(self._items, key=lambda i: (i[0], i[1] > i[0], i[2])):
            if start < pos:
                raise AssertionError("overlapping edits")  # add() prevents this
            out.append(self.text[pos:start])
            out.append(new)
            pos = end
        out.append(self.text[pos:])
        return "".join(out)


class Lines:
    """A text's lines with their offsets; line numbers are 1-based as in the readers."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] = [0]
        self.ends: list[int] = []  # offset of each line's break (or the text's end)
        self.breaks: list[str] = []
        for match in _LINE_BREAK.finditer(text):
            self.ends.append(match.start())
            self.breaks.append(match.group())
            self.starts.append(match.end())
        self.ends.append(len(text))
        self.breaks.append("")

    def __len__(self) -> int:
        return len(self.starts)

    def get(self, number: int) -> str:
        """The text of line ``number`` without its break ("" when out of range)."""
        if not 1 <= number <= len(self.starts):
            return ""
        return self.text[self.starts[number - 1] : self.ends[number - 1]]

    def start(self, number: int) -> int:
        return self.starts[number - 1]

    def end(self, number: int) -> int:
        return self.ends[number - 1]

    def newline(self) -> str:
        """The file's line break (the first one used), ``\\n`` when it has none."""
        return next((b for b in self.breaks if b), "\n")

    def line_of(self, offset: int) -> int:
        """The 1-based number of the line holding ``offset``."""
        import bisect

        return bisect.bisect_right(self.starts, offset)


def bounded(literal: str, *, flags: int = 0) -> re.Pattern[str]:
    """A pattern for ``literal`` as a whole address, not a prefix of a longer one."""
    return re.compile(_URL_PRECEDED + re.escape(literal) + _URL_CONTINUES, flags)


def words(text: str) -> list[str]:
    """Lower-case word tokens, for comparing a source line with extracted text."""
    return re.findall(r"\w+", text.lower())


def bounded_doi(doi: str) -> re.Pattern[str]:
    """A case-insensitive pattern for ``doi`` as a whole DOI ("doi:" or a resolver URL
    may precede it; a longer DOI that starts the same way does not match)."""
    return re.compile(r"(?<![\w.\-])" + re.escape(doi) + r"(?![^\s.,;)\]>}<\"']|\.[^\s])", re.I)
