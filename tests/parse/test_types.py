"""Every kind of reference gets its CSL type."""

from __future__ import annotations

import pytest

from refcheck.model import ReferenceType as T
from refcheck.parse import parse_reference

CASES = [
    (T.BOOK, "Kristeva, Julia. Powers of Horror: An Essay on Abjection. New York: Columbia "
     "University Press, 1982."),
    (T.BOOK, "Sackett DL, Straus SE, Richardson WS. Evidence-based medicine. 2nd ed. Edinburgh: "
     "Churchill Livingstone; 2000."),
    (T.CHAPTER, "Marder SR. Psychiatric rating scales. In: Kaplan HI, Sadock BJ, eds. "
     "Comprehensive Textbook of Psychiatry. 6th ed. Baltimore, MD: Williams and Wilkins; "
     "1995:619-635."),
    (T.CHAPTER, "Solon, G. (1999). Intergenerational mobility in the labor market. In O. "
     "Ashenfelter & D. Card (Eds.), Handbook of labor economics (Vol. 3, pp. 1761-1800). "
     "Amsterdam: Elsevier."),
    (T.PAPER_CONFERENCE, "J. Choi, R. Cytron, and J. Ferrante. Automatic construction of sparse "
     "data flow evaluation graphs. In Proceedings of the 18th ACM Symposium on Principles of "
     "Programming Languages, pages 55-66, 1991."),
    (T.REPORT, "National Research Council. Reference manual on scientific evidence. Technical "
     "Report 12, Federal Judicial Center, Washington, DC, 2011."),
    (T.THESIS, "Amdur, E. S. On the Message Complexity of Byzantine Agreement. Master's Thesis, "
     "Department of Computer Science, University of Toronto, September 1988."),
    (T.THESIS, "Smith J. Leg cramps in pregnancy [PhD thesis]. London: University College "
     "London; 2015."),
    (T.ARTICLE, "Vaswani A, Shazeer N, Parmar N, et al. Attention is all you need. "
     "arXiv:1706.03762. Preprint posted online June 12, 2017."),
    (T.ARTICLE, "Smith, J. (2020). A study of things. bioRxiv. "
     "https://doi.org/10.1101/2020.01.01.123456"),
    (T.DATASET, "Smith, A. K., Lee, M., & Patel, R. (2022). Global survey of night cramps "
     "[Data set]. Zenodo. https://doi.org/10.5281/zenodo.6592871"),
    (T.SOFTWARE, "R Core Team. R: A language and environment for statistical computing "
     "[Computer software]. Vienna: R Foundation for Statistical Computing; 2023. "
     "https://www.R-project.org/"),
    (T.WEBPAGE, "Mayo Clinic Staff. Muscle cramp. Mayo Clinic. "
     "https://www.mayoclinic.org/diseases-conditions/muscle-cramp. Accessed Nov. 3, 2023."),
    (T.PERSONAL_COMMUNICATION, "Smith J. Personal communication, March 3, 2020."),
    (T.ARTICLE_JOURNAL, "Hensley, J. G. (2009). Leg cramps and restless legs syndrome during "
     "pregnancy. Journal of Midwifery & Women's Health, 54(3), 211-218."),
    (T.ARTICLE_NEWSPAPER, "Brody, J. E. (2017, July 24). Tackling the mystery of muscle cramps. "
     "The New York Times. https://www.nytimes.com/2017/07/24/well/cramps.html"),
    (T.CHAPTER, "Phillips SJ, Whisnant JP. Hypertension and stroke. In: Laragh JH, Brenner BM, "
     "editors. Hypertension: pathophysiology, diagnosis, and management. 2nd ed. New York: "
     "Raven Press; 1995. p. 465-78."),
    (T.ARTICLE_JOURNAL, "Henriet P, Zhong ZD. Contact with fibrillar collagen inhibits melanoma "
     "cell proliferation. Proc Natl Acad Sci U S A (2000) 97:10026-10031."),
    (T.ARTICLE_JOURNAL, "J. Smith, On sums of squares, Proc. Amer. Math. Soc. 125 (1997), "
     "no. 10, 2975-2979."),
]  # fmt: skip


@pytest.mark.parametrize(("expected", "raw"), CASES)
def test_type(expected: T, raw: str) -> None:
    assert parse_reference(raw).type is expected


def test_genre_markers_leave_the_title() -> None:
    ref = parse_reference(CASES[10][1])
    assert ref.title == "Global survey of night cramps"
    assert ref.doi == "10.5281/zenodo.6592871"


def test_personal_communication_fields() -> None:
    ref = parse_reference("Smith J. Personal communication, March 3, 2020.")
    assert [a.family for a in ref.authors] == ["Smith"]
    assert ref.issued is not None and ref.issued.isoformat() == "2020-03-03"
    assert ref.note == "personal communication"
