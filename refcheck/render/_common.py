"""Helpers shared by the renderers: safe text, short citations, enriched references.

Everything here is pure and deterministic so that every format tells the same story
about a reference (the same short citation, the same enriched DOI and URL).
"""

from __future__ import annotations

import dataclasses
import re
import urllib.parse
from collections.abc import Iterable, Iterator

from refcheck.model import (
    JSON,
    ArticleReport,
    Finding,
    LinkResult,
    LinkStatus,
    Reference,
    ReferenceReport,
    ResolutionStatus,
    RunReport,
    Severity,
    Summary,
)

# C0 and C1 controls, DEL, and the bidirectional overrides/isolates that can make a
# terminal or an editor show text in an order other than the bytes ("trojan source").
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE_LIKE = re.compile(r"[\t\n\r\v\f]+")

# Characters XML 1.0 forbids anywhere, even escaped (JUnit readers reject them).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: One-line descriptions of the finding codes refcheck's judge emits, used where a
#: format wants a rule catalogue (SARIF) or a legend. Unknown codes fall back to the
#: code itself, so a new finding never breaks a renderer.
FINDING_DESCRIPTIONS: dict[str, str] = {
    "doi-missing": "The reference has no DOI but Crossref registers one for it.",
    "doi-mismatch": "The reference cites a DOI other than the one registered for the work.",
    "doi-not-found": "The cited DOI is not registered.",
    "metadata-mismatch": "A field differs from the registered record.",
    "retracted": "The cited work has been retracted.",
    "correction": "A correction has been published for the cited work.",
    "expression-of-concern": "An expression of concern is registered for the cited work.",
    "preprint-published": "The cited preprint has since been published.",
    "not-found": "No registered work matches the reference.",
    "ambiguous": "Several registered works match the reference equally well.",
    "resolution-error": "The reference could not be checked against Crossref.",
    "link-broken": "A cited URL no longer works.",
    "link-soft-404": "A cited URL answers, but with a 'not found' page or the site's root.",
    "link-redirected": "A cited URL permanently moved.",
    "link-invalid": "A cited URL is malformed.",
    "link-inconclusive": "A cited URL could not be verified (blocked, timeout, offline).",
    "stale-access-date": "The access date is older than the staleness threshold.",
    "missing-access-date": "A web reference without a DOI has no access date.",
    "future-access-date": "The access date is after the report date.",
    "access-before-publication": "The access date is before the work was published.",
    "unparsed-reference": "The reference could not be parsed.",
    "duplicate-reference": "The same work is cited more than once.",
}


def describe(code: str) -> str:
    """The one-line description of a finding code (the code itself if unknown)."""
    return FINDING_DESCRIPTIONS.get(code, code.replace("-", " ").capitalize() + ".")


def clean(text: str | None) -> str:
    """``text`` on one line with control characters made visible and inert.

    Reference text comes from documents refcheck did not write; an ESC byte in it must
    not reach a terminal, and a newline must not forge a second report line.
    """
    if not text:
        return ""
    text = _SPACE_LIKE.sub(" ", text)
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text).strip()


def plain(text: str | None) -> str:
    """``text`` on one line with control and bidi characters removed (for data formats).

    BibTeX, RIS and the like carry values, not displays: a visible escape would corrupt
    the value, so the invisible characters are dropped instead.
    """
    if not text:
        return ""
    return " ".join(_CONTROL.sub("", _SPACE_LIKE.sub(" ", text)).split())


def xml_safe(text: str | None) -> str:
    """``text`` without the characters XML 1.0 cannot carry (ElementTree escapes the rest)."""
    return _XML_INVALID.sub("\ufffd", text or "")


