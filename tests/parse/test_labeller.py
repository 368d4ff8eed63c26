"""The learned labeller: decoding, the shipped model, and the no-model fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from refcheck.model import Name, PartialDate, ReferenceType
from refcheck.parse import parse_reference
from refcheck.parse.labeller import (
    COARSE,
    MODEL_DIR,
    _trim_container,
    decode,
    label_tokens,
    load_lexicon,
    load_second_pass,
    load_tagger,
    second_pass_features,
    use_model,
)
from refcheck.parse.rules import prepare
from refcheck.parse.tokens import Token, features, set_lexicon, stack_features, tokenise
from training.train import build_lexicon


def test_decode_shapes_fields_from_labels() -> None:
    text = "Smith, J. (2009). Leg cramps. Journal of Things, 54(3), 211-8."
    tokens = tokenise(text)
    words = [t[0] for t in tokens]
    labels = (
        ["author"] * 2
        + ["date"] * 4
        + ["title"] * 2
        + ["container"] * 3
        + ["volume"]
        + ["issue"] * 3
        + ["O", "pages"]
    )
    assert len(labels) == len(words), words
    draft = decode(text, tokens, labels)
    assert draft.authors == "Smith, J."
    assert draft.year == "2009"
    assert draft.title == "Leg cramps"
    assert draft.container == "Journal of Things"
    assert (draft.volume, draft.issue, draft.pages) == ("54", "3", "211-218")


def test_tokeniser_splits_vancouver_blocks() -> None:
    assert [t[0] for t in tokenise("Health. 2009;54(3):211-8.")] == [
        "Health.",
        "2009",
        ";",
        "54",
        "(",
        "3",
        ")",
        ":",
        "211-8.",
    ]
    feats = features(tokenise("Smith J. Title. 2009"))
    assert len(feats) == 4 and "BOS" in feats[0] and "EOS" in feats[-1]
    assert "year" in feats[-1]


def test_features_pair_each_token_with_its_neighbours() -> None:
    """A linear CRF weighs features one by one: the pairs that matter together (a word
    and its neighbour, a full stop and the capital after it) are features of their own."""
    feats = features(tokenise("Smith J. The title. J Mol Evol. 2009"))
    the, mol = feats[2], feats[5]
    assert {"wL=j|the", "wR=the|title", "tk=.C", "kt=_l", "kkk=CCl", "tt=._"} <= set(the)
    assert {"wL=j|mol", "wR=mol|evol", "tk=_C"} <= set(mol)
    assert {"wL=^|smith", "tk=^C", "kkk=^CC"} <= set(feats[0])
    assert {"wR=2009|$", "kt=_$"} <= set(feats[-1])


def test_shipped_model_exists_and_is_small() -> None:
    model = MODEL_DIR / "crf.model"
    assert model.exists()
    assert model.stat().st_size < 5_000_000
    assert load_tagger(MODEL_DIR) is not None


@pytest.mark.parametrize(
    ("raw", "authors", "title", "container", "year"),
    [
        (
            "[3] J. G. Hensley and A. Smith, \u201cLeg cramps in pregnancy,\u201d IEEE Trans. "
            "Med. Imaging, vol. 12, no. 3, pp. 211\u2013218, 2009.",
            ["Hensley", "Smith"],
            "Leg cramps in pregnancy",
            "IEEE Trans. Med. Imaging",
            2009,
        ),
        (
            "Hensley, J. G. and Smith, A. (2009) 'Leg cramps in pregnancy', Journal of "
            "Midwifery, 54(3), pp. 211-218.",
            ["Hensley", "Smith"],
            "Leg cramps in pregnancy",
            "Journal of Midwifery",
            2009,
        ),
        (
            "Hensley, Jane G. \u201cLeg Cramps in Pregnancy.\u201d Journal of Midwifery, vol. 54, "
            "no. 3, 2009, pp. 211-18.",
            ["Hensley"],
            "Leg Cramps in Pregnancy",
            "Journal of Midwifery",
            2009,
        ),
    ],
)
def test_crf_reads_other_styles(
    raw: str, authors: list[str], title: str, container: str, year: int
) -> None:
    ref = parse_reference(raw)
    assert [a.family for a in ref.authors] == authors
    assert ref.title == title
    assert ref.container_title == container
    assert ref.issued is not None and ref.issued.year == year
    assert ref.page == "211-218"
    assert ref.type is ReferenceType.ARTICLE_JOURNAL


def test_crf_reads_web_references_with_access_dates() -> None:
    ref = parse_reference(
        "National Health Service (2020) Leg cramps. Available at: https://www.nhs.uk/"
        "conditions/leg-cramps/ (Accessed: 12 October 2021)."
    )
    assert ref.authors == (Name(literal="National Health Service"),)
    assert ref.title == "Leg cramps"
    assert ref.issued == PartialDate(2020)
    assert ref.accessed == PartialDate(2021, 10, 12)
    assert ref.urls == ("https://www.nhs.uk/conditions/leg-cramps/",)
    assert ref.type is ReferenceType.WEBPAGE


def test_without_a_model_the_heuristic_still_parses(tmp_path: Path) -> None:
    use_model(tmp_path)  # an empty directory: no model
    try:
        ref = parse_reference("Smith J, Jones B. Leg cramps. Some Journal 12, 2009.")
        assert ref.title == "Leg cramps"
        assert ref.issued == PartialDate(2009)
    finally:
        use_model(None)


def test_import_does_not_load_the_model() -> None:
    import subprocess
    import sys

    # Start-up cost is measured by benchmarks/parse_benchmark.py; here, only that the
    # model and python-crfsuite wait until the first reference is parsed.
    code = "import refcheck.parse, sys; print('pycrfsuite' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_stack_features_describe_the_first_reading() -> None:
    labels = ["author", "author", "title", "journal", "title", "date"]
    feats = stack_features(labels)
    assert len(feats) == len(labels)
    lone = feats[3]  # a one-token "journal" run inside a title
    assert {"y0=journal", "rl=1", "prnr=title|title", "had=title", "will=title",
            "will=date", "had=author"} <= set(lone)
    assert "nth=1" in feats[4]  # the title's second run
    assert "y-1=BOS" in feats[0] and "y+1=EOS" in feats[-1]


def _gold(n: int) -> dict[str, object]:
    """A small labelled Vancouver reference in the shared data's gold shape."""
    segments = [
        ["author", f"Author{n} A, Writer{n} B."], [None, " "],
        ["title@a", f"A study of cramps number {n}."], [None, " "],
        ["title@j", "J Things."], [None, " "], ["date", str(1990 + n % 30)], [None, ";"],
        ["biblScope@volume", str(n % 40 + 1)], [None, ":"], ["biblScope@page", f"{n}-{n + 9}"],
        [None, "."],
    ]
    return {"raw": "".join(text for _label, text in segments), "segments": segments,
            "source": "grobid-vancouver-dev"}


