"""Typed records passed between refcheck's stages.

Data flows one way: extract -> parse -> (resolve, links, freshness) -> findings ->
render. Every record here is a frozen dataclass so that a stage cannot change what an
earlier stage produced, and every record knows how to turn itself into plain JSON
(``to_json``) for the renderers and the cache.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date that may lack its month or day (CSL ``date-parts``)."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year out of range: {self.year}")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")
        if self.day is not None:
            if self.month is None:
                raise ValueError("a day needs a month")
            dt.date(self.year, self.month, self.day)  # raises on 31 February

    def to_csl(self) -> JSON:
        parts = [self.year] + [p for p in (self.month, self.day) if p is not None]
        return {"date-parts": [parts]}

    def isoformat(self) -> str:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def earliest(self) -> dt.date:
        """The first calendar day this partial date can mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        """The last calendar day this partial date can mean."""
        if self.day is not None and self.month is not None:
            return dt.date(self.year, self.month, self.day)
        if self.month is not None:
            nxt = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    @classmethod
    def from_csl(cls, value: JSON | None) -> PartialDate | None:
        """Read a CSL date object; ``None`` when it has no usable year."""
        if not value:
            return None
        try:
            parts = value["date-parts"][0]
            year = int(parts[0])
            month = int(parts[1]) if len(parts) > 1 and parts[1] else None
            day = int(parts[2]) if len(parts) > 2 and parts[2] and month else None
            return cls(year, month, day)
        except (KeyError, IndexError, TypeError, ValueError):
            return None


# --------------------------------------------------------------------------- names


@dataclass(frozen=True)
class Name:
    """A CSL name: a person (family/given) or an organisation (literal)."""

    family: str | None = None
    given: str | None = None
    literal: str | None = None
    particle: str | None = None  # "van", "de la": CSL non-dropping-particle
    suffix: str | None = None  # "Jr", "III"

    @property
    def is_organisation(self) -> bool:
        return self.literal is not None

    def display(self) -> str:
        """The name as a reader would write it, family first."""
        if self.literal:
            return self.literal
        family = " ".join(p for p in (self.particle, self.family) if p)
        out = ", ".join(p for p in (family, self.given) if p)
        return f"{out}, {self.suffix}" if self.suffix else out

    def to_csl(self) -> JSON:
        if self.literal:
            return {"literal": self.literal}
        out: JSON = {}
        if self.family:
            out["family"] = self.family
        if self.given:
            out["given"] = self.given
        if self.particle:
            out["non-dropping-particle"] = self.particle
        if self.suffix:
            out["suffix"] = self.suffix
        return out


# ----------------------------------------------------------------------- extraction


@dataclass(frozen=True)
class ExtractedReference:
    """One reference string as found in a document, with where it stands.

    ``urls`` carries links the document's markup gave (an HTML ``href``, a JATS
    ``ext-link``); plain-text readers leave it empty and the parser finds URLs in the
    text. ``fields`` carries structured values a format already provides (BibTeX,
    RIS, CSL-JSON, JATS element-citation) as a CSL-JSON item, so the parser does not
    have to guess them.
    """

    raw: str
    line: int
    column: int = 1
    label: str | None = None  # "1", "[12]": the list marker, if any
    urls: tuple[str, ...] = ()
    fields: JSON | None = None


# ------------------------------------------------------------------------- parsing


class ReferenceType(enum.StrEnum):
    """The CSL item types refcheck assigns."""

    ARTICLE_JOURNAL = "article-journal"
    ARTICLE = "article"  # preprints
    BOOK = "book"
    CHAPTER = "chapter"
    PAPER_CONFERENCE = "paper-conference"
    REPORT = "report"
    THESIS = "thesis"
    WEBPAGE = "webpage"
    DATASET = "dataset"
    SOFTWARE = "software"
    PERSONAL_COMMUNICATION = "personal_communication"
    PATENT = "patent"
    ARTICLE_NEWSPAPER = "article-newspaper"
    ARTICLE_MAGAZINE = "article-magazine"
    LEGISLATION = "legislation"
    DOCUMENT = "document"  # the fallback


