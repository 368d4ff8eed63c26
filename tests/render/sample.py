"""A hand-made RunReport that covers every status the renderers must show.

Every ``ResolutionStatus``, every ``LinkStatus`` and every ``Severity`` appears at least
once, plus the hostile cases: a reference carrying ``<script>``, a ``javascript:`` URL,
a terminal escape sequence, bidi overrides and a spreadsheet formula. Golden files are
rendered from ``sample_report()``; change it and regenerate them with
``REFCHECK_UPDATE_GOLDEN=1 pytest tests/render``.
"""

from __future__ import annotations

import datetime as dt

from refcheck.model import (
    ArticleReport,
    ExtractedReference,
    FieldComparison,
    Finding,
    LinkResult,
    LinkStatus,
    Name,
    PartialDate,
    Redirect,
    Reference,
    ReferenceReport,
    ReferenceType,
    RegisteredWork,
    Resolution,
    ResolutionStatus,
    RunReport,
    ServiceNotice,
    Severity,
    UpdateKind,
    WorkUpdate,
)

AS_OF = dt.date(2026, 11, 26)
SOURCE = "articles/leg-cramps.md"

#: Hostile text used by the injection tests (kept here so the goldens include it too).
SCRIPT = "<script>window.__pwned = 1; document.title = 'pwned'</script>"
JS_URL = "javascript:window.__pwned=2"
ESC = "\x1b[31m\x1b]0;owned\x07"
FORMULA = '=HYPERLINK("http://evil.example/","click")'


def _ref(
    index: int,
    line: int,
    raw: str,
    reference: Reference,
    resolution: Resolution,
    links: tuple[LinkResult, ...] = (),
    findings: tuple[Finding, ...] = (),
) -> ReferenceReport:
    return ReferenceReport(
        index=index,
        extracted=ExtractedReference(raw=raw, line=line, column=3, label=None),
        reference=reference,
        resolution=resolution,
        links=links,
        findings=findings,
    )


def _stale(date: str) -> Finding:
    return Finding(
        "stale-access-date",
        Severity.WARNING,
        f"accessed {date}, more than 3 years before 2026-11-26",
        fix="revisit the page and update the access date, or cite an archived copy",
        field="accessed",
    )