def test_a_stacked_model_reads_with_its_second_pass(tmp_path: Path) -> None:
    from training.train import train

    train([_gold(n) for n in range(40)], tmp_path, stacked=True)
    assert load_second_pass(tmp_path) is not None
    tokens = tokenise("Author7 A, Writer7 B. A study of cramps number 7. J Things. 1997;8:7-16.")
    use_model(tmp_path)
    try:
        labels = label_tokens(tokens)
    finally:
        use_model(None)
    set_lexicon(load_lexicon(tmp_path))
    feats = features(tokens)
    first = load_tagger(tmp_path).tag(feats)
    assert labels == load_second_pass(tmp_path).tag(second_pass_features(feats, first))
    assert labels[0] == "author" and "title" in labels
    assert load_second_pass(MODEL_DIR) is None  # the shipped model is one pass (speed)


def test_abbreviated_journal_word_after_last_author_is_not_a_name() -> None:
    ref = parse_reference("4. V. Pravda and A. Pravdova, Czech. J. Phys. 50, 333 (2000).")
    assert [a.family for a in ref.authors] == ["Pravda", "Pravdova"]
    assert ref.container_title == "Czech. J. Phys"


def test_run_on_fields_are_trimmed() -> None:
    from refcheck.parse.labeller import _trim_container, _trim_title

    assert _trim_container("Psychological Review, LXV") == ("Psychological Review", "LXV")
    assert _trim_container("Hum Mol Genet, 2005") == ("Hum Mol Genet", "2005")
    assert _trim_container("Journal of Things") == ("Journal of Things", None)
    assert _trim_title("The Jacaranda atlas, 3rd edn") == ("The Jacaranda atlas", "3rd edn")
    assert _trim_title("Invisible Cities. Translated by William Weaver") == (
        "Invisible Cities",
        None,
    )
    assert _trim_title("Leg cramps, 3 cases") == ("Leg cramps, 3 cases", None)


