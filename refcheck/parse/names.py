"""Author-list normaliser: a string of names -> CSL names.

Handles Vancouver (``Hensley JG, Smith A``), inverted (``Hensley, J. G., & Smith, A.``),
initials after the family name with stops (``Hensley J.G.``), given-first
(``J. G. Hensley and A. Smith``, ``John Smith``), particles (``van der Berg``),
suffixes (``Jr``, ``III``), "et al." in several languages, and organisations, which
become a single ``literal`` name.

Convention: initials are written CSL-style, each followed by a full stop and separated
by a space (``"J. G."``; hyphenated ``"J.-P."``); full given names are kept as written.
"""

from __future__ import annotations

import re

from refcheck.model import Name
from refcheck.parse.normalise import compose_accents

__all__ = ["format_given", "looks_like_organisation", "parse_names"]

_ET_AL_RE = re.compile(
    r"(?:,|;)?\s*(?:\bet\.?\s*al\b\.?|\band\s+others\b|\bu\.\s*a\.|\bet\s+coll?\b\.?|\bet\s+autres\b|\by\s+otros\b|…|\.\.\.)",
    re.IGNORECASE,
)
_PARTICLES = {
    "van", "von", "de", "der", "den", "la", "le", "du", "da", "di", "del", "della", "dos",
    "das", "do", "ter", "ten", "zu", "vom", "zum", "des", "d'", "dei", "degli", "af", "av",
    "op", "in", "t", "'t", "y", "bin", "ibn", "al", "el", "st", "st.",
}  # fmt: skip
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "2nd", "3rd", "4th"}
# "Jr" but not the Vancouver initials "JR"; "V" is an initial, not a suffix.
_SUFFIX_RE = re.compile(r"(?:Jr|Sr|jr|sr)\.?|II|III|IV|2nd|3rd|4th")
# Words that mark an organisation; looked up in a set (plural "s" ignored), which is
# much faster than an alternation regex on the hot path.
_ORG_WORDS = frozenset(
    [
        "organisation",
        "organization",
        "association",
        "society",
        "institute",
        "institut",
        "college",
        "congress",
        "center",
        "centre",
        "department",
        "dept",
        "ministry",
        "university",
        "universität",
        "université",
        "universidad",
        "council",
        "agency",
        "group",
        "foundation",
        "committee",
        "clinic",
        "commission",
        "inc",
        "ltd",
        "llc",
        "gmbh",
        "board",
        "service",
        "office",
        "federation",
        "academy",
        "network",
        "programme",
        "program",
        "bureau",
        "administration",
        "corporation",
        "company",
        "trust",
        "alliance",
        "consortium",
        "collaboration",
        "collaborative",
        "coalition",
        "initiative",
        "authority",
        "hospital",
        "nations",
        "union",
        "team",
        "project",
        "working",
        "national",
        "international",
        "world",
        "american",
        "british",
        "european",
        "health",
        "panel",
        "force",
        "statistics",
        "cochrane",
        "nhs",
        "who",
        "cdc",
        "fda",
        "nice",
        "oecd",
        "unicef",
        "unesco",
        "library",
        "government",
        "gouvernement",
        "institución",
        "sociedad",
        "société",
        "news",
        "staff",
        "contributors",
        "editors",
        "editorial",
        "statistik",
        "statistique",
        "instituto",
        "organización",
        "ministerio",
        "ministère",
        "ministerium",
        "amt",
        "bundesamt",
        # French, German, Spanish and Italian agencies: "Haute Autorité de Santé",
        # "Santé publique France", "Istituto Superiore di Sanità".
        "autorité",
        "agence",
        "santé",
        "agencia",
        "salud",
        "gesundheit",
        "verband",
        "kommission",
        "istituto",
        "ministero",
        "sanità",
    ]
)
_ORG_PREFIXES = ("bundes", "forschungs")


