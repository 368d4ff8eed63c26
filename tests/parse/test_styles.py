"""Whole references in the styles the rule templates read."""

from __future__ import annotations

import pytest

from refcheck.model import Name, PartialDate, ReferenceType
from refcheck.parse import parse_reference
from refcheck.parse.normalise import expand_pages, find_volume_block, parse_volume_block


def test_expand_pages() -> None:
    assert expand_pages("211-8") == "211-218"
    assert expand_pages("1199-205") == "1199-1205"
    assert expand_pages("95–101") == "95-101"
    assert expand_pages("pp. 12-19") == "12-19"
    assert expand_pages("e123-e130") == "e123-e130"
    assert expand_pages("S12-5") == "S12-S15"
    assert expand_pages("211") == "211"
    assert expand_pages("1429-17") == "1429-1417"  # a wrong range stays mechanical
    assert expand_pages("vi51-6") == "vi51-vi56"


def test_vancouver_block() -> None:
    block = find_volume_block("J Midwifery Womens Health. 2009 May-Jun;54(3):211-8.")
    assert block is not None
    assert (block.year, block.volume, block.issue, block.pages) == ("2009", "54", "3", "211-218")
    block = find_volume_block("Cochrane Database Syst Rev. 2002;(1):CD000121.")
    assert block is not None and block.issue == "1" and block.pages == "CD000121"
    block = find_volume_block("Cochrane Database of Systematic Reviews. 2002:CD000121.")
    assert block is not None and block.number == "CD000121" and block.volume is None
    assert parse_volume_block("54(3):211-8") == ("54", "3", "211-218")


def test_vancouver_full() -> None:
    ref = parse_reference(
        "1. Hensley JG, Smith AB. Leg cramps and restless legs syndrome during pregnancy. "
        "J Midwifery Womens Health. 2009 May-Jun;54(3):211-8. doi: 10.1016/j.jmwh.2008.11.007."
    )
    assert ref.type is ReferenceType.ARTICLE_JOURNAL
    assert ref.authors == (Name("Hensley", "J. G."), Name("Smith", "A. B."))
    assert ref.title == "Leg cramps and restless legs syndrome during pregnancy"
    assert ref.container_title == "J Midwifery Womens Health"
    assert ref.issued is not None and ref.issued.year == 2009
    assert (ref.volume, ref.issue, ref.page) == ("54", "3", "211-218")
    assert ref.doi == "10.1016/j.jmwh.2008.11.007"


def test_nlm_web_with_cited_and_updated() -> None:
    ref = parse_reference(
        "World Health Organization. Depression [Internet]. Geneva: WHO; 2020 "
        "[updated 2021 Jan 5; cited 2021 Mar 3]. Available from: "
        "https://www.who.int/news-room/fact-sheets/detail/depression."
    )
    assert ref.type is ReferenceType.WEBPAGE
    assert ref.authors == (Name(literal="World Health Organization"),)
    assert ref.title == "Depression"
    assert ref.accessed == PartialDate(2021, 3, 3)
    assert ref.issued == PartialDate(2020)
    assert ref.publisher == "WHO" and ref.publisher_place == "Geneva"
    assert ref.urls == ("https://www.who.int/news-room/fact-sheets/detail/depression",)


def test_apa_web_retrieved_from() -> None:
    ref = parse_reference(
        "Smith, J. A., & Jones, B. (2019, March 1). How to parse references. Example Site. "
        "Retrieved March 3, 2019, from https://example.org/parse."
    )
    assert ref.type is ReferenceType.WEBPAGE
    assert ref.authors == (Name("Smith", "J. A."), Name("Jones", "B."))
    assert ref.title == "How to parse references"
    assert ref.container_title == "Example Site"
    assert ref.issued == PartialDate(2019, 3, 1)
    assert ref.accessed == PartialDate(2019, 3, 3)
    assert ref.urls == ("https://example.org/parse",)


def test_apa_journal() -> None:
    ref = parse_reference(
        "Smith, J. A., & Jones, B. (2009). Leg cramps in pregnancy. Journal of Things, 54(3), "
        "211–218. https://doi.org/10.1000/XYZ.123"
    )
    assert ref.type is ReferenceType.ARTICLE_JOURNAL
    assert ref.container_title == "Journal of Things"
    assert (ref.volume, ref.issue, ref.page) == ("54", "3", "211-218")
    assert ref.doi == "10.1000/xyz.123"
    assert ref.urls == ()


def test_ama_web_with_published_date_and_site() -> None:
    ref = parse_reference(
        "Centers for Disease Control and Prevention. Leg cramps. CDC. "
        "https://www.cdc.gov/cramps.html. Published June 5, 2018. Accessed 12 October 2020."
    )
    assert ref.type is ReferenceType.WEBPAGE
    assert ref.accessed == PartialDate(2020, 10, 12)
    assert ref.urls == ("https://www.cdc.gov/cramps.html",)


# --------------------------------------------------- styles read by the labeller


STYLE_CASES = [
    # (style, raw, family names, title, container, year)
    ("harvard", "Hensley, J.G. and Smith, A. (2009) 'Leg cramps in pregnancy', Journal of "
     "Midwifery, 54(3), pp. 211-218.", ["Hensley", "Smith"], "Leg cramps in pregnancy",
     "Journal of Midwifery", 2009),
    ("mla", "Hensley, Jane G., and Alan Smith. \u201cLeg Cramps in Pregnancy.\u201d Journal of "
     "Midwifery, vol. 54, no. 3, 2009, pp. 211-18.", ["Hensley", "Smith"],
     "Leg Cramps in Pregnancy", "Journal of Midwifery", 2009),
    ("chicago-ad", "Hensley, Jane G., and Alan Smith. 2009. \u201cLeg Cramps in Pregnancy.\u201d "
     "Journal of Midwifery 54 (3): 211\u201318.", ["Hensley", "Smith"],
     "Leg Cramps in Pregnancy", "Journal of Midwifery", 2009),
    ("ieee", "[7] J. G. Hensley and A. Smith, \u201cLeg cramps in pregnancy,\u201d J. Midwifery, "
     "vol. 54, no. 3, pp. 211\u2013218, 2009.", ["Hensley", "Smith"], "Leg cramps in pregnancy",
     "J. Midwifery", 2009),
    ("nature", "12. Hensley, J. G. & Smith, A. Leg cramps in pregnancy. J. Midwifery 54, "
     "211\u2013218 (2009).", ["Hensley", "Smith"], "Leg cramps in pregnancy", "J. Midwifery",
     2009),
    ("acs", "(4) Hensley, J. G.; Smith, A. Leg Cramps in Pregnancy. J. Midwifery 2009, 54, "
     "211\u2013218.", ["Hensley", "Smith"], "Leg Cramps in Pregnancy", "J. Midwifery", 2009),
    ("chicago-notes", "1. Jane G. Hensley and Alan Smith, \u201cLeg Cramps in Pregnancy,\u201d "
     "Journal of Midwifery 54, no. 3 (2009): 211\u201318.", ["Hensley", "Smith"],
     "Leg Cramps in Pregnancy", "Journal of Midwifery", 2009),
    ("apa7", "Hensley, J. G., & Smith, A. (2009). Leg cramps in pregnancy. Journal of Midwifery, "
     "54(3), 211\u2013218. https://doi.org/10.1016/j.jmwh.2008.11.007", ["Hensley", "Smith"],
     "Leg cramps in pregnancy", "Journal of Midwifery", 2009),
]  # fmt: skip


