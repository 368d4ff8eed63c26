"""Crossref and websites failing in every way: the run completes, each affected
reference says what happened, the others are untouched, and nothing is called dead
because a server misbehaved.

The faults come from ``tests.standins.faults.FaultProxy`` in front of the Crossref
stand-in (or serving pages itself): trickles, truncated bodies, resets before and
during the answer, invalid JSON, 429 storms, 503s, stalls and gzip bombs; and from
``FlakyDNS``, a resolver that comes and goes.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest

from refcheck.cache import MemoryCache
from refcheck.links import HttpLinkChecker
from refcheck.links.interface import LinkRequest
from refcheck.model import ExtractedReference, LinkStatus, ResolutionStatus
from refcheck.parse import parse_reference
from refcheck.pipeline import Checker, CheckOptions
from refcheck.resolve import CrossrefResolver
from refcheck.resolve.interface import ResolveRequest
from tests.standins.crossref import CrossrefStandin, load_fixture_works
from tests.standins.faults import FaultProxy, FlakyDNS

from .helpers import WORKS, citation

RAWS = [citation(w) for w in WORKS]


@pytest.fixture(scope="module")
def crossref() -> Iterator[CrossrefStandin]:
    with CrossrefStandin(load_fixture_works(), enforce_limits=False) as standin:
        yield standin


def _resolver(url: str, **kwargs: Any) -> CrossrefResolver:
    options: dict[str, Any] = dict(base_url=url, mailto="tests@example.org", cache=MemoryCache(),
                                   timeout=1, attempts=2, backoff_base=0.01, max_backoff=0.05,
                                   doi_resolver_url=url)
    options.update(kwargs)
    return CrossrefResolver(**options)


def _requests() -> list[ResolveRequest]:
    return [ResolveRequest(reference=parse_reference(r), raw=r) for r in RAWS]


# ------------------------------------------------------------------- Crossref

FAILING = ["truncated", "reset", "reset-mid", "invalid-json", "429", "503", "slow", "gzip-bomb"]


@pytest.mark.parametrize("kind", FAILING)
def test_crossref_fault_marks_only_the_affected_reference(
    crossref: CrossrefStandin, kind: str
) -> None:
    with FaultProxy(crossref.url, slow_delay=1.5, bomb_size=16 * 2**20) as proxy:
        proxy.rule("/works?filter", "503")  # the batch fails: each DOI is asked alone
        proxy.rule(f"/works/{WORKS[0]['DOI']}", kind)
        results = _resolver(proxy.url).resolve_many(_requests())
    assert proxy.faults[kind] >= 1
    assert len(results) == len(RAWS)
    first, *others = results
    assert first.status is ResolutionStatus.ERROR, first
    assert first.reason and len(first.reason) > 20, "the reference says what happened"
    assert first.doi is None
    for work, result in zip(WORKS[1:], others, strict=True):
        assert result.status is ResolutionStatus.MATCHED, result
        assert result.doi and result.doi.lower() == work["DOI"].lower()


def test_crossref_trickle_still_gives_the_right_answer(crossref: CrossrefStandin) -> None:
    with FaultProxy(crossref.url, trickle_delay=0.0002) as proxy:
        proxy.rule(f"/works/{WORKS[0]['DOI']}", "trickle")
        proxy.rule("/works?filter", "503")
        results = _resolver(proxy.url).resolve_many(_requests())
    assert proxy.faults["trickle"] == 1
    assert [r.status for r in results] == [ResolutionStatus.MATCHED] * len(RAWS)


def test_crossref_429_storm_then_recovery(crossref: CrossrefStandin) -> None:
    """A storm of 429s: the resolver backs off; whatever it cannot get is ``error``
    with the reason, the run finishes, and no answer is made up."""
    with FaultProxy(crossref.url) as proxy:
        proxy.inject("429", 6)
        start = time.perf_counter()
        results = _resolver(proxy.url, attempts=3).resolve_many(_requests())
        elapsed = time.perf_counter() - start
    assert proxy.faults["429"] == 6
    assert len(results) == len(RAWS)
    for work, result in zip(WORKS, results, strict=True):
        if result.status is ResolutionStatus.ERROR:
            assert "429" in (result.reason or ""), result
        else:
            assert result.status is ResolutionStatus.MATCHED
            assert result.doi and result.doi.lower() == work["DOI"].lower()
    assert elapsed < 20


def test_crossref_trickle_is_cut_off_at_the_timeout(crossref: CrossrefStandin) -> None:
    with FaultProxy(crossref.url, trickle_delay=0.004) as proxy:
        proxy.rule("/works", "trickle")  # ~800 bytes at 250 bytes/s: ~3 s
        start = time.perf_counter()
        results = _resolver(proxy.url, timeout=0.2, attempts=1).resolve_many(_requests()[:1])
        elapsed = time.perf_counter() - start
    assert len(results) == 1
    assert elapsed < 1.5, f"one look-up took {elapsed:.1f} s with timeout 0.2 s"


# ---------------------------------------------------------------------- links

def _checker(dns: Any, **kwargs: Any) -> HttpLinkChecker:
    options: dict[str, Any] = dict(cache=MemoryCache(), allow_private=True, resolver=dns,
                                   control_hosts=(), wayback_url=None, timeout=1, retries=1,
                                   backoff_base=0.01)
    options.update(kwargs)
    return HttpLinkChecker(**options)


EXPECTED = {
    "trickle": {LinkStatus.OK},
    "reset": {LinkStatus.NETWORK_ERROR},
    "429": {LinkStatus.BLOCKED},
    "503": {LinkStatus.SERVER_ERROR},
    "slow": {LinkStatus.TIMEOUT},
    # The page exists; what the body does after a 200 is the transport's problem.
    "truncated": {LinkStatus.OK, LinkStatus.NETWORK_ERROR},
    "reset-mid": {LinkStatus.OK, LinkStatus.NETWORK_ERROR},
    "invalid-json": {LinkStatus.OK},
    "gzip-bomb": {LinkStatus.OK, LinkStatus.NETWORK_ERROR},
}


@pytest.mark.parametrize("head_first", [True, False], ids=["head", "get"])
def test_website_faults_are_reported_never_called_dead(head_first: bool) -> None:
    # One host per fault: a host's 429 must not slow the others' checks.
    dns = FlakyDNS({f"{kind}.example": "127.0.0.1" for kind in [*EXPECTED, "control"]})
    with FaultProxy(trickle_delay=0.0005, slow_delay=2.5, bomb_size=64 * 2**20) as proxy:
        for kind in EXPECTED:
            proxy.rule(f"/{kind}/page", kind)  # the page only: its siblings are sane
        port = proxy.url.rsplit(":", 1)[1]
        urls = {kind: f"http://{kind}.example:{port}/{kind}/page" for kind in EXPECTED}
        urls["control"] = f"http://control.example:{port}/control/page"
        tracemalloc.start()
        try:
            results = _checker(dns, head_first=head_first).check_many(
                [LinkRequest(u) for u in urls.values()]
            )
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert set(results) == set(urls.values()), "every URL has a verdict"
    assert results[urls["control"]].status is LinkStatus.OK
    for kind, expected in EXPECTED.items():
        result = results[urls[kind]]
        assert not result.status.is_dead, (kind, result)
        assert result.status in expected, (kind, result)
        if not result.status.is_alive:
            assert result.detail, (kind, result)
    assert peak < 48 * 2**20, f"a 64 MB gzip bomb cost {peak / 2**20:.0f} MB"


def test_host_with_only_truncated_answers_is_not_a_soft_404() -> None:
    dns = FlakyDNS({"site.example": "127.0.0.1"})
    with FaultProxy() as proxy:
        proxy.rule("/", "truncated")  # every answer on the host stops short
        url = f"http://site.example:{proxy.url.rsplit(':', 1)[1]}/articles/page"
        result = _checker(dns).check_many([LinkRequest(url)])[url]
    assert not result.status.is_dead, result


def test_link_trickle_is_cut_off_at_the_timeout() -> None:
    dns = FlakyDNS({"site.example": "127.0.0.1"})
    with FaultProxy(trickle_delay=0.01, page_words=8) as proxy:  # ~130 B: ~1.3 s a page
        proxy.rule("/", "trickle")
        url = f"http://site.example:{proxy.url.rsplit(':', 1)[1]}/a/page"
        start = time.perf_counter()
        result = _checker(dns, timeout=0.3, retries=0, head_first=False).check_many(
            [LinkRequest(url)])[url]
        elapsed = time.perf_counter() - start
    assert not result.status.is_dead
    assert elapsed < 1.5, f"one link took {elapsed:.1f} s with timeout 0.3 s"


def test_dns_that_comes_and_goes() -> None:
    """The first lookup of every name fails: retries get through, nothing is broken."""
    dns = FlakyDNS({"a.example": "127.0.0.1", "b.example": "127.0.0.1"},
                   down=lambda n: n == 0)
    with FaultProxy() as proxy:
        port = proxy.url.rsplit(":", 1)[1]
        urls = [f"http://{h}.example:{port}/doc/{i}" for h in "ab" for i in range(3)]
        results = _checker(dns, retries=2).check_many([LinkRequest(u) for u in urls])
    assert dns.failures >= 1
    for url in urls:
        assert results[url].status is LinkStatus.OK, results[url]


def test_dns_gone_for_good_is_network_error_not_broken() -> None:
    dns = FlakyDNS({"a.example": "127.0.0.1"}, down=lambda n: True)
    checker = _checker(dns, retries=1)
    urls = ["http://a.example/x", "http://unknown.example/y"]
    results = checker.check_many([LinkRequest(u) for u in urls])
    for url in urls:
        assert results[url].status is LinkStatus.NETWORK_ERROR, results[url]
        assert results[url].detail
    assert checker.network_available() is False


# ------------------------------------------------------------ the whole pipeline

def test_pipeline_keeps_every_reference_through_mixed_faults(crossref: CrossrefStandin) -> None:
    """Crossref and the web both misbehave for some references: all come out, each
    with its own status, and the sane ones are exactly as without faults."""
    dns = FlakyDNS({"site.example": "127.0.0.1"})
    with FaultProxy(crossref.url) as cr_proxy, FaultProxy(slow_delay=2) as web:
        cr_proxy.rule("/works?filter", "reset")
        cr_proxy.rule(f"/works/{WORKS[1]['DOI']}", "invalid-json")
        cr_proxy.rule(f"/works/{WORKS[3]['DOI']}", "429")
        base = f"http://site.example:{web.url.rsplit(':', 1)[1]}"
        web.rule("/bad/", "reset")
        web.rule("/busy/", "503")
        paths = ["/good/0", "/bad/1", "/good/2", "/busy/3", "/good/4"]
        extracted = [ExtractedReference(raw=f"{raw} Available at: {base}{path}", line=i + 1)
                     for i, (raw, path) in enumerate(zip(RAWS, paths, strict=True))]
        checker = Checker(
            CheckOptions(as_of=None),
            resolver=_resolver(cr_proxy.url),
            link_checker=_checker(dns),
            cache=MemoryCache(),
        )
        report = checker.check_references("faulty.txt", extracted)
    refs = report.references
    assert [r.index for r in refs] == [1, 2, 3, 4, 5]
    statuses = [r.resolution.status for r in refs]
    assert statuses == [ResolutionStatus.MATCHED, ResolutionStatus.ERROR,
                        ResolutionStatus.MATCHED, ResolutionStatus.ERROR,
                        ResolutionStatus.MATCHED], [r.resolution for r in refs]
    links = [r.links[0].status for r in refs]
    assert links == [LinkStatus.OK, LinkStatus.NETWORK_ERROR, LinkStatus.OK,
                     LinkStatus.SERVER_ERROR, LinkStatus.OK], [r.links for r in refs]
    assert any(n.service == "crossref" for n in report.notices)
