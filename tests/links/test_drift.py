"""Content drift (``drift=True``): the live page against the snapshot nearest the access date.

The stand-in's Wayback availability route is replaced by one that points at snapshots
served by the stand-in itself, in the Wayback URL form
(``/web/<timestamp>/<url>``, raw content at ``/web/<timestamp>id_/<url>``).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from refcheck.cache import MemoryCache
from refcheck.links import HttpLinkChecker
from refcheck.links import drift as drift_mod
from refcheck.links.interface import LinkRequest
from refcheck.links.judge import drift_finding, link_findings
from refcheck.model import LinkResult, LinkStatus, PartialDate
from tests.standins.web import Reply, Seen, WebStandin

Build = Callable[..., HttpLinkChecker]
ACCESSED = PartialDate(2021, 3, 4)

ARTICLE = [
    "Nocturnal leg cramps are sudden, painful contractions of the calf muscles that "
    "wake people from sleep, most often after the age of fifty.",
    "A randomised trial in 2019 followed 94 adults for eight weeks and found that "
    "magnesium citrate did not reduce how often the cramps came back.",
    "Stretching the calves for a few minutes before bed helped a small group of "
    "participants, although the authors warned that the sample was too small to be sure.",
    "Quinine was once prescribed widely, yet regulators now advise against it because "
    "of rare but serious effects on the blood.",
    "Doctors suggest checking medicines such as diuretics and statins, which can make "
    "cramps more likely, before trying any supplement at all.",
]
REWRITTEN = [
    "Our clinic now offers a new subscription plan for sports massage with online "
    "booking, flexible hours and a loyalty discount for returning customers.",
    "Members receive a monthly newsletter with recipes, training plans and invitations "
    "to community running events across the region throughout the year.",
    "Book your first session today and get a free consultation with one of our "
    "certified physiotherapists, who will design a programme around your goals.",
    "Parking is available behind the building and the entrance is step free, with a "
    "lift to every floor and a quiet waiting room on the second floor.",
]


def old_template(paragraphs: list[str]) -> str:
    """A 2021 site: tables of links, a sidebar, a long footer, no semantic elements."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<html><head><title>Leg cramps - Health Site</title>"
        "<script>var tracker = 'old analytics code with many words in it';</script>"
        "<style>body { font-family: serif }</style></head><body>"
        "<div id='site-header'><a href='/'>Home</a> <a href='/a'>Conditions</a> "
        "<a href='/b'>Treatments</a> <a href='/c'>About us and our editorial team</a></div>"
        "<div class='breadcrumb'>Home &gt; Conditions &gt; Muscles &gt; Leg cramps</div>"
        "<div class='content'><h1>Leg cramps at night</h1>" + body + "</div>"
        "<div class='sidebar'>Most read this week: allergies in spring, healthy sleep "
        "habits for shift workers, how to read a nutrition label properly</div>"
        "<div class='footer'>Copyright 2021 Health Site Ltd. All rights reserved. Terms of "
        "use, privacy policy, cookie settings, contact the editors, advertise with us.</div>"
        "</body></html>"
    )


def new_template(paragraphs: list[str]) -> str:
    """A 2025 redesign: semantic elements, a cookie banner, new navigation and promos."""
    body = "".join(f"<div class='para'><span>{p}</span></div>" for p in paragraphs)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Leg cramps at "
        "night | Health Site</title><script src='/app.js'></script></head><body>"
        "<div class='cookie-consent'>We use cookies to improve your experience. Accept all "
        "cookies or manage your preferences in the settings panel.</div>"
        "<header><nav><ul><li>Home</li><li>Conditions A to Z</li><li>Wellbeing</li>"
        "<li>Podcasts</li><li>Shop</li></ul></nav></header><main><article><header>"
        "<h1>Leg cramps at night</h1><p class='byline'>Reviewed by the medical team</p>"
        "</header>" + body + "</article></main>"
        "<aside>Trending now: ten foods that help you sleep, the best walking shoes of the "
        "year, what your heart rate says about you</aside>"
        "<footer>(c) 2025 Health Site Group. Privacy. Accessibility. Careers.</footer>"
        "</body></html>"
    )


