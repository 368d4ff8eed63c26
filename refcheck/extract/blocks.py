"""Finding the reference list among a document's blocks.

Every reader of a prose format (plain text, Markdown, HTML, DOCX, PDF) turns its
document into the same flat sequence of ``Block``s (headings, list items,
paragraphs, each with its source position) and hands it to ``select_references``,
which decides which blocks are references:

1. Sections under a reference heading ("References", "Bibliography", "Works Cited",
   "Literature Cited", "Sources", "Notes", ...): their list items, or, when the section
   has no list, its paragraphs (one reference per paragraph; a single paragraph is
   split per line where lines end a sentence).
2. No such heading: the *last* list whose items mostly look like references
   (``textutil.reference_score``). Articles put their references at the end, while
   earlier lists (advice, navigation) are prose; scoring each item keeps those out
   without knowing anything about a particular site.
3. No such list: a trailing run of reference-like paragraphs (at least three), or the
   whole document when nearly all of it looks like references (a pasted list).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from refcheck.extract.textutil import (
    has_year_or_link,
    join_lines,
    looks_like_reference,
    reference_score,
)
from refcheck.model import ExtractedReference


class BlockKind(enum.Enum):
    """What a block is."""

    HEADING = "heading"
    ITEM = "item"
    PARAGRAPH = "paragraph"


@dataclass
class SourceLine:
    """One line of a block's text and where it stands (1-based line and column)."""

    number: int
    column: int
    text: str


@dataclass
class Block:
    """A heading, list item or paragraph with its source lines.

    ``text`` overrides the joined lines when a reader renders markup (HTML, Markdown)
    to plain text itself. ``list_id`` groups the items of one list.
    """

    kind: BlockKind
    lines: list[SourceLine]
    label: str | None = None
    list_id: int | None = None
    level: int = 1
    urls: tuple[str, ...] = ()
    text: str | None = None
    fields: dict[str, object] | None = None
    is_reference_heading: bool = False
    is_end_heading: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def line(self) -> int:
        return self.lines[0].number if self.lines else 1

    @property
    def column(self) -> int:
        return self.lines[0].column if self.lines else 1

    def joined(self, dehyphenate: bool = False) -> str:
        """The block's text on one line."""
        if self.text is not None:
            return " ".join(self.text.split())
        return join_lines([ln.text for ln in self.lines], dehyphenate=dehyphenate)


# Headings that open a reference section. Matched against the whole heading, after
# numbering ("7.", "VII."), emphasis and a trailing colon are removed.
_REFERENCE_HEADING = re.compile(
    r"(?:references?(?: list| cited| and notes)?|bibliography|select(?:ed)? bibliography|"
    r"works cited|literature cited|cited literature|literature|sources|"
    r"sources and references|notes|end ?notes|notes and references|citations)",
    re.I,
)
# Headings that close one: the back matter that follows reference lists.
_END_HEADING = re.compile(
    r"(?:acknowledge?ments?|appendix\b.*|appendices|about the authors?|"
    r"author information|author contributions|funding|conflicts? of interest|"
    r"competing interests|disclosures?|supplementary (?:material|information|data)|"
    r"figures?|tables?|figure legends|abbreviations|related (?:articles|content)|"
    r"see also|further reading|external links|footnotes)",
    re.I,
)
_HEADING_DECOR = re.compile(r"^(?:[0-9]+(?:\.[0-9]+)*\.?|[IVXLC]+\.)\s+|[*_:#\s]+$|^[*_#\s]+")


def heading_text(text: str) -> str:
    """A heading stripped of numbering, emphasis, '#' marks and a trailing colon."""
    previous = None
    text = text.strip()
    while previous != text:
        previous = text
        text = _HEADING_DECOR.sub("", text).strip()
    return text


def is_reference_heading(text: str) -> bool:
    """True for "References", "## Works Cited", "**Bibliography:**", "7. Notes", ..."""
    return _REFERENCE_HEADING.fullmatch(heading_text(text)) is not None


def is_end_heading(text: str) -> bool:
    """True for back-matter headings that end a reference section ("Appendix", ...)."""
    return _END_HEADING.fullmatch(heading_text(text)) is not None


_TERMINAL = re.compile(r"(?:[.!?][\"”’)\]]?|[)\]])$")


_FINAL_LINK = re.compile(r"(?:https?://|doi:\s*|\b10\.\d{4,9}/)\S*[\w/]$", re.I)


def ends_sentence(text: str) -> bool:
    """True when a line ends like a finished reference: a period, a bracket, or a
    link (APA ends with the DOI) that does not look cut at a '-', '.' or '='."""
    text = text.rstrip()
    return _TERMINAL.search(text) is not None or (
        _FINAL_LINK.search(text) is not None and not text.endswith("/")
    )


