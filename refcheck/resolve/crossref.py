"""The Crossref resolver: habanero behind refcheck's ``Resolver`` interface.

Per reference: skip what is not a registered work; look a cited DOI up (known DOIs are
fetched in batches with ``filter=doi:A,doi:B``); if the DOI's record is clearly another
work, or there is no DOI, search with ``query.bibliographic`` and validate the
candidates field by field (``refcheck.resolve.match``). A DOI Crossref does not know is
asked of the DOI handle service before it is called unknown.

Every transport failure habanero can raise (``habanero.RequestError``,
``httpx2.HTTPStatusError``, ``RuntimeError`` wrapping httpx2 errors, raw httpx2
timeouts and connection errors, undecodable JSON) is translated in ``_call``, the one
boundary: 404 is an answer, 429 waits for Retry-After, 5xx and timeouts are retried
with exponential backoff, and what remains becomes a per-reference ``error``.
"""

from __future__ import annotations

import concurrent.futures
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import habanero
import httpx2

from refcheck.cache import DAY, Cache
from refcheck.model import (
    Reference,
    ReferenceType,
    RegisteredWork,
    Resolution,
    ResolutionStatus,
)
from refcheck.resolve.interface import Resolver, ResolveRequest, ResolverError
from refcheck.resolve.match import Decision, assess, choose, prepare
from refcheck.resolve.records import SELECT_FIELDS, compact_item, work_from_crossref
from refcheck.resolve.text import doi_key, find_doi, is_valid_doi, normalize_doi, words
from refcheck.resolve.transport import Pacer, bound, install_proxy, make_client

log = logging.getLogger(__name__)
T = TypeVar("T")

NS_WORK = "crossref-work"
NS_QUERY = "crossref-query"
NS_HANDLE = "doi-handle"
# Registered metadata changes rarely, but retractions and corrections are added later:
# a month keeps repeated runs cheap without hiding a new retraction for long.
TTL_FOUND = 30 * DAY
TTL_MISSING = 7 * DAY  # an unknown DOI may be registered soon after publication
BATCH_SIZE = 20
# Consecutive connection failures after which the host is treated as unreachable.
UNREACHABLE_AFTER = 3


_URLS = re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+", re.IGNORECASE)
_PAGES = re.compile(r"\d+\s*[-–]\s*\d+\s*[.,;)]|\bpp?\.\s*\d+|\d\)?\s*:\s*e?\d+")


class _NotFound(Exception):
    """The service answered 404: a definitive 'no such record'."""


class _Unavailable(Exception):
    """The service could not give an answer (after retries); the text says why."""


def _version() -> str:
    try:
        from refcheck import __version__

        return str(__version__)
    except ImportError:  # pragma: no cover - partial installs
        return "0"