@dataclass(frozen=True)
class Reference:
    """A parsed reference with CSL-JSON fields.

    Field names follow CSL-JSON with Python spelling (``container_title`` for
    ``container-title``). ``number`` holds article numbers and report numbers such as
    Cochrane's ``CD000121``. ``urls`` keeps every address in the reference in order;
    the CSL ``URL`` is the first.
    """

    type: ReferenceType = ReferenceType.DOCUMENT
    authors: tuple[Name, ...] = ()
    et_al: bool = False
    editors: tuple[Name, ...] = ()
    title: str | None = None
    container_title: str | None = None
    collection_title: str | None = None
    publisher: str | None = None
    publisher_place: str | None = None
    issued: PartialDate | None = None
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    number: str | None = None
    edition: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    isbn: str | None = None
    issn: str | None = None
    arxiv: str | None = None
    urls: tuple[str, ...] = ()
    accessed: PartialDate | None = None
    note: str | None = None

    @property
    def url(self) -> str | None:
        return self.urls[0] if self.urls else None

    @property
    def first_author(self) -> Name | None:
        return self.authors[0] if self.authors else None

    def to_csl(self, item_id: str | None = None) -> JSON:
        """This reference as one CSL-JSON item (valid against csl-data.json)."""
        out: JSON = {}
        if item_id is not None:
            out["id"] = item_id
        out["type"] = self.type.value
        if self.authors:
            out["author"] = [a.to_csl() for a in self.authors]
        if self.editors:
            out["editor"] = [a.to_csl() for a in self.editors]
        simple = {
            "title": self.title,
            "container-title": self.container_title,
            "collection-title": self.collection_title,
            "publisher": self.publisher,
            "publisher-place": self.publisher_place,
            "volume": self.volume,
            "issue": self.issue,
            "page": self.page,
            "number": self.number,
            "edition": self.edition,
            "DOI": self.doi,
            "PMID": self.pmid,
            "PMCID": self.pmcid,
            "ISBN": self.isbn,
            "ISSN": self.issn,
            "URL": self.url,
            "note": self.note,
        }
        out.update({k: v for k, v in simple.items() if v})
        if self.issued:
            out["issued"] = self.issued.to_csl()
        if self.accessed:
            out["accessed"] = self.accessed.to_csl()
        # CSL has no field for these; keep them where CSL processors ignore them.
        extras = []
        if self.et_al:
            extras.append("refcheck-et-al: true")
        if self.arxiv:
            extras.append(f"arXiv: {self.arxiv}")
        extras.extend(f"URL: {u}" for u in self.urls[1:])
        if extras:
            out["note"] = "\n".join(([self.note] if self.note else []) + extras)
        return out

    def to_json(self) -> JSON:
        """The refcheck JSON form: the CSL item plus the fields CSL lacks."""
        out = self.to_csl()
        out["et-al"] = self.et_al
        out["URLs"] = list(self.urls)
        if self.arxiv:
            out["arXiv"] = self.arxiv
        return out


# ---------------------------------------------------------------------- resolution


class ResolutionStatus(enum.StrEnum):
    MATCHED = "matched"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"
    SKIPPED = "skipped"
    ERROR = "error"


class UpdateKind(enum.StrEnum):
    """Crossref ``updated-by`` types refcheck reports."""

    RETRACTION = "retraction"
    CORRECTION = "correction"
    EXPRESSION_OF_CONCERN = "expression_of_concern"
    WITHDRAWAL = "withdrawal"
    OTHER = "other"


@dataclass(frozen=True)
class WorkUpdate:
    """A notice registered against a work (retraction, correction, ...)."""

    kind: UpdateKind
    doi: str | None
    date: PartialDate | None
    source: str | None  # "publisher" or "retraction-watch"
    label: str | None = None

    def to_json(self) -> JSON:
        return {
            "type": self.kind.value,
            "doi": self.doi,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "label": self.label,
        }


@dataclass(frozen=True)
class RegisteredWork:
    """The metadata Crossref holds for one DOI."""

    doi: str
    type: str | None = None
    title: str | None = None
    authors: tuple[Name, ...] = ()
    container_title: str | None = None
    short_container_title: str | None = None
    issued: PartialDate | None = None
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    article_number: str | None = None
    updated_by: tuple[WorkUpdate, ...] = ()
    updates_to: tuple[str, ...] = ()  # this work is a notice about these DOIs
    preprint_of: tuple[str, ...] = ()  # relation is-preprint-of

    def to_json(self) -> JSON:
        return {
            "DOI": self.doi,
            "type": self.type,
            "title": self.title,
            "author": [a.to_csl() for a in self.authors],
            "container-title": self.container_title,
            "issued": self.issued.isoformat() if self.issued else None,
            "volume": self.volume,
            "issue": self.issue,
            "page": self.page,
            "article-number": self.article_number,
            "updated-by": [u.to_json() for u in self.updated_by],
            "update-to": list(self.updates_to),
            "is-preprint-of": list(self.preprint_of),
        }


