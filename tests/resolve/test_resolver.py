"""The Crossref resolver against the local stand-in (127.0.0.1 only)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import pytest

from refcheck.cache import MemoryCache
from refcheck.model import Name, PartialDate, Reference, ReferenceType, ResolutionStatus
from refcheck.resolve import CrossrefResolver, ResolveRequest
from refcheck.resolve.interface import ResolverError

from .conftest import CrossrefStandin, load_fixture_works
from .refs import ANDERSON, HENSLEY, NYGAARD, SEED_FOUR, YOUNG, journal

Factory = Callable[..., CrossrefResolver]
MATCHED = ResolutionStatus.MATCHED


def test_seed_four_resolve_to_their_dois(make_resolver: Factory) -> None:
    resolver = make_resolver()
    results = resolver.resolve_many(list(SEED_FOUR.values()))
    assert [r.status for r in results] == [MATCHED] * 4
    assert [r.doi.lower() for r in results if r.doi] == list(SEED_FOUR)
    for r in results:
        assert r.confidence >= 0.9
        assert r.reason and "agree" in r.reason
        assert {c.field for c in r.comparisons} >= {"title", "author", "year"}


def test_seed_four_resolve_from_the_raw_string_alone(make_resolver: Factory) -> None:
    # A parser that found nothing must not stop the match: fields are checked in the raw text.
    resolver = make_resolver()
    bare = [ResolveRequest(Reference(), req.raw) for req in SEED_FOUR.values()]
    results = resolver.resolve_many(bare)
    assert [(r.doi or "").lower() for r in results] == list(SEED_FOUR)


def test_queries_use_bibliographic_search_with_small_rows_and_select(
    make_resolver: Factory, standin: CrossrefStandin
) -> None:
    make_resolver().resolve_many([HENSLEY])
    (entry,) = standin.requests
    assert entry["path"] == "/works"
    assert entry["query"]["query.bibliographic"].startswith("Hensley JG. Leg cramps")
    assert 5 <= int(entry["query"]["rows"]) <= 10
    assert {"DOI", "title", "author", "updated-by"} <= set(entry["query"]["select"].split(","))
    assert "mailto:tests@example.org" in entry["headers"]["User-Agent"]


@pytest.mark.parametrize(
    ("request_", "bad_doi"),
    [
        # Same title and journal, later issue: the correction notice, not the article.
        (
            journal(
                "Correction to leg cramps",
                family=None,
                title="Leg Cramps and Restless Legs Syndrome During Pregnancy",
                container="J Midwifery Womens Health",
                year=2009,
                volume="54",
                issue="5",
                page="422",
            ),
            "10.1016/j.jmwh.2009.06.002",
        ),
        # The conference version has the same title and first author.
        (
            journal(
                "Nygaard IH. Does oral magnesium substitution relieve pregnancy-induced leg"
                " cramps? Eur J Obstet Gynecol Reprod Biol. 2007;112.",
                family="Nygaard",
                title="Does oral magnesium substitution relieve pregnancy-induced leg cramps?",
                container="Eur J Obstet Gynecol Reprod Biol",
                year=2007,
                page="112",
            ),
            "10.5555/conf.2007.nygaard",
        ),
        # The book a cited chapter is in (same editor-author and year).
        (
            journal(
                "Anderson T. Night-time calf pain. In: Anderson T, ed. Leg cramps in pregnancy."
                " Curated Press; 2007:12-19.",
                family="Anderson",
                title="Night-time calf pain",
                container="Leg cramps in pregnancy",
                year=2007,
                page="12-19",
                type=ReferenceType.CHAPTER,
            ),
            "10.5555/book.legcramps",
        ),
        # ... and the same chapter read by a parser that found no fields at all.
        (
            ResolveRequest(
                Reference(),
                "Anderson T. Night-time calf pain. In: Anderson T, ed. Leg cramps in pregnancy."
                " Curated Press; 2007:12-19.",
            ),
            "10.5555/book.legcramps",
        ),
    ],
)
def test_look_alikes_are_not_matched(
    make_resolver: Factory, request_: ResolveRequest, bad_doi: str
) -> None:
    (result,) = make_resolver().resolve_many([request_])
    assert (result.doi or "").lower() != bad_doi
    assert result.status != MATCHED


def test_same_title_other_review_is_not_taken_for_young_2002(make_resolver: Factory) -> None:
    # Zhou et al. 2015 carries the very same title in the same journal.
    (result,) = make_resolver().resolve_many([YOUNG])
    assert result.doi == "10.1002/14651858.CD000121"
    zhou = journal(
        "Zhou K, West HM, Zhang J, Xu L, Li W. Interventions for leg cramps in pregnancy."
        " Cochrane Database Syst Rev. 2015;(8):CD010655.",
        family="Zhou",
        title="Interventions for leg cramps in pregnancy",
        container="Cochrane Database Syst Rev",
        year=2015,
        number="CD010655",
    )
    (other,) = make_resolver().resolve_many([zhou])
    assert other.doi == "10.1002/14651858.CD010655.pub2"


def test_absent_work_is_not_found(make_resolver: Factory) -> None:
    absent = journal(
        "Smith J. Nocturnal leg cramps in marathon runners. Sports Med. 2011;41:77-85.",
        family="Smith",
        title="Nocturnal leg cramps in marathon runners",
        container="Sports Med",
        year=2011,
        volume="41",
        page="77-85",
    )
    (result,) = make_resolver().resolve_many([absent])
    assert result.status == ResolutionStatus.NOT_FOUND
    assert result.doi is None and result.reason


def test_skips_web_pages_personal_communications_and_empty(
    make_resolver: Factory, standin: CrossrefStandin
) -> None:
    reqs = [
        ResolveRequest(
            Reference(type=ReferenceType.WEBPAGE, title="Musculoskeletal changes"),
            "Bermas BL. Musculoskeletal changes. http://www.uptodate.com. Accessed 2010.",
        ),
        ResolveRequest(
            Reference(type=ReferenceType.PERSONAL_COMMUNICATION),
            "Harms RW (expert opinion). Mayo Clinic, Rochester, Minn. Oct. 26, 2010.",
        ),
        ResolveRequest(Reference(), "  "),
    ]
    results = make_resolver().resolve_many(reqs)
    assert [r.status for r in results] == [ResolutionStatus.SKIPPED] * 3
    assert all(r.reason for r in results)
    assert standin.requests == []


def test_known_dois_are_batched_and_checked(
    make_resolver: Factory, standin: CrossrefStandin
) -> None:
    reqs = [
        dataclasses.replace(req, reference=dataclasses.replace(req.reference, doi=doi))
        for doi, req in SEED_FOUR.items()
    ]
    results = make_resolver().resolve_many(reqs)
    assert all(r.status == MATCHED for r in results)
    assert [r.reason or "" for r in results] == [
        r.reason for r in results if "cited DOI" in (r.reason or "")
    ]
    # One filter=doi: request for all four, no searches and no single look-ups.
    assert len(standin.requests) == 1
    assert standin.requests[0]["query"]["filter"].count("doi:") == 4


def test_wrong_doi_is_replaced_by_the_right_one(make_resolver: Factory) -> None:
    # Hensley's reference carrying Nygaard's DOI: a different work, so search for the right one.
    req = dataclasses.replace(
        HENSLEY,
        reference=dataclasses.replace(HENSLEY.reference, doi="10.1016/j.ejogrb.2008.07.005"),
    )
    (result,) = make_resolver().resolve_many([req])
    assert result.status == MATCHED
    assert result.doi == "10.1016/j.jmwh.2009.01.003"
    assert "different work" in (result.reason or "")


def test_unknown_doi_asks_the_handle_service(
    make_resolver: Factory, standin: CrossrefStandin
) -> None:
    datacite = journal(
        "Curated dataset. Dryad. 2020. doi:10.5061/dryad.curated123",
        family=None,
        title="Curated dataset",
        container=None,
        year=2020,
        doi="10.5061/dryad.curated123",
    )
    (result,) = make_resolver().resolve_many([datacite])
    assert result.status == MATCHED and result.doi == "10.5061/dryad.curated123"
    assert "handle service" in (result.reason or "")
    assert any(e["path"] == "/api/handles/10.5061/dryad.curated123" for e in standin.requests)

    bogus = journal(
        "Nobody N. Nothing at all. Nowhere. 2020.",
        family="Nobody",
        title="Nothing at all",
        container="Nowhere",
        year=2020,
        doi="10.9999/does-not-exist",
    )
    (missing,) = make_resolver().resolve_many([bogus])
    assert missing.status == ResolutionStatus.NOT_FOUND and missing.record is None


def test_second_run_sends_nothing_and_refresh_ignores_cache(
    make_resolver: Factory, standin: CrossrefStandin
) -> None:
    cache = MemoryCache()
    first = make_resolver(cache=cache).resolve_many([HENSLEY, NYGAARD, YOUNG, ANDERSON])
    sent = len(standin.requests)
    assert sent == 4
    second = make_resolver(cache=cache).resolve_many([HENSLEY, NYGAARD, YOUNG, ANDERSON])
    assert len(standin.requests) == sent
    assert [r.doi for r in second] == [r.doi for r in first]
    make_resolver(cache=cache, refresh=True).resolve_many([HENSLEY])
    assert len(standin.requests) == sent + 1


def test_429_honours_retry_after_then_succeeds(
    make_resolver: Factory, standin: CrossrefStandin
) -> None:
    standin.inject("429", retry_after="1")
    resolver = make_resolver()
    start = time.monotonic()
    (result,) = resolver.resolve_many([HENSLEY])
    assert result.status == MATCHED
    assert time.monotonic() - start >= 0.9  # waited for Retry-After before asking again
    assert resolver.stats["rate_limited"] == 1


@pytest.mark.parametrize("fault", ["500", "503", "garbage", "html"])
def test_transient_failures_are_retried(
    make_resolver: Factory, standin: CrossrefStandin, fault: str
) -> None:
    standin.inject(fault, count=2)
    (result,) = make_resolver().resolve_many([HENSLEY])
    assert result.status == MATCHED
    assert len(standin.requests) == 3


def test_persistent_outage_gives_error_values_and_no_cache(
    make_resolver: Factory, standin: CrossrefStandin
) -> None:
    standin.inject("503", count=100)
    cache = MemoryCache()
    results = make_resolver(cache=cache, attempts=3).resolve_many([HENSLEY, NYGAARD])
    assert [r.status for r in results] == [ResolutionStatus.ERROR] * 2
    assert all((r.reason or "").startswith("Crossref could not be reached:") for r in results)
    assert "503" in (results[0].reason or "")
    assert cache.get("crossref-query", "x") is None and not cache._data  # errors are never cached


def test_unreachable_host_fails_fast() -> None:
    # A port nobody listens on: after a few connection failures the rest fail at once.
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    resolver = CrossrefResolver(
        base_url=f"http://127.0.0.1:{port}",
        cache=MemoryCache(),
        backoff_base=0.001,
        mailto="t@example.org",
    )
    reqs = [HENSLEY, NYGAARD, YOUNG, ANDERSON] * 5
    start = time.monotonic()
    results = resolver.resolve_many(reqs)
    assert all(r.status == ResolutionStatus.ERROR for r in results)
    assert all(
        "unreachable" in (r.reason or "") or "connection" in (r.reason or "") for r in results
    )
    assert resolver.stats["requests"] <= 8
    assert time.monotonic() - start < 10
    resolver.close()


def test_slow_answer_times_out_into_error(make_resolver: Factory, standin: CrossrefStandin) -> None:
    standin.inject("slow", count=5, delay=1.0)
    (result,) = make_resolver(timeout=0.2, attempts=2).resolve_many([HENSLEY])
    assert result.status == ResolutionStatus.ERROR
    assert "timed out" in (result.reason or "")


def test_plus_token_is_sent_and_lifts_limits(
    make_resolver: Factory, standin: CrossrefStandin
) -> None:
    resolver = make_resolver(token="s3cret")
    resolver.resolve_many([HENSLEY])
    assert standin.requests[0]["headers"]["Crossref-Plus-API-Token"] == "Bearer s3cret"
    assert resolver.pacer.rate == 50 and resolver.pacer.concurrency == 10


def test_public_pool_limits_are_read_from_headers(make_resolver: Factory) -> None:
    resolver = make_resolver(mailto=None, max_rate=None)
    assert (resolver.pacer.rate, resolver.pacer.concurrency) == (5, 1)
    resolver.resolve_many([HENSLEY])
    assert (resolver.pacer.rate, resolver.pacer.concurrency) == (5, 1)
    capped = make_resolver(max_rate=2, max_concurrency=1, token="t")
    capped.resolve_many([NYGAARD])
    assert (capped.pacer.rate, capped.pacer.concurrency) == (2, 1)


def test_default_pace_causes_no_429(standin: CrossrefStandin, make_resolver: Factory) -> None:
    # 40 distinct searches at the polite pool's pace: the stand-in enforces 10/s, 3 at once.
    reqs = [
        journal(
            f"Author{i} A. Study number {i} of leg cramps. J Test. 2001;{i}:1.",
            family=f"Author{i}",
            title=f"Study number {i} of leg cramps",
            container="J Test",
            year=2001,
        )
        for i in range(40)
    ]
    resolver = make_resolver()
    start = time.monotonic()
    resolver.resolve_many(reqs)
    elapsed = time.monotonic() - start
    assert standin.stats.rate_limited == 0
    assert resolver.stats["requests"] == 40
    assert elapsed >= 3.5  # paced, not burst


def test_bad_configuration_is_one_clear_error() -> None:
    with pytest.raises(ResolverError):
        CrossrefResolver(base_url="ftp://x", cache=MemoryCache())
    with pytest.raises(ResolverError):
        CrossrefResolver(cache=MemoryCache(), max_rate=0)


def test_items_without_title_or_authors_and_huge_author_lists(make_resolver: Factory) -> None:
    many = [{"given": f"G{i}", "family": f"Family{i}"} for i in range(3000)]
    works = [
        {"DOI": "10.5555/empty", "type": "journal-article"},
        {
            "DOI": "10.5555/huge",
            "type": "journal-article",
            "title": ["Big collaboration result"],
            "author": many,
            "container-title": ["Phys Rev"],
            "issued": {"date-parts": [[2020]]},
            "volume": "1",
            "page": "1-2",
        },
        {"no": "doi"},
    ]
    with CrossrefStandin(works) as server:
        resolver = make_resolver(base_url=server.url)
        req = ResolveRequest(
            Reference(
                type=ReferenceType.ARTICLE_JOURNAL,
                authors=(Name(family="Family0"),),
                title="Big collaboration result",
                container_title="Phys Rev",
                issued=PartialDate(2020),
                volume="1",
                page="1-2",
            ),
            "Family0 G, et al. Big collaboration result. Phys Rev. 2020;1:1-2.",
        )
        (result,) = resolver.resolve_many([req])
    assert result.status == MATCHED and result.record is not None
    assert len(result.record.authors) <= 25


def test_duplicate_deposits_are_ambiguous(make_resolver: Factory) -> None:
    # The same article registered twice (it happens): neither DOI can be preferred.
    base = {
        "type": "journal-article",
        "title": ["Night cramps in the third trimester"],
        "author": [{"family": "Lindqvist", "given": "Maja"}],
        "container-title": ["Midwifery"],
        "issued": {"date-parts": [[2012]]},
        "volume": "28",
        "page": "100-104",
    }
    works = [dict(base, DOI="10.5555/dup.one"), dict(base, DOI="10.5555/dup.two")]
    req = journal(
        "Lindqvist M. Night cramps in the third trimester. Midwifery. 2012;28:100-4.",
        family="Lindqvist",
        title="Night cramps in the third trimester",
        container="Midwifery",
        year=2012,
        volume="28",
        page="100-4",
    )
    with CrossrefStandin(works) as server:
        (result,) = make_resolver(base_url=server.url).resolve_many([req])
    assert result.status == ResolutionStatus.AMBIGUOUS
    assert result.doi is None
    dois = {result.record.doi if result.record else None} | {a.doi for a in result.alternatives}
    assert dois == {"10.5555/dup.one", "10.5555/dup.two"}
    assert "10.5555/dup.one" in (result.reason or "") and "10.5555/dup.two" in (result.reason or "")


def test_adapts_to_stricter_limits_announced_in_headers(make_resolver: Factory) -> None:
    # The pool announces 4 requests/s and 1 at a time, below the polite defaults (10/s, 3):
    # after the first answer the resolver slows down and never trips the limit.
    reqs = [
        journal(
            f"Author{i} A. Trial {i} of leg cramps. J Test. 2001;{i}:1.",
            family=f"Author{i}",
            title=f"Trial {i} of leg cramps",
            container="J Test",
            year=2001,
        )
        for i in range(12)
    ]
    with CrossrefStandin(load_fixture_works(), pools={"polite": (4, 1)}) as server:
        resolver = make_resolver(base_url=server.url)
        resolver.resolve_many(reqs)
        assert (resolver.pacer.rate, resolver.pacer.concurrency) == (4, 1)
        assert server.stats.rate_limited <= 1  # at most the very first burst, before any header
    assert resolver.stats["requests"] - resolver.stats["rate_limited"] == 12


def test_habanero_outside_a_resolver_is_untouched(standin: CrossrefStandin) -> None:
    # The proxy only routes calls made inside a resolver; plain habanero use still works.
    import habanero

    make = CrossrefResolver(base_url=standin.url, cache=MemoryCache(), token="secret")
    answer = habanero.Crossref(base_url=standin.url).works(ids="10.1016/j.jmwh.2009.01.003")
    make.close()
    assert answer["message"]["DOI"] == "10.1016/j.jmwh.2009.01.003"
    assert "Crossref-Plus-API-Token" not in standin.requests[-1]["headers"]


def test_web_page_with_a_port_in_its_url_is_still_skipped() -> None:
    """A URL's "host:port" must not pass for a volume:page block (seen on the seed)."""
    from refcheck.model import Reference, ReferenceType
    from refcheck.resolve.crossref import _skip_reason
    from refcheck.resolve.interface import ResolveRequest

    raw = (
        "Bermas BL. Musculoskeletal changes and pain during pregnancy. "
        "http://127.0.0.1:32861/home/index.html. Accessed Oct. 12, 2010."
    )
    ref = Reference(
        type=ReferenceType.WEBPAGE,
        title="Musculoskeletal changes",
        urls=("http://127.0.0.1:32861/home/index.html",),
    )
    assert _skip_reason(ResolveRequest(ref, raw)) == "a web page without a DOI"


def test_a_reference_cited_twice_is_searched_once(
    make_resolver: Factory, standin: CrossrefStandin
) -> None:
    results = make_resolver(refresh=True).resolve_many([HENSLEY, NYGAARD, HENSLEY, HENSLEY])
    assert [r.doi for r in results].count("10.1016/j.jmwh.2009.01.003") == 3
    assert len(standin.requests) == 2
