"""A local web server with every link scenario refcheck must judge.

``WebStandin`` is a threaded HTTP/1.1 server on 127.0.0.1 (or any loopback address,
so a benchmark can run many "hosts"), port 0. Its built-in paths:

=======================  =================================================================
``/`` ``/alive``          200 pages (also ``/docs/a`` ... ``/docs/e``, distinct content)
``/redirect/301``         301 to ``/alive``; ``/redirect/302``: 302 to ``/alive``
``/redirect/chain``       301 -> 302 -> ``/alive``
``/redirect/moved``       301 -> 301 -> ``/new/home`` (a permanent move: cite the new URL)
``/redirect/slash``       301 to ``/redirect/slash/`` (cosmetic: still ok)
``/redirect/root``        302 to ``/`` (a deep link sent to the home page: soft 404)
``/redirect/gone``        302 to ``/errors/404.html`` (200 "Page not found")
``/redirect/private``     302 to ``http://169.254.169.254/latest/meta-data/``
``/loop/a`` ``/loop/b``   a redirect loop; ``/redirect/many``: 12 hops
``/status/<code>``        that status (404, 410, 403, 401, 999, 500, ...)
``/flaky/429``            429 with ``Retry-After: 1`` the first time, then 200
``/flaky/503``            503 with ``Retry-After: 1`` the first time, then 200
``/flaky/reset``          connection dropped the first time, then 200
``/always/429``           429 every time; ``/always/503``: 503 every time
``/slow``                 answers after ``slow_delay`` seconds
``/challenge``            403 "Just a moment..." (Cloudflare-style); ``/challenge200``: 200
``/browser-only``         403 unless the User-Agent looks like a browser
``/head405`` ``/head404`` HEAD refused or lied about; GET gives 200
``/error-page``           200 titled "404 Not Found"
``/parked``               a domain-parking page (200); ``catch_all_body=PARKED``: a parked site
``/big``                  200 with a 5 MB body
``/api/handles/<doi>``    the DOI handle service (``10.1234/...`` exists, others do not)
``/wayback/available``    the Wayback availability API (``never-archived`` in the url: none)
=======================  =================================================================

``catch_all=True`` makes every unknown path a 200 "not found" template (a soft-404
site), or ``catch_all_body``. ``latency`` delays every answer; ``rate_limit=(n, seconds)`` and
``max_concurrent`` answer 429 when exceeded (counted in ``throttled``). Add your own
paths with :meth:`WebStandin.add`, :meth:`add_page` and :meth:`add_redirect`.
``tls=(certfile, keyfile)`` serves https.
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class Reply:
    """What a route answers."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering (a reset)


@dataclass
class Seen:
    """One request the stand-in received."""

    method: str
    path: str
    user_agent: str
    at: float


Handler = Callable[["Seen"], Reply]


def page(title: str, text: str = "", size: int = 0) -> bytes:
    """A small HTML page; ``size`` pads it to that many bytes."""
    html = (
        f"<!doctype html><html><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{text}</p></body></html>"
    ).encode()
    if size > len(html):
        html += b"<!--" + b"x" * (size - len(html) - 7) + b"-->"
    return html


CHALLENGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b"<div id='challenge-platform'>Checking your browser before accessing the site."
    b"</div><script src='/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1'></script>"
    b"</body></html>"
)
PARKED = page(
    "example-domain.com is for sale",
    "This domain is for sale! Buy this domain today. Parked free courtesy of a registrar.",
)
NOT_FOUND_TEMPLATE = page(
    "Example Site", "Sorry, we could not find what you were looking for. Try the search box."
)


