# Reference templates read best one style per line, however long:
# ruff: noqa: E501
"""Accuracy and throughput of the Crossref resolver against a local stand-in.

Generates a seeded corpus of synthetic but realistic works (journal articles, chapters,
preprints) with hard look-alikes (corrections, replies, conference versions, peer-review
reports, journal-issue records, books of cited chapters, same-title works, "Part 1/2"
siblings), renders references to them in eight styles with realistic noise
(abbreviated journals, dropped issues, typos, truncated author lists, stripped
diacritics, abbreviated page ranges, off-by-one years, wrong DOIs), adds references to
works that are not in the corpus, and resolves them all through the stand-in, which
announces rate limits in its headers and answers 429 when they are exceeded.

    python benchmarks/resolve_benchmark.py                 # 3,000 references, fast limits
    python benchmarks/resolve_benchmark.py --refs 300 --limit 10 --concurrency 3   # real pace
    python benchmarks/resolve_benchmark.py --mode raw      # parser-free: raw strings only

Prints precision, recall, F1, requests per reference, 429s, references per second and
the share of the announced request rate used. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from standins.crossref import CrossrefStandin  # noqa: E402

from refcheck.cache import MemoryCache  # noqa: E402
from refcheck.model import Name, PartialDate, Reference, ReferenceType, ResolutionStatus  # noqa: E402
from refcheck.resolve import CrossrefResolver, ResolveRequest  # noqa: E402

JOURNAL_LISTS = [
    ROOT.parent / "shared" / "data" / "journals" / "medline-abbreviations.json",
    Path("/work/shared/data/journals/medline-abbreviations.json"),
]

FAMILIES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "García",
    "Müller",
    "Nguyen",
    "Kim",
    "Li",
    "Wang",
    "Zhang",
    "Chen",
    "Liu",
    "Yamamoto",
    "Suzuki",
    "Rossi",
    "Ferrari",
    "Dubois",
    "Martin",
    "Bernard",
    "Kowalski",
    "Nowak",
    "Novák",
    "Hansen",
    "Jensen",
    "Nielsen",
    "Bøhmer",
    "Åberg",
    "Öztürk",
    "Yılmaz",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Becker",
    "Hoffmann",
    "O'Brien",
    "McDonald",
    "MacLeod",
    "Papadopoulos",
    "Ivanov",
    "Petrov",
    "Silva",
    "Santos",
    "Oliveira",
    "Pereira",
    "Costa",
    "Fernández",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Díaz",
    "Hernández",
    "Jiménez",
    "Moreno",
    "Kumar",
    "Singh",
    "Sharma",
    "Patel",
    "Gupta",
    "Khan",
    "Ahmed",
    "Ali",
    "Hassan",
    "Cohen",
    "Levi",
    "Friedman",
    "Katz",
    "Anderson",
    "Thompson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
]
PARTICLED = [
    "van der Berg",
    "de Souza",
    "van Dijk",
    "von Neumann",
    "de la Cruz",
    "Di Stefano",
    "van den Broek",
    "ten Brink",
    "da Silva",
    "Le Roux",
]
GIVEN = [
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ingrid",
    "Jorge",
    "Karin",
    "Luis",
    "Maria",
    "Nils",
    "Olga",
    "Pedro",
    "Qing",
    "Rosa",
    "Sven",
    "Tomas",
    "Ursula",
    "Viktor",
    "Wen",
    "Xavier",
    "Yuki",
    "Zofia",
]
TOPIC = [
    "magnesium",
    "calcium",
    "vitamin",
    "pregnancy",
    "cramps",
    "sleep",
    "insulin",
    "diabetes",
    "obesity",
    "asthma",
    "hypertension",
    "stroke",
    "cancer",
    "breast",
    "prostate",
    "lung",
    "liver",
    "kidney",
    "cardiac",
    "arrhythmia",
    "depression",
    "anxiety",
    "schizophrenia",
    "dementia",
    "migraine",
    "epilepsy",
    "arthritis",
    "osteoporosis",
    "infection",
    "sepsis",
    "malaria",
    "tuberculosis",
    "influenza",
    "vaccine",
    "antibiotic",
    "resistance",
    "microbiome",
    "inflammation",
    "fibrosis",
    "angiogenesis",
    "apoptosis",
    "mitochondria",
    "receptor",
    "kinase",
    "neonatal",
    "preterm",
    "placental",
    "postpartum",
    "lactation",
    "adolescent",
    "elderly",
    "frailty",
    "exercise",
    "nutrition",
    "smoking",
    "alcohol",
    "opioid",
    "analgesia",
    "anaesthesia",
    "surgery",
    "laparoscopic",
    "robotic",
    "imaging",
    "ultrasound",
    "MRI",
    "biomarker",
    "genome",
    "transcriptome",
    "proteome",
    "metabolic",
    "signalling",
]
STUDY = [
    "randomised controlled trial",
    "cohort study",
    "systematic review",
    "meta-analysis",
    "case-control study",
    "cross-sectional survey",
    "pilot study",
    "qualitative study",
    "retrospective analysis",
    "prospective study",
    "multicentre trial",
    "mouse model",
]
PATTERNS = [
    "{A} and {B} in {P}: a {S}",
    "Effect of {A} on {B} in {P}",
    "{A} as a predictor of {B}: a {S}",
    "Association between {A} and {B} among {P}",
    "Role of {A} in {B}",
    "{A}-induced {B} in {P}: results of a {S}",
    "Does {A} reduce {B} in {P}?",
    "Long-term outcomes of {A} for {B}",
    "Interventions for {B} in {P}",
    "Mechanisms linking {A} to {B}",
]
POPULATION = [
    "pregnant women",
    "children",
    "older adults",
    "adolescents",
    "athletes",
    "patients with type 2 diabetes",
    "preterm infants",
    "nursing home residents",
    "primary care",
    "rural communities",
    "intensive care patients",
    "veterans",
]


def fold(text: str) -> str:
    """Diacritics removed (a common noise: 'Muller' for 'Müller')."""
    text = text.replace("ø", "o").replace("Ø", "O").replace("ı", "i")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@dataclass
class Work:
    """A synthetic registered work (fields of a Crossref item)."""

    doi: str
    type: str
    title: str | None
    authors: list[tuple[str, str]]  # (family, given)
    container: str | None
    abbrev: str | None
    year: int
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    article_number: str | None = None
    update_to: list[str] = field(default_factory=list)
    preprint_of: list[str] = field(default_factory=list)

    style: int = 0  # how the registered title is deposited (markup, subtitle split, capitals)

    def item(self) -> dict[str, Any]:
        """As a Crossref work item."""
        title, subtitle = self.title, None
        if title and self.style == 1 and ": " in title:
            title, subtitle = title.split(": ", 1)
        elif title and self.style == 2:
            first, _, rest = title.partition(" ")
            title = f"<i>{first}</i> {rest}"
        elif title and self.style == 3:
            title = title.upper()
        out: dict[str, Any] = {
            "DOI": self.doi,
            "type": self.type,
            "title": [title] if title else [],
            "subtitle": [subtitle] if subtitle else [],
            "author": [
                {
                    "family": f,
                    "given": g,
                    "sequence": "first" if i == 0 else "additional",
                    "affiliation": [],
                }
                for i, (f, g) in enumerate(self.authors)
            ],
            "container-title": [self.container] if self.container else [],
            "short-container-title": [self.abbrev] if self.abbrev else [],
            "issued": {"date-parts": [[self.year]]},
            "publisher": "Synthetic",
        }
        for key, value in (
            ("volume", self.volume),
            ("issue", self.issue),
            ("page", self.page),
            ("article-number", self.article_number),
        ):
            if value:
                out[key] = value
        if self.update_to:
            out["update-to"] = [
                {"DOI": d, "type": "correction", "source": "publisher"} for d in self.update_to
            ]
        if self.preprint_of:
            out["relation"] = {
                "is-preprint-of": [
                    {"id-type": "doi", "id": d, "asserted-by": "subject"} for d in self.preprint_of
                ]
            }
        return out


class Corpus:
    """The seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.journals = self._journals()
        self.n = 0

    def _journals(self) -> list[tuple[str, str]]:
        for path in JOURNAL_LISTS:
            if path.exists():
                data = json.loads(path.read_text(encoding="utf-8"))["default"]["container-title"]
                pairs = sorted(
                    (full, abbr)
                    for full, abbr in data.items()
                    if full != abbr and 2 <= len(abbr.split()) <= 6
                )
                return self.rng.sample(pairs, 400)
        return [
            ("Journal of Synthetic Medicine", "J Synth Med"),
            ("Clinical Test Reports", "Clin Test Rep"),
        ]

    def doi(self) -> str:
        self.n += 1
        prefix = self.rng.choice(["1016", "1002", "1007", "1371", "1186", "1093", "1111", "3390"])
        return f"10.{prefix}/syn.{self.n:06d}.{self.rng.randrange(10**4):04d}"

    def title(self) -> str:
        r = self.rng
        a, b = r.sample(TOPIC, 2)
        return (
            r.choice(PATTERNS)
            .format(
                A=a.capitalize() if r.random() < 0.5 else a,
                B=b,
                P=r.choice(POPULATION),
                S=r.choice(STUDY),
            )
            .capitalize()
        )

    def person(self) -> tuple[str, str]:
        r = self.rng
        family = r.choice(PARTICLED) if r.random() < 0.06 else r.choice(FAMILIES)
        given = r.choice(GIVEN) + (
            " " + r.choice("ABCDEFGHJKLMNPRST") + "." if r.random() < 0.4 else ""
        )
        return family, given

    def article(self) -> Work:
        r = self.rng
        full, abbr = r.choice(self.journals)
        n_auth = r.choice([1, 1, 2, 3, 3, 4, 5, 6, 8, 12]) if r.random() > 0.01 else 400
        first = r.randrange(1, 2400)
        electronic = r.random() < 0.12
        return Work(
            style=r.choice([0] * 7 + [1, 2, 3]),
            doi=self.doi(),
            type="journal-article",
            title=self.title(),
            authors=[self.person() for _ in range(n_auth)],
            container=full,
            abbrev=abbr if r.random() < 0.7 else full,
            year=r.randrange(1985, 2025),
            volume=str(r.randrange(1, 240)),
            issue=str(r.randrange(1, 13)) if r.random() < 0.85 else None,
            page=None if electronic else f"{first}-{first + r.randrange(2, 16)}",
            article_number=f"e{r.randrange(1000, 99999)}" if electronic else None,
        )

    def look_alikes(self, w: Work) -> list[Work]:
        """Records that resemble ``w`` but are not it."""
        r = self.rng
        out: list[Work] = []
        kind = r.choice(
            [
                "erratum",
                "reply",
                "conference",
                "review",
                "issue",
                "same-title",
                "part",
                "preprint",
                "sibling",
            ]
        )
        if kind == "erratum":
            out.append(
                Work(
                    self.doi(),
                    "journal-article",
                    r.choice(["Correction to: ", "Erratum: ", "Corrigendum to “"])
                    + (w.title or ""),
                    [] if r.random() < 0.5 else w.authors[:1],
                    w.container,
                    w.abbrev,
                    w.year + r.choice([0, 1]),
                    w.volume,
                    None,
                    str(r.randrange(1, 2400)),
                    update_to=[w.doi],
                )
            )
        elif kind == "reply":
            out.append(
                Work(
                    self.doi(),
                    "journal-article",
                    r.choice(["Reply to: ", "Comment on: ", "Response to "]) + (w.title or ""),
                    [self.person()],
                    w.container,
                    w.abbrev,
                    w.year + 1,
                    w.volume,
                    w.issue,
                    str(r.randrange(1, 2400)),
                )
            )
        elif kind == "conference":
            out.append(
                Work(
                    self.doi(),
                    "proceedings-article",
                    w.title,
                    w.authors,
                    f"Proceedings of the {r.choice(['International', 'European', 'Annual'])} "
                    f"Congress on {r.choice(TOPIC).capitalize()}",
                    None,
                    w.year - 1,
                    None,
                    None,
                    str(r.randrange(1, 400)),
                )
            )
        elif kind == "review":
            out.append(
                Work(
                    self.doi(),
                    "peer-review",
                    "Review of: " + (w.title or ""),
                    [self.person()],
                    None,
                    None,
                    w.year,
                )
            )
        elif kind == "issue":
            out.append(
                Work(
                    self.doi(),
                    "journal-issue",
                    None,
                    [],
                    w.container,
                    w.abbrev,
                    w.year,
                    w.volume,
                    w.issue,
                )
            )
        elif kind == "same-title":
            other = self.article()
            other.title = w.title
            out.append(other)
        elif kind == "part":
            base = w.title or ""
            w.title = base + ": part 1"
            sib = self.article()
            sib.title, sib.authors, sib.container, sib.abbrev = (
                base + ": part 2",
                w.authors,
                w.container,
                w.abbrev,
            )
            sib.year, sib.volume = w.year, w.volume
            out.append(sib)
        elif kind == "preprint":
            out.append(
                Work(
                    self.doi(),
                    "posted-content",
                    w.title,
                    w.authors,
                    None,
                    None,
                    w.year - 1,
                    preprint_of=[w.doi],
                )
            )
        elif kind == "sibling":
            sib = self.article()
            sib.authors = [w.authors[0], *sib.authors[1:]]
            sib.container, sib.abbrev, sib.year = w.container, w.abbrev, w.year
            out.append(sib)
        return out

    def chapter(self) -> tuple[Work, Work]:
        """A chapter and the book that contains it."""
        r = self.rng
        book_title = f"{r.choice(['Handbook', 'Textbook', 'Principles', 'Essentials'])} of {r.choice(TOPIC)} {r.choice(['medicine', 'care', 'research'])}"
        year = r.randrange(1990, 2024)
        first = r.randrange(1, 900)
        ch = Work(
            self.doi(),
            "book-chapter",
            self.title(),
            [self.person() for _ in range(r.choice([1, 2, 3]))],
            book_title,
            None,
            year,
            page=f"{first}-{first + r.randrange(8, 40)}",
        )
        book = Work(self.doi(), "book", book_title, [self.person()], None, None, year)
        return ch, book


