"""Tokeniser and CRF features for the learned labeller.

Tokens are runs of non-space characters, with ``; : ( ) [ ]`` split off as tokens of
their own, so that a Vancouver block ``2009;54(3):211-8`` becomes
``2009 ; 54 ( 3 ) : 211-8`` and each piece can take its own label. Other punctuation
stays attached to its word ("Smith," "J." "pp.") because where it sits is itself the
strongest evidence of field boundaries; features expose it separately.

Features are plain strings (python-crfsuite reads them with weight 1), handed to the
tagger already UTF-8 encoded. They are built with as little work per token as
possible: the parser's speed is mostly this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "FEATURE_VERSION", "MONTHS", "Token", "encoded_features", "features", "set_lexicon",
    "tokenise",
]  # fmt: skip

#: Bump when features change: a model trained with other features is refused.
FEATURE_VERSION = "7"

Token = tuple[str, int, int]  # text, start, end

_TOKEN_RE = re.compile(r"[^\s;:()\[\]]+|[;:()\[\]]")
_CORE_RE = re.compile(r"^\W+|\W+$")
_SHAPE_TABLE = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "X" * 26 + "x" * 26 + "d" * 10,
)
_YEAR_RE = re.compile(r"^\(?(1[5-9]\d\d|20[0-4]\d)[a-z]?\W*$")
_RANGE_RE = re.compile(r"^[A-Za-z]?\d+\s*[-\u2013\u2014]+\s*[A-Za-z]?\d+\W*$")

MONTHS = {
    "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun",
    "june", "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october",
    "nov", "november", "dec", "december", "spring", "summer", "autumn", "fall", "winter",
}  # fmt: skip
# Small lexicons of words that mark a field; the model learns how much each one counts.
_LEXICON: dict[str, str] = {}
for _word in [
    "journal",
    "j",
    "jour",
    "rev",
    "review",
    "reviews",
    "proc",
    "proceedings",
    "trans",
    "transactions",
    "ann",
    "annals",
    "bull",
    "bulletin",
    "acta",
    "lett",
    "letters",
    "phys",
    "chem",
    "biol",
    "med",
    "clin",
    "res",
    "sci",
    "science",
    "nature",
    "magazine",
    "quarterly",
    "bmj",
    "jama",
    "lancet",
    "int",
    "intl",
    "am",
    "eur",
    "natl",
    "nat",
    "soc",
    "assoc",
]:
    _LEXICON[_word] = "jrnl"
for _word in [
    "press",
    "publishing",
    "publishers",
    "publisher",
    "verlag",
    "books",
    "wiley",
    "springer",
    "elsevier",
    "academic",
    "university",
    "univ",
    "oxford",
    "cambridge",
    "routledge",
    "sage",
    "mcgraw-hill",
    "blackwell",
    "pearson",
    "ieee",
    "acm",
    "mit",
    "siam",
    "crc",
    "kluwer",
    "taylor",
    "francis",
    "pub",
    "publ",
    "inc",
    "ltd",
    "co",
    "company",
]:
    _LEXICON[_word] = "publ"
for _word in [
    "conference",
    "conf",
    "symposium",
    "symp",
    "workshop",
    "meeting",
    "congress",
    "colloquium",
    "proceedings",
    "international",
    "annual",
]:
    _LEXICON[_word] = "conf"
for _word in ["ed", "eds", "editor", "editors", "edited", "hrsg", "dir", "coord"]:
    _LEXICON[_word] = "editor"
for _word in ["in", "dans", "en"]:
    _LEXICON[_word] = "in"
for _word in ["pp", "p", "pages", "page", "s", "seiten"]:
    _LEXICON[_word] = "pages"
for _word in ["vol", "volume", "vols", "bd"]:
    _LEXICON[_word] = "vol"
for _word in ["no", "nos", "number", "issue", "nr", "heft"]:
    _LEXICON[_word] = "num"
for _word in ["edition", "edn", "ed.", "aufl", "auflage"]:
    _LEXICON[_word] = "edn"
for _word in [
    "thesis",
    "dissertation",
    "phd",
    "ph.d",
    "doctoral",
    "master",
    "report",
    "tech",
    "technical",
    "working",
    "paper",
    "preprint",
    "arxiv",
    "manuscript",
    "unpublished",
    "submitted",
    "press",
    "forthcoming",
]:
    _LEXICON[_word] = "genre"
for _word in [
    "new",
    "york",
    "london",
    "paris",
    "berlin",
    "boston",
    "chicago",
    "oxford",
    "cambridge",
    "amsterdam",
    "tokyo",
    "washington",
    "philadelphia",
    "heidelberg",
    "ny",
    "ma",
    "ca",
    "uk",
    "usa",
    "germany",
    "france",
    "geneva",
    "toronto",
    "sydney",
    "singapore",
    "beijing",
]:
    _LEXICON.setdefault(_word, "place")
for _word in ["et", "al", "and", "&", "und", "others"]:
    _LEXICON[_word] = "conj"
for _word in [
    "available",
    "online",
    "retrieved",
    "accessed",
    "cited",
    "internet",
    "website",
    "web",
    "homepage",
    "online",
]:
    _LEXICON[_word] = "web"


def tokenise(text: str) -> list[Token]:
    """Split into tokens with their character offsets."""
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


WordFeatures = tuple[str, str, str, tuple[str, ...]]
# Per-token feature strings are cached (C-level LRU). About 1.2 KB a token (bytes, the
# shape, trail and flag strings shared): 30,000 tokens bound the cache near 35 MB,
# reached only by batches of thousands of references (the 5,000 development references
# hold 30,000 distinct tokens); an article uses a few MB.
_CACHE_LIMIT = 30_000

# Word lists learned from the training data (see ``training.train.build_lexicon``):
# word -> the field it mostly belongs to. They ship with the model, because a model
# is only valid with the lists it was trained with.
_lexicon: dict[str, str] = {}


def set_lexicon(lexicon: dict[str, str]) -> None:
    """Use these learned word lists (a model's own) from now on. Called on every
    labelling, so a change is detected by identity: pass the same object each time."""
    global _lexicon
    if lexicon is not _lexicon:
        _lexicon = lexicon
        _word_info.cache_clear()


def _shape(tok: str) -> str:
    """The token's character classes ("Xx", "d-d", ...), runs squeezed, first six: a
    loop that stops at six is several times faster than squeezing long tokens (URLs)
    with a regex."""
    out: list[str] = []
    prev = ""
    for c in tok.translate(_SHAPE_TABLE):
        if c != prev:
            out.append(c)
            if len(out) == 6:
                break
            prev = c
    return "".join(out)


def _word_features(tok: str) -> WordFeatures:
    """(core word, shape, trailing punctuation, flags) of one token."""
    last = tok[-1]
    # Most tokens are bare words: no regex needed to strip them (``isalnum`` characters
    # are all ``\w``).
    core = tok if tok[0].isalnum() and last.isalnum() else _CORE_RE.sub("", tok)
    low = core.lower()
    shape = _shape(tok)
    trail = last if not last.isalnum() else "_"
    flags: list[str] = []
    if core:
        first = core[0]
        if first.isupper():
            flags.append("cap")
            if core.isupper() and len(core) > 1:
                flags.append("allcap")
        elif first.islower():
            flags.append("low")
        # A word of letters only (most) has no digit: skip the per-character scan and
        # the year pattern, which needs digits.
        digits = not core.isalpha()
        if digits and core.isdigit():
            flags.append("num" if len(core) < 5 else "longnum")
        elif digits and any(c.isdigit() for c in core):
            flags.append("hasdigit")
        else:
            digits = False
        if digits and _YEAR_RE.match(tok):
            flags.append("year")
        if len(core) == 1 and first.isupper():
            flags.append("initial")
        if low in MONTHS:
            flags.append("month")
        lex = _LEXICON.get(low)
        if lex:
            flags.append("lex=" + lex)
        learned = _lexicon.get(low)
        if learned:
            flags.append("d=" + learned)
        if ("-" in tok or "\u2013" in tok) and _RANGE_RE.match(tok):
            flags.append("range")
    else:
        flags.append("punct")
    if tok[0] in "\"“‘'«":
        flags.append("openq")
    if last in "\"”’'»" or (len(tok) > 1 and tok[-2] in "\"”’'»"):
        flags.append("closeq")
    return low[:20], shape, trail, tuple(flags)


@dataclass(slots=True)
class _Word:
    """A token's feature strings, built once per distinct token and cached, in the
    forms the token itself and its neighbours use. They are UTF-8 bytes, which
    python-crfsuite takes as they are: encoding ~690 strings on every tagging was a
    fifth of its time. (Not frozen, whose ``__init__`` is several times slower; not a
    named tuple, whose fields are slower to read. Shared through the cache: never
    changed once built.)"""

    own: tuple[bytes, ...]
    prev1: tuple[bytes, ...]  # as the previous token
    next1: tuple[bytes, ...]  # as the next token
    prev2: tuple[bytes, ...]
    next2: tuple[bytes, ...]
    # What the token does to the running context (see ``features``), worked out once.
    marks_in: bool  # "In"/"in:": a container follows
    marks_editor: bool
    is_year: bool
    depth_change: int  # +1 "(" "[", -1 ")" "]"
    quote: bool | None  # True opens a quotation, False closes one, None neither
    ends_block: bool  # a full stop that is not an initial's
    comma: bool
    joins: _Joins


@dataclass(slots=True)
class _Joins:
    """A token's pieces of the conjunction features, which pair it with a neighbour:
    word bigrams ("j|mol" against "j.|the"), the punctuation before a word with its
    case ("." then a capital starts a field; "," then a capital is an author's name),
    and the case of three tokens in a row. A linear CRF cannot combine two features
    itself; AnyStyle's templates showed these combinations pay (5-fold CV: micro-F1
    0.951 to 0.955, the mixed set 0.911 to 0.918). Each feature is a head, built once
    per word, and a tail, joined per position: one concatenation each."""

    low: bytes
    kind: bytes  # C capitalised, l lower case, d digits (or other), p punctuation
    trail: bytes
    left_pair: bytes  # "wL=<this>|": the next token's bigram with this one
    right_pair: bytes  # "wR=<this>|": this token's bigram with the next
    trail_then_kind: bytes  # "tk=<trail>": the next token's case after this punctuation
    trail_then_next: bytes  # "kt=<trail>": this punctuation before the next token's case
    kinds: bytes  # "kkk=<kind>": the next token's run of three cases
    trail_pair: bytes  # "tt=<trail>": the next token's punctuation after this one's


def _joins(low: str, kind: str, trail: str) -> _Joins:
    return _Joins(
        low.encode(), kind.encode(), trail.encode(), f"wL={low}|".encode(),
        f"wR={low}|".encode(), f"tk={trail}".encode(), f"kt={trail}".encode(),
        f"kkk={kind}".encode(), f"tt={trail}".encode(),
    )  # fmt: skip


# Stand-ins for the neighbours of the first and last tokens.
_START_JOINS = _joins("^", "^", "^")
_END_JOINS = _joins("$", "$", "$")


def _encode(strings: Iterable[str]) -> tuple[bytes, ...]:
    return tuple(map(str.encode, strings))


# A new word's features are mostly pieces that many words share: its shape, its
# trailing punctuation and its flags, each in the forms the token and its neighbours
# use. Built and encoded once per distinct piece, they leave only the word's own text
# (and affixes) to build for each new word: half the time of a new word.
@lru_cache(maxsize=4096)
def _shape_parts(shape: str) -> tuple[bytes, ...]:
    """``s=``, ``-1s=``, ``+1s=``, ``+2s=`` of a shape."""
    return _encode(("s=" + shape, "-1s=" + shape, "+1s=" + shape, "+2s=" + shape))


@lru_cache(maxsize=1024)
def _trail_parts(trail: str) -> tuple[bytes, ...]:
    """``t=``, ``-1t=``, ``+1t=``, ``-2t=`` of a trailing character."""
    return _encode(("t=" + trail, "-1t=" + trail, "+1t=" + trail, "-2t=" + trail))


class _FlagParts(NamedTuple):
    own: tuple[bytes, ...]
    prev: tuple[bytes, ...]  # "-1" + flag
    next: tuple[bytes, ...]  # "+1" + flag
    quote: bool | None
    marks_editor: bool
    is_year: bool
    initial: bool


@lru_cache(maxsize=4096)
def _flag_parts(flags: tuple[str, ...]) -> _FlagParts:
    """A combination of flags, in the forms the token and its neighbours use, and what
    they say about the running context."""
    quote = None
    if "openq" in flags and "closeq" not in flags:
        quote = True
    elif "closeq" in flags:
        quote = False
    return _FlagParts(
        own=_encode(flags),
        prev=_encode(["-1" + f for f in flags]),
        next=_encode(["+1" + f for f in flags]),
        quote=quote,
        marks_editor="lex=editor" in flags,
        is_year="year" in flags,
        initial="initial" in flags,
    )


_LEAD = {"(": (b"lead=(",), "[": (b"lead=[",)}


@lru_cache(maxsize=_CACHE_LIMIT)
def _word_info(tok: str) -> _Word:
    """A token's feature strings (cached: the same words recur across references)."""
    low, shape, trail, flags = _word_features(tok)
    # The word's own strings in one go: a token has no space, so one encoding and one
    # split give them all. Then its affixes of 1-4 characters (AnyStyle's kind):
    # "-ology", "Proc", "-ing" words generalise to words the training data never had.
    if len(low) >= 4:
        text = (
            f"w={low} -1w={low} +1w={low} -2w={low} +2w={low} p1={low[0]} s1={low[-1]}"
            f" p2={low[:2]} s2={low[-2:]} p3={low[:3]} s3={low[-3:]} p4={low[:4]} s4={low[-4:]}"
        )
    else:
        text = f"w={low} -1w={low} +1w={low} -2w={low} +2w={low}" + "".join(
            f" p{k}={low[:k]} s{k}={low[-k:]}" for k in range(1, len(low) + 1)
        )
    w, prev_w, next_w, prev2_w, next2_w, *affix = text.encode().split(b" ")
    s, prev_s, next_s, next2_s = _shape_parts(shape)
    t, prev_t, next_t, prev2_t = _trail_parts(trail)
    f = _flag_parts(flags)
    return _Word(  # positionally: keywords cost a tenth of a new word's time
        (b"b", w, s, t, *f.own, *affix, *_LEAD.get(tok[0], ())),
        (prev_w, prev_s, prev_t, *f.prev),
        (next_w, next_s, *f.next, next_t),
        (prev2_w, prev2_t),
        (next2_w, next2_s),
        low == "in" and (tok[0] == "I" or tok[-1] == ":"),  # marks_in
        f.marks_editor,
        f.is_year,
        1 if tok in ("(", "[") else -1 if tok in (")", "]") else 0,  # depth_change
        f.quote,
        trail in ".?!" and not f.initial and len(low) > 1,  # ends_block
        trail == ",",  # comma
        _joins(
            low,
            "C" if "cap" in flags else "l" if "low" in flags else "p" if "punct" in flags else "d",
            trail,
        ),
    )


# The running-context features, built once (they are the same few strings everywhere).
_POS = tuple(f"pos={k}".encode() for k in range(10))
_BLK = tuple(f"blk={k}".encode() for k in range(7))
_YRS = tuple(f"yrs={k}".encode() for k in range(3))
_YRA = tuple(f"yra={k}".encode() for k in range(3))
_CM = tuple(f"cm={k}".encode() for k in range(5))
_AIN, _AED, _INPAREN, _INQUOTE = 1, 2, 4, 8
# The marker features for each combination of the four bits above, in feature order.
_STATE = tuple(
    tuple(name for bit, name in ((1, b"ain"), (2, b"aed"), (4, b"inparen"), (8, b"inquote"))
          if mask & bit)
    for mask in range(16)
)  # fmt: skip
_BOS: tuple[bytes, ...] = (b"BOS",)
_EOS: tuple[bytes, ...] = (b"EOS",)


def features(tokens: list[Token]) -> list[list[str]]:
    """CRF features for each token: its own and its neighbours' (as text; the labeller
    uses ``encoded_features``)."""
    return [[f.decode() for f in item] for item in encoded_features(tokens)]


def encoded_features(tokens: list[Token]) -> list[list[bytes]]:
    """``features`` as UTF-8 bytes, the form python-crfsuite reads fastest."""
    n = len(tokens)
    if not n:
        return []
    words = [_word_info(t[0]) for t in tokens]
    # Each token's neighbour features, lined up with it; BOS/EOS at the ends.
    ends: list[tuple[bytes, ...]] = [()] * min(n, 2)
    prev1 = [_BOS, *[w.prev1 for w in words[:-1]]]
    prev2 = [*ends, *[w.prev2 for w in words[:-2]]]
    next1 = [*[w.next1 for w in words[1:]], _EOS]
    next2 = [*[w.next2 for w in words[2:]], *ends]
    out: list[list[bytes]] = []
    # Running context: how many "sentences" (". " boundaries) and years came before,
    # and whether we are inside brackets or quotes: field order is style-specific but
    # stable within a style, and these let the model learn it.
    blocks = 0
    years = 0
    total_years = sum(w.is_year for w in words)
    commas = 0
    depth = 0
    quote = False
    # Markers that change what follows: after "In"/"In:" comes a container (and its
    # editors), after "eds"/"(Hrsg.)" the container's title.
    markers = 0
    joins = [w.joins for w in words]
    # The conjunction features of each position, with its neighbours' joins.
    paired = [
        (p.left_pair + j.low, j.right_pair + n.low, p.trail_then_kind + j.kind,
         j.trail_then_next + n.kind, p.kinds + j.kind + n.kind, p.trail_pair + j.trail)
        for p, j, n in zip([_START_JOINS, *joins[:-1]], joins, [*joins[1:], _END_JOINS],
                           strict=True)
    ]  # fmt: skip
    for i, (word, p1, p2, n1, n2, pairs) in enumerate(
        zip(words, prev1, prev2, next1, next2, paired, strict=True)
    ):
        state = markers | (_INPAREN if depth else 0) | (_INQUOTE if quote else 0)
        out.append([
            *word.own,
            _POS[10 * i // n],
            _BLK[blocks if blocks < 6 else 6],
            _YRS[years if years < 2 else 2],
            _YRA[min(total_years - years, 2)],
            _CM[commas if commas < 4 else 4],
            *_STATE[state],
            *p1,
            *p2,
            *n1,
            *n2,
            *pairs,
        ])  # fmt: skip
        # Update the running context after the token.
        if word.marks_in:
            markers |= _AIN
        elif word.marks_editor:
            markers |= _AED
        if word.is_year:
            years += 1
        change = word.depth_change
        if change > 0 or (change and depth):
            depth += change
        if word.quote is not None:
            quote = word.quote
        if word.ends_block:
            blocks += 1
            commas = 0
        elif word.comma:
            commas += 1
    return out


#: Fields whose presence before or after a token the second pass is told about.
_STACK_FIELDS = ("author", "title", "journal", "container", "date", "volume", "pages",
                 "publisher", "editor", "location")


def stack_features(labels: list[str]) -> list[list[str]]:
    """Second-pass features from a first pass's labels (stacked labelling).

    A linear-chain CRF sees only its neighbours' labels; these give the second pass the
    whole first-pass reading: the labels around each token, the runs they form, and
    which fields the reference has already had or has yet to have. A lone "journal"
    token inside a title, or a second title after the journal, then looks as odd to
    the model as it does to a reader.
    """
    n = len(labels)
    padded = ["BOS", "BOS", *labels, "EOS", "EOS"]
    # Runs of equal labels: each token's run, and the labels of the runs around it.
    run_start = [0] * n
    run_end = [0] * n
    before = [""] * n
    after = [""] * n
    i = 0
    previous = "BOS"
    while i < n:
        j = i
        while j < n and labels[j] == labels[i]:
            j += 1
        following = labels[j] if j < n else "EOS"
        for k in range(i, j):
            run_start[k], run_end[k], before[k], after[k] = i, j, previous, following
        previous = labels[i]
        i = j
    # Which fields are still to come: shrinks as each field's last token passes.
    last = {label: k for k, label in enumerate(labels)}
    had: list[str] = []
    earlier_runs: dict[str, int] = {}
    out: list[list[str]] = []
    will = ["will=" + f for f in _STACK_FIELDS if f in last]
    for k in range(n):
        label = labels[k]
        length = run_end[k] - run_start[k]
        feats = [
            "y0=" + label,
            "y-1=" + padded[k + 1],
            "y+1=" + padded[k + 3],
            "y-2=" + padded[k],
            "y+2=" + padded[k + 4],
            "y-1y0=" + padded[k + 1] + "|" + label,
            "y0y+1=" + label + "|" + padded[k + 3],
            "rl=1" if length == 1 else "rl=2" if length < 4 else "rl=4",
            "pr=" + before[k],
            "nr=" + after[k],
            "prnr=" + before[k] + "|" + after[k],
            "nth=" + str(min(earlier_runs.get(label, 0), 2)),
        ]
        feats += had
        if last[label] == k and label in _STACK_FIELDS:
            gone = "will=" + label  # its last token: no more of it to come
            will = [f for f in will if f != gone]
        feats += will
        out.append(feats)
        if k + 1 == run_end[k]:
            earlier_runs[label] = earlier_runs.get(label, 0) + 1
        if label in _STACK_FIELDS and "had=" + label not in had:
            had = [*had, "had=" + label]
    return out