def test_decode_hands_a_trimmed_volume_back() -> None:
    text = "Newell A. Elements. Psychological Review, LXV, 1958."
    tokens = tokenise(text)
    labels = ["author", "author", "title", "container", "container", "container", "date"]
    assert len(tokens) == len(labels)
    draft = decode(text, tokens, labels)
    assert draft.container == "Psychological Review"
    assert draft.volume == "LXV"
    assert draft.year == "1958"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vol. 12, No. 3,", ("12", "3", None)),
        ("54(3):211-8", ("54", "3", "211-218")),
        ("13.2", ("13", "2", None)),
        ("305, (5689),", ("305", "5689", None)),
        ("Bd. 4, Heft 2", ("4", "2", None)),
        ("n\u00b095,", (None, "95", None)),
        ("vol. 7", ("7", None, None)),
    ],
)
def test_volume_spans_are_split(text: str, expected: tuple[str | None, ...]) -> None:
    from refcheck.parse.labeller import _split_volume

    assert _split_volume(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Centers for Disease Control, \u201cLeg cramps: what to know,\u201d",
         ("Centers for Disease Control", "Leg cramps: what to know", None)),
        ("'Pregnant women urged to get flu jab', BBC",
         (None, "Pregnant women urged to get flu jab", "BBC")),
        ("Communication Networks,\u201d in The Forbidden Best-Sellers",
         (None, "Communication Networks", "in The Forbidden Best-Sellers")),
        ('The "best" of times', (None, 'The "best" of times', None)),
        ("\u201cBest\u201d practices in care", (None, "\u201cBest\u201d practices in care", None)),
    ],
)  # fmt: skip
def test_quotes_mark_where_a_title_is(
    text: str, expected: tuple[str | None, str, str | None]
) -> None:
    from refcheck.parse.labeller import _split_quoted

    assert _split_quoted(text) == expected


def test_a_lone_container_without_journal_marks_is_a_book_title() -> None:
    text = "Bing J. Novalis: Eine Biographische Charakteristik. Hamburg, 1893."
    tokens = tokenise(text)
    labels = ["author"] * 2 + ["container"] * 5 + ["location", "date"]
    assert len(tokens) == len(labels), [t[0] for t in tokens]
    draft = decode(text, tokens, labels)
    assert draft.title == "Novalis: Eine Biographische Charakteristik"
    assert draft.container is None
    # A journal keeps its place even without volume or pages.
    text = "Chiang J. 1998, ApJ, submitted."
    tokens = tokenise(text)
    labels = ["author", "author", "date", "container", "O"]
    assert decode(text, tokens, labels).container == "ApJ"


def _decode(text: str, labels: list[str]):  # type: ignore[no-untyped-def]
    tokens = tokenise(text)
    assert len(tokens) == len(labels), [t[0] for t in tokens]
    return decode(text, tokens, labels)


def test_full_dates_stay_dates_whatever_the_labels() -> None:
    # The day came out as a volume and the month as part of the container: a
    # "Month DD, YYYY" or "DD Month YYYY" run is a date.
    draft = _decode(
        "Figshare. February 11, 2021.",
        ["container", "container", "volume", "pages"],
    )
    assert draft.container == "Figshare"
    assert draft.volume is None and draft.pages is None
    assert draft.year == "2021"
    draft = _decode("Observer, 3 December 2006.", ["container", "volume", "date", "date"])
    assert draft.volume is None and draft.year == "2006"
    # Inside a title a date is part of the title.
    draft = _decode(
        "Remembering 11 September 2001. Lancet",
        ["title", "title", "title", "title", "container"],
    )
    assert draft.title == "Remembering 11 September 2001"


def test_fine_labels_fold_into_fields() -> None:
    assert COARSE["journal"] == "container"
    draft = _decode(
        "Smith J. Cramps. Brain Things 12.",
        ["author", "author", "title", "journal", "journal", "volume"],
    )
    assert draft.container == "Brain Things" and draft.volume == "12"
    # A lone container the model called a journal stays a journal (no volume needed);
    # one it called a book container with nothing journal-like is the book's title.
    draft = _decode("Smith J. Brain Things.", ["author", "author", "journal", "journal"])
    assert (draft.title, draft.container) == (None, "Brain Things")
    draft = _decode("Smith J. Brain Things.", ["author", "author", "container", "container"])
    assert (draft.title, draft.container) == ("Brain Things", None)


def test_title_does_not_end_in_a_lone_article() -> None:
    draft = _decode(
        "Gardenfors, P. Knowledge in Flux. The MIT Press.",
        ["author", "author", "title", "title", "title", "title", "publisher", "publisher"],
    )
    assert draft.title == "Knowledge in Flux"


