"""Interrupted runs, shared caches, corrupt caches and atomic outputs, through the
real ``refcheck`` command in subprocesses (signals need a real process).

Every subprocess talks only to a Crossref stand-in on 127.0.0.1 and checks no links.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from refcheck.cache import SQLiteCache
from refcheck.errors import OutputError
from refcheck.output import write_atomic
from tests.standins.crossref import CrossrefStandin, load_fixture_works

AS_OF = "2026-11-26"
CACHE_FILE = "refcheck-cache.sqlite3"
TOPICS = ["leg cramps", "magnesium", "calcium", "sleep", "restless legs", "sodium",
          "vitamin D", "potassium", "pregnancy outcomes", "muscle fatigue", "night pain"]


def write_batch(directory: Path, articles: int, per_article: int) -> list[Path]:
    """``articles`` text articles of ``per_article`` distinct references each."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for a in range(articles):
        lines = [f"Article {a}", "", "Some text about the topic.", "", "References", ""]
        for r in range(per_article):
            topic = TOPICS[(a + r) % len(TOPICS)]
            lines.append(f"{r + 1}. Author{a}x{r} B, Other C. A study of {topic} number "
                         f"{a * 100 + r}. J Test Med. {1990 + r};{a + 1}({r + 1}):"
                         f"{r + 10}-{r + 19}.")
        path = directory / f"article-{a:03d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def refcheck_cmd(crossref: CrossrefStandin, cache: Path, *args: str) -> list[str]:
    """The ``refcheck check`` command line for ``args`` against the stand-in."""
    return [
        str(Path(sys.executable).with_name("refcheck")), "check", *args,
        "--format", "json", "--as-of", AS_OF, "--no-links", "--no-archive",
        "--crossref-url", crossref.url, "--doi-resolver-url", crossref.url,
        "--mailto", "tests@example.org", "--cache-dir", str(cache), "--timeout", "5", "-q",
    ]


def integrity(cache: Path) -> str:
    with sqlite3.connect(cache / CACHE_FILE) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def cached_queries(cache: Path) -> set[str]:
    """The normalised query strings whose answers are in the cache."""
    with sqlite3.connect(cache / CACHE_FILE) as conn:
        rows = conn.execute(
            "SELECT key FROM answers WHERE namespace = 'crossref-query'").fetchall()
    return {str(key).split("|", 1)[1] for (key,) in rows}


def asked(crossref: CrossrefStandin, since: int = 0) -> list[str]:
    """Normalised ``query.bibliographic`` strings the stand-in received."""
    return [" ".join(r["query"]["query.bibliographic"].split())
            for r in crossref.requests[since:] if "query.bibliographic" in r["query"]]


@pytest.fixture()
def crossref() -> Iterator[CrossrefStandin]:
    # Slow answers, so a run is still going when the signal arrives.
    with CrossrefStandin(load_fixture_works(), enforce_limits=False, latency=0.1) as standin:
        yield standin


# SIGINT takes the same path in refcheck (KeyboardInterrupt); SIGTERM is the one a
# service manager or CI runner sends, and the one that needs a handler to be clean.
@pytest.mark.parametrize("sig", [signal.SIGTERM], ids=["TERM"])
def test_interrupted_run_keeps_a_consistent_cache_and_resumes(
    crossref: CrossrefStandin, tmp_path: Path, sig: signal.Signals
) -> None:
    paths = write_batch(tmp_path / "batch", articles=8, per_article=4)
    cache, out = tmp_path / "cache", tmp_path / "report.json"
    out.write_text("previous report\n", encoding="utf-8")
    cmd = refcheck_cmd(crossref, cache, *map(str, paths), "-o", str(out))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while len(crossref.requests) < 8 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    proc.send_signal(sig)
    try:
        _stdout, stderr = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr, stderr
    # The output was not half-written: the previous report is untouched, no temp left.
    assert out.read_text(encoding="utf-8") == "previous report\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []
    assert integrity(cache) == "ok"
    first_run = len(crossref.requests)
    kept = cached_queries(cache)
    assert kept, "answers received before the signal were cached"
    assert len(kept) < 32, "the run was cut short"

    second = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert second.returncode in (0, 1), second.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert len(report["articles"]) == 8
    assert sum(len(a["references"]) for a in report["articles"]) == 32
    again = set(asked(crossref, first_run)) & kept
    assert again == set(), f"{len(again)} cached answers were asked again"
    assert integrity(cache) == "ok"
    assert len(cached_queries(cache)) == 32


