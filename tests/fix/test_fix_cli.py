"""`refcheck fix` end to end through its click command, against local stand-ins only.

The fixtures in ``fixtures/fix/`` cite the seed's four journal articles (one without
its DOI and with a wrong issue, one with another work's DOI, two without DOIs), a page
that moved permanently (301 -> 308) and a dead page (404). Their host is written
``http://web.example``; the tests point it at the local web stand-in and map the
stand-in's address back before comparing with the golden outputs in
``fixtures/fix/golden/``. ``REFCHECK_UPDATE_GOLDEN=1`` rewrites the golden files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import click
import pytest
from click.testing import CliRunner

from refcheck.extract import extract_references, load_document
from refcheck.fix.command import BACKUP_SUFFIX, fix_command
from refcheck.parse import parse_reference
from tests.standins.crossref import CrossrefStandin, load_fixture_handles, load_fixture_works
from tests.standins.web import Reply, Seen, WebStandin, page

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "fix"
GOLDEN = FIXTURES / "golden"
SEED = ROOT / "fixtures" / "mayo-leg-cramps-pregnancy.txt"
PLACEHOLDER = "http://web.example"
AS_OF = "2026-11-26"

HENSLEY = "10.1016/j.jmwh.2009.01.003"
NYGAARD = "10.1016/j.ejogrb.2008.07.005"
YOUNG = "10.1002/14651858.cd000121"
ANDERSON = "10.5555/tpm.2007.10.8.40"

BIBLIOGRAPHIES = ["references.bib", "references.ris", "references.json", "article.xml"]
DIFFED = ["article.md"]


@pytest.fixture()
def crossref() -> Iterator[CrossrefStandin]:
    with CrossrefStandin(load_fixture_works(), handles=load_fixture_handles()) as standin:
        yield standin


@pytest.fixture()
def web() -> Iterator[WebStandin]:
    with WebStandin() as standin:
        # The Wayback availability API, answering with copies on the stand-in itself,
        # so that a second run checks the archived links locally too.
        def wayback(seen: Seen) -> Reply:
            query = parse_qs(urlsplit(seen.path).query)
            url = query.get("url", [""])[0]
            stamp = (query.get("timestamp", ["20200101"])[0] + "000000")[:14]
            path = f"/archive/{stamp}/{url}"
            # Only snapshots the API handed out exist (a random sibling is a 404).
            standin.add_page(path, page("Archived", f"Snapshot of {url} taken {stamp}. " * 20))
            snapshot = {"available": True, "status": "200", "timestamp": stamp,
                        "url": standin.base + path}
            body = {"url": url, "archived_snapshots": {"closest": snapshot}}
            return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

        standin.add("/wayback/available", wayback)
        standin.add(
            "/archive/", lambda s: Reply(200, page("Archived", f"Snapshot {s.path} " * 20)),
            prefix=True,
        )
        standin.add_page(
            "/home/index.html", page("UpToDate", "Evidence-based clinical decision support")
        )
        standin.add_redirect("/publications/patient_education/ab005.cfm", "/", status=302)
        yield standin


def service_args(crossref: CrossrefStandin, web: WebStandin, tmp_path: Path) -> list[str]:
    return [
        "--as-of", AS_OF,
        "--crossref-url", crossref.url,
        "--doi-resolver-url", crossref.url,
        "--mailto", "tests@example.org",
        "--wayback-url", web.url("/wayback/available"),
        "--allow-private",
        "--cache-dir", str(tmp_path / "cache"),
        "--timeout", "5",
    ]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(fix_command, list(args), catch_exceptions=False)
    # Result.stdout turns CRLF into LF: read the bytes to see the line breaks written.
    return result.exit_code, result.stdout_bytes.decode("utf-8"), result.stderr


def localise(name: str, web: WebStandin, directory: Path) -> Path:
    """The fixture copied into ``directory`` with its host pointed at the stand-in."""
    data = (FIXTURES / name).read_bytes().replace(PLACEHOLDER.encode(), web.base.encode())
    path = directory / name
    path.write_bytes(data)
    return path


def golden(name: str, actual: str) -> str:
    """The golden text for ``name`` (rewritten first when REFCHECK_UPDATE_GOLDEN is set)."""
    path = GOLDEN / name
    if os.environ.get("REFCHECK_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
    return path.read_bytes().decode("utf-8")


def dois_in(path: Path) -> list[str | None]:
    """The DOI of each reference, as refcheck itself reads the file back."""
    refs = extract_references(load_document(str(path)))
    return [
        (parse_reference(r.raw, r.fields).doi or "").lower() or None for r in refs
    ]


# ------------------------------------------------------------- corrected copies


@pytest.mark.parametrize("name", BIBLIOGRAPHIES)
def test_corrected_copy_matches_golden_and_reads_back(
    name: str, crossref: CrossrefStandin, web: WebStandin, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    source = localise(name, web, tmp_path)
    before = source.read_bytes()
    code, out, err = run(name, *service_args(crossref, web, tmp_path))
    assert code == 0, err
    assert source.read_bytes() == before, "SOURCE changed without --in-place"

    # Every change is listed on stderr, each naming the finding it answers.
    assert "[doi-missing]" in err and "[doi-mismatch]" in err
    assert "[link-redirected]" in err and "[link-broken]" in err
    assert "[metadata-mismatch]" in err and "issue '4' to '3'" in err

    normalised = out.replace(web.base, PLACEHOLDER)
    assert normalised == golden(name, normalised)

    # Read back by refcheck's own readers: the four works carry their registered DOIs.
    corrected = tmp_path / f"corrected-{name}"
    corrected.write_text(out, encoding="utf-8", newline="")
    assert dois_in(corrected)[:4] == [HENSLEY, NYGAARD, YOUNG, ANDERSON]
    assert web.url("/new/home") in out and web.url("/redirect/moved") not in out
    assert f"{web.base}/archive/20230502000000/{web.url('/status/404')}" in out


@pytest.mark.parametrize("name", BIBLIOGRAPHIES + DIFFED)
def test_nothing_to_fix_leaves_every_byte(
    name: str, web: WebStandin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = localise(name, web, tmp_path)
    code, out, err = run(name, "--no-crossref", "--no-links", "--no-cache")
    assert code == 0, err
    if name in DIFFED:
        assert out == ""
    else:
        assert out.encode("utf-8") == source.read_bytes()
    assert "0 changes" in err


def test_ris_keeps_crlf_line_breaks(
    crossref: CrossrefStandin, web: WebStandin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    localise("references.ris", web, tmp_path)
    code, out, err = run("references.ris", *service_args(crossref, web, tmp_path))
    assert code == 0, err
    assert "\r\nDO  - 10.1016/j.jmwh.2009.01.003\r\nER  - " in out
    assert "\n" not in out.replace("\r\n", "")


# ------------------------------------------------------------------ diffs


def test_markdown_gives_a_unified_diff_that_applies(
    crossref: CrossrefStandin, web: WebStandin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = localise("article.md", web, tmp_path)
    original = source.read_text(encoding="utf-8")
    code, out, err = run("article.md", *service_args(crossref, web, tmp_path))
    assert code == 0, err
    normalised = out.replace(web.base, PLACEHOLDER)
    assert normalised == golden("article.md.diff", normalised)
    assert out.startswith("--- a/article.md\n+++ b/article.md\n")
    # Only the references' own lines change; the prose and the 302 link stay.
    removed = [ln[1:] for ln in out.splitlines() if ln.startswith("-") and ln[1:3] != "--"]
    assert all(line in original.splitlines()[6:] for line in removed)
    assert not any("redirect/302" in line for line in removed)
    if shutil.which("patch") is None:
        pytest.skip("no patch program to apply the diff with")
    subprocess.run(["patch", "-s", "-p1"], input=out.encode(), check=True, cwd=tmp_path)
    assert dois_in(source)[:4] == [HENSLEY, NYGAARD, YOUNG, ANDERSON]


def test_seed_text_article_diff(
    crossref: CrossrefStandin, web: WebStandin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seed: four DOIs appended AMA style, an archived copy for the soft-404 ACOG page."""
    monkeypatch.chdir(tmp_path)
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("http://www.uptodate.com", web.base).replace(
        "http://www.acog.org", web.base
    )
    (tmp_path / "seed.txt").write_text(text, encoding="utf-8")
    code, out, err = run("seed.txt", *service_args(crossref, web, tmp_path))
    assert code == 0, err
    normalised = out.replace(web.base, PLACEHOLDER)
    assert normalised == golden("seed.txt.diff", normalised)
    added = [ln for ln in out.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    assert len(added) == 5
    by_author = {ln[3:10]: ln for ln in added}
    assert by_author["Hensley"].endswith("2009;54:211. doi:10.1016/j.jmwh.2009.01.003")
    assert by_author["Nygaard"].endswith("2008;141:23. doi:10.1016/j.ejogrb.2008.07.005")
    assert by_author["Young G"].endswith("2002:CD000121. doi:10.1002/14651858.CD000121")
    assert by_author["Anderso"].endswith("2007;10:40. doi:10.5555/tpm.2007.10.8.40")
    # The ACOG page became a soft 404: its copy archived nearest the access date.
    assert by_author["You and"].endswith(
        f"Accessed Oct. 12, 2010. Archived at {web.base}/archive/20101012000000/"
        f"{web.base}/publications/patient_education/ab005.cfm."
    )


# --------------------------------------------------------------- in place


@pytest.mark.parametrize("name", BIBLIOGRAPHIES + DIFFED)
def test_in_place_keeps_a_backup_and_a_second_run_changes_nothing(
    name: str, crossref: CrossrefStandin, web: WebStandin, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    source = localise(name, web, tmp_path)
    original = source.read_bytes()
    code, out, err = run(name, "--in-place", *service_args(crossref, web, tmp_path))
    assert code == 0, err
    assert out == ""
    backup = tmp_path / (name + BACKUP_SUFFIX)
    assert backup.read_bytes() == original
    fixed = source.read_bytes()
    assert fixed != original
    assert dois_in(source)[:4] == [HENSLEY, NYGAARD, YOUNG, ANDERSON]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    backup.unlink()
    code, _out, err = run(name, "--in-place", *service_args(crossref, web, tmp_path))
    assert code == 0, err
    assert source.read_bytes() == fixed, "a second run changed the fixed file"
    assert not backup.exists(), "nothing changed, yet a backup was written"


def test_dry_run_lists_changes_and_writes_nothing(
    crossref: CrossrefStandin, web: WebStandin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = localise("references.bib", web, tmp_path)
    before = source.read_bytes()
    code, out, _err = run("references.bib", "--dry-run", "--in-place",
                          *service_args(crossref, web, tmp_path))
    assert code == 0
    assert "fixed: hensley2009 (line 4): add DOI 10.1016/j.jmwh.2009.01.003 [doi-missing]" in out
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["references.bib"]


def test_output_file(
    crossref: CrossrefStandin, web: WebStandin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    localise("references.json", web, tmp_path)
    code, out, err = run("references.json", "-o", "fixed.json", "-q",
                         *service_args(crossref, web, tmp_path))
    assert code == 0, err
    assert out == "" and err == ""
    items = json.loads((tmp_path / "fixed.json").read_text(encoding="utf-8"))
    assert [i.get("DOI", "").lower() for i in items[:4]] == [HENSLEY, NYGAARD, YOUNG, ANDERSON]
    assert [i["id"] for i in items] == [
        "hensley2009", "nygaard2008", "young2002", "anderson2007", "acog-exercise",
        "uptodate-cramps",
    ]
    assert list(items[0]) == [
        "id", "type", "title", "container-title", "author", "issued", "volume", "issue",
        "page", "DOI",
    ], "key order not kept"


# ------------------------------------------------------------------ bad input


def test_pdf_is_refused_in_one_line(tmp_path: Path) -> None:
    pdf = ROOT / "fixtures" / "formats" / "pdf" / "review-article.pdf"
    code, out, err = run(str(pdf), "--no-crossref", "--no-links", "--no-cache")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "fix: cannot write PDF" in err and "Traceback" not in err


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_unfixable_input_format_is_refused(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_text((FIXTURES / "references.bib").read_text(encoding="utf-8"), encoding="utf-8")
    code, _out, err = run(str(path), "--input-format", fmt, "--no-crossref", "--no-links")
    assert code == 2
    assert f"fix: cannot write {fmt.upper()}" in err


def test_in_place_on_stdin_is_refused() -> None:
    result = CliRunner().invoke(fix_command, ["-", "--in-place"], input="@misc{a, title={x}}")
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("refcheck: error: --in-place needs a file")
    assert result.stderr.count("\n") == 1


def test_unwritable_output_fails_before_checking_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / "references.bib", tmp_path / "references.bib")
    missing = tmp_path / "no-such-dir" / "out.bib"
    # Unreachable services: if the command went on to check, it would fail differently.
    code, out, err = run("references.bib", "-o", str(missing), "--crossref-url",
                         "http://127.0.0.1:9", "--doi-resolver-url", "http://127.0.0.1:9",
                         "--no-links", "--no-cache")
    assert out == ""
    assert code == 2
    assert "cannot write" in err and err.count("\n") == 1
    assert not missing.parent.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["references.bib"]


def test_in_place_with_output_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.bib"
    shutil.copy(FIXTURES / "references.bib", path)
    code, _out, err = run(str(path), "--in-place", "-o", str(tmp_path / "x.bib"),
                          "--no-crossref", "--no-links")
    assert code == 2
    assert "contradict" in err


def test_missing_source_is_one_line(tmp_path: Path) -> None:
    code, _out, err = run(str(tmp_path / "nope.bib"), "--no-crossref", "--no-links")
    assert code == 2
    assert err.count("\n") == 1 and "nope.bib" in err


def test_registered_on_a_group_takes_the_settings_file(
    crossref: CrossrefStandin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mounted on refcheck's main group, the command takes the settings file's values
    where the command line is silent (here: no-crossref)."""
    from refcheck.cli import main

    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / "references.bib", tmp_path / "references.bib")
    group = click_group_copy(main)
    args = ["fix", "references.bib", "--crossref-url", crossref.url, "--doi-resolver-url",
            crossref.url, "--no-links", "--no-cache", "--as-of", AS_OF]
    config = tmp_path / "settings" / "refcheck.toml"
    config.parent.mkdir()
    config.write_text("no-crossref = true\n", encoding="utf-8")

    result = CliRunner().invoke(group, ["--config", str(config), *args])
    assert result.exit_code == 0, result.output
    assert not crossref.requests, "the settings file's no-crossref was ignored"
    assert "0 changes" in result.stderr

    result = CliRunner().invoke(group, args)  # no settings file: Crossref is asked
    assert result.exit_code == 0, result.output
    assert crossref.requests
    assert "doi = {10.1016/j.jmwh.2009.01.003}" in result.stdout


def click_group_copy(group: click.Group) -> click.Group:
    """A copy of the main group with ``fix`` added (the lead registers it for real)."""
    import copy

    clone = copy.copy(group)
    clone.commands = dict(group.commands)
    clone.add_command(fix_command)
    return clone


def test_output_onto_source_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.bib"
    shutil.copy(FIXTURES / "references.bib", path)
    before = path.read_bytes()
    code, _out, err = run(str(path), "-o", str(path), "--no-crossref", "--no-links")
    assert code == 2
    assert "use --in-place" in err and err.count("\n") == 1
    assert path.read_bytes() == before


def test_crossref_outage_is_said_and_links_are_still_fixed(
    web: WebStandin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    localise("references.bib", web, tmp_path)
    dead = "http://127.0.0.1:9"  # the discard port: nothing listens there
    code, out, err = run(
        "references.bib", "--as-of", AS_OF, "--crossref-url", dead, "--doi-resolver-url", dead,
        "--wayback-url", web.url("/wayback/available"), "--allow-private", "--no-cache",
        "--timeout", "2",
    )
    assert code == 0, err
    assert "refcheck: warning: crossref:" in err
    # No DOI without a match: none added, the wrong one not replaced, no field touched.
    assert "[doi-missing]" not in err and "10.1016/j.ejogrb.2008.07.005" not in out
    assert "number  = {4}" in out
    assert web.url("/new/home") in out  # the permanent move is still fixed