def test_lexicon_is_learned_from_labels_and_shipped_with_the_model() -> None:
    tok = tokenise("Lancet Lancet Lancet Smith")
    data = [(tok, ["journal", "journal", "title", "author"])]
    lexicon = build_lexicon(data)
    assert lexicon["lancet"] == "journal"  # 2 of 3: above the share threshold
    assert "smith" not in lexicon  # seen once
    shipped = load_lexicon(MODEL_DIR)
    assert shipped and set(shipped.values()) <= {
        "author",
        "journal",
        "container",
        "publisher",
        "location",
        "title",
    }
    set_lexicon(shipped)
    word, field = next(iter(shipped.items()))
    assert "d=" + field in features(tokenise(word))[0]


def _label_spans(text: str, spans: dict[str, str]) -> tuple[list[Token], list[str]]:
    """Tokens of ``text`` labelled by which quoted piece of it they fall in."""
    tokens = tokenise(text)
    where = [(label, text.index(p), text.index(p) + len(p)) for p, label in spans.items()]
    labels = []
    for _word, start, _end in tokens:
        found = [label for label, a, b in where if a <= start < b]
        labels.append(found[0] if found else "O")
    return tokens, labels


def test_site_after_a_leading_title_is_the_container() -> None:
    """MLA without an author: the labeller's "author" after the title is the site and
    its publisher."""
    text = '"Leg Cramps." MedlinePlus, U.S. National Library of Medicine, 2 Feb. 2021.'
    tokens, labels = _label_spans(
        text,
        {
            '"Leg Cramps."': "title",
            "MedlinePlus, U.S. National Library of Medicine,": "author",
            "2 Feb. 2021": "date",
        },
    )
    draft = decode(text, tokens, labels)
    assert draft.authors is None
    assert draft.title == "Leg Cramps"
    assert draft.container == "MedlinePlus"
    assert draft.publisher == "U.S. National Library of Medicine"


def test_a_date_keyword_is_not_a_container() -> None:
    text = 'American Diabetes Association. "Gestational Diabetes." Last modified April 2, 2019.'
    tokens, labels = _label_spans(
        text,
        {
            "American Diabetes Association.": "author",
            '"Gestational Diabetes."': "title",
            "Last": "journal",
            "modified April 2, 2019.": "date",
        },
    )
    draft = decode(text, tokens, labels)
    assert draft.container is None
    assert draft.authors == "American Diabetes Association."
    assert draft.year == "2019"


def test_an_author_list_the_labeller_cut_short_goes_on() -> None:
    text = "Pierre Sermanet, Andrea Frome, and Esteban Real. Attention for categorization. 2014."
    tokens, labels = _label_spans(
        text,
        {
            "Pierre Sermanet,": "author",
            "Andrea Frome, and Esteban Real. Attention for categorization.": "title",
            "2014.": "date",
        },
    )
    draft = decode(text, tokens, labels)
    assert draft.authors == "Pierre Sermanet, Andrea Frome, and Esteban Real"
    assert draft.title == "Attention for categorization"


def test_the_short_sentence_before_an_address_is_the_site() -> None:
    """Nature's web form: "Title. Site URL (Year)." with the address blanked out."""
    raw = (
        "Hadfield, J. MCMCglmm course notes. CRAN "
        "https://cran.r-project.org/web/CourseNotes.pdf (2019)."
    )
    text = prepare(raw).rest
    tokens, labels = _label_spans(
        text,
        {"Hadfield, J.": "author", "MCMCglmm course notes. CRAN": "title", "(2019).": "date"},
    )
    draft = decode(text, tokens, labels)
    assert (draft.title, draft.container) == ("MCMCglmm course notes", "CRAN")
    # Without an address after it, a title's second sentence stays in the title.
    plain = "Hadfield, J. MCMCglmm course notes. CRAN (2019)."
    tokens, labels = _label_spans(
        plain,
        {"Hadfield, J.": "author", "MCMCglmm course notes. CRAN": "title", "(2019).": "date"},
    )
    assert decode(plain, tokens, labels).title == "MCMCglmm course notes. CRAN"


def test_a_page_that_looks_like_a_year_gives_way_to_the_bracketed_year() -> None:
    text = "A. Anisimov and S. Mendizabal, Annals Phys. 326, 1998 (2011)."
    tokens, labels = _label_spans(
        text,
        {
            "A. Anisimov and S. Mendizabal,": "author",
            "Annals Phys.": "journal",
            "326,": "volume",
            "1998": "date",
        },
    )
    draft = decode(text, tokens, labels)
    assert (draft.year, draft.volume, draft.pages) == ("2011", "326", "1998")
    # The same with page and year read as one date.
    tokens, labels = _label_spans(
        text,
        {
            "A. Anisimov and S. Mendizabal,": "author",
            "Annals Phys.": "journal",
            "326,": "volume",
            "1998 (2011).": "date",
        },
    )
    draft = decode(text, tokens, labels)
    assert (draft.year, draft.volume, draft.pages) == ("2011", "326", "1998")