@pytest.mark.parametrize(("style", "raw", "families", "title", "container", "year"), STYLE_CASES)
def test_other_styles(
    style: str, raw: str, families: list[str], title: str, container: str, year: int
) -> None:
    ref = parse_reference(raw)
    assert [a.family for a in ref.authors] == families, style
    assert ref.title == title, style
    assert ref.container_title == container, style
    assert ref.issued is not None and ref.issued.year == year, style
    assert ref.page == "211-218", style
    assert ref.volume == "54", style


@pytest.mark.parametrize(
    ("raw", "accessed"),
    [
        (
            "DUPONT, Marie. Les crampes nocturnes [en ligne]. Santé Magazine, 2021. Disponible "
            "sur : https://www.santemagazine.fr/crampes (consulté le 3 avril 2022).",
            "2022-04-03",
        ),
        (
            "Schmidt, Katrin (2018): Wadenkrämpfe. Ärzteblatt. Online unter: "
            "https://www.aerzteblatt.de/wadenkraempfe (abgerufen am 12.10.2020).",
            "2020-10-12",
        ),
        (
            "García L. Calambres en el embarazo [Internet]. Revista Médica; 2020 [consultado el 18 "
            "de marzo de 2021]. Disponible en: https://www.revistamedica.es/calambres",
            "2021-03-18",
        ),
        (  # NLM in Spanish: "[citado …]"
            "Ministerio de Sanidad. Guía de práctica clínica de atención en el embarazo "
            "[Internet]. Madrid: Ministerio de Sanidad; 2014 [citado 20 Ene 2022]. Disponible "
            "en: https://portal.guiasalud.es/gpc/embarazo-puerperio/",
            "2022-01-20",
        ),
        (
            "NHS (2020) Leg cramps. Available at: https://www.nhs.uk/leg-cramps/ (Accessed: "
            "30 August 2022).",
            "2022-08-30",
        ),
        (
            "[5] BBC News, \u201cFlu jab,\u201d BBC. [Online]. Available: "
            "https://www.bbc.co.uk/news/health-1 (accessed Jan. 5, 2020).",
            "2020-01-05",
        ),
        (
            "Ritchie H. Maternal mortality. Our World in Data. https://ourworldindata.org/mm. "
            "Last accessed 7 July 2022.",
            "2022-07-07",
        ),
    ],
)
def test_web_references_in_many_languages(raw: str, accessed: str) -> None:
    ref = parse_reference(raw)
    assert ref.accessed is not None and ref.accessed.isoformat() == accessed
    assert ref.urls and ref.urls[0].startswith("https://")
    assert ref.title and "http" not in ref.title
    assert ref.type is ReferenceType.WEBPAGE


@pytest.mark.parametrize(
    ("raw", "authors", "title", "container"),
    [
        # No full stop after the title: a known journal name says where it ends.
        (
            "Kumar R, Nguyen K, Shun A. Gallstones and common bile duct calculi in infancy "
            "and childhood Aust N Z J Surg 2000; 70:188-191.",
            ["Kumar", "Nguyen", "Shun"],
            "Gallstones and common bile duct calculi in infancy and childhood",
            "Aust N Z J Surg",
        ),
        (
            "Onishi A, Perry ACF. Pig cloning by microinjection of fetal fibroblast nuclei "
            "Science (2000) 289:1188-1190.",
            ["Onishi", "Perry"],
            "Pig cloning by microinjection of fetal fibroblast nuclei",
            "Science",
        ),
        # A quoted title may hold full stops; the quotes end it.
        (
            'Eddy DM. "Clinical decision making: from theory to practice. Practice '
            'policies-guidelines for methods." JAMA 1990; 263: 1839-41.',
            ["Eddy"],
            "Clinical decision making: from theory to practice. Practice "
            "policies-guidelines for methods",
            "JAMA",
        ),
        # An organisation that only looks like "Surname INITIALS".
        (
            "The BIP Study Group. Rationale and design of a secondary prevention trial. "
            "Am J Cardiol 1993; 71:909-915.",
            ["The BIP Study Group"],
            "Rationale and design of a secondary prevention trial",
            "Am J Cardiol",
        ),
        # Initials and a colon end an author list; numbers run into the first name.
        (
            "32-Malina HZ, Martin XD: 3-hydroxykynurenine transamination in human lenses. "
            "Eur J Ophthalmol 6:250-256, 1996.",
            ["Malina", "Martin"],
            "3-hydroxykynurenine transamination in human lenses",
            "Eur J Ophthalmol",
        ),
        # The last author's name is not the start of the title.
        (
            "Chen C, Yu R, Owuor ED, Kong AN. Activation of antioxidant-response element "
            "by green tea polyphenols. Arch Pharm Res 23:605-612, 2000.",
            ["Chen", "Yu", "Owuor", "Kong"],
            "Activation of antioxidant-response element by green tea polyphenols",
            "Arch Pharm Res",
        ),
        # A journal name followed by a comma still ends an unmarked title.
        (
            "Steingold K, Rosenwaks Z. Estradiol and progesterone replacement regimens "
            "for the induction of endometrial receptivity Fertility and Sterility, 1989; 52, "
            "pages 756-60.",
            ["Steingold", "Rosenwaks"],
            "Estradiol and progesterone replacement regimens for the induction of "
            "endometrial receptivity",
            "Fertility and Sterility",
        ),
        # A year on its own before the title is not part of it.
        (
            "Yokobori S, Nakajima Y. 2016. Birth of Archaeal Cells. Archaea. 2016:1-16.",
            ["Yokobori", "Nakajima"],
            "Birth of Archaeal Cells",
            "Archaea",
        ),
    ],
)
def test_vancouver_variants(raw: str, authors: list[str], title: str, container: str) -> None:
    ref = parse_reference(raw)
    assert [a.family or a.literal for a in ref.authors] == authors
    assert ref.title == title
    assert ref.container_title == container


def test_a_title_naming_a_year_is_not_a_date() -> None:
    ref = parse_reference(
        "Institut national de la statistique et des études économiques. Bilan démographique "
        "2022 [Internet]. Geneva: Insee; 2023 Jan 17 [cited 2023 May 2]. Available from: "
        "https://www.insee.fr/fr/statistiques/6687000"
    )
    assert ref.title == "Bilan démographique 2022"
    assert ref.issued == PartialDate(2023, 1, 17)


def test_apa_template_leaves_quoted_titles_and_odd_tails_to_the_labeller() -> None:
    ref = parse_reference(
        "BBC News (2019) 'Pregnant women urged to get flu jab', BBC. Available at: "
        "https://www.bbc.co.uk/news/health-49888476 (accessed 5 January 2020)."
    )
    assert ref.title == "Pregnant women urged to get flu jab"
    ref = parse_reference(
        "Kolbe, T., & Partridge, M. (2011). Time and learning in schools: A national "
        "profile. Boston, MA. Retrieved from http://www.timeandlearning.org/?q=sass"
    )
    assert ref.container_title != "Boston, MA"  # a place, not a site


