"""The fix library on hand-built reports: what is planned, and how each format is edited."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from refcheck.errors import UsageError
from refcheck.extract import extract_references
from refcheck.extract.interface import Document, InputFormat
from refcheck.fix import ChangeKind, apply_fixes, fix_document, plan_fixes
from refcheck.fix.plan import Change, ReferenceFix, plan_reference
from refcheck.model import (
    ArticleReport,
    ExtractedReference,
    FieldComparison,
    Finding,
    LinkResult,
    LinkStatus,
    PartialDate,
    Redirect,
    Reference,
    ReferenceReport,
    RegisteredWork,
    Resolution,
    ResolutionStatus,
    Severity,
)

DOI = "10.1016/j.jmwh.2009.01.003"
OTHER = "10.1016/j.ejogrb.2008.07.005"
RECORD = RegisteredWork(
    doi=DOI, title="Leg Cramps and Restless Legs Syndrome During Pregnancy",
    container_title="Journal of Midwifery & Women's Health", issued=PartialDate(2009, 5),
    volume="54", issue="3", page="211-218",
)
MATCHED = Resolution(ResolutionStatus.MATCHED, doi=DOI, confidence=0.97, record=RECORD)


def finding(code: str, message: str = "", field: str | None = None) -> Finding:
    return Finding(code, Severity.WARNING, message or code, field=field)


def report_for(
    ext: ExtractedReference,
    *,
    resolution: Resolution = MATCHED,
    doi: str | None = None,
    links: tuple[LinkResult, ...] = (),
    findings: tuple[Finding, ...] = (),
    index: int = 1,
) -> ReferenceReport:
    reference = Reference(title="Leg cramps", doi=doi, urls=tuple(lk.url for lk in links))
    return ReferenceReport(index, ext, reference, resolution, links, findings)


def article(*refs: ReferenceReport) -> ArticleReport:
    return ArticleReport("test", dt.date(2026, 11, 26), tuple(refs))


EXT = ExtractedReference("Hensley JG. Leg cramps. 2009;54:211.", line=1)
MOVED = LinkResult(
    "http://old.example/a", LinkStatus.REDIRECTED, 200, "https://new.example/a",
    (Redirect("http://old.example/a", 301, "http://old.example/b"),
     Redirect("http://old.example/b", 308, "https://new.example/a")),
)
TEMPORARILY_MOVED = LinkResult(
    "http://old.example/t", LinkStatus.REDIRECTED, 200, "https://new.example/t",
    (Redirect("http://old.example/t", 301, "http://old.example/u"),
     Redirect("http://old.example/u", 302, "https://new.example/t")),
)
DEAD = LinkResult(
    "http://gone.example/p", LinkStatus.BROKEN, 404,
    archive_url="https://web.archive.org/web/2010/http://gone.example/p", detail="404 Not Found",
)


# ------------------------------------------------------------------ planning


def test_doi_added_only_from_a_matched_resolution() -> None:
    ref = report_for(EXT, findings=(finding("doi-missing"),))
    (fix,) = plan_fixes(article(ref))
    (change,) = fix.changes
    assert (change.kind, change.new, change.finding) == (ChangeKind.ADD_DOI, DOI, "doi-missing")
    for status in (ResolutionStatus.AMBIGUOUS, ResolutionStatus.NOT_FOUND,
                   ResolutionStatus.ERROR, ResolutionStatus.SKIPPED):
        unsure = Resolution(status, doi=DOI, record=RECORD)
        ref = report_for(EXT, resolution=unsure, findings=(finding("doi-missing"),))
        assert plan_fixes(article(ref)) == []


def test_doi_mismatch_replaced_when_matched_and_declined_when_not() -> None:
    ref = report_for(EXT, doi=OTHER, findings=(finding("doi-mismatch", field="DOI"),))
    (change,) = plan_reference(ref).changes
    assert (change.kind, change.old, change.new) == (ChangeKind.REPLACE_DOI, OTHER, DOI)

    not_found = Resolution(ResolutionStatus.NOT_FOUND, record=RegisteredWork(doi=OTHER))
    ref = report_for(EXT, doi=OTHER, resolution=not_found,
                     findings=(finding("doi-mismatch", field="DOI"),))
    fix = plan_reference(ref)
    assert fix.changes == ()
    assert any("not matched" in why for why in fix.declined)


def test_a_switched_off_finding_is_not_fixed() -> None:
    """A user who dropped doi-missing in the settings gets no DOI written."""
    ref = report_for(EXT, findings=())
    assert plan_fixes(article(ref)) == []


def test_url_replaced_only_when_every_hop_is_permanent() -> None:
    ref = report_for(EXT, links=(MOVED, TEMPORARILY_MOVED), findings=(
        finding("link-redirected", f"moved: {MOVED.url}"),
        finding("link-redirected", f"moved: {TEMPORARILY_MOVED.url}"),
    ))
    fix = plan_reference(ref)
    (change,) = fix.changes
    assert (change.kind, change.old, change.new) == (
        ChangeKind.UPDATE_URL, MOVED.url, "https://new.example/a"
    )
    assert "301 -> 308" in change.reason
    assert any(TEMPORARILY_MOVED.url in why and "temporary" in why for why in fix.declined)


def test_archive_only_for_dead_links() -> None:
    blocked = LinkResult("http://blocked.example/", LinkStatus.BLOCKED, 403,
                         archive_url="https://web.archive.org/web/2010/http://blocked.example/")
    no_copy = LinkResult("http://gone.example/q", LinkStatus.SOFT_404, 200)
    ref = report_for(EXT, links=(DEAD, blocked, no_copy), findings=(
        finding("link-broken", f"link is dead: {DEAD.url}"),
        finding("link-blocked", f"refused: {blocked.url}"),
        finding("link-soft-404", f"gone: {no_copy.url}"),
    ))
    fix = plan_reference(ref)
    (change,) = fix.changes
    assert (change.kind, change.old, change.new, change.finding) == (
        ChangeKind.ADD_ARCHIVE, DEAD.url, DEAD.archive_url, "link-broken"
    )
    assert any("no archived copy" in why for why in fix.declined)


def test_an_archived_copy_is_never_archived_again() -> None:
    copy = LinkResult("https://web.archive.org/web/2010/http://gone.example/p",
                      LinkStatus.BROKEN, 404, archive_url="https://web.archive.org/web/2/x")
    ref = report_for(EXT, links=(copy,), findings=(finding("link-broken", copy.url),))
    fix = plan_reference(ref)
    assert fix.changes == () and "itself an archived copy" in fix.declined[0]


def test_metadata_only_fields_the_record_has_and_never_authors() -> None:
    record = RegisteredWork(doi=DOI, title=None, volume="54", issue="3")
    resolution = Resolution(
        ResolutionStatus.MATCHED, doi=DOI, record=record, comparisons=(
            FieldComparison("issue", "4", "3", 0.0, False),
        ),
    )
    ref = report_for(EXT, resolution=resolution, findings=(
        finding("metadata-mismatch", field="issue"),
        finding("metadata-mismatch", field="title"),
        finding("metadata-mismatch", field="author"),
    ))
    fix = plan_reference(ref)
    (change,) = fix.changes
    assert (change.field, change.old, change.new) == ("issue", "4", "3")
    assert any("no title" in why for why in fix.declined)
    assert any("author" in why for why in fix.declined)

    unmatched = Resolution(ResolutionStatus.AMBIGUOUS, record=RECORD)
    ref = report_for(EXT, resolution=unmatched,
                     findings=(finding("metadata-mismatch", field="issue"),))
    assert plan_reference(ref).changes == ()


# ------------------------------------------------------------------ BibTeX

BIB = """@article{a,
  title = {Leg cramps},
  number = 4,
  pages = {211}
}

