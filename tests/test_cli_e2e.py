"""End to end through the CLI, on the seed article, against local stand-ins only.

The seed cites real hosts (www.uptodate.com, www.acog.org). The tests rewrite those
URLs to a local web stand-in, so every request stays on 127.0.0.1, and point
``--crossref-url`` and ``--doi-resolver-url`` at a local Crossref stand-in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from refcheck.cli import main
from tests.standins.crossref import CrossrefStandin, load_fixture_handles, load_fixture_works
from tests.standins.web import WebStandin, page

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "fixtures" / "mayo-leg-cramps-pregnancy.txt"
AS_OF = "2026-11-26"

SEED_DOIS = {
    4: "10.1016/j.jmwh.2009.01.003",  # Hensley 2009
    5: "10.1016/j.ejogrb.2008.07.005",  # Nygaard 2008
    6: "10.1002/14651858.cd000121",  # Young 2002 (Cochrane)
    8: "10.5555/tpm.2007.10.8.40",  # Anderson 2007 (curated)
}


@pytest.fixture()
def crossref() -> Iterator[CrossrefStandin]:
    with CrossrefStandin(load_fixture_works(), handles=load_fixture_handles()) as standin:
        yield standin


@pytest.fixture()
def web() -> Iterator[WebStandin]:
    with WebStandin() as standin:
        standin.add_page(
            "/home/index.html", page("UpToDate", "Evidence-based clinical decision support")
        )
        # ACOG moved the page: the old deep link now lands on the site's home page.
        standin.add_redirect("/publications/patient_education/ab005.cfm", "/", status=302)
        yield standin


def seed_on(web: WebStandin, tmp_path: Path) -> Path:
    """The seed with its two hosts pointed at the local web stand-in."""
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("http://www.uptodate.com", web.base).replace(
        "http://www.acog.org", web.base
    )
    path = tmp_path / "seed.txt"
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def check_json(
    path: Path, crossref: CrossrefStandin, tmp_path: Path, *extra: str
) -> tuple[int, dict[str, Any]]:
    code, out, err = run(
        "check",
        str(path),
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "--crossref-url",
        crossref.url,
        "--doi-resolver-url",
        crossref.url,
        "--mailto",
        "tests@example.org",
        "--no-archive",
        "--allow-private",
        "--cache-dir",
        str(tmp_path / "cache"),
        "--timeout",
        "5",
        *extra,
    )
    assert out, err
    return code, json.loads(out)


def codes(ref: dict[str, Any]) -> set[str]:
    return {f["code"] for f in ref["findings"]}


# ------------------------------------------------------------------ the seed


def test_seed_finds_exactly_the_ten_references_with_lines() -> None:
    code, out, err = run("parse", str(SEED), "--format", "json")
    assert code == 0, err
    items = json.loads(out)
    assert len(items) == 10
    assert [i["line"] for i in items] == list(range(40, 50))
    assert items[0]["raw"].startswith("Bermas BL. Musculoskeletal changes")
    assert items[-1]["raw"].startswith("Harms RW (expert opinion)")


def test_seed_full_check_against_standins(
    crossref: CrossrefStandin, web: WebStandin, tmp_path: Path
) -> None:
    code, report = check_json(seed_on(web, tmp_path), crossref, tmp_path)
    (article,) = report["articles"]
    refs = article["references"]
    assert len(refs) == 10

    # Four web pages accessed Oct. 12/13, 2010: stale as of 2026-11-26.
    stale = [r["index"] for r in refs if "stale-access-date" in codes(r)]
    assert stale == [1, 2, 3, 7]

    # The two "(expert opinion)" entries: personal communications, not resolved.
    for index in (9, 10):
        assert refs[index - 1]["parsed"]["type"] == "personal_communication"
        assert refs[index - 1]["resolution"]["status"] == "skipped"

    # The four journal articles resolve to their registered DOIs.
    for index, doi in SEED_DOIS.items():
        resolution = refs[index - 1]["resolution"]
        assert resolution["status"] == "matched", (index, resolution)
        assert resolution["doi"].lower() == doi
        assert resolution["confidence"] >= 0.8
        assert "doi-missing" in codes(refs[index - 1])
    # None of the web pages or communications got a DOI.
    assert all(refs[i - 1]["resolution"]["doi"] is None for i in (1, 2, 3, 7, 9, 10))

    # The ACOG deep link now redirects to the site root: a soft 404, an error.
    acog = refs[2]["links"][0]
    assert acog["status"] == "soft-404"
    assert "link-soft-404" in codes(refs[2])
    # UpToDate answers: alive.
    assert refs[0]["links"][0]["status"] == "ok"
    assert refs[0]["links"][0]["http_status"] == 200

    assert article["summary"]["references"] == 10
    assert article["summary"]["resolution"] == {"matched": 4, "skipped": 6}
    # A soft 404 is an error, so the default --fail-on error exits 1.
    assert code == 1


def test_second_run_is_answered_from_the_cache(
    crossref: CrossrefStandin, web: WebStandin, tmp_path: Path
) -> None:
    seed = seed_on(web, tmp_path)
    first_code, first = check_json(seed, crossref, tmp_path)
    crossref_requests, web_requests = len(crossref.requests), len(web.seen)
    assert crossref_requests > 0 and web_requests > 0
    second_code, second = check_json(seed, crossref, tmp_path)
    assert len(crossref.requests) == crossref_requests, "Crossref asked again"
    assert len(web.seen) == web_requests, "links checked again"
    assert second == first
    assert second_code == first_code


def test_json_is_deterministic(crossref: CrossrefStandin, web: WebStandin, tmp_path: Path) -> None:
    seed = seed_on(web, tmp_path)
    _, one = check_json(seed, crossref, tmp_path)
    _, two = check_json(seed, crossref, tmp_path, "--refresh")
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)


def test_crossref_outage_marks_references_error_and_goes_on(
    web: WebStandin, tmp_path: Path
) -> None:
    dead = "http://127.0.0.1:9"  # the discard port: nothing listens there
    _code, out, _err = run(
        "check",
        str(seed_on(web, tmp_path)),
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "--crossref-url",
        dead,
        "--doi-resolver-url",
        dead,
        "--no-archive",
        "--allow-private",
        "--no-cache",
        "--timeout",
        "2",
    )
    report = json.loads(out)
    (article,) = report["articles"]
    statuses = [r["resolution"]["status"] for r in article["references"]]
    assert statuses.count("error") == 4
    assert all(r["resolution"]["doi"] is None for r in article["references"])
    assert any(n["service"] == "crossref" for n in article["notices"])
    # The links were still checked.
    assert article["references"][0]["links"][0]["status"] == "ok"


def test_no_crossref_no_links_text_report() -> None:
    code, out, err = run(
        "check", str(SEED), "--no-crossref", "--no-links", "--as-of", AS_OF, "--no-cache"
    )
    assert code == 0, err  # stale dates are warnings; the default --fail-on is error
    assert "stale-access-date" in out
    assert "line 40" in out
    assert "\x1b[" not in out  # no colour when not writing to a terminal


def test_fail_on_warning_exits_1() -> None:
    code, _, _ = run(
        "check",
        str(SEED),
        "--no-crossref",
        "--no-links",
        "--as-of",
        AS_OF,
        "--no-cache",
        "--fail-on",
        "warning",
    )
    assert code == 1


def test_stale_after_option_changes_the_verdict() -> None:
    _, out, _ = run(
        "check",
        str(SEED),
        "--no-crossref",
        "--no-links",
        "--as-of",
        "2011-01-01",
        "--no-cache",
        "--format",
        "json",
    )
    refs = json.loads(out)["articles"][0]["references"]
    assert not any("stale-access-date" in codes(r) for r in refs)
    _code, out, _ = run(
        "check",
        str(SEED),
        "--no-crossref",
        "--no-links",
        "--as-of",
        "2011-01-01",
        "--no-cache",
        "--format",
        "json",
        "--stale-after",
        "30d",
    )
    refs = json.loads(out)["articles"][0]["references"]
    assert sum("stale-access-date" in codes(r) for r in refs) == 4


# ------------------------------------------------------------- the contract


def test_parse_lines_contract(tmp_path: Path) -> None:
    src = tmp_path / "refs.txt"
    src.write_text(
        "Hensley JG. Leg cramps and restless legs syndrome during pregnancy. "
        "J Midwifery Womens Health. 2009;54(3):211-8.\n\n"
        "Smith A. A web page. https://example.org/page. [cited 2010 Oct 12].\n"
        "Doe J. (2019). A title. Retrieved March 3, 2019, from https://example.org/x\n",
        encoding="utf-8",
    )
    code, out, err = run("parse", str(src), "--input-format", "lines", "--format", "csl-json")
    assert code == 0, err
    items = json.loads(out)
    assert len(items) == 3
    assert items[0]["type"] == "article-journal"
    assert items[0]["page"] == "211-218"
    assert items[1]["accessed"] == {"date-parts": [[2010, 10, 12]]}
    assert items[2]["accessed"] == {"date-parts": [[2019, 3, 3]]}


def test_json_contract_fields(crossref: CrossrefStandin, web: WebStandin, tmp_path: Path) -> None:
    _, report = check_json(seed_on(web, tmp_path), crossref, tmp_path)
    article = report["articles"][0]
    assert {"source", "references", "summary"} <= set(article)
    ref = article["references"][0]
    assert {"raw", "parsed", "resolution", "links", "findings"} <= set(ref)
    assert {"status", "doi", "confidence"} <= set(ref["resolution"])
    assert {"url", "status", "http_status", "final_url", "archive_url"} <= set(ref["links"][0])
    assert {"code", "severity", "message"} <= set(ref["findings"][0])


def test_private_addresses_are_skipped_without_allow_private(
    web: WebStandin, tmp_path: Path
) -> None:
    _code, out, _ = run(
        "check",
        str(seed_on(web, tmp_path)),
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "--no-crossref",
        "--no-archive",
        "--no-cache",
    )
    refs = json.loads(out)["articles"][0]["references"]
    assert {link["status"] for r in refs for link in r["links"]} == {"skipped"}
    assert not web.seen


def test_output_file_and_several_outputs(tmp_path: Path) -> None:
    out_json, out_md = tmp_path / "r.json", tmp_path / "r.md"
    code, stdout, err = run(
        "check",
        str(SEED),
        "--no-crossref",
        "--no-links",
        "--as-of",
        AS_OF,
        "--no-cache",
        "-o",
        str(out_json),
        "-o",
        str(out_md),
    )
    assert code == 0, err
    assert stdout == ""
    assert json.loads(out_json.read_text())["articles"][0]["summary"]["references"] == 10
    assert "stale-access-date" in out_md.read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# --------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "no such file"),
        ("empty.txt", b"", "empty"),
        ("bin.dat", b"\x7fELF\x00\x00\x01" * 50, "binary"),
        ("bad.txt", b"Smith J. Title. 2001. caf\xe9\n", "UTF-8"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    name: str, content: bytes | None, message: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, _out, err = run("check", str(path), "--no-crossref", "--no-links", "--no-cache")
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], err


def test_empty_directory_is_an_error(tmp_path: Path) -> None:
    code, _, err = run("check", str(tmp_path), "--no-crossref", "--no-links", "--no-cache")
    assert code == 2
    assert "no documents" in err


def test_document_without_references_says_so(tmp_path: Path) -> None:
    path = tmp_path / "prose.txt"
    path.write_text("Just prose.\n\nNo list, no citations at all.\n", encoding="utf-8")
    code, out, _ = run("check", str(path), "--no-crossref", "--no-links", "--no-cache")
    assert code == 0
    assert "no references found" in out.lower()


def test_one_bad_file_does_not_lose_the_others(tmp_path: Path) -> None:
    code, out, err = run(
        "check",
        str(SEED),
        str(tmp_path / "missing.txt"),
        "--no-crossref",
        "--no-links",
        "--no-cache",
        "--format",
        "json",
    )
    assert code == 2
    assert "missing.txt: no such file" in err
    assert json.loads(out)["articles"][0]["summary"]["references"] == 10


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--as-of", "2026-13-01"], "YYYY-MM-DD"),
        (["--stale-after", "soon"], "invalid duration"),
        (["--fail-on", "fatal"], "unknown severity"),
        (["--format", "pdf"], "unknown format"),
        (["--cache-dir", "/tmp/x", "--no-cache"], "contradict"),
    ],
)
def test_bad_options_exit_2(args: list[str], needle: str) -> None:
    code, _, err = run("check", str(SEED), "--no-crossref", "--no-links", *args)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err


def test_unwritable_output_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "r.json"
    code, _, err = run(
        "check", str(SEED), "--no-crossref", "--no-links", "--no-cache", "-o", str(target)
    )
    assert code == 2
    assert "cannot write" in err
    assert not target.parent.exists()


def test_reports_get_ordinary_file_permissions(tmp_path: Path) -> None:
    import os
    import stat

    umask = os.umask(0o022)
    try:
        for name in ("r.json", "r.html"):
            run(
                "check",
                str(SEED),
                "--no-crossref",
                "--no-links",
                "--no-cache",
                "-o",
                str(tmp_path / name),
            )
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644
    finally:
        os.umask(umask)


@pytest.mark.parametrize("fmt", ["bibtex", "ris"])
def test_parse_exports_round_trip(fmt: str, tmp_path: Path) -> None:
    """The seed exported as BibTeX/RIS reads back as the same ten works."""
    code, out, err = run("parse", str(SEED), "--format", fmt)
    assert code == 0, err
    exported = tmp_path / ("seed.bib" if fmt == "bibtex" else "seed.ris")
    exported.write_text(out, encoding="utf-8")
    code, back, err = run("parse", str(exported), "--format", "csl-json")
    assert code == 0, err
    _, original, _ = run("parse", str(SEED), "--format", "csl-json")
    again, first = json.loads(back), json.loads(original)
    assert len(again) == len(first) == 10
    for a, b in zip(again, first, strict=True):
        assert a.get("title") == b.get("title")
        assert a.get("URL") == b.get("URL")
        assert a.get("accessed") == b.get("accessed")
        assert a["author"][0] == b["author"][0]


def test_directories_are_walked_with_include_and_exclude(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "seed.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "b.md").write_bytes(SEED.read_bytes())
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / ".hidden.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "old.txt").write_bytes(SEED.read_bytes())
    base = ["check", str(tmp_path), "--no-crossref", "--no-links", "--no-cache", "--format", "json"]

    def sources(*extra: str) -> list[str]:
        code, out, err = run(*base, *extra)
        assert code in (0, 1), err
        return [
            Path(a["source"]).relative_to(tmp_path).as_posix() for a in json.loads(out)["articles"]
        ]

    # Documents only (no PNG), hidden files skipped, sorted.
    assert sources() == ["a/seed.txt", "b.md", "drafts/old.txt"]
    assert sources("--exclude", "drafts/*") == ["a/seed.txt", "b.md"]
    assert sources("--include", "*.md") == ["b.md"]
    code, _, err = run(*base, "--include", "*.docx")
    assert code == 2 and "no documents to check" in err


def test_drift_through_the_cli(web: WebStandin, tmp_path: Path) -> None:
    """--drift: the seed's UpToDate page now says something else than when cited."""
    from tests.links.test_drift import ARTICLE, REWRITTEN, Archive, new_template, old_template

    archive = Archive(web)
    page_url = web.url("/home/index.html")
    web.add_page("/drifted/index.html", new_template(REWRITTEN))
    web.add_page("/same/index.html", new_template(ARTICLE))
    archive.add(web.url("/drifted/index.html"), old_template(ARTICLE))
    archive.add(web.url("/same/index.html"), old_template(ARTICLE))
    text = SEED.read_text(encoding="utf-8")
    text = text.replace(
        "http://www.uptodate.com/home/index.html", web.url("/drifted/index.html"), 1
    )
    text = text.replace("http://www.uptodate.com/home/index.html", web.url("/same/index.html"), 1)
    seed = tmp_path / "seed.txt"
    seed.write_text(text, encoding="utf-8")
    assert page_url not in text
    base = [
        "check",
        str(seed),
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "--no-crossref",
        "--allow-private",
        "--no-cache",
        "--timeout",
        "5",
        "--wayback-url",
        web.url("/wayback/available"),
    ]
    _, out, err = run(*base, "--drift")
    refs = json.loads(out)["articles"][0]["references"]
    assert "content-drift" in codes(refs[0]), err
    assert refs[0]["links"][0]["status"] == "ok"  # drift never changes the verdict
    assert refs[0]["links"][0]["content_similarity"] < 0.5
    assert "content-drift" not in codes(refs[1])
    assert refs[1]["links"][0]["content_similarity"] >= 0.9
    # Without --drift nothing is measured.
    _, out, _ = run(*base)
    refs = json.loads(out)["articles"][0]["references"]
    assert "content_similarity" not in refs[0]["links"][0]


def test_refresh_asks_again_and_refills_the_cache(
    crossref: CrossrefStandin, web: WebStandin, tmp_path: Path
) -> None:
    seed = seed_on(web, tmp_path)
    check_json(seed, crossref, tmp_path)
    counts = (len(crossref.requests), len(web.seen))
    check_json(seed, crossref, tmp_path, "--refresh")
    refreshed = (len(crossref.requests), len(web.seen))
    assert refreshed[0] > counts[0] and refreshed[1] > counts[1]
    check_json(seed, crossref, tmp_path)  # answered from what --refresh stored
    assert (len(crossref.requests), len(web.seen)) == refreshed
