"""Pure functions of the links stage: findings, headers, page comparison."""

from __future__ import annotations

import threading

import pytest

from refcheck.links import content
from refcheck.links.http import _same_but_secure, link_result_from_json, permanent_target
from refcheck.links.judge import link_findings
from refcheck.links.ratelimit import HostLimiter, advertised_interval, parse_retry_after
from refcheck.model import LinkResult, LinkStatus, Redirect, Severity
from tests.standins.web import CHALLENGE, NOT_FOUND_TEMPLATE, PARKED, page

URL = "http://example.org/a/b"


@pytest.mark.parametrize(
    ("status", "detail", "code", "severity"),
    [
        (LinkStatus.BROKEN, "404 Not Found", "link-broken", Severity.ERROR),
        (LinkStatus.SOFT_404, "a parked domain", "link-soft-404", Severity.ERROR),
        (LinkStatus.BLOCKED, "403 Forbidden", "link-blocked", Severity.INFO),
        (LinkStatus.TIMEOUT, "no answer in time", "link-timeout", Severity.INFO),
        (LinkStatus.SERVER_ERROR, "500", "link-server-error", Severity.INFO),
        (LinkStatus.NETWORK_ERROR, "connection reset", "link-network-error", Severity.INFO),
        (LinkStatus.NETWORK_ERROR, "TLS: certificate has expired", "link-tls", Severity.WARNING),
        (LinkStatus.INVALID, "URL has no host", "link-invalid", Severity.WARNING),
    ],
)
def test_findings(status: LinkStatus, detail: str, code: str, severity: Severity) -> None:
    [finding] = link_findings(LinkResult(URL, status, detail=detail))
    assert (finding.code, finding.severity) == (code, severity)
    assert URL in finding.message and detail in finding.message


def test_no_findings_for_live_or_skipped_links() -> None:
    assert link_findings(LinkResult(URL, LinkStatus.OK)) == []
    assert link_findings(LinkResult(URL, LinkStatus.SKIPPED, detail="private")) == []


def test_broken_link_fix_is_the_archived_copy() -> None:
    archived = "https://web.archive.org/web/20101012/" + URL
    [finding] = link_findings(LinkResult(URL, LinkStatus.BROKEN, archive_url=archived))
    assert finding.fix is not None and archived in finding.fix


def test_redirect_fix_is_where_permanent_hops_end() -> None:
    hops = (Redirect(URL, 301, "https://new.org/b"), Redirect("https://new.org/b", 302,
                                                              "https://new.org/login"))
    result = LinkResult(URL, LinkStatus.REDIRECTED, final_url="https://new.org/login",
                        redirects=hops)
    assert permanent_target(result) == "https://new.org/b"
    [finding] = link_findings(result)
    assert finding.code == "link-redirected" and finding.severity is Severity.INFO
    assert finding.fix == "cite the new address: https://new.org/b"


def test_result_round_trips_through_json() -> None:
    result = LinkResult(URL, LinkStatus.REDIRECTED, 200, "https://x.org/",
                        (Redirect(URL, 308, "https://x.org/"),), None, "moved")
    assert link_result_from_json(result.to_json()) == result


def test_scheme_upgrade_alone_is_not_a_move() -> None:
    assert _same_but_secure("http://example.org/a/b", "https://example.org/a/b")
    assert _same_but_secure("http://example.org/a", "http://example.org/a/")
    assert not _same_but_secure("http://example.org/a", "https://www.example.org/a")
    assert not _same_but_secure("https://example.org/a", "http://example.org/a")
    assert not _same_but_secure("http://example.org/a", "https://example.org/b")


def test_retry_after_forms() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_advertised_rate_limits() -> None:
    assert advertised_interval({"RateLimit-Policy": "10;w=1"}) == pytest.approx(0.1)
    assert advertised_interval({"RateLimit-Policy": "10;w=1, 100;w=60"}) == pytest.approx(0.6)
    assert advertised_interval(
        {"X-RateLimit-Limit": "50", "X-RateLimit-Interval": "1s"}
    ) == pytest.approx(0.02)
    assert advertised_interval({}) is None


def test_limiter_learns_from_a_429() -> None:
    now = [100.0]
    limiter = HostLimiter(concurrency=2, clock=lambda: now[0])
    for _ in range(8):
        limiter.observe("h", 200, {})  # eight answers accepted in the last second
    assert limiter.observe("h", 429, {"Retry-After": "3"}) == 3.0
    assert limiter.throttled() == {"h": 1}
    state = limiter._hosts["h"]
    # A lone 429 with Retry-After is about that resource: its caller waits, the host
    # keeps its pace and nobody else is held back.
    assert state.backoff_until == 0.0
    assert state.interval == 0.0
    now[0] = 100.5
    assert limiter.observe("h", 429, {"Retry-After": "1"}) == 1.0
    assert state.backoff_until == 0.0  # two are still the pages' own accidents
    now[0] = 100.8
    assert limiter.observe("h", 429, {"Retry-After": "1"}) == 1.0
    assert state.backoff_until == 101.8  # a third within 3 s: the whole host waits
    assert state.interval == pytest.approx(1.15 / 8)  # a pattern: pace under what it took
    for _ in range(20):
        limiter.observe("h", 200, {})
    assert state.interval < 1.15 / 8  # a calm stretch speeds up again


