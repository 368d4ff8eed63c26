"""Finishing touches on a draft, whichever reader (template or labeller) made it:
what a field carries that belongs in another field."""

from __future__ import annotations

import re

from refcheck.parse.names import TRAILING_ROLE_RE, looks_like_organisation
from refcheck.parse.normalise import LEADING_IN_RE, VOLUME_PREFIX_RE, clean_title, expand_pages
from refcheck.parse.rules import Draft

__all__ = ["finish_draft"]

# "Results of a survey (in German)": the language of the article is a note, not title.
_LANGUAGE_NOTE_RE = re.compile(
    r"\s*[(\[]\s*(?P<note>in\s+(?:English|French|German|Spanish|Italian|Portuguese|Dutch"
    r"|Russian|Polish|Czech|Hungarian|Swedish|Danish|Norwegian|Finnish|Turkish|Greek|Hebrew"
    r"|Arabic|Chinese|Japanese|Korean)(?:\s+with\s+[^()\[\]]{1,40})?)\s*[)\]]\.?$",
    re.IGNORECASE,
)
# "In: Kaplan HI, Sadock BJ, eds. Comprehensive Textbook of Psychiatry. 6th ed.
# Baltimore: Williams and Wilkins": a Vancouver chapter's editors lead its book title.
_LEADING_EDITORS_RE = re.compile(
    r"^(?P<editors>[^.:;]*?[A-Z]{1,3}(?:\s+(?:Jr|Sr|[23](?:nd|rd)|II|III))?),?\s+"
    r"(?:eds?|editors?|\(eds?\.?\))\.?[,:]?\s+(?P<rest>\S.*)$"
)
# "Inka Mülder-Bach, Gerhard Neumann (Hgg.): Räume der Romantik", "Smith J (eds),
# Handbook": editors whose role is bracketed after them (German, APA-like, French).
_BRACKETED_EDITORS_RE = re.compile(
    r"^(?:(?:In|in|Dans|dans|En|en)\s*:?\s+)?(?P<editors>[^():;.]{3,200}?(?:[A-Z]\.)?)\s*[(\[](?:Hg|Hgg|Hrsg|eds?|Eds?|dir|dirs|coord|éds?)"
    r"\.?[)\]][:,.]?\s+(?P<rest>\S.*)$"
)
# "Unpredictable Order in": no title ends in one of these words.
_DANGLING_WORD_RE = re.compile(r"\s(?:in|of|for|on|and|the|to|with|a|an)$")
_BOOK_TAIL_RE = re.compile(
    r"^(?P<book>.+?)[.,]?\s+(?P<edition>\d+(?:st|nd|rd|th)\s+(?:rev\.?\s+)?ed(?:n|ition)?)\.?"
    r"(?:\s+(?P<place>[A-Z][^:;]{1,40}):\s*(?P<publisher>[^:;]{2,80}))?\.?$"
)
_PAGE_RANGE_RE = re.compile(r"\d+\s*[-\u2013]\s*\d+\.?")
# "4 Pt 1", "3 Suppl", "76 Suppl 2": a part or supplement after an issue (or volume)
# number qualifies it; the number is what bibliographic databases record.
_QUALIFIED_NUMBER_RE = re.compile(
    r"(?P<number>[A-Za-z]?\d+[A-Za-z]?)\s*,?\s+(?P<qualifier>(?:Suppl|Pt|Part|Spec)\.?(?:\s*\w+)?)",
    re.IGNORECASE,
)


def _split_book(draft: Draft, container: str) -> str:
    """A container that carries a chapter's editors, edition, place and publisher
    ("Kaplan HI, Sadock BJ, eds. Textbook. 6th ed. Baltimore: Williams") gives them to
    their own fields; returns the book's title."""
    m = _LEADING_EDITORS_RE.match(container) or _BRACKETED_EDITORS_RE.match(container)
    if m is None:
        return container
    if draft.editors is None:
        draft.editors = m.group("editors")
    draft.type = None  # a chapter, whatever the template took it for: let the type follow
    book = m.group("rest")
    tail = _BOOK_TAIL_RE.match(book)
    if tail:
        book = tail.group("book")
        draft.edition = draft.edition or tail.group("edition")
        if tail.group("place") and not (draft.place or draft.publisher):
            draft.place, draft.publisher = tail.group("place"), tail.group("publisher").strip()
    return book


