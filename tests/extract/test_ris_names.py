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