def test_limiter_estimate_ignores_the_time_a_pause_held_the_host() -> None:
    now = [100.0]
    limiter = HostLimiter(concurrency=2, interval=0.1, clock=lambda: now[0])
    for _ in range(3):  # a run of 429s: the host waits until 101
        limiter.observe("h", 429, {"Retry-After": "1"})
    state = limiter._hosts["h"]
    assert state.backoff_until == 101.0
    slowed = state.interval
    # Three answers in the 0.3 s since the pause ended, then another 429. Counted over
    # the last whole second they looked like a limit of three a second (0.38 s apart).
    for step in range(3):
        now[0] = 101.0 + step * 0.1
        limiter.observe("h", 200, {})
    now[0] = 101.3
    limiter.observe("h", 429, {"Retry-After": "1"})  # still within 3 s of the run
    assert state.interval == pytest.approx(slowed * 1.25)  # the usual step, no more
    assert state.interval < 0.25


def test_limiter_does_not_hold_a_host_that_keeps_to_its_quota() -> None:
    now = [100.0]
    limiter = HostLimiter(concurrency=2, interval=0.01, clock=lambda: now[0])
    policy = {"RateLimit-Policy": "10;w=1"}
    limiter.observe("h", 200, policy)
    state = limiter._hosts["h"]
    assert state.interval >= 0.1  # we keep to the advertised quota
    for _ in range(3):  # 429s while we keep to it: a busy resource, not our pace
        limiter.observe("h", 429, {"Retry-After": "1", **policy})
    assert state.backoff_until == 0.0
    assert state.interval == pytest.approx(0.1 * 1.05)
    # The host saying the quota is spent is about us, quota or not.
    limiter.observe("h", 429, {"Retry-After": "1", "RateLimit-Remaining": "0", **policy})
    assert state.backoff_until == 101.0


def test_limiter_obeys_an_advertised_policy() -> None:
    limiter = HostLimiter(concurrency=2, interval=0.01)
    limiter.observe("h", 200, {"RateLimit-Policy": "5;w=1"})
    assert limiter._hosts["h"].interval == pytest.approx(0.21)  # 5/s less a margin


def test_limiter_takes_a_host_at_its_word_unless_the_user_set_its_pace() -> None:
    limiter = HostLimiter(concurrency=2, interval=0.1, per_host={"slow.org": (2, 0.5)})
    generous = {"RateLimit-Policy": "20;w=1"}
    limiter.observe("fast.org", 200, generous)
    # The default pace is a guess for hosts that say nothing: 20/s stated is 20/s.
    assert limiter._hosts["fast.org"].interval == pytest.approx(0.05 * 1.05)
    limiter.observe("slow.org", 200, generous)
    assert limiter._hosts["slow.org"].interval == 0.5  # the user's pace is a ceiling
    limiter.observe("typo.org", 200, {"RateLimit-Policy": "100000;w=1"})
    assert limiter._hosts["typo.org"].interval == 0.02  # never a load test


def test_limiter_counts_abandoned_requests_as_load_for_a_while() -> None:
    now = [100.0]
    limiter = HostLimiter(concurrency=2, clock=lambda: now[0])
    for _ in range(2):
        with limiter.slot("h"):
            limiter.abandon("h", 2.0)  # timed out: the server may still be on them
    state = limiter._hosts["h"]
    entered = threading.Event()

    def second() -> None:
        with limiter.slot("h"):
            entered.set()

    with limiter.slot("h"):  # one of ours and two it may still serve: one over our share
        waiter = threading.Thread(target=second)
        waiter.start()
        assert not entered.wait(0.2)  # a fourth would be two over: it waits
        now[0] = 102.5  # the abandoned ones have lingered long enough
        limiter.observe("h", 200, {})  # any answer wakes the host's waiters
        assert entered.wait(2.0)
        waiter.join()
    assert not state.abandoned


def test_page_heuristics() -> None:
    assert content.is_challenge(CHALLENGE)
    assert not content.is_challenge(page("Leg cramps", "Magnesium helps. " * 100))
    assert content.is_parked(PARKED)
    assert content.is_error_page(page("404 Not Found"))
    assert content.is_error_page(page("Page not found | Example"))
    assert not content.is_error_page(page("Leg cramps in pregnancy"))
    assert content.is_error_page(page("Error 404 - Example Journal"))
    assert not content.is_error_page(page("Article 404: a study"))
    assert not content.is_error_page(page("Chapter 410 of the code"))
    assert content.looks_like_error_url("https://x.org/errors/404.html")
    assert not content.looks_like_error_url("https://x.org/articles/4040")


def test_same_page_ignores_paths_but_not_content() -> None:
    a = NOT_FOUND_TEMPLATE.replace(b"</p>", b" /a/b/one</p>")
    b = NOT_FOUND_TEMPLATE.replace(b"</p>", b" /a/b/9f8e7d</p>")
    assert content.same_page(a, b, "/a/b/one", "/a/b/9f8e7d", "one", "9f8e7d")
    real = page("Leg cramps", "Leg cramps are common in pregnancy. " * 10)
    assert not content.same_page(real, NOT_FOUND_TEMPLATE)