# "World Bank. 2020. World Development Report 2020": an author-date year read into the title.
_LEADING_YEAR_RE = re.compile(r"^(?P<year>(?:1[5-9]|20)\d\d)[a-z]?[.,]\s+(?=\S)")
# APA's "(Doctoral dissertation, University of Oxford)" after a thesis's title.
# APA 7 brackets it: "[Doctoral dissertation, University of Toronto]".
_THESIS_NOTE_RE = re.compile(
    r"\s*[(\[](?P<genre>(?:Unpublished\s+)?(?:Doctoral|Master'?s|PhD|Ph\.\s?D\.?|Honou?rs)"
    r"\s+(?:dissertation|thesis))(?:,\s*(?P<school>[^()\[\]]{2,120}))?[)\]]\.?$",
    re.IGNORECASE,
)
# APA's report series after the title: "(National Vital Statistics Reports, Vol. 72,
# No. 1)", "(NIH Publication No. 05-5269)", and a program's "(Version 3.4.4)".
_SERIES_NOTE_RE = re.compile(
    r"\s*\((?P<series>[^()]{3,120}?)(?:,\s*Vol\.\s*(?P<volume>[\w-]+))?,?\s+"
    r"(?:Report\s+|Publication\s+|Pub\.\s+)?No\.\s*(?P<number>[\w-]+)\)\.?$"
)
# (APA capitalises it after the title; a lower-case "(version 1.3.2)" inside a quoted
# title is the title's own.)
_VERSION_NOTE_RE = re.compile(r"\s*\((?P<version>Version\s+\d[\w.-]*)\)\.?$")
# APA's "(R. Nice, Trans.)" cut by the labeller: "Distinction (R. Nice".
_CUT_TRANSLATOR_RE = re.compile(r"\s*\((?:[A-Z]\.\s?)+[A-Z][\w'’-]+(?:,\s*(?:Trans|Eds?)\.?\)?)?$")
_ROLE_ONLY_RE = re.compile(r"\(?(?:Trans|Eds?|Hrsg|dir)\.?\)?\.?", re.IGNORECASE)
_DANGLING_OF_RE = re.compile(r"\b(?:of|of the|for|for the|on|on the|and)$")
# "AHRQ Publication No. 19-EHC012-EF", and a guideline's number: "NICE guideline NG201".
_REPORT_NUMBER_RE = re.compile(
    r"\b(?:(?:Publication|Pub\.|Report|Rep\.|Technical Report|Tech\. Rep\.)\s+No\.?\s*"
    r"(?P<number>[A-Z0-9][\w-]*)|[Gg]uideline\s+(?:No\.?\s*)?(?P<guideline>[A-Z]{0,4}\d[\w-]*))\.?$"
)
# ACS: "Wiley: Hoboken, NJ, 2018" read as publisher "Wiley: Hoboken" and place "NJ".
_PUBLISHER_THEN_CITY_RE = re.compile(
    r"(?P<publisher>[^:;]{2,80}):\s*(?P<city>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*)?)"
)
_REGION_RE = re.compile(r"[A-Z]{2}|[A-Z][a-z]+(?: [A-Z][a-z]+)?")
_ARTICLE_LOCATOR_RE = re.compile(r"Article\s+(?:No\.?\s*)?(?P<number>[A-Za-z]{0,3}\d[\w.-]*)")
_PLACE_PUBLISHER_RE = re.compile(
    r"(?P<place>[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+)?(?:, [A-Z]{2})?):\s*(?P<publisher>[^:;]{2,80})"
)
_STATUS_TAIL_RE = re.compile(
    r"[.,]\s*(?:(?:Published|Posted)\s+online(?:\s+ahead\s+of\s+print)?|(?P<press>In(?:\s+press)?))\.?$",
    re.IGNORECASE,
)
_VERSION_ONLY_RE = re.compile(r"(?:Version|Ver\.|v)\s*\d[\w.-]*", re.IGNORECASE)
# "Creasy RK, Resnik R, Iams JD, editors. Title", "Tester, Keith, ed. The Flâneur": a
# title run into the editor list. (_LEADING_EDITORS_RE reads only Vancouver initials
# before the role; this one takes given names too.)
_EDITORS_THEN_TITLE_RE = re.compile(
    r"(?P<names>[^.]+?(?:\b[A-Z]{1,3})?),?\s+(?:editors?|eds?)\.\s+(?P<title>[A-Z\d].{2,})$"
)
_BROKEN_RANGE_RE = re.compile(r"(?<=\d)\s*[-\u2013]+\s+(?=\d)")
_NUMBERISH_RE = re.compile(
    r"\d|\b[IVXLC]+\b|\b[ivxlc]+\b|\b(?:suppl|supplement|spec|special|pt|part|spring|summer"
    r"|autumn|fall|winter|hiver|printemps|été|automne|sommer|herbst|frühjahr)",
    re.IGNORECASE,
)
_PAGE_COUNT_RE = re.compile(r"\d+\s*pp\.?|[ivxlc]+\s*\+\s*\d+\s*pp\.?", re.IGNORECASE)
_VOLUME_THEN_PAGES_RE = re.compile(
    r"(?P<volume>\d{1,4}),\s*(?P<pages>[A-Za-z]{0,2}\d+(?:\s*[-\u2013]+\s*[A-Za-z]{0,2}\d+)?)"
)