@dataclass(frozen=True)
class FieldComparison:
    """How one field of the reference compares with the registered record."""

    field: str
    cited: str | None
    registered: str | None
    score: float  # 0..1 similarity; 1 is identical
    agrees: bool | None  # None when one side is missing

    def to_json(self) -> JSON:
        return {
            "field": self.field,
            "cited": self.cited,
            "registered": self.registered,
            "score": round(self.score, 3),
            "agrees": self.agrees,
        }


@dataclass(frozen=True)
class Resolution:
    """What the resolver decided for one reference, and why."""

    status: ResolutionStatus
    doi: str | None = None
    confidence: float = 0.0
    record: RegisteredWork | None = None
    comparisons: tuple[FieldComparison, ...] = ()
    alternatives: tuple[RegisteredWork, ...] = ()  # the rivals when ambiguous
    reason: str | None = None

    def to_json(self) -> JSON:
        return {
            "status": self.status.value,
            "doi": self.doi,
            "confidence": round(self.confidence, 3),
            "reason": self.reason,
            "record": self.record.to_json() if self.record else None,
            "comparisons": [c.to_json() for c in self.comparisons],
            "alternatives": [a.to_json() for a in self.alternatives],
        }


# --------------------------------------------------------------------------- links


class LinkStatus(enum.StrEnum):
    """The closed set of link verdicts."""

    OK = "ok"
    REDIRECTED = "redirected"
    BROKEN = "broken"
    SOFT_404 = "soft-404"
    BLOCKED = "blocked"
    TIMEOUT = "timeout"
    SERVER_ERROR = "server-error"
    NETWORK_ERROR = "network-error"
    INVALID = "invalid"
    SKIPPED = "skipped"

    @property
    def is_alive(self) -> bool:
        return self in (LinkStatus.OK, LinkStatus.REDIRECTED)

    @property
    def is_dead(self) -> bool:
        """A definitive answer that the cited page is gone."""
        return self in (LinkStatus.BROKEN, LinkStatus.SOFT_404)

    @property
    def is_inconclusive(self) -> bool:
        """Nothing is proven either way (blocked, transient, offline)."""
        return self in (
            LinkStatus.BLOCKED,
            LinkStatus.TIMEOUT,
            LinkStatus.SERVER_ERROR,
            LinkStatus.NETWORK_ERROR,
        )


@dataclass(frozen=True)
class Redirect:
    """One hop of a redirect chain."""

    url: str
    status: int
    location: str

    @property
    def permanent(self) -> bool:
        return self.status in (301, 308)


@dataclass(frozen=True)
class LinkResult:
    """The verdict on one URL."""

    url: str
    status: LinkStatus
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[Redirect, ...] = ()
    archive_url: str | None = None
    detail: str | None = None  # why, in words: "404 Not Found", "DNS: no such host"
    # --drift: how much of the archived page (nearest the access date) the live page
    # still says, 0..1; None when not measured.
    content_similarity: float | None = None

    def to_json(self) -> JSON:
        extra: JSON = {}
        if self.content_similarity is not None:
            extra["content_similarity"] = round(self.content_similarity, 3)
        return {
            **extra,
            "url": self.url,
            "status": self.status.value,
            "http_status": self.http_status,
            "final_url": self.final_url,
            "redirects": [
                {"url": r.url, "status": r.status, "location": r.location} for r in self.redirects
            ],
            "archive_url": self.archive_url,
            "detail": self.detail,
        }


# ------------------------------------------------------------------------ findings


