"""Turns every stage's results into Findings, the one thing reports are made of.

Each stage judges its own results (``resolve.judge``, ``links.judge``,
``freshness``); this module composes them per reference, adds what only the whole
article can show (the same work cited twice) and what only the parse shows (a
reference with nothing recognisable), and applies the user's severity overrides.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import replace

from refcheck.freshness import Duration, access_date_findings
from refcheck.links.judge import link_findings
from refcheck.model import (
    Finding,
    LinkResult,
    Reference,
    ReferenceReport,
    ReferenceType,
    Resolution,
    ResolutionStatus,
    Severity,
)
from refcheck.resolve.judge import resolution_findings


def reference_findings(
    reference: Reference,
    resolution: Resolution,
    links: Sequence[LinkResult],
    *,
    as_of: dt.date,
    stale_after: Duration,
) -> list[Finding]:
    """Every finding about one reference, in a stable order."""
    findings: list[Finding] = []
    recognised = (
        reference.title or reference.container_title or reference.urls or reference.doi
    )
    # A personal communication is a name and a date by nature: nothing is missing.
    if not recognised and reference.type is not ReferenceType.PERSONAL_COMMUNICATION:
        findings.append(
            Finding(
                code="unparsed-reference",
                severity=Severity.WARNING,
                message="no title, source, URL or DOI could be recognised in this reference",
                fix="check the reference is complete and in a recognised style",
            )
        )
    findings.extend(resolution_findings(reference, resolution))
    for link in links:
        findings.extend(link_findings(link))
    findings.extend(access_date_findings(reference, as_of=as_of, stale_after=stale_after))
    return findings


def _work_key(report: ReferenceReport) -> str | None:
    """What identifies the cited work: its DOI, else its folded title and year."""
    res = report.resolution
    if res.status is ResolutionStatus.MATCHED and res.doi:
        return "doi:" + res.doi.lower()
    ref = report.reference
    if ref.doi:
        return "doi:" + ref.doi.lower()
    if ref.title and len(ref.title) >= 20:
        folded = unicodedata.normalize("NFKD", ref.title).casefold()
        folded = re.sub(r"[^\w]+", " ", folded).strip()
        year = ref.issued.year if ref.issued else ""
        return f"title:{folded}:{year}"
    return None


def duplicate_findings(reports: Sequence[ReferenceReport]) -> dict[int, Finding]:
    """``duplicate-reference`` for each later citation of an already cited work."""
    first_seen: dict[str, ReferenceReport] = {}
    out: dict[int, Finding] = {}
    for report in reports:
        key = _work_key(report)
        if key is None:
            continue
        earlier = first_seen.setdefault(key, report)
        if earlier is not report:
            out[report.index] = Finding(
                code="duplicate-reference",
                severity=Severity.WARNING,
                message=(f"cites the same work as reference {earlier.index} (line {earlier.line})"),
                fix=f"cite reference {earlier.index} again instead of repeating it",
            )
    return out


def apply_overrides(
    findings: Sequence[Finding], overrides: Mapping[str, Severity | None]
) -> tuple[Finding, ...]:
    """Re-grade findings by code; an override of ``None`` drops the code entirely."""
    out = []
    for finding in findings:
        if finding.code in overrides:
            severity = overrides[finding.code]
            if severity is None:
                continue
            finding = replace(finding, severity=severity)
        out.append(finding)
    return tuple(out)
