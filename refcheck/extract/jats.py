"""JATS XML (PubMed Central, publishers): ``<ref-list>`` read as structured data.

``<element-citation>`` and tagged ``<mixed-citation>`` become CSL-JSON ``fields``;
an untagged ``<mixed-citation>`` (plain text) is left to the parser. ``<pub-id>``,
``<ext-link>``/``<uri>`` and ``<date-in-citation content-type="access-date">`` are used
as given.

Security: documents are parsed with entity resolution, DTD loading and network
access off. A DOCTYPE that declares entities is refused before parsing (defusedxml's
rule): that is how billion-laughs and external-entity (XXE) attacks are built, and no
real JATS document needs one.
"""

from __future__ import annotations

import re
from typing import Any

from refcheck.extract.csl import (
    JSON,
    clean,
    csl_date,
    csl_type,
    format_item,
    month_number,
    parse_date,
)
from refcheck.extract.interface import Document, ExtractError, InputFormat, Reader
from refcheck.extract.textutil import decode_text, normalise, split_lines, tag_columns
from refcheck.model import ExtractedReference

_XLINK = "{http://www.w3.org/1999/xlink}href"
_CITATIONS = ("element-citation", "mixed-citation", "nlm-citation", "citation")
_ENTITY_DECL = re.compile(r"<!ENTITY", re.I)
_DOCTYPE = re.compile(r"<!DOCTYPE[^>\[]*\[(.*?)\]\s*>", re.I | re.S)


def _local(tag: object) -> str:
    return tag.split("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element: Any) -> str:
    return normalise("".join(element.itertext()))


_NAME_PARTS = ("surname", "given-names", "prefix", "suffix")


def _mixed_text(element: Any) -> str:
    """A mixed citation's text, with a space inside names ("Young G", not "YoungG").

    Publishers rely on the text between elements for punctuation, but put nothing
    between ``<surname>`` and ``<given-names>``.
    """
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node.text:
            parts.append(node.text)
        children = list(node)
        for index, child in enumerate(children):
            walk(child)
            nxt = children[index + 1] if index + 1 < len(children) else None
            if (
                _local(child.tag) in _NAME_PARTS
                and nxt is not None
                and _local(nxt.tag) in _NAME_PARTS
                and not (child.tail or "").strip()
            ):
                parts.append(" ")
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return normalise("".join(parts))


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element.iter() if _local(child.tag) == name]


def _first_text(element: Any, *names: str) -> str | None:
    for name in names:
        for child in _children(element, name):
            text = _text(child)
            if text:
                return text
    return None


def _name(element: Any) -> JSON | None:
    kind = _local(element.tag)
    if kind == "collab":
        return {"literal": _text(element)} if _text(element) else None
    if kind == "string-name" and not _children(element, "surname"):
        return {"literal": _text(element)} if _text(element) else None
    out: JSON = {}
    for part, key in (
        ("surname", "family"),
        ("given-names", "given"),
        ("prefix", "non-dropping-particle"),
        ("suffix", "suffix"),
    ):
        value = _first_text(element, part)
        if value:
            out[key] = value
    return out or None


def _people(citation: Any, role: str) -> list[JSON]:
    people: list[JSON] = []
    groups = _children(citation, "person-group")
    for group in groups:
        group_role = group.get("person-group-type", "author")
        if group_role != role:
            continue
        for child in group:
            if _local(child.tag) in ("name", "string-name", "collab"):
                name = _name(child)
                if name:
                    people.append(name)
    if not groups and role == "author":
        # Some citations put names straight in the citation, without a group.
        for child in citation:
            if _local(child.tag) in ("name", "string-name", "collab"):
                name = _name(child)
                if name:
                    people.append(name)
    return people


def _issued(citation: Any) -> JSON | None:
    year_text = _first_text(citation, "year")
    year = re.search(r"\d{4}", year_text or "")
    if not year:
        return None
    month_text = _first_text(citation, "month")
    day_text = _first_text(citation, "day")
    month = month_number(month_text) if month_text else None
    day = int(day_text) if day_text and day_text.isdigit() and month else None
    return csl_date(int(year.group()), month, day)


def _accessed(citation: Any) -> JSON | None:
    for date in _children(citation, "date-in-citation"):
        if date.get("content-type", "access-date") not in ("access-date", "accessed"):
            continue
        iso = date.get("iso-8601-date")
        parsed = parse_date(iso) if iso else parse_date(_text(date))
        if parsed:
            return parsed
    return None


def _is_tagged(citation: Any) -> bool:
    return any(
        _local(child.tag) in ("person-group", "article-title", "source", "year", "pub-id")
        for child in citation.iter()
    )