class Archive:
    """Wayback stand-in routes on ``web``: availability answers and raw snapshots."""

    def __init__(self, web: WebStandin, *, form: str = "wayback") -> None:
        self.web = web
        self.form = form
        self.snapshots: dict[str, Reply] = {}
        web.add("/wayback/available", self._available)
        web.add("/web/", self._raw, prefix=True)
        web.add("/snap/", self._raw_plain, prefix=True)

    def add(self, url: str, body: str | bytes, status: int = 200) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.snapshots[url] = Reply(status, data)

    def snapshot_url(self, url: str, stamp: str) -> str:
        if self.form == "plain":  # an archive URL not in the Wayback form
            return self.web.url(f"/snap/{stamp}/{url}")
        return self.web.url(f"/web/{stamp}/{url}")

    def _available(self, seen: Seen) -> Reply:
        query = parse_qs(urlsplit(seen.path).query)
        url = query.get("url", [""])[0]
        stamp = (query.get("timestamp", ["20200101"])[0] + "000000")[:14]
        data: dict[str, object] = {"url": url, "archived_snapshots": {}}
        if url in self.snapshots:
            data["archived_snapshots"] = {"closest": {
                "available": True, "status": "200", "timestamp": stamp,
                "url": self.snapshot_url(url, stamp),
            }}
        return Reply(200, json.dumps(data).encode(), {"Content-Type": "application/json"})

    def _raw(self, seen: Seen) -> Reply:
        match = re.match(r"^/web/(\d+)(id_)?/(.+)$", seen.path)
        if not match:
            return Reply(404)
        if not match[2]:
            return Reply(404)  # refcheck must ask for the raw (id_) form
        return self.snapshots.get(match[3], Reply(404))

    def _raw_plain(self, seen: Seen) -> Reply:
        url = seen.path.split("/", 3)[3]
        return self.snapshots.get(url, Reply(404))


@pytest.fixture
def archive(web: WebStandin) -> Archive:
    return Archive(web)


def check(checker: HttpLinkChecker, url: str, accessed: PartialDate | None = ACCESSED
          ) -> LinkResult:
    return checker.check_many([LinkRequest(url, accessed)])[url]


def archive_hits(web: WebStandin) -> int:
    return sum(1 for s in web.seen if s.path.startswith(("/web/", "/snap/", "/wayback/")))


def test_same_article_in_a_new_template_does_not_drift(
    web: WebStandin, archive: Archive, make_checker: Build
) -> None:
    url = web.url("/health/leg-cramps")
    web.add_page("/health/leg-cramps", new_template(ARTICLE))
    archive.add(url, old_template(ARTICLE))
    result = check(make_checker(drift=True), url)
    assert result.status is LinkStatus.OK
    assert result.content_similarity is not None and result.content_similarity >= 0.9
    assert result.archive_url == web.url(f"/web/20210304000000/{url}")
    assert link_findings(result) == []
    assert web.count(f"/web/20210304000000id_/{url}") == 1  # the raw form was read


def test_rewritten_page_drifts(web: WebStandin, archive: Archive, make_checker: Build) -> None:
    url = web.url("/health/leg-cramps")
    web.add_page("/health/leg-cramps", new_template(REWRITTEN))
    archive.add(url, old_template(ARTICLE))
    result = check(make_checker(drift=True), url)
    assert result.status is LinkStatus.OK  # drift never changes the verdict
    assert result.content_similarity is not None and result.content_similarity < 0.1
    [finding] = link_findings(result)
    assert finding.code == "content-drift"
    assert finding.severity.label == "warning"
    assert "2021-03-04" in finding.message and url in finding.message
    assert finding.fix == (
        f"cite the archived copy {result.archive_url} or re-read the page and update "
        "the citation"
    )


