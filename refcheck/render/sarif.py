"""SARIF 2.1.0: one result per finding, located at the reference's line.

Code-scanning UIs (GitHub keeps at most 5,000 results a run) show each result on the
article's file; the gravest results are kept when a run has more, and the run says how
many were dropped.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import re
import urllib.parse

from refcheck.model import JSON, Finding, ReferenceReport, RunReport, Severity
from refcheck.render._common import describe, iter_references
from refcheck.render.interface import Renderer

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RESULTS = 5000
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_uri(source: str) -> JSON:
    """An ``artifactLocation`` for an article: relative paths against %SRCROOT%."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source):
        return {"uri": source}
    # An absolute path cannot be mapped onto a repository; give a file URI.
    if source.startswith("/"):
        return {"uri": pathlib.PurePosixPath(source).as_uri()}
    if re.match(r"^[A-Za-z]:[\\/]", source):
        return {"uri": pathlib.PureWindowsPath(source).as_uri()}
    rel = source.replace("\\", "/")
    return {"uri": urllib.parse.quote(rel, safe="/-._~"), "uriBaseId": "%SRCROOT%"}


def _fingerprint(source: str, ref: ReferenceReport, finding: Finding) -> str:
    # The reference text, not its line, identifies the problem, so a result keeps its
    # identity when lines above it move (code scanning matches alerts across runs).
    text = "\x1f".join((source, " ".join(ref.raw.split()), finding.code, finding.field or ""))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class SarifRenderer(Renderer):
    """A SARIF log with one run; rules are the finding codes seen, sorted."""

    name = "sarif"
    extensions = (".sarif", ".sarif.json")

    def __init__(self, *, max_results: int = MAX_RESULTS) -> None:
        self.max_results = max_results

    def render(self, report: RunReport) -> str:
        """The SARIF JSON text (sorted keys, final newline)."""
        found = [
            (article.source, ref, f)
            for article, ref in iter_references(report)
            for f in ref.findings
        ]
        # Keep the gravest when over the cap; sorted() is stable so document order
        # survives within a severity.
        kept = sorted(found, key=lambda t: -int(t[2].severity))[: self.max_results]
        kept_ids = {id(t) for t in kept}
        kept = [t for t in found if id(t) in kept_ids]
        dropped = len(found) - len(kept)

        codes = sorted({f.code for _, _, f in found})
        rule_index = {code: i for i, code in enumerate(codes)}
        worst: dict[str, Severity] = {}
        for _, _, f in found:
            worst[f.code] = max(worst.get(f.code, f.severity), f.severity)
        rules = [
            {
                "id": code,
                "name": "".join(p.capitalize() for p in code.split("-")),
                "shortDescription": {"text": describe(code)},
                "defaultConfiguration": {"level": _LEVELS[worst[code]]},
            }
            for code in codes
        ]
        results = [self._result(src, ref, f, rule_index[f.code]) for src, ref, f in kept]

        notifications = [
            {"level": "warning", "message": {"text": f"{n.service}: {n.message}"}}
            for article in report.articles
            for n in article.notices
        ]
        if dropped:
            notifications.append(
                {
                    "level": "warning",
                    "message": {
                        "text": f"{dropped} results dropped: SARIF consumers keep at most "
                        f"{self.max_results} a run (the gravest were kept)"
                    },
                }
            )
        invocation: JSON = {"executionSuccessful": True}
        if notifications:
            invocation["toolExecutionNotifications"] = notifications
        driver: JSON = {"name": "refcheck", "rules": rules}
        if report.tool_version:
            driver["version"] = report.tool_version
        log = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": driver},
                    "invocations": [invocation],
                    "columnKind": "unicodeCodePoints",
                    "results": results,
                }
            ],
        }
        return json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @staticmethod
    def _result(source: str, ref: ReferenceReport, finding: Finding, index: int) -> JSON:
        text = finding.message.rstrip(".") + "."
        if finding.fix:
            text += f" Fix: {finding.fix}"
        region: JSON = {"startLine": max(ref.line, 1)}
        if ref.extracted.column >= 1:
            region["startColumn"] = ref.extracted.column
        return {
            "ruleId": finding.code,
            "ruleIndex": index,
            "level": _LEVELS[finding.severity],
            "message": {"text": text},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact_uri(source),
                        "region": region,
                    }
                }
            ],
            "partialFingerprints": {"refcheckReference/v1": _fingerprint(source, ref, finding)},
            "properties": {"referenceIndex": ref.index},
        }
