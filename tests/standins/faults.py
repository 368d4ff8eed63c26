"""Fault injection for the local stand-ins: misbehaviour at the byte level.

``FaultProxy`` is a threaded HTTP/1.1 server on 127.0.0.1 that sits in front of any
other stand-in (``CrossrefStandin``, ``WebStandin``) and forwards requests to it,
except when a fault is due. The faults are the ones real servers commit and that
``http.server`` based stand-ins cannot express:

==============  ======================================================================
``trickle``     the real answer, its body sent one byte at a time (``trickle_delay``)
``truncated``   ``Content-Length`` larger than the body, then the connection closes
``reset``       the connection is reset (RST) before any answer
``reset-mid``   the status line, headers and half the body, then a reset
``invalid-json`` 200 ``application/json`` whose body is not JSON
``429``         429 Too Many Requests with ``Retry-After`` (a storm: inject many)
``503``         503 Service Unavailable
``slow``        no answer for ``slow_delay`` seconds, then the real answer
``gzip-bomb``   200 with ``Content-Encoding: gzip``: a few KB inflating to many MB
==============  ======================================================================

``jitter`` delays every answer by a random 0..jitter seconds, so concurrent answers
arrive in a different order from run to run.

Faults are chosen, in order of precedence, by a path rule (``rule(prefix, kind)``:
every request under that prefix), by the queue (``inject(kind, count)``: the next
requests), or at random with ``rate`` (a seeded ``random.Random``, so a run is
reproducible). Every fault served is counted in ``faults`` (by kind).

``FlakyDNS`` is a resolver for ``HttpLinkChecker(resolver=...)`` that maps names to
loopback addresses and fails (as "no resolver") on a schedule: DNS that comes and
goes. Nothing here ever sends traffic outside 127.0.0.0/8.
"""

from __future__ import annotations

import contextlib
import gzip
import random
import socket
import struct
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, deque
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULT_KINDS = (
    "trickle",
    "truncated",
    "reset",
    "reset-mid",
    "invalid-json",
    "429",
    "503",
    "slow",
    "gzip-bomb",
)

# Headers not to copy between hops (RFC 9110 section 7.6.1 and what we recompute).
_HOP_HEADERS = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "upgrade",
     "proxy-connection", "te", "trailer", "content-encoding", "host"}
)


_WORDS = (
    "cramp", "magnesium", "calcium", "sleep", "diet", "pregnancy", "trial", "review",
    "cohort", "placebo", "dose", "muscle", "nerve", "potassium", "sodium", "vitamin",
    "randomised", "outcome", "evidence", "journal", "study",
)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The proxy passes redirects through to the client instead of following them."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect, urllib.request.ProxyHandler({}))