# Patterns of the hot path, compiled once.
_SENTENCE_END_RE = re.compile(r"[a-zà-ÿ]{2}\.$")
_DOTTED_INITIALS_RE = re.compile(r"(?:[A-Z]\.)+[A-Z]?")
_ONE_CAPITAL_RE = re.compile(r"[A-Z]")
_HYPHEN_INITIALS_RE = re.compile(r"[A-Z]\.?-[A-Z]\.?")
_ACRONYM_RE = re.compile(r"[A-Z]{3,6}\.?")
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_CAPITALS_DOTS_RE = re.compile(r"[A-Z]{1,4}\.+")
_INITIAL_DOT_RE = re.compile(r"[A-Z]\.")
_HYPHEN_TAIL_RE = re.compile(r"[A-Z]-[A-Za-z]\.?")
_DOTTED_TAIL_RE = re.compile(r"(?:[A-Z]\.-?)+")
_INITIAL_RE = re.compile(r"[A-Z]\.?")
_UPPER_WORD_RE = re.compile(r"[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’\-]+")
_SPACED_HYPHEN_RE = re.compile(r"\b([A-Z])\.\s+-\s?([A-Z])\b")
_TWO_VANCOUVER_NAMES_RE = re.compile(r"\b[A-Z][\w'’-]+ [A-Z]{1,3},\s*[A-Z][\w'’-]+ [A-Z]{1,3}\b")
_BY_RE = re.compile(r"^(?:by|par|por)\s+", re.IGNORECASE)
#: A role after the names, in lower case ("Ed" is a given name): "…, editors", "…, eds.",
#: "…, trans."
TRAILING_ROLE_RE = re.compile(r",?\s+(?P<role>editors?|eds?|translators?|trans)\.?\s*\.?$")
_ROLE_RE = re.compile(r"\s*[(\[][^()\[\]]{0,40}[)\]]")
# "Svoboda K and, Malinow R": a stray comma after the conjunction is still a separator.
_CONJUNCTION_RE = re.compile(r",?\s+(?:and|&|und|et|y|e),?\s+")
_LEADING_AMP_RE = re.compile(r"^&\s*")
_SEMICOLON_CONJUNCTION_RE = re.compile(r";\s*(?:and|&|und|et|y)\s+")
_DOUBLED_STOP_RE = re.compile(r"\.\s*\.")


def _org_word(word: str) -> bool:
    return (
        word in _ORG_WORDS
        or (word.endswith("s") and word[:-1] in _ORG_WORDS)
        or word.startswith(_ORG_PREFIXES)
    )


# Upper-case initials with optional stops and hyphens: "JG", "J.G.", "J. G.", "J.-P."
# Capitals beyond ASCII for initials: "Kaiser, Ł.", "Ö. Yılmaz", "Č. Novák".
_CAPS = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper())
_INITIALS_RE = re.compile(rf"^(?:[{_CAPS}][a-z]?\.?\s?-?\s?){{1,5}}$|^[{_CAPS}]\.-[a-z]\.?$")
_VANCOUVER_INITIALS_RE = re.compile(r"^[A-Z]{1,4}$")
_STOPPED_INITIALS_RE = re.compile(rf"^(?:[{_CAPS}]\.\s?-?\s?){{1,4}}$")
_NAME_WORD_RE = re.compile(r"^[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’\-.]*$")
_GIVEN_WORD_RE = re.compile(
    r"^(?:[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:-[A-Za-zÀ-ÖØ-Þ][a-zà-öø-ÿ]+)?|[A-Z]\.?(?:-[A-Za-z]\.?)?)$"
)


def format_given(given: str) -> str:
    """CSL-style initials: ``JG`` -> ``J. G.``, ``J.-P.`` stays, names are kept."""
    given = given.strip().strip(",")
    if _SENTENCE_END_RE.search(given):  # "Julia." ends a sentence, not an initial
        given = given[:-1]
    if not given:
        return given
    if _VANCOUVER_INITIALS_RE.match(given):
        return " ".join(f"{c}." for c in given)
    words: list[str] = []
    for word in given.split():
        if _DOTTED_INITIALS_RE.fullmatch(word) or _ONE_CAPITAL_RE.fullmatch(word):
            # "J.A." -> "J. A."; "J" -> "J."
            words.extend(f"{c}." for c in word.replace(".", ""))
        elif _HYPHEN_INITIALS_RE.fullmatch(word):
            a, b = word.replace(".", "").split("-")
            words.append(f"{a}.-{b}.")
        else:
            words.append(word)
    return " ".join(words)


def looks_like_organisation(text: str) -> bool:
    """Whether an author string names an organisation rather than people."""
    text = text.strip()
    words = text.split()
    if not words or ":" in text or len(words) > 12:  # titles have colons; names are short
        return False
    if len(words) == 1 and _ACRONYM_RE.fullmatch(text):
        # A lone acronym ("UNICEF", "CDC"); "GUILMOTO C. Z." is a name in small capitals.
        return True
    if any(_org_word(w) for w in _LETTERS_RE.findall(text.lower())) and not re.search(
        r"\b[A-Z]{1,3}\b[,;]|\b[A-Z]\.\s?[A-Z]?\.?[,;]|\bet al\b", text
    ):
        return len(words) >= 2 or text.isupper()
    return False


def _split_particles(family_words: list[str]) -> tuple[str | None, str]:
    """Split leading lower-case particles off a family name: van der Berg."""
    i = 0
    while (
        i < len(family_words) - 1
        and family_words[i].lower() in _PARTICLES
        and family_words[i][0].islower()
    ):
        i += 1
    particle = " ".join(family_words[:i]) or None
    return particle, " ".join(family_words[i:])


