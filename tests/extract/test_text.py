"""The plain-text reader: the seed, its variants, headings, lists, paragraphs, lines."""

from __future__ import annotations

import pytest

from refcheck.extract import InputFormat, extract_references
from refcheck.extract.blocks import is_reference_heading
from refcheck.extract.textutil import reference_score

from .conftest import doc

SEED_FIRST_WORDS = [
    "Bermas BL.",
    "Artal R.",
    "You and your baby:",
    "Hensley JG.",
    "Nygaard IH, et al.",
    "Young G, et al.",
    "Sheon RP, et al.",
    "Anderson T.",
    "Laskowski ER (expert opinion).",
    "Harms RW (expert opinion).",
]


def _seed_lines(seed_text: str) -> list[str]:
    return seed_text.split("\n")


def test_seed_has_exactly_its_ten_references(seed_text: str) -> None:
    refs = extract_references(doc(seed_text))
    assert [r.line for r in refs] == list(range(40, 50))
    for ref, first in zip(refs, SEED_FIRST_WORDS, strict=True):
        assert ref.raw.startswith(first)
        assert ref.column == 3  # after "- "
        assert ref.label is None
    # The lines as they stand in the file, whitespace-normalised.
    lines = _seed_lines(seed_text)
    assert [r.raw for r in refs] == [lines[n - 1][2:].strip() for n in range(40, 50)]


def test_seed_other_lists_are_not_references(seed_text: str) -> None:
    raws = " ".join(r.raw for r in extract_references(doc(seed_text)))
    assert "Vaccines during pregnancy" not in raws
    assert "Stretch your calf muscles" not in raws
    assert "Find Mayo Clinic" not in raws


def test_seed_with_a_references_heading(seed_text: str) -> None:
    lines = _seed_lines(seed_text)
    lines.insert(39, "References")
    refs = extract_references(doc("\n".join(lines)))
    assert [r.line for r in refs] == list(range(41, 51))


def test_seed_with_references_moved_before_the_advice(seed_text: str) -> None:
    lines = _seed_lines(seed_text)
    refs_block = lines[39:49]
    rest = lines[:39] + lines[49:]
    # Put the references right after the navigation list (line 25), before the
    # question: the last list in the document is now the advice list.
    moved = rest[:25] + refs_block + rest[25:]
    refs = extract_references(doc("\n".join(moved)))
    assert [r.line for r in refs] == list(range(26, 36))
    assert [r.raw.split()[0] for r in refs] == [w.split()[0] for w in SEED_FIRST_WORDS]


def test_seed_without_references_finds_none(seed_text: str) -> None:
    lines = _seed_lines(seed_text)
    assert extract_references(doc("\n".join(lines[:39] + lines[49:]))) == []


def test_seed_numbered_and_crlf(seed_text: str) -> None:
    lines = _seed_lines(seed_text)
    for i in range(39, 49):
        lines[i] = f"{i - 38}. " + lines[i][2:]
    refs = extract_references(doc("\r\n".join(lines)))
    assert [r.label for r in refs] == [str(n) for n in range(1, 11)]
    assert [r.line for r in refs] == list(range(40, 50))
    assert refs[0].column == 4


@pytest.mark.parametrize(
    "heading",
    [
        "References",
        "REFERENCES",
        "# Bibliography",
        "## 7. References",
        "Works Cited",
        "Literature Cited:",
        "**Sources**",
        "Notes",
        "Reference List",
        "### References ###",
    ],
)
def test_reference_headings(heading: str) -> None:
    text = (
        "A short article about nothing in particular.\n\n"
        f"{heading}\n"
        "Smith J. A study of things. J Things. 2001;3:4-5.\n"
        "Jones K. Another study of things. J Things. 2003;5:6-9.\n"
    )
    refs = extract_references(doc(text))
    assert [r.line for r in refs] == [4, 5]
    assert refs[1].raw == "Jones K. Another study of things. J Things. 2003;5:6-9."


def test_heading_matching_is_exact() -> None:
    assert is_reference_heading("References:")
    assert not is_reference_heading("References to the war in his speeches")
    assert not is_reference_heading("Notes from the field")


def test_headed_section_ends_at_a_same_level_heading() -> None:
    text = (
        "# Article\n\nBody.\n\n## References\n\n"
        "* Smith J. Things. J Things. 2001;3:4.\n"
        "* Jones K. Stuff. J Stuff. 2003;5:6.\n\n"
        "## About the author\n\n"
        "* Jane writes about things since 2001; her book: Things (2010).\n"
    )
    refs = extract_references(doc(text, "a.md"))
    assert [r.raw.split()[0] for r in refs] == ["Smith", "Jones"]


