"""Per-host politeness: concurrency, minimum interval, and backing off when told to.

Every request refcheck sends to a host passes through :meth:`HostLimiter.slot`.
A host gets at most ``concurrency`` requests at once, request starts at least
``interval`` seconds apart, and nothing at all while it is backed off (after a 429 or
``Retry-After``, or a ``RateLimit`` header saying the quota is spent).

The limits adapt to what the host says. A ``RateLimit-Policy: 10;w=1`` (IETF draft) or
``X-RateLimit-Limit``/``X-RateLimit-Interval`` pair (Crossref's spelling) sets the
interval just under the quota, faster or slower than the default guess (never faster
than a pace the user set for that host). A run of 429s without such headers slows the
host's pace to below what it accepted in the last second, and a calm stretch
afterwards speeds it up again step by step (never beyond the configured pace). A
request given up on (timed out) still counts as the host's load for a while.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

# A host that asks for a longer pause than this is not waited for: the link is
# reported as blocked instead of stalling the whole run.
MAX_RETRY_AFTER = 60.0
# Halving the pace on every 429 stops here: a host that always says 429 is blocking
# refcheck, not pacing it, and must not slow the run to a crawl.
MAX_ADAPTIVE_INTERVAL = 2.0
# However generous a host's advertised quota, refcheck sends it at most 50 requests
# a second: a link checker has no need to go faster, and a typo in a header should
# not turn it into a load test.
MIN_ADVERTISED_INTERVAL = 0.02
_WINDOW = 1.0  # seconds of request history kept to estimate an unadvertised limit
_MARGIN = 1.05
# Seconds added to every spacing: a send leaves a few milliseconds after it is
# recorded, and a host counts arrivals; at exactly its limit that jitter alone
# drew 429s from hosts paced at the default 10/s. With 5 ms, one run in three still
# drew one or two (a busy machine delays a send by 50 ms now and then); with 10 ms,
# eleven arrivals fit in a second only if one is 100 ms late.
_JITTER = 0.01
_CALM = 20  # answers without a 429 before the pace recovers a step
# A host whose limit we exceed refuses the excess again and again (at 10/s against a
# 9/s limit, once a second); a busy page now and then refuses once. Three 429s within
# this many seconds are a pattern about our pace; fewer are the pages' own accidents.
# (One earlier 429 within 10 s counted as a pattern: scripted one-off 429s a few
# seconds apart then slowed and paused whole hosts, doubling the benchmark's time.)
_REPEAT = 3.0
_REPEAT_COUNT = 3


@dataclass
class _HostState:
    concurrency: int
    interval: float
    in_flight: int = 0
    next_start: float = 0.0
    backoff_until: float = 0.0
    base: float = 0.0  # the configured or advertised interval: never go faster
    throttled: int = 0  # 429s received from this host
    calm: int = 0  # answers since the last 429
    recent_429s: deque[float] = field(default_factory=deque)  # within _REPEAT
    quota_spacing: float | None = None  # the strictest spacing the host advertised
    explicit: bool = False  # the user set this host's pace: never go faster than it
    # Requests we gave up waiting for, and when the host has probably stopped working
    # on them: a server goes on with a request whose client left.
    abandoned: deque[float] = field(default_factory=deque)
    paused_until: float = float("-inf")  # when the last whole-host pause ended
    last_start: float = float("-inf")
    last_sent: float = float("-inf")
    accepted: deque[float] = field(default_factory=deque)  # recent non-429 answers
    # One condition per host: a slot freed on one host wakes only that host's
    # waiters. A shared one woke every waiting thread on every release, and with
    # hundreds of workers that thundering herd cost more CPU than the requests.
    cond: threading.Condition = field(default_factory=threading.Condition)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        seconds = float(value)
        return max(0.0, seconds)
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$")


def _seconds(text: str) -> float | None:
    match = _DURATION.match(text)
    if not match:
        return None
    number = float(match.group(1))
    unit = match.group(2)
    return number / 1000 if unit == "ms" else number * (60 if unit == "m" else 1)


def advertised_interval(headers: Mapping[str, str]) -> float | None:
    """The minimum spacing between requests that a host's rate-limit headers imply."""
    policy = headers.get("RateLimit-Policy") or headers.get("X-RateLimit-Policy")
    if policy:
        # "10;w=1" or "10;w=1, 1000;w=3600": the strictest policy wins.
        best: float | None = None
        for item in policy.split(","):
            parts = [p.strip() for p in item.split(";")]
            try:
                quota = float(parts[0])
            except ValueError:
                continue
            window = next(
                (_seconds(p[2:]) for p in parts[1:] if p.startswith("w=")), None
            )
            if quota > 0 and window:
                spacing = window / quota
                best = spacing if best is None else max(best, spacing)
        if best is not None:
            return best
    limit = headers.get("X-RateLimit-Limit")
    interval = headers.get("X-RateLimit-Interval")
    if limit and interval:
        window = _seconds(interval)
        try:
            quota = float(limit.split(",")[0])
        except ValueError:
            return None
        if window and quota > 0:
            return window / quota
    return None


