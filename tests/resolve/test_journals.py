"""Journal titles against their abbreviations."""

import pytest

from refcheck.resolve.journals import abbreviation_fits, container_similarity, squashed_fits


@pytest.mark.parametrize(
    ("abbrev", "full"),
    [
        ("J Midwifery Womens Health", "Journal of Midwifery & Women's Health"),
        (
            "Eur J Obstet Gynecol Reprod Biol",
            "European Journal of Obstetrics & Gynecology and Reproductive Biology",
        ),
        (
            "Proc Natl Acad Sci U S A",
            "Proceedings of the National Academy of Sciences of the United States of America",
        ),
        ("Cochrane Database Syst Rev", "Cochrane Database of Systematic Reviews"),
    ],
)
def test_iso4_abbreviations_fit(abbrev: str, full: str) -> None:
    assert abbreviation_fits(abbrev, full)
    assert container_similarity(abbrev, (full,)) == 1.0


def test_unrelated_titles_do_not_fit() -> None:
    assert not abbreviation_fits("J Biol Chem", "Journal of Clinical Investigation")
    assert container_similarity("J Biol Chem", ("Journal of Clinical Investigation",)) < 0.6


def test_index_supplies_irregular_abbreviations() -> None:
    # "JAMA" is no ISO 4 shortening of the full title: only the shipped index knows it.
    assert not abbreviation_fits("JAMA", "Journal of the American Medical Association")
    assert container_similarity("JAMA", ("Journal of the American Medical Association",)) == 1.0


def test_squashed_abbreviation() -> None:
    assert squashed_fits("jglaciol", "Journal of Glaciology")
    assert not squashed_fits("jglaciol", "Journal of Geology")


def test_typo_in_container_is_close_but_not_exact() -> None:
    score = container_similarity("The Practicising Midwife", ("The Practising Midwife",))
    assert 0.9 <= score < 1.0
    # ... although the registered short title "Pract Midwife" abbreviates the misspelling.
    score = container_similarity(
        "The Practicising Midwife", ("The Practising Midwife", "Pract Midwife")
    )
    assert score < 1.0
