"""JUnit XML: one test case per reference, for CI test-report viewers.

A reference *fails* when it has a finding at or above ``fail_on`` (default: warning,
so that a missing DOI or a stale access date shows up red in CI while info notes do
not), is *skipped* when nothing about it could be checked (resolution skipped or in
error and no link gave a verdict), and *passes* otherwise. Info findings and
below-threshold findings go to ``system-out`` so nothing is hidden.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from refcheck.model import (
    ArticleReport,
    ReferenceReport,
    ResolutionStatus,
    RunReport,
    Severity,
)
from refcheck.render._common import clean, short_citation, sorted_findings, xml_safe
from refcheck.render.interface import Renderer


def _not_checked(ref: ReferenceReport) -> str | None:
    """Why nothing could be checked about ``ref``, or ``None`` when something was."""
    res = ref.resolution
    if res.status not in (ResolutionStatus.SKIPPED, ResolutionStatus.ERROR):
        return None
    if any(link.status.is_alive or link.status.is_dead for link in ref.links):
        return None
    why = f"resolution {res.status.value}" + (f": {res.reason}" if res.reason else "")
    if ref.links:
        why += "; links: " + ", ".join(link.status.value for link in ref.links)
    return why


class JunitRenderer(Renderer):
    """``<testsuites>`` with one ``<testsuite>`` per article, one case per reference."""

    name = "junit"
    extensions = (".xml",)

    def __init__(self, *, fail_on: Severity = Severity.WARNING) -> None:
        self.fail_on = fail_on

    def render(self, report: RunReport) -> str:
        """The XML document, indented, with an XML declaration."""
        root = ET.Element("testsuites", {"name": "refcheck"})
        totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for article in report.articles:
            suite, counts = self._suite(article)
            root.append(suite)
            for key in totals:
                totals[key] += counts[key]
        for key, value in totals.items():
            root.set(key, str(value))
        ET.indent(root, space="  ")
        body = ET.tostring(root, encoding="unicode")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"

    def _suite(self, article: ArticleReport) -> tuple[ET.Element, dict[str, int]]:
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        suite = ET.Element("testsuite", {"name": xml_safe(article.source)})
        for ref in article.references:
            counts["tests"] += 1
            case = ET.SubElement(
                suite,
                "testcase",
                {
                    "classname": xml_safe(article.source),
                    "name": xml_safe(f"[{ref.index}] {short_citation(ref)}"),
                    "file": xml_safe(article.source),
                    "line": str(ref.line),
                    "time": "0",
                },
            )
            failing = [f for f in sorted_findings(ref) if f.severity >= self.fail_on]
            quiet = [f for f in sorted_findings(ref) if f.severity < self.fail_on]
            if failing:
                counts["failures"] += 1
                first = failing[0]
                failure = ET.SubElement(
                    case,
                    "failure",
                    {"type": xml_safe(first.code), "message": xml_safe(clean(first.message))},
                )
                failure.text = xml_safe(
                    "\n".join(
                        f"{f.severity.label} {f.code}: {f.message}"
                        + (f"\n  fix: {f.fix}" if f.fix else "")
                        for f in failing
                    )
                    + f"\nline {ref.line}: {ref.raw}"
                )
            else:
                why = _not_checked(ref)
                if why:
                    counts["skipped"] += 1
                    ET.SubElement(case, "skipped", {"message": xml_safe(clean(why))})
            if quiet:
                out = ET.SubElement(case, "system-out")
                out.text = xml_safe(
                    "\n".join(
                        f"{f.severity.label} {f.code}: {f.message}"
                        + (f" (fix: {f.fix})" if f.fix else "")
                        for f in quiet
                    )
                )
        for key, value in counts.items():
            suite.set(key, str(value))
        return suite, counts