@pytest.mark.parametrize(
    ("raw", "editors", "book", "edition", "place", "publisher", "pages"),
    [
        (  # NLM's own chapter example
            "Phillips SJ, Whisnant JP. Hypertension and stroke. In: Laragh JH, Brenner BM, "
            "editors. Hypertension: pathophysiology, diagnosis, and management. 2nd ed. New "
            "York: Raven Press; 1995. p. 465-78.",
            ["Laragh", "Brenner"],
            "Hypertension: pathophysiology, diagnosis, and management",
            "2nd ed",
            "New York",
            "Raven Press",
            "465-478",
        ),
        (  # AMA 11: no place, pages after the year
            "Pirisi A, Jones B. Low health literacy prevents equal access to care. In: Smith J, "
            "ed. Health Literacy in Practice. 2nd ed. McGraw-Hill; 2019:45-60.",
            ["Smith"],
            "Health Literacy in Practice",
            "2nd ed",
            None,
            "McGraw-Hill",
            "45-60",
        ),
        (  # edition without its full stop, the block's volume:pages form
            "Marder SR. Psychiatric rating scales. In: Kaplan HI, Sadock BJ, eds. Comprehensive "
            "Textbook of Psychiatry/VI 6th ed. Baltimore, Md: Williams and Wilkins; 1995; "
            "1:619-635.",
            ["Kaplan", "Sadock"],
            "Comprehensive Textbook of Psychiatry/VI",
            "6th ed",
            "Baltimore, Md",
            "Williams and Wilkins",
            "619-635",
        ),
    ],
)
def test_vancouver_chapter(
    raw: str,
    editors: list[str],
    book: str,
    edition: str,
    place: str | None,
    publisher: str,
    pages: str,
) -> None:
    ref = parse_reference(raw)
    assert ref.type is ReferenceType.CHAPTER
    assert [n.family for n in ref.editors] == editors
    assert ref.container_title == book
    assert (ref.edition, ref.publisher_place, ref.publisher, ref.page) == (
        edition, place, publisher, pages,
    )  # fmt: skip
    assert ref.authors and ref.title and ref.issued is not None


@pytest.mark.parametrize(
    ("tail", "volume", "issue", "pages"),
    [
        ("Ann Oncol 2013;24 Suppl 6:vi51-6.", "24", "Suppl 6", "vi51-vi56"),
        ("Alcohol Clin Exp Res 2005;29 Suppl:166S-171S.", "29", "Suppl", "166S-171S"),
        ("Obstet Gynecol 1996; 88(4 Pt 1): 603-610.", "88", "4", "603-610"),
        ("Int J Radiat Oncol Biol Phys. 2010;76(3 Suppl):S145-S150.", "76", "3", "S145-S150"),
        ("J Physiol. 2005;568(Pt 2):539-551.", "568", "Pt 2", "539-551"),
        ("Dev Suppl 1993; 115-124.", None, None, "115-124"),
    ],
)
def test_parts_and_supplements(
    tail: str, volume: str | None, issue: str | None, pages: str
) -> None:
    """A part or supplement after an issue number qualifies it; on its own it is the
    issue; a page range where the volume goes is the pages."""
    ref = parse_reference(f"Smith AB, Jones C. A study of supplements. {tail}")
    assert (ref.volume, ref.issue, ref.page) == (volume, issue, pages)


def test_language_note_leaves_the_title() -> None:
    ref = parse_reference(
        "Haas U, Motsch J. Premedication and preoperative fasting in pediatric anesthesia. "
        "Results of a survey (in German). Anaesthesist 1998; 47:838-843."
    )
    assert ref.title == (
        "Premedication and preoperative fasting in pediatric anesthesia. Results of a survey"
    )
    assert ref.note == "in German"
    assert ref.container_title == "Anaesthesist"


def test_pnas_keeps_its_nlm_abbreviation() -> None:
    """The NLM abbreviation "Proc Natl Acad Sci U S A" is kept whole; a bare "USA"
    after the name is the society's place and goes."""
    spaced = parse_reference("Henriet P. Collagen. Proc Natl Acad Sci U S A 2000;97:10026-31.")
    assert spaced.container_title == "Proc Natl Acad Sci U S A"
    bare = parse_reference("Pinkel D. Cytogenetic analysis. Proc Natl Acad Sci USA 1986;83:2934-8.")
    assert bare.container_title == "Proc Natl Acad Sci"


def test_french_web_reference_keeps_its_spaced_colon() -> None:
    ref = parse_reference(
        "Haute Autorité de Santé. Diabète de type 2 : stratégie thérapeutique. 2024. "
        "Disponible sur : https://www.has-sante.fr/jcms/p_3191108 (consulté le 12 février 2025)."
    )
    assert [n.literal for n in ref.authors] == ["Haute Autorité de Santé"]
    assert ref.title == "Diabète de type 2 : stratégie thérapeutique"
    assert ref.issued == PartialDate(2024)
    assert ref.accessed == PartialDate(2025, 2, 12)
    assert ref.urls == ("https://www.has-sante.fr/jcms/p_3191108",)


def test_vancouver_group_author_after_a_semicolon() -> None:
    ref = parse_reference(
        "Stahl M, Arnold D; ESMO Guidelines Working Group. Oesophageal cancer: ESMO clinical "
        "practice guidelines. Ann Oncol 2013;24 Suppl 6:vi51-6."
    )
    assert [n.family or n.literal for n in ref.authors] == [
        "Stahl", "Arnold", "ESMO Guidelines Working Group",
    ]  # fmt: skip
    assert ref.title == "Oesophageal cancer: ESMO clinical practice guidelines"
    assert (ref.volume, ref.issue, ref.page) == ("24", "Suppl 6", "vi51-vi56")


@pytest.mark.parametrize(
    "raw",
    [
        "J Immunol 158:649-57, 1997.",
        "J Immunol (1997) 158:649-657.",
        "J Immunol. 1997, 158: 649-657.",
        "J Immunol 1997; 158, pages 649-657.",
    ],
)
def test_vancouver_block_in_other_orders(raw: str) -> None:
    ref = parse_reference(f"Rogers WO, Bucy RP. Visualization of T cell activation in vivo. {raw}")
    assert [n.family for n in ref.authors] == ["Rogers", "Bucy"]
    assert ref.title == "Visualization of T cell activation in vivo"
    assert ref.container_title == "J Immunol"
    assert (ref.issued, ref.volume, ref.page) == (PartialDate(1997), "158", "649-657")


def test_given_names_first_are_not_read_as_vancouver() -> None:
    ref = parse_reference(
        "David R. Karger, Philip N. Klein, and Robert E. Tarjan. A randomized linear-time "
        "algorithm to find minimum spanning trees. Journal of the ACM, 42(2):321-328, 1995."
    )
    assert [n.family for n in ref.authors] == ["Karger", "Klein", "Tarjan"]
    assert ref.title == "A randomized linear-time algorithm to find minimum spanning trees"


