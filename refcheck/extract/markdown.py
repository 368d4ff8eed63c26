"""Markdown articles (CommonMark and GitHub flavours), parsed with markdown-it-py.

The token stream gives headings, lists (with their numbers), paragraphs, footnote
definitions (``[^1]: ...``) and link reference definitions (``[1]: https://...
"Title"``), each with its source lines. Inline markup is rendered to plain text
(emphasis dropped, links kept as text with their targets in ``urls``), then
``blocks.select_references`` chooses the references exactly as for plain text.
"""

from __future__ import annotations

import re
from typing import Any

from refcheck.extract.blocks import (
    Block,
    BlockKind,
    SourceLine,
    is_end_heading,
    is_reference_heading,
    select_references,
)
from refcheck.extract.interface import Document, InputFormat, Reader
from refcheck.extract.text import parse_item
from refcheck.extract.textutil import decode_text, normalise, split_lines
from refcheck.model import ExtractedReference

_LINK_DEFINITION = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s+[\"'(](.*)[\"')])?\s*$")
_BRACKET_LABEL = re.compile(r"^\[(\d{1,3})\]\s*")


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \t")) + 1


def _render_inline(token: Any) -> tuple[list[str], list[list[str]]]:
    """The inline token as plain-text lines (split at line breaks) and each line's links."""
    lines = [""]
    urls: list[list[str]] = [[]]
    for child in token.children or []:
        kind = child.type
        if kind in ("text", "code_inline"):
            lines[-1] += child.content
        elif kind in ("softbreak", "hardbreak"):
            lines.append("")
            urls.append([])
        elif kind == "link_open":
            href = str(child.attrs.get("href") or "")
            # Only absolute web links can be checked; "#anchors" and "docs/x.md" cannot.
            if re.match(r"https?://", href, re.I) and href not in urls[-1]:
                urls[-1].append(href)
        elif kind == "image":
            lines[-1] += child.content
        elif kind == "html_inline" and re.match(r"<br\s*/?>", child.content, re.I):
            lines[-1] += " "
    return lines, urls


