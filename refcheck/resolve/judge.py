"""Findings from a resolution: what an editor should change in a reference.

Skipped and failed resolutions give no findings here (the run's service notices say
Crossref could not be reached); duplicate references are found across the whole list
elsewhere.
"""

from __future__ import annotations

import re

from refcheck.model import (
    FieldComparison,
    Finding,
    Reference,
    RegisteredWork,
    Resolution,
    ResolutionStatus,
    Severity,
    UpdateKind,
    WorkUpdate,
)
from refcheck.resolve.text import doi_key, is_valid_doi, norm_title, normalize_doi

_FIELD_NAMES = {
    "title": "title",
    "author": "first author",
    "year": "year",
    "volume": "volume",
    "issue": "issue",
    "pages": "pages",
    "container": "journal",
}
_CSL_FIELD = {
    "title": "title",
    "author": "author",
    "year": "issued",
    "volume": "volume",
    "issue": "issue",
    "pages": "page",
    "container": "container-title",
}
_UPDATE_CODES = {
    UpdateKind.RETRACTION: ("retracted", Severity.ERROR, "retracted"),
    UpdateKind.WITHDRAWAL: ("withdrawn", Severity.ERROR, "withdrawn"),
    UpdateKind.EXPRESSION_OF_CONCERN: (
        "expression-of-concern",
        Severity.WARNING,
        "the subject of an expression of concern",
    ),
    UpdateKind.CORRECTION: ("corrected", Severity.INFO, "corrected"),
}
_NOTICE_KIND = [
    (re.compile(r"retract", re.I), "retracted", "retraction notice"),
    (re.compile(r"withdraw|removal", re.I), "withdrawn", "withdrawal notice"),
    (re.compile(r"concern", re.I), "expression-of-concern", "expression of concern"),
]


def _describe(work: RegisteredWork) -> str:
    bits = [f"“{work.title}”" if work.title else "an untitled work"]
    if work.issued:
        bits.append(f"({work.issued.year})")
    return " ".join(bits)


def _source(update: WorkUpdate) -> str:
    if update.source == "retraction-watch":
        return "Retraction Watch"
    if update.source == "publisher":
        return "the publisher"
    return update.source or "unknown source"


def _slightly_different(comp: FieldComparison) -> bool:
    """A title or journal close enough to match but misspelt (not merely abbreviated,
    re-cased, or cited without its subtitle)."""
    if comp.field == "container":
        return comp.score < 1.0
    if comp.field != "title" or comp.cited is None or comp.registered is None:
        return False
    cited, registered = norm_title(comp.cited), norm_title(comp.registered)
    return cited != registered and not (
        registered.startswith(cited) or cited.startswith(registered)
    )


