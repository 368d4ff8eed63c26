"""DOI, PMID, PMCID, arXiv, ISBN, ISSN and URL extraction."""

from __future__ import annotations

import pytest

from refcheck.parse import parse_reference
from refcheck.parse.identifiers import clean_doi, clean_url, find_identifiers


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("doi:10.1016/j.jmwh.2008.11.007.", "10.1016/j.jmwh.2008.11.007"),
        ("DOI: 10.1000/ABC.Def", "10.1000/abc.def"),
        ("https://doi.org/10.1000/xyz123.", "10.1000/xyz123"),
        ("http://dx.doi.org/10.1000/xyz123,", "10.1000/xyz123"),
        (
            "(doi:10.1002/(SICI)1097-0258(19980815)17:15<1661::AID-SIM968>3.0.CO;2-2)",
            "10.1002/(sici)1097-0258(19980815)17:15",
        ),
        ("https://doi.org/10.1000/a%2Fb", "10.1000/a/b"),
        ("doi:10.1126/science.1193063.PMID:20847271.", "10.1126/science.1193063"),
        ("doi: 10.1000/abc.def.Epub 2020 Jan 3.", "10.1000/abc.def"),
        ("doi:10.1000/abc.def.epub.x", "10.1000/abc.def.epub.x"),  # lower case: the DOI's
    ],
)
def test_doi(text: str, doi: str) -> None:
    assert find_identifiers(text).doi == doi


def test_doi_org_url_is_a_doi_not_a_url() -> None:
    ids = find_identifiers("Title. https://doi.org/10.1000/xyz. http://example.org/page.")
    assert ids.doi == "10.1000/xyz"
    assert ids.urls == ["http://example.org/page"]


@pytest.mark.parametrize(
    ("text", "url"),
    [
        (
            "See http://www.acog.org/publications/ab005.cfm.",
            "http://www.acog.org/publications/ab005.cfm",
        ),
        ("(https://en.wikipedia.org/wiki/Foo_(bar))", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("Available from: <https://x.org/a?b=1&c=2>.", "https://x.org/a?b=1&c=2"),
        ("at www.example.com/page;", "http://www.example.com/page"),
        ("https://x.org/path/,", "https://x.org/path/"),
        (  # a line break inside the address left a space
            "Boston Globe, http://www. boston.com/business/globe/2007/tjx.",
            "http://www.boston.com/business/globe/2007/tjx",
        ),
        (
            "Link: http://www.tate.org.uk/research/ tatepapers/08spring/breakell.shtm.",
            "http://www.tate.org.uk/research/tatepapers/08spring/breakell.shtm",
        ),
        ("Available at: http://x.org/ (accessed 3 May 2020)", "http://x.org/"),
        (  # MLA 8 prints no scheme
            "2 Feb. 2021, medlineplus.gov/ency/article/003185.htm. Accessed 10 Mar. 2022.",
            "https://medlineplus.gov/ency/article/003185.htm",
        ),
    ],
)
def test_url(text: str, url: str) -> None:
    assert find_identifiers(text).urls == [url]


def test_other_identifiers() -> None:
    ids = find_identifiers(
        "PMID: 19410213. PMCID: PMC2719466. arXiv:1706.03762v5. ISBN 978-0-19-957769-2. "
        "ISSN 1526-9523."
    )
    assert (ids.pmid, ids.pmcid, ids.arxiv) == ("19410213", "PMC2719466", "1706.03762v5")
    assert ids.isbn == "978-0-19-957769-2"
    assert ids.issn == "1526-9523"


def test_clean_helpers() -> None:
    assert clean_doi("https://doi.org/10.1000/ABC.") == "10.1000/abc"
    assert clean_doi("not a doi") is None
    assert clean_url("www.x.org/a).") == "http://www.x.org/a"


def test_identifiers_reach_the_reference() -> None:
    ref = parse_reference(
        "Hensley JG. Leg cramps and restless legs syndrome during pregnancy. J Midwifery Womens "
        "Health. 2009;54(3):211-8. doi:10.1016/j.jmwh.2008.11.007. PMID: 19410213; "
        "PMCID: PMC123456."
    )
    assert ref.doi == "10.1016/j.jmwh.2008.11.007"
    assert ref.pmid == "19410213"
    assert ref.pmcid == "PMC123456"
    assert ref.container_title == "J Midwifery Womens Health"
    assert (ref.volume, ref.issue, ref.page) == ("54", "3", "211-218")
    assert ref.urls == ()


def test_a_bare_host_without_a_path_is_not_an_address() -> None:
    """"Healthline.com" names a site; "Phys.Rev.Lett/9" and e-mail addresses are not hosts."""
    assert find_identifiers('Doe J. "Thing." Healthline.com, 2020.').urls == []
    assert find_identifiers("Write to jane@example.org/x for it.").urls == []
    assert find_identifiers("doi.org/10.1000/xyz").urls == []
