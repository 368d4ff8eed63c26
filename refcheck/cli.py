"""The command line: options in, one library call, a renderer, an exit status.

No checking logic lives here: counting, filtering and judging belong to the library
(``refcheck.pipeline``), formatting to the renderers (``refcheck.render``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import fnmatch
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import ClassVar

import click

from refcheck import __version__
from refcheck.baseline import filter_article, load_baseline
from refcheck.cli_common import build_options, configure_logging, parse_date
from refcheck.config import FileSettings
from refcheck.errors import RefcheckError, UsageError
from refcheck.extract.interface import InputFormat
from refcheck.freshness import DEFAULT_STALE_AFTER, Duration
from refcheck.model import Severity
from refcheck.output import ReportSink, write_atomic


class ExitStatus(enum.IntEnum):
    """refcheck's exit statuses."""

    OK = 0  # no finding reached --fail-on
    FINDINGS = 1  # at least one finding reached --fail-on
    ERROR = 2  # usage or input error
    INTERRUPTED = 130


def _fail(message: str) -> None:
    click.echo(f"refcheck: error: {message}", err=True)


def _parse_duration(_ctx: click.Context, _param: click.Parameter, value: str) -> Duration:
    try:
        return Duration.parse(value)
    except UsageError as exc:
        raise click.BadParameter(str(exc)) from None


def _parse_severity(_ctx: click.Context, _param: click.Parameter, value: str) -> Severity:
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


FORMAT_CHOICES = [f.value for f in InputFormat]


class _UserError(click.ClickException):
    """A RefcheckError shown as one line, with exit status 2."""

    exit_code = ExitStatus.ERROR

    def show(self, file: object = None) -> None:
        _fail(self.message)


