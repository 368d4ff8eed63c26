"""RIS author values: persons with a comma, PubMed's "Family INITIALS", organisations."""

import pytest

from refcheck.extract.ris import ris_name


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("Hensley, Jennifer G.", {"family": "Hensley", "given": "Jennifer G."}),
        ("Hensley JG", {"family": "Hensley", "given": "J. G."}),
        ("J. G. Hensley", {"family": "Hensley", "given": "J. G."}),
        ("Hensley", {"family": "Hensley"}),
        (
            "American Congress of Obstetricians and Gynecologists",
            {"literal": "American Congress of Obstetricians and Gynecologists"},
        ),
        ("World Health Organization", {"literal": "World Health Organization"}),
    ],
)
def test_ris_name(value: str, name: dict[str, str]) -> None:
    assert ris_name(value) == name


@pytest.mark.parametrize("value", ["", " , ", ",", "   "])
def test_a_blank_author_value_is_no_name(value: str) -> None:
    """A blank "AU  - ," once raised IndexError (found by the fuzz benchmark)."""
    assert ris_name(value) is None


def test_a_record_with_a_blank_author_keeps_the_others() -> None:
    from refcheck.extract.ris import record_to_csl

    item = record_to_csl(
        {"type_of_reference": "JOUR", "authors": ["Hensley, Jennifer G.", " , "], "title": "T"}, 0
    )
    assert item["author"] == [{"family": "Hensley", "given": "Jennifer G."}]