@pytest.mark.parametrize(
    ("raw", "families", "container", "volume", "pages"),
    [
        (  # PubMed's export: "PubMed PMID:" after the DOI
            "Marshall S, Vasiliou V. Engineered animal models. Adv Exp Med Biol. "
            "2018;1032:203-221. doi: 10.1007/978-3-319-98788-0_14. PubMed PMID: 30362100.",
            ["Marshall", "Vasiliou"],
            "Adv Exp Med Biol",
            "1032",
            "203-221",
        ),
        (  # "Epub <date>" after the block
            "Smith AB. Optimal is not good enough. Biol Cybern. 2012;106(11-12):757-65. "
            "Epub 2012 Aug 17.",
            ["Smith"],
            "Biol Cybern",
            "106",
            "757-765",
        ),
        (  # AMA: the online date after the block
            "Hallegraeff J, de Greef M, van der Schans C. Criteria in diagnosing nocturnal leg "
            "cramps: a systematic review. BMC Fam Pract. 2017;18(1):29. Published 2017 Feb 28. "
            "doi:10.1186/s12875-017-0600-8",
            ["Hallegraeff", "Greef", "Schans"],
            "BMC Fam Pract",
            "18",
            "29",
        ),
        (  # a colon ends the author list
            "Burr TJ, Otten L: Crown gall of grape: biology and disease management. Annu Rev "
            "Phytopathol 37: 53-80, 1999.",
            ["Burr", "Otten"],
            "Annu Rev Phytopathol",
            "37",
            "53-80",
        ),
        (  # the year after the authors, none in the block (ASM, Genetics)
            "Ramos C, Kim B. 2003. Thermoplasma acidophilum proteins. J. Biochem. 133:651-657.",
            ["Ramos", "Kim"],
            "J. Biochem",
            "133",
            "651-657",
        ),
    ],
)
def test_pubmed_and_biology_variants(
    raw: str, families: list[str], container: str, volume: str, pages: str
) -> None:
    ref = parse_reference(raw)
    assert [n.family for n in ref.authors] == families
    assert (ref.container_title, ref.volume, ref.page) == (container, volume, pages)
    assert ref.issued is not None and ref.title and not ref.title.endswith("Epub")


@pytest.mark.parametrize(
    ("journal", "expected"),
    [
        ("J. Mol. Evol.", "J. Mol. Evol"),  # a known journal decides
        ("Trends Biochem. Sci.", "Trends Biochem. Sci"),
        ("Port. Acta Biol. B", "Port. Acta Biol. B"),  # abbreviated words join
        ("Nature.", "Nature"),
    ],
)
def test_abbreviated_journal_split_at_its_stops_is_whole_again(journal: str, expected: str) -> None:
    ref = parse_reference(
        f"Penny D. 1976. Criteria for optimising phylogenetic trees in the Cell. {journal} "
        "8:95-116."
    )
    assert ref.container_title == expected
    assert ref.title == "Criteria for optimising phylogenetic trees in the Cell"
    assert (ref.issued, ref.volume, ref.page) == (PartialDate(1976), "8", "95-116")


def test_organisation_as_author_of_a_journal_article() -> None:
    ref = parse_reference(
        "American College of Obstetricians and Gynecologists. Physical activity and exercise "
        "during pregnancy and the postpartum period. ACOG Committee Opinion No. 804. Obstet "
        "Gynecol. 2020;135(4):e178-e188."
    )
    assert [n.literal for n in ref.authors] == [
        "American College of Obstetricians and Gynecologists"
    ]
    assert ref.container_title == "Obstet Gynecol"
    assert (ref.volume, ref.issue, ref.page) == ("135", "4", "e178-e188")


def test_ama_web_page_dated_by_its_last_update() -> None:
    """Without a published date, the update date dates the version cited; with one, the
    published date wins."""
    updated = parse_reference(
        "Centers for Disease Control and Prevention. Pregnancy Mortality Surveillance System. "
        "Updated March 23, 2023. Accessed April 2, 2024. https://www.cdc.gov/pmss.htm"
    )
    assert updated.issued == PartialDate(2023, 3, 23)
    assert updated.accessed == PartialDate(2024, 4, 2)
    both = parse_reference(
        "Mayo Clinic Staff. Pregnancy week by week. Mayo Clinic. https://www.mayoclinic.org/x. "
        "Published 2022. Updated May 3, 2023. Accessed October 12, 2023."
    )
    assert both.issued == PartialDate(2022)


@pytest.mark.parametrize(
    ("raw", "title", "expected"),
    [
        (
            "World Bank. 2020. World Development Report 2020: Trading for Development. "
            "Washington, DC: World Bank.",
            "World Development Report 2020: Trading for Development",
            {"year": 2020},
        ),
        (
            "Smith, J. (2019). Muscle cramps in athletes (Doctoral dissertation, University of "
            "Oxford). Retrieved from https://ora.ox.ac.uk/objects/uuid:1234",
            "Muscle cramps in athletes",
            {"publisher": "University of Oxford", "type": ReferenceType.THESIS},
        ),
        (
            "Bourdieu, P. (1984). Distinction: A social critique of the judgement of taste "
            "(R. Nice, Trans.). Harvard University Press.",
            "Distinction: A social critique of the judgement of taste",
            {"editors": ()},
        ),
    ],
)
def test_what_a_title_carries_goes_to_its_field(
    raw: str, title: str, expected: dict[str, object]
) -> None:
    ref = parse_reference(raw)
    assert ref.title == title
    if "year" in expected:
        assert ref.issued is not None and ref.issued.year == expected["year"]
    if "publisher" in expected:
        assert ref.publisher == expected["publisher"]
    if "type" in expected:
        assert ref.type is expected["type"]
    if "editors" in expected:
        assert ref.editors == expected["editors"]


def test_more_fields_in_their_places() -> None:
    dataset = parse_reference(
        "Chen, X., & Li, Y. (2022). Pregnancy cramps survey data (Version 2) [Data set]. "
        "Zenodo. https://doi.org/10.5281/zenodo.1234567"
    )
    assert dataset.type is ReferenceType.DATASET
    meeting = parse_reference(
        "Lee K, Park J. Nocturnal cramps and sleep quality. Paper presented at: Annual Meeting "
        "of the American Academy of Sleep Medicine; June 5, 2019; San Antonio, TX."
    )
    assert meeting.container_title is not None
    assert meeting.container_title.endswith("of the American Academy of Sleep Medicine")
    chapter = parse_reference(
        "Brown, T. B., et al. (2020). Language models are few-shot learners. In H. Larochelle & "
        "H. Lin (Eds.), Advances in Neural Information Processing Systems (Vol. 33, pp. "
        "1877–1901). Curran Associates."
    )
    assert (chapter.volume, chapter.page) == ("33", "1877-1901")
    report = parse_reference(
        "Agency for Healthcare Research and Quality. Management of leg cramps: evidence report. "
        "AHRQ Publication No. 19-EHC012-EF. Rockville, MD: AHRQ; 2019."
    )
    assert report.number == "19-EHC012-EF"
    assert report.publisher == "AHRQ" and report.publisher_place == "Rockville, MD"
    assert [a.literal for a in report.authors] == ["Agency for Healthcare Research and Quality"]
    assert report.title == "Management of leg cramps: evidence report"
    nih = parse_reference(
        "National Heart, Lung, and Blood Institute. Your guide to anemia. NIH Pub. No. 11-7629. "
        "Bethesda, MD: NHLBI; 2011."
    )
    assert (nih.number, nih.title, nih.publisher) == ("11-7629", "Your guide to anemia", "NHLBI")
    names = parse_reference(
        "Vaswani, A., Gomez, A. N., Kaiser, Ł., & Polosukhin, I. (2017). Attention is all you "
        "need. arXiv. https://arxiv.org/abs/1706.03762"
    )
    assert [n.family for n in names.authors] == ["Vaswani", "Gomez", "Kaiser", "Polosukhin"]


