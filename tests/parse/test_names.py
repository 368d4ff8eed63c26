"""Author-list normalisation."""

from __future__ import annotations

import pytest

from refcheck.model import Name
from refcheck.parse.names import format_given, parse_names


@pytest.mark.parametrize(
    ("text", "names", "et_al"),
    [
        ("Hensley JG", [Name("Hensley", "J. G.")], False),
        ("Nygaard IH, et al.", [Name("Nygaard", "I. H.")], True),
        (
            "Smith AB, Jones C, Brown DEF.",
            [Name("Smith", "A. B."), Name("Jones", "C."), Name("Brown", "D. E. F.")],
            False,
        ),
        ("Hensley, J. G.", [Name("Hensley", "J. G.")], False),
        ("Hensley, J. G., & Smith, A.", [Name("Hensley", "J. G."), Name("Smith", "A.")], False),
        (
            "Hensley, Jane G., and Alan Smith",
            [Name("Hensley", "Jane G."), Name("Smith", "Alan")],
            False,
        ),
        ("J. G. Hensley and A. Smith", [Name("Hensley", "J. G."), Name("Smith", "A.")], False),
        ("John Smith, Mary Jones", [Name("Smith", "John"), Name("Jones", "Mary")], False),
        ("Smith J.A., Jones B.", [Name("Smith", "J. A."), Name("Jones", "B.")], False),
        (
            "van der Berg A, Smith B",
            [Name("Berg", "A.", particle="van der"), Name("Smith", "B.")],
            False,
        ),
        ("Ludwig van Beethoven", [Name("Beethoven", "Ludwig", particle="van")], False),
        ("King ML Jr", [Name("King", "M. L.", suffix="Jr")], False),
        (
            "Douglas JS, King III SB",
            [Name("Douglas", "J. S."), Name("King", "S. B.", suffix="III")],
            False,
        ),
        (
            "Wenthold RJ, Svoboda K and, Malinow R",
            [Name("Wenthold", "R. J."), Name("Svoboda", "K."), Name("Malinow", "R.")],
            False,
        ),
        ("Smith A, Jones B, et al", [Name("Smith", "A."), Name("Jones", "B.")], True),
        (
            "Assa A, Martinez-Leon M, et al.; ImageKids Study Group",
            [
                Name("Assa", "A."),
                Name("Martinez-Leon", "M."),
                Name(literal="ImageKids Study Group"),
            ],
            True,
        ),
        ("Meyer K, Schulz L, u. a.", [Name("Meyer", "K."), Name("Schulz", "L.")], True),
        ("World Health Organization", [Name(literal="World Health Organization")], False),
        (
            "American Congress of Obstetricians and Gynecologists",
            [Name(literal="American Congress of Obstetricians and Gynecologists")],
            False,
        ),
        ("Smith; Jones, B.", [Name("Smith"), Name("Jones", "B.")], False),
        (
            "Hussain I.; Abu Rizaiza, O.S.; Habib, M.A.; & Ashfq, M.",
            [
                Name("Hussain", "I."),
                Name("Abu Rizaiza", "O. S."),
                Name("Habib", "M. A."),
                Name("Ashfq", "M."),
            ],
            False,
        ),
        ("Atassi, A.; & Kashyap. A.", [Name("Atassi", "A."), Name("Kashyap", "A.")], False),
        (  # roles go, and the stop they leave behind with them
            "Heyman, D. (Producers), & Yates, D. (Director).",
            [Name("Heyman", "D."), Name("Yates", "D.")],
            False,
        ),
        ("", [], False),
    ],
)
def test_parse_names(text: str, names: list[Name], et_al: bool) -> None:
    assert parse_names(text) == (tuple(names), et_al)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("JG", "J. G."),
        ("J.G.", "J. G."),
        ("J. G.", "J. G."),
        ("J.-P.", "J.-P."),
        ("John", "John"),
        ("John G.", "John G."),
        ("J", "J."),
    ],
)
def test_format_given(given: str, expected: str) -> None:
    assert format_given(given) == expected


@pytest.mark.parametrize(
    ("text", "families"),
    [
        ("GUILMOTO C. Z.", ["GUILMOTO"]),
        ("MICHEL Hélène", ["MICHEL"]),
        ("Kasparian J., B´ ejot P. and Wolf J. -P.", ["Kasparian", "Béjot", "Wolf"]),
        ("M¨ uller, H. -G.", ["Müller"]),
        ("Zsom, A., G¨uttler, C., & Dullemond, C. P.", ["Zsom", "Güttler", "Dullemond"]),
        ("Press, WH; Teukolsky, SA; Vetterling, WT", ["Press", "Teukolsky", "Vetterling"]),
        ("S. R. Coleman and F. De Luccia", ["Coleman", "De Luccia"]),
        ("W. H. Press et al.", ["Press"]),
        ("Geschwind D H, Levitt P", ["Geschwind", "Levitt"]),
        ("Prakasa Rao, B. L. S. P.", ["Prakasa Rao"]),
        ("von Depka M, Nowak-Gottl U", ["Depka", "Nowak-Gottl"]),
        ("Kim, Soo-ah", ["Kim"]),
        # Chicago/MLA invert only the first author.
        ("Child, Julia, Louisette Bertholle, and Simone Beck.", ["Child", "Bertholle", "Beck"]),
        (
            "Geller, Anne Ellen, Michele Eodice, Frankie Condon, and Elizabeth H. Boquet.",
            ["Geller", "Eodice", "Condon", "Boquet"],
        ),
        # One inverted name, not two people.
        ("Di Michele, Andrea.", ["Di Michele"]),
        ("Hogue, Christopher W. V.", ["Hogue"]),
        ("Маринов, Димитър.", ["Маринов"]),
        # Inverted lists with two-word families and initials still pair up.
        ("Garcia Marquez, G., Smith, J.", ["Garcia Marquez", "Smith"]),
        ("Kim S-a.", ["Kim"]),
    ],
)
def test_harder_names(text: str, families: list[str]) -> None:
    names, _ = parse_names(text)
    assert [n.family for n in names] == families


@pytest.mark.parametrize("text", ["(R. Nice, Trans.).", "(Eds.).", " . ", "(Hrsg.)"])
def test_a_role_alone_names_no_one(text: str) -> None:
    """What is left of a role in brackets and its full stop is no name (an empty Name
    once came out of "(R. Nice, Trans.).")."""
    assert parse_names(text) == ((), False)
