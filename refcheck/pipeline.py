"""The pipeline: document -> references -> checks -> findings -> ArticleReport.

This is the library API the CLI is a thin shell over. Services (the resolver, the
link checker, the cache) are built once per run from ``CheckOptions`` and shared by
every article, so a URL cited by several articles is checked once. Each may be
injected instead, which is how tests and other programs substitute their own.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from refcheck import __version__
from refcheck.cache import (
    Cache,
    MemoryCache,
    RefreshingCache,
    SQLiteCache,
    default_cache_dir,
)
from refcheck.config import HostLimit
from refcheck.extract import extract_references, load_document
from refcheck.extract.interface import Document, InputFormat
from refcheck.fetch import fetch_document, is_url
from refcheck.findings import apply_overrides, duplicate_findings, reference_findings
from refcheck.freshness import DEFAULT_STALE_AFTER, Duration
from refcheck.links.interface import (
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_PER_HOST_CONCURRENCY,
    LinkChecker,
    LinkRequest,
)
from refcheck.model import (
    ArticleReport,
    ExtractedReference,
    Finding,
    LinkResult,
    LinkStatus,
    Reference,
    ReferenceReport,
    Resolution,
    ResolutionStatus,
    RunReport,
    ServiceNotice,
    Severity,
)
from refcheck.parse import parse_reference
from refcheck.progress import NoProgress, Progress
from refcheck.resolve.interface import Resolver, ResolveRequest

USER_AGENT = f"refcheck/{__version__} (+https://pypi.org/project/refcheck/)"

# The Internet Archive throttles clients hard and serves everyone for free: one request
# at a time, a second apart (settings can override it per host).
ARCHIVE_HOST_LIMITS: dict[str, tuple[int, float]] = {
    "archive.org": (1, 1.0),
    "web.archive.org": (1, 1.0),
}


@dataclass(frozen=True)
class CheckOptions:
    """Everything that decides how an article is checked. Defaults suit real users."""

    input_format: InputFormat = InputFormat.AUTO
    crossref: bool = True
    links: bool = True
    crossref_url: str = "https://api.crossref.org"
    mailto: str | None = None
    crossref_token: str | None = None
    doi_resolver_url: str = "https://doi.org"
    wayback_url: str | None = "https://archive.org/wayback/available"
    as_of: dt.date | None = None  # None: today
    stale_after: Duration = field(default_factory=lambda: Duration.parse(DEFAULT_STALE_AFTER))
    allow_private: bool = False
    drift: bool = False  # compare live pages with the snapshot nearest the access date
    cache_dir: Path | None = None  # None: the user's cache directory
    use_cache: bool = True
    refresh: bool = False
    timeout: float = 15.0
    link_concurrency: int = DEFAULT_MAX_CONCURRENCY
    per_host_concurrency: int = DEFAULT_PER_HOST_CONCURRENCY
    severity_overrides: dict[str, Severity | None] = field(default_factory=dict)
    exclude_urls: tuple[re.Pattern[str], ...] = ()
    exclude_references: tuple[re.Pattern[str], ...] = ()
    host_limits: dict[str, HostLimit] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return self.as_of or dt.date.today()


class Checker:
    """Checks articles with one set of services (built lazily from the options)."""

    def __init__(
        self,
        options: CheckOptions | None = None,
        *,
        cache: Cache | None = None,
        resolver: Resolver | None = None,
        link_checker: LinkChecker | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.options = options or CheckOptions()
        self.progress = progress or NoProgress()
        self._cache = cache
        self._resolver = resolver
        self._link_checker = link_checker

    # -- services ---------------------------------------------------------------

    @property
    def cache(self) -> Cache:
        if self._cache is None:
            opts = self.options
            if not opts.use_cache:
                # Still share answers within the run: a URL cited twice is checked once.
                self._cache = MemoryCache()
            else:
                self._cache = SQLiteCache(opts.cache_dir or default_cache_dir())
        return self._cache

    @property
    def resolver(self) -> Resolver:
        if self._resolver is None:
            from refcheck.resolve import CrossrefResolver

            opts = self.options
            self._resolver = CrossrefResolver(
                base_url=opts.crossref_url,
                mailto=opts.mailto,
                token=opts.crossref_token,
                cache=self.cache,
                timeout=opts.timeout,
                doi_resolver_url=opts.doi_resolver_url,
                refresh=opts.refresh,
            )
        return self._resolver

    @property
    def link_checker(self) -> LinkChecker:
        if self._link_checker is None:
            from refcheck.links import HttpLinkChecker

            opts = self.options
            self._link_checker = HttpLinkChecker(
                cache=RefreshingCache(self.cache) if opts.refresh else self.cache,
                allow_private=opts.allow_private,
                timeout=opts.timeout,
                max_concurrency=opts.link_concurrency,
                per_host_concurrency=opts.per_host_concurrency,
                user_agent=USER_AGENT,
                wayback_url=opts.wayback_url,
                doi_resolver_url=opts.doi_resolver_url,
                drift=opts.drift and opts.wayback_url is not None,
                per_host={
                    **ARCHIVE_HOST_LIMITS,
                    **{
                        host: (
                            limit.concurrency or opts.per_host_concurrency,
                            limit.interval or 0.0,
                        )
                        for host, limit in opts.host_limits.items()
                    },
                },
            )
        return self._link_checker

    def _build_services(self) -> None:
        """Create the services before any worker thread can race to create them."""
        if self.options.crossref:
            _ = self.resolver
        if self.options.links:
            _ = self.link_checker

    # -- stages -----------------------------------------------------------------

    def _resolve(self, refs: Sequence[tuple[ExtractedReference, Reference]]) -> list[Resolution]:
        if not self.options.crossref:
            return [
                Resolution(
                    ResolutionStatus.SKIPPED, reason="Crossref look-up disabled (--no-crossref)"
                )
                for _ in refs
            ]
        self.progress.start("resolve", len(refs))
        requests = [ResolveRequest(reference=ref, raw=ext.raw) for ext, ref in refs]
        results = self.resolver.resolve_many(requests)
        self.progress.advance("resolve", len(refs))
        return results

    def _check_links(
        self, refs: Sequence[tuple[ExtractedReference, Reference]]
    ) -> dict[str, LinkResult]:
        if not self.options.links:
            return {}
        requests: dict[str, LinkRequest] = {}
        excluded: dict[str, LinkResult] = {}
        for _ext, ref in refs:
            for url in ref.urls:
                pattern = _first_match(self.options.exclude_urls, url)
                if pattern is not None:
                    excluded[url] = LinkResult(
                        url, LinkStatus.SKIPPED, detail=f"excluded by settings ({pattern})"
                    )
                else:
                    requests.setdefault(url, LinkRequest(url=url, accessed=ref.accessed))
        if not requests:
            return excluded
        self.progress.start("links", len(requests))
        results = self.link_checker.check_many(list(requests.values()))
        self.progress.advance("links", len(requests))
        return {**results, **excluded}

    # -- articles ---------------------------------------------------------------

    def check_document(self, document: Document) -> ArticleReport:
        """Check one already-loaded document."""
        extracted = extract_references(document, self.options.input_format)
        return self.check_references(document.source, extracted)

    def check_references(
        self, source: str, extracted: Sequence[ExtractedReference]
    ) -> ArticleReport:
        """Check reference strings that have already been found in a document."""
        opts = self.options
        parsed = [(ext, _parse(ext)) for ext in extracted]
        skipped = {
            i: pattern
            for i, (ext, _ref) in enumerate(parsed)
            if (pattern := _first_match(opts.exclude_references, ext.raw)) is not None
        }
        refs = [pair for i, pair in enumerate(parsed) if i not in skipped]
        self._build_services()
        # Crossref and the websites are different services: query both at once.
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="refcheck-stage") as pool:
            resolving = pool.submit(self._resolve, refs)
            linking = pool.submit(self._check_links, refs)
            checked = iter(resolving.result())
            link_results = linking.result()
        resolutions = [
            Resolution(ResolutionStatus.SKIPPED, reason=f"excluded by settings ({skipped[i]})")
            if i in skipped
            else next(checked)
            for i in range(len(parsed))
        ]

        reports = []
        for index, ((ext, ref), resolution) in enumerate(zip(parsed, resolutions, strict=True), 1):
            if index - 1 in skipped:
                reports.append(ReferenceReport(index, ext, ref, resolution))
                continue
            links = tuple(link_results[u] for u in ref.urls if u in link_results)
            findings = reference_findings(
                ref, resolution, links, as_of=opts.today, stale_after=opts.stale_after
            )
            reports.append(ReferenceReport(index, ext, ref, resolution, links, tuple(findings)))

        duplicates = duplicate_findings(reports)
        final = tuple(
            _with_findings(
                r,
                apply_overrides(
                    (*r.findings, *([duplicates[r.index]] if r.index in duplicates else [])),
                    opts.severity_overrides,
                ),
            )
            for r in reports
        )
        return ArticleReport(
            source=source,
            as_of=opts.today,
            references=final,
            notices=tuple(self._notices(extracted, resolutions, link_results)),
        )

    def _notices(
        self,
        extracted: Sequence[ExtractedReference],
        resolutions: Sequence[Resolution],
        links: dict[str, LinkResult],
    ) -> Iterator[ServiceNotice]:
        if not extracted:
            yield ServiceNotice("extract", "no references found in this document")
        errors = [r for r in resolutions if r.status is ResolutionStatus.ERROR]
        if errors:
            yield ServiceNotice(
                "crossref",
                f"{len(errors)} of {len(resolutions)} references could not be resolved: "
                f"{errors[0].reason or 'Crossref did not answer'}",
            )
        offline = [r for r in links.values() if r.status is LinkStatus.NETWORK_ERROR]
        if offline and len(offline) == len(links):
            yield ServiceNotice(
                "links",
                f"none of the {len(links)} links could be reached (network unavailable?): "
                "no link was called broken",
            )

    def load(self, source: str) -> Document:
        """Read a path, ``-`` (stdin) or an http(s) URL into a Document."""
        if is_url(source):
            opts = self.options
            return fetch_document(
                source,
                cache=self.cache,
                allow_private=opts.allow_private,
                timeout=opts.timeout,
                user_agent=USER_AGENT,
                refresh=opts.refresh,
            )
        return load_document(source)


def parse_document(
    document: Document, fmt: InputFormat = InputFormat.AUTO
) -> list[tuple[ExtractedReference, Reference]]:
    """Extract and parse a document's references, without checking anything."""
    return [(ext, _parse(ext)) for ext in extract_references(document, fmt)]