def sample_references() -> tuple[ReferenceReport, ...]:
    """Eleven references, one per interesting combination."""
    hensley_work = RegisteredWork(
        doi="10.1016/j.jmwh.2008.12.006",
        type="journal-article",
        title="Leg Cramps and Restless Legs Syndrome During Pregnancy",
        authors=(Name("Hensley", "Jennifer G."),),
        container_title="Journal of Midwifery & Women's Health",
        issued=PartialDate(2009, 5),
        volume="54",
        issue="3",
        page="211-218",
    )
    nygaard_work = RegisteredWork(
        doi="10.1016/j.ejogrb.2008.07.005",
        title="Does oral magnesium substitution relieve pregnancy-induced leg cramps?",
        authors=(Name("Nygaard", "Ingrid H."),),
        container_title="European Journal of Obstetrics & Gynecology and Reproductive Biology",
        issued=PartialDate(2008, 11),
        volume="141",
        issue="1",
        page="23-26",
        updated_by=(
            WorkUpdate(
                UpdateKind.RETRACTION,
                "10.1016/j.ejogrb.2020.01.001",
                PartialDate(2020, 1, 15),
                "retraction-watch",
            ),
        ),
    )
    young_a = RegisteredWork(doi="10.1002/14651858.CD000121", title="Interventions for leg cramps")
    young_b = RegisteredWork(
        doi="10.1002/14651858.CD000121.pub2", title="Interventions for leg cramps in pregnancy"
    )
    return (
        _ref(
            1,
            40,
            "Hensley JG. Leg cramps and restless legs syndrome during pregnancy. Journal of "
            "Midwifery & Women's Health. 2009;54:211.",
            Reference(
                type=ReferenceType.ARTICLE_JOURNAL,
                authors=(Name("Hensley", "JG"),),
                title="Leg cramps and restless legs syndrome during pregnancy",
                container_title="Journal of Midwifery & Women's Health",
                issued=PartialDate(2009),
                volume="54",
                page="211",
            ),
            Resolution(
                ResolutionStatus.MATCHED,
                doi=hensley_work.doi,
                confidence=0.968,
                record=hensley_work,
                comparisons=(FieldComparison("year", "2009", "2009", 1.0, True),),
            ),
            findings=(
                Finding(
                    "doi-missing",
                    Severity.WARNING,
                    "the reference has no DOI; Crossref registers 10.1016/j.jmwh.2008.12.006",
                    fix="add doi:10.1016/j.jmwh.2008.12.006",
                    field="DOI",
                ),
                Finding(
                    "metadata-mismatch",
                    Severity.INFO,
                    "pages: cited 211, registered 211-218",
                    fix="cite pages 211-218",
                    field="page",
                ),
            ),
        ),
        _ref(
            2,
            41,
            "Nygaard IH, et al. Does oral magnesium substitution relieve pregnancy-induced leg "
            "cramps? Eur J Obstet Gynecol Reprod Biol. 2008;141:23. "
            "doi:10.1016/j.ejogrb.2008.07.999",
            Reference(
                type=ReferenceType.ARTICLE_JOURNAL,
                authors=(Name("Nygaard", "IH"),),
                et_al=True,
                title="Does oral magnesium substitution relieve pregnancy-induced leg cramps?",
                container_title="Eur J Obstet Gynecol Reprod Biol",
                issued=PartialDate(2008),
                volume="141",
                page="23",
                doi="10.1016/j.ejogrb.2008.07.999",
            ),
            Resolution(
                ResolutionStatus.MATCHED,
                doi=nygaard_work.doi,
                confidence=0.91,
                record=nygaard_work,
            ),
            findings=(
                Finding(
                    "retracted",
                    Severity.ERROR,
                    "the cited work was retracted on 2020-01-15 (retraction-watch)",
                    fix="remove the citation or cite the retraction notice "
                    "10.1016/j.ejogrb.2020.01.001",
                ),
                Finding(
                    "doi-mismatch",
                    Severity.ERROR,
                    "the reference cites 10.1016/j.ejogrb.2008.07.999; the work is "
                    "registered as 10.1016/j.ejogrb.2008.07.005",
                    fix="replace the DOI with 10.1016/j.ejogrb.2008.07.005",
                    field="DOI",
                ),
            ),
        ),
        _ref(
            3,
            42,
            "Young G, et al. Interventions for leg cramps in pregnancy. Cochrane Database of "
            "Systematic Reviews. 2002:CD000121.",
            Reference(
                type=ReferenceType.ARTICLE_JOURNAL,
                authors=(Name("Young", "G"),),
                et_al=True,
                title="Interventions for leg cramps in pregnancy",
                container_title="Cochrane Database of Systematic Reviews",
                issued=PartialDate(2002),
                number="CD000121",
            ),
            Resolution(
                ResolutionStatus.AMBIGUOUS,
                confidence=0.55,
                alternatives=(young_a, young_b),
                reason="two versions of the review match equally well",
            ),
            findings=(
                Finding(
                    "ambiguous",
                    Severity.INFO,
                    "two registered works match; refcheck could not choose",
                    fix="add the DOI of the version you read",
                ),
            ),
        ),
        _ref(
            4,
            43,
            "Anderson T. Cochrane made simple: Interventions for leg cramps in pregnancy. "
            "The Practicising Midwife. 2007;10:40.",
            Reference(
                type=ReferenceType.ARTICLE_JOURNAL,
                authors=(Name("Anderson", "T"),),
                title="Cochrane made simple: Interventions for leg cramps in pregnancy",
                container_title="The Practicising Midwife",
                issued=PartialDate(2007),
                volume="10",
                page="40",
            ),
            Resolution(
                ResolutionStatus.NOT_FOUND,
                confidence=0.21,
                reason="no candidate agreed on enough fields",
            ),
        ),
        _ref(
            5,
            44,
            "Bermas BL. Musculoskeletal changes and pain during pregnancy. "
            "http://www.uptodate.com/home/index.html. Accessed Oct. 12, 2010.",
            Reference(
                type=ReferenceType.WEBPAGE,
                authors=(Name("Bermas", "BL"),),
                title="Musculoskeletal changes and pain during pregnancy",
                urls=("http://www.uptodate.com/home/index.html",),
                accessed=PartialDate(2010, 10, 12),
            ),
            Resolution(ResolutionStatus.SKIPPED, reason="web page"),
            links=(LinkResult("http://www.uptodate.com/home/index.html", LinkStatus.OK, 200),),
            findings=(_stale("2010-10-12"),),
        ),
        _ref(
            6,
            45,
            "You and your baby: Prenatal care, labor and delivery and postpartum care. American "
            "Congress of Obstetricians and Gynecologists. "
            "http://www.acog.org/publications/patient_education/ab005.cfm. Accessed Oct. 12, 2010.",
            Reference(
                type=ReferenceType.WEBPAGE,
                authors=(Name(literal="American Congress of Obstetricians and Gynecologists"),),
                title="You and your baby: Prenatal care, labor and delivery and postpartum care",
                urls=("http://www.acog.org/publications/patient_education/ab005.cfm",),
                accessed=PartialDate(2010, 10, 12),
            ),
            Resolution(ResolutionStatus.SKIPPED, reason="web page"),
            links=(
                LinkResult(
                    "http://www.acog.org/publications/patient_education/ab005.cfm",
                    LinkStatus.SOFT_404,
                    200,
                    final_url="https://www.acog.org/",
                    redirects=(
                        Redirect(
                            "http://www.acog.org/publications/patient_education/ab005.cfm",
                            302,
                            "https://www.acog.org/",
                        ),
                    ),
                    archive_url="https://web.archive.org/web/20101012000000/http://www.acog.org/"
                    "publications/patient_education/ab005.cfm",
                    detail="deep link redirected to the site root",
                ),
            ),
            findings=(
                Finding(
                    "link-soft-404",
                    Severity.ERROR,
                    "the page is gone: the site redirects it to its home page",
                    fix="cite the archived copy https://web.archive.org/web/20101012000000/"
                    "http://www.acog.org/publications/patient_education/ab005.cfm",
                    field="URL",
                ),
                _stale("2010-10-12"),
            ),
        ),
        _ref(
            7,
            46,
            "Sheon RP, et al. Joint protection program for the lower limb. "
            "http://www.uptodate.com/contents/joint-protection. Accessed Oct. 13, 2010.",
            Reference(
                type=ReferenceType.WEBPAGE,
                authors=(Name("Sheon", "RP"),),
                et_al=True,
                title="Joint protection program for the lower limb",
                urls=("http://www.uptodate.com/contents/joint-protection",),
                accessed=PartialDate(2010, 10, 13),
            ),
            Resolution(ResolutionStatus.SKIPPED, reason="web page"),
            links=(
                LinkResult(
                    "http://www.uptodate.com/contents/joint-protection",
                    LinkStatus.REDIRECTED,
                    200,
                    final_url="https://www.uptodate.com/contents/joint-protection-program",
                    redirects=(
                        Redirect(
                            "http://www.uptodate.com/contents/joint-protection",
                            301,
                            "https://www.uptodate.com/contents/joint-protection",
                        ),
                        Redirect(
                            "https://www.uptodate.com/contents/joint-protection",
                            308,
                            "https://www.uptodate.com/contents/joint-protection-program",
                        ),
                    ),
                ),
            ),
            findings=(
                Finding(
                    "link-redirected",
                    Severity.INFO,
                    "the URL moved permanently",
                    fix="cite https://www.uptodate.com/contents/joint-protection-program",
                    field="URL",
                ),
                _stale("2010-10-13"),
            ),
        ),
        _ref(
            8,
            48,
            "Artal R. Recommendations for exercise during pregnancy. "
            "http://example.org/artal-2010 http://example.net/slow. Accessed Oct. 12, 2025.",
            Reference(
                type=ReferenceType.WEBPAGE,
                authors=(Name("Artal", "R"),),
                title="Recommendations for exercise during pregnancy",
                urls=("http://example.org/artal-2010", "http://example.net/slow"),
                accessed=PartialDate(2025, 10, 12),
            ),
            Resolution(ResolutionStatus.SKIPPED, reason="web page"),
            links=(
                LinkResult(
                    "http://example.org/artal-2010",
                    LinkStatus.BROKEN,
                    404,
                    detail="404 Not Found",
                    archive_url="https://web.archive.org/web/20251012000000/http://example.org/"
                    "artal-2010",
                ),
                LinkResult(
                    "http://example.net/slow",
                    LinkStatus.TIMEOUT,
                    None,
                    detail="read timeout after 10 s",
                ),
            ),
            findings=(
                Finding(
                    "link-broken",
                    Severity.ERROR,
                    "http://example.org/artal-2010 answers 404 Not Found",
                    fix="cite the archived copy https://web.archive.org/web/20251012000000/"
                    "http://example.org/artal-2010",
                    field="URL",
                ),
            ),
        ),
        _ref(
            9,
            49,
            "Journal policy pages. https://publisher.example.com/policy "
            "https://api.example.com/status https://offline.example.com/x. Accessed Nov 1, 2026.",
            Reference(
                type=ReferenceType.WEBPAGE,
                authors=(Name(literal="Example Publisher"),),
                title="Journal policy pages",
                urls=(
                    "https://publisher.example.com/policy",
                    "https://api.example.com/status",
                    "https://offline.example.com/x",
                ),
                accessed=PartialDate(2026, 11, 1),
            ),
            Resolution(ResolutionStatus.SKIPPED, reason="web page"),
            links=(
                LinkResult(
                    "https://publisher.example.com/policy",
                    LinkStatus.BLOCKED,
                    403,
                    detail="403 Forbidden: the site refuses checkers",
                ),
                LinkResult(
                    "https://api.example.com/status",
                    LinkStatus.SERVER_ERROR,
                    503,
                    detail="503 Service Unavailable",
                ),
                LinkResult(
                    "https://offline.example.com/x",
                    LinkStatus.NETWORK_ERROR,
                    None,
                    detail="DNS: no such host",
                ),
            ),
        ),
        _ref(
            10,
            51,
            f"{FORMULA} Evil E. {SCRIPT} title{ESC}\u202etxt.exe {JS_URL} http://127.0.0.1:8080/x",
            Reference(
                type=ReferenceType.DOCUMENT,
                authors=(Name("Evil", "E"),),
                title=f"{FORMULA} {SCRIPT} title{ESC}\u202etxt.exe",
                issued=PartialDate(2024),
                urls=(JS_URL, "http://127.0.0.1:8080/x"),
            ),
            Resolution(
                ResolutionStatus.ERROR,
                reason="Crossref could not be reached: timed out after 3 retries",
            ),
            links=(
                LinkResult(JS_URL, LinkStatus.INVALID, detail="unsupported scheme 'javascript'"),
                LinkResult(
                    "http://127.0.0.1:8080/x",
                    LinkStatus.SKIPPED,
                    detail="private address (use --allow-private)",
                ),
            ),
            findings=(
                Finding(
                    "link-invalid",
                    Severity.WARNING,
                    f"{JS_URL} is not a web address {SCRIPT}",
                    fix=f"{FORMULA}",
                    field="URL",
                ),
            ),
        ),
        _ref(
            11,
            53,
            "Laskowski ER (expert opinion). Mayo Clinic, Rochester, Minn. Oct. 18, 2010.",
            Reference(
                type=ReferenceType.PERSONAL_COMMUNICATION,
                authors=(Name("Laskowski", "ER"),),
                publisher="Mayo Clinic",
                publisher_place="Rochester, Minn.",
                issued=PartialDate(2010, 10, 18),
            ),
            Resolution(ResolutionStatus.SKIPPED, reason="personal communication"),
        ),
    )


def sample_article() -> ArticleReport:
    """The sample article with its service notices."""
    return ArticleReport(
        source=SOURCE,
        as_of=AS_OF,
        references=sample_references(),
        notices=(
            ServiceNotice(
                "crossref",
                "Crossref could not be reached for 1 reference: timed out after 3 retries",
            ),
            ServiceNotice(
                "links",
                "offline.example.com could not be reached (network error): nothing was "
                "called broken",
            ),
        ),
    )


def sample_report() -> RunReport:
    """The run the golden files are rendered from."""
    return RunReport(articles=(sample_article(),), tool_version="0.1.0")


def two_article_report() -> RunReport:
    """Two articles (the sample, and a second small one) for multi-article tests."""
    second = ArticleReport(
        source="articles/other article.txt",
        as_of=AS_OF,
        references=sample_references()[:2],
    )
    return RunReport(articles=(sample_article(), second), tool_version="0.1.0")


def empty_report() -> RunReport:
    """An article in which no reference was found."""
    return RunReport(articles=(ArticleReport(source="empty.txt", as_of=AS_OF, references=()),))