@pytest.mark.parametrize(
    ("raw", "author", "title"),
    [
        (
            # A dotted abbreviation heads the organisation: not an author "U.S.".
            "U.S. Preventive Services Task Force. Screening for depression in adults. JAMA. "
            "2016;315(4):380-387.",
            "U.S. Preventive Services Task Force",
            "Screening for depression in adults",
        ),
        (
            "U.S. Food and Drug Administration. Quinine sulfate: safety communication. "
            "https://www.fda.gov/drugs/quinine. Accessed March 3, 2021.",
            "U.S. Food and Drug Administration",
            "Quinine sulfate: safety communication",
        ),
        (
            # However the labeller reads it, an author-less title led by an agency's
            # name is that agency's.
            "Agency for Healthcare Research and Quality. Management of leg cramps: evidence "
            "report. Rockville, MD: AHRQ; 2019.",
            "Agency for Healthcare Research and Quality",
            "Management of leg cramps: evidence report",
        ),
    ],
)
def test_organisations_that_lead_a_reference_are_its_authors(
    raw: str, author: str, title: str
) -> None:
    ref = parse_reference(raw)
    assert [a.literal for a in ref.authors] == [author]
    assert ref.title == title


def test_pubmed_notices_link_another_citation() -> None:
    """ "Update in:", "Erratum in:", "Retraction in:" cite another record: its block must
    not be read as this reference's, and the notice is kept as a note."""
    ref = parse_reference(
        "Young GL, Jewell D. Interventions for leg cramps in pregnancy. Cochrane Database "
        "Syst Rev. 2002;(1):CD000121. doi: 10.1002/14651858.CD000121. Update in: Cochrane "
        "Database Syst Rev. 2015;(8):CD000121."
    )
    assert ref.title == "Interventions for leg cramps in pregnancy"
    assert ref.container_title == "Cochrane Database Syst Rev"
    assert ref.issued == PartialDate(2002)
    assert (ref.issue, ref.page) == ("1", "CD000121")
    assert ref.note == "Update in: Cochrane Database Syst Rev. 2015;(8):CD000121"
    retracted = parse_reference(
        "Smith AB. Magnesium and cramps. Lancet. 2010;375(9720):1-5. Retraction in: Lancet. "
        "2012;380(9840):12."
    )
    assert (retracted.volume, retracted.issue, retracted.page) == ("375", "9720", "1-5")
    assert retracted.note is not None and retracted.note.startswith("Retraction in:")


def test_cochrane_review_in_its_own_citation_form() -> None:
    ref = parse_reference(
        "Zhou K, West HM, Zhang J, Xu L, Li W. Interventions for leg cramps in pregnancy. "
        "Cochrane Database of Systematic Reviews 2015, Issue 8. Art. No.: CD010655. DOI: "
        "10.1002/14651858.CD010655.pub2."
    )
    assert ref.type is ReferenceType.ARTICLE_JOURNAL
    assert ref.number == "CD010655"
    assert ref.doi == "10.1002/14651858.cd010655.pub2"


@pytest.mark.parametrize(
    ("raw", "volume", "pages"),
    [
        ("Bekenstein, J. D. Black holes and entropy. Phys. Rev. D 1973, 7, 2333--2346", "7",
         "2333-2346"),
        ("Rethore, P. State of the art in wind farm layout optimization. Wind Energy "
         "Research, page 179, 2010.", None, "179"),
        ("Shelah, S. Proper Forcing. Lect. Notes Math. 940, Springer-Verlag, Berlin, 1982, "
         "496 pp.", "940", None),
    ],
)  # fmt: skip
def test_volume_and_page_locators(raw: str, volume: str | None, pages: str | None) -> None:
    """ACS's "Year, Vol, Pages"; a labelled "page 179"; a book's page count is no locator."""
    ref = parse_reference(raw)
    assert (ref.volume, ref.page) == (volume, pages)


def test_old_style_arxiv_identifier_without_its_prefix() -> None:
    ref = parse_reference("Ransom, R. R., & Bartel, N. 2003, ApJ, 587, 390, astro-ph/0301413")
    assert ref.arxiv == "astro-ph/0301413"
    assert (ref.volume, ref.page) == ("587", "390")


def test_a_word_is_not_a_volume() -> None:
    """ "North-Holland" read into the volume is dropped; roman numerals, supplements and
    seasons stay."""
    from refcheck.parse.rules import Draft
    from refcheck.parse.shaping import finish_draft

    assert finish_draft(Draft(volume="North-Holland", issue="Zurich")).volume is None
    assert finish_draft(Draft(issue="Zurich")).issue is None
    assert finish_draft(Draft(volume="XXXII", issue="Spring")).volume == "XXXII"
    assert finish_draft(Draft(volume="12", issue="Suppl")).issue == "Suppl"
    assert finish_draft(Draft(issue="Spring")).issue == "Spring"


def test_container_loses_place_and_translation_notes() -> None:
    from refcheck.parse.normalise import clean_container

    # The ISO abbreviation keeps its "USA" (the labelled sets disagree on it).
    assert clean_container("Proc. Natl. Acad. Sci. USA") == "Proc. Natl. Acad. Sci. USA"
    assert clean_container("Proc Natl Acad Sci U S A") == "Proc Natl Acad Sci U S A"
    assert clean_container("Math. Notes (translation)") == "Math. Notes"
    assert clean_container("J. Foo (Berlin)") == "J. Foo (Berlin)"


@pytest.mark.parametrize(
    ("raw", "container", "editors"),
    [
        (
            # German: the editors' role bracketed after them, then a colon.
            "Räumliche Dimensionen imaginativer Subjektkonstitution um 1800. In: Inka "
            "Mülder-Bach, Gerhard Neumann (Hgg.): Räume der Romantik. Würzburg: Könighausen "
            "& Neumann 2007, S. 27-63.",
            "Räume der Romantik",
            [("Mülder-Bach", "Inka"), ("Neumann", "Gerhard")],
        ),
        (
            "Müller, K. (2005). Die Schule. In: Schmidt, A. (Hrsg.): Handbuch der Pädagogik. "
            "Berlin: Springer, S. 10-20.",
            "Handbuch der Pädagogik",
            [("Schmidt", "A.")],
        ),
        (
            "Dupont, J. (2010). La ville. Dans : Martin P. (dir.), Histoire urbaine. Paris : "
            "PUF, p. 33-50.",
            "Histoire urbaine",
            [("Martin", "P.")],
        ),
    ],
)
def test_a_chapters_editors_lose_the_in_that_introduced_them(
    raw: str, container: str, editors: list[tuple[str, str]]
) -> None:
    ref = parse_reference(raw)
    assert ref.container_title == container
    assert [(e.family, e.given) for e in ref.editors] == editors


