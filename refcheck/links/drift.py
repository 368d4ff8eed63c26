"""Content drift: does the live page still say what the citing author read?

The author read the page on the access date; the Wayback snapshot nearest that date
stands in for what they saw. This module turns both pages into comparable text and
measures how much of the archived text the live page still carries.

The measure: **word-shingle containment of the archived main text in the live text**,

    similarity = |S3(archived main text) ∩ S3(live text)| / |S3(archived main text)|

where ``S3`` is the set of runs of three consecutive words (case-folded, NFKC, words
are ``\\w+`` runs, numbers kept: a changed figure is a material change). Why this one:

* It is one-sided on purpose. What matters is whether the text the author cited is
  still there, not whether the page gained a cookie banner, a new sidebar or a new
  section. Text the live page *adds* cannot lower the score, so a redesign (same
  article in a new template) stays near 1.0. A symmetric measure (Jaccard, or
  rapidfuzz ``ratio``) drops with every added menu item; ``token_set_ratio`` goes the
  other way: it scores 100 whenever one side's words are a subset of the other's, so
  a long live page that shares the article's vocabulary hides a rewrite (a bag of
  words ignores order, and topic words recur).
* Three-word runs keep word order, so a rewrite that reuses the vocabulary scores
  near 0, while a single edited word costs at most three runs. Longer runs punish
  copy-editing too hard (with five, 10% of words edited scored as low as 0.41 in the
  benchmark, a false alarm); pairs of words match by chance too often.
* For the same reason the two sides are extracted differently. The archived side is
  reduced to its *main* text (navigation, headers, footers, asides, menus, cookie and
  share boxes dropped; ``<main>``/``<article>`` preferred), so the old template's
  boilerplate, which a redesign legitimately removes, does not count as "lost". The
  live side keeps all of its visible text, so a mistake in recognising the new
  template's boilerplate can never hide the article and raise a false alarm.

The threshold, :data:`DRIFT_THRESHOLD` = 0.5: "at least half of the three-word runs
the author read are gone". In ``benchmarks/drift_benchmark.py`` (27 real prose
articles, old template archived, new template live) pages that did not materially
change scored at least 0.58 (10% of words edited at random: 0.58-0.86; 5%:
0.74-0.93; first paragraph cut: 0.58-0.99; same text or a paragraph added: 1.0),
and pages that did scored at most 0.42 (replaced: 0-0.01; 60% or more replaced:
0.02-0.42; four fifths deleted: 0.02-0.40): no false alarm and no miss at 0.5.
Leftover boilerplate of the old template that the extractor did not recognise costs
at most its share of the archived text; the threshold tolerates that up to half.

Nothing is measured (``None``, never a finding) when either side has fewer than
:data:`MIN_WORDS` words (a script-rendered shell, an empty capture), or when the
snapshot is itself an error page, a challenge wall or a parked domain.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from refcheck.links import content

DRIFT_NAMESPACE = "link-drift"
DRIFT_THRESHOLD = 0.5
SHINGLE = 3
MIN_WORDS = 30

# Always boilerplate, wherever they stand.
_DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "nav", "aside", "form", "iframe", "svg",
    "button", "select", "textarea", "input", "label", "menu", "dialog", "object",
    "embed", "canvas", "head", "title",
})
# Never visible.
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "title"})
# Boilerplate outside the article; inside ``<article>`` a header is its title and byline.
_OUTER_TAGS = frozenset({"header", "footer"})
_DROP_ROLES = frozenset({
    "navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar",
    "dialog", "alertdialog", "toolbar",
})
# class/id words that mark boilerplate (matched as whole words of the attribute).
_BOILER_WORDS = frozenset({
    "nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "sidebar",
    "cookie", "cookies", "consent", "gdpr", "share", "sharing", "social", "related",
    "recommended", "newsletter", "subscribe", "subscription", "advert", "advertisement",
    "ads", "ad", "promo", "sponsored", "toolbar", "popup", "modal", "skip", "wm",
    "donato", "pagination", "pager",
})
_OUTER_WORDS = frozenset({"header", "footer", "masthead", "banner", "colophon"})
_BLOCK = frozenset({
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5",
    "h6", "section", "article", "main", "blockquote", "pre", "table", "tr", "td", "th",
    "figure", "figcaption", "header", "footer", "hr", "address", "summary", "details",
})
_ATTR_WORD = re.compile(r"[a-z0-9]+")
_WORD = re.compile(r"\w+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# The Wayback Machine's injected toolbar (absent from the id_ raw-content form).
_WAYBACK_TOOLBAR = re.compile(
    r"<!--\s*BEGIN WAYBACK TOOLBAR INSERT\s*-->.*?<!--\s*END WAYBACK TOOLBAR INSERT\s*-->",
    re.I | re.S,
)
_SNAPSHOT = re.compile(
    r"^(?P<prefix>https?://[^/]+/web/)(?P<stamp>\d{4,14})(?P<flag>[a-z]{2}_)?/(?P<url>.+)$",
    re.I,
)


# ----------------------------------------------------------------- snapshot URLs


def raw_snapshot_url(snapshot: str) -> str:
    """The Wayback raw-content (``id_``) form of a snapshot URL.

    ``https://web.archive.org/web/20200101000000/http://x/`` becomes
    ``https://web.archive.org/web/20200101000000id_/http://x/``: the page as it was
    captured, without the archive's toolbar or rewritten links. Any other flag
    (``if_``, ``im_``) is replaced; a URL not in the Wayback form is returned as is.
    """
    match = _SNAPSHOT.match(snapshot)
    if not match:
        return snapshot
    return f"{match['prefix']}{match['stamp']}id_/{match['url']}"


def snapshot_date(snapshot: str) -> str | None:
    """``YYYY-MM-DD`` of a Wayback snapshot URL's timestamp; None when it has none."""
    match = _SNAPSHOT.match(snapshot)
    if not match or len(match["stamp"]) < 8:
        return None
    stamp = match["stamp"]
    return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}"


