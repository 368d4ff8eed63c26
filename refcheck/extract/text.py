"""Plain-text articles, and ``lines`` (one reference per line).

The text reader recognises what a plain-text or lightly marked-up article uses to
lay out a reference list: headings ("References", "# Bibliography", setext
underlines), bulleted and numbered lists ("-", "*", "•", "1.", "1)", "[1]", "(1)") with
continuation lines, and blank-line separated paragraphs. ``blocks.select_references``
then decides which of those are references.
"""

from __future__ import annotations

import re

from refcheck.extract.blocks import (
    Block,
    BlockKind,
    SourceLine,
    ends_sentence,
    is_end_heading,
    is_reference_heading,
    select_references,
)
from refcheck.extract.interface import Document, InputFormat, Reader
from refcheck.extract.textutil import decode_text, normalise, reference_score, split_lines
from refcheck.model import ExtractedReference

# A list item: indent, marker, gap, body. Bracketed numbers need no gap ("[1]Smith").
_ITEM = re.compile(
    r"^(?P<indent>[ \t]*)"
    r"(?:(?P<bullet>[-*+•‣◦▪–])[ \t]+"
    r"|(?P<num>\d{1,3})(?P<numsep>[.)])[ \t]+"
    r"|(?P<bracket>\[\d{1,3}\]|\(\d{1,3}\))[ \t]*)"
    r"(?P<body>\S.*)$"
)
_ATX = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-{2,})[ \t]*$")


def _indent_width(text: str) -> int:
    return len(text) - len(text.lstrip(" \t"))


def parse_item(text: str) -> tuple[str, str | None, int, str] | None:
    """``(list kind, label, body column, body)`` for a list-item line, else ``None``.

    The label is the number for "1." and "1)", the whole marker for "[1]" and "(1)",
    and ``None`` for bullets; the list kind keeps "1." and "1)" lists apart.
    """
    match = _ITEM.match(text)
    if match is None:
        return None
    column = match.start("body") + 1
    body = match.group("body")
    if match.group("bullet"):
        return "bullet" + match.group("bullet"), None, column, body
    if match.group("num"):
        return "num" + match.group("numsep"), match.group("num"), column, body
    marker = match.group("bracket")
    return "bracket" + marker[0], marker, column, body


def scan_blocks(lines: list[str], numbers: list[int] | None = None) -> list[Block]:
    """Turn plain-text lines into headings, list items and paragraphs.

    ``numbers`` gives each line's number when they are not simply 1, 2, 3, ... (the
    PDF reader drops running heads and page numbers but keeps the others' numbers).
    """
    blocks: list[Block] = []
    current: Block | None = None
    list_id: int | None = None
    list_kind: str | None = None
    next_list = 0
    blank_before = True
    i = 0
    while i < len(lines):
        text = lines[i].rstrip()
        number = numbers[i] if numbers is not None else i + 1
        i += 1
        if not text.strip():
            current = None
            blank_before = True
            continue

        heading = _heading(text, lines[i] if i < len(lines) else "", blank_before, current)
        if heading is not None:
            title, level, consumed = heading
            i += consumed
            blocks.append(
                Block(
                    BlockKind.HEADING,
                    [SourceLine(number, _indent_width(text) + 1, title)],
                    level=level,
                    is_reference_heading=is_reference_heading(title),
                    is_end_heading=is_end_heading(title),
                )
            )
            current, list_id, list_kind = None, None, None
            blank_before = consumed > 0
            continue

        item = parse_item(text)
        if item is not None:
            kind, label, column, body = item
            if list_id is None or kind != list_kind:
                list_id, list_kind = next_list, kind
                next_list += 1
            current = Block(
                BlockKind.ITEM, [SourceLine(number, column, body)], label=label, list_id=list_id
            )
            current.extra["indent"] = _indent_width(text)
            blocks.append(current)
            blank_before = False
            continue

        line = SourceLine(number, _indent_width(text) + 1, text.strip())
        if current is not None and current.kind is BlockKind.ITEM:
            indent = current.extra.get("indent", 0)
            assert isinstance(indent, int)
            if _indent_width(text) > indent or _continues_item(current, line.text):
                current.lines.append(line)
                blank_before = False
                continue
        if current is not None and current.kind is BlockKind.PARAGRAPH:
            current.lines.append(line)
        else:
            current = Block(BlockKind.PARAGRAPH, [line])
            blocks.append(current)
            list_id, list_kind = None, None
        blank_before = False
    return blocks


def _continues_item(item: Block, text: str) -> bool:
    """Whether an unindented line right after a list item is part of it.

    Markdown would always say yes (a "lazy" continuation), but articles put prose
    straight after lists, and gluing it on would merge an advice list with the
    reference list below it. So: yes while the item's sentence is unfinished, when
    the line starts in lower case or with a digit, or when both the item and the line
    look bibliographic ("Respir Physiol. 1972;16(3):351-361.").
    """
    if not ends_sentence(item.lines[-1].text) or text[:1].islower() or text[:1].isdigit():
        return True
    item_text = " ".join(ln.text for ln in item.lines)
    return reference_score(text) >= 1 and reference_score(item_text) >= 1


def _heading(
    text: str, following: str, blank_before: bool, current: Block | None
) -> tuple[str, int, int] | None:
    """``(title, level, extra lines consumed)`` when ``text`` is a heading."""
    atx = _ATX.match(text)
    if atx is not None:
        return (atx.group("text") or "").strip(), len(atx.group("hashes")), 0
    starts_block = current is None or blank_before
    if starts_block and _SETEXT.match(following) and parse_item(text) is None:
        return text.strip(), 1 if following.strip().startswith("=") else 2, 1
    # A plain line that is exactly a known heading ("References", "WORKS CITED:").
    if len(text) <= 60 and (is_reference_heading(text) or is_end_heading(text)):
        return text.strip(), 1, 0
    return None


class TextReader(Reader):
    """Plain-text articles: headed sections, lists, paragraphs, or the trailing list."""

    format = InputFormat.TEXT

    def extract(self, document: Document) -> list[ExtractedReference]:
        """The references found in the document's text (see ``blocks``)."""
        lines = split_lines(decode_text(document))
        return select_references(scan_blocks(lines))


class LinesReader(Reader):
    """One reference per non-blank line, every line, in order.

    A leading list marker ("1.", "[1]", "- ") is taken off into ``label``: it is
    numbering, not part of the reference.
    """

    format = InputFormat.LINES

    def extract(self, document: Document) -> list[ExtractedReference]:
        """Every non-blank line as a reference."""
        out: list[ExtractedReference] = []
        for number, text in enumerate(split_lines(decode_text(document)), start=1):
            if not text.strip():
                continue
            item = parse_item(text)
            if item is not None:
                _, label, column, body = item
            else:
                label, column, body = None, _indent_width(text) + 1, text
            raw = normalise(body)
            if raw:
                out.append(ExtractedReference(raw=raw, line=number, column=column, label=label))
        return out