def test_a_title_does_not_end_in_a_dangling_word() -> None:
    """A title cannot end in "in" or "of": the "in" was the title's, not a chapter's."""
    ref = parse_reference(
        "Stephen H. Kellert, In the Wake of Chaos: Unpredictable Order in Dynamical Systems, "
        "University of Chicago Press, 1993, p 32, ISBN 0-226-42976-8."
    )
    assert ref.title == "In the Wake of Chaos: Unpredictable Order in Dynamical Systems"
    assert ref.container_title is None
    assert ref.type is ReferenceType.BOOK


def test_a_bracketed_book_title_loses_its_brackets() -> None:
    ref = parse_reference(
        "[9] Harding, Kevin, “Overview Of Non-Contact 3D Sensing Methods,” [The Encyclopedia "
        "of Optical Engineering]. Marcel Dekker, New York (2000)."
    )
    assert ref.container_title == "The Encyclopedia of Optical Engineering"


def test_a_dangling_title_is_joined_only_to_what_runs_on_from_it() -> None:
    from refcheck.parse.rules import Draft
    from refcheck.parse.shaping import finish_draft

    cut = "[22] J. Schonheim, A generalization of results of P. Erdos, G. Katona, and D.J. "
    cut += "Kleitman concerning Sperner's theorem, J. Comb. Theory (A) 11 (1971), 111--117."
    draft = finish_draft(
        Draft(title="A generalization of results of", container="J. Comb. Theory (A)"), cut
    )
    assert (draft.title, draft.container) == (
        "A generalization of results of",
        "J. Comb. Theory (A)",
    )
    joined = finish_draft(
        Draft(title="Order in", container="Dynamical Systems"), "Order in  Dynamical Systems, 1993"
    )
    assert (joined.title, joined.container) == ("Order in Dynamical Systems", None)


@pytest.mark.parametrize(
    ("raw", "title", "container", "issued"),
    [
        (
            # A part of a homepage: the part is the title, the homepage its container,
            # dated by its last update.
            "MedlinePlus [Internet]. Bethesda (MD): National Library of Medicine (US); "
            "[updated 2024 Jun 24]. Muscle cramps; [cited 2026 Nov 2]. Available from: "
            "https://medlineplus.gov/ency/article/003193.htm",
            "Muscle cramps",
            "MedlinePlus",
            PartialDate(2024, 6, 24),
        ),
        (
            "MedlinePlus [Internet]. Bethesda (MD): National Library of Medicine (US); "
            "[updated 2024 Jun 24; cited 2026 Nov 2]. Available from: https://medlineplus.gov/",
            "MedlinePlus",
            None,
            PartialDate(2024, 6, 24),
        ),
        (
            # A copyright span: the site as it stood at its latest year.
            "AMA: helping doctors help patients [Internet]. Chicago: American Medical "
            "Association; c1995-2007 [cited 2007 Feb 22]. Available from: "
            "http://www.ama-assn.org/.",
            "AMA: helping doctors help patients",
            None,
            PartialDate(2007),
        ),
    ],
)
def test_nlm_homepage_and_part_of_a_homepage(
    raw: str, title: str, container: str | None, issued: PartialDate
) -> None:
    ref = parse_reference(raw)
    assert ref.type is ReferenceType.WEBPAGE
    assert ref.authors == ()
    assert (ref.title, ref.container_title, ref.issued) == (title, container, issued)
    assert ref.publisher is not None and ref.publisher_place is not None
    assert ref.accessed is not None and ref.urls


def test_mla_quoted_title_read_into_the_site_is_the_title() -> None:
    ref = parse_reference(
        "Mayo Clinic. “Pregnancy Week by Week.” Mayo Foundation for Medical Education and "
        "Research, 12 Feb. 2025, www.mayoclinic.org/healthy-lifestyle/pregnancy-week-by-week/"
        "basics/healthy-pregnancy/hlv-20049471."
    )
    assert ref.title == "Pregnancy Week by Week"
    assert ref.container_title == "Mayo Foundation for Medical Education and Research"
    assert ref.issued == PartialDate(2025, 2, 12)


def test_a_title_that_runs_on_in_lower_case_keeps_its_words() -> None:
    ref = parse_reference(
        "U.S. Food and Drug Administration. FDA Drug Safety Communication: New risk "
        "management plan and patient Medication Guide for Qualaquin (quinine sulfate). 2010. "
        "Accessed June 1, 2026. https://www.fda.gov/drugs/drug-safety-and-availability/x"
    )
    assert ref.title is not None
    assert ref.title.endswith("Medication Guide for Qualaquin (quinine sulfate)")


def test_cochrane_issue_word_makes_an_issue_not_a_volume() -> None:
    ref = parse_reference(
        "Luo L, Zhou K, Zhang J, Xu L, Yin W. Interventions for leg cramps in pregnancy. "
        "Cochrane Database of Systematic Reviews 2020, Issue 12. Art. No.: CD010655. DOI: "
        "10.1002/14651858.CD010655.pub3."
    )
    assert (ref.volume, ref.issue, ref.number) == (None, "12", "CD010655")


def test_a_dotted_organisation_leads_a_web_page_too() -> None:
    page = parse_reference(
        "U.S. Food and Drug Administration. Quinine sulfate: drug safety communication. "
        "https://www.fda.gov/drugs/x. Accessed February 1, 2011."
    )
    nature = parse_reference(
        "11. U.S. Food and Drug Administration. Quinine sulfate: drug safety communication. "
        "FDA https://www.fda.gov/drugs/x (2010)."
    )
    for ref in (page, nature):
        assert [a.literal for a in ref.authors] == ["U.S. Food and Drug Administration"]
        assert ref.title == "Quinine sulfate: drug safety communication"
    assert (nature.container_title, nature.issued) == ("FDA", PartialDate(2010))


@pytest.mark.parametrize(
    ("raw", "title", "number"),
    [
        (
            "National Institute for Health and Care Excellence (2021) Antenatal care. NICE "
            "guideline NG201. Available at: https://www.nice.org.uk/guidance/ng201 (Accessed: "
            "3 March 2026).",
            "Antenatal care",
            "NG201",
        ),
        (
            "Royal College of Obstetricians and Gynaecologists. Reducing the risk of venous "
            "thromboembolism during pregnancy. Green-top Guideline No. 37a. London: RCOG; 2015.",
            "Reducing the risk of venous thromboembolism during pregnancy",
            "37a",
        ),
    ],
)
def test_a_guideline_is_a_report_with_its_number(raw: str, title: str, number: str) -> None:
    ref = parse_reference(raw)
    assert (ref.title, ref.number, ref.type) == (title, number, ReferenceType.REPORT)