def _person(family: str, given: str | None, suffix: str | None = None) -> Name:
    family = family.strip().strip(",;").strip()
    if family.endswith(".") and family[-2:-1].islower():
        family = family[:-1]  # "Kashyap. A.": a stray stop, not an abbreviation
    particle, fam = _split_particles(family.split())
    return Name(
        family=fam or family,
        given=format_given(given) if given else None,
        particle=particle,
        suffix=suffix,
    )


def _parse_one(part: str) -> Name | None:
    """One name written on its own: ``Hensley JG``, ``J. G. Hensley``, ``John Smith``."""
    part = " ".join(part.split()).rstrip(",;:").strip()
    if not part:
        return None
    words = part.split(" ")
    if len(words) > 2 and looks_like_organisation(part):
        return Name(literal=part.rstrip("."))
    suffix = None
    if len(words) > 1 and _SUFFIX_RE.fullmatch(words[-1].rstrip(",")):
        suffix = words.pop().rstrip(",")
    if len(words) == 1:
        return Name(family=words[0].rstrip("."), suffix=suffix)
    # Family first, initials after: "Hensley JG", "Hensley J.G.", "van der Berg A".
    tail = words[-1]
    if _CAPITALS_DOTS_RE.fullmatch(tail) and not _INITIAL_DOT_RE.fullmatch(tail):
        tail = tail.rstrip(".")  # "Hensley JG." / "Szerlip HM.." at the end of a list
    if _HYPHEN_TAIL_RE.fullmatch(tail):  # "Wang L-F", "Kim S-a."
        return _person(" ".join(words[:-1]), tail.rstrip(".").replace("-", ".-") + ".", suffix)
    if _VANCOUVER_INITIALS_RE.match(tail) or _DOTTED_TAIL_RE.fullmatch(tail):
        fam_words = words[:-1]
        # "King III SB": the suffix stands between the family name and the initials.
        if suffix is None and len(fam_words) > 1 and _SUFFIX_RE.fullmatch(fam_words[-1]):
            suffix = fam_words.pop()
        # "Smith J. A." -> initials spread over two words
        while len(fam_words) > 1 and _INITIAL_RE.fullmatch(fam_words[-1]):
            tail = fam_words.pop() + tail
        return _person(" ".join(fam_words), tail, suffix)
    # French/Italian habit: the family name in capitals first ("MICHEL Hélène").
    if _UPPER_WORD_RE.fullmatch(words[0]) and all(
        w[0].isupper() and not w.isupper() for w in words[1:]
    ):
        return _person(words[0], " ".join(words[1:]), suffix)
    # Given first: "J. G. Hensley", "John G. Smith", "Jean-Paul de la Fontaine",
    # "F. De Luccia" (a capitalised particle after initials still opens the family name).
    i = len(words) - 1
    while (
        i > 1
        and words[i - 1].lower() in _PARTICLES
        and (words[i - 1][0].islower() or _INITIAL_DOT_RE.fullmatch(words[i - 2]))
    ):
        i -= 1
    family = " ".join(words[i:]).rstrip(".")
    given = " ".join(words[:i])
    return _person(family, given, suffix)


def _is_given_only(part: str) -> bool:
    """``J. G.``, ``John``, ``J.-P.``, ``Mary Ann``: what follows a family after a comma."""
    part = part.strip()
    words = (part[:-1] if part.endswith(".") and len(part) > 3 else part).split()
    if not words or len(words) > 5:
        return False
    if _INITIALS_RE.match(part):
        return True
    # "John", "Anne Ellen", "Christopher W. V.", "Димитър": at most two full names,
    # any number of initials.
    full = [w for w in words if not _INITIAL_WORD_RE.match(w)]
    return len(full) <= 2 and all(_GIVEN_WORD_RE.match(w) or _given_word(w) for w in words)


_INITIAL_WORD_RE = re.compile(rf"^[{_CAPS}]\.?(?:-[A-Za-z]\.?)?$")


def _given_word(word: str) -> bool:
    """A capitalised word in any script: "Димитър", "Łukasz"."""
    return (
        len(word) > 1
        and word[0].isupper()
        and word[1:].replace("-", "").isalpha()
        and (word[1:].replace("-", "").islower())
    )


def _is_family_only(part: str) -> bool:
    words = part.split()
    if not words or len(words) > 4:
        return False
    if len(words) == 1:
        return bool(
            _NAME_WORD_RE.match(words[0]) or (words[0][0].isupper() and words[0].isalpha())
        ) and not _STOPPED_INITIALS_RE.match(words[0])
    # "van der Berg", "De Souza", "Garcia Marquez"
    return all(w[0].islower() or _NAME_WORD_RE.match(w) for w in words) and not any(
        _STOPPED_INITIALS_RE.match(w) or _VANCOUVER_INITIALS_RE.match(w) for w in words
    )


