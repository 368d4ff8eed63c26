"""Plain text and Markdown: edits inside each reference's own lines.

A reference's lines are found from its first line (the reader's ``line`` and
``column``) and the continuation lines whose words are part of the extracted text.
If the first line does not start with the reference's words, the reference is not
touched. Appending (a DOI, an archived copy) needs the reference's last line to be
certain too; replacing a URL or a DOI only needs the text to be there.

DOIs are written AMA style, ``doi:10.1016/j.jmwh.2009.01.003``: before the access
date ("Accessed ...", "Retrieved ...", "[cited ...") when the reference has one,
else at the end. Archived copies are appended as ``Archived at <URL>.``
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from refcheck.fix.edits import EditLog, Lines, Splices, bounded, bounded_doi, words
from refcheck.fix.plan import Change, ChangeKind, ReferenceFix

_ACCESS = re.compile(r"\bAccessed\b|\bRetrieved\b|\[cited\b|\bLast accessed\b", re.I)
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s")
_TRAILING = re.compile(r"[ \t]*(?:\\|<br\s*/?>)?[ \t]*$", re.I)  # Markdown hard breaks


@dataclass(frozen=True)
class _Span:
    first: int  # line numbers, inclusive
    last: int
    start: int  # offsets: where the reference's text starts and ends
    end: int
    complete: bool  # the last line is certainly the reference's last


def _span(lines: Lines, fix: ReferenceFix) -> _Span | None:
    ext = fix.extracted
    first = lines.get(ext.line)
    column = max(ext.column, 1)
    head = first[column - 1 :] if column - 1 <= len(first) else ""
    raw_words = words(ext.raw)
    head_words = words(head)
    n = min(2, len(raw_words))
    if n == 0 or head_words[:n] != raw_words[:n]:
        return None
    raw_joined = " ".join(raw_words)
    last = ext.line
    while last < len(lines):
        following = lines.get(last + 1)
        joined = " ".join(words(following))
        if not following.strip() or not joined or joined not in raw_joined:
            break
        last += 1
    tail = words(head if last == ext.line else lines.get(last))
    complete = bool(tail) and raw_joined.endswith(" ".join(tail[-3:]))
    return _Span(ext.line, last, lines.start(ext.line) + column - 1, lines.end(last), complete)


def _end_of_text(lines: Lines, span: _Span) -> int:
    """Where to append on the reference's last line: before trailing blanks and breaks."""
    line = lines.get(span.last)
    match = _TRAILING.search(line)
    cut = match.start() if match else len(line)
    return lines.start(span.last) + cut


def edit_text(text: str, fixes: Sequence[ReferenceFix], log: EditLog) -> str:
    """``text`` with every change that can be placed with certainty."""
    lines = Lines(text)
    splices = Splices(text)
    for fix in fixes:
        if not fix.changes:
            continue
        span = _span(lines, fix)
        if span is None:
            log.skip_all(fix, f"line {fix.extracted.line} does not hold this reference's text")
            continue
        doi_before_access: list[tuple[Change, int]] = []
        for change in fix.changes:
            if change.kind in (ChangeKind.UPDATE_URL, ChangeKind.REPLACE_DOI):
                _replace(text, splices, span, fix, change, log)
            elif change.kind is ChangeKind.ADD_DOI:
                access = _ACCESS.search(text, span.start, span.end)
                if access is not None:
                    doi_before_access.append((change, access.start()))
                else:
                    _append_or_skip(lines, fix, span, change, log)
            elif change.kind is ChangeKind.ADD_ARCHIVE:
                if change.new in text[span.start : span.end]:
                    log.skip(fix, change, "the archived copy is already cited")
                    continue
                _append_or_skip(lines, fix, span, change, log)
            else:
                log.skip(
                    fix, change,
                    "fields of a free-text reference are not rewritten; edit it by hand",
                )
        for change, at in doi_before_access:
            splices.insert(at, f"doi:{change.new}. ")
            log.done(fix, change)
        _append(lines, splices, span, fix, log)
    return splices.apply() if splices else text


def _replace(
    text: str, splices: Splices, span: _Span, fix: ReferenceFix, change: Change, log: EditLog
) -> None:
    assert change.old is not None
    pattern = bounded_doi(change.old) if change.field == "DOI" else bounded(change.old)
    matches = list(pattern.finditer(text, span.start, span.end))
    if not matches:
        log.skip(fix, change, f"{change.old} is not written as such in the reference")
        return
    if all(splices.add(m.start(), m.end(), change.new) for m in matches):
        log.done(fix, change)
    else:
        log.skip(fix, change, "overlaps another change")


def _append_or_skip(
    lines: Lines, fix: ReferenceFix, span: _Span, change: Change, log: EditLog
) -> None:
    """Reject appends early when the reference's end is uncertain (logged once each)."""
    if not span.complete:
        log.skip(fix, change, "the reference's last line could not be told with certainty")
    elif _LINK_DEFINITION.match(lines.get(span.last)):
        log.skip(fix, change, "a Markdown link definition cannot take more text")


def _append(lines: Lines, splices: Splices, span: _Span, fix: ReferenceFix, log: EditLog) -> None:
    if not span.complete or _LINK_DEFINITION.match(lines.get(span.last)):
        return
    at = _end_of_text(lines, span)
    before = lines.text[lines.start(span.last) : at].rstrip()
    pieces: list[str] = []
    for change in fix.changes:
        if change.kind is ChangeKind.ADD_DOI and not _ACCESS.search(
            lines.text, span.start, span.end
        ):
            pieces.append(f"doi:{change.new}")
            log.done(fix, change)
        elif change.kind is ChangeKind.ADD_ARCHIVE and change.new not in lines.text[
            span.start : span.end
        ]:
            pieces.append(f"Archived at {change.new}.")
            log.done(fix, change)
    if not pieces:
        return
    # A DOI ends a reference without a period (AMA): a period would read as part of it.
    joiner = " " if not before or before[-1] in ".!?" else ". "
    if before and before[-1] not in ".!?" and pieces[0].startswith("Archived"):
        joiner = ". "
    text = joiner + " ".join(
        p if i == len(pieces) - 1 or p.endswith(".") else p + "." for i, p in enumerate(pieces)
    )
    splices.insert(at, text)