class CrossrefResolver(Resolver):
    """Resolves references against the Crossref REST API through habanero.

    ``max_rate`` (requests per second) and ``max_concurrency`` cap the pace; without
    them the pool's published limits apply (polite with a ``mailto``: 10/s and 3 at
    once; public: 5/s and 1) and the limits each response announces are adopted.
    ``refresh`` ignores cached answers (and replaces them). ``backoff_base`` is the
    first retry delay in seconds (doubling each attempt; tests make it tiny).
    """

    def __init__(
        self,
        *,
        base_url: str = "https://api.crossref.org",
        mailto: str | None = None,
        token: str | None = None,
        cache: Cache,
        timeout: float = 20.0,
        doi_resolver_url: str = "https://doi.org",
        max_rate: float | None = None,
        max_concurrency: int | None = None,
        refresh: bool = False,
        rows: int = 8,
        attempts: int = 4,
        backoff_base: float = 1.0,
        max_backoff: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_rate is not None and max_rate <= 0:
            raise ResolverError(f"max_rate must be positive, not {max_rate}")
        if max_concurrency is not None and max_concurrency < 1:
            raise ResolverError(f"max_concurrency must be at least 1, not {max_concurrency}")
        if not base_url.startswith(("http://", "https://")):
            raise ResolverError(f"Crossref URL must start with http:// or https://: {base_url!r}")
        install_proxy()
        self.base_url = base_url.rstrip("/")
        self.doi_resolver_url = doi_resolver_url.rstrip("/")
        self.cache = cache
        self.refresh = refresh
        self.rows = rows
        self.attempts = max(1, attempts)
        self.backoff_base = backoff_base
        self.max_backoff = max_backoff
        self._sleep = sleep
        polite = mailto is not None
        self.pacer = Pacer(
            rate=max_rate or (10.0 if polite else 5.0),
            concurrency=max_concurrency or (3 if polite else 1),
            rate_cap=max_rate,
            concurrency_cap=max_concurrency,
            sleep=sleep,
        )
        self._last = threading.local()
        self._client = make_client(pacer=self.pacer, token=token, timeout=timeout, last=self._last)
        self._cr = habanero.Crossref(
            base_url=self.base_url,
            mailto=mailto,
            ua_string=f"refcheck/{_version()}",
            timeout=timeout,
        )
        self._lock = threading.Lock()
        self._connect_failures = 0
        self._down: str | None = None
        self._fresh: dict[str, dict[str, Any]] = {}
        self._fresh_queries: dict[str, dict[str, Any]] = {}
        self._query_locks: dict[str, threading.Lock] = {}
        self.stats = {"requests": 0, "retries": 0, "rate_limited": 0, "cache_hits": 0}

    # ----------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Close the pooled HTTP connections."""
        self._client.close()

    def __enter__(self) -> CrossrefResolver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ boundary

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        """Run one HTTP exchange with pacing, retries and error translation."""
        detail = "no answer"
        for attempt in range(self.attempts):
            if self._down:
                raise _Unavailable(self._down)
            self.pacer.acquire()
            if self._down:  # marked down while this thread waited for its turn
                self.pacer.release()
                raise _Unavailable(self._down)
            self._last.meta = None
            with self._lock:
                self.stats["requests"] += 1
            try:
                with bound(self._client):
                    result = fn()
                with self._lock:
                    self._connect_failures = 0
                return result
            except Exception as exc:
                kind, detail = _classify(exc)
            finally:
                self.pacer.release()
            if kind == "not-found":
                raise _NotFound(detail)
            if kind == "fatal":
                raise _Unavailable(f"{what}: {detail}")
            if kind == "unreachable":
                with self._lock:
                    self._connect_failures += 1
                    if self._connect_failures >= UNREACHABLE_AFTER and not self._down:
                        self._down = f"{self.base_url} is unreachable ({detail})"
                        log.info("Crossref marked unreachable: %s", detail)
            meta = getattr(self._last, "meta", None)
            delay = min(self.max_backoff, self.backoff_base * (2**attempt))
            if kind == "rate-limited":
                with self._lock:
                    self.stats["rate_limited"] += 1
                wait = meta.retry_after if meta and meta.retry_after is not None else delay
                self.pacer.pause(min(wait, self.max_backoff))
                # Slow down for the rest of the run too: the limit was misjudged.
                self.pacer.update(self.pacer.rate * 0.8, None)
            elif attempt + 1 < self.attempts:
                self._sleep(delay)
            with self._lock:
                self.stats["retries"] += 1
        raise _Unavailable(f"{what}: {detail} (after {self.attempts} attempts)")

    def _message(self, answer: Any) -> dict[str, Any]:
        if not isinstance(answer, dict) or not isinstance(answer.get("message"), dict):
            raise _Unavailable("Crossref answered in an unexpected shape")
        return answer["message"]

    # ------------------------------------------------------------ service calls

    def _cached(self, namespace: str, key: str) -> Any | None:
        if self.refresh:
            return None
        hit = self.cache.get(namespace, key)
        if hit is not None:
            with self._lock:
                self.stats["cache_hits"] += 1
        return hit

    def _fetch_batch(self, dois: Sequence[str]) -> None:
        """Fetch several DOIs in one ``filter=doi:`` request and cache each answer."""

        def request() -> Any:
            return self._cr.works(
                filter={"doi": list(dois)}, limit=len(dois), select=list(SELECT_FIELDS)
            )

        message = self._message(self._call("DOI batch", request))
        items = message.get("items")
        if not isinstance(items, list):
            raise _Unavailable("Crossref answered in an unexpected shape")
        found = {}
        for item in items:
            doi = normalize_doi(item.get("DOI")) if isinstance(item, dict) else None
            if doi:
                found[doi_key(doi)] = item
        for doi in dois:
            if doi in found:
                answer: dict[str, Any] = {"item": compact_item(found[doi])}
                self.cache.put(NS_WORK, doi, answer, TTL_FOUND)
            else:
                # filter=doi: answers every registered DOI asked for: absence is definitive.
                answer = {"missing": True}
                self.cache.put(NS_WORK, doi, answer, TTL_MISSING)
            # Kept for this run too: with ``refresh`` the cache is not read back.
            with self._lock:
                self._fresh[doi] = answer

    def _work(self, doi: str) -> dict[str, Any] | None:
        """The Crossref item for a DOI, or ``None`` when Crossref does not know it."""
        doi = doi_key(doi)
        with self._lock:
            hit: Any = self._fresh.get(doi)
        if hit is None:
            hit = self._cached(NS_WORK, doi)
        if hit is None:
            try:
                answer = self._call(f"DOI {doi}", lambda: self._cr.works(ids=doi))
                item = self._message(answer)
                hit = {"item": compact_item(item)}
                self.cache.put(NS_WORK, doi, hit, TTL_FOUND)
            except _NotFound:
                hit = {"missing": True}
                self.cache.put(NS_WORK, doi, hit, TTL_MISSING)
        found = hit.get("item") if isinstance(hit, dict) else None
        return found if isinstance(found, dict) else None

    def _search(self, query: str) -> list[dict[str, Any]]:
        key = f"{self.rows}|{' '.join(query.split())}"
        # One search per distinct string and run: a reference cited twice waits for the
        # first search instead of sending its own.
        with self._lock:
            key_lock = self._query_locks.setdefault(key, threading.Lock())
        with key_lock:
            return self._search_once(key, query)

    def _search_once(self, key: str, query: str) -> list[dict[str, Any]]:
        with self._lock:
            hit: Any = self._fresh_queries.get(key)
        if hit is None:
            hit = self._cached(NS_QUERY, key)
        if hit is None:

            def request() -> Any:
                return self._cr.works(
                    query_bibliographic=query, limit=self.rows, select=list(SELECT_FIELDS)
                )

            items = self._message(self._call("search", request)).get("items")
            if not isinstance(items, list):
                raise _Unavailable("Crossref answered in an unexpected shape")
            hit = {"items": [compact_item(i) for i in items if isinstance(i, dict)]}
            self.cache.put(NS_QUERY, key, hit, TTL_FOUND)
            with self._lock:
                self._fresh_queries[key] = hit
        items = hit.get("items") if isinstance(hit, dict) else None
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []

    def _handle_exists(self, doi: str) -> bool:
        """Whether the DOI handle service knows a DOI (registered by any agency)."""
        doi = doi_key(doi)
        hit = self._cached(NS_HANDLE, doi)
        if hit is None:
            url = f"{self.doi_resolver_url}/api/handles/{doi}"

            def request() -> bool:
                response = self._client.get(url)
                if response.status_code == 404:
                    return False
                response.raise_for_status()
                code = response.json().get("responseCode")
                return bool(code == 1)

            hit = {"exists": self._call("DOI handle service", request)}
            self.cache.put(NS_HANDLE, doi, hit, TTL_MISSING)
        return bool(hit.get("exists")) if isinstance(hit, dict) else False

    # ------------------------------------------------------------------ resolving

    def resolve_many(self, requests: Sequence[ResolveRequest]) -> list[Resolution]:
        """One Resolution per request, in order; an outage gives ``error`` values."""
        dois = []
        for req in requests:
            doi = self._cited_doi(req)
            if doi and is_valid_doi(doi) and _skip_reason(req) is None:
                dois.append(doi_key(doi))
        unique = list(dict.fromkeys(dois))
        todo = [d for d in unique if d not in self._fresh and self._cached(NS_WORK, d) is None]
        # One request per document pays only when two or more DOIs are unknown.
        if len(todo) >= 2:
            chunks = [todo[i : i + BATCH_SIZE] for i in range(0, len(todo), BATCH_SIZE)]
            self._run(self._prefetch, chunks)
        return self._run(self._resolve_safely, list(requests))

    def _prefetch(self, chunk: list[str]) -> None:
        try:
            self._fetch_batch(chunk)
        except _Unavailable as exc:
            # Each reference will try its own look-up and report the failure itself.
            log.info("DOI batch failed: %s", exc)
        except _NotFound:
            pass

    def _run(self, fn: Callable[[Any], T], items: list[Any]) -> list[T]:
        if not items:
            return []
        # The pacer, not the pool size, bounds what is in flight; spare workers let
        # matching (CPU) overlap with waiting and let a raised concurrency be used.
        workers = 16
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(fn, items))

    def _resolve_safely(self, req: ResolveRequest) -> Resolution:
        try:
            return self._resolve(req)
        except _Unavailable as exc:
            return Resolution(
                ResolutionStatus.ERROR, reason=f"Crossref could not be reached: {exc}"
            )
        except Exception as exc:  # a bug must not sink the other references
            log.exception("resolving %r failed", req.raw[:80])
            return Resolution(
                ResolutionStatus.ERROR, reason=f"internal error while resolving: {exc!r}"
            )

    @staticmethod
    def _cited_doi(req: ResolveRequest) -> str | None:
        if req.reference.doi:
            return normalize_doi(req.reference.doi)
        return find_doi(req.raw) if req.raw else None

    def _resolve(self, req: ResolveRequest) -> Resolution:
        reference = req.reference
        skip = _skip_reason(req)
        if skip:
            return Resolution(ResolutionStatus.SKIPPED, reason=skip)
        cited = prepare(reference, req.raw)
        doi = self._cited_doi(req)
        notes: list[str] = []
        wrong: RegisteredWork | None = None
        if doi and not is_valid_doi(doi):
            notes.append(f"the cited DOI {reference.doi or doi!r} is malformed")
            doi = None
        if doi:
            item = self._work(doi)
            work = work_from_crossref(item) if item else None
            if work is not None:
                verdict = assess(cited, work)
                title = next((c for c in verdict.comparisons if c.field == "title"), None)
                author = next((c for c in verdict.comparisons if c.field == "author"), None)
                other = (title is not None and title.score < 0.6 and title.cited is not None) or (
                    title is not None
                    and title.score < 0.6
                    and author is not None
                    and not author.agrees
                )
                if not other:
                    return Resolution(
                        ResolutionStatus.MATCHED,
                        doi=work.doi,
                        confidence=max(verdict.confidence, 0.9 if verdict.acceptable else 0.6),
                        record=work,
                        comparisons=verdict.comparisons,
                        reason=f"looked up by the cited DOI; {verdict.reason}",
                    )
                wrong = work
                notes.append(
                    f"the cited DOI {doi} is registered for a different work"
                    f" ({work.title or 'untitled'!r})"
                )
            elif self._handle_exists(doi):
                return Resolution(
                    ResolutionStatus.MATCHED,
                    doi=doi,
                    confidence=0.5,
                    record=RegisteredWork(doi=doi),
                    reason="the DOI is not in Crossref but the DOI handle service knows it"
                    " (another registration agency); metadata not compared",
                )
            else:
                notes.append(
                    f"the cited DOI {doi} is registered neither with Crossref nor"
                    " with the DOI handle service"
                )
        query = _query_string(reference, req.raw)
        if not query:
            return Resolution(
                ResolutionStatus.NOT_FOUND,
                record=wrong,
                reason="; ".join(notes) or "nothing to search on",
            )
        candidates = [w for w in map(work_from_crossref, self._search(query)) if w is not None]
        decision = choose(cited, candidates)
        return _from_decision(decision, len(candidates), notes, wrong)