def _given_first(part: str, following: str) -> bool:
    """Chicago and MLA invert only the first author: "Child, Julia, Louisette
    Bertholle, and Simone Beck". After the first name, "Louisette Bertholle" followed by
    a full name ("Simone Beck") is a given-first name, not a family before its given."""
    words = part.split()
    return (
        len(words) >= 2
        and all(w[0].isupper() for w in words)
        and not _INITIALS_RE.match(following.strip())
        and len(following.split()) >= 2
    )


def _starts_inverted(first: str, second: str) -> bool:
    """ "Hensley, J. G." / "Hensley, Jane": an inverted list. "John Smith, Mary Jones" is
    not one: a two-word family before full given names is too rare to assume."""
    if not (_is_family_only(first) and _is_given_only(second)):
        return False
    # A capitalised particle still opens a family name: "Di Michele, Andrea".
    words = first.split()
    core = [w for w in words if not w[0].islower()]
    if len(core) == 2 and core[0].lower() in _PARTICLES and len(words) == 2:
        return True
    return len(core) == 1 or bool(_INITIALS_RE.match(second.strip()))


def parse_names(text: str) -> tuple[tuple[Name, ...], bool]:
    """Parse an author list; returns the names and whether it ended in "et al."."""
    text = compose_accents(" ".join((text or "").split()))
    text = _SPACED_HYPHEN_RE.sub(r"\1.-\2", text)  # "J. -P." -> "J.-P."
    if not text:
        return (), False
    et_al = False
    group = None
    m = _ET_AL_RE.search(text)
    if m:
        et_al = True
        # "Martinez-Leon M, et al.; ImageKids Study Group": a group author after "et al."
        tail = text[m.end() :].strip(" .,;:")
        if tail and looks_like_organisation(tail):
            group = Name(literal=tail)
        text = text[: m.start()]
    # "By"/"par"/"por" (not "von": it is a particle as often as a preposition).
    text = _BY_RE.sub("", text.strip())
    # Roles in brackets: "(Ed.)", "(Hrsg.)", "(Producers)", "(Writer/Director)".
    text = _ROLE_RE.sub("", text)
    text = TRAILING_ROLE_RE.sub("", text)  # NLM's "Laragh JH, Brenner BM, editors"
    text = _DOUBLED_STOP_RE.sub(".", text)  # "Yates, D. (Director)." -> "Yates, D.."
    text = text.strip().rstrip(",;:").strip()
    if not text.strip("."):  # "(R. Nice, Trans.)." was a role and its stop: no name
        return (), et_al
    if looks_like_organisation(text):
        return (Name(literal=text.rstrip(".")),), et_al
    # Normalise conjunctions to a separator.
    # "Habib, M.A.; & Ashfq, M.": after a semicolon the conjunction adds no separator.
    text = _SEMICOLON_CONJUNCTION_RE.sub("; ", text)
    text = _CONJUNCTION_RE.sub(", ", text)
    text = _LEADING_AMP_RE.sub("", text)
    # ";" separates names only when each piece is one inverted name ("Smith, J.; Jones, B.");
    # otherwise it is one more list separator ("Stahl M, Arnold D; ESMO Working Group").
    separator = ","
    if ";" in text:
        pieces = [p for p in text.split(";") if p.strip()]
        if all(p.count(",") <= 1 and not _TWO_VANCOUVER_NAMES_RE.search(p) for p in pieces):
            separator = ";"
        else:
            text = text.replace(";", ",")
    parts = [p.strip() for p in text.split(separator) if p.strip()]
    names: list[Name] = []
    if separator == "," and len(parts) >= 2 and _starts_inverted(parts[0], parts[1]):
        # Inverted: "Hensley, J. G., Smith, A." -> pairs; a trailing given-first name
        # ("..., and John Smith") is parsed on its own.
        i = 0
        while i < len(parts):
            if (
                i + 1 < len(parts)
                and _is_family_only(parts[i])
                and _is_given_only(parts[i + 1])
                and not (i and _given_first(parts[i], parts[i + 1]))
            ):
                names.append(_person(parts[i], parts[i + 1].rstrip(",")))
                i += 2
                if i < len(parts) and parts[i].rstrip(".").lower() in _SUFFIXES:
                    last = names[-1]
                    names[-1] = Name(
                        last.family, last.given, particle=last.particle, suffix=parts[i]
                    )
                    i += 1
            else:
                one = _parse_one(parts[i])
                if one:
                    names.append(one)
                i += 1
    else:
        for part in parts:
            if separator == ";" and "," in part:
                fam, _, given = part.partition(",")
                names.append(_person(fam, given.strip() or None))
                continue
            one = _parse_one(part)
            if one:
                names.append(one)
    if group is not None:
        names.append(group)
    return tuple(names), et_al