def citation_to_csl(citation: Any, ref_id: str | None) -> JSON:
    """A JATS citation element as a CSL-JSON item."""
    kind = csl_type(citation.get("publication-type"), default="document")
    chapter = _first_text(citation, "chapter-title")
    article_title = _first_text(citation, "article-title")
    source = _first_text(citation, "source")
    if kind in ("book", "report", "thesis") and not article_title and not chapter:
        title, container = source, None
    else:
        title, container = (
            (chapter or article_title or source),
            (source if (chapter or article_title) else None),
        )
    if chapter and kind == "book":
        kind = "chapter"
    fpage, lpage = _first_text(citation, "fpage"), _first_text(citation, "lpage")
    page = f"{fpage}-{lpage}" if fpage and lpage else fpage or _first_text(citation, "page-range")
    ids = {p.get("pub-id-type", ""): _text(p) for p in _children(citation, "pub-id")}
    urls = _links(citation)
    item: JSON = {
        "id": ref_id,
        "type": kind,
        "author": _people(citation, "author"),
        "editor": _people(citation, "editor"),
        "title": title,
        "container-title": container,
        "publisher": _first_text(citation, "publisher-name"),
        "publisher-place": _first_text(citation, "publisher-loc"),
        "issued": _issued(citation),
        "volume": _first_text(citation, "volume"),
        "issue": _first_text(citation, "issue"),
        "page": page,
        "number": _first_text(citation, "elocation-id"),
        "edition": _first_text(citation, "edition"),
        "DOI": ids.get("doi"),
        "PMID": ids.get("pmid"),
        "PMCID": ids.get("pmcid"),
        "URL": urls[0] if urls else None,
        "accessed": _accessed(citation),
    }
    if _first_text(citation, "etal") is not None or _children(citation, "etal"):
        item["note"] = "et al."
    return clean(item)


def _links(citation: Any) -> list[str]:
    urls = []
    for element in citation.iter():
        if _local(element.tag) in ("ext-link", "uri", "self-uri"):
            href = element.get(_XLINK) or _text(element)
            if href and href not in urls:
                urls.append(href)
    return urls


def _refuse_entities(text: str, label: str) -> None:
    """Refuse a DOCTYPE whose internal subset declares entities (defusedxml's rule).

    Entity declarations are how billion-laughs and external-entity (XXE) attacks
    are built; JATS documents reference their DTD and never declare their own.
    """
    doctype = _DOCTYPE.search(text[: 2**20])
    if doctype and _ENTITY_DECL.search(doctype.group(1)):
        raise ExtractError(
            f"{label}: XML declares entities (refused: entity expansion and external "
            "entities are a known attack)"
        )


class JatsReader(Reader):
    """``<ref>`` elements of every ``<ref-list>``, in document order."""

    format = InputFormat.JATS

    def extract(self, document: Document) -> list[ExtractedReference]:
        """One reference per ``<ref>``, with its line, label and structured fields."""
        from lxml import etree

        text = decode_text(document)
        _refuse_entities(text, document.label)
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
        )
        try:
            # lxml refuses str input that carries an encoding declaration: re-encode.
            root = etree.fromstring(text.encode("utf-8"), parser)
        except etree.XMLSyntaxError as exc:
            line = exc.lineno if exc.lineno is not None else "?"
            message = str(exc.msg if hasattr(exc, "msg") else exc).split(",")[0]
            message = " ".join(message.split())  # lxml may quote the source over lines
            raise ExtractError(
                f"{document.label}: not well-formed XML (line {line}: {message})"
            ) from None
        columns = tag_columns(root, split_lines(text))
        out: list[ExtractedReference] = []
        for ref in root.iter():
            if _local(ref.tag) != "ref":
                continue
            citations = [c for c in ref.iter() if _local(c.tag) in _CITATIONS]
            if not citations:
                continue
            citation = citations[0]
            label = _first_text(ref, "label")
            tagged = _local(citation.tag) == "element-citation" or _is_tagged(citation)
            fields = citation_to_csl(citation, ref.get("id")) if tagged else None
            if _local(citation.tag) == "element-citation" and fields is not None:
                raw = format_item(fields)
            else:
                raw = _mixed_text(citation)
            if label and raw.startswith(label):
                raw = raw[len(label) :].lstrip(" .")
            if not raw:
                continue
            out.append(
                ExtractedReference(
                    raw=raw,
                    line=ref.sourceline if isinstance(ref.sourceline, int) else 1,
                    column=columns.get(ref, 1),
                    label=label,
                    urls=tuple(_links(citation)),
                    fields=fields,
                )
            )
        return out