def test_partly_edited_article_is_not_drift_but_half_replaced_is(
    web: WebStandin, archive: Archive, make_checker: Build
) -> None:
    edited = [p.replace("the", "THE", 1).replace(" a ", " one ", 1) for p in ARTICLE]
    half = ARTICLE[:2] + REWRITTEN
    web.add_page("/edited", new_template(edited))
    web.add_page("/half", new_template(half))
    archive.add(web.url("/edited"), old_template(ARTICLE))
    archive.add(web.url("/half"), old_template(ARTICLE))
    checker = make_checker(drift=True)
    results = checker.check_many(
        [LinkRequest(web.url("/edited"), ACCESSED), LinkRequest(web.url("/half"), ACCESSED)]
    )
    edited_score = results[web.url("/edited")].content_similarity
    half_score = results[web.url("/half")].content_similarity
    assert edited_score is not None and edited_score > 0.8  # case changes are no change
    assert half_score is not None and half_score < edited_score
    assert [f.code for f in link_findings(results[web.url("/half")])] == ["content-drift"]


def test_no_snapshot_no_measurement(web: WebStandin, archive: Archive, make_checker: Build) -> None:
    web.add_page("/health/leg-cramps", new_template(REWRITTEN))
    result = check(make_checker(drift=True), web.url("/health/leg-cramps"))
    assert result.status is LinkStatus.OK
    assert result.content_similarity is None and result.archive_url is None
    assert link_findings(result) == []
    assert not any(s.path.startswith("/web/") for s in web.seen)


def test_failed_snapshot_fetch_gives_nothing_and_is_not_cached(
    web: WebStandin, archive: Archive, make_checker: Build
) -> None:
    url = web.url("/health/leg-cramps")
    web.add_page("/health/leg-cramps", new_template(REWRITTEN))
    archive.add(url, "archive overloaded", status=503)
    cache = MemoryCache()
    result = check(make_checker(drift=True, cache=cache), url)
    assert result.status is LinkStatus.OK
    assert result.content_similarity is None and result.archive_url is None
    assert link_findings(result) == []
    # The archive recovers: the failure was not remembered, so the next run measures.
    archive.add(url, old_template(ARTICLE))
    again = check(make_checker(drift=True, cache=cache), url)
    assert again.content_similarity is not None and again.content_similarity < 0.5


def test_unreadable_live_page_gives_nothing(
    web: WebStandin, archive: Archive, make_checker: Build
) -> None:
    # The page passes its check, but its full text is more than drift may read.
    url = web.url("/health/long")
    web.add_page("/health/long", new_template(ARTICLE * 40))
    archive.add(url, old_template(ARTICLE))
    result = check(make_checker(drift=True, drift_max_bytes=4000), url)
    assert result.status is LinkStatus.OK
    assert result.content_similarity is None
    assert (check(make_checker(drift=True), url).content_similarity or 0) >= 0.9


def test_drift_off_sends_no_extra_requests(
    web: WebStandin, archive: Archive, make_checker: Build
) -> None:
    url = web.url("/health/leg-cramps")
    web.add_page("/health/leg-cramps", new_template(REWRITTEN))
    archive.add(url, old_template(ARTICLE))
    off = check(make_checker(), url)
    sent_off = len(web.seen)
    assert off.content_similarity is None and link_findings(off) == []
    assert archive_hits(web) == 0
    web.reset()
    on = check(make_checker(drift=True), url)
    assert on.status is off.status
    assert archive_hits(web) == 2  # one availability look-up, one snapshot
    assert len(web.seen) == sent_off + 3  # ... and the live page read in full


