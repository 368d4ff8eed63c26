"""Date parsing for references: publication dates and access dates.

``parse_date`` reads the first date in a piece of text, in the forms references use:
ISO (``2010-10-12``), NLM (``2010 Oct 12``), AMA/US (``Oct. 12, 2010``), day-month
(``12 October 2010``, ``12. Oktober 2010``, ``12 de octubre de 2010``), numeric
(``12.10.2010``, ``10/12/2010``), month-year and bare years. Month names are known in
English, French, German and Spanish, full or abbreviated, with or without a period.

``find_access_date`` finds an access-date phrase ("Accessed ...", "[cited ...]",
"Retrieved ... from", "last accessed", "viewed", "consulté le", "abgerufen am",
"consultado el") and returns the date with the span of the phrase, so the caller can
remove it before labelling the rest of the reference.

Every regular expression here is linear: no nested unbounded repetition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from refcheck.model import PartialDate

__all__ = [
    "BRACKETED_YEAR_RE", "MONTHS", "AccessDate", "find_access_date", "find_year", "parse_date",
]  # fmt: skip

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "janvier", "janv", "januar", "jänner", "jän", "enero", "ene"),
    2: (
        "february",
        "feb",
        "febr",
        "février",
        "fevrier",
        "févr",
        "fév",
        "fev",
        "februar",
        "febrero",
    ),
    3: ("march", "mar", "mars", "märz", "maerz", "mär", "marzo"),
    4: ("april", "apr", "avril", "avr", "abril", "abr"),
    5: ("may", "mai", "mayo"),
    6: ("june", "jun", "juin", "juni", "junio"),
    7: ("july", "jul", "juillet", "juil", "juli", "julio"),
    8: ("august", "aug", "août", "aout", "agosto", "ago"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "setiembre", "set"),
    10: ("october", "oct", "octobre", "oktober", "okt", "octubre"),
    11: ("november", "nov", "novembre", "noviembre"),
    12: ("december", "dec", "décembre", "decembre", "déc", "dezember", "dez", "diciembre", "dic"),
}

#: Lower-case month name or abbreviation -> month number.
MONTHS: dict[str, int] = {name: num for num, names in _MONTH_NAMES.items() for name in names}

#: A year in brackets, "(2011)", "(1998a)": author-date's year, or a physics year.
BRACKETED_YEAR_RE = re.compile(r"\((?P<year>(?:1[5-9]|20)\d\d)[a-z]?\)")

# Longest names first so "september" wins over "sep" in the alternation.
_MON = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_MON_RE = rf"(?P<mon>{_MON})\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|\.)?"
_YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)"
_NDAY = r"(?P<day>[0-3]?\d)"  # a numeric day without ordinal or stop

# Each pattern names its groups year/mon (name)/month (number)/day; order matters:
# the most specific forms are tried first.
_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # ISO 2010-10-12, 2010/10/12, 2010.10.12
        rf"(?<!\d){_YEAR}[-/.](?P<month>[01]?\d)[-/.]{_NDAY}(?!\d)",
        # NLM 2010 Oct 12
        rf"(?<!\d){_YEAR},?\s+{_MON_RE}\s+{_DAY}(?![\d:])",
        # US Oct. 12, 2010 / October 12 2010
        rf"\b{_MON_RE}\s+{_DAY},?\s+{_YEAR}(?!\d)",
        # 12 October 2010 / 12. Oktober 2010 / 12 de octubre de 2010 / 12-Oct-2010
        rf"(?<!\d){_DAY}(?:\s+de)?[\s\-]+{_MON_RE}(?:\s+de)?[\s,\-]+{_YEAR}(?!\d)",
        # 12.10.2010 (day first, European)
        rf"(?<![\d.]){_NDAY}\.(?P<month>[01]?\d)\.{_YEAR}(?!\d)",
        # 10/12/2010 (US month first unless the first number cannot be a month)
        rf"(?<![\d/])(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/{_YEAR}(?!\d)",
        # ISO month 2010-10
        rf"(?<!\d){_YEAR}-(?P<month>0[1-9]|1[0-2])(?![\d-])",
        # 2010 Oct / Oct 2010 / October, 2010 / octobre de 2010
        rf"(?<!\d){_YEAR}\s+{_MON_RE}(?![a-z])",
        rf"\b{_MON_RE}(?:\s+de)?,?\s+{_YEAR}(?!\d)",
        # a bare year
        rf"(?<![\d/.\-]){_YEAR}(?![\d])",
    )
)


def _build(year: str, month: int | None, day: int | None) -> PartialDate | None:
    try:
        return PartialDate(int(year), month, day if month else None)
    except ValueError:
        return None


def _from_match(m: re.Match[str], day_first: bool = False) -> PartialDate | None:
    groups = m.groupdict()
    year = groups["year"]
    month: int | None = None
    day: int | None = None
    if groups.get("a") is not None:
        a, b = int(groups["a"]), int(groups["b"])
        month, day = (b, a) if a > 12 or (day_first and b <= 12) else (a, b)
    else:
        if groups.get("mon"):
            month = MONTHS.get(groups["mon"].lower())
        elif groups.get("month"):
            month = int(groups["month"])
        if groups.get("day"):
            day = int(groups["day"])
    return _build(year, month, day)


def parse_date_span(text: str, day_first: bool = False) -> tuple[PartialDate, int, int] | None:
    """The first date in ``text`` with its character span, or ``None``.

    Patterns are tried from the most to the least specific; the first pattern that
    yields a valid calendar date wins, so "Oct. 12, 2010" gives 2010-10-12 rather than
    the bare year. ``day_first`` reads an ambiguous "09/02/2021" as 9 February (British
    and European use) rather than September 2.
    """
    if not text:
        return None
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            date = _from_match(m, day_first)
            if date is not None:
                return date, m.start(), m.end()
    return None


def parse_date(text: str) -> PartialDate | None:
    """Parse the first date found in ``text``; ``None`` when there is none.

    >>> parse_date("Accessed Oct. 12, 2010").isoformat()
    '2010-10-12'
    >>> parse_date("2010 Oct 12").isoformat()
    '2010-10-12'
    """
    found = parse_date_span(text)
    return found[0] if found else None


_YEAR_RE = re.compile(r"(?<![\d/.\-])(1[5-9]\d\d|20\d\d)(?!\d)")


def find_year(text: str) -> str | None:
    """The first plausible four-digit publication year in ``text``."""
    m = _YEAR_RE.search(text)
    return m.group(1) if m else None


# Keywords that introduce an access date, in English, French, German and Spanish.
_ACCESS_KEYWORDS = (
    r"last\s+accessed(?:\s+on)?|accessed(?:\s+on)?|date\s+accessed|access(?:ed)?\s+date"
    r"|retrieved(?:\s+on)?|last\s+retrieved(?:\s+on)?|viewed(?:\s+on)?|last\s+viewed(?:\s+on)?"
    r"|cited|consulted(?:\s+on)?|visited(?:\s+on)?|downloaded(?:\s+on)?"
    r"|consult[ée]\s+le|consult[ée]|page\s+consult[ée]e\s+le|date\s+de\s+consultation"
    r"|abgerufen\s+am|abgerufen|zugegriffen\s+am|zugriff\s+am|zugriff|letzter\s+zugriff(?:\s+am)?"
    r"|consultado\s+el|consultado|fecha\s+de\s+consulta|accedido\s+el|recuperado\s+el"
    # NLM's "[cited …]" in Spanish, French, German and Portuguese translations
    r"|citado|cit[ée]\s+le|zitiert\s+am|zitiert"
)
_ACCESS_RE = re.compile(
    rf"(?P<open>[\[(])?\s*(?P<kw>\b(?:{_ACCESS_KEYWORDS}))\b\s*[:=]?\s*",
    re.IGNORECASE,
)
# Every keyword above contains one of these: a cheap test before the full pattern.
_ACCESS_STEMS = (
    "access", "retriev", "view", "cited", "consult", "visited", "download", "abgerufen",
    "zugriff", "zugegriffen", "recuperado", "accedido", "fecha", "cit", "zitiert",
)  # fmt: skip
_DAY_FIRST_STEMS = (
    "consult", "abgerufen", "zugriff", "zugegriffen", "recuperado", "accedido", "fecha",
    "citado", "cité", "cite le", "zitiert",
)  # fmt: skip
# The date must start within this many characters of the keyword.
_ACCESS_WINDOW = 48


@dataclass(frozen=True)
class AccessDate:
    """An access-date phrase found in a reference."""

    date: PartialDate
    start: int  # span of the whole phrase, keyword through date (and a closing bracket)
    end: int
    keyword: str


def find_access_date(text: str) -> AccessDate | None:
    """Find "Accessed Oct. 12, 2010", "[cited 2010 Oct 12]", "Retrieved March 3, 2019,
    from", "consulté le 12 octobre 2010" and the like; ``None`` when absent."""
    low = text.lower()
    if not any(stem in low for stem in _ACCESS_STEMS):
        return None
    for m in _ACCESS_RE.finditer(text):
        window = text[m.end() : m.end() + _ACCESS_WINDOW]
        # Numeric dates are day first in Harvard ("Available at: … (accessed 09/02/2021)")
        # and in the French, German and Spanish forms; IEEE's "[Accessed: 10/19/2017]"
        # and APA are American, month first.
        day_first = (
            m.group("open") == "("
            or "available at" in low
            or m.group("kw").lower().startswith(_DAY_FIRST_STEMS)
        )
        found = parse_date_span(window, day_first)
        if found is None:
            continue
        date, dstart, dend = found
        # The date must follow the keyword directly (allowing "on", "the", a weekday).
        gap = window[:dstart]
        if len(gap) > 14 or re.search(r"\d", gap):
            continue
        end = m.end() + dend
        rest = text[end:]
        # Swallow a closing bracket and APA's ", from".
        tail = re.match(r"\s*(?:[\])]|,?\s*from\b:?)?", rest, re.IGNORECASE)
        if tail:
            end += tail.end()
        start = m.start("open") if m.group("open") else m.start("kw")
        return AccessDate(date, start, end, m.group("kw").lower())
    return None
