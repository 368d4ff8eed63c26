"""The seed article's ten references must parse exactly right."""

from __future__ import annotations

from pathlib import Path

import pytest

from refcheck.model import Name, PartialDate, ReferenceType
from refcheck.parse import parse_reference, parse_references

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "mayo-leg-cramps-pregnancy.txt"


def seed_references() -> list[str]:
    """The trailing run of "- " items (the extractor's job; a plain slice suffices here)."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return [line[2:].strip() for line in lines if line.startswith("- ")][-10:]


def test_seed_has_ten_references() -> None:
    refs = seed_references()
    assert len(refs) == 10
    assert refs[0].startswith("Bermas BL.") and refs[-1].startswith("Harms RW")


UPTODATE = "http://www.uptodate.com/home/index.html"
OCT12 = PartialDate(2010, 10, 12)


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (
            0,
            dict(
                type=ReferenceType.WEBPAGE,
                authors=(Name("Bermas", "B. L."),),
                et_al=False,
                title="Musculoskeletal changes and pain during pregnancy",
                urls=(UPTODATE,),
                accessed=OCT12,
                issued=None,
                container_title=None,
            ),
        ),
        (
            1,
            dict(
                type=ReferenceType.WEBPAGE,
                authors=(Name("Artal", "R."),),
                title="Recommendations for exercise during pregnancy and the postpartum period",
                urls=(UPTODATE,),
                accessed=OCT12,
                issued=None,
            ),
        ),
        (
            2,
            dict(
                type=ReferenceType.WEBPAGE,
                authors=(Name(literal="American Congress of Obstetricians and Gynecologists"),),
                title="You and your baby: Prenatal care, labor and delivery and postpartum care",
                urls=("http://www.acog.org/publications/patient_education/ab005.cfm",),
                accessed=OCT12,
                issued=None,
                container_title=None,
            ),
        ),
        (
            3,
            dict(
                type=ReferenceType.ARTICLE_JOURNAL,
                authors=(Name("Hensley", "J. G."),),
                title="Leg cramps and restless legs syndrome during pregnancy",
                container_title="Journal of Midwifery & Women's Health",
                issued=PartialDate(2009),
                volume="54",
                issue=None,
                page="211",
                accessed=None,
                urls=(),
            ),
        ),
        (
            4,
            dict(
                type=ReferenceType.ARTICLE_JOURNAL,
                authors=(Name("Nygaard", "I. H."),),
                et_al=True,
                title="Does oral magnesium substitution relieve pregnancy-induced leg cramps?",
                container_title=(
                    "European Journal of Obstetrics & Gynecology and Reproductive Biology"
                ),
                issued=PartialDate(2008),
                volume="141",
                page="23",
            ),
        ),
        (
            5,
            dict(
                type=ReferenceType.ARTICLE_JOURNAL,
                authors=(Name("Young", "G."),),
                et_al=True,
                title="Interventions for leg cramps in pregnancy",
                container_title="Cochrane Database of Systematic Reviews",
                issued=PartialDate(2002),
                number="CD000121",
                volume=None,
                page=None,
            ),
        ),
        (
            6,
            dict(
                type=ReferenceType.WEBPAGE,
                authors=(Name("Sheon", "R. P."),),
                et_al=True,
                title="Joint protection program for the lower limb",
                urls=(UPTODATE,),
                accessed=PartialDate(2010, 10, 13),
            ),
        ),
        (
            7,
            dict(
                type=ReferenceType.ARTICLE_JOURNAL,
                authors=(Name("Anderson", "T."),),
                title="Cochrane made simple: Interventions for leg cramps in pregnancy",
                container_title="The Practicising Midwife",
                issued=PartialDate(2007),
                volume="10",
                page="40",
            ),
        ),
        (
            8,
            dict(
                type=ReferenceType.PERSONAL_COMMUNICATION,
                authors=(Name("Laskowski", "E. R."),),
                title=None,
                publisher="Mayo Clinic",
                publisher_place="Rochester, Minn.",
                issued=PartialDate(2010, 10, 18),
                note="expert opinion",
                urls=(),
            ),
        ),
        (
            9,
            dict(
                type=ReferenceType.PERSONAL_COMMUNICATION,
                authors=(Name("Harms", "R. W."),),
                publisher="Mayo Clinic",
                publisher_place="Rochester, Minn.",
                issued=PartialDate(2010, 10, 26),
                note="expert opinion",
            ),
        ),
    ],
)
def test_seed_reference(index: int, expected: dict[str, object]) -> None:
    ref = parse_reference(seed_references()[index])
    for attr, value in expected.items():
        assert getattr(ref, attr) == value, attr
    if not expected.get("et_al"):
        assert ref.et_al is False


def test_seed_via_parse_references_in_order() -> None:
    refs = parse_references(seed_references())
    assert [r.authors[0].display() for r in refs] == [
        "Bermas, B. L.",
        "Artal, R.",
        "American Congress of Obstetricians and Gynecologists",
        "Hensley, J. G.",
        "Nygaard, I. H.",
        "Young, G.",
        "Sheon, R. P.",
        "Anderson, T.",
        "Laskowski, E. R.",
        "Harms, R. W.",
    ]


def test_seed_csl_json_shape() -> None:
    csl = parse_reference(seed_references()[5]).to_csl("ref6")
    assert csl["type"] == "article-journal"
    assert csl["number"] == "CD000121"
    assert csl["issued"] == {"date-parts": [[2002]]}
    assert csl["author"] == [{"family": "Young", "given": "G."}]
