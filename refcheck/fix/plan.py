"""Deciding what to change in each reference, from what the check found.

A plan is format-free: it says "add DOI X because of finding doi-missing", not where
the bytes go. Only definitive answers become changes:

- a DOI comes only from a ``matched`` resolution (added when the reference has none,
  finding ``doi-missing``; replacing a cited DOI that belongs to another work, finding
  ``doi-mismatch``);
- a URL is replaced only when *every* hop of its redirect chain was permanent (301 or
  308), finding ``link-redirected``: a temporary hop means the site may send readers
  back;
- an archived copy is added only for a link that is definitively dead (``broken`` or
  ``soft-404``), findings ``link-broken`` / ``link-soft-404``;
- registered metadata replaces a cited field only for a ``matched`` resolution whose
  record holds that field, finding ``metadata-mismatch``.

Each change answers a finding that is present in the report, so a finding code the
user switched off in the settings is not "fixed" behind their back.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from refcheck.model import (
    ArticleReport,
    ExtractedReference,
    Finding,
    LinkResult,
    ReferenceReport,
    RegisteredWork,
    ResolutionStatus,
)
from refcheck.render._common import is_web_url, permanent_target, plain
from refcheck.resolve.text import doi_key, is_valid_doi, normalize_doi


class ChangeKind(enum.StrEnum):
    """What a change does to a reference."""

    ADD_DOI = "add-doi"
    REPLACE_DOI = "replace-doi"
    UPDATE_URL = "update-url"
    ADD_ARCHIVE = "add-archive"
    UPDATE_FIELD = "update-field"


@dataclass(frozen=True)
class Change:
    """One edit to one reference, and the finding it answers.

    ``field`` is the CSL-JSON field concerned (``DOI``, ``URL``, ``title``, ``volume``,
    ``issue``, ``page``, ``container-title``, ``issued``). ``old`` is the value as cited
    (``None`` when added); ``new`` the value to write (for ``issued``, the year or ISO
    date). For ``ADD_ARCHIVE``, ``old`` is the dead URL and ``new`` its archived copy.
    """

    kind: ChangeKind
    field: str
    old: str | None
    new: str
    finding: str  # the finding code this change answers
    reason: str  # one line, for people: why this change is safe

    def describe(self) -> str:
        """One line: what changes."""
        if self.kind is ChangeKind.ADD_DOI:
            return f"add DOI {self.new}"
        if self.kind is ChangeKind.REPLACE_DOI:
            return f"replace DOI {self.old} with {self.new}"
        if self.kind is ChangeKind.UPDATE_URL:
            return f"replace URL {self.old} with {self.new}"
        if self.kind is ChangeKind.ADD_ARCHIVE:
            return f"add archived copy {self.new} of {self.old}"
        return f"change {self.field} {self.old!r} to {self.new!r}"


@dataclass(frozen=True)
class ReferenceFix:
    """The changes planned for one reference of the report.

    ``declined`` lists, in words, fixes refcheck knows of but will not make (an author
    list, a DOI from an unmatched resolution...), so a report can say why a finding
    stays open.
    """

    index: int  # the ReferenceReport's 1-based index
    extracted: ExtractedReference  # where the reference stands in the source
    changes: tuple[Change, ...]
    declined: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How messages name the reference: its key/label, else its index."""
        return self.extracted.label or f"reference {self.index}"


_UNSAFE_URL = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\"<>]")
_ARCHIVE_FORM = re.compile(r"^https?://.+/https?:/{1,2}", re.I)

#: The CSL fields whose registered value refcheck writes back; the author list is not
#: among them (names are too easily mangled, and a wrong one is worse than a stale one).
METADATA_FIELDS = ("title", "container-title", "issued", "volume", "issue", "page")


def _registered_value(record: RegisteredWork, field: str) -> str | None:
    value: str | None
    if field == "title":
        value = record.title
    elif field == "container-title":
        value = record.container_title
    elif field == "issued":
        value = str(record.issued.year) if record.issued else None
    elif field == "volume":
        value = record.volume
    elif field == "issue":
        value = record.issue
    elif field == "page":
        value = record.page
    else:
        value = None
    # Registered text is someone else's too: one line, no control or bidi characters.
    value = plain(value) if value else None
    return value or None


def _writable_url(url: str) -> bool:
    """An absolute http(s) URL with nothing that could break the line it is written on."""
    return is_web_url(url) and not _UNSAFE_URL.search(url)


def _has(findings: tuple[Finding, ...], code: str, url: str | None = None) -> Finding | None:
    """The first finding with ``code`` (about ``url``, when given)."""
    for finding in findings:
        if finding.code == code and (url is None or url in finding.message):
            return finding
    return None