def test_two_processes_share_one_cache(crossref: CrossrefStandin, tmp_path: Path) -> None:
    paths = [str(p) for p in write_batch(tmp_path / "batch", articles=8, per_article=4)]
    cache = tmp_path / "cache"
    outs = [tmp_path / "one.json", tmp_path / "two.json"]
    # Overlapping halves, in opposite orders: both write the same keys at once.
    procs = [
        subprocess.Popen(refcheck_cmd(crossref, cache, *paths[:6], "-o", str(outs[0])),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        subprocess.Popen(refcheck_cmd(crossref, cache, *reversed(paths[2:]), "-o", str(outs[1])),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode in (0, 1), err
        assert "Traceback" not in err and "cache write skipped" not in err, err
    for out, count in zip(outs, (6, 6), strict=True):
        report = json.loads(out.read_text(encoding="utf-8"))
        assert len(report["articles"]) == count
        assert all(len(a["references"]) == 4 for a in report["articles"])
    assert integrity(cache) == "ok"
    assert len(cached_queries(cache)) == 32, "an answer was lost"


def test_corrupt_cache_is_set_aside_and_rebuilt(crossref: CrossrefStandin, tmp_path: Path) -> None:
    paths = [str(p) for p in write_batch(tmp_path / "batch", articles=1, per_article=3)]
    cache = tmp_path / "cache"
    cache.mkdir()
    garbage = b"this is not SQLite at all\n" * 100
    (cache / CACHE_FILE).write_bytes(garbage)
    result = subprocess.run(refcheck_cmd(crossref, cache, *paths), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    assert "moved aside" in result.stderr or "corrupt" in result.stderr, result.stderr
    aside = [p for p in cache.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes() == garbage, "the old file is kept"
    assert integrity(cache) == "ok"
    assert len(cached_queries(cache)) == 3
    assert len(json.loads(result.stdout)["articles"][0]["references"]) == 3


@pytest.mark.parametrize("damage", ["truncated", "bad-header"])
def test_damaged_sqlite_file_is_set_aside(tmp_path: Path, damage: str) -> None:
    cache = SQLiteCache(tmp_path)
    for i in range(200):
        cache.put("ns", f"k{i}", {"v": i})
    cache.close()
    path = tmp_path / CACHE_FILE
    for extra in tmp_path.glob(CACHE_FILE + "-*"):
        extra.unlink()  # checkpointed on close; drop any WAL leftovers
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3] if damage == "truncated" else b"\0" * 100 + data[100:])
    rebuilt = SQLiteCache(tmp_path)
    rebuilt.put("ns", "fresh", {"ok": True})
    assert rebuilt.get("ns", "fresh") == {"ok": True}
    rebuilt.close()
    assert integrity(tmp_path) == "ok"


# --------------------------------------------------------------- atomic outputs

def test_unwritable_output_path_leaves_nothing(crossref: CrossrefStandin, tmp_path: Path) -> None:
    paths = [str(p) for p in write_batch(tmp_path / "batch", articles=1, per_article=2)]
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    target = blocker / "report.json"  # its "directory" is a file
    result = subprocess.run(refcheck_cmd(crossref, tmp_path / "cache", *paths, "-o", str(target)),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert blocker.read_text(encoding="utf-8") == "x"


def test_failed_write_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that fills up mid-write: the old report stays whole, no temp file."""
    target = tmp_path / "report.json"
    target.write_text("old report\n", encoding="utf-8")
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, text: str) -> int:
            self.handle.write(text[: len(text) // 2])
            self.handle.flush()
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: FullDisk(real_fdopen(*a, **k)))
    with pytest.raises(OutputError, match="No space left"):
        write_atomic(target, "new report " * 1000)
    assert target.read_text(encoding="utf-8") == "old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
