"""The HTTP link checker: careful verdicts, polite pace, every URL once.

How one URL is judged (``HttpLinkChecker._check_one``):

1. Malformed -> ``invalid``; a scheme other than http(s) -> ``skipped``.
2. A DOI link (doi.org, dx.doi.org) asks the DOI handle service whether the DOI
   exists, instead of following publishers' redirects (publishers block checkers).
3. Otherwise redirects are followed by hand, one request per hop, each hop through the
   connect-time address guard (:mod:`refcheck.links.safety`) and the per-host limiter
   (:mod:`refcheck.links.ratelimit`). HEAD is tried first, GET when HEAD is refused or
   unreliable; bodies are streamed and closed after the first kilobytes.
4. A 200 for a deep link is compared with the answer to a random sibling path (once
   per host and directory): a site that answers everything with the same page has
   lost the cited one (soft 404).

Only definitive answers are errors: 404/410, a name that does not exist while DNS
works, a refused connection, a redirect loop, a soft 404. Blocks (401/403/429/999,
challenge walls), timeouts, 5xx and resets are retried and then reported as
inconclusive. When nothing at all could be reached, nothing is called broken.

TLS certificate failures are ``network-error`` with the reason in ``detail``
("TLS: certificate has expired"): a bad certificate says the site is misconfigured,
not that the cited page is gone, so it must not be an error; the judge still raises a
``link-tls`` warning because readers following the link will hit the same wall.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import http.client
import logging
import random
import secrets
import ssl
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

import requests
import urllib3
from requests.structures import CaseInsensitiveDict

from refcheck import __version__
from refcheck.cache import DAY, Cache
from refcheck.links import content
from refcheck.links import drift as drift_mod
from refcheck.links.archive import WaybackClient
from refcheck.links.interface import (
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_PER_HOST_CONCURRENCY,
    LinkChecker,
    LinkRequest,
)
from refcheck.links.ratelimit import MAX_RETRY_AFTER, HostLimiter
from refcheck.links.safety import (
    BlockedAddress,
    ConnectGuard,
    NameNotFound,
    ResolutionFailed,
    Resolver,
    is_public_address,
    system_resolver,
)
from refcheck.links.safety import guarded_session as _guarded_session
from refcheck.model import LinkResult, LinkStatus, PartialDate, Redirect

log = logging.getLogger(__name__)

NAMESPACE = "links"
PROBE_NAMESPACE = "links-probe"
MAX_HOPS = 10
MAX_BYTES_PER_URL = 1_048_576
BODY_SAMPLE = 65_536  # enough for a title, a challenge wall or a soft-404 comparison
# --drift reads whole pages; with the verdict's sample a URL stays within its 1 MB.
DRIFT_MAX_BYTES = MAX_BYTES_PER_URL - BODY_SAMPLE
# A page's text changes more often than whether it exists: measure again sooner.
DRIFT_TTL = 7 * DAY
DRIFT_UNMEASURED_TTL = 1 * DAY
DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org", "hdl.handle.net"})
# Ordinary sites answer these to HEAD while the page exists (servers lie on HEAD).
HEAD_UNRELIABLE = frozenset({400, 403, 404, 405, 406, 429, 500, 501, 502, 503, 999})
BLOCKING = frozenset({401, 403, 429, 999})
# HEAD answers on one host that had to be asked again with GET before that host is
# asked with GET directly (see HttpLinkChecker._head_useless).
HEAD_WASTE_LIMIT = 3
_SNIFF = frozenset({401, 403, 429, 503, 999})
_ARCHIVE_FOR = frozenset({LinkStatus.BROKEN, LinkStatus.SOFT_404, LinkStatus.BLOCKED})
TTL = {
    LinkStatus.OK: 7 * DAY,
    LinkStatus.REDIRECTED: 7 * DAY,
    # Dead links are re-checked sooner: a site may come back.
    LinkStatus.BROKEN: 1 * DAY,
    LinkStatus.SOFT_404: 1 * DAY,
    LinkStatus.INVALID: 30 * DAY,
}
CONTROL_HOSTS = ("doi.org", "archive.org", "www.wikipedia.org")
BROWSER_HEADERS = {
    "User-Agent": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/130.0 Safari/537.36"
    ),
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.9",
}


# ---------------------------------------------------------------------------- helpers


def link_result_from_json(data: Mapping[str, Any]) -> LinkResult:
    """Rebuild a LinkResult from its ``to_json`` form (the cache's format)."""
    return LinkResult(
        url=str(data["url"]),
        status=LinkStatus(data["status"]),
        http_status=data.get("http_status"),
        final_url=data.get("final_url"),
        redirects=tuple(
            Redirect(url=r["url"], status=int(r["status"]), location=r["location"])
            for r in data.get("redirects") or ()
        ),
        archive_url=data.get("archive_url"),
        detail=data.get("detail"),
        content_similarity=_fraction(data.get("content_similarity")),
    )


def _fraction(value: object) -> float | None:
    """A 0..1 number read from JSON; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if 0.0 <= value <= 1.0 else None


def permanent_target(result: LinkResult) -> str | None:
    """The URL to cite instead: where the leading run of permanent redirects ends."""
    target = None
    for hop in result.redirects:
        if not hop.permanent:
            break
        target = hop.location
    return target


def _same_but_secure(a: str, b: str) -> bool:
    """``b`` is ``a`` upgraded to https, or differs only by a trailing slash."""
    pa, pb = urlsplit(a), urlsplit(b)
    if (pa.hostname or "").lower() != (pb.hostname or "").lower():
        return False
    if pa.scheme != pb.scheme and not (pa.scheme == "http" and pb.scheme == "https"):
        return False
    return (pa.path.rstrip("/"), pa.query) == (pb.path.rstrip("/"), pb.query)


def _is_root(path: str) -> bool:
    stripped = path.strip("/")
    return not stripped or stripped.lower() in {"index.html", "index.htm", "index.php", "home"}


def _host_key(url: str) -> str:
    """Politeness is per server: host name plus an explicit port."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


def _validate(url: str) -> LinkResult | None:
    """An ``invalid`` or ``skipped`` verdict for URLs that cannot be fetched, else None."""
    if not url or any(c.isspace() for c in url):
        return LinkResult(url, LinkStatus.INVALID, detail="URL is empty or contains spaces")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return LinkResult(url, LinkStatus.INVALID, detail=f"malformed URL: {exc}")
    if parts.scheme.lower() not in ("http", "https"):
        if not parts.scheme:
            return LinkResult(url, LinkStatus.INVALID, detail="URL has no scheme")
        return LinkResult(
            url, LinkStatus.SKIPPED, detail=f"{parts.scheme}: links are not checked"
        )
    host = parts.hostname
    if not host:
        return LinkResult(url, LinkStatus.INVALID, detail="URL has no host")
    if port == 0:
        return LinkResult(url, LinkStatus.INVALID, detail="URL has port 0")
    try:
        host.encode("idna")
    except UnicodeError:
        return LinkResult(url, LinkStatus.INVALID, detail=f"invalid host name {host!r}")
    if "." not in host and host != "localhost" and ":" not in host:
        return LinkResult(url, LinkStatus.INVALID, detail=f"host {host!r} has no domain")
    return None


def _tls_reason(exc: BaseException) -> str:
    """A readable reason for a certificate failure: expired, wrong host, unknown issuer."""
    for err in _chain(exc):
        if isinstance(err, ssl.SSLCertVerificationError):
            message = (err.verify_message or str(err)).lower()
            if "expired" in message:
                return "TLS: certificate has expired"
            if "hostname" in message or "ip address mismatch" in message:
                return "TLS: certificate is for another host name"
            if "self-signed" in message or "self signed" in message:
                return "TLS: self-signed certificate"
            if "issuer" in message:
                return "TLS: certificate issuer is unknown"
            return f"TLS: certificate rejected ({err.verify_message})"
    return "TLS: handshake failed"


def _chain(exc: BaseException | None) -> list[BaseException]:
    """The exception, its causes and the ``reason`` urllib3 wraps errors in."""
    seen: list[BaseException] = []
    stack: list[object] = [exc]
    while stack:
        err = stack.pop()
        if not isinstance(err, BaseException) or any(err is s for s in seen):
            continue
        seen.append(err)
        stack.extend([err.__cause__, err.__context__, getattr(err, "reason", None)])
        stack.extend(a for a in getattr(err, "args", ()) if isinstance(a, BaseException))
    return seen


# ------------------------------------------------------------------------- transport


@dataclasses.dataclass
class _Answer:
    """One HTTP response, its first bytes read."""

    url: str
    method: str
    status: int
    headers: CaseInsensitiveDict[str]
    body: bytes = b""
    pause: float | None = None  # what Retry-After asked for
    complete: bool = True  # False: the body read failed or ran out of time

    @property
    def location(self) -> str | None:
        value = self.headers.get("Location")
        return urljoin(self.url, value.strip()) if value else None


class _Failure(Exception):
    """A request that got no usable answer; ``transient`` ones are retried."""

    def __init__(self, status: LinkStatus, detail: str, *, transient: bool = False) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.transient = transient
        self.redirects: tuple[Redirect, ...] = ()


class _NxDomain(_Failure):
    """The name does not exist: broken if DNS works, else the machine is offline."""


@dataclasses.dataclass
class _Job:
    """Book-keeping for one URL: bytes read, requests sent."""

    url: str
    bytes_read: int = 0
    requests: int = 0
    body_limit: int | None = None  # None: the body sample; --drift reads whole pages
    cut: bool = False  # a body read stopped at its limit (the page is longer)


@dataclasses.dataclass(frozen=True)
class _Probe:
    """How a host answers a random sibling path."""

    status: int | None  # None: the probe got no answer
    final_url: str | None
    body: bytes
    complete: bool = True

    @property
    def catch_all(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclasses.dataclass(frozen=True)
class LinkStats:
    """Counters of one checker's work (for reports and the benchmark)."""

    urls: int
    requests: int
    bytes_read: int
    throttled: dict[str, int]


class HttpLinkChecker(LinkChecker):
    """Checks links over HTTP with requests (one pooled Session, a thread pool).

    Configuration is all in the constructor. ``allow_private`` permits private and
    loopback addresses (tests, intranets). ``per_host`` overrides
    ``(concurrency, interval)`` for named hosts. ``resolver`` and ``control_hosts``
    exist for tests and benchmarks: the resolver maps names to addresses, and the
    control hosts are resolved to tell "no such host" from "no network".

    Links are asked with GET, reading the first ``body_sample`` bytes: a 200 page
    titled "Page not found" on a site that otherwise answers 404 properly is a soft
    404 only a body shows. ``head_first=True`` asks deep links with HEAD instead
    (nothing downloaded, a GET only where HEAD settles nothing) and cannot see those
    pages. Measured on the links benchmark, GET first found 222/222 soft 404s against
    217/222 and sent fewer requests (1.33 against 1.37 a URL), for 12 KB read a URL
    against 10 KB. Sites that answer 200 to everything are caught either way by the
    random-sibling comparison.

    ``drift=True`` (``--drift``) also measures content drift: for every ``ok`` or
    ``redirected`` link requested with an access date, the live page is read in full
    (at most ``drift_max_bytes``, default 960 KB, so a URL stays within 1 MB with the
    verdict's sample), the Wayback snapshot nearest the access date is read in its raw
    ``id_`` form, and ``LinkResult.content_similarity`` is set to the share of the
    snapshot's main text still on the live page, with ``archive_url`` the snapshot
    compared (see :mod:`refcheck.links.drift`; ``drift_min_words``, default 30: a
    shorter text is not measured). Verdicts never change; no snapshot or an unreadable
    page leaves the link unmeasured. :func:`refcheck.links.judge.link_findings` decides
    what counts as drift.
    """

    def __init__(
        self,
        *,
        cache: Cache,
        allow_private: bool = False,
        timeout: float = 15.0,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        per_host_concurrency: int = DEFAULT_PER_HOST_CONCURRENCY,
        per_host_interval: float = 0.1,
        user_agent: str | None = None,
        wayback_url: str | None = "https://archive.org/wayback/available",
        doi_resolver_url: str = "https://doi.org",
        retries: int = 2,
        backoff_base: float = 0.5,
        per_host: Mapping[str, tuple[int, float]] | None = None,
        resolver: Resolver = system_resolver,
        control_hosts: Sequence[str] = CONTROL_HOSTS,
        body_sample: int = BODY_SAMPLE,
        head_first: bool = False,
        drift: bool = False,
        drift_max_bytes: int = DRIFT_MAX_BYTES,
        drift_min_words: int = drift_mod.MIN_WORDS,
    ) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        if retries < 0 or backoff_base < 0:
            raise ValueError("retries and backoff_base cannot be negative")
        if drift_max_bytes < 1 or drift_min_words < 1:
            raise ValueError("drift_max_bytes and drift_min_words must be at least 1")
        self._drift = drift
        self._drift_max_bytes = min(drift_max_bytes, MAX_BYTES_PER_URL)
        self._drift_min_words = drift_min_words
        self._wayback_host = _host_key(wayback_url) if wayback_url else None
        self._cache = cache
        self._allow_private = allow_private
        self._timeout = timeout
        self._connect_timeout = min(timeout, 10.0)
        self._max_concurrency = max_concurrency
        self._per_host_concurrency = per_host_concurrency
        self._retries = retries
        self._backoff_base = backoff_base
        self._doi_resolver = doi_resolver_url.rstrip("/")
        self._control_hosts = tuple(control_hosts)
        self._body_sample = min(body_sample, MAX_BYTES_PER_URL)
        self._head_first = head_first
        self._user_agent = user_agent or (
            f"refcheck/{__version__} (citation checker; +https://pypi.org/project/refcheck/)"
        )
        self._limiter = HostLimiter(
            concurrency=per_host_concurrency, interval=per_host_interval, per_host=per_host
        )
        self._lock = threading.Lock()
        # max_concurrency bounds requests in flight; worker threads are more numerous
        # because a check also sleeps (backoff, Retry-After) without holding a request.
        self._in_flight = threading.BoundedSemaphore(max_concurrency)
        self._workers = min(max_concurrency * 4, 256)
        self._names_resolved = 0
        self._responses = 0
        self._attempts = 0
        self._dns_works: bool | None = None
        self._probes: dict[str, _Probe] = {}
        # Per host: HEAD answers that settled nothing and had to be asked again with
        # GET (404/405/403..., or a 200 on a site that answers every path).
        self._head_wasted: dict[str, int] = {}
        self._probe_locks: dict[str, threading.Lock] = {}
        self._stats_requests = 0
        self._stats_bytes = 0
        self._stats_urls = 0
        self._guard = ConnectGuard(
            resolver, allow_private=allow_private, on_resolved=self._name_resolved
        )
        self._session = _guarded_session(self._guard, pool_maxsize=max(per_host_concurrency, 4))
        # Services refcheck is configured to use (DOI handles, Wayback) are trusted:
        # their addresses come from the operator, not from the document.
        service_guard = ConnectGuard(resolver, allow_private=True)
        self._service_session = _guarded_session(service_guard, pool_maxsize=max_concurrency)
        self._service_session.headers["User-Agent"] = self._user_agent
        self._wayback = (
            WaybackClient(
                self._service_session, cache, url=wayback_url, timeout=timeout,
                slot=lambda url: self._send_slot(_host_key(url)),
                observe=lambda url, status, headers: self._limiter.observe(
                    _host_key(url), status, headers
                ),
            )
            if wayback_url
            else None
        )

    # ------------------------------------------------------------------ public API

    def check_many(self, requests: Sequence[LinkRequest]) -> dict[str, LinkResult]:
        """A LinkResult for every distinct URL requested, checked concurrently."""
        accessed: dict[str, PartialDate | None] = {}
        for request in requests:
            if request.url not in accessed or accessed[request.url] is None:
                accessed[request.url] = request.accessed
        results: dict[str, LinkResult] = {}
        todo: list[str] = []
        for url in accessed:
            verdict = _validate(url.strip())
            if verdict is not None:
                results[url] = dataclasses.replace(verdict, url=url)
                if verdict.status in TTL:
                    self._cache.put(NAMESPACE, url, results[url].to_json(), ttl=TTL[verdict.status])
                continue
            hit = self._cache.get(NAMESPACE, url)
            if isinstance(hit, dict):
                try:
                    results[url] = link_result_from_json(hit)
                    continue
                except (KeyError, ValueError, TypeError):
                    pass  # an unreadable entry is simply re-checked
            todo.append(url)
        results.update(self._run(todo, accessed))
        settled = self._settle_nxdomains(results)
        for url in todo:
            result = results[url]
            if url in settled:
                # Confirmed "no such host" (DNS works): its archive lookup was deferred.
                result = results[url] = self._with_archive(
                    dataclasses.replace(result, detail=f"{result.detail} (DNS works)"),
                    accessed.get(url),
                    settled=True,
                )
            if result.status in TTL:
                self._cache.put(NAMESPACE, url, result.to_json(), ttl=TTL[result.status])
        if self._drift:
            # After the verdicts are cached: drift is a note on a live link, never part
            # of its verdict, and a run without --drift must not see it.
            results.update(self._measure_drift(results, accessed))
        return {url: results[url] for url in accessed}

    def network_available(self) -> bool | None:
        """After ``check_many``: False when nothing at all could be reached.

        ``None`` when no request was attempted (everything cached or skipped).
        """
        with self._lock:
            if self._responses or self._names_resolved:
                return True
            if not self._attempts:
                return None
        return bool(self._dns_works)

    def find_archive(self, url: str, accessed: PartialDate | None = None) -> str | None:
        """The Wayback snapshot nearest ``accessed`` (for stale links); None if unknown."""
        if self._wayback is None:
            return None
        return self._wayback.closest(url, accessed)

    def stats(self) -> LinkStats:
        """Requests sent, bytes read and 429s received so far."""
        with self._lock:
            return LinkStats(
                urls=self._stats_urls,
                requests=self._stats_requests,
                bytes_read=self._stats_bytes,
                throttled=self._limiter.throttled(),
            )

    def close(self) -> None:
        """Release pooled connections."""
        self._session.close()
        self._service_session.close()

    # ------------------------------------------------------------------ scheduling

    def _run(
        self, urls: Sequence[str], accessed: Mapping[str, PartialDate | None]
    ) -> dict[str, LinkResult]:
        """Check ``urls`` concurrently, never more than the per-host limit per host.

        Jobs are dispatched per host so that workers do not pile up waiting on one
        busy host while others sit idle.
        """
        results: dict[str, LinkResult] = {}
        if not urls:
            return results
        pending: dict[str, deque[str]] = {}
        for url in urls:
            key = "doi" if self._is_doi(url) else _host_key(url)
            pending.setdefault(key, deque()).append(url)
        busy: dict[str, int] = {}
        cond = threading.Condition()
        total = 0
        per_host = max(1, self._per_host_concurrency)

        def finished(key: str, url: str, future: Future[LinkResult]) -> None:
            nonlocal total
            try:
                result = future.result()
            except Exception as exc:  # a bug must not take the whole run down
                log.exception("link check crashed for %s", url)
                result = LinkResult(url, LinkStatus.NETWORK_ERROR, detail=f"internal error: {exc}")
            with cond:
                results[url] = result
                busy[key] -= 1
                total -= 1
                cond.notify_all()

        # Enough workers that every host can keep its request slots busy while some
        # of its checks sleep; each host gets a fair share, so early hosts in the
        # list cannot take every worker and starve the rest.
        workers = min(256, max(self._workers, len(pending) * per_host * 8))
        share = max(per_host, min(8 * per_host, workers // max(1, len(pending))))
        pool = ThreadPoolExecutor(workers, thread_name_prefix="refcheck-link")
        with pool, cond:
            while pending or total:
                launched = False
                for key in list(pending):
                    queue = pending[key]
                    # More checks than request slots per host: a check waiting out a
                    # backoff or a slow page must not stall the host's other links.
                    # The limiter still caps the requests each host sees at once.
                    while queue and busy.get(key, 0) < share and total < workers:
                        url = queue.popleft()
                        busy[key] = busy.get(key, 0) + 1
                        total += 1
                        launched = True
                        future = pool.submit(self._check_one, url, accessed.get(url))
                        future.add_done_callback(functools.partial(finished, key, url))
                    if not queue:
                        del pending[key]
                if not launched:
                    cond.wait(1.0)
        return results

    # ------------------------------------------------------------------- drift

    def _measure_drift(
        self, results: Mapping[str, LinkResult], accessed: Mapping[str, PartialDate | None]
    ) -> dict[str, LinkResult]:
        """``content_similarity`` for live links with an access date (``drift=True``).

        Runs concurrently; every request still goes through the per-host limiter, so
        the archive and each site see the same pace as during the verdicts.
        """
        todo: list[tuple[str, PartialDate]] = []
        for url, result in results.items():
            when = accessed.get(url)
            if when is not None and result.status.is_alive and not self._is_doi(url):
                todo.append((url, when))
        if not todo or self._wayback is None:
            return {}
        out: dict[str, LinkResult] = {}
        with ThreadPoolExecutor(
            min(self._workers, len(todo)), thread_name_prefix="refcheck-drift"
        ) as pool:
            futures = {
                url: pool.submit(self._drift_one, results[url], when) for url, when in todo
            }
            for url, future in futures.items():
                try:
                    out[url] = future.result()
                except Exception:  # a bug in a comparison must not take the run down
                    log.exception("drift check crashed for %s", url)
        return out

    def _drift_one(self, result: LinkResult, accessed: PartialDate) -> LinkResult:
        """Compare the live page with the snapshot nearest ``accessed``.

        Unchanged ``result`` when there is no snapshot or either page cannot be read:
        no answer is never a finding, and such failures are not cached.
        """
        key = f"{result.url} {accessed.isoformat()}"
        hit = self._cache.get(drift_mod.DRIFT_NAMESPACE, key)
        if isinstance(hit, dict) and isinstance(hit.get("archive_url"), str):
            score = _fraction(hit.get("similarity"))
            if score is None:
                return result  # measured before: nothing comparable
            return dataclasses.replace(
                result, content_similarity=score, archive_url=hit["archive_url"]
            )
        assert self._wayback is not None
        snapshot = self._wayback.closest(result.url, accessed)
        if not snapshot:
            return result
        live_job = _Job(result.url, body_limit=self._drift_max_bytes)
        archived_url = drift_mod.raw_snapshot_url(snapshot)
        archive_job = _Job(archived_url, body_limit=self._drift_max_bytes)
        try:
            archived = self._read_page(archive_job, archived_url, archive=True)
            live = (
                self._read_page(live_job, result.final_url or result.url, archive=False)
                if archived is not None
                else None
            )
        finally:
            with self._lock:
                self._stats_requests += live_job.requests + archive_job.requests
                self._stats_bytes += live_job.bytes_read + archive_job.bytes_read
        if archived is None or live is None:
            return result
        score = drift_mod.similarity(archived, live, min_words=self._drift_min_words)
        self._cache.put(
            drift_mod.DRIFT_NAMESPACE, key, {"similarity": score, "archive_url": snapshot},
            ttl=DRIFT_TTL if score is not None else DRIFT_UNMEASURED_TTL,
        )
        if score is None:
            return result
        return dataclasses.replace(result, content_similarity=score, archive_url=snapshot)

    def _read_page(self, job: _Job, url: str, *, archive: bool) -> bytes | None:
        """A whole page (up to ``drift_max_bytes``); None when it cannot be compared.

        Snapshots on the configured archive's own host use the service session (the
        operator chose that address); anything else, including a snapshot URL the
        archive points elsewhere, goes through the document session's address guard.
        """
        session = None
        if archive and self._wayback_host and _host_key(url) == self._wayback_host:
            session = self._service_session
        try:
            answer, _ = self._follow(job, url, want_body=True, session=session)
        except _Failure as failure:
            log.debug("drift: could not read %s: %s", url, failure.detail)
            return None
        if not 200 <= answer.status < 300 or not answer.complete or job.cut:
            # A page read in part would look as if its end had been deleted.
            return None
        if not archive and content.is_challenge(answer.body, dict(answer.headers)):
            return None
        return answer.body

    # ----------------------------------------------------------------- one URL

    def _with_archive(
        self, result: LinkResult, accessed: PartialDate | None, *, settled: bool = False
    ) -> LinkResult:
        """Add the closest Wayback snapshot to a dead or blocked link."""
        if (
            self._wayback is None
            or result.archive_url is not None
            or result.status not in _ARCHIVE_FOR
            # "No such host" may yet turn out to mean "offline": decided later.
            or (not settled and (result.detail or "").startswith("DNS:"))
        ):
            return result
        archived = self._wayback.closest(result.url, accessed)
        return dataclasses.replace(result, archive_url=archived) if archived else result

    def _check_one(self, url: str, accessed: PartialDate | None = None) -> LinkResult:
        job = _Job(url)
        try:
            result = self._check_doi(job) if self._is_doi(url) else self._check_http(job)
            result = self._with_archive(result, accessed)
        finally:
            with self._lock:
                self._stats_urls += 1
                self._stats_requests += job.requests
                self._stats_bytes += job.bytes_read
        return result

    def _head_useless(self, host: str) -> bool:
        """Whether HEAD has stopped paying for itself on ``host``.

        HEAD saves bytes only when its answer settles the verdict. On a host where
        HEAD answers keep needing a GET (it refuses HEAD, its 404s must be confirmed,
        it answers 200 to every path so pages must be compared), HEAD-then-GET sends
        two requests where one GET does: against the host's rate limit that doubles
        the time. Such a host is asked with GET from then on; every verdict rule is
        unchanged, since a GET is what each of those HEAD answers led to anyway.
        """
        with self._lock:
            return self._head_wasted.get(host, 0) >= HEAD_WASTE_LIMIT

    def _wasted_head(self, url: str, count: int = 1) -> None:
        host = _host_key(url)
        with self._lock:
            self._head_wasted[host] = self._head_wasted.get(host, 0) + count

    def _is_doi(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        return host in DOI_HOSTS and parts.path.strip("/").startswith("10.")

    def _check_doi(self, job: _Job) -> LinkResult:
        """Ask the DOI handle service whether the DOI exists (no publisher visit)."""
        doi = unquote(urlsplit(job.url).path.strip("/"))
        api = f"{self._doi_resolver}/api/handles/{quote(doi, safe='/')}"
        try:
            answer = self._fetch(job, api, "GET", session=self._service_session)
        except _Failure as failure:
            # The service being unreachable says nothing about the DOI itself.
            status = failure.status
            if status in (LinkStatus.BROKEN, LinkStatus.SKIPPED, LinkStatus.INVALID):
                status = LinkStatus.NETWORK_ERROR
            return LinkResult(job.url, status, detail=f"DOI service: {failure.detail}")
        try:
            import json

            data = json.loads(answer.body.decode("utf-8", "replace") or "{}")
        except ValueError:
            data = {}
        code = data.get("responseCode") if isinstance(data, dict) else None
        if code == 1:
            target = next(
                (
                    str(v.get("data", {}).get("value"))
                    for v in data.get("values") or ()
                    if isinstance(v, dict) and v.get("type") == "URL"
                ),
                None,
            )
            return LinkResult(
                job.url, LinkStatus.OK, http_status=answer.status, final_url=target,
                detail=f"DOI {doi} is registered",
            )
        if code == 100 or (answer.status == 404 and code is None):
            return LinkResult(
                job.url, LinkStatus.BROKEN, http_status=404, detail=f"DOI {doi} is not registered"
            )
        status = LinkStatus.SERVER_ERROR
        return LinkResult(
            job.url, status, http_status=answer.status,
            detail=f"DOI service answered {answer.status} (response code {code})",
        )

    def _check_http(self, job: _Job) -> LinkResult:
        url = job.url
        deep = not _is_root(urlsplit(url).path)
        try:
            # Root pages are fetched with GET: HEAD cannot see a parked domain.
            head = deep and self._head_first and not self._head_useless(_host_key(url))
            answer, redirects = self._follow(job, url, want_body=not head)
        except _Failure as failure:
            return LinkResult(url, failure.status, detail=failure.detail,
                              redirects=failure.redirects)
        final = answer.url
        base = LinkResult(
            url, LinkStatus.OK, http_status=answer.status,
            final_url=final if redirects else None, redirects=tuple(redirects),
        )
        status = answer.status
        if 200 <= status < 300:
            return self._judge_success(job, base, answer, deep)
        if status in (404, 410):
            return dataclasses.replace(
                base, status=LinkStatus.BROKEN, detail=f"{status} {_reason(status)}"
            )
        if status in BLOCKING or content.is_challenge(answer.body, dict(answer.headers)):
            detail = f"{status} {_reason(status)}: the site refused the checker"
            if content.is_challenge(answer.body, dict(answer.headers)):
                detail = f"{status}: a bot challenge page (the site refused the checker)"
            return dataclasses.replace(base, status=LinkStatus.BLOCKED, detail=detail)
        if status == 408:
            return dataclasses.replace(
                base, status=LinkStatus.TIMEOUT, detail="408 Request Timeout"
            )
        if status >= 500:
            return dataclasses.replace(
                base, status=LinkStatus.SERVER_ERROR, detail=f"{status} {_reason(status)}"
            )
        if 300 <= status < 400:
            return dataclasses.replace(
                base, status=LinkStatus.SERVER_ERROR, detail=f"{status} redirect without Location"
            )
        # 400, 405, 406, 451...: the server refused this request; nothing is proven.
        return dataclasses.replace(
            base, status=LinkStatus.BLOCKED, detail=f"{status} {_reason(status)}"
        )

    def _judge_success(
        self, job: _Job, base: LinkResult, answer: _Answer, deep: bool
    ) -> LinkResult:
        url = job.url
        final = answer.url
        if answer.body and content.is_challenge(answer.body, dict(answer.headers)):
            return dataclasses.replace(
                base, status=LinkStatus.BLOCKED, detail="a bot challenge page (Just a moment...)"
            )
        if answer.body and content.is_parked(answer.body):
            return dataclasses.replace(base, status=LinkStatus.SOFT_404, detail="a parked domain")
        if base.redirects and deep:
            if _is_root(urlsplit(final).path):
                return dataclasses.replace(
                    base, status=LinkStatus.SOFT_404,
                    detail=f"a deep link redirected to the site root {final}",
                )
            if content.looks_like_error_url(final) and not content.looks_like_error_url(url):
                return dataclasses.replace(
                    base, status=LinkStatus.SOFT_404,
                    detail=f"redirected to an error page {final}",
                )
            if not answer.body:
                # Where a deep link was sent matters: read the landing page's title.
                try:
                    body = self._fetch(job, final, "GET").body
                    answer = dataclasses.replace(answer, body=body)
                except _Failure:
                    pass
        if answer.body and content.is_error_page(answer.body):
            title = content.title_of(answer.body)
            return dataclasses.replace(
                base, status=LinkStatus.SOFT_404, detail=f"200 page titled {title!r}"
            )
        if deep:
            verdict = self._compare_with_sibling(job, base, answer)
            if verdict is not None:
                return verdict
        target = permanent_target(base)
        if target and not _same_but_secure(url, target):
            return dataclasses.replace(
                base, status=LinkStatus.REDIRECTED, detail=f"moved permanently to {target}"
            )
        detail = f"{answer.status} {_reason(answer.status)}"
        if base.redirects:
            detail += f" after {len(base.redirects)} redirect(s)"
        return dataclasses.replace(base, detail=detail)

    def _compare_with_sibling(
        self, job: _Job, base: LinkResult, answer: _Answer
    ) -> LinkResult | None:
        """Soft-404 by comparison with a random sibling path; None when not one."""
        probe = self._probe(job, base.url)
        if not probe.catch_all:
            return None
        if base.redirects and probe.final_url and probe.final_url == answer.url:
            return dataclasses.replace(
                base, status=LinkStatus.SOFT_404,
                detail=f"redirected where a random path also goes ({answer.url})",
            )
        body, complete = answer.body, answer.complete
        if not body:
            # HEAD said 200; the page itself is needed to compare.
            self._wasted_head(answer.url)
            try:
                page = self._fetch(job, answer.url, "GET")
            except _Failure:
                return None
            body, complete = page.body, page.complete
        if not (complete and probe.complete):
            return None  # a page read only in part proves nothing either way
        url_path = urlsplit(answer.url).path
        probe_path = urlsplit(probe.final_url or "").path
        if content.same_page(body, probe.body, url_path, probe_path, *_segments(url_path),
                             *_segments(probe_path)):
            return dataclasses.replace(
                base, status=LinkStatus.SOFT_404,
                detail="the page is the same as the answer to a random path on the site",
            )
        return None

    def _probe(self, job: _Job, url: str) -> _Probe:
        """The answer to a random sibling of ``url``: once per host and directory."""
        parts = urlsplit(url)
        directory = parts.path.rstrip("/").rsplit("/", 1)[0] + "/"
        key = f"{parts.scheme}://{(parts.netloc or '').lower()}{directory}"
        with self._lock:
            lock = self._probe_locks.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                known = self._probes.get(key)
            if known is not None:
                return known
            cached = self._cache.get(PROBE_NAMESPACE, key)
            if isinstance(cached, dict) and "status" in cached:
                probe = _Probe(cached["status"], cached.get("final_url"),
                               str(cached.get("body", "")).encode("latin-1", "replace"))
            else:
                probe = self._run_probe(job, parts, directory)
                if probe.status is not None:
                    self._cache.put(
                        PROBE_NAMESPACE, key,
                        {"status": probe.status, "final_url": probe.final_url,
                         "body": probe.body[:20000].decode("latin-1")},
                        ttl=7 * DAY,
                    )
            with self._lock:
                self._probes[key] = probe
            return probe

    def _run_probe(self, job: _Job, parts: Any, directory: str) -> _Probe:
        token = secrets.token_hex(12)
        last = parts.path.rstrip("/").rsplit("/", 1)[-1]
        suffix = "." + last.rsplit(".", 1)[1] if "." in last else ""
        path = f"{directory}{token}{suffix}"
        probe_url = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
        try:
            # GET: a 404 to HEAD would need a GET anyway, and a 200 needs the body.
            answer, _ = self._follow(job, probe_url, want_body=True, browser_retry=False)
        except _Failure:
            return _Probe(None, None, b"")
        if 200 <= answer.status < 300:
            # A site that answers every path: each page must be compared, so HEAD
            # can never settle a verdict there.
            self._wasted_head(answer.url, HEAD_WASTE_LIMIT)
        body, complete = answer.body, answer.complete
        if 200 <= answer.status < 300 and not body:
            try:
                page = self._fetch(job, answer.url, "GET")
            except _Failure:
                return _Probe(None, None, b"")
            body, complete = page.body, page.complete
        return _Probe(answer.status, answer.url, body, complete)

    # ---------------------------------------------------------------- requests

    def _follow(
        self,
        job: _Job,
        url: str,
        *,
        want_body: bool,
        browser_retry: bool = True,
        session: requests.Session | None = None,
    ) -> tuple[_Answer, list[Redirect]]:
        """Follow redirects by hand, recording every hop; raises _Failure."""
        redirects: list[Redirect] = []
        seen = {url}
        current = url
        while True:
            # After a redirect the landing page's content matters (error page, root):
            # GET it directly rather than HEAD and then GET.
            method = "GET" if want_body or redirects else "HEAD"
            try:
                answer = self._fetch(
                    job, current, method, browser_retry=browser_retry, session=session
                )
            except _Failure as failure:
                failure.redirects = tuple(redirects)
                raise
            location = answer.location
            if not (300 <= answer.status < 400 and answer.status != 304 and location):
                return answer, redirects
            redirects.append(Redirect(current, answer.status, location))
            invalid = _validate(location)
            reason = None
            if location in seen:
                reason = f"redirect loop back to {location}"
            elif len(redirects) > MAX_HOPS:
                reason = f"more than {MAX_HOPS} redirects"
            elif invalid is not None:
                reason = f"redirected to an unusable URL: {invalid.detail}"
            if reason is not None:
                dead_end = _Failure(LinkStatus.BROKEN, reason)
                dead_end.redirects = tuple(redirects)
                raise dead_end
            seen.add(location)
            current = location

    def _fetch(
        self,
        job: _Job,
        url: str,
        method: str,
        *,
        session: requests.Session | None = None,
        browser_retry: bool = True,
    ) -> _Answer:
        """One hop: HEAD->GET fallback, retries with backoff, one browser-like retry."""
        browser = False
        retries_left = self._retries
        # A silent server costs a whole timeout per try (and holds a host slot):
        # one retry is enough to tell a hiccup from a dead server.
        timeouts_left = min(self._retries, 1)
        # A 429 that names its wait is the host pacing us, not a fault of the page:
        # it has its own budget, so a page that failed with 500 and then met the
        # host's limit on its retry is not called blocked.
        throttles_left = self._retries + 1
        attempt = 0
        while True:
            try:
                answer = self._request(
                    job, url, method, browser=browser, session=session,
                    full=session is not None,
                )
            except _Failure as failure:
                if failure.status is LinkStatus.TIMEOUT:
                    if timeouts_left <= 0:
                        raise
                    timeouts_left -= 1
                if failure.transient and retries_left > 0:
                    retries_left -= 1
                    if failure.status is not LinkStatus.TIMEOUT:
                        # A timeout has already waited longer than any backoff would.
                        self._sleep_backoff(attempt)
                    attempt += 1
                    continue
                raise
            status = answer.status
            if method == "HEAD" and status in HEAD_UNRELIABLE:
                method = "GET"  # HEAD is a hint: ask properly before concluding
                self._wasted_head(url)
                if status in (429, 408) or status >= 500:
                    # The GET is also the retry of a transient failure.
                    retries_left = max(0, retries_left - 1)
                    if answer.pause is not None:
                        # This URL waits out Retry-After; the limiter decides whether
                        # the whole host waits too (a 429 about our pace).
                        time.sleep(min(answer.pause, MAX_RETRY_AFTER))
                if status in BLOCKING and status != 429 and browser_retry:
                    browser = True  # refused: the GET is the one browser-like retry
                continue
            challenge = bool(answer.body) and content.is_challenge(
                answer.body, dict(answer.headers)
            )
            if (status in (429, 408) or status >= 500) and not challenge:
                paced = status == 429 and answer.pause is not None
                if (throttles_left if paced else retries_left) > 0:
                    pause = answer.pause
                    if pause is not None and pause > MAX_RETRY_AFTER:
                        return answer  # the host asks for a long pause: do not stall
                    if paced:
                        throttles_left -= 1
                    else:
                        retries_left -= 1
                    if pause is None:
                        self._sleep_backoff(attempt)
                    else:
                        # Retry-After: this resource waits; after a 429 about our pace
                        # the limiter also holds the whole host back.
                        time.sleep(pause)
                    attempt += 1
                    continue
                return answer
            blocked = (status in BLOCKING and status != 429) or challenge
            if blocked and browser_retry and not browser:
                browser = True  # one more try looking like a browser before concluding
                method = "GET"
                continue
            return answer

    def _sleep_backoff(self, attempt: int) -> None:
        delay = self._backoff_base * (2**attempt)
        delay *= 0.5 + random.random() / 2  # jitter: retries from many workers spread
        time.sleep(delay)

    def _request(
        self,
        job: _Job,
        url: str,
        method: str,
        *,
        browser: bool,
        session: requests.Session | None = None,
        full: bool = False,
    ) -> _Answer:
        """Send one request through the host limiter; read at most the body sample."""
        host = _host_key(url)
        headers = dict(BROWSER_HEADERS) if browser else {
            "User-Agent": self._user_agent,
            "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
        }
        headers["Accept-Encoding"] = "gzip, deflate"
        with self._lock:
            self._attempts += 1
        job.requests += 1
        with self._send_slot(host):
            try:
                response = (session or self._session).request(
                    method, url, headers=headers, allow_redirects=False, stream=True,
                    timeout=(self._connect_timeout, self._timeout),
                )
            except BlockedAddress as exc:
                raise _Failure(
                    LinkStatus.SKIPPED, f"{exc} (use --allow-private to check it)"
                ) from None
            except NameNotFound as exc:
                raise _NxDomain(LinkStatus.BROKEN, str(exc)) from None
            except ResolutionFailed as exc:
                raise _Failure(LinkStatus.NETWORK_ERROR, str(exc), transient=True) from None
            except requests.exceptions.SSLError as exc:
                raise _Failure(LinkStatus.NETWORK_ERROR, _tls_reason(exc)) from None
            except requests.exceptions.ConnectTimeout:
                raise _Failure(LinkStatus.TIMEOUT, "connect timed out", transient=True) from None
            except requests.exceptions.ReadTimeout:
                # A server that took longer than the timeout may take that long again.
                self._limiter.abandon(host, self._timeout * 1.5)
                raise _Failure(LinkStatus.TIMEOUT, "no answer in time", transient=True) from None
            except requests.exceptions.InvalidURL as exc:
                raise _Failure(LinkStatus.INVALID, f"malformed URL: {exc}") from None
            except requests.exceptions.RequestException as exc:
                raise self._connection_failure(exc) from None
            with self._lock:
                self._responses += 1
            try:
                body, complete = b"", True
                code = response.status_code
                # A body is read only where it can change the verdict: a 2xx (error
                # page, parked domain), or a refusal (challenge wall).
                if method == "GET" and (full or 200 <= code < 300 or code in _SNIFF):
                    body, complete = self._read_body(job, response)
            finally:
                response.close()
            pause = self._limiter.observe(host, response.status_code, response.headers)
            return _Answer(
                url, method, response.status_code, response.headers, body, pause, complete
            )

    @contextlib.contextmanager
    def _send_slot(self, host: str) -> Iterator[None]:
        """A host slot, a global slot, and a send time spaced from the host's last.

        The spacing is checked again once the global slot is held: waiting for it
        could otherwise bunch a host's requests up, and a host counts arrivals. No
        global slot is held while pacing, so one slow host cannot idle the others.
        """
        with self._limiter.slot(host):
            while True:
                self._limiter.pace(host)
                self._in_flight.acquire()
                if self._limiter.mark_sent(host):
                    break
                self._in_flight.release()
            try:
                yield
            finally:
                self._in_flight.release()

    def _read_body(self, job: _Job, response: requests.Response) -> tuple[bytes, bool]:
        """The first ``body_sample`` bytes (never more than the per-URL budget), and
        whether they were read in full: a body that trickles past the timeout or
        breaks off is incomplete, and incomplete evidence judges nothing."""
        limit = self._body_sample if job.body_limit is None else job.body_limit
        budget = min(limit, MAX_BYTES_PER_URL - job.bytes_read)
        if budget <= 0:
            return b"", True
        # The timeout bounds the whole read: requests' applies to each socket read,
        # so a server sending a byte at a time could hold a check for ever.
        deadline = time.monotonic() + self._timeout
        chunks: list[bytes] = []
        size = 0
        complete = True
        try:
            while size < budget:
                # read1 returns what has arrived instead of waiting for a full chunk.
                chunk = response.raw.read1(min(8192, budget - size), decode_content=True)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if time.monotonic() > deadline:
                    complete = False
                    break
        except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError):
            complete = False
        if size >= budget:
            job.cut = True
        # Count what came off the wire (compressed), not what it decoded to.
        tell = getattr(response.raw, "tell", None)
        wire = tell() if callable(tell) else size
        job.bytes_read += int(wire or size)
        return b"".join(chunks)[:budget], complete

    def _connection_failure(self, exc: BaseException) -> _Failure:
        """Classify a connection error: refused is definitive, the rest is not."""
        for err in _chain(exc):
            if isinstance(err, ConnectionRefusedError):
                return _Failure(LinkStatus.BROKEN, "connection refused")
            if isinstance(err, OSError) and err.errno in (101, 113):  # ENETUNREACH, EHOSTUNREACH
                return _Failure(LinkStatus.NETWORK_ERROR, f"no route to host ({err.strerror})",
                                transient=True)
            if isinstance(err, ConnectionResetError):
                return _Failure(LinkStatus.NETWORK_ERROR, "connection reset", transient=True)
        text = str(exc)
        if "Connection refused" in text:
            return _Failure(LinkStatus.BROKEN, "connection refused")
        return _Failure(LinkStatus.NETWORK_ERROR, f"connection failed: {text[:200]}",
                        transient=True)

    # ------------------------------------------------------------- offline logic

    def _name_resolved(self, host: str) -> None:
        try:
            import ipaddress

            ipaddress.ip_address(host.strip("[]"))
            return  # an address literal proves nothing about DNS
        except ValueError:
            pass
        if host.lower() in ("localhost", "localhost.localdomain"):
            return  # answered from /etc/hosts, not DNS
        with self._lock:
            self._names_resolved += 1

    def _dns_working(self) -> bool:
        """Whether DNS answers at all: some name resolved, or a control name does."""
        with self._lock:
            if self._names_resolved:
                return True
            if self._dns_works is not None:
                return self._dns_works
        works = False
        for name in self._control_hosts:
            try:
                if self._guard.resolver(name, 443):
                    works = True
                    break
            except (NameNotFound, ResolutionFailed, OSError):
                continue
        with self._lock:
            self._dns_works = works
        return works

    def _settle_nxdomains(self, results: dict[str, LinkResult]) -> set[str]:
        """Keep "no such host" as broken only if DNS demonstrably works.

        Returns the URLs confirmed broken this way. Offline, a resolver often says
        "name not known" for every name; then the links are ``network-error``.
        """
        nx = {u for u, r in results.items() if r.status is LinkStatus.BROKEN
              and (r.detail or "").startswith("DNS:")}
        if not nx or self._dns_working():
            return nx
        for url in nx:
            results[url] = dataclasses.replace(
                results[url], status=LinkStatus.NETWORK_ERROR,
                detail=f"{results[url].detail} (DNS gives no answers at all: offline?)",
            )
        return set()


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if len(s) > 3]


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown status" if status != 999 else "Request denied"


__all__ = [
    "HttpLinkChecker",
    "LinkStats",
    "is_public_address",
    "link_result_from_json",
    "permanent_target",
]
