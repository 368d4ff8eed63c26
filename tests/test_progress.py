"""The progress display: counts, elapsed time, time left; silent when not interactive."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from refcheck.cli import TerminalProgress, main

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "mayo-leg-cramps-pregnancy.txt"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_line_estimates_time_left() -> None:
    clock = Clock()
    progress = TerminalProgress(clock=clock)
    progress.start("articles", 4)
    progress.start("resolve", 10)
    progress.advance("resolve", 10)
    clock.now += 30
    progress.advance("articles")
    line = progress.line()
    assert "articles 1/4" in line
    assert "references resolved 10/10" in line
    assert "30s" in line
    assert "~90s left" in line  # 30 s an article, three to go


def test_no_estimate_before_the_first_article_or_after_the_last() -> None:
    clock = Clock()
    progress = TerminalProgress(clock=clock)
    progress.start("articles", 2)
    assert "left" not in progress.line()
    progress.advance("articles", 2)
    assert "left" not in progress.line()


def test_silent_when_stderr_is_not_a_terminal() -> None:
    result = CliRunner().invoke(
        main, ["check", str(SEED), "--no-crossref", "--no-links", "--no-cache"]
    )
    assert result.stderr == ""
