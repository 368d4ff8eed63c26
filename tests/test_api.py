"""The documented Python API (README "Python API")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import refcheck
from refcheck import Checker, CheckOptions, check_article, render_report, run_report
from refcheck.model import ResolutionStatus

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "mayo-leg-cramps-pregnancy.txt"
OFFLINE = CheckOptions(crossref=False, links=False, use_cache=False, as_of=dt.date(2026, 11, 26))


def test_every_exported_name_resolves() -> None:
    assert set(refcheck.__all__) == {"__version__", *refcheck._EXPORTS}
    for name in refcheck.__all__:
        assert getattr(refcheck, name) is not None


def test_check_article_on_the_seed() -> None:
    report = check_article(SEED, OFFLINE)
    assert len(report.references) == 10
    assert report.references[0].line == 40
    assert all(r.resolution.status is ResolutionStatus.SKIPPED for r in report.references)
    codes = [f.code for f in report.findings]
    assert codes.count("stale-access-date") == 4


def test_checker_shares_services_over_a_batch() -> None:
    checker = Checker(OFFLINE)
    reports = [checker.check_document(checker.load(str(SEED))) for _ in range(2)]
    text = render_report(run_report(reports), "markdown")
    assert text.count("stale-access-date") >= 8
    assert checker.cache is checker.cache


def test_parse_reference_gives_csl() -> None:
    ref = refcheck.parse_reference(
        "Hensley JG. Leg cramps and restless legs syndrome during pregnancy. "
        "J Midwifery Womens Health. 2009;54(3):211-8."
    )
    item = ref.to_csl("x")
    assert item["author"] == [{"family": "Hensley", "given": "J. G."}]
    assert item["issued"] == {"date-parts": [[2009]]}
    assert (item["volume"], item["issue"], item["page"]) == ("54", "3", "211-218")