def _doi_changes(ref: ReferenceReport) -> tuple[list[Change], list[str]]:
    res = ref.resolution
    changes: list[Change] = []
    declined: list[str] = []
    cited = normalize_doi(ref.reference.doi)
    if res.status is not ResolutionStatus.MATCHED or not res.doi:
        if _has(ref.findings, "doi-mismatch"):
            declined.append("doi-mismatch: the cited work was not matched, so no DOI is known")
        return changes, declined
    found = normalize_doi(res.doi)
    if not found or not is_valid_doi(found):
        declined.append(f"the registered DOI {res.doi!r} is malformed; not written")
        return changes, declined
    if cited is None and _has(ref.findings, "doi-missing"):
        changes.append(
            Change(
                ChangeKind.ADD_DOI, "DOI", None, found, "doi-missing",
                f"Crossref matched the reference to {found} (confidence {res.confidence:.2f})",
            )
        )
    elif cited is not None and doi_key(cited) != doi_key(found) and _has(
        ref.findings, "doi-mismatch"
    ):
        changes.append(
            Change(
                ChangeKind.REPLACE_DOI, "DOI", cited, found, "doi-mismatch",
                f"the cited DOI belongs to another work; Crossref matched the reference to "
                f"{found} (confidence {res.confidence:.2f})",
            )
        )
    return changes, declined


def _link_changes(ref: ReferenceReport) -> tuple[list[Change], list[str]]:
    changes: list[Change] = []
    declined: list[str] = []
    seen: set[str] = set()
    for link in ref.links:
        if link.url in seen:
            continue
        seen.add(link.url)
        changes.extend(_one_link(ref, link, declined))
    return changes, declined


def _one_link(ref: ReferenceReport, link: LinkResult, declined: list[str]) -> list[Change]:
    if link.status.value == "redirected" and _has(ref.findings, "link-redirected", link.url):
        target = permanent_target(link)
        if target is None:
            declined.append(
                f"link-redirected: {link.url} moved through a temporary redirect; not replaced"
            )
            return []
        if not _writable_url(target):
            declined.append(f"link-redirected: {target!r} is not an http(s) URL; not written")
            return []
        hops = " -> ".join(str(hop.status) for hop in link.redirects)
        return [
            Change(
                ChangeKind.UPDATE_URL, "URL", link.url, target, "link-redirected",
                f"every redirect was permanent ({hops})",
            )
        ]
    if link.status.is_dead:
        code = "link-broken" if link.status.value == "broken" else "link-soft-404"
        if not _has(ref.findings, code, link.url):
            return []
        if _ARCHIVE_FORM.search(link.url):
            # Wayback and archive.today copies embed the original address: an archived
            # copy of an archived copy helps no reader.
            declined.append(f"{code}: {link.url} is itself an archived copy")
            return []
        if not link.archive_url:
            declined.append(f"{code}: no archived copy of {link.url} is known")
            return []
        if not _writable_url(link.archive_url):
            declined.append(f"{code}: archived copy {link.archive_url!r} is not an http(s) URL")
            return []
        return [
            Change(
                ChangeKind.ADD_ARCHIVE, "URL", link.url, link.archive_url, code,
                f"the link is {link.status.value}" + (f" ({link.detail})" if link.detail else ""),
            )
        ]
    return []


def _metadata_changes(ref: ReferenceReport) -> tuple[list[Change], list[str]]:
    res = ref.resolution
    mismatches = [f for f in ref.findings if f.code == "metadata-mismatch"]
    if not mismatches:
        return [], []
    if res.status is not ResolutionStatus.MATCHED or res.record is None:
        # Conservative: metadata from a work that is not certainly this one is not
        # an improvement.
        return [], ["metadata-mismatch: the reference was not matched; fields left as cited"]
    changes: list[Change] = []
    declined: list[str] = []
    done: set[str] = set()
    for finding in mismatches:
        field = finding.field or ""
        if field in done:
            continue
        done.add(field)
        if field not in METADATA_FIELDS:
            declined.append(f"metadata-mismatch: the {field or 'unnamed field'} is not rewritten")
            continue
        new = _registered_value(res.record, field)
        if new is None:
            declined.append(f"metadata-mismatch: the registered record has no {field}")
            continue
        cited = next(
            (c.cited for c in res.comparisons if c.agrees is False and _csl(c.field) == field),
            None,
        )
        changes.append(
            Change(
                ChangeKind.UPDATE_FIELD, field, cited, new, "metadata-mismatch",
                f"the registered record of {res.doi} gives {new!r}",
            )
        )
    return changes, declined


def _csl(comparison_field: str) -> str:
    """The CSL name of a resolver comparison field ("pages" -> "page")."""
    return {
        "year": "issued",
        "pages": "page",
        "container": "container-title",
    }.get(comparison_field, comparison_field)


def plan_reference(ref: ReferenceReport) -> ReferenceFix:
    """The changes for one reference (possibly none)."""
    changes: list[Change] = []
    declined: list[str] = []
    for part in (_doi_changes, _link_changes, _metadata_changes):
        more, why = part(ref)
        changes.extend(more)
        declined.extend(why)
    return ReferenceFix(ref.index, ref.extracted, tuple(changes), tuple(declined))


def plan_fixes(report: ArticleReport) -> list[ReferenceFix]:
    """One ``ReferenceFix`` per reference that has something to change or decline.

    References with neither are left out, so an empty list means nothing to do.
    """
    fixes = [plan_reference(ref) for ref in report.references]
    return [fix for fix in fixes if fix.changes or fix.declined]
