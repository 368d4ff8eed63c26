"""BibTeX and BibLaTeX files, read with bibtexparser (v2).

Each entry becomes one reference whose ``fields`` is a CSL-JSON item (DOI, URL,
``urldate`` or ``note = {Accessed ...}`` as ``accessed``) and whose ``label`` is the
citation key. An entry the parser cannot finish (a missing closing brace) swallows the
rest of the file, so it is an ``ExtractError`` naming its line rather than a silent
partial list.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from refcheck.extract.csl import JSON, clean, csl_type, format_item, month_number, parse_date
from refcheck.extract.csl import split_name as _split_name
from refcheck.extract.interface import Document, ExtractError, InputFormat, Reader
from refcheck.extract.textutil import decode_text, quiet
from refcheck.model import ExtractedReference

_ACCESSED_NOTE = re.compile(
    r"\b(?:accessed|retrieved|last (?:accessed|visited)|viewed)\b\s*(?:on\s*)?:?\s*(?P<date>[^;]+)",
    re.I,
)


_converter: Any = None


@functools.lru_cache(maxsize=4096)
def _latex_to_text(value: str) -> str:
    """Decode LaTeX accents and commands, and drop protective braces."""
    global _converter
    if "\\" not in value and "$" not in value:
        # No commands or math: braces, dashes and ties are all there is, and the full
        # LaTeX parser costs about a millisecond a field.
        text = value.replace("{", "").replace("}", "").replace("~", " ")
        text = text.replace("---", "—").replace("--", "–")
        return " ".join(text.split())
    try:
        if _converter is None:
            # Building the converter costs milliseconds: once per process, not per field.
            from pylatexenc.latex2text import LatexNodes2Text

            _converter = LatexNodes2Text(math_mode="verbatim")
        text = str(_converter.latex_to_text(value))
    except Exception:  # pylatexenc is lenient, but never let a field kill the file
        text = value.replace("{", "").replace("}", "")
    return " ".join(text.split())


def _names(value: str) -> list[JSON]:
    # Split on " and " outside braces: "{Barnes and Noble}" is one organisation.
    names, depth, start = [], 0, 0
    lowered = value.lower()
    i = 0
    while i < len(value):
        char = value[i]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and lowered.startswith(" and ", i):
            names.append(value[start:i])
            start = i + 5
            i += 5
            continue
        i += 1
    names.append(value[start:])
    out = []
    for raw in names:
        raw = raw.strip()
        if not raw:
            continue
        if raw.lower() == "others":
            continue
        if raw.startswith("{") and raw.endswith("}") and raw.count("{") == 1:
            out.append({"literal": _latex_to_text(raw[1:-1])})
        else:
            out.append(_split_name(_latex_to_text(raw)))
    return out


def _issued(fields: dict[str, str]) -> JSON | None:
    if fields.get("date"):
        return parse_date(fields["date"])
    year = re.search(r"\d{4}", fields.get("year", ""))
    if not year:
        return None
    month = month_number(fields.get("month", "")) if fields.get("month") else None
    parts = [int(year.group())] + ([month] if month else [])
    return {"date-parts": [parts]}


def _accessed(fields: dict[str, str]) -> JSON | None:
    if fields.get("urldate"):
        return parse_date(fields["urldate"])
    for key in ("note", "howpublished", "addendum"):
        match = _ACCESSED_NOTE.search(fields.get(key, ""))
        if match:
            date = parse_date(match.group("date").strip())
            if date and "date-parts" in date:
                return date
    return None


def _doi(value: str) -> str:
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value.strip(), flags=re.I)


def entry_to_csl(entry_type: str, key: str, raw_fields: dict[str, str]) -> JSON:
    """One BibTeX entry as a CSL-JSON item."""
    fields = {k.lower(): v for k, v in raw_fields.items()}
    text = {k: _latex_to_text(v) for k, v in fields.items() if k not in ("author", "editor")}
    kind = csl_type(entry_type)
    if kind == "document" and fields.get("url") and not fields.get("journal"):
        kind = "webpage"  # @misc with only a URL: a web page
    container = (
        text.get("journal")
        or text.get("journaltitle")
        or text.get("booktitle")
        or text.get("series" if kind == "book" else "")
    )
    url = text.get("url", "").replace(" ", "") or None
    howpublished = re.match(r"\s*\\url\{([^}]*)\}", fields.get("howpublished", ""))
    if url is None and howpublished:
        url = howpublished.group(1).strip()
    item: JSON = {
        "id": key,
        "type": kind,
        "author": _names(fields["author"]) if fields.get("author") else None,
        "editor": _names(fields["editor"]) if fields.get("editor") else None,
        "title": text.get("title"),
        "container-title": container,
        "publisher": text.get("publisher") or text.get("institution") or text.get("school"),
        "publisher-place": text.get("address") or text.get("location"),
        "issued": _issued(text),
        "volume": text.get("volume"),
        "issue": text.get("number") if kind == "article-journal" else text.get("issue"),
        "number": text.get("number") if kind != "article-journal" else None,
        "page": re.sub(r"\s*[-–—]+\s*", "-", text.get("pages", "")) or None,
        "edition": text.get("edition"),
        "DOI": _doi(text["doi"]) if text.get("doi") else None,
        "URL": url,
        "ISBN": text.get("isbn"),
        "ISSN": text.get("issn"),
        "PMID": text.get("pmid"),
        "accessed": _accessed(text),
        "note": text.get("note"),
    }
    if text.get("eprint") and text.get("archiveprefix", text.get("eprinttype", "")).lower() in (
        "arxiv",
    ):
        item["number"] = f"arXiv:{text['eprint']}"
    return clean(item)


class BibtexReader(Reader):
    """``@article{...}`` and friends; ``@string``, ``@preamble`` and ``@comment`` skipped."""

    format = InputFormat.BIBTEX

    def extract(self, document: Document) -> list[ExtractedReference]:
        """One reference per entry, in file order, with the entry's line."""
        import bibtexparser
        from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock

        text = decode_text(document)
        # bibtexparser logs every failed block at WARNING; we report them ourselves.
        try:
            with quiet("bibtexparser"):
                library = bibtexparser.parse_string(text)
        except Exception as exc:  # the splitter raises on some malformed input
            raise ExtractError(f"{document.label}: not readable as BibTeX ({exc})") from None
        entries: list[Any] = list(library.entries)
        for block in library.failed_blocks:
            if isinstance(block, DuplicateBlockKeyBlock):
                # A key used twice is still two references (the checker reports both);
                # a repeated @string is just a definition.
                if isinstance(block.ignore_error_block, Entry):
                    entries.append(block.ignore_error_block)
            elif isinstance(block, ParsingFailedBlock):
                head = " ".join((block.raw or "").strip().split())[:40]
                raise ExtractError(
                    f"{document.label}: line {(block.start_line or 0) + 1}: "
                    "unreadable BibTeX entry "
                    f"'{head}' (unterminated or malformed; nothing after it can be trusted)"
                )
        entries.sort(key=lambda e: e.start_line)
        out = []
        for entry in entries:
            fields = {name: str(f.value) for name, f in entry.fields_dict.items()}
            item = entry_to_csl(entry.entry_type, entry.key, fields)
            out.append(
                ExtractedReference(
                    raw=format_item(item) or entry.key,
                    line=entry.start_line + 1,
                    column=1,
                    label=entry.key,
                    urls=(item["URL"],) if item.get("URL") else (),
                    fields=item,
                )
            )
        return out