# ------------------------------------------------------------------- extraction


def _decode(body: bytes) -> str:
    """Bytes to text: UTF-8 when valid (most pages), else Windows-1252 (never fails)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("cp1252", "replace")
    # lxml refuses str input that declares an encoding.
    return _XML_DECL.sub("", _WAYBACK_TOOLBAR.sub(" ", text), count=1)


def _parse(body: bytes) -> Any | None:
    """The page's ``<body>`` element (or root) with lxml; None when nothing parses."""
    import lxml.html
    from lxml import etree

    text = _decode(body)
    if not text.strip():
        return None
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None
    found = root.find("body")
    return found if found is not None else root


def _words_of(value: str | None) -> set[str]:
    return set(_ATTR_WORD.findall((value or "").lower()))


def _in_article(element: Any) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in ("article", "main") or ancestor.get("role") == "main":
            return True
    return False


def _text(element: Any) -> str:
    """Visible text with blocks kept apart ("<p>a</p><p>b</p>" is "a b", not "ab")."""
    for child in element.iter():
        if isinstance(child.tag, str) and child.tag in _BLOCK:
            child.text = " " + (child.text or "")
            child.tail = " " + (child.tail or "")
    return " ".join(str(element.text_content()).split())


def _strip(body: Any, *, boilerplate: bool) -> None:
    """Remove invisible elements, and with ``boilerplate`` the page's furniture.

    A walk from the top that does not descend into what it drops, so each decision
    sees the element still in the page.
    """
    total = (len(_text(body)) or 1) if boilerplate else 1
    stack: list[Any] = list(body)
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):  # comments, processing instructions
            continue
        tag = element.tag.lower()
        if tag in _INVISIBLE or (boilerplate and _is_boilerplate(element, tag, total)):
            element.drop_tree()  # keeps the tail text, which belongs to the parent
            continue
        stack.extend(element)


def _is_boilerplate(element: Any, tag: str, total: int) -> bool:
    if tag in ("body", "html", "main", "article"):
        return False
    if tag in _DROP_TAGS:
        return True
    role = (element.get("role") or "").lower()
    if role in _DROP_ROLES:
        return True
    outer = not _in_article(element)
    if outer and tag in _OUTER_TAGS:
        return True
    names = _words_of(element.get("class")) | _words_of(element.get("id"))
    if not (names & _BOILER_WORDS or (outer and names & _OUTER_WORDS)):
        return False
    # A wrapper named "with-sidebar" that holds most of the page is no sidebar.
    return len(_text(element)) <= 0.5 * total


def main_text(body: bytes) -> str:
    """The page's main text: boilerplate dropped, ``<main>``/``<article>`` preferred.

    With one ``<main>`` (or ``role="main"``, or ``itemprop="articleBody"``) or a single
    ``<article>`` holding at least a quarter of the page's remaining text, that element
    is the main text; otherwise the whole cleaned body is.
    """
    root = _parse(body)
    if root is None:
        return ""
    _strip(root, boilerplate=True)
    whole = _text(root)
    candidates = root.xpath(
        "//main | //*[@role='main'] | //*[@itemprop='articleBody']"
    )
    if not candidates:
        articles = root.xpath("//article")
        candidates = articles if len(articles) == 1 else []
    best = max((_text(c) for c in candidates), key=len, default="")
    if best and len(best) >= 0.25 * len(whole):
        return best
    return whole


def visible_text(body: bytes) -> str:
    """All of a page's visible text (scripts, styles and the head removed)."""
    root = _parse(body)
    if root is None:
        return ""
    _strip(root, boilerplate=False)
    return _text(root)


# ------------------------------------------------------------------- similarity


def words(text: str) -> list[str]:
    """Case-folded, NFKC-normalised words (numbers kept)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(tokens: list[str], size: int = SHINGLE) -> set[tuple[str, ...]]:
    """The set of runs of ``size`` consecutive words (the words themselves if fewer)."""
    if len(tokens) < size:
        return {(t,) for t in tokens}
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def containment(
    archived: str, live: str, *, size: int = SHINGLE, min_words: int = MIN_WORDS
) -> float | None:
    """The share of the archived text's word runs still found in the live text.

    None when either text has fewer than ``min_words`` words: too little to tell a
    change from an extraction accident.
    """
    old, new = words(archived), words(live)
    if len(old) < min_words or len(new) < min_words:
        return None
    old_set = shingles(old, size)
    if not old_set:
        return None
    return len(old_set & shingles(new, size)) / len(old_set)


def unusable_snapshot(body: bytes, headers: dict[str, str] | None = None) -> bool:
    """The capture is an error page, a bot wall or a parked domain: nothing to compare."""
    return (
        content.is_error_page(body)
        or content.is_challenge(body, headers)
        or content.is_parked(body)
    )


def similarity(
    archived: bytes, live: bytes, *, size: int = SHINGLE, min_words: int = MIN_WORDS
) -> float | None:
    """Drift similarity of two pages (see the module docstring); None: not measurable."""
    if unusable_snapshot(archived):
        return None
    return containment(main_text(archived), visible_text(live), size=size, min_words=min_words)


__all__ = [
    "DRIFT_NAMESPACE",
    "DRIFT_THRESHOLD",
    "MIN_WORDS",
    "SHINGLE",
    "containment",
    "main_text",
    "raw_snapshot_url",
    "shingles",
    "similarity",
    "snapshot_date",
    "unusable_snapshot",
    "visible_text",
    "words",
]
