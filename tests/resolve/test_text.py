"""Normalisers used by matching: DOIs, names, pages, article numbers."""

import pytest

from refcheck.resolve.text import (
    article_number_key,
    expand_range,
    family_key,
    find_doi,
    first_page,
    is_valid_doi,
    normalize_doi,
)


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("https://doi.org/10.1016/j.jmwh.2009.01.003", "10.1016/j.jmwh.2009.01.003"),
        ("doi:10.1002/14651858.CD000121.", "10.1002/14651858.CD000121"),
        ("DOI 10.1038/srep16696", "10.1038/srep16696"),
        ("doi:10.1000/xyz).", "10.1000/xyz"),
        ("10.1016/S0140-6736(20)30183-5", "10.1016/S0140-6736(20)30183-5"),
        ("", None),
    ],
)
def test_normalize_doi(text: str, doi: str | None) -> None:
    assert normalize_doi(text) == doi


@pytest.mark.parametrize(
    ("doi", "valid"),
    [
        ("10.1016/j.jmwh.2009.01.003", True),
        ("10.12/x", False),
        ("10.1016 j.x", False),
        ("11.1234/x", False),
    ],
)
def test_doi_syntax(doi: str, valid: bool) -> None:
    assert is_valid_doi(doi) is valid


def test_find_doi_in_text() -> None:
    raw = "Smith J. A title. J Biol. 2001;3:4. doi:10.1234/abc.5678."
    assert find_doi(raw) == "10.1234/abc.5678"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("van der Berg", "berg"),
        ("García-López", "garcialopez"),
        ("O'Brien", "obrien"),
        ("Bøhmer", "bohmer"),
        ("De", "de"),
    ],
)
def test_family_key_folds_particles_and_diacritics(name: str, key: str) -> None:
    assert family_key(name) == key


def test_pages() -> None:
    assert first_page("211-218") == "211"
    assert first_page("e33693") == "e33693"
    assert expand_range("1211-18") == ("1211", "1218")
    assert expand_range("23") == ("23", None)


def test_article_numbers() -> None:
    assert article_number_key("2002:CD000121") == "cd000121"
    assert article_number_key("CD000121.pub2") == "cd000121"


def test_find_doi_in_parentheses() -> None:
    assert find_doi("Smith J. A title. Nature. 2001 (doi:10.1000/xyz).") == "10.1000/xyz"
