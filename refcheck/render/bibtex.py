"""BibTeX: the references, enriched with what refcheck learned, as ``.bib`` entries."""

from __future__ import annotations

import re
import unicodedata

from refcheck.model import Name, Reference, ReferenceType, RunReport
from refcheck.render._common import enriched_reference, plain
from refcheck.render.interface import Renderer

_ENTRY_TYPES = {
    ReferenceType.ARTICLE_JOURNAL: "article",
    ReferenceType.ARTICLE_MAGAZINE: "article",
    ReferenceType.ARTICLE_NEWSPAPER: "article",
    ReferenceType.BOOK: "book",
    ReferenceType.CHAPTER: "incollection",
    ReferenceType.PAPER_CONFERENCE: "inproceedings",
    ReferenceType.REPORT: "techreport",
    ReferenceType.THESIS: "phdthesis",
}
_SPECIAL = re.compile(r"([&%$#_{}~^\\])")
_LATEX = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def bib_escape(text: str) -> str:
    """``text`` safe inside a braced BibTeX value (LaTeX specials escaped, one line)."""
    text = plain(text)
    return _SPECIAL.sub(lambda m: _LATEX.get(m.group(), "\\" + m.group()), text)


def _name(name: Name) -> str:
    if name.literal:
        # Double braces keep an organisation from being split into family/given.
        return "{" + bib_escape(name.literal) + "}"
    family = " ".join(p for p in (name.particle, name.family) if p)
    parts = [bib_escape(family)] if family else []
    if name.suffix:
        parts.append(bib_escape(name.suffix))
    if name.given:
        parts.append(bib_escape(name.given))
    return ", ".join(parts)


def _key_part(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", ascii_text)


def _fields(ref: Reference, notes: list[str]) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    if ref.authors:
        authors = " and ".join(_name(a) for a in ref.authors)
        fields.append(("author", authors + (" and others" if ref.et_al else "")))
    if ref.editors:
        fields.append(("editor", " and ".join(_name(a) for a in ref.editors)))
    if ref.title:
        fields.append(("title", bib_escape(ref.title)))
    if ref.container_title:
        key = {
            ReferenceType.CHAPTER: "booktitle",
            ReferenceType.PAPER_CONFERENCE: "booktitle",
        }.get(ref.type, "journal" if _ENTRY_TYPES.get(ref.type) == "article" else "howpublished")
        fields.append((key, bib_escape(ref.container_title)))
    simple = [
        ("publisher" if ref.type is not ReferenceType.REPORT else "institution", ref.publisher),
        ("address", ref.publisher_place),
        ("edition", ref.edition),
        ("volume", ref.volume),
        ("number", ref.issue or ref.number),
        ("pages", ref.page.replace("-", "--") if ref.page and "--" not in ref.page else ref.page),
    ]
    fields.extend((k, bib_escape(v)) for k, v in simple if v)
    if ref.issued:
        fields.append(("year", str(ref.issued.year)))
        if ref.issued.month:
            fields.append(("month", str(ref.issued.month)))
    for key, value in (
        ("doi", ref.doi),
        ("url", ref.url),
        ("pmid", ref.pmid),
        ("isbn", ref.isbn),
        ("issn", ref.issn),
        ("eprint", ref.arxiv),
    ):
        if value:
            # URLs and DOIs are verbatim in biblatex/url.sty; only braces are unsafe.
            fields.append(
                (
                    key,
                    value.replace("{", "%7B").replace("}", "%7D")
                    if key in ("doi", "url")
                    else bib_escape(value),
                )
            )
    if ref.accessed:
        fields.append(("urldate", ref.accessed.isoformat()))
    note = [ref.note] if ref.note else []
    note += [f"URL: {u}" for u in ref.urls[1:]]
    note += notes
    if note:
        fields.append(("note", bib_escape("; ".join(note))))
    return fields


class BibtexRenderer(Renderer):
    """One entry per reference; keys are ``familyYEAR`` made unique with a, b, ..."""

    name = "bibtex"
    extensions = (".bib",)

    def render(self, report: RunReport) -> str:
        """The ``.bib`` text."""
        used: dict[str, int] = {}
        entries = []
        for article in report.articles:
            for ref in article.references:
                enriched, notes = enriched_reference(ref)
                first = enriched.first_author
                base = _key_part((first.literal or first.family or "") if first else "")
                base = (base or "ref")[:20] + (str(enriched.issued.year) if enriched.issued else "")
                n = used.get(base, 0)
                used[base] = n + 1
                key = base if n == 0 else f"{base}{chr(ord('a') + n - 1) if n <= 26 else n}"
                kind = _ENTRY_TYPES.get(enriched.type, "misc")
                body = ",\n".join(f"  {k} = {{{v}}}" for k, v in _fields(enriched, notes))
                entries.append(f"@{kind}{{{key},\n{body}\n}}" if body else f"@{kind}{{{key}}}")
        return "\n\n".join(entries) + "\n" if entries else ""
