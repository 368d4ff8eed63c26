"""A local Crossref REST API stand-in: a real HTTP server on 127.0.0.1.

It answers in Crossref's real shapes (see ``../shared/data/crossref/``): ``/works/{doi}``
(a ``work`` message, or 404 with the text body "Resource not found."), ``/works`` with
``query.bibliographic`` (a BM25 relevance ranking over its works, with ``score``),
``filter=doi:A,doi:B``, ``rows`` and ``select``; the pool's rate-limit headers
(``x-api-pool``, ``x-rate-limit-limit``, ``x-rate-limit-interval``,
``x-concurrency-limit``), and 429 with ``Retry-After`` and an HTML body when a client
exceeds them. ``/api/handles/{doi}`` plays the DOI handle service.

Faults can be injected for the next requests: ``429``, any 5xx status, ``garbage``
(broken JSON), ``html`` (an HTML error page with status 200), ``slow`` (a delay) and
``drop`` (close the connection without answering).

    with CrossrefStandin(works) as crossref:
        resolver = CrossrefResolver(base_url=crossref.url, ...)
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import threading
import time
import unicodedata
import urllib.parse
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "crossref"

# (limit per interval, concurrency) announced per pool, as Crossref did in 2026.
POOLS = {"public": (5, 1), "polite": (10, 3), "plus": (50, 10)}


def load_fixture_works(name: str = "works.json") -> list[dict[str, Any]]:
    """The curated work records in ``fixtures/crossref/`` (Crossref ``message`` dicts)."""
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return list(data["works"])


def load_fixture_handles(name: str = "works.json") -> list[str]:
    """DOIs the handle service knows besides the works (other agencies)."""
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return list(data.get("other_agency_dois", []))


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", _fold(text))


def _first(value: Any) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")


def _bib_text(work: dict[str, Any]) -> str:
    """What the ranking indexes for a work (as Crossref's bibliographic field does)."""
    authors = " ".join(
        f"{a.get('given', '')} {a.get('family', '')} {a.get('name', '')}"
        for a in (work.get("author") or [])[:20]
        if isinstance(a, dict)
    )
    year = ""
    issued = work.get("issued", {}).get("date-parts", [[None]])
    if issued and issued[0] and issued[0][0]:
        year = str(issued[0][0])
    return " ".join(
        [
            _first(work.get("title")),
            _first(work.get("title")),
            authors,
            _first(work.get("container-title")),
            _first(work.get("short-container-title")),
            year,
            str(work.get("volume", "")),
            str(work.get("issue", "")),
            str(work.get("page", "")),
            str(work.get("article-number", "")),
        ]
    )


@dataclass
class Fault:
    """One injected misbehaviour."""

    kind: str  # "429", "500", "503", ..., "garbage", "html", "slow", "drop"
    retry_after: str | None = "1"
    delay: float = 0.0


@dataclass
class Stats:
    """Counts over the server's life."""

    requests: int = 0
    rate_limited: int = 0
    faults: int = 0
    by_path: Counter[str] = field(default_factory=Counter)


class _Index:
    """BM25 over the works' bibliographic text."""

    def __init__(self, works: list[dict[str, Any]]) -> None:
        self.works = works
        self.postings: dict[str, list[tuple[int, int]]] = {}
        self.lengths: list[int] = []
        for i, work in enumerate(works):
            toks = _tokens(_bib_text(work))
            self.lengths.append(len(toks))
            for tok, n in Counter(toks).items():
                self.postings.setdefault(tok, []).append((i, n))
        self.avg = (sum(self.lengths) / len(self.lengths)) if self.lengths else 1.0

    def search(self, query: str, rows: int) -> list[tuple[float, dict[str, Any]]]:
        scores: dict[int, float] = {}
        total = len(self.works)
        for tok in set(_tokens(query)):
            posting = self.postings.get(tok)
            if not posting:
                continue
            idf = math.log(1 + (total - len(posting) + 0.5) / (len(posting) + 0.5))
            for i, n in posting:
                norm = n * 2.2 / (n + 1.2 * (0.25 + 0.75 * self.lengths[i] / self.avg))
                scores[i] = scores.get(i, 0.0) + idf * norm
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:rows]
        return [(s, self.works[i]) for i, s in best]


