"""Every verdict of the HTTP link checker, against the local web stand-in."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

import pytest

from refcheck.links import HttpLinkChecker
from refcheck.links.http import MAX_BYTES_PER_URL
from refcheck.links.interface import LinkRequest
from refcheck.model import LinkResult, LinkStatus, PartialDate
from tests.standins.web import PARKED, Reply, WebStandin, page, refused_url

Build = Callable[..., HttpLinkChecker]


def check(checker: HttpLinkChecker, url: str, accessed: PartialDate | None = None) -> LinkResult:
    return checker.check_many([LinkRequest(url, accessed)])[url]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", LinkStatus.OK),
        ("/alive", LinkStatus.OK),
        ("/redirect/302", LinkStatus.OK),  # temporary: keep citing the original
        ("/redirect/slash", LinkStatus.OK),  # cosmetic trailing slash
        ("/redirect/301", LinkStatus.REDIRECTED),
        ("/redirect/moved", LinkStatus.REDIRECTED),
        ("/redirect/root", LinkStatus.SOFT_404),
        ("/redirect/gone", LinkStatus.SOFT_404),
        ("/loop/a", LinkStatus.BROKEN),
        ("/redirect/many", LinkStatus.BROKEN),
        ("/status/404", LinkStatus.BROKEN),
        ("/status/410", LinkStatus.BROKEN),
        ("/no/such/page", LinkStatus.BROKEN),
        ("/status/401", LinkStatus.BLOCKED),
        ("/status/403", LinkStatus.BLOCKED),
        ("/status/999", LinkStatus.BLOCKED),
        ("/challenge", LinkStatus.BLOCKED),
        ("/challenge200", LinkStatus.BLOCKED),
        ("/status/500", LinkStatus.SERVER_ERROR),
        ("/always/503", LinkStatus.SERVER_ERROR),
        ("/flaky/503", LinkStatus.OK),  # transient: retried to the right verdict
        ("/flaky/reset", LinkStatus.OK),
        ("/browser-only", LinkStatus.OK),  # one retry with browser-like headers
        ("/head405", LinkStatus.OK),  # HEAD refused: asked again with GET
        ("/head404", LinkStatus.OK),  # HEAD lies: GET tells the truth
        ("/slow", LinkStatus.TIMEOUT),
    ],
)
def test_verdict(web: WebStandin, make_checker: Build, path: str, expected: LinkStatus) -> None:
    result = check(make_checker(), web.url(path))
    assert result.status is expected, result
    assert result.detail


def test_error_page_titles_are_soft_404s(web: WebStandin, make_checker: Build) -> None:
    url = web.url("/error-page")
    assert check(make_checker(), url).status is LinkStatus.SOFT_404
    assert "404 Not Found" in (check(make_checker(), url).detail or "")
    # The price of HEAD first: HEAD cannot see a title.
    assert check(make_checker(head_first=True), url).status is LinkStatus.OK


def test_permanent_redirect_records_chain_and_new_url(web: WebStandin, make_checker: Build) -> None:
    result = check(make_checker(), web.url("/redirect/moved"))
    assert [(r.status, r.location) for r in result.redirects] == [
        (301, web.url("/redirect/moved-2")),
        (308, web.url("/new/home")),
    ]
    assert result.final_url == web.url("/new/home")
    assert result.http_status == 200


def test_temporary_redirect_records_final_url(web: WebStandin, make_checker: Build) -> None:
    result = check(make_checker(), web.url("/redirect/302"))
    assert result.final_url == web.url("/alive")
    assert result.redirects[0].status == 302


def test_429_waits_for_retry_after_then_ok(web: WebStandin, make_checker: Build) -> None:
    result = check(make_checker(), web.url("/flaky/429"))
    assert result.status is LinkStatus.OK
    times = [s.at for s in web.seen if s.path == "/flaky/429"]
    assert len(times) == 2
    assert times[1] - times[0] >= 0.9  # Retry-After: 1 was honoured


def test_persistent_429_is_blocked_not_broken(web: WebStandin, make_checker: Build) -> None:
    result = check(make_checker(retries=1), web.url("/always/429"))
    assert result.status is LinkStatus.BLOCKED
    assert result.http_status == 429


def test_host_pacing_on_a_retry_does_not_turn_a_server_error_into_blocked(
    web: WebStandin, make_checker: Build
) -> None:
    # 500, then the host's limit twice (429 with Retry-After), then 200: the 429s wait
    # on their own budget, so the page's one retry still gets its real answer.
    answers = iter([Reply(500, page("Oops"))]
                   + [Reply(429, page("Slow down"), {"Retry-After": "0"})] * 2
                   + [Reply(200, page("Back"))])
    web.add("/busy", lambda seen: next(answers))
    result = check(make_checker(retries=1, head_first=False), web.url("/busy"))
    assert result.status is LinkStatus.OK, result
    assert web.count("/busy") == 4


def test_blocked_retry_uses_browser_headers(web: WebStandin, make_checker: Build) -> None:
    result = check(make_checker(), web.url("/status/403"))
    assert result.status is LinkStatus.BLOCKED
    agents = [s.user_agent for s in web.seen if s.path == "/status/403"]
    assert agents[0].startswith("refcheck/")
    assert "Mozilla" in agents[-1]


def test_head_first_for_deep_links(web: WebStandin, make_checker: Build) -> None:
    check(make_checker(head_first=True), web.url("/docs/a"))
    methods = [s.method for s in web.seen if s.path == "/docs/a"]
    assert methods == ["HEAD"]


def test_host_where_head_settles_nothing_is_asked_with_get(make_checker: Build) -> None:
    """After HEAD_WASTE_LIMIT HEAD answers that needed a GET, the host gets GET first."""
    from refcheck.links.http import HEAD_WASTE_LIMIT

    with WebStandin() as site:
        paths = [f"/docs/page-{i}" for i in range(HEAD_WASTE_LIMIT + 4)]
        for path in paths:
            site.add(path, lambda seen: Reply(405) if seen.method == "HEAD" else
                     Reply(200, page("A real page", "Text. " * 50)))
        checker = make_checker(max_concurrency=1, per_host_concurrency=1, head_first=True)
        for path in paths:  # one by one, so the count is exact
            assert check(checker, site.url(path)).status is LinkStatus.OK
        heads = [s.path for s in site.seen if s.method == "HEAD"]
        gets = [s.path for s in site.seen if s.method == "GET" and s.path in paths]
        assert heads == paths[:HEAD_WASTE_LIMIT]  # HEAD stopped paying: no more asked
        assert gets == paths  # every verdict still comes from a GET
        probes = [s for s in site.seen if s.path not in paths]
        assert [s.method for s in probes] == ["GET"]  # the sibling probe: one GET


def test_head_is_kept_where_it_settles_verdicts(web: WebStandin, make_checker: Build) -> None:
    checker = make_checker(head_first=True)
    urls = [web.url(f"/docs/{name}") for name in ("a", "a?x=1", "a?x=2", "a?x=3", "a?x=4")]
    for url in urls:
        check(checker, url)
    assert all(s.method == "HEAD" for s in web.seen if s.path == "/docs/a")


def test_big_body_is_not_downloaded(web: WebStandin, make_checker: Build) -> None:
    checker = make_checker()
    result = check(checker, web.url("/big"))
    assert result.status is LinkStatus.OK
    assert checker.stats().bytes_read <= MAX_BYTES_PER_URL
    assert checker.stats().bytes_read < 300_000


def test_refused_connection_is_broken(make_checker: Build) -> None:
    result = check(make_checker(), refused_url())
    assert result.status is LinkStatus.BROKEN
    assert result.detail == "connection refused"


def test_soft_404_site_answering_everything(make_checker: Build) -> None:
    with WebStandin(catch_all=True) as site:
        site.add_page("/articles/leg-cramps", "<title>Leg cramps</title><p>" + "Cramps. " * 50)
        checker = make_checker()
        urls = [site.url(p) for p in ("/articles/leg-cramps", "/articles/gone-1",
                                      "/articles/gone-2")]
        results = checker.check_many([LinkRequest(u) for u in urls])
        assert [results[u].status for u in urls] == [
            LinkStatus.OK, LinkStatus.SOFT_404, LinkStatus.SOFT_404,
        ]
        known = {"/articles/leg-cramps", "/articles/gone-1", "/articles/gone-2"}
        probes = {s.path for s in site.seen if s.path not in known}
        assert len(probes) == 1  # one random sibling, probed once for the directory


def test_parked_domain_is_dead(make_checker: Build) -> None:
    with WebStandin(catch_all=True, catch_all_body=PARKED) as site:
        site.add_page("/", PARKED)
        urls = [site.url("/"), site.url("/2009/01/article.html")]
        results = make_checker().check_many([LinkRequest(u) for u in urls])
        assert [results[u].status for u in urls] == [LinkStatus.SOFT_404] * 2
        assert results[urls[0]].detail == "a parked domain"


def test_each_distinct_url_is_checked_once(web: WebStandin, make_checker: Build) -> None:
    url = web.url("/docs/b")
    results = make_checker().check_many([LinkRequest(url)] * 5 + [LinkRequest(web.url("/"))])
    assert set(results) == {url, web.url("/")}
    assert web.count("/docs/b") == 1


def test_invalid_and_unsupported_urls(make_checker: Build) -> None:
    urls = ["not a url", "http://", "www.example.com/page", "http://exa mple.com/",
            "ftp://ftp.example.org/file", "mailto:someone@example.org"]
    results = make_checker().check_many([LinkRequest(u) for u in urls])
    statuses = [results[u].status for u in urls]
    assert statuses == [LinkStatus.INVALID] * 4 + [LinkStatus.SKIPPED] * 2


def test_doi_links_use_the_handle_service(web: WebStandin, make_checker: Build) -> None:
    good, bad = "https://doi.org/10.1234/abc.5", "http://dx.doi.org/10.9999/missing"
    results = make_checker().check_many([LinkRequest(good), LinkRequest(bad)])
    assert results[good].status is LinkStatus.OK
    assert results[good].final_url == "https://pub.example/10.1234/abc.5"
    assert results[bad].status is LinkStatus.BROKEN
    assert "not registered" in (results[bad].detail or "")
    assert {s.path for s in web.seen} == {
        "/api/handles/10.1234/abc.5", "/api/handles/10.9999/missing",
        "/wayback/available?url=http%3A%2F%2Fdx.doi.org%2F10.9999%2Fmissing",
    }


def test_wayback_snapshot_nearest_access_date(web: WebStandin, make_checker: Build) -> None:
    url = web.url("/status/404")
    result = check(make_checker(), url, PartialDate(2010, 10, 12))
    assert result.status is LinkStatus.BROKEN
    assert result.archive_url == f"https://web.archive.org/web/20101012000000/{url}"


def test_no_archive_when_disabled_or_missing(web: WebStandin, make_checker: Build) -> None:
    assert check(make_checker(wayback_url=None), web.url("/status/410")).archive_url is None
    assert not any(s.path.startswith("/wayback") for s in web.seen)
    never = web.url("/status/404?never-archived")
    assert check(make_checker(), never).archive_url is None
    assert check(make_checker(), web.url("/alive")).archive_url is None


def test_definitive_verdicts_cached_transient_ones_not(
    web: WebStandin, make_checker: Build
) -> None:
    checker = make_checker()
    urls = [web.url("/alive"), web.url("/status/404"), web.url("/status/500")]
    first = checker.check_many([LinkRequest(u) for u in urls])
    before = len(web.seen)
    second = checker.check_many([LinkRequest(u) for u in urls])
    assert second == first
    again = {s.path for s in web.seen[before:]}
    assert again == {"/status/500"}  # only the transient failure is asked again


def test_per_host_concurrency_and_interval(make_checker: Build) -> None:
    with WebStandin(latency=0.05) as site:
        for i in range(8):
            site.add_page(f"/p/{i}", f"<title>Page {i}</title>" + f"page {i} " * 40)
        checker = make_checker(per_host_concurrency=2, max_concurrency=8)
        checker.check_many([LinkRequest(site.url(f"/p/{i}")) for i in range(8)])
        assert site.peak_active <= 2
    with WebStandin() as site:
        checker = make_checker(per_host_interval=0.15)
        checker.check_many([LinkRequest(site.url(f"/docs/{c}")) for c in "abcd"])
        starts = sorted(s.at for s in site.seen)
        gaps = [b - a for a, b in itertools.pairwise(starts)]
        # Sends are spaced 0.15 s; arrivals jitter a little under load.
        assert min(gaps) >= 0.1 and sum(gaps) / len(gaps) >= 0.14


def test_hosts_are_checked_concurrently(make_checker: Build) -> None:
    sites = [WebStandin(latency=0.3).start() for _ in range(4)]
    try:
        checker = make_checker(max_concurrency=8)
        started = time.monotonic()
        checker.check_many([LinkRequest(s.url("/")) for s in sites])
        assert time.monotonic() - started < 0.9  # 4 hosts x 0.3 s would be 1.2 s in a row
    finally:
        for site in sites:
            site.stop()


def test_per_host_settings_override_the_default(make_checker: Build) -> None:
    with WebStandin() as site:
        checker = make_checker(per_host={"127.0.0.1": (1, 0.2)}, per_host_interval=0.0)
        checker.check_many([LinkRequest(site.url(f"/docs/{c}")) for c in "abc"])
        starts = sorted(s.at for s in site.seen)
        assert starts[-1] - starts[0] >= 0.35  # three sends, 0.2 s apart
        assert site.peak_active == 1
