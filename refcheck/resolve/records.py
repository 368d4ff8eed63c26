"""Crossref work dicts (as habanero returns them) turned into ``RegisteredWork`` records.

Crossref items are loosely typed: titles are lists, dates are ``date-parts``, any field
may be missing or malformed. Everything here tolerates that: a field that cannot be
read is left empty, never raised on.
"""

from __future__ import annotations

import html
import re
from typing import Any

from refcheck.model import Name, PartialDate, RegisteredWork, UpdateKind, WorkUpdate
from refcheck.resolve.text import normalize_doi

# The fields matching and judging need (Crossref ``select=``): keeps answers small.
SELECT_FIELDS = (
    "DOI",
    "title",
    "subtitle",
    "author",
    "container-title",
    "short-container-title",
    "issued",
    "published-print",
    "published-online",
    "volume",
    "issue",
    "page",
    "article-number",
    "type",
    "updated-by",
    "update-to",
    "relation",
    "score",
)

# Authors kept per record: a work with 3,000 authors needs only the first few for
# matching and display, and the cache should not hold the rest.
MAX_AUTHORS = 25

_UPDATE_KINDS = {
    "retraction": UpdateKind.RETRACTION,
    "removal": UpdateKind.WITHDRAWAL,
    "withdrawal": UpdateKind.WITHDRAWAL,
    "correction": UpdateKind.CORRECTION,
    "corrigendum": UpdateKind.CORRECTION,
    "erratum": UpdateKind.CORRECTION,
    "addendum": UpdateKind.CORRECTION,
    "expression_of_concern": UpdateKind.EXPRESSION_OF_CONCERN,
    "expression-of-concern": UpdateKind.EXPRESSION_OF_CONCERN,
}


def _text(value: Any) -> str | None:
    """First string of a Crossref list-or-string field, HTML entities and tags removed."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str):
        return None
    value = html.unescape(re.sub(r"<[^>]+>", "", value))
    value = " ".join(value.split())
    return value or None


def _date(item: dict[str, Any]) -> PartialDate | None:
    for key in ("issued", "published-print", "published-online", "published", "created"):
        value = item.get(key)
        if isinstance(value, dict):
            date = PartialDate.from_csl(value)
            if date is not None:
                return date
    return None


def _names(value: Any) -> tuple[Name, ...]:
    if not isinstance(value, list):
        return ()
    out: list[Name] = []
    for person in value[:MAX_AUTHORS]:
        if not isinstance(person, dict):
            continue
        if isinstance(person.get("name"), str):  # organisations
            out.append(Name(literal=person["name"]))
            continue
        family = person.get("family") if isinstance(person.get("family"), str) else None
        given = person.get("given") if isinstance(person.get("given"), str) else None
        if family or given:
            out.append(Name(family=family, given=given, suffix=person.get("suffix") or None))
    return tuple(out)


def _updates(value: Any) -> tuple[WorkUpdate, ...]:
    if not isinstance(value, list):
        return ()
    out = []
    for entry in value:
        if not isinstance(entry, dict):
            continue
        kind_text = str(entry.get("type", "")).lower()
        updated = entry.get("updated")
        out.append(
            WorkUpdate(
                kind=_UPDATE_KINDS.get(kind_text, UpdateKind.OTHER),
                doi=normalize_doi(entry.get("DOI")) if isinstance(entry.get("DOI"), str) else None,
                date=PartialDate.from_csl(updated) if isinstance(updated, dict) else None,
                source=entry.get("source") if isinstance(entry.get("source"), str) else None,
                label=entry.get("label") if isinstance(entry.get("label"), str) else None,
            )
        )
    return tuple(out)


def _update_targets(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    dois = (
        normalize_doi(e.get("DOI"))
        for e in value
        if isinstance(e, dict) and isinstance(e.get("DOI"), str)
    )
    return tuple(d for d in dois if d)


def _preprint_of(relation: Any) -> tuple[str, ...]:
    if not isinstance(relation, dict):
        return ()
    entries = relation.get("is-preprint-of")
    if not isinstance(entries, list):
        return ()
    dois = (
        normalize_doi(e.get("id"))
        for e in entries
        if isinstance(e, dict) and e.get("id-type", "doi") == "doi" and isinstance(e.get("id"), str)
    )
    return tuple(d for d in dois if d)


def _str(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value.strip() or None if isinstance(value, str) else None


def work_from_crossref(item: Any) -> RegisteredWork | None:
    """One Crossref work dict as a ``RegisteredWork``; ``None`` if it has no DOI."""
    if not isinstance(item, dict):
        return None
    doi = normalize_doi(item.get("DOI")) if isinstance(item.get("DOI"), str) else None
    if not doi:
        return None
    title = _text(item.get("title"))
    subtitle = _text(item.get("subtitle"))
    if title and subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    return RegisteredWork(
        doi=doi,
        type=_str(item.get("type")),
        title=title,
        authors=_names(item.get("author")),
        container_title=_text(item.get("container-title")),
        short_container_title=_text(item.get("short-container-title")),
        issued=_date(item),
        volume=_str(item.get("volume")),
        issue=_str(item.get("issue")),
        page=_str(item.get("page")),
        article_number=_str(item.get("article-number")),
        updated_by=_updates(item.get("updated-by")),
        updates_to=_update_targets(item.get("update-to")),
        preprint_of=_preprint_of(item.get("relation")),
    )


def compact_item(item: dict[str, Any]) -> dict[str, Any]:
    """The selected fields of a Crossref item, authors capped: what the cache stores."""
    out = {k: item[k] for k in SELECT_FIELDS if k in item}
    if isinstance(out.get("author"), list):
        out["author"] = out["author"][:MAX_AUTHORS]
    return out
