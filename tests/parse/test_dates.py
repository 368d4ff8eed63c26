"""Date and access-date parsing."""

from __future__ import annotations

import pytest

from refcheck.model import PartialDate
from refcheck.parse import parse_reference
from refcheck.parse.dates import find_access_date, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Oct. 12, 2010", PartialDate(2010, 10, 12)),
        ("Oct 12, 2010", PartialDate(2010, 10, 12)),
        ("October 12, 2010", PartialDate(2010, 10, 12)),
        ("Sept. 3, 2019", PartialDate(2019, 9, 3)),
        ("2010 Oct 12", PartialDate(2010, 10, 12)),
        ("2010-10-12", PartialDate(2010, 10, 12)),
        ("12 October 2010", PartialDate(2010, 10, 12)),
        ("12 Oct. 2010", PartialDate(2010, 10, 12)),
        ("12th October 2010", PartialDate(2010, 10, 12)),
        ("12. Oktober 2010", PartialDate(2010, 10, 12)),
        ("12 de octubre de 2010", PartialDate(2010, 10, 12)),
        ("12 octobre 2010", PartialDate(2010, 10, 12)),
        ("1er mars 2021", PartialDate(2021, 3, 1)),
        ("12.10.2010", PartialDate(2010, 10, 12)),
        ("10/12/2010", PartialDate(2010, 10, 12)),
        ("25/12/2010", PartialDate(2010, 12, 25)),
        ("March 2019", PartialDate(2019, 3)),
        ("2019 Mar", PartialDate(2019, 3)),
        ("2019-03", PartialDate(2019, 3)),
        ("published in 1998", PartialDate(1998)),
    ],
)
def test_parse_date(text: str, expected: PartialDate) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "no date here", "page 12345", "vol 3000"])
def test_parse_date_none(text: str) -> None:
    assert parse_date(text) is None


def test_invalid_calendar_day_falls_back_to_a_valid_reading() -> None:
    # 31 February does not exist: the day is dropped, the month and year kept.
    assert parse_date("31 February 2010") == PartialDate(2010, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Title. http://x.org. Accessed Oct. 12, 2010.", PartialDate(2010, 10, 12)),
        ("Title. http://x.org. Accessed 12 October 2010.", PartialDate(2010, 10, 12)),
        ("Title. http://x.org. Accessed 2010-10-12.", PartialDate(2010, 10, 12)),
        ("Title. http://x.org. Accessed on: 2010-10-12.", PartialDate(2010, 10, 12)),
        (
            "Title [Internet]. 2005 [cited 2010 Oct 12]. Available from: http://x.org",
            PartialDate(2010, 10, 12),
        ),
        (
            "Title [Internet]. 2005 [updated 2009 Jan 2; cited 2010 Oct 12].",
            PartialDate(2010, 10, 12),
        ),
        ("Retrieved March 3, 2019, from https://x.org", PartialDate(2019, 3, 3)),
        ("(last accessed 3 March 2019)", PartialDate(2019, 3, 3)),
        ("Viewed 3 March 2019, <https://x.org>", PartialDate(2019, 3, 3)),
        ("Disponible sur : https://x.fr (consulté le 12 octobre 2010)", PartialDate(2010, 10, 12)),
        ("Online unter https://x.de (abgerufen am 12.10.2010)", PartialDate(2010, 10, 12)),
        (
            "Disponible en: https://x.es (consultado el 12 de octubre de 2010)",
            PartialDate(2010, 10, 12),
        ),
        ("Zugriff am 3. März 2020", PartialDate(2020, 3, 3)),
    ],
)
def test_find_access_date(text: str, expected: PartialDate) -> None:
    found = find_access_date(text)
    assert found is not None and found.date == expected


def test_access_date_span_covers_the_phrase() -> None:
    text = "Title. Accessed Oct. 12, 2010. More."
    found = find_access_date(text)
    assert found is not None
    assert text[found.start : found.end].startswith("Accessed Oct. 12, 2010")


def test_no_access_keyword_means_no_access_date() -> None:
    assert find_access_date("Smith J. Title. J Med. 2010 Oct 12;5:1.") is None


def test_access_date_is_not_the_issued_date() -> None:
    ref = parse_reference(
        "Smith J. Page title. Site name. https://example.org/a. Published 2008. "
        "Accessed Oct. 12, 2010."
    )
    assert ref.accessed == PartialDate(2010, 10, 12)
    assert ref.issued == PartialDate(2008)