class CrossrefStandin:
    """The stand-in server; use as a context manager (it starts and stops a thread).

    ``enforce_limits`` answers 429 when a client exceeds its pool's announced rate or
    concurrency; ``latency`` delays every answer (seconds) to resemble a real network.
    """

    def __init__(
        self,
        works: Iterable[dict[str, Any]],
        *,
        handles: Iterable[str] = (),
        enforce_limits: bool = True,
        latency: float = 0.0,
        pools: dict[str, tuple[int, int]] | None = None,
    ) -> None:
        self.works = list(works)
        self.by_doi = {str(w["DOI"]).lower(): w for w in self.works if w.get("DOI")}
        self.handles = {d.lower() for d in handles} | set(self.by_doi)
        self.index = _Index(self.works)
        self.enforce_limits = enforce_limits
        self.latency = latency
        self.pools = dict(pools or POOLS)
        self.requests: list[dict[str, Any]] = []
        self.stats = Stats()
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._windows: dict[str, deque[float]] = {}
        self._in_flight: Counter[str] = Counter()
        self._local = threading.local()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # --------------------------------------------------------------- control

    def inject(
        self, kind: str, count: int = 1, *, retry_after: str | None = "1", delay: float = 0.0
    ) -> None:
        """Misbehave on the next ``count`` Crossref requests (handles excluded)."""
        with self._lock:
            for _ in range(count):
                self._faults.append(Fault(kind, retry_after, delay))

    def __enter__(self) -> CrossrefStandin:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Serve on 127.0.0.1 on a free port."""
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                # The client may give up first (a timeout test): nothing to answer then.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    standin._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -------------------------------------------------------------- serving

    def _pool(self, headers: Any) -> str:
        if headers.get("Crossref-Plus-API-Token", "").startswith("Bearer "):
            return "plus"
        if "mailto:" in headers.get("User-Agent", ""):
            return "polite"
        return "public"

    def _limit_headers(self, pool: str) -> dict[str, str]:
        limit, conc = self.pools[pool]
        return {
            "x-api-pool": pool,
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-interval": "1s",
            "x-concurrency-limit": str(conc),
        }

    def _admit(self, pool: str) -> bool:
        """Count the request against its pool; False when it exceeds the limits."""
        limit, conc = self.pools[pool]
        now = time.monotonic()
        with self._lock:
            window = self._windows.setdefault(pool, deque())
            while window and window[0] <= now - 1.0:
                window.popleft()
            if self.enforce_limits and (len(window) >= limit or self._in_flight[pool] >= conc):
                return False
            window.append(now)
            self._in_flight[pool] += 1
            h_pool = pool
        self._local.pool = h_pool
        return True

    def _done(self, h: BaseHTTPRequestHandler) -> None:
        """The request counts as finished once its answer starts: the client may send the next."""
        pool = getattr(self._local, "pool", None)
        if pool is not None:
            self._local.pool = None
            with self._lock:
                self._in_flight[pool] -= 1

    def _send(
        self,
        h: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        ctype: str,
        headers: dict[str, str],
    ) -> None:
        self._done(h)
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)

    def _json(
        self, h: BaseHTTPRequestHandler, status: int, payload: Any, headers: dict[str, str]
    ) -> None:
        self._send(h, status, json.dumps(payload).encode(), "application/json", headers)

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parsed = urllib.parse.urlsplit(h.path)
        path = urllib.parse.unquote(parsed.path)
        query = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
        entry = {
            "path": path,
            "query": query,
            "headers": dict(h.headers.items()),
            "time": time.time(),
        }
        with self._lock:
            self.requests.append(entry)
            self.stats.requests += 1
            self.stats.by_path[path.split("/")[1] if "/" in path else path] += 1
        if path.startswith("/api/handles/"):
            self._handle_service(h, path[len("/api/handles/") :])
            return
        pool = self._pool(h.headers)
        headers = self._limit_headers(pool)
        if not self._admit(pool):
            with self._lock:
                self.stats.rate_limited += 1
            entry["status"] = 429
            page = b"<html><body><h1>429 Too Many Requests</h1></body></html>"
            self._send(h, 429, page, "text/html", {**headers, "Retry-After": "1"})
            return
        try:
            if self.latency:
                time.sleep(self.latency)
            with self._lock:
                fault = self._faults.popleft() if self._faults else None
            if fault is not None:
                with self._lock:
                    self.stats.faults += 1
                if self._fault(h, fault, headers):
                    entry["status"] = fault.kind
                    return
            entry["status"] = self._works(h, path, query, headers)
        finally:
            self._done(h)

    def _fault(self, h: BaseHTTPRequestHandler, fault: Fault, headers: dict[str, str]) -> bool:
        """Apply a fault; True when it replaced the answer."""
        if fault.kind == "slow":
            time.sleep(fault.delay)
            return False
        if fault.kind == "429":
            extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            page = b"<html><body><h1>429 Too Many Requests</h1></body></html>"
            self._send(h, 429, page, "text/html", {**headers, **extra})
        elif fault.kind.isdigit():
            page = b"<html><head><title>Error</title></head><body>Service unavailable</body></html>"
            self._send(h, int(fault.kind), page, "text/html", headers)
        elif fault.kind == "garbage":
            self._send(
                h, 200, b'{"status": "ok", "message": {"items": [', "application/json", headers
            )
        elif fault.kind == "html":
            self._send(h, 200, b"<html><body>Maintenance</body></html>", "text/html", headers)
        elif fault.kind == "drop":
            self._done(h)
            h.close_connection = True
            h.wfile.flush()
            h.connection.close()
        else:
            raise ValueError(f"unknown fault {fault.kind!r}")
        return True

    def _select(self, work: dict[str, Any], select: str | None) -> dict[str, Any]:
        if not select:
            return work
        keep = {s.strip() for s in select.split(",")}
        return {k: v for k, v in work.items() if k in keep}

    def _works(
        self, h: BaseHTTPRequestHandler, path: str, query: dict[str, str], headers: dict[str, str]
    ) -> int:
        if path.startswith("/works/"):
            work = self.by_doi.get(path[len("/works/") :].lower())
            if work is None:
                self._send(h, 404, b"Resource not found.", "text/plain", headers)
                return 404
            self._json(
                h,
                200,
                {
                    "status": "ok",
                    "message-type": "work",
                    "message-version": "1.0.0",
                    "message": work,
                },
                headers,
            )
            return 200
        if path.rstrip("/") != "/works":
            self._send(h, 404, b"Resource not found.", "text/plain", headers)
            return 404
        try:
            rows = int(query.get("rows", "20"))
            if not 0 <= rows <= 1000:
                raise ValueError
        except ValueError:
            self._json(
                h,
                400,
                {
                    "status": "failed",
                    "message-type": "validation-failure",
                    "message": [
                        {
                            "type": "integer-not-valid",
                            "value": query.get("rows"),
                            "message": "Integer specified as rows but must be a positive"
                            " integer less than or equal to 1000. ",
                        }
                    ],
                },
                headers,
            )
            return 400
        items: list[dict[str, Any]]
        filt = query.get("filter", "")
        if filt:
            dois = [p.split(":", 1)[1].lower() for p in filt.split(",") if p.startswith("doi:")]
            items = [dict(self.by_doi[d], score=1.0) for d in dois if d in self.by_doi][:rows]
            total = len(items)
        else:
            text = query.get("query.bibliographic") or query.get("query") or ""
            ranked = self.index.search(text, rows)
            items = [dict(w, score=round(s, 3)) for s, w in ranked]
            total = len(ranked)
        message = {
            "facets": {},
            "total-results": total,
            "items": [self._select(i, query.get("select")) for i in items],
            "items-per-page": rows,
            "query": {"start-index": 0, "search-terms": query.get("query.bibliographic")},
        }
        self._json(
            h,
            200,
            {
                "status": "ok",
                "message-type": "work-list",
                "message-version": "1.0.0",
                "message": message,
            },
            headers,
        )
        return 200

    def _handle_service(self, h: BaseHTTPRequestHandler, doi: str) -> None:
        doi = doi.lower()
        if doi in self.handles:
            payload = {
                "responseCode": 1,
                "handle": doi,
                "values": [
                    {
                        "index": 1,
                        "type": "URL",
                        "data": {"format": "string", "value": f"https://example.org/{doi}"},
                        "ttl": 86400,
                        "timestamp": "2020-01-01T00:00:00Z",
                    }
                ],
            }
            self._json(h, 200, payload, {})
        else:
            self._json(h, 404, {"responseCode": 100, "handle": doi}, {})
