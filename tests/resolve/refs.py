"""Hand-built references (so these tests do not depend on the parser)."""

from __future__ import annotations

from refcheck.model import Name, PartialDate, Reference, ReferenceType
from refcheck.resolve.interface import ResolveRequest


def journal(
    raw: str,
    *,
    family: str | None,
    title: str | None,
    container: str | None,
    year: int | None,
    volume: str | None = None,
    issue: str | None = None,
    page: str | None = None,
    number: str | None = None,
    doi: str | None = None,
    et_al: bool = False,
    type: ReferenceType = ReferenceType.ARTICLE_JOURNAL,
) -> ResolveRequest:
    """A journal-article request with the given parsed fields."""
    return ResolveRequest(
        Reference(
            type=type,
            authors=(Name(family=family),) if family else (),
            et_al=et_al,
            title=title,
            container_title=container,
            issued=PartialDate(year) if year else None,
            volume=volume,
            issue=issue,
            page=page,
            number=number,
            doi=doi,
        ),
        raw,
    )


HENSLEY = journal(
    "Hensley JG. Leg cramps and restless legs syndrome during pregnancy. Journal of Midwifery"
    " & Women's Health. 2009;54:211.",
    family="Hensley",
    title="Leg cramps and restless legs syndrome during pregnancy",
    container="Journal of Midwifery & Women's Health",
    year=2009,
    volume="54",
    page="211",
)
NYGAARD = journal(
    "Nygaard IH, et al. Does oral magnesium substitution relieve pregnancy-induced leg cramps?"
    " European Journal of Obstetrics & Gynecology and Reproductive Biology. 2008;141:23.",
    family="Nygaard",
    title="Does oral magnesium substitution relieve pregnancy-induced leg cramps?",
    container="European Journal of Obstetrics & Gynecology and Reproductive Biology",
    year=2008,
    volume="141",
    page="23",
    et_al=True,
)
YOUNG = journal(
    "Young G, et al. Interventions for leg cramps in pregnancy. Cochrane Database of Systematic"
    " Reviews. 2002:CD000121.",
    family="Young",
    title="Interventions for leg cramps in pregnancy",
    container="Cochrane Database of Systematic Reviews",
    year=2002,
    number="CD000121",
    et_al=True,
)
ANDERSON = journal(
    "Anderson T. Cochrane made simple: Interventions for leg cramps in pregnancy. The Practicising"
    " Midwife. 2007;10:40.",
    family="Anderson",
    title="Cochrane made simple: Interventions for leg cramps in pregnancy",
    container="The Practicising Midwife",
    year=2007,
    volume="10",
    page="40",
)
SEED_FOUR = {
    "10.1016/j.jmwh.2009.01.003": HENSLEY,
    "10.1016/j.ejogrb.2008.07.005": NYGAARD,
    "10.1002/14651858.cd000121": YOUNG,
    "10.5555/tpm.2007.10.8.40": ANDERSON,
}
