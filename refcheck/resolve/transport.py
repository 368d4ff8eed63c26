"""HTTP plumbing under habanero: pacing, rate-limit headers, the Plus token.

habanero sends every request through the module-level ``httpx2.get``, which builds a
throw-away client per call: no connection reuse, no hook to add a header, and only
error responses expose their headers to the caller. httpx2 has event hooks, but only
on a ``Client``. So the ``httpx2`` name in ``habanero.request`` and
``habanero.request_class`` is replaced, once, by a thin proxy whose ``get`` routes the
call to the ``httpx2.Client`` bound to the current context (a ``ContextVar`` set by
the resolver around each call), and falls back to the real ``httpx2.get`` when none
is bound: other users of habanero in the process see no
change. That client's event hooks add ``Crossref-Plus-API-Token`` and read
``x-rate-limit-*`` / ``x-concurrency-limit`` / ``Retry-After`` from every response.
"""

from __future__ import annotations

import contextlib
import contextvars
import email.utils
import importlib
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx2

log = logging.getLogger(__name__)

# The two habanero modules that call ``httpx2.get``: ``request`` (DOI look-ups) and
# ``request_class`` (``/works`` searches and filters).
_HABANERO_MODULES = tuple(
    importlib.import_module(name) for name in ("habanero.request", "habanero.request_class")
)

_BOUND: contextvars.ContextVar[httpx2.Client | None] = contextvars.ContextVar(
    "refcheck_crossref_client", default=None
)


class _HttpxProxy:
    """Stands in for the ``httpx2`` module inside ``habanero.request`` (see module doc)."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def get(self, url: str, **kwargs: Any) -> httpx2.Response:
        client = _BOUND.get()
        if client is None:
            return self._real.get(url, **kwargs)
        timeout = kwargs.get("timeout")
        if not isinstance(timeout, int | float):
            return client.get(url, **kwargs)
        return _get_within(client, url, float(timeout), **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _get_within(client: httpx2.Client, url: str, limit: float, **kwargs: Any) -> httpx2.Response:
    """GET with ``limit`` seconds for the whole exchange, not for each read.

    httpx's timeouts apply to each network operation, so a server that trickles its
    answer a byte at a time would hold a reference for as long as it likes.
    """
    deadline = time.monotonic() + limit
    with client.stream("GET", url, **kwargs) as response:
        chunks = []
        for chunk in response.iter_raw():
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise httpx2.ReadTimeout(
                    f"the answer was not complete within {limit:g} s", request=response.request
                )
    # Raw bytes with the original headers: reading decodes any Content-Encoding once.
    return httpx2.Response(
        response.status_code,
        headers=response.headers,
        content=b"".join(chunks),
        request=response.request,
    )


_install_lock = threading.Lock()


def install_proxy() -> None:
    """Route habanero's requests through bound clients (idempotent)."""
    with _install_lock:
        for module in _HABANERO_MODULES:
            # setattr: mypy does not know habanero's module attributes (it is untyped).
            if not isinstance(getattr(module, "httpx2", None), _HttpxProxy):
                setattr(module, "httpx2", _HttpxProxy(module.httpx2))  # noqa: B010


@contextlib.contextmanager
def bound(client: httpx2.Client) -> Iterator[None]:
    """Make habanero calls in this context use ``client``."""
    token = _BOUND.set(client)
    try:
        yield
    finally:
        _BOUND.reset(token)


def parse_interval(text: str) -> float | None:
    """Crossref's ``x-rate-limit-interval`` ('1s', '1000ms', '1m') in seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", text or "")
    if not match:
        return None
    value = float(match.group(1))
    unit = match.group(2) or "s"
    return value * {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}[unit]


def parse_retry_after(text: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not text:
        return None
    text = text.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


@dataclass
class ResponseMeta:
    """What the last response in this thread said beyond its body."""

    status: int
    retry_after: float | None


class Pacer:
    """Keeps requests within a rate and a concurrency limit, both adjustable live.

    Requests are spaced evenly (1/rate apart) rather than sent in bursts, and the
    actual send times are kept so that any ``rate`` consecutive requests span at least
    ``WINDOW`` seconds: a thread that woke late cannot bunch up with the next ones, and
    a server counting arrivals in a sliding second never sees one too many even with a
    little network jitter. At most ``concurrency`` are in flight. ``pause`` holds every
    request back until a moment (after a 429's Retry-After).
    """

    WINDOW = 1.06  # seconds: 6% below the announced rate, our margin against jitter

    def __init__(
        self,
        rate: float,
        concurrency: int,
        *,
        rate_cap: float | None = None,
        concurrency_cap: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._cond = threading.Condition()
        self._clock = clock
        self._sleep = sleep
        self._rate_cap = rate_cap
        self._concurrency_cap = concurrency_cap
        self.rate = rate
        self.concurrency = concurrency
        self._in_flight = 0
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._sent_times: deque[float] = deque(maxlen=1000)
        self.sent = 0

    def update(self, rate: float | None, concurrency: int | None) -> None:
        """Adopt limits a response announced (never above a limit the user set)."""
        with self._cond:
            if rate and rate > 0:
                self.rate = min(rate, self._rate_cap) if self._rate_cap else rate
            if concurrency and concurrency > 0:
                cap = self._concurrency_cap
                self.concurrency = min(concurrency, cap) if cap else concurrency
            self._cond.notify_all()

    def pause(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (a 429's Retry-After)."""
        with self._cond:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def acquire(self) -> None:
        """Block until a request may be sent."""
        with self._cond:
            while self._in_flight >= self.concurrency:
                self._cond.wait(0.05)
            self._in_flight += 1
        while True:
            with self._cond:
                now = self._clock()
                start = max(now, self._next_slot, self._paused_until)
                per_window = max(1, int(self.rate))
                if len(self._sent_times) >= per_window:
                    start = max(start, self._sent_times[-per_window] + self.WINDOW)
                if start <= now:
                    self._sent_times.append(now)
                    self._next_slot = now + 1.0 / self.rate
                    self.sent += 1
                    return
            self._sleep(min(start - now, 1.0))

    def release(self) -> None:
        """A request finished."""
        with self._cond:
            self._in_flight -= 1
            self._cond.notify_all()


def make_client(
    *,
    pacer: Pacer,
    token: str | None,
    timeout: float,
    last: threading.local,
    observe_limits: bool = True,
) -> httpx2.Client:
    """An ``httpx2.Client`` whose hooks send the Plus token and read the limit headers."""

    def on_request(request: httpx2.Request) -> None:
        if token:
            request.headers["Crossref-Plus-API-Token"] = f"Bearer {token}"

    def on_response(response: httpx2.Response) -> None:
        # -v shows every request (the token is a header, never in the URL).
        log.info("crossref: GET %s -> %s", response.request.url, response.status_code)
        headers = response.headers
        retry = parse_retry_after(headers.get("retry-after"), time.time())
        last.meta = ResponseMeta(response.status_code, retry)
        if not observe_limits:
            return
        limit = headers.get("x-rate-limit-limit")
        interval = parse_interval(headers.get("x-rate-limit-interval", "1s")) or 1.0
        conc = headers.get("x-concurrency-limit")
        try:
            rate = float(limit) / interval if limit else None
            concurrency = int(conc) if conc else None
        except ValueError:
            return
        pacer.update(rate, concurrency)

    return httpx2.Client(
        timeout=timeout,
        event_hooks={"request": [on_request], "response": [on_response]},
        limits=httpx2.Limits(max_connections=16, max_keepalive_connections=16),
    )