class Severity(enum.IntEnum):
    """How much a finding matters; ordered so ``>=`` compares gravity."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r} (expected info, warning or error)"
            ) from None


@dataclass(frozen=True)
class Finding:
    """One problem (or note) about one reference, with its fix when known."""

    code: str  # "doi-missing", "stale-access-date", ...
    severity: Severity
    message: str
    fix: str | None = None  # what to do, concretely: the DOI to add, the URL to cite
    field: str | None = None  # the reference field it concerns, if any

    def to_json(self) -> JSON:
        return {
            "code": self.code,
            "severity": self.severity.label,
            "message": self.message,
            "fix": self.fix,
            "field": self.field,
        }


# ------------------------------------------------------------------------- reports


@dataclass(frozen=True)
class ReferenceReport:
    """Everything refcheck learned about one reference."""

    index: int  # 1-based position in the article's reference list
    extracted: ExtractedReference
    reference: Reference
    resolution: Resolution
    links: tuple[LinkResult, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def raw(self) -> str:
        return self.extracted.raw

    @property
    def line(self) -> int:
        return self.extracted.line

    @property
    def worst_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def to_json(self) -> JSON:
        return {
            "index": self.index,
            "line": self.extracted.line,
            "column": self.extracted.column,
            "label": self.extracted.label,
            "raw": self.extracted.raw,
            "parsed": self.reference.to_csl(f"ref{self.index}"),
            "et_al": self.reference.et_al,
            "resolution": self.resolution.to_json(),
            "links": [link.to_json() for link in self.links],
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass(frozen=True)
class ServiceNotice:
    """A problem with a whole service during a run (Crossref down, offline)."""

    service: str  # "crossref", "links", "archive"
    message: str

    def to_json(self) -> JSON:
        return {"service": self.service, "message": self.message}


@dataclass(frozen=True)
class Summary:
    """Counts over one article (or over many, added together)."""

    references: int = 0
    findings_by_severity: dict[str, int] = field(default_factory=dict)
    findings_by_code: dict[str, int] = field(default_factory=dict)
    resolution: dict[str, int] = field(default_factory=dict)
    links: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, references: tuple[ReferenceReport, ...]) -> Summary:
        by_sev: dict[str, int] = {s.label: 0 for s in Severity}
        by_code: dict[str, int] = {}
        res: dict[str, int] = {}
        links: dict[str, int] = {}
        for ref in references:
            for f in ref.findings:
                by_sev[f.severity.label] += 1
                by_code[f.code] = by_code.get(f.code, 0) + 1
            key = ref.resolution.status.value
            res[key] = res.get(key, 0) + 1
            for link in ref.links:
                links[link.status.value] = links.get(link.status.value, 0) + 1
        return cls(
            references=len(references),
            findings_by_severity=by_sev,
            findings_by_code=dict(sorted(by_code.items())),
            resolution=dict(sorted(res.items())),
            links=dict(sorted(links.items())),
        )

    def __add__(self, other: Summary) -> Summary:
        def add(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
            keys = list(a) + [k for k in b if k not in a]
            return {k: a.get(k, 0) + b.get(k, 0) for k in keys}

        return Summary(
            references=self.references + other.references,
            findings_by_severity=add(self.findings_by_severity, other.findings_by_severity),
            findings_by_code=dict(
                sorted(add(self.findings_by_code, other.findings_by_code).items())
            ),
            resolution=dict(sorted(add(self.resolution, other.resolution).items())),
            links=dict(sorted(add(self.links, other.links).items())),
        )

    def to_json(self) -> JSON:
        return {
            "references": self.references,
            "findings": self.findings_by_severity,
            "findings_by_code": self.findings_by_code,
            "resolution": self.resolution,
            "links": self.links,
        }


@dataclass(frozen=True)
class ArticleReport:
    """The report for one article."""

    source: str  # the path, URL or "-" it was read from
    as_of: dt.date
    references: tuple[ReferenceReport, ...]
    notices: tuple[ServiceNotice, ...] = ()

    @property
    def summary(self) -> Summary:
        return Summary.of(self.references)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for r in self.references for f in r.findings)

    def to_json(self) -> JSON:
        return {
            "source": self.source,
            "as_of": self.as_of.isoformat(),
            "references": [r.to_json() for r in self.references],
            "notices": [n.to_json() for n in self.notices],
            "summary": self.summary.to_json(),
        }


@dataclass(frozen=True)
class RunReport:
    """The reports of every article checked in one run, with a summary over all."""

    articles: tuple[ArticleReport, ...]
    tool_version: str = ""

    @property
    def summary(self) -> Summary:
        total = Summary()
        for article in self.articles:
            total = total + article.summary
        return total

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for a in self.articles for f in a.findings)

    def to_json(self) -> JSON:
        return {
            "tool": {"name": "refcheck", "version": self.tool_version},
            "articles": [a.to_json() for a in self.articles],
            "summary": self.summary.to_json(),
        }
