"""The render stage: a run's reports as text, JSON, CSL-JSON, Markdown, HTML, CSV, ...

Renderers are pure functions of a :class:`~refcheck.model.RunReport`: no I/O, no clock
(only ``ArticleReport.as_of``), stable ordering, so the same run renders byte for byte
the same. Writing the result (atomically, to ``--output``) is the caller's job.

>>> from refcheck.render import render, format_for_path
>>> format_for_path("results.sarif")
'sarif'
"""

from __future__ import annotations

import os

from refcheck.errors import UsageError
from refcheck.model import RunReport
from refcheck.render.bibtex import BibtexRenderer
from refcheck.render.csl_json import CslJsonRenderer
from refcheck.render.csv_report import CsvRenderer
from refcheck.render.github import GithubRenderer
from refcheck.render.html_report import HtmlRenderer
from refcheck.render.interface import Renderer
from refcheck.render.json_report import JsonRenderer
from refcheck.render.junit import JunitRenderer
from refcheck.render.markdown import MarkdownRenderer
from refcheck.render.ris import RisRenderer
from refcheck.render.sarif import SarifRenderer
from refcheck.render.text import TextRenderer

__all__ = [
    "FORMATS",
    "Renderer",
    "format_for_path",
    "render",
    "renderer_for",
]

_RENDERERS: dict[str, type[Renderer]] = {
    cls.name: cls
    for cls in (
        TextRenderer,
        JsonRenderer,
        CslJsonRenderer,
        MarkdownRenderer,
        HtmlRenderer,
        CsvRenderer,
        JunitRenderer,
        SarifRenderer,
        GithubRenderer,
        BibtexRenderer,
        RisRenderer,
    )
}

#: Every ``--format`` value, in the order help texts list them.
FORMATS: tuple[str, ...] = tuple(_RENDERERS)

# Compound extensions first: "x.sarif.json" is SARIF and "x.csl.json" CSL-JSON, not the
# report JSON that a bare ".json" selects.
_EXTENSIONS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        ((ext, cls.name) for cls in _RENDERERS.values() for ext in cls.extensions),
        key=lambda pair: -len(pair[0]),
    )
)


def renderer_for(fmt: str, *, color: bool = False) -> Renderer:
    """The renderer of format ``fmt`` (case-insensitive).

    ``color`` only matters to the ``text`` format (ANSI colour for terminals).

    Raises:
        UsageError: ``fmt`` is not one of :data:`FORMATS`.
    """
    key = (fmt or "").strip().lower()
    cls = _RENDERERS.get(key)
    if cls is None:
        raise UsageError(f"unknown format {fmt!r} (choose from: {', '.join(FORMATS)})")
    if cls is TextRenderer:
        return TextRenderer(color=color)
    return cls()


def render(report: RunReport, fmt: str, *, color: bool = False) -> str:
    """``report`` rendered in format ``fmt``; see :func:`renderer_for` for the errors."""
    return renderer_for(fmt, color=color).render(report)


def format_for_path(path: str) -> str | None:
    """The format an output file's extension selects, or ``None`` when none does.

    ``.txt`` text, ``.json`` json, ``.csl.json`` csl-json, ``.md`` markdown, ``.html``
    html, ``.csv`` csv, ``.xml`` junit, ``.sarif`` / ``.sarif.json`` sarif, ``.bib``
    bibtex, ``.ris`` ris.
    """
    name = os.path.basename(path or "").lower()
    for ext, fmt in _EXTENSIONS:
        if name.endswith(ext) and len(name) > len(ext):
            return fmt
    return None
