"""The ``refcheck fix`` command: check one bibliography, write a corrected copy.

Registered on the main group with ``main.add_command(fix_command)``. The check options
mirror ``refcheck check`` (the same names, environment variables and defaults, and
the settings file's values for them); the command itself only wires options to the
library (``Checker``, ``plan_fixes``, ``fix_document``) and writes the result.

Output: the corrected file (BibTeX, RIS, CSL-JSON, JATS) or a unified diff (text,
Markdown) on standard output or to ``-o FILE``. ``--in-place`` rewrites SOURCE
itself, after copying the original to ``SOURCE.bak``; both writes are atomic. What
was changed, and what could not be, is listed on standard error.
"""

from __future__ import annotations

import codecs
import datetime as dt
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from refcheck.cli_common import build_options, configure_logging, parse_date
from refcheck.config import FileSettings
from refcheck.errors import OutputError, RefcheckError, UsageError
from refcheck.extract.interface import InputFormat
from refcheck.fix.apply import FIXABLE_FORMATS, FixOutcome, fix_document, unsupported_message
from refcheck.fix.plan import plan_fixes
from refcheck.output import write_atomic

F = TypeVar("F", bound=Callable[..., Any])

#: The suffix of the backup ``--in-place`` leaves beside the file.
BACKUP_SUFFIX = ".bak"

EXIT_ERROR = 2


