"""Bad input never raises and never takes more than linear time."""

from __future__ import annotations

import time

import pytest

from refcheck.model import Name, PartialDate, Reference, ReferenceType
from refcheck.parse import parse_reference, parse_references


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "\x00\x01\x02\x1b[31m",
        ".",
        "(((((((((((",
        "et al.",
        "שלום עולם. כותרת המאמר. כתב עת. 2010;5:12.",
        "مرحبا بالعالم 2010",
        "山田太郎. 日本語の論文. 雑誌. 2010;5(2):1-10.",
        "<a href='http://x.org'>Smith J</a>. <i>Title</i>. 2010.",
        "\u202eSmith J. Title. 2010.",
        "http://",
        "doi:10.",
        "Accessed",
        "2010;",
    ],
)
def test_never_raises(raw: str) -> None:
    ref = parse_reference(raw)
    assert isinstance(ref, Reference)
    ref.to_csl("x")  # serialisable


def test_empty_is_an_empty_document() -> None:
    ref = parse_reference("")
    assert ref.type is ReferenceType.DOCUMENT
    assert ref.title is None and ref.authors == ()


def test_non_string_is_tolerated() -> None:
    assert isinstance(parse_reference(None), Reference)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "unit", ["Smith AB, ", "a" * 50 + " ", "(((( ", "1;2:3(4) ", "http://x.org/ "]
)
def test_large_input_is_fast(unit: str) -> None:
    raw = unit * (100_000 // len(unit))
    start = time.perf_counter()
    parse_reference(raw)
    assert time.perf_counter() - start < 2.0


def test_parse_references_keeps_order_and_length() -> None:
    raws = ["", "Hensley JG. Title. J Med. 2009;54:211.", "junk"]
    refs = parse_references(raws)
    assert len(refs) == 3
    assert refs[1].container_title == "J Med"


def test_fields_win_over_parsed_values() -> None:
    ref = parse_reference(
        "Hensley JG. Leg cramps. J Med. 2009;54:211.",
        fields={
            "type": "article-journal",
            "title": "Leg cramps and restless legs syndrome during pregnancy",
            "author": [{"family": "Hensley", "given": "Jean G."}],
            "DOI": "https://doi.org/10.1016/J.JMWH.2008.11.007",
            "issued": {"date-parts": [[2009, 5]]},
            "container-title": ["Journal of Midwifery & Women's Health"],
        },
    )
    assert ref.title == "Leg cramps and restless legs syndrome during pregnancy"
    assert ref.authors[0].given == "Jean G."
    assert ref.doi == "10.1016/j.jmwh.2008.11.007"
    assert ref.container_title == "Journal of Midwifery & Women's Health"
    assert ref.issued is not None and ref.issued.month == 5
    # Parsed values fill what the fields lack.
    assert ref.volume == "54" and ref.page == "211"


def test_fields_with_raw_dates_and_bad_values() -> None:
    ref = parse_reference(
        "",
        fields={
            "title": "A title",
            "issued": {"raw": "2009 May"},
            "accessed": "2010-10-12",
            "type": "not-a-csl-type",
            "author": [{"literal": "World Health Organization"}, "junk", {"given": "Ann"}],
        },
    )
    assert ref.title == "A title"
    assert ref.issued == PartialDate(2009, 5)
    assert ref.accessed == PartialDate(2010, 10, 12)
    assert ref.type is ReferenceType.DOCUMENT
    assert ref.authors == (Name(literal="World Health Organization"), Name(given="Ann"))


def test_html_tags_are_read_through() -> None:
    ref = parse_reference(
        "Hensley JG. <i>Leg cramps and restless legs syndrome during pregnancy</i>. "
        "<b>J Midwifery Womens Health</b>. 2009;54(3):211-8."
    )
    assert ref.title == "Leg cramps and restless legs syndrome during pregnancy"
    assert ref.container_title == "J Midwifery Womens Health"
    assert ref.page == "211-218"