def _from_decision(
    decision: Decision, n: int, notes: list[str], wrong: RegisteredWork | None
) -> Resolution:
    prefix = "; ".join(notes) + "; " if notes else ""
    best = decision.best
    if best is None:
        closest = max(decision.rejected, key=lambda a: a.confidence, default=None)
        why = f"no candidate among {n} validated"
        if closest is not None:
            why += f" (closest: {closest.reason})"
        return Resolution(
            ResolutionStatus.NOT_FOUND,
            record=wrong,
            comparisons=closest.comparisons if closest else (),
            confidence=0.0,
            reason=prefix + why,
        )
    if decision.rivals:
        dois = ", ".join([best.work.doi] + [r.work.doi for r in decision.rivals])
        return Resolution(
            ResolutionStatus.AMBIGUOUS,
            confidence=best.confidence,
            record=best.work,
            comparisons=best.comparisons,
            alternatives=tuple(r.work for r in decision.rivals),
            reason=prefix + f"equally good candidates: {dois}",
        )
    return Resolution(
        ResolutionStatus.MATCHED,
        doi=best.work.doi,
        confidence=best.confidence,
        record=best.work,
        comparisons=best.comparisons,
        reason=prefix + f"matched by search: {best.reason}",
    )


def _skip_reason(req: ResolveRequest) -> str | None:
    ref = req.reference
    # A page range says "journal article" louder than a parser's type: NLM's "[Internet]"
    # marks online journals, and "Expert opinion on ..." is a journal's name.
    # URLs are left out: "127.0.0.1:8080" or ".../2009:123" are not volume:page.
    paged = bool(ref.page) or bool(_PAGES.search(_URLS.sub(" ", req.raw or "")))
    if ref.type == ReferenceType.PERSONAL_COMMUNICATION and not paged:
        return "a personal communication is not a registered work"
    has_doi = bool(ref.doi or (req.raw and find_doi(req.raw)))
    if ref.type == ReferenceType.WEBPAGE and not has_doi and not paged:
        return "a web page without a DOI"
    if not has_doi and not ref.title and len(words(req.raw or "")) < 3:
        return "nothing to search on"
    return None


