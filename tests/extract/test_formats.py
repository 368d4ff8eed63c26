"""Format readers: structured fields, links, and every kind of unreadable input."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from refcheck.extract import ExtractError, InputFormat, extract_references, load_document
from refcheck.extract.csl import format_item, parse_date

from .conftest import FORMATS, doc


def _refs(relative: str) -> list:  # type: ignore[type-arg]
    return extract_references(load_document(FORMATS / relative))


# ------------------------------------------------------------------ structured fields


def test_bibtex_fields_are_csl_json() -> None:
    refs = {r.label: r for r in _refs("bibtex/references.bib")}
    hensley = refs["Hensley2009"].fields
    assert hensley is not None
    assert hensley["DOI"] == "10.1016/j.jmwh.2008.12.007"
    assert hensley["container-title"] == "Journal of Midwifery & Women's Health"  # @string
    assert hensley["page"] == "211-218"
    assert refs["ACOG2010"].fields["author"] == [  # type: ignore[index]
        {"literal": "American Congress of Obstetricians and Gynecologists"}
    ]
    assert refs["ACOG2010"].fields["accessed"] == {"date-parts": [[2010, 10, 12]]}  # type: ignore[index]
    bermas = refs["uptodate-bermas"]
    assert bermas.fields["accessed"] == {"date-parts": [[2010, 10, 12]]}  # type: ignore[index]
    assert bermas.urls == ("http://www.uptodate.com/home/index.html",)
    assert refs["Mueller2019"].fields["author"][0] == {"family": "Müller", "given": "Jörg"}  # type: ignore[index]
    assert refs["Mueller2019"].fields["DOI"] == "10.1109/JCDL.2019.00025"  # type: ignore[index]


def test_bibtex_unterminated_entry_is_an_error_naming_its_line() -> None:
    with pytest.raises(ExtractError, match=r"unterminated\.bib: line 7: unreadable BibTeX"):
        _refs("bibtex/unterminated.bib")


def test_ris_fields_and_access_date() -> None:
    refs = _refs("ris/leg-cramps-endnote.ris")
    assert [r.line for r in refs] == [1, 16, 27, 35]
    assert refs[0].fields["DOI"] == "10.1016/j.jmwh.2008.12.007"  # type: ignore[index]
    assert refs[2].fields["type"] == "webpage"  # type: ignore[index]
    assert refs[2].fields["accessed"] == {"date-parts": [[2010, 10, 13]]}  # type: ignore[index]


def test_ris_without_end_tag() -> None:
    with pytest.raises(ExtractError, match=r"line 1: RIS record has no 'ER  -' end tag"):
        _refs("ris/unterminated.ris")


def test_csl_json_items_are_kept_as_given() -> None:
    refs = _refs("csl-json/zotero-export.json")
    assert refs[1].fields["accessed"] == {"date-parts": [[2010, 10, 12]]}  # type: ignore[index]
    assert refs[0].fields["journalAbbreviation"] == "Eur J Obstet Gynecol Reprod Biol"  # type: ignore[index]
    assert [r.line for r in refs] == [2, 22, 26]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("[1, 2]", "item 1 is not an object"),
        ('"just a string"', "expected an array of items"),
    ],
)
def test_csl_json_that_is_not_csl(data: str, message: str) -> None:
    with pytest.raises(ExtractError, match=message):
        extract_references(doc(data, "x.json"), InputFormat.CSL_JSON)


def test_broken_json_names_line_and_column() -> None:
    with pytest.raises(ExtractError, match=r"not valid JSON \(line 1 column 44"):
        _refs("csl-json/broken.json")


def test_jats_element_citation_fields_and_links() -> None:
    refs = _refs("jats/pmc-article.xml")
    assert [r.label for r in refs] == ["1", "2", "3", "4", "5"]
    assert refs[0].fields["PMID"] == "19410213"  # type: ignore[index]
    assert refs[2].urls == ("http://www.acog.org/publications/patient_education/ab005.cfm",)
    assert refs[2].fields["accessed"] == {"date-parts": [[2010, 10, 12]]}  # type: ignore[index]
    assert refs[1].raw.startswith("Young G, Jewell D.")  # names spaced, not "YoungG"
    assert refs[3].fields is None  # untagged mixed-citation: left to the parser


@pytest.mark.parametrize("name", ["billion-laughs.xml", "xxe.xml"])
def test_jats_entity_attacks_are_refused_quickly(name: str) -> None:
    start = time.monotonic()
    with pytest.raises(ExtractError, match="XML declares entities"):
        _refs(f"jats/{name}")
    assert time.monotonic() - start < 2


def test_jats_entity_attack_is_refused_even_when_forced_past_detection() -> None:
    data = (FORMATS / "jats/xxe.xml").read_bytes()
    with pytest.raises(ExtractError, match="XML declares entities"):
        extract_references(doc(data, "x.xml"), InputFormat.JATS)


def test_jats_undeclared_entity_is_not_resolved() -> None:
    text = '<?xml version="1.0"?><article><back><ref-list><ref><mixed-citation>&ext;'
    text += "</mixed-citation></ref></ref-list></back></article>"
    with pytest.raises(ExtractError, match="not well-formed XML"):
        extract_references(doc(text, "x.xml"), InputFormat.JATS)


def test_malformed_xml_is_one_line() -> None:
    with pytest.raises(ExtractError) as exc:
        _refs("jats/malformed.xml")
    assert str(exc.value).startswith("")
    assert "malformed.xml: not well-formed XML (line 3" in str(exc.value)
    assert "\n" not in str(exc.value)


# ----------------------------------------------------------------------------- HTML


def test_html_chrome_and_backlinks_are_ignored() -> None:
    refs = _refs("html/wikipedia-style.html")
    assert len(refs) == 2
    assert not refs[0].raw.startswith("^")
    assert "https://pubmed.ncbi.nlm.nih.gov/22963024" in refs[0].urls
    refs = _refs("html/pandoc-footnotes.html")
    assert all("↩" not in r.raw for r in refs)


def test_html_links_resolve_against_the_page_address() -> None:
    html = (
        "<html><body><h2>References</h2><ol>"
        '<li>Smith J. Things. 2001;3:4. <a href="/papers/smith.pdf">PDF</a></li>'
        "</ol></body></html>"
    )
    (ref,) = extract_references(doc(html, "https://example.org/blog/post"))
    assert ref.urls == ("https://example.org/papers/smith.pdf",)


def test_malformed_html_still_reads() -> None:
    html = "<h2>References<ol><li>Smith J. Things. J Things. 2001;3:4.<li>Jones K. Stuff. 2003;5:6."
    refs = extract_references(doc(html, "x.html"), InputFormat.HTML)
    assert [r.raw for r in refs] == [
        "Smith J. Things. J Things. 2001;3:4.",
        "Jones K. Stuff. 2003;5:6.",
    ]


def test_html_declared_latin1_charset_is_honoured() -> None:
    html = (
        '<html><head><meta charset="iso-8859-1"></head><body><h2>References</h2>'
        "<ol><li>Müller A. Über Dinge. Z Dinge. 2001;3:4.</li></ol></body></html>"
    ).encode("latin-1")
    (ref,) = extract_references(doc(html, "x.html"))
    assert ref.raw.startswith("Müller A. Über")


def test_html_line_numbers_come_from_the_source() -> None:
    refs = _refs("html/mayo-style-article.html")
    source = (FORMATS / "html/mayo-style-article.html").read_text().split("\n")
    for ref in refs:
        assert source[ref.line - 1][ref.column - 1 :].startswith("<li>")


def test_html_columns_tell_apart_items_on_one_line() -> None:
    html = (
        "<html><body><h2>References</h2><ol><li>Smith J. Things. J T. 2001;3:4.</li>"
        "<li>Jones K. Stuff. J S. 2003;5:6.</li></ol></body></html>"
    )
    refs = extract_references(doc(html, "min.html"))
    assert [(r.line, html[r.column - 1 : r.column + 9]) for r in refs] == [
        (1, "<li>Smith "),
        (1, "<li>Jones "),
    ]


# ------------------------------------------------------------------------- Markdown


def test_markdown_footnotes_and_numbered_link_definitions() -> None:
    refs = _refs("markdown/footnotes-only.md")
    assert [r.label for r in refs] == ["1", "2", "3"]
    text = 'Text [1].\n\n[1]: https://doi.org/10.1/x "Smith J. Things. J Things. 2001;3:4."\n'
    (ref,) = extract_references(doc(text, "x.md"))
    assert ref.label == "[1]" and ref.urls == ("https://doi.org/10.1/x",) and ref.line == 3


def test_markdown_code_blocks_are_not_references() -> None:
    text = (
        "# Demo\n\n```\n1. Smith J. Things. J Things. 2001;3:4.\n"
        "2. Jones K. Stuff. J Stuff. 2003;5:6.\n```\n"
    )
    assert extract_references(doc(text, "x.md")) == []


# ---------------------------------------------------------------------- DOCX and PDF


def test_docx_zotero_and_mendeley_fields() -> None:
    refs = _refs("docx/manuscript-zotero.docx")
    assert [r.fields["id"] for r in refs if r.fields] == [101, 102, "ITEM-1"]
    assert refs[0].label == "1" and refs[0].line == 8
    # Cited through Mendeley but missing from the bibliography: still reported.
    assert refs[2].line == 4 and "Interventions for leg cramps" in refs[2].raw


def test_docx_not_a_zip() -> None:
    with pytest.raises(ExtractError, match=r"not-a-zip\.docx: not a Word document \(not a zip"):
        _refs("docx/not-a-zip.docx")


def test_docx_zip_without_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ExtractError, match=r"no word/document\.xml"):
        extract_references(doc(buffer.getvalue(), "x.docx"))


def test_docx_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/bomb.bin", "w") as member:
            chunk = b"\0" * 2**20
            for _ in range(300):
                member.write(chunk)
    assert len(buffer.getvalue()) < 2 * 2**20
    with pytest.raises(ExtractError, match="too large when decompressed"):
        extract_references(doc(buffer.getvalue(), "bomb.docx"))


def test_pdf_reference_across_a_page_break() -> None:
    refs = _refs("pdf/review-article.pdf")
    assert refs[3].raw.endswith("ab005.cfm. Accessed October 12, 2010.")
    assert "J Perinat Educ" not in refs[3].raw


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("scanned-no-text.pdf", "PDF has no text layer"),
        ("encrypted.pdf", r"encrypted PDF \(it needs a password\)"),
    ],
)
def test_pdf_that_cannot_be_read(name: str, message: str) -> None:
    with pytest.raises(ExtractError, match=message):
        _refs(f"pdf/{name}")


def test_truncated_pdf() -> None:
    data = (FORMATS / "pdf/review-article.pdf").read_bytes()[:400]
    with pytest.raises(ExtractError, match=r"^x\.pdf: "):
        extract_references(doc(data, "x.pdf"))


# ---------------------------------------------------------------------- CSL helpers


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("2010-10-12", [2010, 10, 12]),
        ("2010/10/12/", [2010, 10, 12]),
        ("Oct. 12, 2010", [2010, 10, 12]),
        ("12 October 2010", [2010, 10, 12]),
        ("[cited 2010 Oct 12]", [2010, 10, 12]),
        ("Accessed: March 3, 2019", [2019, 3, 3]),
        ("October 2010", [2010, 10]),
        ("2019", [2019]),
    ],
)
def test_parse_date(text: str, parts: list[int]) -> None:
    assert parse_date(text) == {"date-parts": [parts]}


def test_parse_date_keeps_what_it_cannot_read() -> None:
    assert parse_date("the day before yesterday") == {"raw": "the day before yesterday"}
    assert parse_date("2010-02-31") == {"raw": "2010-02-31"}


def test_format_item_reads_like_a_reference() -> None:
    item = {
        "type": "article-journal",
        "author": [{"family": "Hensley", "given": "Jennifer G."}],
        "title": "Leg cramps",
        "container-title": "J Midwifery Womens Health",
        "issued": {"date-parts": [[2009]]},
        "volume": "54",
        "issue": "3",
        "page": "211-218",
        "DOI": "10.1016/j.jmwh.2008.12.007",
    }
    assert format_item(item) == (
        "Hensley JG. Leg cramps. J Midwifery Womens Health. 2009;54(3):211-218. "
        "doi:10.1016/j.jmwh.2008.12.007"
    )