@article{b,
\ttitle = {{DNA} and leg cramps},
\tyear = "2008",
\turl = {http://old.example/a},
}
"""


def bib_fix(key: str, line: int, *changes: Change) -> ReferenceFix:
    return ReferenceFix(1, ExtractedReference(key, line=line, label=key), changes)


def test_bibtex_inserts_fields_in_the_entry_style_and_keeps_the_rest() -> None:
    doc = Document("refs.bib", BIB.encode())
    fixes = [
        bib_fix("a", 1,
                Change(ChangeKind.ADD_DOI, "DOI", None, DOI, "doi-missing", ""),
                Change(ChangeKind.UPDATE_FIELD, "issue", "4", "3", "metadata-mismatch", ""),
                Change(ChangeKind.UPDATE_FIELD, "page", "211", "211-218", "metadata-mismatch", "")),
        bib_fix("b", 7,
                Change(ChangeKind.UPDATE_URL, "URL", "http://old.example/a",
                       "https://new.example/a", "link-redirected", ""),
                Change(ChangeKind.UPDATE_FIELD, "title", "DNA and leg cramps",
                       "DNA & leg cramps", "metadata-mismatch", ""),
                Change(ChangeKind.UPDATE_FIELD, "issued", "2008", "2009", "metadata-mismatch", ""),
                Change(ChangeKind.ADD_ARCHIVE, "URL", "http://x.example/",
                       "https://web.archive.org/web/1/http://x.example/", "link-broken", "")),
    ]
    outcome = fix_document(doc, InputFormat.BIBTEX, fixes)
    assert outcome.corrected == """@article{a,
  title = {Leg cramps},
  number = 3,
  pages = {211--218},
  doi = {10.1016/j.jmwh.2009.01.003}
}

@article{b,
\ttitle = {{DNA} and leg cramps},
\tyear = "2009",
\turl = {https://new.example/a},
\tnote = {Archived at \\url{https://web.archive.org/web/1/http://x.example/}},
}
"""
    (skipped,) = outcome.skipped
    assert skipped.change is not None and skipped.change.field == "title"
    assert "LaTeX markup" in skipped.reason
    assert len(outcome.applied) == 6
    # refcheck reads its own output back.
    refs = extract_references(Document("out.bib", outcome.corrected.encode()), InputFormat.BIBTEX)
    assert refs[0].fields is not None and refs[0].fields["DOI"] == DOI
    assert refs[0].fields["issue"] == "3"


def test_bibtex_entry_that_cannot_be_mapped_is_left_alone() -> None:
    doc = Document("refs.bib", BIB.encode())
    change = Change(ChangeKind.ADD_DOI, "DOI", None, DOI, "doi-missing", "")
    wrong_key = bib_fix("zzz", 1, change)
    wrong_line = bib_fix("b", 1, change)
    outcome = fix_document(doc, InputFormat.BIBTEX, [wrong_key, wrong_line])
    assert outcome.corrected == BIB
    assert [s.reason for s in outcome.skipped] == [
        "no single entry with key 'zzz' starts on line 1",
        "no single entry with key 'b' starts on line 1",
    ]


def test_bibtex_keeps_crlf() -> None:
    text = BIB.replace("\n", "\r\n")
    fix = bib_fix("a", 1, Change(ChangeKind.ADD_DOI, "DOI", None, DOI, "doi-missing", ""))
    out = apply_fixes(Document("refs.bib", text.encode()), InputFormat.BIBTEX, [fix])
    assert "\r\n  doi = {10.1016/j.jmwh.2009.01.003}\r\n}" in out
    assert "\n" not in out.replace("\r\n", "")


# ------------------------------------------------------------------ text


def text_fix(raw: str, line: int, *changes: Change, column: int = 1) -> ReferenceFix:
    return ReferenceFix(1, ExtractedReference(raw, line=line, column=column), changes)


ADD = Change(ChangeKind.ADD_DOI, "DOI", None, DOI, "doi-missing", "")


def test_text_doi_goes_before_the_access_date() -> None:
    text = "Intro.\n\n1. Smith J. A page. http://x.example/. Accessed May 2, 2023.\n"
    fix = text_fix("Smith J. A page. http://x.example/. Accessed May 2, 2023.", 3, ADD,
                   column=4)
    out = fix_document(Document("a.txt", text.encode()), InputFormat.TEXT, [fix]).corrected
    assert out == (
        "Intro.\n\n1. Smith J. A page. http://x.example/. "
        "doi:10.1016/j.jmwh.2009.01.003. Accessed May 2, 2023.\n"
    )


def test_text_multi_line_reference_gets_the_doi_on_its_last_line() -> None:
    text = "- Hensley JG. Leg cramps.\n  J Midwifery. 2009;54:211.\n- Next K. Other.\n"
    fix = text_fix("Hensley JG. Leg cramps. J Midwifery. 2009;54:211.", 1, ADD, column=3)
    diff = apply_fixes(Document("a.txt", text.encode()), InputFormat.TEXT, [fix])
    assert diff.splitlines()[2:] == [
        "@@ -1,3 +1,3 @@",
        " - Hensley JG. Leg cramps.",
        "-  J Midwifery. 2009;54:211.",
        "+  J Midwifery. 2009;54:211. doi:10.1016/j.jmwh.2009.01.003",
        " - Next K. Other.",
    ]


def test_text_reference_not_on_its_line_is_not_touched() -> None:
    text = "- Someone else entirely. 2001.\n"
    fix = text_fix("Hensley JG. Leg cramps. 2009;54:211.", 1, ADD, column=3)
    outcome = fix_document(Document("a.txt", text.encode()), InputFormat.TEXT, [fix])
    assert outcome.corrected == text and outcome.output == ""
    assert "does not hold this reference" in outcome.skipped[0].reason


def test_text_url_replaced_as_a_whole_address_only() -> None:
    text = "- Page. http://old.example/a and http://old.example/a/b. 2020.\n"
    change = Change(ChangeKind.UPDATE_URL, "URL", "http://old.example/a",
                    "https://new.example/a", "link-redirected", "")
    fix = text_fix("Page. http://old.example/a and http://old.example/a/b. 2020.", 1, change,
                   column=3)
    out = fix_document(Document("a.txt", text.encode()), InputFormat.TEXT, [fix]).corrected
    assert out == "- Page. https://new.example/a and http://old.example/a/b. 2020.\n"


def test_markdown_link_definition_takes_no_appended_text() -> None:
    text = '[1]: http://gone.example/p "Smith J. A page. 2010"\n'
    change = Change(ChangeKind.ADD_ARCHIVE, "URL", "http://gone.example/p",
                    "https://web.archive.org/web/1/http://gone.example/p", "link-broken", "")
    fix = text_fix("Smith J. A page. 2010 http://gone.example/p", 1, change)
    outcome = fix_document(Document("a.md", text.encode()), InputFormat.MARKDOWN, [fix])
    assert outcome.corrected == text


# ------------------------------------------------------------------ RIS, CSL-JSON, JATS


def test_ris_pages_and_year() -> None:
    text = "TY  - JOUR\nTI  - Leg cramps\nPY  - 2008///\nSP  - 211\nEP  - 213\nER  - \n"
    fix = ReferenceFix(1, ExtractedReference("x", line=1), (
        Change(ChangeKind.UPDATE_FIELD, "page", "211-213", "211-218", "metadata-mismatch", ""),
        Change(ChangeKind.UPDATE_FIELD, "issued", "2008", "2009", "metadata-mismatch", ""),
    ))
    out = fix_document(Document("a.ris", text.encode()), InputFormat.RIS, [fix]).corrected
    assert out == "TY  - JOUR\nTI  - Leg cramps\nPY  - 2009///\nSP  - 211\nEP  - 218\nER  - \n"


def test_csl_json_by_id_keeps_order_and_untouched_items() -> None:
    items = [{"id": "a", "title": "T", "type": "book"}, {"type": "book", "id": "b", "URL": "u"}]
    text = json.dumps(items)
    fix = ReferenceFix(2, ExtractedReference("x", line=1, label="b"), (ADD,))
    out = json.loads(apply_fixes(Document("a.json", text.encode()), InputFormat.CSL_JSON, [fix]))
    assert out == [items[0], {"type": "book", "id": "b", "URL": "u", "DOI": DOI}]
    assert list(out[1]) == ["type", "id", "URL", "DOI"]


def test_jats_minified_refs_without_ids_are_not_guessed() -> None:
    text = ("<article><back><ref-list><ref><mixed-citation>A. 2001.</mixed-citation></ref>"
            "<ref><mixed-citation>B. 2002.</mixed-citation></ref></ref-list></back></article>")
    fix = ReferenceFix(1, ExtractedReference("A. 2001.", line=1), (ADD,))
    outcome = fix_document(Document("a.xml", text.encode()), InputFormat.JATS, [fix])
    assert outcome.corrected == text
    assert "several <ref>" in outcome.skipped[0].reason


def test_jats_archive_declares_xlink_when_the_document_does_not() -> None:
    from lxml import etree

    text = ('<article><back><ref-list>\n<ref id="r1"><element-citation>'
            "<source>Page</source></element-citation></ref>\n</ref-list></back></article>\n")
    change = Change(ChangeKind.ADD_ARCHIVE, "URL", "http://gone.example/p",
                    "https://web.archive.org/web/1/http://gone.example/p?a=1&b=2",
                    "link-broken", "")
    fix = ReferenceFix(1, ExtractedReference("Page", line=2, fields={"id": "r1"}), (change,))
    out = fix_document(Document("a.xml", text.encode()), InputFormat.JATS, [fix]).corrected
    root = etree.fromstring(out.encode())
    (link,) = root.iter("ext-link")
    assert link.get("{http://www.w3.org/1999/xlink}href") == change.new
    assert out.startswith('<article><back><ref-list>\n<ref id="r1"><element-citation>')


@pytest.mark.parametrize("fmt", [InputFormat.PDF, InputFormat.DOCX, InputFormat.HTML])
def test_unwritable_formats_raise_usage_error(fmt: InputFormat) -> None:
    with pytest.raises(UsageError, match=f"fix: cannot write {fmt.value.upper()}"):
        apply_fixes(Document("x", b"x"), fmt, [])


def test_hostile_registered_values_cannot_break_lines_or_markup() -> None:
    record = RegisteredWork(doi=DOI, title="Leg\ncramps\x1b[31m \u202eevil</article-title>")
    resolution = Resolution(ResolutionStatus.MATCHED, doi=DOI, record=record)
    ref = report_for(EXT, resolution=resolution,
                     findings=(finding("metadata-mismatch", field="title"),))
    (change,) = plan_reference(ref).changes
    assert change.new == "Leg cramps[31m evil</article-title>"
    text = ('<article><back><ref-list>\n<ref id="r1"><element-citation>'
            "<article-title>Leg cramps</article-title></element-citation></ref>\n"
            "</ref-list></back></article>\n")
    fix = ReferenceFix(1, ExtractedReference("Leg cramps", line=2, fields={"id": "r1"}), (change,))
    out = fix_document(Document("a.xml", text.encode()), InputFormat.JATS, [fix]).corrected
    assert "<article-title>Leg cramps[31m evil&lt;/article-title&gt;</article-title>" in out


@pytest.mark.parametrize("target", [
    "https://new.example/a b", "https://new.example/a\nTY  - JOUR", "javascript:alert(1)",
    'https://new.example/"><x>',
])
def test_unsafe_redirect_targets_are_declined(target: str) -> None:
    link = LinkResult("http://old.example/a", LinkStatus.REDIRECTED, 200, target,
                      (Redirect("http://old.example/a", 301, target),))
    ref = report_for(EXT, links=(link,),
                     findings=(finding("link-redirected", f"moved: {link.url}"),))
    fix = plan_reference(ref)
    assert fix.changes == () and fix.declined


def test_splices_refuse_overlaps_and_keep_insertion_order() -> None:
    from refcheck.fix.edits import Splices

    splices = Splices("abcdefgh")
    assert splices.add(2, 4, "XY")
    assert not splices.add(3, 5, "no")  # overlaps c-d
    assert not splices.add(0, 3, "no")
    assert not splices.insert(3, "no")  # inside a replaced range
    assert splices.insert(4, "1") and splices.insert(4, "2")  # at its end: allowed, in order
    assert splices.insert(2, "<")  # at its start: before the replacement
    assert splices.add(6, 8, "Z")
    assert not splices.add(5, 7, "no")
    assert splices.insert(0, "^")
    assert not splices.add(7, 8, "no")
    assert splices.apply() == "^ab<XY12efZ"


def test_ris_record_whose_id_contradicts_is_left_alone() -> None:
    text = "TY  - JOUR\nID  - smith2001\nTI  - Leg cramps\nER  - \n"
    doc = Document("a.ris", text.encode())
    wrong = ReferenceFix(1, ExtractedReference("x", line=1, fields={"id": "jones"}), (ADD,))
    right = ReferenceFix(1, ExtractedReference("x", line=1, fields={"id": "smith2001"}), (ADD,))
    assert fix_document(doc, InputFormat.RIS, [wrong]).corrected == text
    assert fix_document(doc, InputFormat.RIS, [right]).corrected == text.replace(
        "ER  - ", "DO  - 10.1016/j.jmwh.2009.01.003\nER  - "
    )