def check_options(func: F) -> F:
    """The options of ``refcheck check`` that decide how references are checked."""
    options = [
        click.option(
            "--input-format",
            type=click.Choice([f.value for f in InputFormat]),
            default="auto",
            show_default=True,
            help="How to read SOURCE (auto: by content and extension).",
        ),
        click.option(
            "--crossref-url",
            envvar="REFCHECK_CROSSREF_URL",
            default="https://api.crossref.org",
            show_default=True,
            help="Crossref REST API base URL [env REFCHECK_CROSSREF_URL].",
        ),
        click.option(
            "--mailto",
            envvar="REFCHECK_MAILTO",
            default=None,
            help="Your e-mail, sent to Crossref for its polite pool [env REFCHECK_MAILTO].",
        ),
        click.option(
            "--crossref-token",
            envvar="REFCHECK_CROSSREF_TOKEN",
            default=None,
            help="Crossref Plus API token [env REFCHECK_CROSSREF_TOKEN].",
        ),
        click.option(
            "--doi-resolver-url",
            default="https://doi.org",
            show_default=True,
            help="DOI handle service, asked about DOIs Crossref does not know.",
        ),
        click.option(
            "--wayback-url",
            default="https://archive.org/wayback/available",
            show_default=True,
            help="Wayback Machine availability API, for archived copies of dead links.",
        ),
        click.option("--no-archive", is_flag=True, help="Do not look up archived copies."),
        click.option("--no-links", is_flag=True, help="Do not check URLs."),
        click.option("--no-crossref", is_flag=True, help="Do not resolve against Crossref."),
        click.option(
            "--as-of",
            callback=parse_date,
            default=None,
            metavar="YYYY-MM-DD",
            help="Judge dates as of this day instead of today.",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Where to keep the answer cache (default: the user cache directory).",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the cache."),
        click.option("--refresh", is_flag=True, help="Ignore cached answers."),
        click.option(
            "--allow-private",
            is_flag=True,
            help="Check links to private, loopback and link-local addresses.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(0.1, 600),
            default=15.0,
            show_default=True,
            help="Seconds to wait for each network answer.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


class _FixCommand(click.Command):
    """Takes defaults from the settings file the main group loaded, and turns
    refcheck's errors into one line and exit status 2 (also when run on its own)."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        settings = getattr(parent, "obj", None) if parent is not None else None
        values = getattr(settings, "values", None)
        if isinstance(values, dict) and "default_map" not in extra:
            names = {p.name for p in self.params}
            extra["default_map"] = {k: v for k, v in values.items() if k in names}
        return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RefcheckError as exc:
            click.echo(f"refcheck: error: {exc}", err=True)
            ctx.exit(EXIT_ERROR)


@click.command("fix", cls=_FixCommand)
@click.argument("source")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the corrected copy (or the diff, for text and Markdown) to FILE "
    "instead of standard output.",
)
@click.option(
    "--in-place",
    is_flag=True,
    help=f"Rewrite SOURCE itself, keeping the original as SOURCE{BACKUP_SUFFIX}.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Only list the changes that would be made; write nothing.",
)
@check_options
@click.option("-q", "--quiet", is_flag=True, help="Do not list the changes on stderr.")
@click.option("-v", "--verbose", count=True, help="Log each network request to stderr.")
@click.pass_context
def fix_command(
    ctx: click.Context,
    source: str,
    output: str | None,
    in_place: bool,
    dry_run: bool,
    input_format: str,
    crossref_url: str,
    mailto: str | None,
    crossref_token: str | None,
    doi_resolver_url: str,
    wayback_url: str,
    no_archive: bool,
    no_links: bool,
    no_crossref: bool,
    as_of: dt.date | None,
    cache_dir: Path | None,
    no_cache: bool,
    refresh: bool,
    allow_private: bool,
    timeout: float,
    quiet: bool,
    verbose: int,
) -> None:
    """Write a corrected copy of the bibliography SOURCE (BibTeX, RIS, CSL-JSON, JATS),
    or a unified diff for a text or Markdown article: DOIs added or corrected, URLs
    that moved permanently updated, archived copies of dead links added, registered
    metadata where the citation differs. SOURCE is never changed without --in-place."""
    from refcheck.extract import detect_format, load_document
    from refcheck.pipeline import Checker

    if in_place and source == "-":
        raise UsageError("--in-place needs a file: standard input cannot be rewritten")
    if in_place and output is not None:
        raise UsageError("--in-place and --output contradict each other")
    if cache_dir is not None and no_cache:
        raise UsageError("--cache-dir and --no-cache contradict each other")
    if output is not None and output != "-":
        if source != "-" and Path(output).resolve() == Path(source).resolve():
            raise UsageError(
                f"--output {output} is SOURCE itself; use --in-place (which keeps a backup)"
            )
        _check_writable(Path(output))

    document = load_document(source)
    fmt = InputFormat(input_format)
    if fmt is InputFormat.AUTO:
        fmt = detect_format(document)
    if fmt not in FIXABLE_FORMATS:
        raise UsageError(unsupported_message(fmt))
    if in_place:
        _check_writable(Path(source))
        if document.data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # The corrected copy is written as UTF-8: never re-encode the user's file.
            raise UsageError(f"{source}: a UTF-16/32 file is not rewritten in place; use -o")

    settings = ctx.find_root().obj or FileSettings()
    options = build_options(ctx.params, settings, input_format=fmt)
    configure_logging(verbose)
    report = Checker(options).check_document(document)
    outcome = fix_document(document, fmt, plan_fixes(report))
    for notice in report.notices:
        # Why fewer fixes than expected: Crossref unreachable, the network down...
        click.echo(f"refcheck: warning: {notice.service}: {notice.message}", err=True)

    if not quiet or dry_run:
        _describe(outcome, to_stderr=not dry_run)
    if dry_run:
        return
    if in_place:
        _write_in_place(Path(source), document.data, outcome)
    elif output is not None and output != "-":
        write_atomic(Path(output), outcome.output)
    else:
        text = outcome.output
        click.echo(text, nl=False)


def _check_writable(path: Path) -> None:
    """Fail before any network work when ``path`` cannot be written."""
    import os

    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError(f"{path}: cannot write: it is a directory")
    if not directory.is_dir():
        raise OutputError(f"{path}: cannot write: directory {directory} does not exist")
    if not os.access(directory, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise OutputError(f"{path}: cannot write: permission denied")


def _write_in_place(path: Path, original: bytes, outcome: FixOutcome) -> None:
    """Keep ``PATH.bak`` (the original bytes), then replace PATH atomically."""
    if not outcome.changed:
        return  # nothing to fix: leave the file (and its timestamp) alone
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    tmp = backup.with_name(f".{backup.name}.tmp")
    try:
        tmp.write_bytes(original)
        shutil.copymode(path, tmp)
        tmp.replace(backup)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{backup}: cannot write the backup: {exc.strerror or exc}") from None
    write_atomic(path, outcome.file_text)


def _describe(outcome: FixOutcome, *, to_stderr: bool) -> None:
    """List the changes made and those that could not be made."""
    for applied in outcome.applied:
        click.echo(f"fixed: {applied.describe()}", err=to_stderr)
    for skipped in outcome.skipped:
        click.echo(f"skipped: {skipped.describe()}", err=to_stderr)
    for label, reason in outcome.declined:
        click.echo(f"left as is: {label}: {reason}", err=to_stderr)
    n = len(outcome.applied)
    refs = len({a.index for a in outcome.applied})
    summary = f"{n} change{'s' * (n != 1)} to {refs} reference{'s' * (refs != 1)}"
    if outcome.skipped:
        summary += f", {len(outcome.skipped)} not applied"
    click.echo(f"refcheck fix: {outcome.source}: {summary}", err=to_stderr)


def main() -> None:  # pragma: no cover - the console script is refcheck's, this is a fallback
    """Run ``fix`` on its own (``python -m refcheck.fix.command``)."""
    fix_command(sys.argv[1:])


if __name__ == "__main__":  # pragma: no cover
    main()