class WebStandin:
    """A threaded local web server with the link scenarios above."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        latency: float = 0.0,
        rate_limit: tuple[int, float] | None = None,
        max_concurrent: int | None = None,
        catch_all: bool = False,
        slow_delay: float = 3.0,
        advertise_limits: bool = False,
        catch_all_body: bytes | None = None,
        tls: tuple[str, str] | None = None,
    ) -> None:
        self.host = host
        self.latency = latency
        self.rate_limit = rate_limit
        self.max_concurrent = max_concurrent
        self.catch_all = catch_all
        self.catch_all_body = catch_all_body or NOT_FOUND_TEMPLATE
        self.slow_delay = slow_delay
        self.advertise_limits = advertise_limits
        self.seen: list[Seen] = []
        self.hits: Counter[str] = Counter()
        self.throttled = 0
        self.throttled_concurrency = 0  # the part of ``throttled`` from max_concurrent
        self.bytes_sent = 0
        self._routes: dict[str, Handler] = {}
        self._prefix_routes: list[tuple[str, Handler]] = []
        self._lock = threading.Lock()
        self._window: deque[float] = deque()
        self._active = 0
        self.peak_active = 0  # the most requests this host served at once
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            # (certfile, keyfile): serve https, e.g. with a self-signed certificate.
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread: threading.Thread | None = None
        self._install_defaults()

    # ---------------------------------------------------------------- life cycle

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base(self) -> str:
        """``http://host:port``."""
        return f"{self.scheme}://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on this server."""
        return self.base + (path if path.startswith("/") else "/" + path)

    def start(self) -> WebStandin:
        """Serve in a background thread."""
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> WebStandin:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------- routes

    def add(self, path: str, handler: Handler, *, prefix: bool = False) -> None:
        """Answer ``path`` (or every path under it with ``prefix``) with ``handler``."""
        if prefix:
            self._prefix_routes.insert(0, (path, handler))
        else:
            self._routes[path] = handler

    def add_page(
        self, path: str, body: bytes | str = b"", status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """A fixed answer at ``path``."""
        data = body.encode() if isinstance(body, str) else body
        self.add(path, lambda seen: Reply(status, data, dict(headers or {})))

    def add_redirect(self, path: str, to: str, status: int = 301) -> None:
        """A redirect from ``path`` to ``to`` (absolute or relative)."""
        self.add(path, lambda seen: Reply(status, b"", {"Location": to}))

    def reset(self) -> None:
        """Forget every request seen (counters, "first time" scenarios, rate windows)."""
        with self._lock:
            self.seen.clear()
            self.hits.clear()
            self._window.clear()
            self.throttled = 0
            self.throttled_concurrency = 0
            self.bytes_sent = 0
            self.peak_active = 0

    def count(self, path: str) -> int:
        """How many requests ``path`` received."""
        with self._lock:
            return self.hits[path]

    def _once_then_ok(self, status: int, drop: bool = False) -> Handler:
        def handler(seen: Seen) -> Reply:
            if self.count(seen.path) == 1:  # this request is the first
                if drop:
                    return Reply(drop=True)
                return Reply(status, page(f"{status}"), {"Retry-After": "1"})
            return Reply(200, page("Back again", seen.path))

        return handler

    def _install_defaults(self) -> None:
        ok = page("Alive", "A page that exists. " * 20)
        self.add_page("/", page("Home", "The home page of the site."))
        self.add_page("/alive", ok)
        for name, topic in zip("abcde", ("cramps", "magnesium", "calcium", "sleep", "diet"),
                               strict=True):
            self.add_page(f"/docs/{name}", page(f"About {topic}", f"All about {topic}. " * 30))
        self.add_redirect("/redirect/301", "/alive", 301)
        self.add_redirect("/redirect/302", "/alive", 302)
        self.add_redirect("/redirect/chain", "/redirect/chain-2", 301)
        self.add_redirect("/redirect/chain-2", "/alive", 302)
        self.add_redirect("/redirect/moved", "/redirect/moved-2", 301)
        self.add_redirect("/redirect/moved-2", "/new/home", 308)
        self.add_page("/new/home", page("New home", "Where the page lives now."))
        self.add_redirect("/redirect/slash", "/redirect/slash/", 301)
        self.add_page("/redirect/slash/", ok)
        self.add_redirect("/redirect/root", "/", 302)
        self.add_redirect("/redirect/gone", "/errors/404.html", 302)
        self.add_page("/errors/404.html", page("Page not found", "Nothing here."))
        self.add_redirect("/redirect/private", "http://169.254.169.254/latest/meta-data/", 302)
        self.add_redirect("/loop/a", "/loop/b", 301)
        self.add_redirect("/loop/b", "/loop/a", 301)
        for hop in range(12):
            self.add_redirect(f"/redirect/many/{hop}", f"/redirect/many/{hop + 1}", 302)
        self.add_redirect("/redirect/many", "/redirect/many/0", 302)
        self.add(
            "/status/",
            lambda s: Reply(int(s.path.rsplit("/", 1)[1]), page(s.path.rsplit("/", 1)[1])),
            prefix=True,
        )
        self.add("/flaky/429", self._once_then_ok(429))
        self.add("/flaky/503", self._once_then_ok(503))
        self.add("/flaky/reset", self._once_then_ok(0, drop=True))
        self.add_page("/always/429", page("Too many"), 429, {"Retry-After": "1"})
        self.add_page("/always/503", page("Unavailable"), 503)
        self.add("/slow", self._slow)
        self.add_page("/challenge", CHALLENGE, 403, {"Server": "cloudflare"})
        # Cloudflare-style: HEAD gets a bare 403, GET a 200 page that is a challenge.
        self.add(
            "/challenge200",
            lambda s: Reply(403) if s.method == "HEAD" else Reply(200, CHALLENGE),
        )
        self.add("/browser-only", self._browser_only)
        self.add("/head405", lambda s: Reply(405) if s.method == "HEAD" else Reply(200, ok))
        self.add("/head404", lambda s: Reply(404) if s.method == "HEAD" else Reply(200, ok))
        self.add_page("/error-page", page("404 Not Found", "The page does not exist."))
        self.add_page("/parked", PARKED)
        self.add_page("/big", page("Big", "big", size=5_000_000))
        self.add("/api/handles/", self._handles, prefix=True)
        self.add("/wayback/available", self._wayback)

    def _slow(self, seen: Seen) -> Reply:
        time.sleep(self.slow_delay)
        return Reply(200, page("Slow"))

    def _browser_only(self, seen: Seen) -> Reply:
        if "Mozilla" in seen.user_agent:
            return Reply(200, page("For browsers", "Welcome, human."))
        return Reply(403, page("403 Forbidden"))

    def _handles(self, seen: Seen) -> Reply:
        doi = unquote(urlsplit(seen.path).path[len("/api/handles/") :])
        if doi.startswith("10.1234/"):
            data = {
                "responseCode": 1, "handle": doi,
                "values": [{"index": 1, "type": "URL",
                            "data": {"format": "string", "value": f"https://pub.example/{doi}"}}],
            }
            return Reply(200, json.dumps(data).encode(), {"Content-Type": "application/json"})
        data = {"responseCode": 100, "handle": doi}
        return Reply(404, json.dumps(data).encode(), {"Content-Type": "application/json"})

    def _wayback(self, seen: Seen) -> Reply:
        query = parse_qs(urlsplit(seen.path).query)
        url = query.get("url", [""])[0]
        stamp = (query.get("timestamp", ["20200101"])[0] + "000000")[:14]
        if "never-archived" in url:
            data: dict[str, object] = {"url": url, "archived_snapshots": {}}
        else:
            data = {
                "url": url,
                "archived_snapshots": {"closest": {
                    "available": True, "status": "200", "timestamp": stamp,
                    "url": f"http://web.archive.org/web/{stamp}/{url}",
                }},
            }
        return Reply(200, json.dumps(data).encode(), {"Content-Type": "application/json"})

    # ------------------------------------------------------------------ serving

    def _route(self, seen: Seen) -> Reply:
        path = urlsplit(seen.path).path
        handler = self._routes.get(path)
        if handler is None:
            handler = next((h for p, h in self._prefix_routes if path.startswith(p)), None)
        if handler is None:
            if self.catch_all:
                return Reply(200, self.catch_all_body)
            return Reply(404, page("404 Not Found", "No such page."))
        return handler(seen)

    def _admit(self) -> bool:
        """Apply the host's limits; False when this request must get a 429."""
        now = time.monotonic()
        with self._lock:
            if self.max_concurrent is not None and self._active >= self.max_concurrent:
                self.throttled += 1
                self.throttled_concurrency += 1
                return False
            if self.rate_limit is not None:
                limit, window = self.rate_limit
                while self._window and self._window[0] <= now - window:
                    self._window.popleft()
                if len(self._window) >= limit:
                    self.throttled += 1
                    return False
                self._window.append(now)
            self._active += 1
            self.peak_active = max(self.peak_active, self._active)
            return True

    def _limit_headers(self) -> dict[str, str]:
        if not (self.advertise_limits and self.rate_limit):
            return {}
        limit, window = self.rate_limit
        return {"RateLimit-Policy": f"{limit};w={window:g}"}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return  # keep test output clean

            def handle(self) -> None:
                # The checker closing early is what it should do: not an error.
                with contextlib.suppress(ConnectionResetError, BrokenPipeError, ssl.SSLError):
                    super().handle()

            def _serve(self) -> None:
                seen = Seen(self.command, self.path, self.headers.get("User-Agent", ""),
                            time.monotonic())
                with standin._lock:
                    standin.seen.append(seen)
                    standin.hits[urlsplit(self.path).path] += 1
                admitted = standin._admit()  # limits count from arrival, as servers do
                try:
                    if standin.latency:
                        time.sleep(standin.latency)
                    if not admitted:
                        body = page("429 Too Many Requests")
                        self._send(Reply(429, body, {"Retry-After": "1",
                                                     **standin._limit_headers()}))
                        return
                    reply = standin._route(seen)
                    if reply.drop:
                        self.close_connection = True
                        with contextlib.suppress(OSError):
                            self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    reply.headers.update(standin._limit_headers())
                    self._send(reply)
                finally:
                    if admitted:
                        with standin._lock:
                            standin._active -= 1

            def _send(self, reply: Reply) -> None:
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Type": "text/html; charset=utf-8", **reply.headers}
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if self.command != "HEAD" and reply.body:
                        sent = 0
                        view = memoryview(reply.body)
                        while sent < len(view):
                            chunk = view[sent : sent + 65536]
                            self.wfile.write(chunk)
                            sent += len(chunk)
                            with standin._lock:
                                standin.bytes_sent += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client stopped reading: fine

            do_GET = _serve
            do_HEAD = _serve

        return _Handler


def refused_url(host: str = "127.0.0.1") -> str:
    """A URL on a port where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port = sock.getsockname()[1]
    return f"http://{host}:{port}/page"
