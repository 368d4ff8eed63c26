"""Baselines: report only what is new since an earlier run.

A pipeline adopting refcheck on an old corpus saves one run's JSON report and passes
it as ``--baseline``; later runs then report only findings that are not in it. A
finding is identified by its article, its code and the reference's text (folded), not
by line numbers, so editing other parts of a document does not resurrect old findings.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from refcheck.errors import UsageError
from refcheck.model import ArticleReport, RunReport


def fingerprint(source: str, raw: str, code: str) -> str:
    """A stable identity for one finding on one reference of one article."""
    folded = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", raw)).strip().casefold()
    return hashlib.sha256(f"{source}\x00{code}\x00{folded}".encode()).hexdigest()[:32]


def load_baseline(path: Path) -> frozenset[str]:
    """The fingerprints of every finding in a refcheck JSON report."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError):
        raise UsageError(
            f"{path}: baseline is not JSON (use a report from --format json)"
        ) from None
    try:
        if data.get("tool", {}).get("name") != "refcheck":
            raise TypeError
        return frozenset(
            fingerprint(article["source"], ref["raw"], finding["code"])
            for article in data["articles"]
            for ref in article["references"]
            for finding in ref["findings"]
        )
    except (AttributeError, KeyError, TypeError):
        raise UsageError(
            f"{path}: not a refcheck JSON report (use the output of --format json)"
        ) from None


def filter_article(article: ArticleReport, baseline: frozenset[str]) -> ArticleReport:
    """The article without the findings the baseline already holds."""
    refs = tuple(
        replace(
            ref,
            findings=tuple(
                f
                for f in ref.findings
                if fingerprint(article.source, ref.raw, f.code) not in baseline
            ),
        )
        for ref in article.references
    )
    return replace(article, references=refs)


def apply_baseline(report: RunReport, baseline: frozenset[str]) -> RunReport:
    """The report without the findings the baseline already holds."""
    return replace(report, articles=tuple(filter_article(a, baseline) for a in report.articles))