def test_the_end_of_a_page_range_is_not_the_year() -> None:
    text = "L. Lundsten, Whale falls, Deep Sea Res. I, vol. 57, pp. 1573 – 1584, Oct. 2010."
    tokens, labels = _label_spans(
        text,
        {
            "L. Lundsten,": "author",
            "Whale falls,": "title",
            "Deep Sea Res. I,": "journal",
            "vol. 57,": "volume",
            "1573 –": "pages",
            "1584,": "date",
            "Oct.": "O",
            "2010.": "date",
        },
    )
    draft = decode(text, tokens, labels)
    assert (draft.year, draft.pages) == ("2010", "1573-1584")


def test_the_title_after_the_editors_is_the_book() -> None:
    text = "Jones, M. (2018) 'Sleep and cramps', in Green, P. (ed.) Handbook of Sleep. Oxford."
    tokens, labels = _label_spans(
        text,
        {
            "Jones, M.": "author",
            "(2018)": "date",
            "'Sleep and cramps',": "title",
            "in Green, P. (ed.)": "editor",
            "Handbook of Sleep.": "title",
            "Oxford.": "location",
        },
    )
    draft = decode(text, tokens, labels)
    assert (draft.title, draft.container) == ("Sleep and cramps", "Handbook of Sleep")


def test_a_city_left_in_the_container_joins_the_place() -> None:
    text = '[1] K. He, "Deep residual learning," in Proc. CVPR, Las Vegas, NV, USA, 2016.'
    tokens, labels = _label_spans(
        text,
        {
            "K. He,": "author",
            '"Deep residual learning,"': "title",
            "Proc. CVPR, Las Vegas,": "container",
            "NV, USA,": "location",
            "2016.": "date",
        },
    )
    draft = decode(text, tokens, labels)
    assert (draft.container, draft.place) == ("Proc. CVPR", "Las Vegas, NV, USA")


def test_authors_split_from_a_quoted_title_without_an_author_run() -> None:
    """The organisation before a quoted title becomes the author when the labeller put
    both in the title; decoding must not look for an author run that is not there."""
    text = 'CONVEX Computer Corporation, "Exemplar Programming Guide," Richardson, TX, 1993.'
    tokens, labels = _label_spans(
        text,
        {
            'CONVEX Computer Corporation, "Exemplar Programming Guide,"': "title",
            "Richardson, TX,": "location",
            "1993.": "date",
        },
    )
    draft = decode(text, tokens, labels)
    assert draft.authors == "CONVEX Computer Corporation"
    assert draft.title == "Exemplar Programming Guide"


def test_acs_volume_before_the_issue_and_the_ranged_pages() -> None:
    text = "(1) Zhang, Y. Magnesium Sulfate Crystals. J. Am. Chem. Soc. 2019, 141 (12), 4890–4897."
    tokens, labels = _label_spans(
        text,
        {
            "Zhang, Y.": "author",
            "Magnesium Sulfate Crystals.": "title",
            "J. Am. Chem. Soc.": "journal",
            "2019,": "date",
            "141": "pages",
            "12": "issue",
            "4890–4897.": "pages",
        },
    )
    draft = decode(text, tokens, labels)
    assert (draft.volume, draft.issue, draft.pages) == ("141", "12", "4890-4897")


def test_a_volume_word_does_not_end_a_container() -> None:
    assert _trim_container("Ergebnisse der Mathematik und ihrer Grenzgebiete, Band") == (
        "Ergebnisse der Mathematik und ihrer Grenzgebiete", "Band",
    )  # fmt: skip
    assert _trim_container("Journal of Vol Studies") == ("Journal of Vol Studies", None)


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ("54(3):211-8", ("54", "3", "211-218")),
        ("13.2", ("13", "2", None)),  # MLA
        ("11, 3,", ("11", "3", None)),  # Annals of Probability: volume, issue, pages
        ("19, 1264", ("19", None, "1264")),  # physics: volume, page
        ("Vol. 12, No. 3", ("12", "3", None)),
    ],
)
def test_split_volume_span(span: str, expected: tuple[str | None, ...]) -> None:
    from refcheck.parse.labeller import _split_volume

    assert _split_volume(span) == expected
