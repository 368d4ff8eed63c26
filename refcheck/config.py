"""Settings files: ``refcheck.toml`` or ``[tool.refcheck]`` in ``pyproject.toml``.

Precedence is command line > environment > file > defaults. The CLI knows which of
its options the user set (click records each parameter's source); this module finds
and validates the file and says where each value came from, for ``refcheck config``.

Example ``refcheck.toml``::

    mailto = "editor@example.org"
    stale-after = "2y"
    fail-on = "warning"
    exclude-urls = ["^https?://localhost", "example\\\\.com/private"]
    exclude-references = ["^Personal communication"]

    [severity]
    link-redirected = "off"        # drop this finding code
    stale-access-date = "error"

    [hosts."www.uptodate.com"]
    concurrency = 1
    interval = 2.0                 # seconds between requests to this host
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refcheck.errors import UsageError
from refcheck.model import Severity

# Keys a file may set, and the CLI parameter each one feeds.
FILE_KEYS = {
    "mailto": "mailto",
    "crossref-url": "crossref_url",
    "doi-resolver-url": "doi_resolver_url",
    "wayback-url": "wayback_url",
    "stale-after": "stale_after",
    "fail-on": "fail_on",
    "timeout": "timeout",
    "cache-dir": "cache_dir",
    "allow-private": "allow_private",
    "no-archive": "no_archive",
    "drift": "drift",
    "no-links": "no_links",
    "no-crossref": "no_crossref",
    "format": "fmt",
}
TABLE_KEYS = {"severity", "hosts", "exclude-urls", "exclude-references"}


@dataclass(frozen=True)
class HostLimit:
    """Politeness settings for one host."""

    concurrency: int | None = None
    interval: float | None = None


@dataclass(frozen=True)
class FileSettings:
    """What a settings file says, validated."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)  # CLI parameter name -> value
    severity: dict[str, Severity | None] = field(default_factory=dict)
    hosts: dict[str, HostLimit] = field(default_factory=dict)
    exclude_urls: tuple[re.Pattern[str], ...] = ()
    exclude_references: tuple[re.Pattern[str], ...] = ()


def find_config(start: Path) -> Path | None:
    """The nearest ``refcheck.toml``, or ``pyproject.toml`` with ``[tool.refcheck]``."""
    for directory in [start, *start.parents]:
        candidate = directory / "refcheck.toml"
        if candidate.is_file():
            return candidate
        pyproject = directory / "pyproject.toml"
        if (
            pyproject.is_file()
            and "tool" in _read_toml(pyproject)
            and "refcheck" in (_read_toml(pyproject)["tool"])
        ):
            return pyproject
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read settings: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None


def load_settings(path: Path | None) -> FileSettings:
    """Read and validate a settings file (``None``: no file, all defaults)."""
    if path is None:
        return FileSettings()
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("refcheck", {})
    if not isinstance(data, dict):
        raise UsageError(f"{path}: [tool.refcheck] must be a table")

    unknown = sorted(set(data) - set(FILE_KEYS) - TABLE_KEYS)
    if unknown:
        known = ", ".join(sorted([*FILE_KEYS, *TABLE_KEYS]))
        raise UsageError(f"{path}: unknown setting {unknown[0]!r} (known: {known})")

    values = {FILE_KEYS[k]: v for k, v in data.items() if k in FILE_KEYS}
    severity: dict[str, Severity | None] = {}
    for code, level in dict(data.get("severity", {})).items():
        if level == "off":
            severity[code] = None
            continue
        try:
            severity[code] = Severity.parse(str(level))
        except ValueError as exc:
            raise UsageError(f"{path}: severity.{code}: {exc} or off") from None
    hosts = {}
    for host, limits in dict(data.get("hosts", {})).items():
        if not isinstance(limits, dict) or set(limits) - {"concurrency", "interval"}:
            raise UsageError(f"{path}: hosts.{host} takes only concurrency and interval")
        hosts[host.lower()] = HostLimit(limits.get("concurrency"), limits.get("interval"))
    return FileSettings(
        path=path,
        values=values,
        severity=severity,
        hosts=hosts,
        exclude_urls=_patterns(path, "exclude-urls", data.get("exclude-urls", [])),
        exclude_references=_patterns(
            path, "exclude-references", data.get("exclude-references", [])
        ),
    )


def _patterns(path: Path, key: str, items: Any) -> tuple[re.Pattern[str], ...]:
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise UsageError(f"{path}: {key} must be a list of regular expressions")
    out = []
    for item in items:
        try:
            out.append(re.compile(item))
        except re.error as exc:
            raise UsageError(f"{path}: {key}: invalid pattern {item!r}: {exc}") from None
    return tuple(out)
