"""Access-date rules."""

import datetime as dt

import pytest

from refcheck.errors import UsageError
from refcheck.freshness import Duration, access_date_findings
from refcheck.model import PartialDate, Reference, ReferenceType

AS_OF = dt.date(2026, 11, 26)
THREE_YEARS = Duration.parse("3y")


def web(accessed: PartialDate | None = None, **kw: object) -> Reference:
    return Reference(
        type=ReferenceType.WEBPAGE,
        title="A page",
        urls=("http://example.org/a",),
        accessed=accessed,
        **kw,
    )  # type: ignore[arg-type]


def codes(ref: Reference, as_of: dt.date = AS_OF, stale: Duration = THREE_YEARS) -> list[str]:
    return [f.code for f in access_date_findings(ref, as_of=as_of, stale_after=stale)]


@pytest.mark.parametrize(
    ("text", "days"),
    [("3y", 1096), ("18m", 548), ("1y6m", 548), ("90d", 90), ("2w", 14), (" 3Y ", 1096)],
)
def test_duration_parse(text: str, days: int) -> None:
    assert Duration.parse(text).days == days


@pytest.mark.parametrize("text", ["", "3", "y", "3x", "-1y", "0d", "3y junk"])
def test_duration_rejects_nonsense(text: str) -> None:
    with pytest.raises(UsageError):
        Duration.parse(text)


def test_seed_access_date_is_stale_as_of_2026() -> None:
    findings = access_date_findings(
        web(PartialDate(2010, 10, 12)), as_of=AS_OF, stale_after=THREE_YEARS
    )
    assert [f.code for f in findings] == ["stale-access-date"]
    assert "2010-10-12" in findings[0].message
    assert "16 years" in findings[0].message


def test_recent_access_date_is_fresh() -> None:
    assert codes(web(PartialDate(2025, 6, 1))) == []


def test_threshold_boundary() -> None:
    exactly = web(PartialDate(2026, 11, 16))
    assert codes(exactly, stale=Duration.parse("10d")) == []
    assert codes(exactly, stale=Duration.parse("9d")) == ["stale-access-date"]


def test_month_only_date_is_judged_by_its_last_day() -> None:
    # "Accessed October 2026" may mean Oct 31: 26 days before Nov 26, not 56.
    assert codes(web(PartialDate(2026, 10)), stale=Duration.parse("30d")) == []


def test_future_access_date() -> None:
    assert codes(web(PartialDate(2027, 1, 2))) == ["future-access-date"]


def test_access_before_publication() -> None:
    ref = web(PartialDate(2024, 1, 1), issued=PartialDate(2025))
    assert codes(ref) == ["access-before-publication"]


def test_missing_access_date_only_for_web_references_without_doi() -> None:
    assert codes(web()) == ["missing-access-date"]
    with_doi = Reference(
        type=ReferenceType.ARTICLE_JOURNAL, title="x", urls=("https://example.org/x",), doi="10.1/x"
    )
    assert codes(with_doi) == []
    journal_no_url = Reference(type=ReferenceType.ARTICLE_JOURNAL, title="x")
    assert codes(journal_no_url) == []
