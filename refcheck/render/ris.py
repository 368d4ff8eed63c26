"""RIS: the enriched references for reference managers (EndNote, Zotero, Mendeley)."""

from __future__ import annotations

from refcheck.model import Name, ReferenceType, RunReport
from refcheck.render._common import enriched_reference, plain
from refcheck.render.interface import Renderer

_TYPES = {
    ReferenceType.ARTICLE_JOURNAL: "JOUR",
    ReferenceType.ARTICLE: "JOUR",
    ReferenceType.BOOK: "BOOK",
    ReferenceType.CHAPTER: "CHAP",
    ReferenceType.PAPER_CONFERENCE: "CPAPER",
    ReferenceType.REPORT: "RPRT",
    ReferenceType.THESIS: "THES",
    ReferenceType.WEBPAGE: "ELEC",
    ReferenceType.DATASET: "DATA",
    ReferenceType.SOFTWARE: "COMP",
    ReferenceType.PERSONAL_COMMUNICATION: "PCOMM",
    ReferenceType.PATENT: "PAT",
    ReferenceType.ARTICLE_NEWSPAPER: "NEWS",
    ReferenceType.ARTICLE_MAGAZINE: "MGZN",
    ReferenceType.LEGISLATION: "STAT",
    ReferenceType.DOCUMENT: "GEN",
}


def _value(text: str) -> str:
    # A RIS record is line-based: a newline in a value would start a forged tag.
    return plain(text)


def _name(name: Name) -> str:
    if name.literal:
        return name.literal
    family = " ".join(p for p in (name.particle, name.family) if p)
    return ", ".join(p for p in (family, name.given, name.suffix) if p)


class RisRenderer(Renderer):
    """One ``TY``...``ER`` record per reference, CRLF-free, tags in the usual order."""

    name = "ris"
    extensions = (".ris",)

    def render(self, report: RunReport) -> str:
        """The RIS text."""
        records = []
        for article in report.articles:
            for ref in article.references:
                r, notes = enriched_reference(ref)
                tags: list[tuple[str, str | None]] = [("TY", _TYPES.get(r.type, "GEN"))]
                tags += [("AU", _name(a)) for a in r.authors]
                tags += [("ED", _name(a)) for a in r.editors]
                tags += [("TI", r.title), ("T2", r.container_title), ("T3", r.collection_title)]
                if r.issued:
                    d = r.issued
                    tags.append(("PY", f"{d.year:04d}"))
                    month = f"{d.month:02d}" if d.month else ""
                    day = f"{d.day:02d}" if d.day else ""
                    tags.append(("DA", f"{d.year:04d}/{month}/{day}/"))
                tags += [("VL", r.volume), ("IS", r.issue)]
                if r.page:
                    start, _, end = r.page.replace("–", "-").partition("-")
                    tags += [("SP", start.strip()), ("EP", end.strip() or None)]
                tags += [
                    ("M1", r.number),
                    ("ET", r.edition),
                    ("PB", r.publisher),
                    ("CY", r.publisher_place),
                    ("SN", r.isbn or r.issn),
                    ("DO", r.doi),
                ]
                tags += [("UR", u) for u in r.urls]
                if r.accessed:
                    tags.append(("Y2", r.accessed.isoformat()))
                if r.pmid:
                    tags.append(("AN", f"PMID:{r.pmid}"))
                if r.note:
                    tags.append(("N1", r.note))
                tags += [("N1", note) for note in notes]
                tags.append(("ER", ""))
                # "ER  - " ends a record; its value is empty by the specification.
                records.append(
                    "\n".join(
                        f"{tag}  - {_value(value)}"
                        for tag, value in tags
                        if value is not None and (value or tag == "ER")
                    )
                )
        return "\n\n".join(records) + "\n" if records else ""
