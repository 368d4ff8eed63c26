"""refcheck: a citation and reference-freshness checker.

The library API::

    from refcheck import CheckOptions, check_article
    report = check_article("article.txt", CheckOptions(mailto="you@example.org"))
    for ref in report.references:
        print(ref.line, ref.resolution.status, [f.code for f in ref.findings])

Names are imported lazily so that ``refcheck --help`` starts fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> (module, attribute)
_EXPORTS: dict[str, tuple[str, str]] = {
    "check_article": ("refcheck.pipeline", "check_article"),
    "Checker": ("refcheck.pipeline", "Checker"),
    "CheckOptions": ("refcheck.pipeline", "CheckOptions"),
    "run_report": ("refcheck.pipeline", "run_report"),
    "parse_reference": ("refcheck.parse", "parse_reference"),
    "parse_references": ("refcheck.parse", "parse_references"),
    "extract_references": ("refcheck.extract", "extract_references"),
    "load_document": ("refcheck.extract", "load_document"),
    # Not "render": that name is the refcheck.render subpackage.
    "render_report": ("refcheck.render", "render"),
    "ArticleReport": ("refcheck.model", "ArticleReport"),
    "RunReport": ("refcheck.model", "RunReport"),
    "ReferenceReport": ("refcheck.model", "ReferenceReport"),
    "Reference": ("refcheck.model", "Reference"),
    "Resolution": ("refcheck.model", "Resolution"),
    "LinkResult": ("refcheck.model", "LinkResult"),
    "Finding": ("refcheck.model", "Finding"),
    "Severity": ("refcheck.model", "Severity"),
}

if TYPE_CHECKING:
    from refcheck.extract import extract_references, load_document
    from refcheck.model import (
        ArticleReport,
        Finding,
        LinkResult,
        Reference,
        ReferenceReport,
        Resolution,
        RunReport,
        Severity,
    )
    from refcheck.parse import parse_reference, parse_references
    from refcheck.pipeline import Checker, CheckOptions, check_article, run_report
    from refcheck.render import render as render_report

__all__ = [
    "ArticleReport",
    "CheckOptions",
    "Checker",
    "Finding",
    "LinkResult",
    "Reference",
    "ReferenceReport",
    "Resolution",
    "RunReport",
    "Severity",
    "__version__",
    "check_article",
    "extract_references",
    "load_document",
    "parse_reference",
    "parse_references",
    "render_report",
    "run_report",
]


def __getattr__(name: str) -> Any:
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'refcheck' has no attribute {name!r}")
    module, attribute = target
    return getattr(importlib.import_module(module), attribute)