def parse_only_report(
    source: str, parsed: Sequence[tuple[ExtractedReference, Reference]]
) -> ArticleReport:
    """An ArticleReport of parsed references that were not checked (for exports)."""
    skipped = Resolution(ResolutionStatus.SKIPPED, reason="parsed only")
    return ArticleReport(
        source=source,
        as_of=dt.date.today(),
        references=tuple(
            ReferenceReport(i, ext, ref, skipped) for i, (ext, ref) in enumerate(parsed, 1)
        ),
    )


def _first_match(patterns: Sequence[re.Pattern[str]], text: str) -> str | None:
    """The first pattern that matches ``text`` (as written by the user), if any."""
    return next((p.pattern for p in patterns if p.search(text)), None)


def _parse(ext: ExtractedReference) -> Reference:
    reference = parse_reference(ext.raw, ext.fields)
    if ext.urls:
        # URLs the markup gave (hrefs) count even when the text does not show them.
        merged = tuple(dict.fromkeys((*reference.urls, *ext.urls)))
        reference = replace(reference, urls=merged)
    return reference


def _with_findings(report: ReferenceReport, findings: tuple[Finding, ...]) -> ReferenceReport:
    return replace(report, findings=findings)


def check_article(
    source: str | Path | Document,
    options: CheckOptions | None = None,
    **services: object,
) -> ArticleReport:
    """Check one article (a path, ``-`` for stdin, or a loaded Document).

    >>> report = check_article("fixtures/mayo-leg-cramps-pregnancy.txt",
    ...                        CheckOptions(crossref=False, links=False))  # doctest: +SKIP
    """
    checker = Checker(options, **services)  # type: ignore[arg-type]
    document = source if isinstance(source, Document) else checker.load(str(source))
    return checker.check_document(document)


def run_report(articles: Iterable[ArticleReport]) -> RunReport:
    """Wrap article reports into the run-level report the renderers take."""
    return RunReport(articles=tuple(articles), tool_version=__version__)
