"""The same input, cache and ``--as-of`` give byte-identical JSON, whatever the
concurrency and whatever order the answers arrive in."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from refcheck.cache import SQLiteCache
from refcheck.extract.interface import Document
from refcheck.links import HttpLinkChecker
from refcheck.pipeline import Checker, CheckOptions, run_report
from refcheck.render import render
from tests.standins.crossref import CrossrefStandin, load_fixture_works
from tests.standins.faults import FaultProxy

from .helpers import WORKS, citation


@pytest.fixture(scope="module")
def crossref() -> Iterator[CrossrefStandin]:
    # Generous announced limits: the resolver's pacing is not what is under test.
    pools = {"public": (200, 8), "polite": (200, 8), "plus": (200, 8)}
    with CrossrefStandin(load_fixture_works(), enforce_limits=False, pools=pools) as standin:
        yield standin


def article(web: str) -> Document:
    """References with and without DOIs, shared and distinct URLs, some failing."""
    refs = []
    for i, work in enumerate(WORKS):
        text = citation(work)
        if i % 2:
            text = text.split(" doi:")[0]  # found by search, not by DOI
        refs.append(f"{text} Available at: {web}/docs/{i}/page")
    refs += [
        f"Web Page A. Leg cramps. {web}/shared/page. Accessed Oct. 12, 2010.",
        f"Web Page B. Leg cramps again. {web}/shared/page. Accessed Oct. 13, 2010.",
        f"Broken Site. Gone page. {web}/reset/page. Accessed Jan 1, 2020.",
        f"Busy Site. Busy page. {web}/busy/page. Accessed Jan 2, 2020.",
        "Nobody N. A reference Crossref has never heard of. J Nowhere. 1999;1:1-2.",
    ]
    body = "Text.\n\nReferences\n\n" + "\n".join(f"{i}. {r}" for i, r in enumerate(refs, 1))
    return Document(source="article.txt", data=body.encode("utf-8"))


def run_json(crossref_url: str, web: FaultProxy, cache: Path, concurrency: int) -> str:
    options = CheckOptions(
        crossref_url=crossref_url, doi_resolver_url=crossref_url, mailto="tests@example.org",
        wayback_url=None, as_of=dt.date(2026, 11, 26), allow_private=True, cache_dir=cache,
        timeout=2, link_concurrency=concurrency, per_host_concurrency=concurrency,
    )
    store = SQLiteCache(cache)
    # The link checker Checker would build from these options, with a short backoff
    # so the failing links' retries do not dominate the test's time.
    links = HttpLinkChecker(
        cache=store, allow_private=True, timeout=2, max_concurrency=concurrency,
        per_host_concurrency=concurrency, wayback_url=None, backoff_base=0.01,
        control_hosts=(),
    )
    checker = Checker(options, cache=store, link_checker=links)
    report = checker.check_document(article(web.url))
    store.close()
    return render(run_report([report]), "json")


def test_json_is_byte_identical_whatever_the_concurrency(
    crossref: CrossrefStandin, tmp_path: Path
) -> None:
    outputs = {}
    for name, concurrency, jitter, seed in [("serial", 1, 0.0, 1), ("parallel", 16, 0.05, 2)]:
        with FaultProxy(crossref.url, jitter=jitter, seed=seed) as cr, \
                FaultProxy(jitter=jitter, seed=seed) as web:
            web.rule("/reset/", "reset")
            web.rule("/busy/", "503")
            # Each run on its own fresh cache, so every answer is fetched anew.
            outputs[name] = run_json(cr.url, web, tmp_path / name, concurrency)
            # Same cache again, now with the other concurrency: the cached answers.
            cached = run_json(cr.url, web, tmp_path / name, 17 - concurrency)
            assert cached == outputs[name], f"{name}: cached run differs"
    assert '"status": "matched"' in outputs["serial"] or '"matched"' in outputs["serial"]
    # The proxies listen on new ports each time: put the ports back before comparing.
    normal = {k: re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", v) for k, v in outputs.items()}
    assert normal["serial"] == normal["parallel"]