_PRESENTED_AT_RE = re.compile(
    r"[.,]?\s*(?P<genre>(?:Abstract|Paper|Poster|Oral presentation|Presentation)\s+presented)"
    r"\s+at:?$",
    re.IGNORECASE,
)
# "Agency for Healthcare Research and Quality. Management of …": a leading sentence.
_FIRST_SENTENCE_RE = re.compile(r"^(?P<first>[^.:;?!]{6,120})\.\s+(?=[A-Z\d\"“‘'])")


def _finish_title(draft: Draft, title: str) -> str:
    """The title without what belongs elsewhere: an organisation that wrote it, a
    leading year, a language note, a thesis's genre and school, a translator's name."""
    first = None if draft.authors or draft.names else _FIRST_SENTENCE_RE.match(title)
    if first and looks_like_organisation(first.group("first")):
        # An author-less title led by an organisation's name: NLM puts the agency first
        # ("Agency for Healthcare Research and Quality. Management of leg cramps. …").
        draft.authors = first.group("first")
        title = title[first.end() :]
    year = _LEADING_YEAR_RE.match(title)
    if year and draft.year in (None, year.group("year")):
        draft.year = year.group("year")
        draft.date_text = draft.date_text or draft.year
        title = title[year.end() :]
    if "resented" in title:  # the patterns below are searched only where they can be
        presented = _PRESENTED_AT_RE.search(title)
        if presented and presented.start() > 0:
            # "Title. Abstract presented at: Annual Meeting; …": the meeting is the container.
            title = title[: presented.start()]
            draft.genre = draft.genre or presented.group("genre")
            if draft.container is None and draft.publisher:
                draft.container, draft.publisher = draft.publisher, None
    if title.rstrip(".").endswith((")", "]")):
        title = _finish_title_notes(draft, title)
    if "(" in title:
        cut = _CUT_TRANSLATOR_RE.search(title)
        if cut and cut.start() > 0 and "(" not in title[: cut.start()]:
            title = title[: cut.start()]
    return title


def _finish_title_notes(draft: Draft, title: str) -> str:
    """A bracketed note that ends a title, in its field: a language, a thesis's genre
    and school, a report series with its volume and number, a program's version."""
    language = _LANGUAGE_NOTE_RE.search(title)
    if language and language.start() > 0:
        title = title[: language.start()]
        draft.note = draft.note or language.group("note")
    thesis = _THESIS_NOTE_RE.search(title)
    if thesis and thesis.start() > 0:
        title = title[: thesis.start()]
        draft.genre = draft.genre or thesis.group("genre")
        if thesis.group("school") and not draft.publisher:
            draft.publisher = thesis.group("school").strip()
    series = _SERIES_NOTE_RE.search(title)
    if series and series.start() > 0 and not (draft.collection or draft.number):
        title = title[: series.start()]
        draft.collection = series.group("series").strip()
        draft.volume = draft.volume or series.group("volume")
        draft.number = series.group("number")
    version = _VERSION_NOTE_RE.search(title)
    if version and version.start() > 0:
        title = title[: version.start()]
        draft.note = draft.note or version.group("version")
    return title