def resolution_findings(reference: Reference, resolution: Resolution) -> list[Finding]:
    """The findings a resolution implies for the reference it resolved."""
    out: list[Finding] = []
    cited_raw = reference.doi
    cited = normalize_doi(cited_raw)
    status = resolution.status
    if status in (ResolutionStatus.SKIPPED, ResolutionStatus.ERROR):
        return out
    found = resolution.doi if status == ResolutionStatus.MATCHED else None
    record = resolution.record

    if cited and not is_valid_doi(cited):
        fix = f"replace it with DOI {found}" if found else "correct the DOI or remove it"
        out.append(
            Finding(
                "doi-invalid",
                Severity.ERROR,
                f"The DOI {cited_raw!r} is malformed (a DOI reads 10.<registrant>/<suffix>).",
                fix=fix,
                field="DOI",
            )
        )
    elif (
        cited and status == ResolutionStatus.MATCHED and found and doi_key(found) != doi_key(cited)
    ):
        out.append(
            Finding(
                "doi-mismatch",
                Severity.ERROR,
                f"The cited DOI {cited} belongs to another work; this reference is registered"
                f" as {found}.",
                fix=f"replace the DOI with {found}",
                field="DOI",
            )
        )
    elif (
        cited
        and status == ResolutionStatus.NOT_FOUND
        and record is not None
        and doi_key(record.doi) == doi_key(cited)
    ):
        out.append(
            Finding(
                "doi-mismatch",
                Severity.ERROR,
                f"The cited DOI {cited} is registered for a different work, {_describe(record)},"
                " and the cited work was not found in Crossref.",
                fix="check the DOI against the article and correct it",
                field="DOI",
            )
        )
    elif cited and status == ResolutionStatus.NOT_FOUND and record is None:
        out.append(
            Finding(
                "doi-unknown",
                Severity.WARNING,
                f"The DOI {cited} is registered neither with Crossref nor with any agency the"
                " DOI handle service knows.",
                fix="check the DOI against the article",
                field="DOI",
            )
        )
    if status == ResolutionStatus.MATCHED and found and not cited:
        out.append(
            Finding(
                "doi-missing",
                Severity.WARNING,
                f"The reference has no DOI; Crossref registers it as {found}.",
                fix=f"add DOI {found}",
                field="DOI",
            )
        )

    if status == ResolutionStatus.AMBIGUOUS and record is not None:
        rivals = [record, *resolution.alternatives]
        listed = "; ".join(f"{w.doi} {_describe(w)}" for w in rivals)
        out.append(
            Finding(
                "ambiguous-match",
                Severity.INFO,
                f"Several registered works fit this reference equally well: {listed}.",
                fix="add the DOI of the work meant: " + " or ".join(w.doi for w in rivals),
                field="DOI",
            )
        )

    if status != ResolutionStatus.MATCHED or record is None:
        return out

    for comp in resolution.comparisons:
        if comp.agrees and comp.cited and comp.registered and _slightly_different(comp):
            name = _FIELD_NAMES.get(comp.field, comp.field)
            out.append(
                Finding(
                    "metadata-mismatch",
                    Severity.WARNING,
                    f"The {name} is cited as {comp.cited!r} but registered as"
                    f" {comp.registered!r} (a misspelling?).",
                    fix=f"change the {name} to {comp.registered!r}",
                    field=_CSL_FIELD.get(comp.field, comp.field),
                )
            )
        if comp.agrees is False and comp.cited and comp.registered:
            name = _FIELD_NAMES.get(comp.field, comp.field)
            out.append(
                Finding(
                    "metadata-mismatch",
                    Severity.WARNING,
                    f"The {name} is cited as {comp.cited!r} but registered as {comp.registered!r}.",
                    fix=f"change the {name} to {comp.registered!r}",
                    field=_CSL_FIELD.get(comp.field, comp.field),
                )
            )

    for update in record.updated_by:
        if update.kind not in _UPDATE_CODES:
            continue
        code, severity, what = _UPDATE_CODES[update.kind]
        when = f" on {update.date.isoformat()}" if update.date else ""
        notice = f" (notice {update.doi})" if update.doi else ""
        fix = (
            f"read the notice https://doi.org/{update.doi} and cite the corrected version"
            if update.kind == UpdateKind.CORRECTION and update.doi
            else f"check the notice https://doi.org/{update.doi} and remove or qualify the citation"
            if update.doi
            else "check the work's status and remove or qualify the citation"
        )
        out.append(
            Finding(
                code,
                severity,
                f"{record.doi} was {what}{when}{notice}, according to {_source(update)}.",
                fix=fix,
                field="DOI",
            )
        )

    if record.updates_to:
        title = record.title or ""
        code, label = "corrected", "correction notice"
        for pattern, c, lab in _NOTICE_KIND:
            if pattern.search(title):
                code, label = c, lab
                break
        out.append(
            Finding(
                code,
                Severity.INFO,
                f"This reference cites the {label} itself ({record.doi}), which concerns"
                f" {', '.join(record.updates_to)}; the notice is not itself"
                f" {code.replace('-', ' ')}.",
                fix=None,
                field="DOI",
            )
        )

    if record.preprint_of:
        vor = record.preprint_of[0]
        out.append(
            Finding(
                "preprint-published",
                Severity.WARNING,
                f"The cited preprint {record.doi} has been published as {vor}.",
                fix=f"cite the published version, DOI {vor}",
                field="DOI",
            )
        )
    return out
