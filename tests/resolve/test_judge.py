"""Findings from resolutions, end to end through the stand-in where a record is needed."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from refcheck.model import (
    FieldComparison,
    Reference,
    RegisteredWork,
    Resolution,
    ResolutionStatus,
    Severity,
)
from refcheck.resolve import CrossrefResolver
from refcheck.resolve.judge import resolution_findings

from .refs import HENSLEY, YOUNG, journal

Factory = Callable[..., CrossrefResolver]


def codes(reference: Reference, resolution: Resolution) -> list[str]:
    return [f.code for f in resolution_findings(reference, resolution)]


def test_doi_missing_names_the_doi(make_resolver: Factory) -> None:
    (res,) = make_resolver().resolve_many([YOUNG])
    (finding,) = resolution_findings(YOUNG.reference, res)
    assert finding.code == "doi-missing" and finding.severity == Severity.WARNING
    assert finding.fix == "add DOI 10.1002/14651858.CD000121"


def test_metadata_mismatch_names_registered_values(make_resolver: Factory) -> None:
    wrong = journal(
        HENSLEY.raw.replace("2009;54:211", "2009;45:311"),
        family="Hensley",
        title="Leg cramps and restless legs syndrome during pregnancy",
        container="J Midwifery Womens Health",
        year=2009,
        volume="45",
        page="311",
        doi="10.1016/j.jmwh.2009.01.003",
    )
    (res,) = make_resolver().resolve_many([wrong])
    assert res.status == ResolutionStatus.MATCHED
    findings = resolution_findings(wrong.reference, res)
    mismatches = {f.field: f for f in findings if f.code == "metadata-mismatch"}
    assert set(mismatches) == {"volume", "page"}
    assert "'54'" in mismatches["volume"].message and "'45'" in mismatches["volume"].message
    assert mismatches["page"].fix == "change the pages to '211-218'"


def test_doi_mismatch_gives_the_right_doi(make_resolver: Factory) -> None:
    req = dataclasses.replace(
        HENSLEY,
        reference=dataclasses.replace(HENSLEY.reference, doi="10.1016/j.ejogrb.2008.07.005"),
    )
    (res,) = make_resolver().resolve_many([req])
    (finding,) = [f for f in resolution_findings(req.reference, res) if f.code.startswith("doi")]
    assert finding.code == "doi-mismatch" and finding.severity == Severity.ERROR
    assert finding.fix == "replace the DOI with 10.1016/j.jmwh.2009.01.003"


def test_doi_invalid_and_unknown(make_resolver: Factory) -> None:
    bad = dataclasses.replace(
        HENSLEY, reference=dataclasses.replace(HENSLEY.reference, doi="10.10/jmwh")
    )
    (res,) = make_resolver().resolve_many([bad])
    assert codes(bad.reference, res) == ["doi-invalid"]
    assert "10.1016/j.jmwh.2009.01.003" in (resolution_findings(bad.reference, res)[0].fix or "")
    unknown = journal(
        "Nobody N. Nothing. Nowhere. 2020.",
        family="Nobody",
        title="Nothing at all here",
        container="Nowhere",
        year=2020,
        doi="10.9999/not-registered",
    )
    (res2,) = make_resolver().resolve_many([unknown])
    assert codes(unknown.reference, res2) == ["doi-unknown"]


def test_retracted_work_and_its_notice_are_told_apart(make_resolver: Factory) -> None:
    article = journal(
        "Rossi P, Conti M. Magnesium citrate for nocturnal leg cramps in pregnancy: a"
        " randomised trial. J Obstet Res. 2015;12(2):101-109.",
        family="Rossi",
        title="Magnesium citrate for nocturnal leg cramps in pregnancy: a randomised trial",
        container="J Obstet Res",
        year=2015,
        volume="12",
        issue="2",
        page="101-109",
    )
    notice = journal(
        "Retraction notice to: Magnesium citrate for nocturnal leg cramps in pregnancy: a"
        " randomised trial. J Obstet Res. 2017;14(1):5.",
        family=None,
        title="Retraction notice to: Magnesium citrate for nocturnal leg cramps in"
        " pregnancy: a randomised trial",
        container="J Obstet Res",
        year=2017,
        volume="14",
        issue="1",
        page="5",
    )
    res_article, res_notice = make_resolver().resolve_many([article, notice])
    assert res_article.doi == "10.5555/retracted.2015.mg"
    retracted = [
        f for f in resolution_findings(article.reference, res_article) if f.code == "retracted"
    ]
    assert len(retracted) == 1 and retracted[0].severity == Severity.ERROR
    assert "10.5555/retraction.2017.mg" in retracted[0].message
    assert "Retraction Watch" in retracted[0].message and "2017-02-14" in retracted[0].message
    assert res_notice.doi == "10.5555/retraction.2017.mg"
    notice_findings = [
        f for f in resolution_findings(notice.reference, res_notice) if f.code == "retracted"
    ]
    assert len(notice_findings) == 1 and notice_findings[0].severity == Severity.INFO
    assert "notice itself" in notice_findings[0].message


def test_preprint_published(make_resolver: Factory) -> None:
    from refcheck.model import ReferenceType

    pre = journal(
        "Okafor A. Calf stretching before sleep reduces leg cramps in late pregnancy."
        " Preprint. 2019.",
        family="Okafor",
        title="Calf stretching before sleep reduces leg cramps in late pregnancy",
        container=None,
        year=2019,
        type=ReferenceType.ARTICLE,
    )
    (res,) = make_resolver().resolve_many([pre])
    assert res.doi == "10.5555/preprint.2019.cramps"
    (finding,) = [
        f for f in resolution_findings(pre.reference, res) if f.code == "preprint-published"
    ]
    assert finding.fix == "cite the published version, DOI 10.5555/published.2020.cramps"


def test_corrected_and_ambiguous_from_values() -> None:
    from refcheck.model import PartialDate, UpdateKind, WorkUpdate

    work = RegisteredWork(
        doi="10.5555/a",
        title="A",
        updated_by=(
            WorkUpdate(UpdateKind.CORRECTION, "10.5555/c", PartialDate(2020, 1, 2), "publisher"),
            WorkUpdate(UpdateKind.EXPRESSION_OF_CONCERN, "10.5555/e", None, "publisher"),
        ),
    )
    res = Resolution(ResolutionStatus.MATCHED, doi="10.5555/a", confidence=1.0, record=work)
    assert codes(Reference(doi="10.5555/a"), res) == ["corrected", "expression-of-concern"]
    rival = RegisteredWork(doi="10.5555/b", title="A")
    amb = Resolution(ResolutionStatus.AMBIGUOUS, record=work, alternatives=(rival,))
    (finding,) = resolution_findings(Reference(), amb)
    assert (
        finding.code == "ambiguous-match"
        and "10.5555/a" in finding.message
        and "10.5555/b" in finding.message
    )


def test_nothing_for_skipped_error_or_agreeing_fields() -> None:
    assert (
        resolution_findings(Reference(), Resolution(ResolutionStatus.SKIPPED, reason="web")) == []
    )
    assert resolution_findings(Reference(doi="10.5555/x"), Resolution(ResolutionStatus.ERROR)) == []
    ok = Resolution(
        ResolutionStatus.MATCHED,
        doi="10.5555/x",
        confidence=1,
        record=RegisteredWork("10.5555/x"),
        comparisons=(FieldComparison("year", "2001", "2001", 1.0, True),),
    )
    assert resolution_findings(Reference(doi="10.5555/x"), ok) == []


def test_wrong_doi_and_work_not_found(make_resolver: Factory) -> None:
    # The cited DOI is Hensley's, the cited work is not in Crossref at all.
    req = journal(
        "Smith J. Nocturnal leg cramps in marathon runners. Sports Med. 2011;41:77-85."
        " doi:10.1016/j.jmwh.2009.01.003",
        family="Smith",
        title="Nocturnal leg cramps in marathon runners",
        container="Sports Med",
        year=2011,
        volume="41",
        page="77-85",
        doi="10.1016/j.jmwh.2009.01.003",
    )
    (res,) = make_resolver().resolve_many([req])
    assert res.status == ResolutionStatus.NOT_FOUND
    (finding,) = resolution_findings(req.reference, res)
    assert finding.code == "doi-mismatch"
    assert "Leg Cramps and Restless Legs Syndrome" in finding.message


def test_seed_journal_misspelling_is_reported(make_resolver: Factory) -> None:
    from .refs import ANDERSON

    (res,) = make_resolver().resolve_many([ANDERSON])
    assert res.status == ResolutionStatus.MATCHED
    (finding,) = [
        f for f in resolution_findings(ANDERSON.reference, res) if f.code == "metadata-mismatch"
    ]
    assert finding.field == "container-title"
    assert finding.fix == "change the journal to 'The Practising Midwife'"


def test_abbreviations_and_case_are_not_mismatches(make_resolver: Factory) -> None:
    abbreviated = journal(
        "Hensley JG. Leg cramps and restless legs syndrome during pregnancy. J Midwifery Womens"
        " Health. 2009;54(3):211-8.",
        family="Hensley",
        title="LEG CRAMPS AND RESTLESS LEGS SYNDROME DURING PREGNANCY",
        container="J Midwifery Womens Health",
        year=2009,
        volume="54",
        issue="3",
        page="211-8",
    )
    (res,) = make_resolver().resolve_many([abbreviated])
    assert codes(abbreviated.reference, res) == ["doi-missing"]