STYLES = ["ama", "vancouver", "apa", "harvard", "chicago", "mla", "ieee", "nature"]


@dataclass
class Cited:
    """A rendered reference with its ground truth."""

    raw: str
    reference: Reference
    gold: str | None
    style: str


def render(c: Corpus, w: Work, style: str, *, with_doi: bool) -> Cited:
    """One reference to ``w`` in ``style`` with noise; the parsed fields a parser would give."""
    r = c.rng
    authors = list(w.authors)
    cut = (
        r.choice([1, 3, 6]) if len(authors) > 6 or (len(authors) > 3 and r.random() < 0.5) else None
    )
    et_al = cut is not None and cut < len(authors)
    shown = authors[:cut] if cut else authors
    strip = r.random() < 0.3
    fam = [fold(f) if strip else f for f, _ in shown]
    ini = ["".join(p[0] for p in g.replace(".", "").split()) for _, g in shown]
    title = w.title or ""
    if r.random() < 0.15 and len(title) > 20:  # one typo
        i = r.randrange(5, len(title) - 2)
        title = (
            title[:i] + title[i + 1] + title[i] + title[i + 2 :]
            if r.random() < 0.5
            else title[:i] + title[i + 1 :]
        )
    if r.random() < 0.03 and fam:  # a misspelt first author
        f0 = fam[0]
        k = r.randrange(1, max(2, len(f0) - 1))
        fam[0] = f0[:k] + f0[k + 1 :] if len(f0) > 4 else f0
    if r.random() < 0.05 and ": " in title and "part" not in title:  # subtitle left out
        title = title.split(": ")[0]
    if r.random() < 0.03:
        title = title.upper()
    journal = w.container or ""
    if w.type == "journal-article" and r.random() < 0.6:
        from refcheck.resolve.journals import abbreviation_fits  # only real abbreviations

        journal = w.abbrev if w.abbrev and abbreviation_fits(w.abbrev, journal) else journal
    year = w.year + (1 if r.random() < 0.05 else 0)
    issue = w.issue if r.random() > 0.3 else None
    page = w.page or w.article_number or ""
    if page and "-" in page and style in ("ama", "vancouver") and r.random() < 0.5:
        a, b = page.split("-")
        k = 0
        while k < len(a) and k < len(b) - 1 and a[k] == b[k]:
            k += 1
        page = f"{a}-{b[k:]}"
    if r.random() < 0.1 and w.type != "book-chapter":
        page = ""
    vol = w.volume
    vi = f"{vol}({issue})" if vol and issue else (vol or "")
    names_ama = ", ".join(f"{f} {i}" for f, i in zip(fam, ini, strict=True)) + (
        ", et al" if et_al else ""
    )
    if w.type == "book-chapter":
        body = {
            "ama": f"{names_ama}. {title}. In: {journal}. {year}:{page}.",
            "vancouver": f"{names_ama}. {title}. In: {journal}. {year}. p. {page}.",
            "apa": f"{', '.join(f'{f}, {i}.' for f, i in zip(fam, ini, strict=True))} ({year}). {title}. In {journal} (pp. {page}).",
            "harvard": f"{fam[0]}, {ini[0]}. ({year}) '{title}', in {journal}, pp. {page}.",
            "chicago": f"{fam[0]}, {shown[0][1]}. “{title}.” In {journal}, {page}. {year}.",
            "mla": f"{fam[0]}, {shown[0][1]}. “{title}.” {journal}, {year}, pp. {page}.",
            "ieee": f"{ini[0]}. {fam[0]}, “{title},” in {journal}, {year}, pp. {page}.",
            "nature": f"{fam[0]}, {ini[0]}. in {journal} {page} ({year}).  {title}.",
        }[style]
        ref_type = ReferenceType.CHAPTER
    else:
        pg = page or ""
        body = {
            "ama": f"{names_ama}. {title}. {journal}. {year};{vi}{':' + pg if pg else ''}.",
            "vancouver": f"{names_ama}. {title}. {journal}. {year};{vi}{':' + pg if pg else ''}.",
            "apa": f"{', '.join(f'{f}, {i}.' for f, i in zip(fam, ini, strict=True))}{', et al.' if et_al else ''} ({year}). {title[0] + title[1:].lower()}. {journal}, {vi}{', ' + pg if pg else ''}.",
            "harvard": f"{' and '.join(f'{f}, {i}.' for f, i in zip(fam[:2], ini[:2], strict=True))}{' et al.' if et_al or len(fam) > 2 else ''} ({year}) '{title}', {journal}, {vi}{', pp. ' + pg if pg else ''}.",
            "chicago": f"{fam[0]}, {shown[0][1]}{', et al' if len(fam) > 1 else ''}. “{title}.” {journal} {vol}{', no. ' + issue if issue else ''} ({year}){': ' + pg if pg else ''}.",
            "mla": f"{fam[0]}, {shown[0][1]}{', et al' if len(fam) > 1 else ''}. “{title}.” {journal}, vol. {vol}{', no. ' + issue if issue else ''}, {year}{', pp. ' + pg if pg else ''}.",
            "ieee": f"{', '.join(f'{i}. {f}' for f, i in zip(fam[:3], ini[:3], strict=True))}{' et al.' if len(fam) > 3 or et_al else ''}, “{title},” {journal}, vol. {vol}{', no. ' + issue if issue else ''}{', pp. ' + pg if pg else ''}, {year}.",
            "nature": f"{', '.join(f'{f}, {i}.' for f, i in zip(fam[:5], ini[:5], strict=True))}{' et al.' if len(fam) > 5 or et_al else ''} {title}. {journal} {vol}, {pg} ({year}).",
        }[style]
        ref_type = (
            ReferenceType.ARTICLE if w.type == "posted-content" else ReferenceType.ARTICLE_JOURNAL
        )
    if r.random() < 0.08:  # PubMed-style trailers
        body += r.choice(
            [
                f" Epub {year} Mar {r.randrange(1, 28)}.",
                f" PMID: {r.randrange(10**7, 10**8)}.",
                f" PMCID: PMC{r.randrange(10**6, 10**7)}.",
                " [Internet].",
            ]
        )
    doi = None
    if with_doi:
        doi = w.doi
        if r.random() < 0.05:  # a typo in the DOI: another digit
            doi = doi[:-1] + str((int(doi[-1]) + 1) % 10)
        body += f" doi:{doi}"
    parsed = Reference(
        type=ref_type,
        authors=tuple(Name(family=f) for f in fam),
        et_al=et_al,
        title=title,
        container_title=journal or None,
        issued=PartialDate(year),
        volume=vol if w.type != "book-chapter" else None,
        issue=issue,
        page=page or None,
        doi=doi,
    )
    return Cited(body, parsed, w.doi, style)


