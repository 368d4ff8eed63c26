"""HTML articles, parsed with lxml's forgiving HTML parser (libxml2).

The page is turned into the same blocks as plain text (headings ``h1``-``h6``, list
items of ``ol``/``ul`` and ARIA lists, paragraphs) with their source lines from the
parser, and ``blocks.select_references`` chooses the references. Page chrome
(``nav``, ``script``, ``style``, forms, page-level ``header``/``footer``/``aside``) is
dropped first. Containers that name themselves reference lists (``class="references"``,
``id="refs"``, ``role="doc-bibliography"``, pandoc and Wikipedia footnotes) count as a
reference heading. Links come from ``href``s, resolved against the page's address;
back-links ("↩", "^") and in-page anchors are left out.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from refcheck.extract.blocks import (
    Block,
    BlockKind,
    SourceLine,
    is_end_heading,
    is_reference_heading,
    select_references,
)
from refcheck.extract.interface import Document, ExtractError, InputFormat, Reader
from refcheck.extract.textutil import (
    decode_text,
    normalise,
    sniff_bom,
    split_lines,
    tag_columns,
)
from refcheck.model import ExtractedReference

_DROP = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "form",
    "button",
    "select",
    "svg",
    "iframe",
    "object",
    "canvas",
    "menu",
}
_CHROME = {"header", "footer", "aside"}
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "blockquote",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figure",
    "figcaption",
    "pre",
    "address",
    "header",
    "footer",
    "aside",
    "hr",
    "br",
}
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_PARAGRAPHS = {"p", "dd", "dt", "blockquote", "figcaption", "address", "pre"}
# A class, id or role that marks a reference-list container.
_CONTAINER = re.compile(
    r"(?:^|[-_\s])(?:references?|reflist|refs|bibliography|footnotes|endnotes|"
    r"citations|works-cited|ref-list|csl-bib-body|doc-bibliography|doc-endnotes|"
    r"doc-footnote|footnote)(?:$|[-_\s])",
    re.I,
)
_LIST_ITEM_CLASS = re.compile(r"(?:^|\s)(?:csl-entry|ref-entry|citation)(?:$|\s)", re.I)
_BACKLINK_CLASS = re.compile(
    r"backlink|footnote-back|fnref|cite-backlink|doc-backlink|reversefootnote", re.I
)
_BACKLINK_TEXT = {"^", "↩", "↩︎", "↑", "⤴", "[return]", "return"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)


def _declared_charset(document: Document) -> str | None:
    """The charset the HTTP header or a ``<meta>`` declares (only used when not UTF-8)."""
    if document.media_type:
        match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", document.media_type, re.I)
        if match:
            return match.group(1)
    meta = _META_CHARSET.search(document.data[:4096])
    return meta.group(1).decode("ascii") if meta else None


def _decode(document: Document) -> str:
    """UTF-8 first; otherwise the charset the page itself declares (not a guess)."""
    if document.encoding or sniff_bom(document.data):
        return decode_text(document)
    try:
        return decode_text(document)
    except ExtractError:
        charset = _declared_charset(document)
        if not charset or charset.lower().replace("-", "") == "utf8":
            raise
        try:
            return document.data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            raise ExtractError(
                f"{document.label}: not valid {charset} text, as the page declares"
            ) from None


def _classes(element: Any) -> str:
    return " ".join(str(element.get(attr) or "") for attr in ("class", "id", "role", "epub:type"))


def _is_container(element: Any) -> bool:
    return bool(_CONTAINER.search(_classes(element)))


def _is_backlink(element: Any) -> bool:
    if element.tag not in ("a", "span", "sup"):
        return False
    if _BACKLINK_CLASS.search(_classes(element)):
        return True
    href = str(element.get("href") or "")
    text = normalise("".join(element.itertext()))
    return text in _BACKLINK_TEXT or (
        href.startswith(("#fnref", "#cite_ref", "#ref-")) and len(text) <= 3
    )


def _inside(element: Any, names: set[str]) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in names:
            return True
        parent = parent.getparent()
    return False


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(root: Any) -> None:
    """Remove page chrome and back-links, keeping the text that follows them."""
    doomed = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            doomed.append(element)  # comments, processing instructions
            continue
        tag = element.tag
        if tag in _DROP or element.get("role") in ("navigation", "search", "banner"):
            doomed.append(element)
        elif tag in _CHROME and not _is_container(element):
            # A header/footer inside the article belongs to it; the page's do not.
            if not _inside(element, {"article", "main"}) or tag == "aside":
                doomed.append(element)
        elif _is_backlink(element):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _text_and_urls(element: Any, base: str | None) -> tuple[str, tuple[str, ...]]:
    """The element's text (block children separated by spaces) and its outbound links."""
    parts: list[str] = []
    urls: list[str] = []

    def walk(node: Any) -> None:
        if node.tag == "br" or node.tag in _BLOCK:
            parts.append(" ")
        if node.text:
            parts.append(node.text)
        if node.tag == "a":
            href = (node.get("href") or "").strip()
            if href and not href.startswith(("#", "javascript:", "mailto:")):
                absolute = urljoin(base, href) if base else href
                # A relative link in a saved file points nowhere checkable: leave it.
                if re.match(r"https?://", absolute, re.I) and absolute not in urls:
                    urls.append(absolute)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)
        if node.tag in _BLOCK:
            parts.append(" ")

    walk(element)
    return normalise("".join(parts)), tuple(urls)


