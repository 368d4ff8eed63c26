"""Access-date rules: is the date a web reference was last checked still credible?

No style guide sets a staleness threshold, so it is an option (``--stale-after``).
The default, three years, follows the measured pace of link rot: about a quarter of
pages cited in 2013 had vanished a decade later (Pew Research, 2024), a few percent
a year, so after three years roughly one cited page in ten has gone or changed. That
is the point where re-verifying is worth an editor's time; shorter thresholds flag
most of a normal bibliography and get switched off.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from refcheck.errors import UsageError
from refcheck.model import Finding, PartialDate, Reference, ReferenceType, Severity

DEFAULT_STALE_AFTER = "3y"

_DURATION_PART = re.compile(r"(\d+)\s*([ymwd])", re.IGNORECASE)
_DAYS_PER_UNIT = {"y": 365.25, "m": 30.4375, "w": 7.0, "d": 1.0}


@dataclass(frozen=True)
class Duration:
    """A staleness threshold such as ``3y``, ``18m``, ``1y6m`` or ``90d``."""

    text: str
    days: int

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read ``<n>y``, ``<n>m``, ``<n>w``, ``<n>d`` (combinable); UsageError otherwise."""
        cleaned = text.strip().lower().replace(" ", "")
        parts = _DURATION_PART.findall(cleaned)
        if not cleaned or "".join(n + u for n, u in parts) != cleaned:
            raise UsageError(f"invalid duration {text!r} (expected e.g. 3y, 18m, 1y6m, 90d)")
        days = round(sum(int(n) * _DAYS_PER_UNIT[u] for n, u in parts))
        if days <= 0:
            raise UsageError(f"invalid duration {text!r}: must be longer than zero")
        return cls(cleaned, days)

    def __str__(self) -> str:
        return self.text


def _age_text(days: int) -> str:
    years, rest = divmod(days, 365)
    if years >= 1:
        months = rest // 30
        return f"{years} year{'s' * (years != 1)}" + (
            f" {months} month{'s' * (months != 1)}" if months else ""
        )
    if days >= 60:
        return f"{days // 30} months"
    return f"{days} day{'s' * (days != 1)}"


def is_web_reference(reference: Reference) -> bool:
    """A reference that cites a web resource rather than a registered work."""
    return reference.type is ReferenceType.WEBPAGE or (bool(reference.urls) and not reference.doi)


def access_date_findings(
    reference: Reference, *, as_of: dt.date, stale_after: Duration
) -> list[Finding]:
    """Findings about a reference's access date, judged as of ``as_of``."""
    accessed = reference.accessed
    if accessed is None:
        if is_web_reference(reference) and reference.urls:
            return [
                Finding(
                    code="missing-access-date",
                    severity=Severity.WARNING,
                    message="web reference without a DOI gives no access date",
                    fix=f'add "Accessed {_ama_date(as_of)}." after checking the page',
                    field="accessed",
                )
            ]
        return []

    findings: list[Finding] = []
    if accessed.earliest() > as_of:
        findings.append(
            Finding(
                code="future-access-date",
                severity=Severity.ERROR,
                message=f"access date {accessed.isoformat()} is after {as_of.isoformat()}",
                fix="correct the access date (a typo in the year?)",
                field="accessed",
            )
        )
        return findings

    age = (as_of - accessed.latest()).days
    if age > stale_after.days:
        findings.append(
            Finding(
                code="stale-access-date",
                severity=Severity.WARNING,
                message=(
                    f"accessed {accessed.isoformat()}, {_age_text(age)} before "
                    f"{as_of.isoformat()} (threshold {stale_after})"
                ),
                fix="re-check the page and update the access date, or cite an archived copy",
                field="accessed",
            )
        )

    issued = reference.issued
    if issued is not None and accessed.latest() < issued.earliest():
        findings.append(
            Finding(
                code="access-before-publication",
                severity=Severity.WARNING,
                message=(
                    f"access date {accessed.isoformat()} is before the work's "
                    f"publication date {issued.isoformat()}"
                ),
                fix="check both dates",
                field="accessed",
            )
        )
    return findings


_AMA_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.",
               "Oct.", "Nov.", "Dec.")  # fmt: skip


def _ama_date(day: dt.date) -> str:
    return f"{_AMA_MONTHS[day.month - 1]} {day.day}, {day.year}"


__all__ = [
    "DEFAULT_STALE_AFTER",
    "Duration",
    "PartialDate",
    "access_date_findings",
    "is_web_reference",
]
