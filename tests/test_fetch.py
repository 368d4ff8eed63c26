"""Articles given as URLs: fetched through the guarded, cached HTTP layer."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from refcheck.cache import MemoryCache
from refcheck.cli import main
from refcheck.errors import InputError
from refcheck.fetch import fetch_document, is_url
from tests.standins.web import WebStandin

ARTICLE = b"""<!doctype html><html><head><title>Leg cramps</title></head><body>
<nav><ul><li><a href="/a">Home</a></li></ul></nav>
<article><p>Leg cramps are common.</p>
<h2>References</h2>
<ol>
<li>Hensley JG. Leg cramps and restless legs syndrome during pregnancy.
 Journal of Midwifery &amp; Women's Health. 2009;54:211.</li>
<li>Bermas BL. Musculoskeletal changes and pain during pregnancy.
 <a href="http://www.uptodate.com/home/index.html">http://www.uptodate.com/home/index.html</a>.
 Accessed Oct. 12, 2010.</li>
</ol></article></body></html>"""


@pytest.fixture()
def web() -> Iterator[WebStandin]:
    with WebStandin() as standin:
        standin.add_page("/article.html", ARTICLE, headers={"Content-Type": "text/html"})
        standin.add_redirect("/moved", "/article.html", status=301)
        yield standin


def test_is_url() -> None:
    assert is_url("https://example.org/a")
    assert is_url("HTTP://example.org")
    assert not is_url("fixtures/a.txt")
    assert not is_url("-")


def test_fetch_follows_redirects_and_caches(web: WebStandin) -> None:
    cache = MemoryCache()
    doc = fetch_document(web.url("/moved"), cache=cache, allow_private=True, timeout=5)
    assert doc.data == ARTICLE
    assert doc.media_type == "text/html"
    hits = len(web.seen)
    again = fetch_document(web.url("/moved"), cache=cache, allow_private=True, timeout=5)
    assert again.data == ARTICLE
    assert len(web.seen) == hits  # answered from the cache


def test_private_addresses_refused_without_allow_private(web: WebStandin) -> None:
    with pytest.raises(InputError, match="non-public address"):
        fetch_document(web.url("/article.html"), cache=MemoryCache(), timeout=5)
    assert not web.seen


def test_http_errors_and_size_cap(web: WebStandin) -> None:
    with pytest.raises(InputError, match="answered 404"):
        fetch_document(web.url("/status/404"), cache=MemoryCache(), allow_private=True)
    with pytest.raises(InputError, match="too large"):
        fetch_document(web.url("/big"), cache=MemoryCache(), allow_private=True, max_bytes=2**20)


def test_check_a_url_end_to_end(web: WebStandin) -> None:
    result = CliRunner().invoke(
        main,
        [
            "check",
            web.url("/article.html"),
            "--allow-private",
            "--no-crossref",
            "--no-links",
            "--no-cache",
            "--as-of",
            "2026-11-26",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    article = json.loads(result.stdout)["articles"][0]
    assert article["source"] == web.url("/article.html")
    refs = article["references"]
    assert len(refs) == 2
    assert refs[0]["parsed"]["container-title"] == "Journal of Midwifery & Women's Health"
    assert refs[1]["parsed"]["URL"] == "http://www.uptodate.com/home/index.html"


def test_check_a_refused_url_is_one_line(web: WebStandin) -> None:
    result = CliRunner().invoke(
        main,
        [
            "check",
            "http://127.0.0.1:9/x",
            "--allow-private",
            "--no-cache",
            "--no-links",
            "--no-crossref",
        ],
    )
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "connection refused" in result.stderr
