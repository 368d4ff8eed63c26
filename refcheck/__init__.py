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

_EXPORTS = {
    "check_article": "refcheck.pipeline",
    "Checker": "refcheck.pipeline",
    "CheckOptions": "refcheck.pipeline",
    "run_report": "refcheck.pipeline",
    "parse_reference": "refcheck.parse",
    "parse_references": "refcheck.parse",
    "extract_references": "refcheck.extract",
    "load_document": "refcheck.extract",
    "render": "refcheck.render",
    "ArticleReport": "refcheck.model",
    "RunReport": "refcheck.model",
    "ReferenceReport": "refcheck.model",
    "Reference": "refcheck.model",
    "Resolution": "refcheck.model",
    "LinkResult": "refcheck.model",
    "Finding": "refcheck.model",
    "Severity": "refcheck.model",
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
    from refcheck.render import render

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
    "render",
    "run_report",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'refcheck' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