def _finish_container(draft: Draft, text: str) -> None:
    """A container without a chapter's editors, edition and place, a meeting's name
    made whole, and what is not a container's taken out of it (see
    ``_finish_container_tail``); editors without the "In:" that introduced them."""
    if draft.editors:
        # "In: Schmidt, A.", "in E. Brousseau", and ": Martin P." after a "Dans" read apart
        draft.editors = LEADING_IN_RE.sub("", draft.editors).lstrip(": ")
    if draft.container:
        draft.container = _split_book(draft, draft.container)
        if draft.publisher and _DANGLING_OF_RE.search(draft.container):
            # "Annual Meeting of the" | "American Academy of Sleep Medicine": one name.
            draft.container, draft.publisher = f"{draft.container} {draft.publisher}", None
    for name in ("publisher", "container"):
        value = getattr(draft, name)
        report = _REPORT_NUMBER_RE.search(value) if value else None
        if value and report and not draft.number:
            # "AHRQ Publication No. 19-EHC012-EF": the report's number, not its publisher
            # or its series.
            draft.number = report.group("number") or report.group("guideline")
            draft.type = draft.type or "report"  # numbered in a series: not a journal
            setattr(draft, name, value[: report.start()].strip(" ,.;:") or None)
    if draft.container and draft.container == draft.publisher:
        draft.container = None  # "AHRQ Publication No. …" left "AHRQ" twice
    if draft.container:
        _finish_container_tail(draft, draft.container, text)
    if draft.container and draft.container[0] == "[" and draft.container[-1] == "]":
        draft.container = draft.container[1:-1].strip()  # SPIE's "[Book Title]."
    if (
        draft.container
        and draft.title
        and not draft.editors
        and _DANGLING_WORD_RE.search(draft.title)
        and f"{draft.title} {draft.container}" in " ".join(text.split())
    ):
        # "In the Wake of Chaos: Unpredictable Order in" | "Dynamical Systems": no title
        # ends in "in" or "of"; the "in" was the title's, not a chapter's "In". Only
        # where the two run on in the reference: a title cut by a misread author list
        # ("… results of" | P. Erdos, … | "J. Comb. Theory") is not joined to the journal.
        draft.title, draft.container = f"{draft.title} {draft.container}", None


def _finish_container_tail(draft: Draft, container: str, text: str) -> None:
    """What a container holds that is not a container: Harvard's "Canberra: Australian
    Government." (a place and a publisher), AMA's status words after a journal
    ("Published online", "In press"), a program's "Version 1.3.2"."""
    publication = _PLACE_PUBLISHER_RE.fullmatch(container) if ":" in container else None
    if (
        publication
        and not (draft.publisher or draft.place or draft.volume or draft.issue or draft.pages)
        and looks_like_organisation(publication.group("publisher"))
    ):
        draft.place, draft.publisher = publication.group("place"), publication.group("publisher")
        draft.container = None
        return
    tail = container.rstrip(".").lower()
    status = (
        _STATUS_TAIL_RE.search(container)
        if tail.endswith(("online", "print", " in", ".in", "press"))
        else None
    )
    if status and status.start() > 0:
        # "Obstet Gynecol. Published online March 3, 2026.", "BMJ. In press.": the status
        # words read into the journal's name.
        draft.container = container = container[: status.start()]
        if status.group("press") and "press" in text.lower():
            draft.note = draft.note or "in press"
    if _VERSION_ONLY_RE.fullmatch(container):
        draft.note, draft.container = draft.note or container, None  # "Version 1.3.2"


