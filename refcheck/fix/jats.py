"""JATS XML: textual insertions inside each ``<ref>``'s citation, checked with lxml.

Serialising an lxml tree would rewrite the declaration, the DOCTYPE, attribute quotes
and character references all over the file, so edits are made in the text: a
``<ref>`` is found at the reader's line (by its ``id`` when it has one), its first
citation element (``element-citation``, ``mixed-citation``, ...) is located, and

- a DOI goes in as ``<pub-id pub-id-type="doi">`` (after "doi:" in a mixed citation);
- a cited ``pub-id`` DOI, an ``ext-link``/``uri`` URL or a plain element value
  (``article-title``, ``source``, ``volume``, ``issue``, ``year``, ``fpage``/``lpage``)
  is rewritten where it stands;
- an archived copy is added as ``<ext-link>`` (in a ``<comment>`` for an
  element citation).

The result is parsed again (entities off, no network) and refused if not well formed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from refcheck.errors import InputError
from refcheck.fix.edits import EditLog, Lines, Splices, bounded, bounded_doi
from refcheck.fix.plan import Change, ChangeKind, ReferenceFix

if TYPE_CHECKING:
    from lxml import etree

_XLINK_NS = "http://www.w3.org/1999/xlink"
_REF_OPEN = re.compile(r"<ref(?=[\s>/])[^>]*>")
_CITATION_OPEN = re.compile(
    r"<(?P<name>element-citation|mixed-citation|nlm-citation|citation)(?=[\s>/])[^>]*>"
)
_PUB_ID_DOI = re.compile(
    r"<pub-id\b[^>]*\bpub-id-type\s*=\s*[\"']doi[\"'][^>]*>(?P<value>[^<]*)</pub-id>"
)
_ELEMENTS = {
    "title": "article-title",
    "container-title": "source",
    "volume": "volume",
    "issue": "issue",
    "issued": "year",
}


def _safe_parser() -> etree.XMLParser:
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False,
    )


def _element_span(text: str, name: str, start: int, end: int) -> tuple[int, int] | None:
    """(start of inner text, end of inner text) of the first plain ``<name>`` element."""
    match = re.compile(rf"<{name}(?:\s[^>]*)?>(?P<value>[^<]*)</{name}>").search(text, start, end)
    return (match.start("value"), match.end("value")) if match else None


class _Citation:
    """Where one reference's citation stands in the text."""

    def __init__(self, name: str, open_end: int, close_start: int) -> None:
        self.name = name
        self.open_end = open_end  # just after the start tag
        self.close_start = close_start  # at "</name>"


def _find_citation(text: str, lines: Lines, fix: ReferenceFix, ref_ids: dict[int, list[str | None]]
                   ) -> _Citation | str:
    line = fix.extracted.line
    on_line = ref_ids.get(line, [])
    if not on_line:
        return f"no <ref> starts on line {line}"
    ref_id = (fix.extracted.fields or {}).get("id")
    if len(on_line) > 1 and (ref_id is None or on_line.count(str(ref_id)) != 1):
        return f"several <ref> elements start on line {line}"
    if not 1 <= line <= len(lines):
        return f"line {line} is outside the file"
    opens = list(_REF_OPEN.finditer(text, lines.start(line), lines.end(line)))
    if ref_id is not None:
        opens = [
            m for m in opens
            if re.search(rf"\bid\s*=\s*[\"']{re.escape(str(ref_id))}[\"']", m.group())
        ]
    if len(opens) != 1:
        return f"the <ref> on line {line} could not be told apart"
    ref_open = opens[0]
    ref_close = text.find("</ref>", ref_open.end())
    if ref_close < 0:
        return f"the <ref> on line {line} has no end tag"
    citation = _CITATION_OPEN.search(text, ref_open.end(), ref_close)
    if citation is None:
        return f"the <ref> on line {line} has no citation element"
    name = citation.group("name")
    close = text.find(f"</{name}>", citation.end(), ref_close)
    if close < 0 or citation.group().endswith("/>"):
        return f"the <{name}> on line {line} has no end tag"
    return _Citation(name, citation.end(), close)


def _ref_lines(text: str) -> dict[int, list[str | None]]:
    """Each line where a ``<ref>`` starts, with the ids of the refs starting there."""
    from lxml import etree

    try:
        root = etree.fromstring(text.encode("utf-8"), _safe_parser())
    except etree.XMLSyntaxError as exc:
        raise InputError(f"not well-formed XML ({exc})") from None
    out: dict[int, list[str | None]] = {}
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.split("}")[-1] == "ref":
            line = element.sourceline if isinstance(element.sourceline, int) else 0
            out.setdefault(line, []).append(element.get("id"))
    return out