def test_latex_quotes_mark_a_title() -> None:
    ref = parse_reference(
        "[9] F. Gloeckler, S. Peters, U. Lemmer, and M. Gerken, ``Tunable superprism effect in "
        "photonic crystals,'' physica status solidi a-Applications and Materials Science, vol. "
        "204, no. 11, pp. 3790--3804, 2007."
    )
    assert ref.title == "Tunable superprism effect in photonic crystals"
    assert ref.container_title == "physica status solidi a-Applications and Materials Science"


def test_a_surname_before_a_quoted_title_ends_the_author_list() -> None:
    from refcheck.parse.labeller import decode
    from refcheck.parse.tokens import tokenise

    text = 'P. Yang and J. H. Chern "Design for Reliability," Proceedings of IEEE, 1993.'
    tokens = tokenise(text)
    # The labeller's misreading: "Chern" begun the title.
    labels = ["author"] * 5 + ["title"] * 4 + ["container"] * 3 + ["date"]
    assert len(labels) == len(tokens)
    draft = decode(text, tokens, labels)
    assert draft.authors == "P. Yang and J. H. Chern"
    assert draft.title == "Design for Reliability"


def test_a_line_broken_issue_range_is_whole() -> None:
    ref = parse_reference(
        "MY03. B. Miller and A. Youssef. Technical Aspects of the Digital Library of Math- "
        "ematical Functions. Annals of Mathematics and Artificial Intelligence, 38 (1- 3): "
        "121--136, 2003."
    )
    assert (ref.volume, ref.issue, ref.page) == ("38", "1-3", "121-136")


def test_chicago_note_publication_facts_lose_their_brackets() -> None:
    ref = parse_reference(
        "2. Atul Gawande, Being Mortal: Medicine and What Matters in the End (New York: "
        "Metropolitan Books, 2014), 112."
    )
    assert (ref.publisher, ref.publisher_place) == ("Metropolitan Books", "New York")


def test_acs_book_names_its_publisher_before_the_place() -> None:
    ref = parse_reference(
        "(2) Smith, A. B. Magnesium Chemistry, 2nd ed.; Wiley: Hoboken, NJ, 2018; pp 45–67."
    )
    assert (ref.publisher, ref.publisher_place) == ("Wiley", "Hoboken, NJ")
    # NLM's "Place: Publisher" stays as it is.
    nlm = parse_reference("Smith J. Textbook of medicine. New York: Raven Press; 1995.")
    assert (nlm.publisher, nlm.publisher_place) == ("Raven Press", "New York")


def test_acs_cochrane_review_is_a_journal_article() -> None:
    ref = parse_reference(
        "(1) Zhou, K.; West, H. M.; Zhang, J.; Xu, L.; Li, W. Interventions for Leg Cramps in "
        "Pregnancy. Cochrane Database Syst. Rev. 2015, No. 8, CD010655."
    )
    assert ref.type is ReferenceType.ARTICLE_JOURNAL


def test_a_versioned_program_page_is_software() -> None:
    ref = parse_reference(
        "Pedregosa F, Varoquaux G, Gramfort A, et al. Scikit-learn: machine learning in Python. "
        "Version 1.3.2. 2023. Accessed January 4, 2024. https://scikit-learn.org"
    )
    assert ref.type is ReferenceType.SOFTWARE
    assert (ref.container_title, ref.note) == (None, "Version 1.3.2")


def test_a_spaced_genre_marker_leaves_the_title() -> None:
    ref = parse_reference(
        "Lee K. Nocturnal leg cramps in older adults [dissertation]. Boston, MA: Boston "
        "University; 2018."
    )
    assert ref.title == "Nocturnal leg cramps in older adults"
    assert ref.type is ReferenceType.THESIS


def test_ama_news_story_is_a_newspaper_article() -> None:
    ref = parse_reference(
        "Grady D. Leg cramps are common in pregnancy. The New York Times. June 3, 2019. "
        "Accessed July 1, 2026. https://www.nytimes.com/2019/06/03/health/leg-cramps.html"
    )
    assert ref.type is ReferenceType.ARTICLE_NEWSPAPER
    assert ref.container_title == "The New York Times"


def test_an_abstract_presented_at_a_meeting_is_in_that_meeting() -> None:
    ref = parse_reference(
        "Jones P, Smith R. Magnesium in pregnancy: a randomized trial. Abstract presented at: "
        "Society for Maternal-Fetal Medicine Annual Meeting; February 3-8, 2020; Grapevine, TX."
    )
    assert ref.title == "Magnesium in pregnancy: a randomized trial"
    assert ref.container_title == "Society for Maternal-Fetal Medicine Annual Meeting"
    assert ref.type is ReferenceType.PAPER_CONFERENCE


def test_apa_article_locator_is_a_number_not_a_page() -> None:
    ref = parse_reference(
        "Zhou, K., West, H. M., Zhang, J., Xu, L., & Li, W. (2015). Interventions for leg cramps "
        "in pregnancy. Cochrane Database of Systematic Reviews, 2015(8), Article CD010655. "
        "https://doi.org/10.1002/14651858.CD010655.pub2"
    )
    assert (ref.volume, ref.issue, ref.page, ref.number) == ("2015", "8", None, "CD010655")
    ieee = parse_reference(
        "[4] K. Zhou, H. M. West, J. Zhang, L. Xu, and W. Li, “Interventions for leg cramps in "
        "pregnancy,” Cochrane Database Syst. Rev., no. 8, Art. no. CD010655, Aug. 2015."
    )
    assert (ieee.issue, ieee.page, ieee.number) == ("8", None, "CD010655")


@pytest.mark.parametrize(
    ("raw", "title", "fields"),
    [
        (
            "National Center for Health Statistics. (2023). Births: Final data for 2021 "
            "(National Vital Statistics Reports, Vol. 72, No. 1). "
            "https://www.cdc.gov/nchs/data/nvsr/nvsr72/nvsr72-01.pdf",
            "Births: Final data for 2021",
            {
                "collection_title": "National Vital Statistics Reports",
                "volume": "72",
                "number": "1",
            },
        ),
        (
            "Smith, J. A. (2019). Muscle cramps in late pregnancy [Doctoral dissertation, "
            "University of Toronto]. TSpace. https://hdl.handle.net/1807/12345",
            "Muscle cramps in late pregnancy",
            {"publisher": "University of Toronto", "type": ReferenceType.THESIS},
        ),
        (
            "Wickham, H. (2023). ggplot2: Create elegant data visualisations using the grammar of "
            "graphics (Version 3.4.4) [Computer software]. "
            "https://CRAN.R-project.org/package=ggplot2",
            "ggplot2: Create elegant data visualisations using the grammar of graphics",
            {"note": "Version 3.4.4", "type": ReferenceType.SOFTWARE},
        ),
        (
            "Department of Health (2019) Pregnancy care guidelines. Canberra: Australian "
            "Government. Available at: https://www.health.gov.au/pregnancy-care (Accessed: 12 "
            "June 2026).",
            "Pregnancy care guidelines",
            {
                "publisher": "Australian Government",
                "publisher_place": "Canberra",
                "container_title": None,
            },
        ),
    ],
)
def test_apa_and_harvard_notes_after_a_title_go_to_their_fields(
    raw: str, title: str, fields: dict[str, object]
) -> None:
    ref = parse_reference(raw)
    assert ref.title == title
    for name, value in fields.items():
        assert getattr(ref, name) == value, name


