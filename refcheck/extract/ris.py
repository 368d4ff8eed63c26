"""RIS files (EndNote, Zotero, PubMed, publisher "export citation"), read with rispy.

rispy gives the records; it does not say where each starts, so the reader finds the
``TY  -`` lines itself and pairs them with the records in order.
"""

from __future__ import annotations

import re
from typing import Any

from refcheck.extract.csl import JSON, clean, csl_type, format_item, parse_date, split_name
from refcheck.extract.interface import Document, ExtractError, InputFormat, Reader
from refcheck.extract.textutil import decode_text, split_lines
from refcheck.model import ExtractedReference

_TY = re.compile(r"^\s*TY  - ")
_ER = re.compile(r"^\s*ER  -")


def ris_name(text: str) -> JSON | None:
    """A CSL name from an RIS ``AU`` value, or None for a value with no name in it.

    RIS writes persons as "Family, Given"; PubMed writes "Family INITIALS". Anything
    else without a comma is a one-field name, which is how Zotero and EndNote export
    organisations ("American Congress of Obstetricians and Gynecologists").
    """
    cleaned = " ".join(text.split()).strip(" ,")
    if not cleaned:
        return None  # "AU  - ," or a blank AU line: nothing to name
    if "," in cleaned or cleaned.startswith("{"):
        return split_name(cleaned)
    vancouver = re.fullmatch(r"(.+?)\s+([A-Z]{1,3})", cleaned)
    if vancouver:
        family, initials = vancouver.groups()
        return {"family": family, "given": " ".join(f"{c}." for c in initials)}
    words = cleaned.split()
    if len(words) == 1:
        return {"family": cleaned}
    if all(re.fullmatch(r"[A-Z]\.?(?:-[A-Z]\.?)?", w) for w in words[:-1]):
        return {"family": words[-1], "given": " ".join(words[:-1])}  # "J. G. Hensley"
    return {"literal": cleaned}


def _names(values: list[str]) -> list[JSON]:
    return [name for name in map(ris_name, values) if name is not None]


def _first(record: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if value:
            return str(value).strip()
    return None


def _issued(record: dict[str, Any]) -> JSON | None:
    for key in ("date", "publication_year", "year"):
        value = _first(record, key)
        if value:
            date = parse_date(value)
            if date and "date-parts" in date:
                return date
            year = re.search(r"\d{4}", value)
            if year:
                return {"date-parts": [[int(year.group())]]}
    return None


def _doi(value: str | None) -> str | None:
    if not value:
        return None
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.I)


def record_to_csl(record: dict[str, Any], index: int) -> JSON:
    """One rispy record as a CSL-JSON item."""
    kind = csl_type(_first(record, "type_of_reference"))
    authors = _names(record.get("authors") or record.get("first_authors") or [])
    editors = _names(record.get("secondary_authors") or [])
    start, end = _first(record, "start_page"), _first(record, "end_page")
    page = f"{start}-{end}" if start and end and end != start else start
    urls = record.get("urls") or []
    url = next((u for u in urls if not re.match(r"https?://(?:dx\.)?doi\.org/", u)), None)
    url = url or (urls[0] if urls else None)
    accessed = _first(record, "access_date")
    item: JSON = {
        "id": _first(record, "id") or f"ris{index}",
        "type": kind,
        "author": [a for a in authors if a],
        "editor": [e for e in editors if e] if kind in ("chapter", "paper-conference") else None,
        "title": _first(record, "title", "primary_title"),
        "container-title": _first(
            record, "secondary_title", "journal_name", "alternate_title3", "alternate_title1"
        ),
        "publisher": _first(record, "publisher"),
        "publisher-place": _first(record, "place_published"),
        "issued": _issued(record),
        "volume": _first(record, "volume"),
        "issue": _first(record, "number"),
        "page": page,
        "edition": _first(record, "edition"),
        "DOI": _doi(_first(record, "doi")),
        "URL": url,
        "ISSN" if kind == "article-journal" else "ISBN": _first(record, "issn"),
        "accessed": parse_date(accessed) if accessed else None,
    }
    return clean(item)


class RisReader(Reader):
    """``TY  - JOUR`` ... ``ER  -`` records, one reference each."""

    format = InputFormat.RIS

    def extract(self, document: Document) -> list[ExtractedReference]:
        """One reference per record, with the line of its ``TY`` tag."""
        import rispy

        text = decode_text(document)
        lines = split_lines(text)
        starts = [n for n, line in enumerate(lines, start=1) if _TY.match(line)]
        ends = sum(1 for line in lines if _ER.match(line))
        if len(starts) > ends:
            raise ExtractError(
                f"{document.label}: line {starts[-1]}: RIS record has no 'ER  -' end tag"
            )
        try:
            records = rispy.loads(text, skip_unknown_tags=True)
        except Exception as exc:  # rispy raises IOError/ValueError on malformed input
            raise ExtractError(f"{document.label}: not readable as RIS ({exc})") from None
        if len(records) != len(starts):
            raise ExtractError(
                f"{document.label}: not readable as RIS "
                f"({len(starts)} 'TY  -' tags but {len(records)} records)"
            )
        out = []
        for index, (record, line) in enumerate(zip(records, starts, strict=True), start=1):
            item = record_to_csl(record, index)
            urls = tuple(str(u) for u in record.get("urls") or ())
            out.append(
                ExtractedReference(
                    raw=format_item(item) or f"RIS record {index}",
                    line=line,
                    column=1,
                    label=None,
                    urls=urls,
                    fields=item,
                )
            )
        return out