class _Editor:
    def __init__(self, text: str, lines: Lines, splices: Splices, fix: ReferenceFix,
                 citation: _Citation) -> None:
        self.text, self.lines, self.splices = text, lines, splices
        self.fix, self.citation = fix, citation
        self.mixed = citation.name != "element-citation"
        self.xlink_declared = f'"{_XLINK_NS}"' in text or f"'{_XLINK_NS}'" in text
        self.inserts: list[str] = []

    def change(self, change: Change) -> str | None:
        cit = self.citation
        if change.kind is ChangeKind.ADD_DOI:
            if _PUB_ID_DOI.search(self.text, cit.open_end, cit.close_start):
                return "the citation already has a DOI pub-id"
            element = f'<pub-id pub-id-type="doi">{escape(change.new)}</pub-id>'
            self.inserts.append(f"doi:{element}" if self.mixed else element)
            return None
        if change.kind is ChangeKind.REPLACE_DOI:
            assert change.old is not None
            for match in _PUB_ID_DOI.finditer(self.text, cit.open_end, cit.close_start):
                found = bounded_doi(escape(change.old)).search(self.text, *match.span("value"))
                if found:
                    ok = self.splices.add(found.start(), found.end(), escape(change.new))
                    return None if ok else "overlaps another change"
            return "the cited DOI is not in a pub-id element"
        if change.kind is ChangeKind.UPDATE_URL:
            assert change.old is not None
            hits = 0
            for form_old, form_new in ((escape(change.old), escape(change.new)),):
                for match in bounded(form_old).finditer(self.text, cit.open_end, cit.close_start):
                    if not self.splices.add(match.start(), match.end(), form_new):
                        return "overlaps another change"
                    hits += 1
            return None if hits else "the URL is not written as such in the citation"
        if change.kind is ChangeKind.ADD_ARCHIVE:
            if escape(change.new) in self.text[cit.open_end : cit.close_start]:
                return "the archived copy is already cited"
            declare = "" if self.xlink_declared else f' xmlns:xlink="{_XLINK_NS}"'
            link = (
                f'<ext-link ext-link-type="uri"{declare} xlink:href={quoteattr(change.new)}>'
                f"{escape(change.new)}</ext-link>"
            )
            self.inserts.append(
                f"Archived at {link}." if self.mixed else f"<comment>Archived at {link}</comment>"
            )
            return None
        return self.update_field(change)

    def update_field(self, change: Change) -> str | None:
        cit = self.citation
        if change.field == "page":
            parts = re.split(r"\s*[-–—]+\s*", change.new, maxsplit=1)
            fpage = _element_span(self.text, "fpage", cit.open_end, cit.close_start)
            lpage = _element_span(self.text, "lpage", cit.open_end, cit.close_start)
            if fpage is None or (lpage is None) != (len(parts) == 1):
                return "the citation's fpage/lpage do not fit the registered pages"
            if not self.splices.add(*fpage, escape(parts[0])):
                return "overlaps another change"
            if lpage is not None and not self.splices.add(*lpage, escape(parts[1])):
                return "overlaps another change"
            return None
        name = _ELEMENTS.get(change.field)
        if name is None:
            return f"the {change.field} is not rewritten in JATS"
        span = _element_span(self.text, name, cit.open_end, cit.close_start)
        if span is None:
            return f"no plain <{name}> element to rewrite"
        return None if self.splices.add(*span, escape(change.new)) else "overlaps another change"

    def flush(self) -> None:
        if not self.inserts:
            return
        cit, text = self.citation, self.text
        if self.mixed:
            # After the citation's last visible character, before trailing whitespace.
            at = cit.close_start
            while at > cit.open_end and text[at - 1] in " \t\r\n":
                at -= 1
            before = re.sub(r"<[^>]*>", "", text[cit.open_end:at]).rstrip()
            joiner = " " if not before or before.endswith((".", ";")) else ". "
            self.splices.insert(at, joiner + " ".join(self.inserts))
            return
        line_start = self.lines.start(self.lines.line_of(cit.close_start))
        close_indent = text[line_start : cit.close_start]
        if close_indent.strip():
            self.splices.insert(cit.close_start, "".join(self.inserts))
            return
        child = self._child_indent(close_indent)
        newline = self.lines.newline()
        self.splices.insert(line_start, "".join(f"{child}{i}{newline}" for i in self.inserts))

    def _child_indent(self, close_indent: str) -> str:
        """The indentation of the citation's children (the closing tag's plus a step)."""
        cit = self.citation
        inner = self.text[cit.open_end : cit.close_start]
        match = re.search(r"\n([ \t]*)<", inner)
        return match.group(1) if match else close_indent + "  "


def edit_jats(text: str, fixes: Sequence[ReferenceFix], log: EditLog) -> str:
    """``text`` with each citation's changes made in place; the result re-parsed."""
    from lxml import etree

    ref_ids = _ref_lines(text)
    lines = Lines(text)
    splices = Splices(text)
    for fix in fixes:
        if not fix.changes:
            continue
        citation = _find_citation(text, lines, fix, ref_ids)
        if isinstance(citation, str):
            log.skip_all(fix, citation)
            continue
        editor = _Editor(text, lines, splices, fix, citation)
        for change in fix.changes:
            why = editor.change(change)
            if why is None:
                log.done(fix, change)
            else:
                log.skip(fix, change, why)
        editor.flush()
    if not splices:
        return text
    out = splices.apply()
    try:
        etree.fromstring(out.encode("utf-8"), _safe_parser())
    except etree.XMLSyntaxError as exc:  # a bug here must not hand out a broken file
        raise InputError(
            f"the corrected XML would not be well formed ({exc}); nothing written"
        ) from None
    return out