def test_a_title_opening_with_a_letter_and_a_colon_keeps_it() -> None:
    """'R: A language …' after an author list that ended with its full stop is the
    title's ("Malina HZ, Martin XD: Title" still gives "XD" to the authors)."""
    ref = parse_reference(
        "56. R Core Team. R: A language and environment for statistical computing. R "
        "Foundation for Statistical Computing https://www.R-project.org/ (2023)."
    )
    assert [a.literal for a in ref.authors] == ["R Core Team"]
    assert ref.title == "R: A language and environment for statistical computing"


def test_ama_correction_notice_is_kept_as_the_note() -> None:
    ref = parse_reference(
        "Garrison SR, Allan GM, Sekhon RK, Musini VM, Khan KM. Magnesium for skeletal muscle "
        "cramps. Cochrane Database Syst Rev. 2012;(9):CD009402. [published correction appears "
        "in Cochrane Database Syst Rev. 2020;9:CD009402]"
    )
    assert ref.title == "Magnesium for skeletal muscle cramps"
    assert ref.container_title == "Cochrane Database Syst Rev"
    assert ref.issued == PartialDate(2012)
    assert ref.note == "published correction appears in Cochrane Database Syst Rev. 2020;9:CD009402"
    ahead = parse_reference(
        "Smith J, Lee K. Title of the work. J Foo. 2020;10:e123. doi:10.1000/xyz [published "
        "online ahead of print, 2020 Jun 1]"
    )
    assert (ahead.volume, ahead.page, ahead.note) == ("10", "e123", None)


def test_a_pubmed_notice_leaves_the_records_own_pmid_out_of_the_note() -> None:
    ref = parse_reference(
        "Young GL, Jewell D. Interventions for leg cramps in pregnancy. Cochrane Database Syst "
        "Rev. 2002;(1):CD000121. doi: 10.1002/14651858.CD000121. Update in: Cochrane Database "
        "Syst Rev. 2015;(8):CD010655. PMID: 11869566."
    )
    assert ref.note == "Update in: Cochrane Database Syst Rev. 2015;(8):CD010655"
    assert ref.pmid == "11869566"


@pytest.mark.parametrize(
    ("raw", "journal", "issued", "note"),
    [
        (
            "Smith AB, Jones CD. Leg cramps in pregnancy. Obstet Gynecol. Published online March "
            "3, 2026. doi:10.1097/AOG.0000000000005000",
            "Obstet Gynecol",
            PartialDate(2026, 3, 3),
            None,
        ),
        ("Doe J. Cramps and calcium. BMJ. In press.", "BMJ", None, "in press"),
    ],
)
def test_a_journal_loses_the_status_words_after_it(
    raw: str, journal: str, issued: PartialDate | None, note: str | None
) -> None:
    ref = parse_reference(raw)
    assert (ref.container_title, ref.issued, ref.note) == (journal, issued, note)


def test_german_in_before_a_journal_with_a_volume_is_an_article() -> None:
    ref = parse_reference(
        "Müller, K. (2020): Wadenkrämpfe – Ursachen und Therapie. In: Deutsches Ärzteblatt 117 "
        "(12), S. 601–606."
    )
    assert ref.type is ReferenceType.ARTICLE_JOURNAL
    assert (ref.container_title, ref.volume, ref.issue, ref.page) == (
        "Deutsches Ärzteblatt",
        "117",
        "12",
        "601-606",
    )
    chapter = parse_reference(
        "Brown, T. B., et al. (2020). Language models are few-shot learners. In H. Larochelle & "
        "H. Lin (Eds.), Advances in Neural Information Processing Systems (Vol. 33, pp. "
        "1877–1901). Curran Associates."
    )
    assert chapter.type is not ReferenceType.ARTICLE_JOURNAL


def test_chicago_newspaper_story_keeps_its_paper_and_full_date() -> None:
    ref = parse_reference(
        "Stevens, Laura. 2023. “Why Do Legs Cramp at Night?” New York Times, March 14, 2023. "
        "https://www.nytimes.com/2023/03/14/well/leg-cramps.html."
    )
    assert ref.container_title == "New York Times"
    assert ref.issued == PartialDate(2023, 3, 14)
    assert ref.type is ReferenceType.ARTICLE_NEWSPAPER


def test_a_status_word_after_a_title_is_not_a_site() -> None:
    from refcheck.parse.labeller import decode
    from refcheck.parse.tokens import tokenise

    text = "Panario, D. An analytic approach to smooth polynomials. Submitted, 1998."
    labels = ["author", "author"] + ["title"] * 6 + ["note", "date"]
    tokens = tokenise(text)
    assert len(tokens) == len(labels)
    assert decode(text, tokens, labels).container is None


@pytest.mark.parametrize(
    ("raw", "editors"),
    [
        (
            "Creasy RK, Resnik R, Iams JD, editors. Creasy and Resnik's Maternal-Fetal Medicine: "
            "Principles and Practice. 8th ed. Philadelphia: Elsevier; 2019.",
            ["Creasy", "Resnik", "Iams"],
        ),
        ("Smith J, editor. Leg cramps. 2nd ed. London: Wiley; 2010.", ["Smith"]),
        ("Tester, Keith, ed. The Flâneur. London: Routledge, 1994.", ["Tester"]),
    ],
)
def test_an_edited_book_has_editors_not_authors(raw: str, editors: list[str]) -> None:
    ref = parse_reference(raw)
    assert [e.family for e in ref.editors] == editors
    assert ref.authors == ()
    assert ref.type is ReferenceType.BOOK


def test_nlm_meeting_days_are_not_the_pages() -> None:
    ref = parse_reference(
        "Smith J, Lee K. Nocturnal cramps in pregnancy. In: Proceedings of the 12th "
        "International Conference on Women's Health; 2019 May 3-5; Boston, MA. New York: ACM; "
        "2019. p. 45-52."
    )
    assert ref.page == "45-52"
    assert ref.type is ReferenceType.PAPER_CONFERENCE


def test_an_ama_genre_bracket_leaves_the_title() -> None:
    ref = parse_reference("Jones A. Night cramps in pregnancy [letter]. BMJ. 2001;322:1.")
    assert ref.title == "Night cramps in pregnancy"


def test_a_title_run_into_the_editor_list_is_the_title() -> None:
    from refcheck.parse.rules import Draft
    from refcheck.parse.shaping import finish_draft

    draft = finish_draft(
        Draft(
            editors="Creasy RK, Resnik R, Iams JD, editors. Creasy and Resnik's Maternal-Fetal "
            "Medicine."
        )
    )
    assert draft.editors == "Creasy RK, Resnik R, Iams JD"
    assert draft.title == "Creasy and Resnik's Maternal-Fetal Medicine"
