"""What the ``check`` and ``fix`` commands share: option callbacks, logging, and how
command-line values and the settings file become ``CheckOptions``."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import click

from refcheck.config import FileSettings
from refcheck.extract.interface import InputFormat

if TYPE_CHECKING:
    from refcheck.pipeline import CheckOptions


def parse_date(_ctx: click.Context, _param: click.Parameter, value: Any) -> dt.date | None:
    """Click callback for ``--as-of``: an ISO date, or a one-line usage error."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def configure_logging(verbose: int) -> None:
    """Warnings always reach stderr; -v adds each request, -vv everything."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("refcheck: %(message)s"))
    root = logging.getLogger("refcheck")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def build_options(
    params: Mapping[str, Any], settings: FileSettings, **overrides: Any
) -> CheckOptions:
    """``CheckOptions`` from a command's parsed parameters and the settings file.

    Parameters a command does not have keep the library's defaults; ``overrides``
    win over both.
    """
    from refcheck.pipeline import CheckOptions

    if params.get("cache_dir") is not None and params.get("no_cache"):
        raise click.UsageError("--cache-dir and --no-cache contradict each other")
    values: dict[str, Any] = {
        "input_format": InputFormat(params.get("input_format") or "auto"),
        "crossref": not params.get("no_crossref"),
        "links": not params.get("no_links"),
        "crossref_url": params.get("crossref_url"),
        "mailto": params.get("mailto"),
        "crossref_token": params.get("crossref_token"),
        "doi_resolver_url": params.get("doi_resolver_url"),
        "wayback_url": None if params.get("no_archive") else params.get("wayback_url"),
        "as_of": params.get("as_of"),
        "stale_after": params.get("stale_after"),
        "allow_private": params.get("allow_private"),
        "cache_dir": params.get("cache_dir"),
        "use_cache": not params.get("no_cache"),
        "refresh": params.get("refresh"),
        "timeout": params.get("timeout"),
        "drift": params.get("drift"),
        "severity_overrides": dict(settings.severity),
        "exclude_urls": settings.exclude_urls,
        "exclude_references": settings.exclude_references,
        "host_limits": dict(settings.hosts),
    }
    values = {k: v for k, v in values.items() if v is not None}
    values.update(overrides)
    return CheckOptions(**values)