def test_drift_results_are_cached(web: WebStandin, archive: Archive, make_checker: Build) -> None:
    url = web.url("/health/leg-cramps")
    web.add_page("/health/leg-cramps", new_template(REWRITTEN))
    archive.add(url, old_template(ARTICLE))
    cache = MemoryCache()
    first = check(make_checker(drift=True, cache=cache), url)
    web.reset()
    second = check(make_checker(drift=True, cache=cache), url)
    assert second == first and second.content_similarity is not None
    assert web.seen == []
    # The verdict cache holds no drift: a run without it sees none.
    assert check(make_checker(cache=cache), url).content_similarity is None
    # Another access date is another comparison.
    other = check(make_checker(drift=True, cache=cache), url, PartialDate(2022, 1, 2))
    assert other.archive_url == web.url(f"/web/20220102000000/{url}")


def test_redirected_link_compares_the_new_address_and_keeps_its_verdict(
    web: WebStandin, archive: Archive, make_checker: Build
) -> None:
    web.add_redirect("/old/cramps", "/health/leg-cramps", 301)
    web.add_page("/health/leg-cramps", new_template(REWRITTEN))
    url = web.url("/old/cramps")
    archive.add(url, old_template(ARTICLE))
    result = check(make_checker(drift=True), url)
    assert result.status is LinkStatus.REDIRECTED
    assert [f.code for f in link_findings(result)] == ["link-redirected", "content-drift"]


def test_dead_links_and_links_without_access_date_are_not_measured(
    web: WebStandin, archive: Archive, make_checker: Build
) -> None:
    web.add_page("/health/leg-cramps", new_template(REWRITTEN))
    archive.add(web.url("/status/404"), old_template(ARTICLE))
    archive.add(web.url("/health/leg-cramps"), old_template(ARTICLE))
    checker = make_checker(drift=True)
    dead = check(checker, web.url("/status/404"))
    assert dead.status is LinkStatus.BROKEN and dead.content_similarity is None
    assert dead.archive_url is not None  # the ordinary archive suggestion still comes
    undated = check(checker, web.url("/health/leg-cramps"), None)
    assert undated.content_similarity is None


def test_toolbar_form_and_plain_archive_urls(web: WebStandin, make_checker: Build) -> None:
    url = web.url("/health/leg-cramps")
    web.add_page("/health/leg-cramps", new_template(ARTICLE))
    plain = Archive(web, form="plain")
    plain.add(url, old_template(ARTICLE))
    result = check(make_checker(drift=True), url)
    assert result.archive_url == web.url(f"/snap/20210304000000/{url}")
    assert (result.content_similarity or 0) >= 0.9
    # The toolbar is no part of what the author read.
    page = old_template(ARTICLE).replace(
        "<body>", "<body><!-- BEGIN WAYBACK TOOLBAR INSERT --><div id='wm-ipp'>Wayback "
        "Machine toolbar captures calendar</div><!-- END WAYBACK TOOLBAR INSERT -->"
    ).encode()
    assert "Wayback" not in drift_mod.main_text(page)


@pytest.mark.parametrize(
    ("snapshot", "expected"),
    [
        ("http://web.archive.org/web/20200101000000/http://x.org/a",
         "http://web.archive.org/web/20200101000000id_/http://x.org/a"),
        ("https://web.archive.org/web/2020if_/https://x.org/a?b=1",
         "https://web.archive.org/web/2020id_/https://x.org/a?b=1"),
        ("https://web.archive.org/web/20200101000000id_/http://x.org/",
         "https://web.archive.org/web/20200101000000id_/http://x.org/"),
        ("https://archive.example/snap/abc", "https://archive.example/snap/abc"),
    ],
)
def test_raw_snapshot_url(snapshot: str, expected: str) -> None:
    assert drift_mod.raw_snapshot_url(snapshot) == expected


def test_snapshot_date() -> None:
    assert drift_mod.snapshot_date("https://web.archive.org/web/20190521123456/http://x/") \
        == "2019-05-21"
    assert drift_mod.snapshot_date("https://archive.example/snap/abc") is None