def build(seed: int, n_refs: int) -> tuple[list[dict[str, Any]], list[Cited]]:
    """The works the stand-in serves and the references to resolve."""
    c = Corpus(seed)
    r = c.rng
    served: list[Work] = []
    cited: list[Cited] = []
    for i in range(n_refs):
        style = STYLES[i % len(STYLES)]
        roll = r.random()
        if roll < 0.06:
            ch, book = c.chapter()
            present = r.random() > 0.15
            served.extend([ch, book] if present else [book])
            ref = render(c, ch, style, with_doi=False)
        else:
            w = c.article()
            alikes = c.look_alikes(w) if r.random() < 0.6 else []
            present = r.random() > 0.15
            served.extend(([w] if present else []) + alikes)
            ref = render(c, w, style, with_doi=present and r.random() < 0.2)
        if not present:
            ref.gold = None
        cited.append(ref)
    # Background works: the rest of the index the ranking has to see past.
    served.extend(c.article() for _ in range(n_refs))
    return [w.item() for w in served], cited


REFERENCE_SETS = [
    ROOT.parent / "shared" / "data" / "references",
    Path("/work/shared/data/references"),
]


def build_real(seed: int, n_refs: int) -> tuple[list[dict[str, Any]], list[Cited]]:
    """Real reference strings (the shared labelled sets) against works built from their
    labels, with the same look-alikes and absent works as the synthetic corpus.

    The registered record gets the journal's full title where the NLM list knows the
    cited abbreviation, given names as initials, and a DOI (the cited one if any).
    """
    folder = next((p for p in REFERENCE_SETS if p.exists()), None)
    if folder is None:
        raise SystemExit("the shared reference sets are not available")
    c = Corpus(seed)
    r = c.rng
    full_of: dict[str, str] = {}
    for path in JOURNAL_LISTS:
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))["default"]["container-title"]
            full_of = {abbr.lower().replace(".", ""): full for full, abbr in data.items()}
            break
    rows = []
    for name in ("anystyle-core.jsonl", "grobid-vancouver-dev.jsonl", "umass-dev.jsonl"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("title") and row.get("authors") and row.get("year"):
                rows.append(row)
    r.shuffle(rows)
    served: list[Work] = []
    cited: list[Cited] = []
    seen_dois: set[str] = set()
    seen_titles: set[str] = set()  # the sets cite some works twice (Tibshirani's lasso)
    for row in rows[:n_refs]:
        container = row.get("container")
        full = full_of.get((container or "").lower().replace(".", "").strip(), container)
        try:
            year = int(str(row["year"])[:4])
        except ValueError:
            continue
        doi = (row.get("doi") or "").lower() or c.doi()
        title_key = "".join(ch for ch in fold(row["title"]).lower() if ch.isalnum())
        if doi in seen_dois or title_key in seen_titles:
            continue
        seen_dois.add(doi)
        seen_titles.add(title_key)
        meeting = re.search(
            r"\b(?:proc|proceedings|conference|conf|workshop|symposium)\b",
            (container or "").lower(),
        )
        kind = "journal-article" if container else "book"
        if meeting and full == container:  # not a journal the NLM list knows (PNAS is)
            kind = "proceedings-article"
        w = Work(
            doi=doi,
            type=kind,
            title=row["title"],
            authors=[(f, r.choice("ABCDEFGHJKLMNPRST") + ".") for f in row["authors"]],
            container=full,
            abbrev=container,
            year=year,
            volume=row.get("volume"),
            issue=row.get("issue"),
            page=row.get("pages"),
            style=r.choice([0] * 8 + [2, 3]),
        )
        present = r.random() > 0.15
        alikes = c.look_alikes(w) if r.random() < 0.5 else []
        if w.title != row["title"]:  # the "part" look-alike retitles the work itself
            alikes = []
            w.title = row["title"]
        served.extend(([w] if present else []) + alikes)
        ref = Cited(row["raw"], Reference(), w.doi if present else None, row["source"])
        cited.append(ref)
    served.extend(c.article() for _ in range(len(cited)))
    return [w.item() for w in served], cited


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--refs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument(
        "--mode",
        choices=["fields", "raw", "parser"],
        default="fields",
        help="fields: the generator's noisy fields (an ideal parser); raw: raw strings"
        " only; parser: refcheck's own parser reads each string",
    )
    ap.add_argument("--limit", type=int, default=60, help="requests/s the stand-in announces")
    ap.add_argument("--concurrency", type=int, default=6, help="concurrency the stand-in announces")
    ap.add_argument("--latency", type=float, default=0.02, help="stand-in answer delay (s)")
    ap.add_argument("--show-errors", type=int, default=0)
    ap.add_argument(
        "--corpus",
        choices=["synthetic", "real"],
        default="synthetic",
        help="real: the shared labelled reference strings against works built from their labels",
    )
    ap.add_argument(
        "--public",
        action="store_true",
        help="no mailto: the public pool (the stand-in announces --limit and --concurrency)",
    )
    args = ap.parse_args(argv)

    if args.corpus == "real":
        works, cited = build_real(args.seed, args.refs)
        if args.mode == "fields":
            args.mode = "parser"  # real strings have no generator fields
    else:
        works, cited = build(args.seed, args.refs)
    n_absent = sum(1 for x in cited if x.gold is None)
    print(
        f"corpus: {len(works)} works served, {len(cited)} references "
        f"({n_absent} to absent works), styles: {', '.join(STYLES)}; mode: {args.mode}"
    )
    pools = {
        "polite": (args.limit, args.concurrency),
        "public": (args.limit, args.concurrency),
        "plus": (args.limit, args.concurrency),
    }
    if args.mode == "parser":
        from refcheck.parse import parse_reference

        requests = [ResolveRequest(parse_reference(x.raw), x.raw) for x in cited]
    else:
        requests = [
            ResolveRequest(
                x.reference if args.mode == "fields" else Reference(doi=x.reference.doi), x.raw
            )
            for x in cited
        ]
    with CrossrefStandin(works, pools=pools, latency=args.latency) as server:
        resolver = CrossrefResolver(
            base_url=server.url,
            doi_resolver_url=server.url,
            mailto=None if args.public else "bench@example.org",
            cache=MemoryCache(),
            backoff_base=0.2,
        )
        start = time.monotonic()
        results = resolver.resolve_many(requests)
        elapsed = time.monotonic() - start
        resolver.close()
        rate_limited = server.stats.rate_limited
        sent = server.stats.requests

    tp = fp = fn = amb = err = 0
    wrong: list[tuple[Cited, Any]] = []
    for x, res in zip(cited, results, strict=True):
        pred = res.doi.lower() if res.status == ResolutionStatus.MATCHED and res.doi else None
        gold = x.gold.lower() if x.gold else None
        amb += res.status == ResolutionStatus.AMBIGUOUS
        err += res.status == ResolutionStatus.ERROR
        if pred and pred == gold:
            tp += 1
        elif pred or gold:
            fp += bool(pred)
            fn += bool(gold)
            wrong.append((x, res))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    per_style = {}
    for style in sorted({x.style for x in cited}):
        pairs = [
            (x, res) for x, res in zip(cited, results, strict=True) if x.style == style and x.gold
        ]
        ok = sum(
            1
            for x, res in pairs
            if res.doi
            and x.gold
            and res.doi.lower() == x.gold.lower()
            and res.status == ResolutionStatus.MATCHED
        )
        per_style[style] = f"{ok}/{len(pairs)}"
    print(
        f"precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}  "
        f"(TP {tp}, FP {fp}, FN {fn}, ambiguous {amb}, errors {err})"
    )
    print(f"recall by style: {per_style}")
    print(
        f"requests {sent} ({sent / len(cited):.2f} per reference), 429s {rate_limited}, "
        f"{len(cited) / elapsed:.1f} references/s, {sent / elapsed:.1f} requests/s in {elapsed:.1f}s"
    )
    print(
        f"share of the announced rate used: {sent / elapsed / args.limit:.0%} "
        f"(limit {args.limit}/s, concurrency {args.concurrency})"
    )
    for x, res in wrong[: args.show_errors]:
        print(
            f"\n[{x.style}] gold={x.gold} got={res.status.value} {res.doi} conf={res.confidence:.2f}\n  {x.raw}\n  {res.reason}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