def _finish_numbers(draft: Draft) -> None:
    """Volume, issue and pages each holding only what is theirs."""
    if draft.volume:
        draft.volume = VOLUME_PREFIX_RE.sub("", draft.volume) or None  # APA's "(Vol. 33, …)"
    # A volume or issue is a number, a roman numeral, a supplement or a season: a word
    # like "North-Holland", "Zurich" or "n°" read into one is a misreading.
    if draft.volume and not _NUMBERISH_RE.search(draft.volume):
        draft.volume = None
    if draft.issue and not _NUMBERISH_RE.search(draft.issue):
        draft.issue = None
    if draft.issue and "- " in draft.issue:
        draft.issue = _BROKEN_RANGE_RE.sub("-", draft.issue)  # "(1- 3)": a line-broken range
    pages = (draft.pages or "").strip()
    article = _ARTICLE_LOCATOR_RE.fullmatch(pages)
    if article:  # APA 7's "Article CD010655", "Article e0245": a number, not a page
        draft.number, draft.pages, pages = draft.number or article.group("number"), None, ""
    if pages and _PAGE_COUNT_RE.fullmatch(pages):
        draft.pages = None  # "496 pp.": how long the book is, not where the citation is
    volume_pages = _VOLUME_THEN_PAGES_RE.fullmatch(pages)
    if volume_pages and draft.volume is None:
        # ACS's "Phys. Rev. D 1973, 7, 2333–2346" with volume and pages read as one.
        draft.volume, draft.pages = volume_pages.group("volume"), volume_pages.group("pages")
    volume = (draft.volume or "").strip()
    if volume and not (draft.issue or draft.pages) and _PAGE_RANGE_RE.fullmatch(volume):
        # "Dev Suppl 1993; 115-124.": a range where the volume goes is the pages.
        draft.volume, draft.pages = None, expand_pages(volume)
    qualified = _QUALIFIED_NUMBER_RE.fullmatch(volume)
    if qualified:  # "29 Suppl", "24 Suppl 6"
        draft.volume = qualified.group("number")
        draft.issue = draft.issue or qualified.group("qualifier")
    qualified = _QUALIFIED_NUMBER_RE.fullmatch((draft.issue or "").strip())
    if qualified:  # "4 Pt 1", "3 Suppl"
        draft.issue = qualified.group("number")


def _unbalanced(text: str) -> str:
    """Without a bracket its field does not close: "(New York" of Chicago's "(New York:
    Metropolitan Books, 2014)"."""
    if text.startswith("(") and text.count("(") > text.count(")"):
        return text[1:].strip() or text
    if text.endswith(")") and text.count(")") > text.count("("):
        return text[:-1].strip() or text
    return text


def _finish_publication(draft: Draft) -> None:
    """Place and publisher without a note's brackets; ACS's "Wiley: Hoboken, NJ" (the
    publisher first) split at its colon."""
    if draft.place:
        draft.place = _unbalanced(draft.place)
    if draft.publisher:
        draft.publisher = _unbalanced(draft.publisher)
    acs = _PUBLISHER_THEN_CITY_RE.fullmatch(draft.publisher or "")
    if acs and draft.place and _REGION_RE.fullmatch(draft.place):
        draft.publisher = acs.group("publisher")
        draft.place = f"{acs.group('city')}, {draft.place}"


def _finish_authors(draft: Draft) -> None:
    """NLM's edited book, "Creasy RK, Resnik R, Iams JD, editors. Title.": the names
    before ", editors" are the editors, not authors named "editors"; a title the
    labeller ran on into that list is the title."""
    role = TRAILING_ROLE_RE.search(draft.authors or "")
    if role and role.group("role").startswith("ed") and draft.authors and not draft.editors:
        draft.editors, draft.authors = draft.authors[: role.start()], None
    run_on = _EDITORS_THEN_TITLE_RE.match(draft.editors or "") if not draft.title else None
    if run_on:
        draft.editors, draft.title = run_on.group("names"), clean_title(run_on.group("title"))


def finish_draft(draft: Draft, text: str = "") -> Draft:
    """Move what one field carries into the field it belongs to (in place) and return
    the draft: the title's leading year, language note, thesis genre and cut
    translator; the container's editors, edition and report number; volume, issue and
    pages each holding only what is theirs. ``text`` is the reference the draft was read
    from (some moves are made only where two fields run on in it)."""
    if " ed" in (draft.authors or "") or " ed" in (draft.editors or ""):
        _finish_authors(draft)
    if draft.title:
        draft.title = _finish_title(draft, draft.title)
    if draft.editors and _ROLE_ONLY_RE.fullmatch(draft.editors.strip(" ,")):
        draft.editors = None  # "Trans.)" read as an editor's name
    _finish_container(draft, text)
    _finish_numbers(draft)
    _finish_publication(draft)
    return draft
