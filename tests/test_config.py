"""Settings files and their precedence: command line > environment > file > defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from refcheck.cli import main
from refcheck.config import find_config, load_settings
from refcheck.errors import UsageError
from refcheck.model import Severity

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "mayo-leg-cramps-pregnancy.txt"


def check_seed(cfg: Path, *extra: str) -> Result:
    """``refcheck --config CFG check`` on the seed, offline, as of 2026-11-26."""
    args = [
        "--config",
        str(cfg),
        "check",
        str(SEED),
        "--no-crossref",
        "--no-links",
        "--no-cache",
        "--as-of",
        "2026-11-26",
        *extra,
    ]
    return CliRunner().invoke(main, args)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_refcheck_toml_is_read(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "refcheck.toml",
        'mailto = "a@example.org"\nstale-after = "2y"\n'
        'exclude-urls = ["uptodate"]\n[severity]\nstale-access-date = "error"\n'
        'link-redirected = "off"\n[hosts."www.example.org"]\nconcurrency = 1\ninterval = 2.5\n',
    )
    settings = load_settings(cfg)
    assert settings.values == {"mailto": "a@example.org", "stale_after": "2y"}
    assert settings.severity == {"stale-access-date": Severity.ERROR, "link-redirected": None}
    assert settings.hosts["www.example.org"].interval == 2.5
    assert settings.exclude_urls[0].pattern == "uptodate"


def test_pyproject_tool_table_is_found_upwards(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.refcheck]\nfail-on = "warning"\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    found = find_config(nested)
    assert found == tmp_path / "pyproject.toml"
    assert load_settings(found).values == {"fail_on": "warning"}


def test_pyproject_without_tool_table_is_ignored(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_config(tmp_path) is None


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("mailto = ", "invalid TOML"),
        ("colour = 'red'", "unknown setting 'colour'"),
        ("[severity]\nstale-access-date = 'fatal'", "severity.stale-access-date"),
        ("exclude-urls = ['(']", "invalid pattern"),
        ("[hosts.'a.org']\nspeed = 3", "concurrency and interval"),
    ],
)
def test_bad_settings_are_one_line_errors(tmp_path: Path, text: str, needle: str) -> None:
    with pytest.raises(UsageError, match=needle):
        load_settings(write(tmp_path / "refcheck.toml", text))


def test_precedence_cli_over_env_over_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = write(tmp_path / "refcheck.toml", 'mailto = "file@example.org"\nstale-after = "2y"\n')
    runner = CliRunner()
    out = runner.invoke(main, ["--config", str(cfg), "config"]).stdout
    assert "file@example.org" in out and str(cfg) in out
    monkeypatch.setenv("REFCHECK_MAILTO", "env@example.org")
    out = runner.invoke(main, ["--config", str(cfg), "config"]).stdout
    assert "env@example.org" in out and "environment (REFCHECK_MAILTO)" in out
    line = next(x for x in out.splitlines() if x.startswith("stale-after"))
    assert "2y" in line and str(cfg) in line
    line = next(x for x in out.splitlines() if x.startswith("timeout"))
    assert "default" in line


def test_token_is_never_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFCHECK_CROSSREF_TOKEN", "s3cret-token")
    out = CliRunner().invoke(main, ["config"]).stdout
    assert "s3cret-token" not in out
    assert "(set)" in out


def test_file_settings_apply_to_check(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "refcheck.toml",
        'fail-on = "warning"\nstale-after = "20y"\n[severity]\nmissing-access-date = "off"\n',
    )
    result = check_seed(cfg, "--format", "json")
    refs = json.loads(result.stdout)["articles"][0]["references"]
    # 20 years: nothing is stale; and fail-on warning from the file applies.
    assert not any(f["code"] == "stale-access-date" for r in refs for f in r["findings"])
    # The command line still wins over the file.
    result = check_seed(cfg, "--stale-after", "3y", "--fail-on", "error")
    assert result.exit_code == 0
    assert "stale-access-date" in result.stdout


def test_severity_override_changes_exit_status(tmp_path: Path) -> None:
    cfg = write(tmp_path / "refcheck.toml", '[severity]\nstale-access-date = "error"\n')
    result = check_seed(cfg)
    assert result.exit_code == 1


def test_excluded_references_are_not_checked(tmp_path: Path) -> None:
    cfg = write(tmp_path / "refcheck.toml", 'exclude-references = ["^Bermas"]\n')
    result = check_seed(cfg, "--format", "json")
    refs = json.loads(result.stdout)["articles"][0]["references"]
    assert len(refs) == 10  # nothing is lost from the report
    assert refs[0]["findings"] == []
    assert "excluded by settings" in refs[0]["resolution"]["reason"]
    assert any(f["code"] == "stale-access-date" for f in refs[1]["findings"])


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "nope.toml"), "config"])
    assert result.exit_code == 2
    assert "settings file not found" in result.stderr


def test_baseline_reports_only_new_findings(tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    args = [
        "check",
        str(SEED),
        "--no-crossref",
        "--no-links",
        "--no-cache",
        "--as-of",
        "2026-11-26",
        "--fail-on",
        "warning",
    ]
    first = CliRunner().invoke(main, [*args, "-o", str(base), "--format", "json"])
    assert first.exit_code == 1
    again = CliRunner().invoke(main, [*args, "--baseline", str(base), "--format", "json"])
    assert again.exit_code == 0
    refs = json.loads(again.stdout)["articles"][0]["references"]
    assert all(r["findings"] == [] for r in refs)


def test_baseline_that_is_not_refcheck_json(tmp_path: Path) -> None:
    bad = write(tmp_path / "b.json", '{"results": []}')
    result = CliRunner().invoke(
        main, ["check", str(SEED), "--no-crossref", "--no-links", "--baseline", str(bad)]
    )
    assert result.exit_code == 2
    assert "not a refcheck JSON report" in result.stderr