class HostLimiter:
    """Per-host concurrency and pacing shared by every worker thread."""

    def __init__(
        self,
        *,
        concurrency: int = 2,
        interval: float = 0.0,
        per_host: Mapping[str, tuple[int, float]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if concurrency < 1:
            raise ValueError("per-host concurrency must be at least 1")
        if interval < 0:
            raise ValueError("per-host interval cannot be negative")
        self._default = (concurrency, interval)
        self._per_host = dict(per_host or {})
        self._hosts: dict[str, _HostState] = {}
        self._lock = threading.Lock()  # guards ``_hosts`` only; each host has its own
        self._clock = clock
        self._sleep = sleep

    def _state(self, host: str) -> _HostState:
        with self._lock:
            state = self._hosts.get(host)
            if state is None:
                # Keys are "host" or "host:port"; settings may name either.
                bare = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
                concurrency, interval = self._per_host.get(
                    host, self._per_host.get(bare, self._default)
                )
                explicit = host in self._per_host or bare in self._per_host
                state = self._hosts[host] = _HostState(
                    concurrency, interval, base=interval, explicit=explicit
                )
            return state

    @contextlib.contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of ``host``'s request slots, honouring its pace and back-off."""
        state = self._state(host)
        with state.cond:
            while True:
                now = self._clock()
                while state.abandoned and state.abandoned[0] <= now:
                    state.abandoned.popleft()
                ready_at = max(state.next_start, state.backoff_until)
                # Abandoned requests still load the host: together with ours they may
                # exceed our share by one, no more (a host that counts connections
                # answered 429 to a checker that retried timeouts at once).
                room = (
                    state.in_flight < state.concurrency
                    and state.in_flight + len(state.abandoned) <= state.concurrency
                )
                if room and ready_at <= now:
                    break
                wake = [ready_at] if ready_at > now else []
                if not room and state.abandoned:
                    wake.append(state.abandoned[0])
                state.cond.wait(min(wake) - now if wake else None)
            state.in_flight += 1
            # Reserve the next start time now so concurrent waiters space out.
            state.next_start = now + state.interval
            state.last_start = now
        try:
            yield
        finally:
            with state.cond:
                state.in_flight -= 1
                state.cond.notify_all()

    def abandon(self, host: str, linger: float) -> None:
        """Note a request given up on (timed out): count it as the host's load for
        ``linger`` seconds more, since the server may still be working on it."""
        state = self._state(host)
        with state.cond:
            state.abandoned.append(self._clock() + linger)

    def pace(self, host: str) -> None:
        """Wait until ``interval`` has passed since the host's last actual send."""
        state = self._state(host)
        with state.cond:
            while True:
                now = self._clock()
                due = state.last_sent + state.interval + _JITTER
                if now >= due:
                    return
                state.cond.wait(due - now)

    def mark_sent(self, host: str) -> bool:
        """Record a send now if the host's interval allows it; False to pace again."""
        state = self._state(host)
        with state.cond:
            now = self._clock()
            if now < state.last_sent + state.interval + _JITTER:
                return False
            state.last_sent = now
            return True

    def observe(self, host: str, status: int, headers: Mapping[str, str]) -> float | None:
        """Learn from a response; returns the pause the host asked for, if any."""
        pause: float | None = None
        state = self._state(host)
        with state.cond:
            spacing = advertised_interval(headers)
            if spacing is not None:
                state.quota_spacing = max(state.quota_spacing or 0.0, spacing)
                # Requests leave evenly spaced but arrive with jitter; a sliding-window
                # limiter counts arrivals, so stay a little under the quota.
                advertised = max(state.quota_spacing * _MARGIN, MIN_ADVERTISED_INTERVAL)
                slowed = state.interval > state.base  # by 429s: keep that until calm
                # The default pace is a guess for hosts that say nothing; a host that
                # states its quota is taken at its word, faster or slower. A pace the
                # user set for the host is a ceiling the host cannot raise.
                state.base = max(state.base, advertised) if state.explicit else advertised
                state.interval = max(state.interval, state.base) if slowed else state.base
            remaining = headers.get("RateLimit-Remaining") or headers.get("X-RateLimit-Remaining")
            reset = headers.get("RateLimit-Reset") or headers.get("X-RateLimit-Reset")
            spent = remaining is not None and remaining.strip() == "0"
            if spent and reset is not None:
                wait = _seconds(reset)
                # X-RateLimit-Reset is often an epoch time; only small deltas are waits.
                if wait is not None and wait <= MAX_RETRY_AFTER:
                    state.backoff_until = max(state.backoff_until, self._clock() + wait)
            if status in (429, 503):
                pause = parse_retry_after(headers.get("Retry-After"))
                if status == 429:
                    now = self._clock()
                    state.throttled += 1
                    state.calm = 0
                    # A lone 429 with Retry-After is about one resource (a page that
                    # is briefly busy): its caller waits, the host keeps its pace.
                    # A run of them (see _REPEAT), or one without the numbers, is about
                    # our pace: the whole host waits and, unless the host told us its
                    # quota, slows down. Pausing a whole host for every lone 429 cost
                    # the benchmark a second of idle host per scripted 429.
                    # With a quota the host told us and kept to (our spacing is at least
                    # its own, nothing says the quota is spent), no 429 is about our pace.
                    known = state.quota_spacing if spacing is None else spacing
                    within = known is not None and state.interval >= known and not spent
                    state.recent_429s.append(now)
                    while state.recent_429s and state.recent_429s[0] < now - _REPEAT:
                        state.recent_429s.popleft()
                    pattern = len(state.recent_429s) >= _REPEAT_COUNT
                    repeated = (pattern or pause is None) and not within
                    if spacing is None and known is None and repeated:
                        state.interval = min(self._slower(state), MAX_ADAPTIVE_INTERVAL)
                    if (repeated or spent) and pause is not None and pause <= MAX_RETRY_AFTER:
                        state.backoff_until = max(state.backoff_until, now + pause)
                        state.paused_until = state.backoff_until
            # A stricter pace applies from the last request on, not from the next
            # reservation: requests queued under the old pace would burst otherwise.
            state.next_start = max(state.next_start, state.last_start + state.interval)
            if status != 429:
                now = self._clock()
                state.accepted.append(now)
                while state.accepted and state.accepted[0] < now - _WINDOW:
                    state.accepted.popleft()
                # Additive recovery: a 429 may have been one resource's quirk rather
                # than our pace; after a calm stretch, speed up again towards the base.
                state.calm += 1
                if state.calm >= _CALM and state.interval > state.base:
                    state.interval = max(state.base, state.interval * 0.8)
                    state.calm = 0
            state.cond.notify_all()
        return pause

    def _slower(self, state: _HostState) -> float:
        """A pace under the limit a 429 revealed, when the host gave no numbers.

        The limit is estimated from what the host accepted: the requests it
        answered in the last second before it refused (most limits are per second),
        less a margin. A host that keeps complaining at that pace slows us further.
        """
        now = self._clock()
        # Only answers since the last whole-host pause ended measure the pace the host
        # took: counted across a pause, a second with four answers in it looked like
        # a limit of four a second and slowed a 10/s host to 3.5/s.
        since = now - _WINDOW
        if state.paused_until <= now:
            since = max(since, state.paused_until)
        span = now - since
        accepted = sum(1 for t in state.accepted if t >= since)
        # Two or three answers, or half a second, say nothing about a per-second limit.
        estimate = span / accepted * 1.15 if accepted >= 3 and span >= _WINDOW / 2 else 0.0
        return max(min(state.interval * 1.25, MAX_ADAPTIVE_INTERVAL), estimate, 0.05)

    def throttled(self) -> dict[str, int]:
        """429s received per host (for reports and benchmarks)."""
        with self._lock:
            states = list(self._hosts.items())
        return {h: s.throttled for h, s in states if s.throttled}