def _query_string(reference: Reference, raw: str) -> str:
    """The whole reference string, or one built from the fields for structured inputs."""
    text = " ".join((raw or "").split())
    if len(words(text)) >= 3:
        return text[:1000]
    parts = [
        reference.first_author.display() if reference.first_author else None,
        reference.title,
        reference.container_title,
        str(reference.issued.year) if reference.issued else None,
        reference.volume,
        reference.page,
    ]
    return " ".join(p for p in parts if p)


def _classify(exc: BaseException) -> tuple[str, str]:
    """(kind, detail) of any failure habanero or httpx2 can raise; kind is one of
    ``not-found``, ``rate-limited``, ``transient``, ``unreachable``, ``fatal``."""
    status: int | None = None
    if isinstance(exc, habanero.RequestError):
        try:
            status = int(exc.status_code)
        except (TypeError, ValueError):
            status = None
        if status == 200:  # a 200 with a non-JSON body (an HTML error page)
            return "transient", "answered with a non-JSON page"
    elif isinstance(exc, httpx2.HTTPStatusError):
        status = exc.response.status_code
    if status is not None:
        if status == 404:
            return "not-found", "404 Not Found"
        if status == 429:
            return "rate-limited", "429 Too Many Requests"
        if status >= 500:
            return "transient", f"HTTP {status}"
        return "fatal", f"HTTP {status}"
    cause: BaseException = exc
    if isinstance(exc, RuntimeError) and exc.__cause__ is not None:
        cause = exc.__cause__
    if isinstance(cause, httpx2.TimeoutException):
        return "transient", "timed out"
    if isinstance(cause, (httpx2.ConnectError, httpx2.NetworkError)):
        return "unreachable", f"connection failed: {cause}"
    if isinstance(cause, httpx2.HTTPError):
        return "transient", f"HTTP error: {cause}"
    if isinstance(exc, ValueError):  # json.JSONDecodeError and friends
        return "transient", "answered with invalid JSON"
    if isinstance(exc, _Unavailable):
        return "transient", str(exc)
    if isinstance(exc, (KeyError, TypeError, AttributeError)):
        return "transient", f"unexpected answer ({type(exc).__name__})"
    if isinstance(exc, RuntimeError):
        return "transient", str(exc)
    raise exc