def _links(lines: list[SourceLine], urls: dict[int, list[str]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(u for line in lines for u in urls.get(line.number, [])))


class _Builder:
    def __init__(self, source_lines: list[str]) -> None:
        self.source = source_lines
        self.blocks: list[Block] = []
        self.next_list = 0

    def new_list(self) -> int:
        self.next_list += 1
        return self.next_list - 1

    def source_lines(
        self, token: Any, rendered: list[str], links: list[list[str]]
    ) -> tuple[list[SourceLine], dict[int, list[str]]]:
        """The rendered lines with their source positions, and each line's links."""
        start = token.map[0] if token.map else 0
        out = []
        urls: dict[int, list[str]] = {}
        for offset, text in enumerate(rendered):
            number = start + offset + 1
            source = self.source[number - 1] if number - 1 < len(self.source) else ""
            out.append(SourceLine(number, _indent(source), normalise(text)))
            urls[number] = links[offset]
        return [line for line in out if line.text], urls

    def item_column(self, line: SourceLine) -> int:
        source = self.source[line.number - 1] if line.number - 1 < len(self.source) else ""
        item = parse_item(source)
        if item is not None:
            return item[2]
        footnote = re.match(r"^( {0,3}\[\^[^\]]+\]:\s*)", source)
        return len(footnote.group(1)) + 1 if footnote else line.column

    def paragraph(self, lines: list[SourceLine], urls: dict[int, list[str]]) -> None:
        """A paragraph, or items when its lines start with "[1]" markers."""
        if not lines:
            return
        if not any(_BRACKET_LABEL.match(line.text) for line in lines):
            self.blocks.append(Block(BlockKind.PARAGRAPH, lines, urls=_links(lines, urls)))
            return
        list_id = self.new_list()
        current: Block | None = None
        for line in lines:
            match = _BRACKET_LABEL.match(line.text)
            if match:
                text = line.text[match.end() :]
                column = line.column + match.end()
                current = Block(
                    BlockKind.ITEM,
                    [SourceLine(line.number, column, text)],
                    label=f"[{match.group(1)}]",
                    list_id=list_id,
                    urls=_links([line], urls),
                )
                self.blocks.append(current)
            elif current is not None:
                current.lines.append(line)
                current.urls = _links(current.lines, urls)
            else:
                self.blocks.append(Block(BlockKind.PARAGRAPH, [line], urls=_links([line], urls)))

    def build(self, tokens: list[Any]) -> None:
        lists: list[int] = []
        item: Block | None = None
        item_depth = 0  # list nesting level of the open item
        footnote_list: int | None = None
        footnote_label: str | None = None
        heading: Any = None
        i = 0
        while i < len(tokens):
            token = tokens[i]
            kind = token.type
            if kind == "heading_open":
                heading = token
            elif kind == "inline" and heading is not None:
                text = normalise(token.content)
                heading_lines, _ = _render_inline(token)
                title = normalise(" ".join(heading_lines))
                self.blocks.append(
                    Block(
                        BlockKind.HEADING,
                        [SourceLine((heading.map or [0])[0] + 1, 1, title or text)],
                        level=int(heading.tag[1]),
                        is_reference_heading=is_reference_heading(title),
                        is_end_heading=is_end_heading(title),
                    )
                )
                heading = None
            elif kind in ("bullet_list_open", "ordered_list_open"):
                lists.append(self.new_list())
            elif kind in ("bullet_list_close", "ordered_list_close"):
                if lists:  # the footnote plugin can close lists it opened elsewhere
                    lists.pop()
            elif kind == "list_item_open":
                label = token.info or None
                item = Block(BlockKind.ITEM, [], label=label, list_id=lists[-1] if lists else None)
                item_depth = len(lists)
                self.blocks.append(item)
            elif kind == "list_item_close":
                item = None
            elif kind == "footnote_block_open":
                footnote_list = self.new_list()
            elif kind == "footnote_block_close":
                footnote_list = None
            elif kind == "footnote_open":
                footnote_label = str(token.meta.get("label", ""))
                item = Block(BlockKind.ITEM, [], label=footnote_label, list_id=footnote_list)
                item_depth = len(lists)
                self.blocks.append(item)
            elif kind == "footnote_close":
                item, footnote_label = None, None
            elif kind == "inline":
                rendered, links = _render_inline(token)
                lines, urls = self.source_lines(token, rendered, links)
                if item is not None and len(lists) == item_depth:
                    if not item.lines and lines:
                        lines[0].column = self.item_column(lines[0])
                    item.lines.extend(lines)
                    item.urls = tuple(dict.fromkeys(item.urls + _links(lines, urls)))
                elif not lists or item is None:
                    self.paragraph(lines, urls)
            i += 1
        self.blocks = [b for b in self.blocks if b.kind is BlockKind.HEADING or b.lines]

    def link_definitions(self, env: dict[str, Any]) -> None:
        """Numbered link reference definitions as list items (one list per run).

        ``[1]: https://... "Smith J. Title. 2010"`` is a Markdown convention for a
        numbered reference list; a named one (``[docs]: https://...``) is only the
        target of a link, so it is left out.
        """
        previous_line = -2
        list_id = -1
        for definition in sorted(
            (env.get("references") or {}).values(), key=lambda d: (d.get("map") or [0])[0]
        ):
            start = (definition.get("map") or [0])[0]
            source = self.source[start] if start < len(self.source) else ""
            match = _LINK_DEFINITION.match(source)
            if match is None or not match.group(1).strip().isdigit():
                continue
            label = f"[{match.group(1).strip()}]"
            href = str(definition.get("href") or "")
            title = str(definition.get("title") or "")
            text = normalise(f"{title} {href}" if title else href)
            if start != previous_line + 1:
                list_id = self.new_list()
            previous_line = start
            self.blocks.append(
                Block(
                    BlockKind.ITEM,
                    [SourceLine(start + 1, _indent(source), text)],
                    label=label,
                    list_id=list_id,
                    urls=(href,) if href else (),
                )
            )


class MarkdownReader(Reader):
    """Markdown: headed reference lists, footnotes, link reference definitions."""

    format = InputFormat.MARKDOWN

    def extract(self, document: Document) -> list[ExtractedReference]:
        """The references, with their source lines and the links the markup gave."""
        from markdown_it import MarkdownIt
        from mdit_py_plugins.footnote import footnote_plugin

        text = decode_text(document)
        # GFM without linkify: bare URLs stay in the text, where the parser finds them.
        md = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(footnote_plugin)
        env: dict[str, Any] = {}
        tokens = md.parse(text, env)
        builder = _Builder(split_lines(text))
        builder.build(tokens)
        builder.link_definitions(env)
        # Footnote and link definitions are emitted out of place: order by source.
        blocks = sorted(builder.blocks, key=lambda b: b.line)
        return select_references(blocks)