def truncate(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis when it was longer."""
    return text if len(text) <= width else text[: max(width - 1, 0)].rstrip() + "…"


def is_web_url(url: str | None) -> bool:
    """True for an absolute http(s) URL with a host: the only kind a report links to."""
    if not url:
        return False
    try:
        parts = urllib.parse.urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def doi_url(doi: str) -> str:
    """The resolver URL of a DOI, percent-encoded where a DOI's characters need it."""
    return "https://doi.org/" + urllib.parse.quote(doi.strip(), safe="/:;()._-")


def short_citation(ref: ReferenceReport, width: int = 70) -> str:
    """ "Hensley 2009. Leg cramps and restless legs…": who, when, what, on one line."""
    r = ref.reference
    who = ""
    if r.first_author is not None:
        first = r.first_author
        who = clean(first.literal or first.family or first.display())
        if len(r.authors) > 2 or r.et_al:
            who += " et al."
        elif len(r.authors) == 2:
            second = r.authors[1]
            who += " & " + clean(second.literal or second.family or second.display())
    year = str(r.issued.year) if r.issued else ""
    head = " ".join(p for p in (who, year) if p)
    title = clean(r.title or r.container_title)
    if head and title:
        # "Sheon et al." already ends a sentence; do not add a second period.
        text = f"{head} {title}" if head.endswith(".") else f"{head}. {title}"
    else:
        text = head or title or clean(ref.raw)
    return truncate(text, width) if text else "(empty reference)"


def severity_key(ref: ReferenceReport) -> int:
    """The reference's worst severity as a number (0 when it has no finding)."""
    worst = ref.worst_severity
    return int(worst) if worst is not None else 0


def severity_label(ref: ReferenceReport) -> str:
    """``error`` / ``warning`` / ``info``, or ``ok`` when the reference has no finding."""
    worst = ref.worst_severity
    return worst.label if worst is not None else "ok"


def sorted_findings(ref: ReferenceReport) -> list[Finding]:
    """The reference's findings, gravest first, otherwise in the judge's order."""
    return sorted(ref.findings, key=lambda f: -int(f.severity))


def iter_references(report: RunReport) -> Iterator[tuple[ArticleReport, ReferenceReport]]:
    """Every (article, reference) pair of the run, in document order."""
    for article in report.articles:
        for ref in article.references:
            yield article, ref


def permanent_target(link: LinkResult) -> str | None:
    """Where a link now lives, when every hop of its redirect chain is permanent.

    A temporary (302/303/307) hop anywhere means the site may send readers back, so
    refcheck only suggests updating the citation when the whole move is permanent.
    """
    if link.status is not LinkStatus.REDIRECTED or not link.final_url or not link.redirects:
        return None
    if all(hop.permanent for hop in link.redirects) and link.final_url != link.url:
        return link.final_url
    return None


def enriched_reference(ref: ReferenceReport) -> tuple[Reference, list[str]]:
    """The reference with what refcheck learned, and notes on what it changed.

    - the DOI of a matched resolution (added, or replacing a different cited DOI);
    - URLs that moved permanently replaced by their final address;
    - archived copies of links, listed in the notes (CSL has no field for them).
    """
    reference = ref.reference
    notes: list[str] = []
    doi = reference.doi
    res = ref.resolution
    if res.status is ResolutionStatus.MATCHED and res.doi:
        if doi and doi.lower() != res.doi.lower():
            notes.append(f"refcheck: cited DOI {doi} replaced by the registered {res.doi}")
        doi = res.doi
    by_url = {link.url: link for link in ref.links}
    urls: list[str] = []
    for url in reference.urls:
        link = by_url.get(url)
        target = permanent_target(link) if link else None
        urls.append(target or url)
        if target:
            notes.append(f"refcheck: {url} moved permanently to {target}")
    for link in ref.links:
        if link.archive_url:
            notes.append(f"Archived copy: {link.archive_url}")
    for update in res.record.updated_by if res.record else ():
        what = update.kind.value.replace("_", " ")
        notes.append(f"refcheck: {what} registered" + (f" ({update.doi})" if update.doi else ""))
    enriched = dataclasses.replace(reference, doi=doi, urls=tuple(urls))
    return enriched, notes


def item_id(report: RunReport, article_index: int, ref: ReferenceReport) -> str:
    """A CSL/BibTeX-safe id, unique over the run: ``ref3``, or ``a2-ref3`` for many articles."""
    if len(report.articles) == 1:
        return f"ref{ref.index}"
    return f"a{article_index + 1}-ref{ref.index}"


def enriched_csl(report: RunReport, article_index: int, ref: ReferenceReport) -> JSON:
    """The enriched reference as one CSL-JSON item (notes appended to ``note``)."""
    enriched, notes = enriched_reference(ref)
    item = enriched.to_csl(item_id(report, article_index, ref))
    if notes:
        item["note"] = "\n".join(([item["note"]] if item.get("note") else []) + notes)
    return item


def count_phrase(counts: dict[str, int], order: Iterable[str] | None = None) -> str:
    """``"4 matched, 2 skipped"`` from a count dict, zero counts left out."""
    keys = list(order) if order is not None else list(counts)
    keys += [k for k in counts if k not in keys]
    parts = [f"{counts[k]} {k}" for k in keys if counts.get(k)]
    return ", ".join(parts) if parts else "none"


SEVERITY_ORDER = [s.label for s in sorted(Severity, reverse=True)]
RESOLUTION_ORDER = [s.value for s in ResolutionStatus]
LINK_ORDER = [s.value for s in LinkStatus]


def link_phrase(summary: Summary) -> str:
    """Link counts, saying plainly that inconclusive checks were not called broken."""
    text = count_phrase(summary.links, LINK_ORDER)
    inconclusive = sum(n for k, n in summary.links.items() if LinkStatus(k).is_inconclusive)
    if inconclusive:
        text += f" ({inconclusive} inconclusive: not counted as broken)"
    return text