def split_paragraph(lines: list[SourceLine]) -> list[list[SourceLine]]:
    """Split one paragraph into references: one per line, continuations joined.

    A line starts a new reference unless it is indented past the paragraph's first
    line (a hanging indent), starts in lower case or with a digit, the previous line
    did not end like a finished reference (wrapped mid-sentence), or the reference so
    far has neither a year nor a link (wrapped after its title: "Respir Physiol. ...").
    """
    groups: list[list[SourceLine]] = []
    base = lines[0].column if lines else 1
    for line in lines:
        if groups:
            prev = groups[-1][-1].text
            continues = (
                line.column > base
                or line.text[:1].islower()
                or line.text[:1].isdigit()
                or not ends_sentence(prev)
                or not has_year_or_link(" ".join(ln.text for ln in groups[-1]))
            )
            if continues:
                groups[-1].append(line)
                continue
        groups.append([line])
    return groups


@dataclass
class _Candidate:
    lines: list[SourceLine]
    block: Block

    def text(self, dehyphenate: bool) -> str:
        if len(self.lines) == len(self.block.lines) or self.block.text is not None:
            return self.block.joined(dehyphenate)
        return join_lines([ln.text for ln in self.lines], dehyphenate=dehyphenate)


def _to_reference(cand: _Candidate, dehyphenate: bool) -> ExtractedReference | None:
    raw = cand.text(dehyphenate)
    if not raw:
        return None
    first = cand.lines[0] if cand.lines else SourceLine(cand.block.line, cand.block.column, "")
    return ExtractedReference(
        raw=raw,
        line=first.number,
        column=first.column,
        label=cand.block.label,
        urls=cand.block.urls,
        fields=dict(cand.block.fields) if cand.block.fields else None,
    )


def _paragraph_candidates(paragraphs: list[Block]) -> list[_Candidate]:
    """One reference per paragraph, or per line when there is one paragraph of many."""
    if len(paragraphs) == 1 and paragraphs[0].text is None:
        return [_Candidate(g, paragraphs[0]) for g in split_paragraph(paragraphs[0].lines)]
    return [_Candidate(p.lines, p) for p in paragraphs]


def _sections(blocks: list[Block]) -> list[list[Block]]:
    """The blocks under each reference heading, up to the next heading of its rank."""
    sections: list[list[Block]] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind is BlockKind.HEADING and block.is_reference_heading:
            body: list[Block] = []
            j = i + 1
            while j < len(blocks):
                nxt = blocks[j]
                if nxt.kind is BlockKind.HEADING and (
                    nxt.level <= block.level or nxt.is_reference_heading or nxt.is_end_heading
                ):
                    break
                if nxt.kind is not BlockKind.HEADING:
                    body.append(nxt)
                j += 1
            sections.append(body)
            i = j
        else:
            i += 1
    return sections


def _from_section(body: list[Block]) -> list[_Candidate]:
    items = [b for b in body if b.kind is BlockKind.ITEM]
    if items:
        return [_Candidate(b.lines, b) for b in items]
    paragraphs = [b for b in body if b.kind is BlockKind.PARAGRAPH]
    cands = _paragraph_candidates(paragraphs)
    # Page chrome after an unlisted reference section ("Find us on", "© 2024")
    # scores zero; drop it from the end only, so that odd references inside stay.
    while cands and reference_score(cands[-1].text(False)) == 0:
        cands.pop()
    return cands


def _lists(blocks: list[Block]) -> list[list[Block]]:
    groups: dict[int, list[Block]] = {}
    for block in blocks:
        if block.kind is BlockKind.ITEM and block.list_id is not None:
            groups.setdefault(block.list_id, []).append(block)
    return list(groups.values())


def _list_is_references(items: list[Block]) -> bool:
    scores = [reference_score(b.joined()) for b in items]
    if len(items) == 1:
        return scores[0] >= 3
    return sum(s >= 2 for s in scores) >= 0.6 * len(items)


def _trailing_run(cands: list[_Candidate], dehyphenate: bool) -> list[_Candidate]:
    flags = [looks_like_reference(c.text(dehyphenate)) for c in cands]
    if cands and sum(flags) >= 0.8 * len(cands):
        return cands  # the whole document is a reference list
    end = len(flags)
    while end > 0 and not flags[end - 1] and len(flags) - end < 3:
        end -= 1  # skip a little trailing chrome
    start = end
    while start > 0 and flags[start - 1]:
        start -= 1
    return cands[start:end] if end - start >= 3 else []


def select_references(blocks: list[Block], dehyphenate: bool = False) -> list[ExtractedReference]:
    """The references among ``blocks``, in document order (see the module docstring)."""
    chosen: list[_Candidate] = []
    for body in _sections(blocks):
        chosen.extend(_from_section(body))
    if not chosen:
        for items in reversed(_lists(blocks)):
            if _list_is_references(items):
                # Trim items with no bibliographic signal at all off both ends: a
                # navigation link that runs straight into the references is not one.
                while items and reference_score(items[0].joined()) == 0:
                    items = items[1:]
                while items and reference_score(items[-1].joined()) == 0:
                    items = items[:-1]
                chosen = [_Candidate(b.lines, b) for b in items]
                break
    if not chosen:
        paragraphs = [b for b in blocks if b.kind is BlockKind.PARAGRAPH]
        cands: list[_Candidate] = []
        for para in paragraphs:
            cands.extend(_paragraph_candidates([para]))
        chosen = _trailing_run(cands, dehyphenate)
    out = [_to_reference(c, dehyphenate) for c in chosen]
    return [r for r in out if r is not None]
