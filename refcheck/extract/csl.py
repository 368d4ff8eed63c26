"""CSL-JSON helpers for the structured readers (BibTeX, RIS, CSL-JSON, JATS, DOCX).

Structured formats hand the parser a CSL-JSON item in ``ExtractedReference.fields``;
they also need a readable one-line ``raw`` for the report, which ``format_item`` builds
in a Vancouver-like order that the text parser can read back.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from refcheck.parse.dates import MONTHS

JSON = dict[str, Any]

def month_number(text: str) -> int | None:
    """1..12 for "Oct", "October", "oct." or "10"; ``None`` otherwise."""
    text = text.strip().rstrip(".").lower()
    if text.isdigit():
        value = int(text)
        return value if 1 <= value <= 12 else None
    return MONTHS.get(text)


def _valid(year: int, month: int | None, day: int | None) -> bool:
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return False
    return 1000 <= year <= 2999


def csl_date(year: int, month: int | None = None, day: int | None = None) -> JSON:
    """A CSL date object from parts (``month``/``day`` optional)."""
    parts = [year] + ([month] if month else []) + ([day] if month and day else [])
    return {"date-parts": [parts]}


_ISO = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:(?:T| \d{1,2}:).*)?/*")
_MDY = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_DMY = re.compile(r"(\d{1,2})\.?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})")
_YMD_WORDS = re.compile(r"(\d{4})\s+([A-Za-z]{3,9})\.?(?:\s+(\d{1,2}))?")
_MY = re.compile(r"([A-Za-z]{3,9})\.?,?\s+(\d{4})")


def parse_date(text: str | None) -> JSON | None:
    """A CSL date from the common written forms; ``{"raw": text}`` when unreadable.

    Reads ISO ("2010-10-12", RIS "2010/10/12/"), "Oct. 12, 2010", "12 October 2010",
    NLM "2010 Oct 12", "October 2010", and bare years; ``None`` for empty input.
    """
    if text is None:
        return None
    text = re.sub(
        r"^(?:accessed|retrieved|cited|viewed)\s*:?\s*(?:on\s+)?",
        "",
        text.strip(" .[]"),
        flags=re.I,
    ).strip(" .[]")
    if not text:
        return None
    match = _ISO.fullmatch(text)
    if match:
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else None
        day = int(match.group(3)) if match.group(3) else None
        if month == 0:
            month, day = None, None
        if day == 0:
            day = None
        if _valid(year, month, day):
            return csl_date(year, month, day)
    for pattern, order in ((_MDY, "mdy"), (_DMY, "dmy"), (_YMD_WORDS, "ymd"), (_MY, "my")):
        match = pattern.fullmatch(text)
        if not match:
            continue
        groups = match.groups()
        if order == "mdy":
            month, day, year = month_number(groups[0]), int(groups[1]), int(groups[2])
        elif order == "dmy":
            day, month, year = int(groups[0]), month_number(groups[1]), int(groups[2])
        elif order == "ymd":
            year, month = int(groups[0]), month_number(groups[1])
            day = int(groups[2]) if groups[2] else None
        else:
            month, year, day = month_number(groups[0]), int(groups[1]), None
        if month and _valid(year, month, day):
            return csl_date(year, month, day)
    return {"raw": text}


def split_name(text: str) -> JSON:
    """A CSL name from "Family, Given", "Given Family" or "{Organisation}"."""
    text = " ".join(text.split()).strip(" ,")
    if text.startswith("{") and text.endswith("}"):
        return {"literal": text[1:-1].strip()}
    if "," in text:
        family, _, given = text.partition(",")
        out: JSON = {"family": family.strip()}
        if given.strip():
            out["given"] = given.strip()
        return out
    parts = text.split()
    if len(parts) == 1:
        return {"family": parts[0]}
    return {"family": parts[-1], "given": " ".join(parts[:-1])}


def _names(item: JSON, key: str) -> list[str]:
    out = []
    for name in item.get(key) or []:
        if not isinstance(name, dict):
            continue
        if name.get("literal"):
            out.append(str(name["literal"]))
            continue
        family = " ".join(
            str(p) for p in (name.get("non-dropping-particle"), name.get("family")) if p
        )
        given = str(name.get("given") or "")
        if re.fullmatch(r"[A-Z]{1,4}", given):
            initials = given  # already initials, as Vancouver and JATS give them
        else:
            initials = "".join(w[0] for w in re.split(r"[\s.\-]+", given) if w[:1].isalpha())
        out.append(f"{family} {initials}".strip())
    return out


def _date_text(value: object) -> str | None:
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        return "-".join(f"{int(p):02d}" if i else str(p) for i, p in enumerate(parts[0]))
    raw = value.get("raw") or value.get("literal")
    return str(raw) if raw else None


_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _long_date(value: object) -> str | None:
    """ "October 12, 2010" (AMA's form, which every style's parser reads)."""
    text = _date_text(value)
    if not text or not re.fullmatch(r"\d{4}(?:-\d\d){0,2}", text):
        return text
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return f"{_MONTH_NAMES[parts[1] - 1]} {parts[2]}, {parts[0]}"
    if len(parts) == 2:
        return f"{_MONTH_NAMES[parts[1] - 1]} {parts[0]}"
    return text


def _year(value: object) -> str | None:
    text = _date_text(value)
    return text[:4] if text else None


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".?!" else text + "."


def format_item(item: JSON) -> str:
    """A one-line, Vancouver-like citation of a CSL item, for reports and the parser.

    "Hensley JG. Leg cramps. J Midwifery Womens Health. 2009;54(3):211-218.
    doi:10.1016/... PMID: 19410213. https://... Accessed 2010-10-12."
    """
    pieces: list[str] = []
    authors = _names(item, "author")
    if authors:
        shown = authors[:6]
        pieces.append(", ".join(shown) + (", et al." if len(authors) > 6 else "."))
    editors = _names(item, "editor")
    container = item.get("container-title")
    if not authors and editors and not container:
        pieces.append(", ".join(editors) + (", editors." if len(editors) > 1 else ", editor."))
    if item.get("title"):
        pieces.append(_sentence(str(item["title"])))
    if editors and container:
        pieces.append("In: " + ", ".join(editors) + ", eds.")
    if container:
        pieces.append(_sentence(str(container)))
    publisher = ": ".join(str(p) for p in (item.get("publisher-place"), item.get("publisher")) if p)
    year = _year(item.get("issued"))
    volume, issue, page = item.get("volume"), item.get("issue"), item.get("page")
    numbers = ""
    if volume:
        numbers += str(volume)
    if issue:
        numbers += f"({issue})"
    if page:
        numbers += f":{page}" if numbers else str(page)
    if publisher:
        pieces.append(publisher + (f"; {year}." if year else "."))
        if numbers:
            pieces.append(numbers + ".")
    elif year and numbers and not volume:
        pieces.append(f"{year}. p. {page}." if page and not issue else f"{year};{numbers}.")
    elif year and numbers:
        pieces.append(f"{year};{numbers}.")
    elif year:
        pieces.append(f"{year}.")
    elif numbers:
        pieces.append(numbers + ".")
    if item.get("number") and not numbers:
        pieces.append(str(item["number"]) + ".")
    if item.get("DOI"):
        pieces.append(f"doi:{item['DOI']}")
    if item.get("PMID"):
        pieces.append(f"PMID: {item['PMID']}.")
    if item.get("URL"):
        pieces.append(str(item["URL"]))
    accessed = _long_date(item.get("accessed"))
    if accessed:
        pieces.append(f"Accessed {accessed}.")
    return " ".join(" ".join(pieces).split())


# BibTeX/RIS/JATS type words -> CSL types.
TYPE_MAP: dict[str, str] = {
    "article": "article-journal",
    "jour": "article-journal",
    "journal": "article-journal",
    "ejour": "article-journal",
    "book": "book",
    "ebook": "book",
    "mvbook": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "chap": "chapter",
    "chapter": "chapter",
    "echap": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "conf": "paper-conference",
    "cpaper": "paper-conference",
    "confproc": "paper-conference",
    "proceedings": "book",
    "techreport": "report",
    "report": "report",
    "rprt": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "thes": "thesis",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "webpage": "webpage",
    "web": "webpage",
    "elec": "webpage",
    "blog": "post-weblog",
    "dataset": "dataset",
    "data": "dataset",
    "software": "software",
    "comp": "software",
    "patent": "patent",
    "pat": "patent",
    "newspaper": "article-newspaper",
    "news": "article-newspaper",
    "mgzn": "article-magazine",
    "magazine": "article-magazine",
    "unpublished": "manuscript",
    "unpb": "manuscript",
    "manual": "report",
    "booklet": "book",
    "legislation": "legislation",
    "stat": "legislation",
    "preprint": "article",
}


def csl_type(word: str | None, default: str = "document") -> str:
    """The CSL type for a BibTeX entry type, RIS ``TY`` or JATS publication-type."""
    if not word:
        return default
    return TYPE_MAP.get(word.strip().lower(), default)


def clean(item: JSON) -> JSON:
    """The item without empty values."""
    return {k: v for k, v in item.items() if v not in (None, "", [], {})}