def _reset(sock: socket.socket) -> None:
    """Close ``sock`` with an RST rather than a FIN (SO_LINGER with a zero timeout)."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


def gzip_bomb(inflated: int = 64 * 2**20) -> bytes:
    """Gzip of ``inflated`` zero bytes: about 1000 times smaller than it inflates."""
    buffer = bytearray()
    compressor = gzip.compress(b"\0" * min(inflated, 2**20), compresslevel=9)
    if inflated <= 2**20:
        return compressor
    # Gzip members concatenate: a stream of identical members inflates to their sum.
    for _ in range(inflated // 2**20):
        buffer += compressor
    return bytes(buffer)


class FaultProxy:
    """A fault-injecting HTTP proxy in front of ``upstream`` (a base URL on loopback).

    ``upstream=None`` answers every request that is not faulted with a small 200
    HTML page (a self-contained web "site").
    """

    def __init__(
        self,
        upstream: str | None = None,
        *,
        host: str = "127.0.0.1",
        rate: float = 0.0,
        kinds: tuple[str, ...] = FAULT_KINDS,
        seed: int = 0,
        trickle_delay: float = 0.002,
        slow_delay: float = 0.5,
        retry_after: str = "0",
        upstream_timeout: float = 30.0,
        page_words: int = 150,
        bomb_size: int = 64 * 2**20,
        jitter: float = 0.0,
    ) -> None:
        if upstream is not None and not upstream.startswith(("http://127.", "http://localhost")):
            raise ValueError("FaultProxy only forwards to loopback stand-ins")
        unknown = set(kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
        self.upstream = upstream.rstrip("/") if upstream else None
        self.host = host
        self.rate = rate
        self.kinds = kinds
        self.trickle_delay = trickle_delay
        self.slow_delay = slow_delay
        self.retry_after = retry_after
        self.upstream_timeout = upstream_timeout
        self.page_words = page_words
        self.bomb_size = bomb_size
        self.jitter = jitter
        self._bomb: bytes | None = None
        self.faults: Counter[str] = Counter()
        self.requests = 0
        self.forwarded = 0
        self.paths: Counter[str] = Counter()
        self._random = random.Random(seed)
        self._queue: deque[str] = deque()
        self._rules: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.url = ""

    # --------------------------------------------------------------- control

    def inject(self, kind: str, count: int = 1) -> None:
        """Misbehave with ``kind`` on the next ``count`` requests."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}")
        with self._lock:
            self._queue.extend([kind] * count)

    def rule(self, prefix: str, kind: str) -> None:
        """Misbehave with ``kind`` on every request whose path starts with ``prefix``."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}")
        with self._lock:
            self._rules.append((prefix, kind))

    @property
    def total_faults(self) -> int:
        """Faults served so far, all kinds."""
        with self._lock:
            return sum(self.faults.values())

    def start(self) -> FaultProxy:
        """Serve on ``host`` on a free port."""
        server = ThreadingHTTPServer((self.host, 0), self._handler_class())
        server.daemon_threads = True
        # The default backlog (5) makes a 16-worker client see refused connections.
        server.request_queue_size = 128
        self._server = server
        self.url = f"http://{self.host}:{server.server_address[1]}"
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def page(self, path: str) -> bytes:
        """The page served for ``path`` without an upstream: distinct text per path, so
        a link checker's soft-404 comparison with a random sibling tells them apart."""
        words = random.Random(path).choices(_WORDS, k=self.page_words)
        title = path.split("?", 1)[0].encode("utf-8", "replace")[:200]
        return (b"<!doctype html><html><head><title>" + title + b"</title></head><body><p>"
                + " ".join(words).encode() + b"</p></body></html>")

    # -------------------------------------------------------------- serving

    def _choose(self, path: str) -> str | None:
        with self._lock:
            self.requests += 1
            self.paths[path.split("?", 1)[0]] += 1
            kind = next((k for p, k in self._rules if path.startswith(p)), None)
            if kind is None and self._queue:
                kind = self._queue.popleft()
            if kind is None and self.rate and self._random.random() < self.rate:
                kind = self._random.choice(self.kinds)
            if kind is not None:
                self.faults[kind] += 1
            return kind

    def _forward(self, method: str, path: str, headers: Mapping[str, str]) -> tuple[
        int, list[tuple[str, str]], bytes
    ]:
        if self.upstream is None:
            return 200, [("Content-Type", "text/html; charset=utf-8")], self.page(path)
        keep = {k: v for k, v in headers.items() if k.lower() not in _HOP_HEADERS}
        request = urllib.request.Request(self.upstream + path, headers=keep, method=method)
        with self._lock:
            self.forwarded += 1
        try:
            with _OPENER.open(request, timeout=self.upstream_timeout) as response:
                return response.status, list(response.headers.items()), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, list(exc.headers.items()), exc.read()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def handle(self) -> None:
                # Clients hanging up on a trickle or a bomb is the point: not an error.
                with contextlib.suppress(ConnectionError, OSError):
                    super().handle()

            def _serve(self) -> None:
                kind = proxy._choose(self.path)
                if proxy.jitter:
                    with proxy._lock:
                        pause = proxy._random.uniform(0, proxy.jitter)
                    time.sleep(pause)  # answers overtake each other
                if kind == "reset":
                    self.close_connection = True
                    _reset(self.connection)
                    return
                if kind == "429":
                    self._plain(429, b"<html><body>429 Too Many Requests</body></html>",
                                {"Retry-After": proxy.retry_after, "Content-Type": "text/html"})
                    return
                if kind == "503":
                    self._plain(503, b"<html><body>503 Service Unavailable</body></html>",
                                {"Content-Type": "text/html"})
                    return
                if kind == "invalid-json":
                    self._plain(200, b'{"status": "ok", "message": {"items": [{"DOI": ',
                                {"Content-Type": "application/json"})
                    return
                if kind == "gzip-bomb":
                    if proxy._bomb is None:
                        proxy._bomb = gzip_bomb(proxy.bomb_size)
                    self._plain(200, proxy._bomb, {"Content-Type": "text/html",
                                                   "Content-Encoding": "gzip"})
                    return
                if kind == "slow":
                    time.sleep(proxy.slow_delay)
                status, headers, body = proxy._forward(self.command, self.path,
                                                       dict(self.headers.items()))
                body_to_send = b"" if self.command == "HEAD" else body
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in _HOP_HEADERS:
                        self.send_header(name, value)
                declared = len(body)
                if kind == "truncated":
                    declared = len(body) + 1000  # promise more than will ever come
                self.send_header("Content-Length", str(declared))
                self.end_headers()
                if kind == "truncated":
                    self.wfile.write(body_to_send[: len(body_to_send) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if kind == "reset-mid":
                    self.wfile.write(body_to_send[: len(body_to_send) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    _reset(self.connection)
                    return
                if kind == "trickle":
                    for i in range(len(body_to_send)):
                        self.wfile.write(body_to_send[i : i + 1])
                        self.wfile.flush()
                        time.sleep(proxy.trickle_delay)
                    return
                self.wfile.write(body_to_send)

            def _plain(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = _serve
            do_HEAD = _serve

        return _Handler


class FlakyDNS:
    """A resolver ``(host, port) -> [address]`` over a fixed table, failing on a schedule.

    ``table`` maps names to loopback addresses (anything else is refused at
    construction: tests must not reach real hosts). ``down`` is a predicate on the
    call number *for that name* (0, 1, 2, ...; per name so that concurrent lookups of
    other names do not change one name's schedule): when it is true the call raises
    ``ResolutionFailed``, as when the system resolver cannot be reached. Unknown names
    raise ``NameNotFound``. ``calls`` counts calls; ``failures`` the ones that failed.
    """

    def __init__(
        self,
        table: Mapping[str, str],
        *,
        down: Callable[[int], bool] = lambda n: False,
    ) -> None:
        for name, address in table.items():
            if not address.startswith("127."):
                raise ValueError(f"{name} -> {address}: FlakyDNS maps only to loopback")
        self.table = {k.lower(): v for k, v in table.items()}
        self.down = down
        self.calls = 0
        self.failures = 0
        self._per_name: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, host: str, port: int) -> list[str]:
        from refcheck.links.safety import NameNotFound, ResolutionFailed

        with self._lock:
            n = self._per_name[host.lower()]
            self._per_name[host.lower()] += 1
            self.calls += 1
            failing = self.down(n)
            if failing:
                self.failures += 1
        if failing:
            raise ResolutionFailed(f"DNS: cannot resolve {host} (resolver unreachable)")
        address = self.table.get(host.lower())
        if address is None:
            raise NameNotFound(f"DNS: no such host {host}")
        return [address]
