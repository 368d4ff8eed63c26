"""What a page's first bytes say: an error page, a challenge wall, a parked domain.

These are heuristics over at most the first few tens of kilobytes of a page. They
err towards "alive": a page is called an error page only on strong marks (its title
says 404 or "not found"), and compared with a random sibling path only when the two
are nearly identical once the parts that legitimately differ are removed.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from rapidfuzz import fuzz

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")

# Strong marks only: "Article 404: a study" is a live page, "404 Not Found" is not.
_ERROR_TITLE = re.compile(
    r"^\W*(?:error\W*)?(?:404|410)\b"
    r"|\b(?:404|410)\W+(?:error|not found|page not found|gone)\b"
    r"|\b(?:page|file|document|article|content|resource) (?:was )?not found"
    r"|^\W*not found\b|\bnot found\W*$"
    r"|no longer available|page does not exist|page (?:cannot|can't|could not) be found"
    r"|seite nicht gefunden|page introuvable",
    re.I,
)
_CHALLENGE = re.compile(
    r"just a moment\.\.\.|attention required! \| cloudflare|checking your browser"
    r"|cf-chl-|challenge-platform|captcha|are you a robot|verify you are (?:a )?human"
    r"|access denied|request unsuccessful\. incapsula|ddos-guard",
    re.I,
)
_PARKED = re.compile(
    r"this domain (?:name )?(?:is|may be) for sale|buy this domain|domain (?:is )?parked"
    r"|parked (?:free|domain)|parkingcrew|sedoparking|bodis\.com|domain for sale"
    r"|this domain has expired|hugedomains",
    re.I,
)
_ERROR_PATH = re.compile(
    r"(?:^|[/_.-])(404|410|not[-_]?found|page[-_]?not[-_]?found|error|errors?[-_]?page)"
    r"(?:$|[/_.-])",
    re.I,
)


def title_of(body: bytes) -> str | None:
    """The page's ``<title>``, decoded and unescaped."""
    match = _TITLE.search(body[:65536])
    if not match:
        return None
    text = match.group(1).decode("utf-8", "replace")
    return _SPACE.sub(" ", html.unescape(text)).strip() or None


def visible_text(body: bytes, limit: int = 20000) -> str:
    """Rough visible text: scripts, styles and tags removed, spaces collapsed."""
    text = body[: limit * 4].decode("utf-8", "replace")
    text = _TAG.sub(" ", _SCRIPT.sub(" ", text))
    return _SPACE.sub(" ", html.unescape(text)).strip()[:limit]


def is_error_page(body: bytes) -> bool:
    """The page's title says it is an error page ("404", "Page not found")."""
    title = title_of(body)
    return bool(title and _ERROR_TITLE.search(title))


def is_challenge(body: bytes, headers: dict[str, str] | None = None) -> bool:
    """A bot wall: Cloudflare's "Just a moment...", a CAPTCHA, an access-denied shell."""
    if headers and headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    title = title_of(body) or ""
    if _CHALLENGE.search(title):
        return True
    # Challenge pages are small; a large article that mentions "captcha" is not one.
    return len(body) < 32768 and bool(_CHALLENGE.search(visible_text(body, 4000)))


def is_parked(body: bytes) -> bool:
    """A domain-parking or for-sale page: the site that was cited is gone."""
    return bool(_PARKED.search(title_of(body) or "") or _PARKED.search(visible_text(body, 8000)))


def looks_like_error_url(url: str) -> bool:
    """A redirect target whose path names an error page (``/404.html``, ``/not-found``)."""
    return bool(_ERROR_PATH.search(urlsplit(url).path))


def _normalise(text: str, *noise: str) -> str:
    for item in noise:
        if item:
            text = text.replace(item, " ")
    return _SPACE.sub(" ", _DIGITS.sub("0", text)).strip().lower()


def same_page(a: bytes, b: bytes, *noise: str) -> bool:
    """True when two pages are the same page once URLs, numbers and ``noise`` go.

    Used to compare a cited page with the answer to a random sibling path: a site that
    answers 200 to everything returns its "not found" template for both.
    """
    text_a, text_b = _normalise(visible_text(a), *noise), _normalise(visible_text(b), *noise)
    if not text_a and not text_b:
        # Two empty shells (script-only pages): compare the raw markup instead.
        return fuzz.ratio(a[:20000], b[:20000]) >= 95
    if title_of(a) != title_of(b) and fuzz.ratio(text_a, text_b) < 98:
        return False
    return fuzz.ratio(text_a, text_b) >= 92
