"""Property tests for the reference parser: it never raises and stays linear.

``parse_reference`` is fed arbitrary Unicode, fragments of real reference syntax
shuffled together, and pathological repetitions (the inputs that make regular
expressions backtrack). Whatever comes in, a ``Reference`` comes out.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refcheck.model import PartialDate, Reference
from refcheck.parse import parse_reference

FRAGMENTS = [
    "Smith J, ", "Jones AB, ", "et al. ", "van der Berg K. ", "American College of X. ",
    "Title of a work. ", "J Things. ", "2001;", "3(4):", "123-9. ", "e12345. ",
    "doi:10.1000/xyz123. ", "https://doi.org/10.1/x ", "PMID: 12345. ", "PMCID: PMC1. ",
    "http://example.org/a?b=c ", "Accessed Oct. 12, 2010. ", "[cited 2010 Oct 12]. ",
    "Retrieved March 3, 2019, from ", "(expert opinion). ", "2002:CD000121. ",
    "In: ", "Eds. ", "(", ")", "[", "]", ".", ",", ";", ":", "  ", "\t", "\n",
    "\u00e9", "\u2013", "\u200b", "\ufeff", "\x00", "\x1b[2J", "<script>", "&amp;",
    "99999999999999999999", "Feb 31, 2020. ", "0000;", "arXiv:2101.00001 ",
]
pieces = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)
mixed = st.one_of(st.text(max_size=600), pieces, st.binary(max_size=300).map(
    lambda b: b.decode("latin-1")))


def _assert_well_formed(ref: Reference) -> None:
    assert isinstance(ref, Reference)
    # Everything must serialise: the renderers and the cache call these.
    csl = ref.to_csl("x")
    assert csl["type"]
    ref.to_json()
    for date in (ref.issued, ref.accessed):
        assert date is None or isinstance(date, PartialDate)
    for text in (ref.title, ref.container_title, ref.doi, ref.page, ref.volume):
        assert text is None or isinstance(text, str)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed)
def test_parser_never_raises(raw: str) -> None:
    _assert_well_formed(parse_reference(raw))


@settings(max_examples=60, deadline=None)
@given(
    raw=pieces,
    fields=st.dictionaries(
        st.sampled_from(["title", "author", "issued", "DOI", "URL", "page", "volume",
                         "accessed", "type", "container-title", "ISBN"]),
        st.one_of(st.none(), st.text(max_size=30), st.integers(), st.lists(st.integers()),
                  st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
                  st.just({"date-parts": [[2020, 13, 40]]}),
                  st.just([{"family": None, "given": 3}])),
        max_size=6,
    ),
)
def test_parser_never_raises_on_hostile_structured_fields(raw: str, fields: dict) -> None:
    """Structured sources (BibTeX, RIS, CSL-JSON) hand over fields of any shape."""
    _assert_well_formed(parse_reference(raw, fields))


def _seconds(text: str, repeats: int = 2) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        parse_reference(text)
        best = min(best, time.perf_counter() - start)
    return best


# Shapes that make naive regular expressions backtrack: long runs of the characters
# that separators, initials and page ranges are made of.
PATHOLOGICAL = [
    "Smith J, " * 20,
    "1-" * 50,
    "a." * 50,
    "(" * 100,
    "http://x.org/" + "a/" * 50,
    "10." + "1" * 100 + "/",
]


def test_parse_time_grows_at_most_linearly() -> None:
    """A 100 KB reference costs at most ~10x a 10 KB one (+ slack for timer noise)."""
    for unit in PATHOLOGICAL:
        small = (unit * (10_000 // len(unit) + 1))[:10_000]
        large = (unit * (100_000 // len(unit) + 1))[:100_000]
        t_small = _seconds(small)
        t_large = _seconds(large)
        # 10x the input may cost 10x the time; allow noise and a 50 ms floor so a
        # parser that caps its input (and so is constant) also passes.
        assert t_large <= max(15 * t_small, 0.05), (unit[:20], t_small, t_large)
        assert t_large < 2.0, (unit[:20], t_large)