class _Walker:
    def __init__(self, base: str | None, columns: dict[object, int]) -> None:
        self.base = base
        self.columns = columns
        self.blocks: list[Block] = []
        self.next_list = 0

    def _block(self, kind: BlockKind, element: Any, **kwargs: Any) -> Block | None:
        text, urls = _text_and_urls(element, self.base)
        if not text:
            return None
        line = SourceLine(element.sourceline or 1, self.columns.get(element, 1), text)
        block = Block(kind, [line], text=text, urls=urls, **kwargs)
        self.blocks.append(block)
        return block

    def _list(self, element: Any, items: list[Any], numbered: bool) -> None:
        list_id = self.next_list
        self.next_list += 1
        number = int(element.get("start") or 1) if numbered else 0
        for item in items:
            if numbered and str(item.get("value") or "").isdigit():
                number = int(item.get("value"))
            label = str(number) if numbered else None
            block = self._block(BlockKind.ITEM, item, label=label, list_id=list_id)
            if block is not None and block.text:
                bracket = re.match(r"^(\[\d{1,3}\])\s*", block.text)
                if bracket:
                    block.label = bracket.group(1)
                    block.text = block.text[bracket.end() :]
                    block.lines[0].text = block.text
            number += 1

    def walk(self, element: Any) -> None:
        tag = element.tag
        if not isinstance(tag, str):
            return
        container = _is_container(element) and tag not in ("li", "a", "sup", "span")
        if container:
            self._section_mark(element, opens=True)
        if tag in _HEADINGS:
            # An unclosed <h2> swallows what follows it in libxml2's tree: the heading
            # is its inline text; its block children are walked as content.
            inner = [c for c in element if isinstance(c.tag, str) and c.tag in _BLOCK - {"br"}]
            text = _inline_text(element)
            self.blocks.append(
                Block(
                    BlockKind.HEADING,
                    [SourceLine(element.sourceline or 1, 1, text)],
                    level=_HEADINGS[tag],
                    is_reference_heading=is_reference_heading(text),
                    is_end_heading=is_end_heading(text),
                )
            )
            for child in inner:
                self.walk(child)
        elif tag in ("ol", "ul"):
            items = [c for c in element if isinstance(c.tag, str) and c.tag == "li"]
            self._list(element, items, numbered=tag == "ol")
        elif element.get("role") == "list" or "csl-bib-body" in _classes(element):
            items = [
                c
                for c in element
                if isinstance(c.tag, str)
                and (c.get("role") == "listitem" or _LIST_ITEM_CLASS.search(_classes(c)))
            ]
            if items:
                self._list(element, items, numbered=False)
            else:
                self._children(element)
        elif tag in _PARAGRAPHS or (tag in ("div", "section", "td") and _is_leaf(element)):
            self._block(BlockKind.PARAGRAPH, element)
        else:
            self._children(element)
        if container:
            self._section_mark(element, opens=False)

    def _section_mark(self, element: Any, *, opens: bool) -> None:
        """An invisible heading where a references container opens or closes."""
        self.blocks.append(
            Block(
                BlockKind.HEADING,
                [SourceLine(element.sourceline or 1, 1, "")],
                level=0,
                is_reference_heading=opens,
                is_end_heading=not opens,
            )
        )

    def _children(self, element: Any) -> None:
        for child in element:
            self.walk(child)


def _inline_text(element: Any) -> str:
    """The element's text up to its first block-level child."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag in _BLOCK - {"br"}:
            break
        if isinstance(child.tag, str):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return normalise("".join(parts))


def _is_leaf(element: Any) -> bool:
    """A div with text and no block-level children: a paragraph in all but name."""
    return not any(isinstance(c.tag, str) and c.tag in _BLOCK - {"br"} for c in element.iter())


class HtmlReader(Reader):
    """Web articles: reference sections, lists, footnotes; links from ``href``."""

    format = InputFormat.HTML

    def extract(self, document: Document) -> list[ExtractedReference]:
        """The page's references with the line of each element in the source."""
        import lxml.html
        from lxml import etree

        text = _decode(document)
        # The XML declaration of XHTML pages makes lxml refuse str input; blank it
        # out rather than delete it, so that line and column numbers do not move.
        text = re.sub(r"<\?xml[^>]*\?>", lambda m: " " * len(m.group()), text, count=1)
        # Control characters are parse errors in HTML and make lxml refuse to move
        # text around when chrome is dropped; a space keeps every column in place.
        text = _CONTROL.sub(" ", text)
        parser = lxml.html.HTMLParser(
            recover=True, no_network=True, remove_comments=True, remove_pis=True
        )
        try:
            root = lxml.html.document_fromstring(text, parser=parser)
        except (etree.ParserError, ValueError) as exc:
            raise ExtractError(f"{document.label}: not readable as HTML ({exc})") from None
        columns = tag_columns(root, split_lines(text))
        _clean(root)
        base = document.source if re.match(r"https?://", document.source) else None
        base_tag = root.find(".//base[@href]")
        if base_tag is not None:
            base = urljoin(base or "", str(base_tag.get("href")))
        body = root.find("body")
        walker = _Walker(base, columns)
        walker.walk(body if body is not None else root)
        return select_references(walker.blocks)