@pytest.mark.parametrize(("marker", "label"), [("1.", "1"), ("1)", "1"), ("[1]", "[1]")])
def test_numbered_markers_and_continuations(marker: str, label: str) -> None:
    text = (
        "Body text of the article, with a claim.\n\n"
        "References\n"
        f"{marker} Manson JE, Cook NR, Lee IM, et al. Vitamin D supplements and\n"
        "   prevention of cancer. N Engl J Med. 2019;380(1):33-44.\n"
        f"{marker.replace('1', '2')} Bolland MJ. Effects of vitamin D. Lancet Diabetes\n"
        "Endocrinol. 2018;6(11):847-858.\n"
    )
    refs = extract_references(doc(text))
    assert len(refs) == 2
    assert refs[0].label == label
    assert refs[0].raw == (
        "Manson JE, Cook NR, Lee IM, et al. Vitamin D supplements and prevention of "
        "cancer. N Engl J Med. 2019;380(1):33-44."
    )
    assert refs[1].line == 6
    assert refs[1].raw.endswith("Lancet Diabetes Endocrinol. 2018;6(11):847-858.")


def test_one_reference_per_paragraph() -> None:
    text = (
        "Sources\n\n"
        "Smith, John. The Book of Things. Oxford University Press,\n"
        "2001.\n\n"
        "Jones, Kate. “A Paper.” Journal of Stuff, vol. 5, 2003, pp. 6-9.\n\n"
        "Follow us on social media\n"
    )
    refs = extract_references(doc(text))
    assert [(r.line, r.raw) for r in refs] == [
        (3, "Smith, John. The Book of Things. Oxford University Press, 2001."),
        (6, "Jones, Kate. “A Paper.” Journal of Stuff, vol. 5, 2003, pp. 6-9."),
    ]


def test_url_broken_across_lines_is_rejoined() -> None:
    text = (
        "References\n"
        "1. WHO. Malaria fact sheet. https://www.who.int/news-room/fact-\n"
        "   sheets/detail/malaria. Accessed May 2, 2024.\n"
    )
    (ref,) = extract_references(doc(text))
    assert "https://www.who.int/news-room/fact-sheets/detail/malaria." in ref.raw


def test_pasted_reference_list_without_heading() -> None:
    text = (
        "Smith J. A study of things. J Things. 2001;3:4-5.\n"
        "Jones K. Another study. J Things. 2003;5:6-9.\n"
    )
    refs = extract_references(doc(text))
    assert [r.line for r in refs] == [1, 2]


def test_prose_only_article_has_no_references() -> None:
    text = (
        "In 2010 the clinic opened a new wing.\n\n"
        "Visitors liked it, and the staff did too.\n\n"
        "It is open every day.\n"
    )
    assert extract_references(doc(text)) == []


def test_lines_format_reports_every_line_in_order() -> None:
    text = "\n  First line  \n\n[2] Second line\n- third\nnot a reference at all\n"
    refs = extract_references(doc(text), InputFormat.LINES)
    assert [(r.line, r.label, r.raw) for r in refs] == [
        (2, None, "First line"),
        (4, "[2]", "Second line"),
        (5, None, "third"),
        (6, None, "not a reference at all"),
    ]
    assert refs[0].column == 3


def test_reference_score_separates_references_from_prose() -> None:
    assert reference_score("Hensley JG. Leg cramps. J Midwifery. 2009;54:211.") >= 3
    assert reference_score("Stay hydrated. Keeping your muscles hydrated helps.") == 0
    assert reference_score("On Oct. 12, 2010 we went to the beach.") < 2


def test_trailing_reference_paragraphs_without_heading() -> None:
    text = (
        "Remote work is here to stay, the data suggest.\n\n"
        "Economists have argued about it for years. In 2021 a survey changed the debate.\n\n"
        "Barrero, J. M., Bloom, N., & Davis, S. J. (2021). Why working from home will "
        "stick. NBER Working Paper 28731.\n\n"
        "Bloom, N., Liang, J., Roberts, J., & Ying, Z. J. (2015). Does working from home "
        "work? The Quarterly Journal of Economics, 130(1), 165–218.\n\n"
        "Gibbs, M., Mengel, F., & Siemroth, C. (2023). Work from home and productivity. "
        "Journal of Political Economy Microeconomics, 1(1), 7–41.\n"
    )
    refs = extract_references(doc(text))
    assert [(r.line, r.raw.split(",")[0]) for r in refs] == [
        (5, "Barrero"),
        (7, "Bloom"),
        (9, "Gibbs"),
    ]


def test_a_related_links_list_with_dates_is_not_a_reference_list() -> None:
    text = (
        "City council approves new bike lanes\n\n"
        "The council voted 7-2 on Tuesday to add 12 miles of protected lanes by 2026.\n\n"
        "Related coverage:\n"
        "- Bike lane pilot results released (March 2024)\n"
        "- Mayor proposes transport budget, 2025\n"
        "- Residents divided on parking changes\n"
    )
    assert extract_references(doc(text)) == []


def test_notes_and_references_sections_are_both_read() -> None:
    text = (
        "Essay body that cites things.[1]\n\n"
        "Notes\n"
        "1. On this point see Smith (2001), 23.\n"
        "2. Ibid., 45.\n\n"
        "References\n"
        "Smith, J. (2001). The Book of Things. Oxford University Press.\n"
        "Jones, K. (2003). Stuff and more stuff. Journal of Stuff, 5(2), 6–9.\n"
    )
    refs = extract_references(doc(text))
    assert [(r.line, r.label) for r in refs] == [(4, "1"), (5, "2"), (8, None), (9, None)]
