"""Link verdicts as findings.

A checker that cries wolf is switched off, so only a definitive answer is an error:
``broken`` (404, 410, no such host, refused, redirect loop) and ``soft-404``. Blocks,
timeouts, server errors and network errors prove nothing and are ``info``. A permanent
redirect is ``info`` with the new address as the fix. A malformed URL is a
``warning``: the citation itself needs correcting.

Content drift (measured only with ``--drift``) is a ``warning`` on a live link: the
page is there but no longer says what the author read. It is raised only on a
measurement; no snapshot, or a page that could not be read, gives nothing.
"""

from __future__ import annotations

from refcheck.links.drift import DRIFT_THRESHOLD, snapshot_date
from refcheck.links.http import permanent_target
from refcheck.model import Finding, LinkResult, LinkStatus, Severity


def _archive_fix(result: LinkResult) -> str | None:
    return f"cite the archived copy: {result.archive_url}" if result.archive_url else None


def _why(result: LinkResult) -> str:
    return f" ({result.detail})" if result.detail else ""


def drift_finding(
    result: LinkResult, *, threshold: float = DRIFT_THRESHOLD
) -> Finding | None:
    """``content-drift`` when a live link's page no longer says what was archived.

    ``threshold`` (default :data:`refcheck.links.drift.DRIFT_THRESHOLD`, 0.5) is the
    share of the archived text's three-word runs that must still be on the live page.
    """
    score = result.content_similarity
    if (
        score is None
        or not result.archive_url
        or not result.status.is_alive
        or score >= threshold
    ):
        return None
    when = snapshot_date(result.archive_url)
    archived = f"archived on {when}" if when else "archived"
    return Finding(
        "content-drift", Severity.WARNING,
        f"the page has changed since it was cited: only {score:.0%} of its text as "
        f"{archived} is still on the live page: {result.url}",
        fix=f"cite the archived copy {result.archive_url} or re-read the page and update "
        "the citation",
        field="URL",
    )


def link_findings(
    result: LinkResult, *, drift_threshold: float = DRIFT_THRESHOLD
) -> list[Finding]:
    """The findings one link verdict gives rise to (none for a live, unchanged link).

    ``drift_threshold``: see :func:`drift_finding` (used only when the checker
    measured ``content_similarity``).
    """
    found = _verdict_findings(result)
    drifted = drift_finding(result, threshold=drift_threshold)
    return [*found, drifted] if drifted else found


def _verdict_findings(result: LinkResult) -> list[Finding]:
    url = result.url
    status = result.status
    if status is LinkStatus.OK or status is LinkStatus.SKIPPED:
        return []
    if status is LinkStatus.BROKEN:
        return [
            Finding(
                "link-broken", Severity.ERROR, f"link is dead: {url}{_why(result)}",
                fix=_archive_fix(result), field="URL",
            )
        ]
    if status is LinkStatus.SOFT_404:
        return [
            Finding(
                "link-soft-404", Severity.ERROR,
                f"link answers but the cited page is gone: {url}{_why(result)}",
                fix=_archive_fix(result), field="URL",
            )
        ]
    if status is LinkStatus.REDIRECTED:
        target = permanent_target(result) or result.final_url
        return [
            Finding(
                "link-redirected", Severity.INFO, f"link has moved permanently: {url} -> {target}",
                fix=f"cite the new address: {target}" if target else None, field="URL",
            )
        ]
    if status is LinkStatus.BLOCKED:
        return [
            Finding(
                "link-blocked", Severity.INFO,
                f"the site refused the checker, so the link could not be verified: {url}"
                f"{_why(result)}",
                fix=_archive_fix(result), field="URL",
            )
        ]
    if status is LinkStatus.INVALID:
        return [
            Finding("link-invalid", Severity.WARNING, f"malformed URL: {url}{_why(result)}",
                    field="URL")
        ]
    if status is LinkStatus.NETWORK_ERROR and (result.detail or "").startswith("TLS:"):
        # A bad certificate is no proof the page is gone, but readers hit the same wall.
        return [
            Finding(
                "link-tls", Severity.WARNING,
                f"the site's certificate is not valid: {url}{_why(result)}",
                fix=_archive_fix(result), field="URL",
            )
        ]
    code = {
        LinkStatus.TIMEOUT: "link-timeout",
        LinkStatus.SERVER_ERROR: "link-server-error",
        LinkStatus.NETWORK_ERROR: "link-network-error",
    }[status]
    return [
        Finding(
            code, Severity.INFO, f"link could not be verified (inconclusive): {url}{_why(result)}",
            field="URL",
        )
    ]