def test_main_text_drops_boilerplate_but_keeps_wrappers() -> None:
    text = drift_mod.main_text(old_template(ARTICLE).encode())
    assert "Nocturnal leg cramps" in text and "magnesium citrate" in text
    for furniture in ("Most read this week", "Copyright", "Treatments", "Muscles", "tracker"):
        assert furniture not in text
    wrapped = (f"<html><body><div class='page with-sidebar'><p>{' '.join(ARTICLE)}</p>"
               "<div class='sidebar'>Popular</div></div></body></html>").encode()
    kept = drift_mod.main_text(wrapped)
    assert "Nocturnal leg cramps" in kept and "Popular" not in kept
    # Blocks stay apart: no words glued together across paragraphs.
    assert "wake" in drift_mod.words(drift_mod.visible_text(b"<p>cramps</p><p>wake</p>"))


@pytest.mark.parametrize(
    ("archived", "live"),
    [
        ("<html><body><p>short</p></body></html>", new_template(ARTICLE)),  # too short
        (old_template(ARTICLE), "<html><body><div id='app'></div></body></html>"),  # shell
        ("<html><head><title>404 Not Found</title></head><body>"
         + " ".join(REWRITTEN) + "</body></html>", new_template(ARTICLE)),  # error capture
    ],
)
def test_nothing_comparable_is_not_measured(archived: str, live: str) -> None:
    assert drift_mod.similarity(archived.encode(), live.encode()) is None


def test_drift_finding_threshold() -> None:
    base = LinkResult("http://x.org/a", LinkStatus.OK,
                      archive_url="https://web.archive.org/web/20210304000000/http://x.org/a")
    from dataclasses import replace

    assert drift_finding(replace(base, content_similarity=0.5)) is None
    assert drift_finding(replace(base, content_similarity=0.49)) is not None
    assert drift_finding(replace(base, content_similarity=0.7), threshold=0.8) is not None
    assert drift_finding(replace(base, content_similarity=0.1, status=LinkStatus.BROKEN)) is None
    assert drift_finding(replace(base, content_similarity=None)) is None
    assert drift_finding(replace(base, content_similarity=0.1, archive_url=None)) is None


def test_bad_drift_settings_are_rejected() -> None:
    with pytest.raises(ValueError, match="drift_max_bytes"):
        HttpLinkChecker(cache=MemoryCache(), drift=True, drift_max_bytes=0)


def test_archive_and_pages_see_the_polite_pace(
    web: WebStandin, archive: Archive, make_checker: Build
) -> None:
    urls = [web.url(f"/health/page-{i}") for i in range(4)]
    for i, url in enumerate(urls):
        web.add_page(f"/health/page-{i}", new_template(ARTICLE))
        archive.add(url, old_template(ARTICLE))
    checker = make_checker(drift=True, per_host_interval=0.1, max_concurrency=8)
    results = checker.check_many([LinkRequest(u, ACCESSED) for u in urls])
    assert all(r.content_similarity is not None for r in results.values())
    starts = sorted(s.at for s in web.seen)
    assert len(starts) >= 4 * 4  # verdict, availability, snapshot, live page each
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    # Availability look-ups and snapshot reads are paced like every other request.
    assert min(gaps) >= 0.07 and sum(gaps) / len(gaps) >= 0.09


def test_snapshot_redirect_to_the_actual_capture_is_followed(
    web: WebStandin, archive: Archive, make_checker: Build
) -> None:
    # Wayback answers a requested timestamp with a redirect to the nearest capture.
    url = web.url("/health/leg-cramps")
    web.add_page("/health/leg-cramps", new_template(REWRITTEN))
    archive.add(url, "not this one", status=404)
    web.add_redirect(f"/web/20210304000000id_/{url}", f"/web/20210301123456id_/{url}", 302)
    web.add_page(f"/web/20210301123456id_/{url}", old_template(ARTICLE))
    result = check(make_checker(drift=True), url)
    assert result.content_similarity is not None and result.content_similarity < 0.1
    assert web.count(f"/web/20210301123456id_/{url}") == 1