class _Group(click.Group):
    """Turns refcheck's own errors into one-line messages, never tracebacks.

    Heavy subcommands are imported only when used, so ``refcheck --help`` and
    ``refcheck check`` do not pay for them.
    """

    lazy_commands: ClassVar[dict[str, tuple[str, str]]] = {
        "fix": ("refcheck.fix.command", "fix_command")
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            import importlib

            module, attr = self.lazy_commands[cmd_name]
            command = getattr(importlib.import_module(module), attr)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except RefcheckError as exc:
            raise _UserError(str(exc)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="refcheck")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    envvar="REFCHECK_CONFIG",
    help="Settings file (default: the nearest refcheck.toml or pyproject.toml "
    "with [tool.refcheck]) [env REFCHECK_CONFIG].",
)
@click.pass_context
def main(ctx: click.Context, config_path: Path | None) -> None:
    """Check the references of articles: parse them, resolve them against Crossref,
    check their links and access dates, and report what needs fixing."""
    from refcheck.config import find_config, load_settings

    if config_path is not None and not config_path.is_file():
        raise UsageError(f"{config_path}: settings file not found")
    settings = load_settings(config_path or find_config(Path.cwd()))
    ctx.obj = settings
    # click consults default_map after the command line and the environment, which
    # gives exactly the precedence we promise: command line > environment > file.
    ctx.default_map = {"check": dict(settings.values)}


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--input-format",
    type=click.Choice(FORMAT_CHOICES),
    default="auto",
    show_default=True,
    help="How to read the inputs (auto: by content and extension).",
)
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    help="Report format: text, json, csl-json, markdown, html, csv, junit, sarif, "
    "github, bibtex, ris.",
)
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Write the report to FILE (repeatable: with several, each file's format comes "
    "from its extension, and - is standard output in --format).",
)
@click.option(
    "--crossref-url",
    envvar="REFCHECK_CROSSREF_URL",
    default="https://api.crossref.org",
    show_default=True,
    help="Crossref REST API base URL [env REFCHECK_CROSSREF_URL].",
)
@click.option(
    "--mailto",
    envvar="REFCHECK_MAILTO",
    default=None,
    help="Your e-mail, sent to Crossref for its polite pool [env REFCHECK_MAILTO].",
)
@click.option(
    "--crossref-token",
    envvar="REFCHECK_CROSSREF_TOKEN",
    default=None,
    help="Crossref Plus API token [env REFCHECK_CROSSREF_TOKEN].",
)
@click.option(
    "--doi-resolver-url",
    default="https://doi.org",
    show_default=True,
    help="DOI handle service, asked about DOIs Crossref does not know.",
)
@click.option(
    "--wayback-url",
    default="https://archive.org/wayback/available",
    show_default=True,
    help="Wayback Machine availability API, for archived copies of dead links.",
)
@click.option("--no-archive", is_flag=True, help="Do not look up archived copies.")
@click.option(
    "--drift",
    is_flag=True,
    help="For live links with an access date, compare the page with its archived "
    "copy nearest that date and report content-drift when it has materially changed.",
)
@click.option("--no-links", is_flag=True, help="Do not check URLs.")
@click.option("--no-crossref", is_flag=True, help="Do not resolve references against Crossref.")
@click.option(
    "--as-of",
    callback=parse_date,
    default=None,
    metavar="YYYY-MM-DD",
    help="Judge dates as of this day instead of today (reproducible reports).",
)
@click.option(
    "--stale-after",
    callback=_parse_duration,
    default=DEFAULT_STALE_AFTER,
    show_default=True,
    metavar="DURATION",
    help="Access dates older than this are stale (e.g. 3y, 18m, 90d).",
)
@click.option(
    "--fail-on",
    callback=_parse_severity,
    default="error",
    show_default=True,
    metavar="SEVERITY",
    help="Exit 1 when a finding reaches this severity (info, warning, error).",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to keep the answer cache (default: the user cache directory).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the persistent cache.")
@click.option("--refresh", is_flag=True, help="Ignore cached answers (still stores new ones).")
@click.option(
    "--allow-private",
    is_flag=True,
    help="Check links to private, loopback and link-local addresses.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 600),
    default=15.0,
    show_default=True,
    help="Seconds to wait for each network answer.",
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the text report (default: when writing to a terminal).",
)
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help="In directories, check only files matching GLOB (repeatable; default: every "
    "extension refcheck reads).",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="In directories, skip files matching GLOB (repeatable).",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A previous JSON report: report only findings not already in it.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@click.option("-v", "--verbose", count=True, help="Log each network request to stderr.")
@click.pass_context
def check(
    ctx: click.Context,
    sources: tuple[str, ...],
    input_format: str,
    fmt: str,
    outputs: tuple[str, ...],
    crossref_url: str,
    mailto: str | None,
    crossref_token: str | None,
    doi_resolver_url: str,
    wayback_url: str,
    no_archive: bool,
    drift: bool,
    no_links: bool,
    no_crossref: bool,
    as_of: dt.date | None,
    stale_after: Duration,
    fail_on: Severity,
    cache_dir: Path | None,
    no_cache: bool,
    refresh: bool,
    allow_private: bool,
    timeout: float,
    color: bool | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    baseline: Path | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Check the references of each SOURCE (a file, a directory, or - for stdin)."""
    from refcheck.pipeline import Checker

    settings: FileSettings = ctx.obj or FileSettings()
    options = build_options(ctx.params, settings)
    targets = _output_targets(fmt, outputs)
    known = load_baseline(baseline) if baseline is not None else None
    configure_logging(verbose)
    progress = None if quiet or not sys.stderr.isatty() else TerminalProgress()
    checker = Checker(options, progress=progress)
    _interrupt_on_sigterm()
    use_color = (
        color if color is not None else (sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    )
    sinks: list[ReportSink] = []
    try:
        for target_fmt, path in targets:
            sinks.append(
                ReportSink(
                    target_fmt,
                    None if path is None else Path(path),
                    color=use_color and path is None and target_fmt == "text",
                    tool_version=__version__,
                    stdout=lambda text: click.echo(text, nl=False),
                )
            )
    except RefcheckError:
        for sink in sinks:
            sink.abort()
        raise
    checked = input_errors = 0
    failing = False
    try:
        documents = list(_expand_sources(sources, include, exclude))
        if progress is not None and len(documents) > 1:
            progress.start("articles", len(documents))
        for source in documents:
            try:
                article = checker.check_document(checker.load(source))
            except RefcheckError as exc:
                # One unreadable file must not lose the others' results.
                _fail(str(exc))
                input_errors += 1
                if progress is not None:
                    progress.advance("articles")
                continue
            if known is not None:
                article = filter_article(article, known)
            failing = failing or any(f.severity >= fail_on for f in article.findings)
            checked += 1
            if progress is not None:
                progress.advance("articles")
            for sink in sinks:
                sink.add(article)
        if progress is not None:
            progress.close()
        if not checked:
            raise _NothingChecked
        for sink in sinks:
            sink.close()
    except (KeyboardInterrupt, _NothingChecked) as exc:
        for sink in sinks:
            sink.abort()
        if isinstance(exc, _NothingChecked):
            sys.exit(ExitStatus.ERROR)
        _fail("interrupted; answers received so far are cached: run again to resume")
        sys.exit(ExitStatus.INTERRUPTED)
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    if input_errors:
        sys.exit(ExitStatus.ERROR)
    sys.exit(ExitStatus.FINDINGS if failing else ExitStatus.OK)


class _NothingChecked(Exception):
    """Every input failed to load (each already reported on stderr)."""


def _output_targets(fmt: str, outputs: Sequence[str]) -> list[tuple[str, str | None]]:
    """(format, path or None for stdout) pairs; validates every format up front."""
    from refcheck.render import format_for_path as by_path
    from refcheck.render import renderer_for

    try:
        renderer_for(fmt)
    except UsageError as exc:
        raise click.BadParameter(str(exc), param_hint="--format") from None
    if not outputs:
        return [(fmt, None)]
    if len(outputs) == 1:
        out = outputs[0]
        return [(fmt if fmt != "text" else (by_path(out) or fmt), None if out == "-" else out)]
    targets: list[tuple[str, str | None]] = []
    for out in outputs:
        if out == "-":  # standard output, in --format
            targets.append((fmt, None))
            continue
        guessed = by_path(out)
        if guessed is None:
            raise click.BadParameter(
                f"cannot tell the format of {out!r} from its extension", param_hint="--output"
            )
        targets.append((guessed, out))
    return targets


def _expand_sources(
    sources: Sequence[str], include: Sequence[str] = (), exclude: Sequence[str] = ()
) -> Iterator[str]:
    """Files and URLs as given; directories walked recursively, in sorted order.

    In a directory, a file is taken when it matches an ``--include`` glob (by default:
    any extension refcheck reads) and no ``--exclude`` glob; globs match the path
    relative to the directory or the file name. Hidden files and folders are skipped.
    """
    from refcheck.extract.detect import DOCUMENT_EXTENSIONS
    from refcheck.fetch import is_url

    def wanted(relative: str, name: str) -> bool:
        def matches(pattern: str) -> bool:
            return fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(name, pattern)

        if include:
            if not any(matches(p) for p in include):
                return False
        elif Path(name).suffix.lower() not in DOCUMENT_EXTENSIONS:
            return False
        return not any(matches(p) for p in exclude)

    for source in sources:
        path = Path(source)
        if source != "-" and not is_url(source) and path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not _hidden(p, path)
                and wanted(p.relative_to(path).as_posix(), p.name)
            )
            if not found:
                raise UsageError(f"{source}: directory contains no documents to check")
            yield from (str(p) for p in found)
        else:
            yield source


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


@main.command()
@click.argument("source")
@click.option(
    "--input-format",
    type=click.Choice(FORMAT_CHOICES),
    default="auto",
    show_default=True,
    help="How to read the input.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csl-json", "json", "bibtex", "ris"]),
    default="csl-json",
    show_default=True,
    help="csl-json: a JSON array of CSL-JSON items; json: the same with refcheck's extras "
    "(line, raw text, et al.); bibtex, ris: bibliography files.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write to FILE instead of standard output.",
)
def parse(source: str, input_format: str, fmt: str, output: str | None) -> None:
    """Print the parsed references of SOURCE (one item per reference, in order)."""
    from refcheck.extract import load_document
    from refcheck.pipeline import parse_document, parse_only_report, run_report
    from refcheck.render import render

    document = load_document(source)
    parsed = parse_document(document, InputFormat(input_format))
    if fmt in ("bibtex", "ris"):
        report = run_report([parse_only_report(document.source, parsed)])
        text = render(report, fmt)
    else:
        items = [
            reference.to_csl(f"ref{index}")
            if fmt == "csl-json"
            else {"index": index, "line": ext.line, "raw": ext.raw, **reference.to_json()}
            for index, (ext, reference) in enumerate(parsed, 1)
        ]
        text = json.dumps(items, indent=2, ensure_ascii=False) + "\n"
    if output:
        write_atomic(Path(output), text)
    else:
        click.echo(text, nl=False)


@main.command("config")
@click.pass_context
def show_config(ctx: click.Context) -> None:
    """Print the effective settings of `refcheck check` and where each came from."""
    from click.core import ParameterSource

    settings: FileSettings = ctx.obj or FileSettings()
    sub = check.make_context("check", ["-"], parent=ctx.find_root())
    origin = {
        ParameterSource.ENVIRONMENT: "environment",
        ParameterSource.DEFAULT_MAP: str(settings.path),
        ParameterSource.DEFAULT: "default",
    }
    click.echo(f"# settings file: {settings.path or 'none found'}")
    for param in check.params:
        if not isinstance(param, click.Option) or param.name in {"sources", "outputs"}:
            continue
        name = param.name or ""
        value = sub.params.get(name)
        if name == "crossref_token" and value:
            value = "(set)"  # never print a secret
        source = origin.get(sub.get_parameter_source(name), "default")  # type: ignore[arg-type]
        if isinstance(param.envvar, str) and source == "environment":
            source = f"environment ({param.envvar})"
        click.echo(f"{param.opts[-1].lstrip('-'):<18} = {_show(value):<40} # {source}")
    for code, level in sorted(settings.severity.items()):
        click.echo(f"severity.{code} = {level.label if level else 'off'}  # {settings.path}")
    for host, limit in sorted(settings.hosts.items()):
        click.echo(
            f"hosts.{host} = concurrency {limit.concurrency}, interval {limit.interval}"
            f"  # {settings.path}"
        )
    for pattern in settings.exclude_urls:
        click.echo(f"exclude-urls += {pattern.pattern!r}  # {settings.path}")
    for pattern in settings.exclude_references:
        click.echo(f"exclude-references += {pattern.pattern!r}  # {settings.path}")


def _show(value: object) -> str:
    if isinstance(value, Severity):
        return value.label
    if isinstance(value, dt.date | Duration | Path):
        return str(value)
    return json.dumps(value)


class TerminalProgress:
    """A one-line progress display on stderr, for interactive runs.

    Shows each stage's count (articles, references resolved, links checked), the
    elapsed time and, once an article is done in a batch, an estimate of the time left.
    """

    LABELS: ClassVar[dict[str, str]] = {
        "articles": "articles",
        "resolve": "references resolved",
        "links": "links checked",
    }

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._started = clock()
        self._totals: dict[str, int] = {}
        self._done: dict[str, int] = {}

    def start(self, stage: str, total: int) -> None:
        self._totals[stage] = self._totals.get(stage, 0) + total
        self._draw()

    def advance(self, stage: str, n: int = 1) -> None:
        self._done[stage] = self._done.get(stage, 0) + n
        self._draw()

    def line(self) -> str:
        """The status line as text (without terminal control)."""
        parts = [
            f"{self.LABELS.get(stage, stage)} {self._done.get(stage, 0)}/{total}"
            for stage, total in self._totals.items()
        ]
        elapsed = self._clock() - self._started
        parts.append(f"{elapsed:.0f}s")
        done, total = self._done.get("articles", 0), self._totals.get("articles", 0)
        if 0 < done < total:
            parts.append(f"~{elapsed / done * (total - done):.0f}s left")
        return " · ".join(parts)

    def _draw(self) -> None:
        click.echo("\r\x1b[2K" + self.line(), err=True, nl=False)

    def close(self) -> None:
        if self._totals:
            click.echo("\r\x1b[2K", err=True, nl=False)


def _interrupt_on_sigterm() -> None:
    """Treat SIGTERM like Ctrl-C: stop cleanly; what was cached is kept for a re-run."""
    import signal

    def handler(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    with contextlib.suppress(ValueError):  # not in the main thread (embedded use)
        signal.signal(signal.SIGTERM, handler)


def entry_point() -> None:
    """The ``refcheck`` console script."""
    main()
