"""Render ``records.WEB_SOURCES`` in the styles articles use, with token labels.

    python -m training.web.make_web_set     # writes training/web/web-references.jsonl

Each source is written in several styles (AMA, NLM/Vancouver, APA 6 and 7, Harvard,
MLA, Chicago notes and author-date, IEEE, Nature, and French, German and Spanish
conventions), each picked with a fixed random seed, so the file is reproducible. Every
output line has the shared data's gold JSONL shape (``raw``, gold fields,
``segments``) plus ``group``: all renderings of one source share it, so that a
held-out split keeps a source's renderings together.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from training.web.records import WEB_SOURCES

OUT = Path(__file__).resolve().parent / "web-references.jsonl"

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
AMA_MON = [
    "Jan.",
    "Feb.",
    "Mar.",
    "Apr.",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
]
MLA_MON = AMA_MON  # MLA abbreviates months as AMA does
NLM_MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
FR_MON = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
ES_MON = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]

Seg = tuple[str | None, str]


def stop(text: str, mark: str = ".") -> str:
    """End a field with ``mark`` unless it already ends a sentence."""
    return text if text[-1:] in ".?!" else text + mark


def initials(given: str, dots: bool, space: bool = True) -> str:
    parts = [p for p in given.replace("-", " -").split() if p]
    out = []
    for p in parts:
        hyphen = p.startswith("-")
        letter = p.lstrip("-")[0]
        out.append(("-" if hyphen else "") + letter + ("." if dots else ""))
    joiner = " " if (dots and space) else ""
    return joiner.join(out).replace(" -", "-")


def is_org(a: Any) -> bool:
    return isinstance(a, str)


def names(src: dict[str, Any], style: str, rnd: random.Random) -> str:
    authors = src["authors"]
    if is_org(authors[0]):
        return authors[0]
    fmt: list[str] = []
    for i, (fam, giv) in enumerate(authors):
        if style in ("ama", "nlm", "es"):
            fmt.append(f"{fam} {initials(giv, False)}")
        elif style in ("apa", "nature"):
            fmt.append(f"{fam}, {initials(giv, True)}")
        elif style == "harvard":
            fmt.append(f"{fam}, {initials(giv, True, space=False)}")
        elif style in ("mla", "chicago", "chicago-ad", "de"):
            fmt.append(f"{fam}, {giv}" if i == 0 else f"{giv} {fam}")
        elif style in ("ieee",):
            fmt.append(f"{initials(giv, True)} {fam}")
        elif style == "fr":
            fmt.append(f"{fam.upper()}, {giv}")
        else:
            fmt.append(f"{fam} {initials(giv, False)}")
    if style in ("ama", "nlm", "es"):
        if len(fmt) > 6 or (style == "ama" and len(fmt) > 3 and rnd.random() < 0.5):
            return ", ".join(fmt[:3]) + ", et al"
        return ", ".join(fmt)
    if style == "mla" and len(fmt) > 2:
        return fmt[0] + ", et al."
    if len(fmt) == 1:
        return fmt[0]
    if style in ("apa", "nature"):
        return ", ".join(fmt[:-1]) + (", & " if style == "apa" else " & ") + fmt[-1]
    if style == "fr":
        return ", ".join(fmt[:-1]) + " et " + fmt[-1]
    if style == "de":
        return "; ".join(fmt)
    return ", ".join(fmt[:-1]) + (", and " if len(fmt) > 2 else " and ") + fmt[-1]


def d_us(d: tuple[int, ...], months: list[str] = MONTHS) -> str:
    if len(d) == 3:
        return f"{months[d[1] - 1]} {d[2]}, {d[0]}"
    if len(d) == 2:
        return f"{months[d[1] - 1]} {d[0]}"
    return str(d[0])


def d_eu(d: tuple[int, ...], months: list[str] = MONTHS) -> str:
    if len(d) == 3:
        return f"{d[2]} {months[d[1] - 1]} {d[0]}"
    if len(d) == 2:
        return f"{months[d[1] - 1]} {d[0]}"
    return str(d[0])


def d_nlm(d: tuple[int, ...]) -> str:
    return " ".join(
        [str(d[0])]
        + ([NLM_MON[d[1] - 1]] if len(d) > 1 else [])
        + ([str(d[2])] if len(d) > 2 else [])
    )


def ama(src: dict[str, Any], rnd: random.Random) -> list[Seg]:
    a = names(src, "ama", rnd)
    acc = src["accessed"]
    acc_text = rnd.choice([d_us(acc, AMA_MON), d_us(acc), d_us(acc, AMA_MON)])
    segs: list[Seg] = []
    if src.get("volume"):  # a journal article with its address
        block = f"{src['date'][0]};{src['volume']}"
        segs = [
            ("author", a + "."),
            (None, " "),
            ("title", stop(src["title"])),
            (None, " "),
            ("journal", src["site"] + "."),
            (None, " "),
            ("date", str(src["date"][0])),
            (None, ";"),
            ("volume", src["volume"]),
        ]
        if src.get("issue"):
            segs += [(None, "("), ("biblScope@issue", src["issue"]), (None, ")")]
        if src.get("pages"):
            segs += [(None, ":"), ("pages", src["pages"])]
        elif src.get("number"):
            segs += [(None, ":"), ("pages", src["number"])]
        del block
        segs += [
            (None, ". "),
            ("url", src["url"] + "."),
            (None, " "),
            ("note", f"Accessed {acc_text}."),
        ]
        return segs
    if is_org(src["authors"][0]) and rnd.random() < 0.4:
        # The seed's form: title first, the organisation after it.
        segs = [("title", stop(src["title"])), (None, " "), ("author", a + "."), (None, " ")]
    else:
        segs = [("author", a + "."), (None, " "), ("title", stop(src["title"])), (None, " ")]
        if rnd.random() < 0.7:
            segs += [("container-title", src["site"] + "."), (None, " ")]
    segs += [("url", src["url"] + ".")]
    if rnd.random() < 0.6 and len(src["date"]) >= 1:
        segs += [(None, " "), ("date", f"Published {d_us(src['date'], AMA_MON)}.")]
    segs += [(None, " "), ("note", f"Accessed {acc_text}.")]
    return segs


def nlm(src: dict[str, Any], rnd: random.Random) -> list[Seg]:
    a = names(src, "nlm", rnd)
    acc = src["accessed"]
    place = rnd.choice(
        ["", "[place unknown]: ", "London: ", "Geneva: ", "Bethesda (MD): ", "Atlanta (GA): "]
    )
    segs: list[Seg] = [
        ("author", a + "."),
        (None, " "),
        ("title", src["title"]),
        (None, " [Internet]. "),
    ]
    if place:
        segs += [("location", place.rstrip(": ")), (None, ": ")]
    segs += [("publisher", src["site"]), (None, "; "), ("date", d_nlm(src["date"]))]
    if rnd.random() < 0.4:
        segs += [
            (None, " [updated "),
            ("note", d_nlm((*acc[:1], max(1, acc[1] - 1), *acc[2:]))),
            (None, "; cited "),
            ("note", d_nlm(acc)),
            (None, "]."),
        ]
    else:
        segs += [(None, " ["), ("note", f"cited {d_nlm(acc)}"), (None, "].")]
    segs += [(None, " Available from: "), ("url", src["url"])]
    return segs


def apa(src: dict[str, Any], rnd: random.Random) -> list[Seg]:
    a = names(src, "apa", rnd)
    d = src["date"]
    date = (
        f"({d[0]}"
        + (
            f", {MONTHS[d[1] - 1]}" + (f" {d[2]}" if len(d) > 2 else "")
            if len(d) > 1 and rnd.random() < 0.7
            else ""
        )
        + ")."
    )
    title = src["title"]
    if src["kind"] == "dataset":
        title += " [Data set]"
    elif src["kind"] == "software":
        title += " [Computer software]"
    segs: list[Seg] = [
        ("author", a + (" " if a.endswith(".") else ". ")),
        ("date", date),
        (None, " "),
        ("title", title + "."),
        (None, " "),
    ]
    if src["site"] != a:
        segs += [("container-title", src["site"] + "."), (None, " ")]
    if rnd.random() < 0.5:
        acc = src["accessed"]
        segs += [("note", f"Retrieved {d_us(acc)}, from"), (None, " "), ("url", src["url"])]
    elif rnd.random() < 0.5:
        segs += [(None, "Retrieved from "), ("url", src["url"])]
    else:
        segs += [("url", src["url"])]
    return segs


def harvard(src: dict[str, Any], rnd: random.Random) -> list[Seg]:
    a = names(src, "harvard", rnd)
    acc = src["accessed"]
    acc_text = rnd.choice([d_eu(acc), f"{acc[2]:02d}/{acc[1]:02d}/{acc[0]}", d_eu(acc)])
    title = src["title"]
    segs: list[Seg] = [("author", a), (None, " "), ("date", f"({src['date'][0]})"), (None, " ")]
    segs += [("title", (f"'{title}'," if rnd.random() < 0.4 else title + ".")), (None, " ")]
    if rnd.random() < 0.6:
        segs += [("container-title", src["site"] + "."), (None, " ")]
    segs += [
        (None, "Available at: "),
        ("url", src["url"]),
        (None, " "),
        ("note", f"(Accessed: {acc_text})" if rnd.random() < 0.6 else f"(accessed {acc_text})"),
        (None, "."),
    ]
    return segs


def mla(src: dict[str, Any], rnd: random.Random) -> list[Seg]:
    a = names(src, "mla", rnd)
    # MLA 8 and 9 print the address without its scheme ("www.cdc.gov/…", "medlineplus.gov/…").
    url = src["url"].split("://", 1)[1] if rnd.random() < 0.5 else src["url"]
    segs: list[Seg] = []
    org = is_org(src["authors"][0])
    if not org:
        segs += [("author", a + ("" if a.endswith(".") else ".")), (None, " ")]
    segs += [
        ("title", f"\u201c{stop(src['title'])}\u201d"),
        (None, " "),
        ("container-title", src["site"] + ","),
        (None, " "),
    ]
    if org and src["authors"][0] != src["site"] and rnd.random() < 0.5:
        # An organisation that is both author and publisher is named once, as publisher:
        # '"Leg Cramps." MedlinePlus, U.S. National Library of Medicine, 2 Feb. 2021, …'.
        segs += [("publisher", src["authors"][0] + ","), (None, " ")]
    segs += [
        ("date", d_eu(src["date"], MLA_MON) + ","),
        (None, " "),
        ("url", url + "."),
    ]
    segs += [
        (None, " "),
        ("note", f"Accessed {d_eu(src['accessed'], MLA_MON)}."),
    ]
    return segs


def chicago(src: dict[str, Any], rnd: random.Random) -> list[Seg]:
    a = names(src, "chicago", rnd)
    segs: list[Seg] = [("author", a + ("" if a.endswith(".") else ".")), (None, " ")]
    if rnd.random() < 0.5:  # author-date
        segs += [
            ("date", f"{src['date'][0]}."),
            (None, " "),
            ("title", f"\u201c{stop(src['title'])}\u201d"),
            (None, " "),
            ("container-title", src["site"] + "."),
            (None, " "),
        ]
    else:
        segs += [
            ("title", f"\u201c{stop(src['title'])}\u201d"),
            (None, " "),
            ("container-title", src["site"] + "."),
            (None, " "),
            ("date", d_us(src["date"]) + "."),
            (None, " "),
        ]
    segs += [("note", f"Accessed {d_us(src['accessed'])}."), (None, " "), ("url", src["url"] + ".")]
    return segs


def ieee(src: dict[str, Any], rnd: random.Random) -> list[Seg]:
    a = names(src, "ieee", rnd)
    marker = f"[{rnd.randint(1, 60)}]"
    segs: list[Seg] = [
        ("citation-number", marker),
        (None, " "),
        ("author", a + ","),
        (None, " "),
        ("title", f"\u201c{src['title']},\u201d"),
        (None, " "),
        ("container-title", src["site"] + "."),
        (None, " [Online]. Available: "),
        ("url", src["url"]),
    ]
    acc = src["accessed"]
    segs += [(None, " "), ("note", f"(accessed {d_us(acc, AMA_MON)})"), (None, ".")]
    return segs


def nature(src: dict[str, Any], rnd: random.Random) -> list[Seg]:
    a = names(src, "nature", rnd)
    marker = f"{rnd.randint(1, 60)}."
    return [
        ("citation-number", marker),
        (None, " "),
        ("author", stop(a)),
        (None, " "),
        ("title", stop(src["title"])),
        (None, " "),
        ("container-title", src["site"]),
        (None, " "),
        ("url", src["url"]),
        (None, " "),
        ("date", f"({src['date'][0]})."),
        (None, " "),
    ][:-1]


def french(src: dict[str, Any], rnd: random.Random) -> list[Seg]:
    a = names(src, "fr", rnd)
    acc = src["accessed"]
    return [
        ("author", a + "."),
        (None, " "),
        ("title", src["title"]),
        (None, " [en ligne]. "),
        ("container-title", src["site"]),
        (None, ", "),
        ("date", f"{src['date'][0]}."),
        (None, " Disponible sur : "),
        ("url", src["url"]),
        (None, " "),
        ("note", f"(consulté le {d_eu(acc, FR_MON)})"),
        (None, "."),
    ]


def german(src: dict[str, Any], rnd: random.Random) -> list[Seg]:
    a = names(src, "de", rnd)
    acc = src["accessed"]
    acc_text = (
        f"{acc[2]:02d}.{acc[1]:02d}.{acc[0]}"
        if rnd.random() < 0.6
        else d_eu(
            acc,
            [
                "Januar",
                "Februar",
                "März",
                "April",
                "Mai",
                "Juni",
                "Juli",
                "August",
                "September",
                "Oktober",
                "November",
                "Dezember",
            ],
        )
    )
    return [
        ("author", a),
        (None, " "),
        ("date", f"({src['date'][0]}):"),
        (None, " "),
        ("title", stop(src["title"])),
        (None, " "),
        ("container-title", src["site"] + "."),
        (None, " Online unter: "),
        ("url", src["url"]),
        (None, " "),
        ("note", f"(abgerufen am {acc_text})"),
        (None, "."),
    ]


def spanish(src: dict[str, Any], rnd: random.Random) -> list[Seg]:
    a = names(src, "es", rnd)
    acc = src["accessed"]
    return [
        ("author", a + "."),
        (None, " "),
        ("title", src["title"]),
        (None, " [Internet]. "),
        ("publisher", src["site"]),
        (None, "; "),
        ("date", str(src["date"][0])),
        (None, " ["),
        ("note", f"consultado el {acc[2]} de {ES_MON[acc[1] - 1]} de {acc[0]}"),
        (None, "]. Disponible en: "),
        ("url", src["url"]),
    ]


STYLES: dict[str, Callable[[dict[str, Any], random.Random], list[Seg]]] = {
    "ama": ama,
    "nlm": nlm,
    "apa": apa,
    "harvard": harvard,
    "mla": mla,
    "chicago": chicago,
    "ieee": ieee,
    "nature": nature,
}
LANG_STYLES = {"fr": french, "de": german, "es": spanish}


def gold(src: dict[str, Any], segs: list[Seg], style: str) -> dict[str, Any]:
    raw = "".join(t for _, t in segs)
    labels = {lab for lab, _ in segs}
    authors = (
        []
        if "author" not in labels
        else ([src["authors"][0]] if is_org(src["authors"][0]) else [f for f, _ in src["authors"]])
    )
    if style == "mla" and len(src["authors"]) > 2 and not is_org(src["authors"][0]):
        authors = authors[:1]
    if style in ("ama", "nlm", "es") and not is_org(src["authors"][0]):
        text = next(t for lab, t in segs if lab == "author")
        if "et al" in text:
            authors = authors[:3]
    container = None
    if "container-title" in labels or "journal" in labels:
        container = src["site"]
    acc = src["accessed"]
    has_access = any(lab == "note" and any(c.isdigit() for c in t) for lab, t in segs)
    return {
        "raw": raw,
        "authors": authors,
        "others": "et al" in raw,
        "title": src["title"]
        + (" [Data set]" if "[Data set]" in raw else "")
        + (" [Computer software]" if "[Computer software]" in raw else ""),
        "container": container,
        "year": str(src["date"][0])
        if "date" in labels or (style == "ama" and src.get("volume"))
        else None,
        "volume": src.get("volume") if "volume" in labels else None,
        "issue": src.get("issue") if "biblScope@issue" in labels else None,
        "pages": src.get("pages") or src.get("number") if "pages" in labels else None,
        "doi": None,
        "url": next(t for lab, t in segs if lab == "url").rstrip("."),
        "accessed": f"{acc[0]:04d}-{acc[1]:02d}-{acc[2]:02d}" if has_access else None,
        "publisher": None,
        "unscored": ["title"] if "[Data set]" in raw or "[Computer software]" in raw else [],
    }


def build(seed: int = 20261126, per_source: int = 5) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    out = []
    for i, src in enumerate(WEB_SOURCES):
        styles = rnd.sample(sorted(STYLES), per_source)
        chosen = [(s, STYLES[s]) for s in styles]
        if src.get("lang") in LANG_STYLES:
            chosen.append((src["lang"], LANG_STYLES[src["lang"]]))
        elif rnd.random() < 0.3:
            lang = rnd.choice(sorted(LANG_STYLES))
            chosen.append((lang, LANG_STYLES[lang]))
        for style, render in chosen:
            if src.get("volume") and style != "ama":
                continue  # journal articles are written in AMA only here
            segs = render(src, rnd)
            record = gold(src, segs, style)
            # Published dates that APA or NLM write are dates; "Published ..." in AMA too.
            record.update(
                {
                    "id": f"refcheck-web:{i}:{style}",
                    "source": "refcheck-web",
                    "group": f"web-{i}",
                    "style": style,
                    "segments": [list(s) for s in segs],
                }
            )
            out.append(record)
        if src.get("volume"):
            for _ in range(2):
                segs = ama(src, rnd)
                record = gold(src, segs, "ama")
                record.update(
                    {
                        "id": f"refcheck-web:{i}:ama2",
                        "source": "refcheck-web",
                        "group": f"web-{i}",
                        "style": "ama",
                        "segments": [list(s) for s in segs],
                    }
                )
                out.append(record)
    # Drop exact duplicates, keep order.
    seen: set[str] = set()
    unique = []
    for r in out:
        if r["raw"] not in seen:
            seen.add(r["raw"])
            unique.append(r)
    return unique


def main() -> None:
    records = build()
    with OUT.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} references to {OUT}")


if __name__ == "__main__":
    main()
