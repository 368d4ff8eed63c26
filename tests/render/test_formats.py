"""Behaviour of each renderer beyond the golden files: contracts, schemas, safety, caps."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import pathlib
import re
import xml.etree.ElementTree as ET
from typing import Any

import jsonschema
import pytest

from refcheck.errors import UsageError
from refcheck.model import (
    ArticleReport,
    Finding,
    LinkStatus,
    ReferenceReport,
    ResolutionStatus,
    RunReport,
    Severity,
)
from refcheck.render import FORMATS, Renderer, format_for_path, render, renderer_for
from refcheck.render.github import GithubRenderer
from refcheck.render.junit import JunitRenderer
from refcheck.render.sarif import SarifRenderer

# shared/ lies beside the repository (in CI beside the fresh clone).
SCHEMAS = pathlib.Path(__file__).resolve().parents[3] / "shared" / "data" / "schemas"
if not SCHEMAS.exists():
    SCHEMAS = pathlib.Path("/work/shared/data/schemas")


def _schema(name: str) -> dict[str, Any]:
    path = SCHEMAS / name
    if not path.exists():
        pytest.skip(f"schema {name} not found under {SCHEMAS}")
    result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return result


def _refs(report: RunReport) -> list[ReferenceReport]:
    return [r for a in report.articles for r in a.references]


def _with_findings(report: RunReport, n: int, severity: Severity) -> RunReport:
    """The first reference of ``report`` carrying ``n`` extra findings of ``severity``."""
    article = report.articles[0]
    first = article.references[0]
    extra = tuple(
        Finding(f"code-{i % 3}", severity, f"finding {i}\n::error::forged") for i in range(n)
    )
    first = dataclasses.replace(first, findings=extra)
    article = dataclasses.replace(article, references=(first,), notices=())
    return RunReport(articles=(article,))


# ------------------------------------------------------------------------ the API


def test_formats_and_registry() -> None:
    assert set(FORMATS) == {
        "text", "json", "csl-json", "markdown", "html", "csv",
        "junit", "sarif", "github", "bibtex", "ris",
    }  # fmt: skip
    for fmt in FORMATS:
        renderer = renderer_for(fmt)
        assert isinstance(renderer, Renderer)
        assert renderer.name == fmt
    assert renderer_for("SARIF").name == "sarif"


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as info:
        renderer_for("pdf")
    message = str(info.value)
    assert message.startswith("unknown format 'pdf' (choose from: text, json,")
    assert "\n" not in message
    with pytest.raises(UsageError):
        render(RunReport(articles=()), "nope")


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("out/report.json", "json"),
        ("REPORT.JSON", "json"),
        ("refs.csl.json", "csl-json"),
        ("results.sarif", "sarif"),
        ("results.sarif.json", "sarif"),
        ("report.html", "html"),
        ("report.htm", "html"),
        ("summary.md", "markdown"),
        ("table.csv", "csv"),
        ("junit.xml", "junit"),
        ("refs.bib", "bibtex"),
        ("refs.ris", "ris"),
        ("report.txt", "text"),
        ("report", None),
        ("report.pdf", None),
        (".json", None),
        ("", None),
    ],
)
def test_format_for_path(path: str, fmt: str | None) -> None:
    assert format_for_path(path) == fmt


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_handles_empty_runs(fmt: str, sample: Any) -> None:
    for report in (RunReport(articles=()), sample.empty_report()):
        out = render(report, fmt)
        assert isinstance(out, str)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_handles_many_articles(fmt: str, two_articles: RunReport) -> None:
    out = render(two_articles, fmt)
    assert out.endswith("\n")
    if fmt not in ("bibtex", "ris", "csl-json", "github"):
        assert "other article.txt" in out or "other%20article.txt" in out


# ----------------------------------------------------------------------- text


def test_text_shows_every_reference_grouped_by_severity(report: RunReport) -> None:
    out = render(report, "text")
    for ref in _refs(report):
        assert f"[{ref.index}] line {ref.line}:" in out
    headings = ["Errors (3)", "Warnings (4)", "Notes (1)", "No findings (3)"]
    positions = [out.index(h) for h in headings]
    assert positions == sorted(positions)
    # Each finding with its fix, the summary and the service notices.
    assert "fix: add doi:10.1016/j.jmwh.2008.12.006" in out
    assert "findings:   4 error, 5 warning, 3 info" in out
    assert "! crossref: Crossref could not be reached" in out
    assert "4 inconclusive: not counted as broken" in out
    assert "archived: https://web.archive.org/" in out


def test_text_without_color_has_no_escape_sequences(report: RunReport) -> None:
    out = render(report, "text")
    assert "\x1b" not in out
    assert "\u202e" not in out  # the bidi override in the sample is neutralised too
    # A short title carrying ESC [ 31 m is shown escaped, so a reader sees it is there.
    article = report.articles[0]
    first = article.references[0]
    first = dataclasses.replace(
        first, reference=dataclasses.replace(first.reference, title="Bad\x1b[31mTitle")
    )
    hostile = RunReport(articles=(dataclasses.replace(article, references=(first,)),))
    out = render(hostile, "text")
    assert "\x1b" not in out
    assert "Bad\\u001b[31mTitle" in out


def test_text_color_only_uses_its_own_sgr_codes(report: RunReport) -> None:
    out = render(report, "text", color=True)
    assert "\x1b[1;31mERROR\x1b[0m" in out
    # Remove the renderer's own colour codes: no escape byte may remain (the sample's
    # reference carries ESC ] 0 ; ... BEL, a title-setting sequence).
    rest = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert "\x1b" not in rest and "\x07" not in rest
    assert rest == render(report, "text")


# ----------------------------------------------------------------------- json


def test_json_is_exactly_the_contract(report: RunReport) -> None:
    out = render(report, "json")
    assert out.endswith("}\n")
    data = json.loads(out)
    assert data == json.loads(json.dumps(report.to_json()))
    ref = data["articles"][0]["references"][0]
    for key in ("raw", "parsed", "resolution", "links", "findings"):
        assert key in ref
    assert data["articles"][0]["summary"]["references"] == 11


# ------------------------------------------------------------------- csl-json


def test_csl_json_is_valid_and_enriched(report: RunReport) -> None:
    items = json.loads(render(report, "csl-json"))
    jsonschema.validate(items, _schema("csl-data.json"))
    assert len(items) == len(_refs(report))
    by_id = {item["id"]: item for item in items}
    # A matched reference gets the registered DOI; a wrong cited DOI is replaced.
    assert by_id["ref1"]["DOI"] == "10.1016/j.jmwh.2008.12.006"
    assert by_id["ref2"]["DOI"] == "10.1016/j.ejogrb.2008.07.005"
    assert "10.1016/j.ejogrb.2008.07.999" in by_id["ref2"]["note"]
    # An ambiguous one gets none: refcheck did not decide.
    assert "DOI" not in by_id["ref3"]
    # Permanent (301, 308) chain: the URL is updated; temporary (302): kept as cited.
    assert by_id["ref7"]["URL"] == "https://www.uptodate.com/contents/joint-protection-program"
    assert by_id["ref6"]["URL"] == "http://www.acog.org/publications/patient_education/ab005.cfm"
    assert "Archived copy: https://web.archive.org/web/2010" in by_id["ref6"]["note"]


def test_csl_json_ids_are_unique_over_many_articles(two_articles: RunReport) -> None:
    items = json.loads(render(two_articles, "csl-json"))
    jsonschema.validate(items, _schema("csl-data.json"))
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)) == 13


# ------------------------------------------------------------------------ csv


def test_csv_one_row_per_reference_and_no_formula(report: RunReport, sample: Any) -> None:
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert len(rows) == len(_refs(report))
    assert [int(r["index"]) for r in rows] == [r.index for r in _refs(report)]
    statuses = {s for r in rows for s in r["link_statuses"].split("\n") if s}
    assert statuses == {s.value for s in LinkStatus}
    assert {r["resolution_status"] for r in rows} == {s.value for s in ResolutionStatus}
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
            assert "\x1b" not in value
    evil = rows[9]
    assert evil["raw"].startswith("'=HYPERLINK(")
    assert evil["fixes"] == "link-invalid: " + sample.FORMULA  # not at a cell start: kept


def test_csv_neutralises_every_formula_starter() -> None:
    from refcheck.render.csv_report import neutralise

    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise(start + "1+1") == "'" + start + "1+1"
    assert neutralise("plain") == "plain"
    assert neutralise("a=b") == "a=b"


# ---------------------------------------------------------------------- junit


def test_junit_cases_failures_and_skips(report: RunReport) -> None:
    root = ET.fromstring(render(report, "junit"))
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 11
    failing = {r.index for r in _refs(report) if (r.worst_severity or 0) >= Severity.WARNING}
    failed = {
        int(c.get("name", "")[1:].split("]")[0]) for c in cases if c.find("failure") is not None
    }
    assert failed == failing
    assert root.get("failures") == str(len(failing))
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert len(skipped) == 2  # the personal communication; the all-inconclusive links
    assert all(c.get("line") for c in cases)


def test_junit_threshold_is_configurable(report: RunReport) -> None:
    root = ET.fromstring(JunitRenderer(fail_on=Severity.ERROR).render(report))
    errors = {r.index for r in _refs(report) if r.worst_severity == Severity.ERROR}
    assert root.get("failures") == str(len(errors))


# ---------------------------------------------------------------------- sarif


def test_sarif_is_valid_and_points_at_reference_lines(report: RunReport) -> None:
    log = json.loads(render(report, "sarif"))
    jsonschema.Draft4Validator(_schema("sarif-schema-2.1.0.json")).validate(log)
    results = log["runs"][0]["results"]
    findings = [(r, f) for r in _refs(report) for f in r.findings]
    assert len(results) == len(findings)
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for result, (ref, finding) in zip(results, findings, strict=True):
        assert result["ruleId"] == finding.code
        assert rules[result["ruleIndex"]]["id"] == finding.code
        assert result["level"] == levels[finding.severity]
        location = result["locations"][0]["physicalLocation"]
        assert location["region"]["startLine"] == ref.line
        assert location["artifactLocation"]["uri"] == "articles/leg-cramps.md"
    fingerprints = [next(iter(r["partialFingerprints"].values())) for r in results]
    assert len(set(fingerprints)) == len(fingerprints)


def test_sarif_caps_results_keeping_the_gravest(report: RunReport) -> None:
    log = json.loads(SarifRenderer(max_results=4).render(report))
    results = log["runs"][0]["results"]
    assert len(results) == 4
    assert {r["level"] for r in results} == {"error"}
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("8 results dropped" in n["message"]["text"] for n in notes)


def test_sarif_default_cap_is_github_limit(report: RunReport) -> None:
    big = _with_findings(report, 5003, Severity.WARNING)
    log = json.loads(render(big, "sarif"))
    assert len(log["runs"][0]["results"]) == 5000
    jsonschema.Draft4Validator(_schema("sarif-schema-2.1.0.json")).validate(log)


def test_sarif_artifact_uris() -> None:
    from refcheck.render.sarif import artifact_uri

    assert artifact_uri("docs/my paper.md") == {
        "uri": "docs/my%20paper.md",
        "uriBaseId": "%SRCROOT%",
    }
    assert artifact_uri("/abs/a.md") == {"uri": "file:///abs/a.md"}
    assert artifact_uri("https://example.org/a.html") == {"uri": "https://example.org/a.html"}


# --------------------------------------------------------------------- github


def test_github_annotations_capped_per_type(report: RunReport) -> None:
    out = GithubRenderer().render(_with_findings(report, 15, Severity.ERROR))
    lines = out.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == 10
    assert "refcheck: 5 more error annotation(s) not shown" in out
    # The forged "\n::error::" inside a message stays inside its own command line.
    assert not any(line.startswith("::error::") for line in lines)
    assert all(re.search(r"::finding \d+ ::error::forged$", line) for line in errors)


def test_github_annotations_point_at_lines(report: RunReport) -> None:
    out = render(report, "github")
    assert "::error file=articles/leg-cramps.md,line=41,title=refcheck retracted [2]::" in out
    assert "::notice file=articles/leg-cramps.md,line=42," in out
    assert "::warning title=refcheck%3A crossref::" in out


# ------------------------------------------------------------ markdown and html


def test_markdown_escapes_document_text(report: RunReport, sample: Any) -> None:
    out = render(report, "markdown")
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
    assert "](javascript:" not in out
    assert "[10.1016/j.jmwh.2008.12.006](https://doi.org/10.1016/j.jmwh.2008.12.006)" in out
    assert "\x1b" not in out
    table_rows = [line for line in out.splitlines() if re.match(r"^\| [🔴🟠🔵🟢] \|", line)]
    assert len(table_rows) == 11


def test_html_is_self_contained_and_inert(report: RunReport) -> None:
    import base64
    import hashlib

    out = render(report, "html")
    assert out.count("<script>") == 1 and out.count("</script>") == 1
    assert "&lt;script&gt;window.__pwned" in out
    assert 'href="javascript:' not in out
    assert not re.search(r"\ssrc=", out)
    assert "<link" not in out
    hrefs = re.findall(r'href="([^"]*)"', out)
    assert hrefs and all(h.startswith(("http://", "https://", "#")) for h in hrefs)
    # The CSP admits exactly the page's own script, by hash.
    script = out.split("<script>", 1)[1].split("</script>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in out


# -------------------------------------------------------------- bibtex and ris


def test_bibtex_entries_enriched_and_balanced(report: RunReport) -> None:
    out = render(report, "bibtex")
    entries = [e for e in out.split("\n\n") if e.strip()]
    assert len(entries) == 11
    for entry in entries:
        body = entry.replace("\\{", "").replace("\\}", "")
        assert body.count("{") == body.count("}"), entry
    assert "doi = {10.1016/j.jmwh.2008.12.006}" in entries[0]
    assert "url = {https://www.uptodate.com/contents/joint-protection-program}" in out
    keys = re.findall(r"^@\w+\{([^,\n]+)", out, re.M)
    assert len(keys) == len(set(keys)) == 11
    assert "\x1b" not in out and "\u202e" not in out


def test_ris_records(report: RunReport) -> None:
    out = render(report, "ris")
    lines = out.splitlines()
    assert sum(line.startswith("TY  - ") for line in lines) == 11
    assert sum(line == "ER  - " for line in lines) == 11
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines if line)
    assert "DO  - 10.1016/j.jmwh.2008.12.006" in lines
    assert "TY  - PCOMM" in lines and "TY  - ELEC" in lines


def test_article_without_references_is_explicit(sample: Any) -> None:
    report = sample.empty_report()
    assert "No references found." in render(report, "text")
    assert "No references found." in render(report, "markdown")
    assert "No references found." in render(report, "html")
    assert json.loads(render(report, "csl-json")) == []
    article: ArticleReport = report.articles[0]
    assert article.source in render(report, "junit")


def test_markdown_fits_a_pull_request_comment(report: RunReport) -> None:
    from refcheck.render.markdown import MarkdownRenderer

    refs = report.articles[0].references
    many = tuple(dataclasses.replace(refs[i % len(refs)], index=i + 1) for i in range(400))
    big = RunReport(articles=(dataclasses.replace(report.articles[0], references=many),))
    assert len(render(big, "markdown")) > 65_536  # the default cap is the 1 MiB summary
    out = MarkdownRenderer(max_chars=65_000).render(big)
    assert len(out) <= 65_000
    shown = len(re.findall(r"^\| [🔴🟠🔵🟢] \|", out, re.M))
    omitted = [int(n) for n in re.findall(r"_(\d+) more references not shown", out)]
    assert omitted and shown + sum(omitted) == 400
    # The gravest come first, so what is cut is the least important.
    assert "🔴" in out


def test_html_fix_urls_are_links(report: RunReport) -> None:
    out = render(report, "html")
    archived = "https://web.archive.org/web/20251012000000/http://example.org/artal-2010"
    assert f'<strong>Fix:</strong> cite the archived copy <a class="url" href="{archived}"' in out
    # A javascript: URL in a message stays text.
    assert "javascript:window.__pwned=2 is not a web address" in out
