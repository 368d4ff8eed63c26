"""A batch of references through fault-injecting Crossref and web stand-ins.

    python benchmarks/fault_benchmark.py [--refs 10000] [--fault-rate 0.05]
                                         [--mode stream|collect] [--grow]

The batch is ``refs / 10`` generated articles of 10 references each: 4 journal
articles citing their DOI, 3 found only by searching (no DOI), 2 web pages and 1
personal communication. The journal references cite works of a synthetic Crossref
corpus (1,000 records) served by ``CrossrefStandin``; the web pages live on 10
"hosts" (names resolved by ``FlakyDNS`` to 127.0.0.1). Both services sit behind a
``FaultProxy`` that injects, at ``--fault-rate`` each, byte trickles, truncated
bodies, resets before and during answers, invalid JSON, 429s, 503s, stalls and gzip
bombs. Everything runs on 127.0.0.1, through the library API (``Checker``) with a
SQLite cache in a temporary directory.

It prints faults injected, references lost (must be 0: every reference of every
article appears in the output with a resolution status, and every URL with a link
status), wall time and peak memory (``ru_maxrss``).

``--mode collect`` keeps every ArticleReport and renders one JSON report at the end,
as ``refcheck check`` does today; ``--mode stream`` writes each article's JSON as soon
as it is checked and keeps nothing. ``--grow`` runs both modes at 1,000 and at
``--refs`` references in fresh processes (peak memory is per process) and prints the
table that shows whether memory is bounded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refcheck.cache import SQLiteCache  # noqa: E402
from refcheck.extract.interface import Document, InputFormat  # noqa: E402
from refcheck.links import HttpLinkChecker  # noqa: E402
from refcheck.pipeline import Checker, CheckOptions, run_report  # noqa: E402
from refcheck.render import render  # noqa: E402
from refcheck.resolve import CrossrefResolver  # noqa: E402
from tests.standins.crossref import CrossrefStandin  # noqa: E402
from tests.standins.faults import FAULT_KINDS, FaultProxy, FlakyDNS  # noqa: E402

WORDS = (
    "cramp", "magnesium", "calcium", "sleep", "diet", "pregnancy", "trial", "review",
    "cohort", "placebo", "dose", "muscle", "nerve", "potassium", "sodium", "vitamin",
    "randomised", "outcome", "evidence", "night", "pain", "therapy", "women", "clinical",
    "effect", "risk", "factor", "prevalence", "treatment", "study",
)
FAMILIES = (
    "Smith", "Jones", "Nygaard", "Hensley", "Young", "Anderson", "Garcia", "Okafor",
    "Tanaka", "Muller", "Rossi", "Novak", "Kim", "Singh", "Cohen", "Larsen",
)
JOURNALS = ("J Test Med", "Clin Trials Q", "Obstet Rev", "Sleep Res Lett", "Nutr Rep")
HOSTS = 10


def synthetic_works(n: int, rng: random.Random) -> list[dict[str, Any]]:
    """``n`` Crossref work records with distinct titles and DOIs."""
    works = []
    for i in range(n):
        title = " ".join(rng.choice(WORDS) for _ in range(7)).capitalize() + f" {i}"
        authors = [{"family": rng.choice(FAMILIES), "given": rng.choice("ABCDEFGHJK") + "."}
                   for _ in range(rng.randint(1, 4))]
        year = rng.randint(1990, 2024)
        works.append({
            "DOI": f"10.5555/bench.{i}", "type": "journal-article", "title": [title],
            "author": authors, "container-title": [rng.choice(JOURNALS)],
            "issued": {"date-parts": [[year, rng.randint(1, 12)]]},
            "volume": str(rng.randint(1, 80)), "issue": str(rng.randint(1, 12)),
            "page": f"{(p := rng.randint(1, 900))}-{p + rng.randint(2, 15)}",
        })
    return works


def cite(work: dict[str, Any], with_doi: bool) -> str:
    authors = ", ".join(f"{a['family']} {a['given'][0]}" for a in work["author"])
    year = work["issued"]["date-parts"][0][0]
    text = (f"{authors}. {work['title'][0]}. {work['container-title'][0]}. "
            f"{year};{work['volume']}({work['issue']}):{work['page']}.")
    return f"{text} doi:{work['DOI']}" if with_doi else text


def article(index: int, works: list[dict[str, Any]], web_port: int,
            rng: random.Random) -> tuple[Document, int, int]:
    """One article of 10 references; returns it with its reference and URL counts."""
    refs = [cite(rng.choice(works), True) for _ in range(4)]
    refs += [cite(rng.choice(works), False) for _ in range(3)]
    for k in range(2):
        host = f"host{rng.randrange(HOSTS)}.example"
        page = rng.randrange(5000)
        refs.append(f"Health Site {k}. Page about {rng.choice(WORDS)}. Available at: "
                    f"http://{host}:{web_port}/docs/page-{page}. Accessed Oct. 12, 2010.")
    refs.append(f"{rng.choice(FAMILIES)} R (expert opinion). Mayo Clinic, Rochester, Minn. "
                f"Oct. {index % 28 + 1}, 2010.")
    body = (f"Article {index}\n\nSome text.\n\nReferences\n\n"
            + "\n".join(f"{i}. {r}" for i, r in enumerate(refs, 1)) + "\n")
    return Document(source=f"article-{index:05d}.txt", data=body.encode()), len(refs), 2


def run(refs: int, fault_rate: float, mode: str, seed: int) -> dict[str, Any]:
    """Run the batch; returns the figures (also what the child prints as JSON)."""
    logging.disable(logging.CRITICAL)
    rng = random.Random(seed)
    works = synthetic_works(1000, rng)
    articles = max(1, refs // 10)
    lost = 0
    statuses: Counter[str] = Counter()
    link_statuses: Counter[str] = Counter()
    kinds = tuple(k for k in FAULT_KINDS if k != "slow")  # stalls: a few, below
    with tempfile.TemporaryDirectory() as tmp, \
            CrossrefStandin(works, enforce_limits=False,
                            pools={"public": (10_000, 64), "polite": (10_000, 64),
                                   "plus": (10_000, 64)}) as crossref, \
            FaultProxy(crossref.url, rate=fault_rate, kinds=kinds, seed=seed,
                       trickle_delay=0.00002, bomb_size=16 * 2**20) as cr_proxy, \
            FaultProxy(rate=fault_rate, kinds=(*kinds, "slow"), seed=seed + 1,
                       trickle_delay=0.0001, slow_delay=0.3, page_words=60) as web:
        web_port = int(web.url.rsplit(":", 1)[1])
        dns = FlakyDNS({f"host{h}.example": "127.0.0.1" for h in range(HOSTS)},
                       down=lambda n: n % 97 == 5)  # the resolver drops out now and then
        cache = SQLiteCache(Path(tmp) / "cache")
        resolver = CrossrefResolver(
            base_url=cr_proxy.url, doi_resolver_url=cr_proxy.url, mailto="bench@example.org",
            cache=cache, timeout=2, attempts=3, backoff_base=0.01, max_backoff=0.1,
            max_rate=400, max_concurrency=12,
        )
        links = HttpLinkChecker(
            cache=cache, allow_private=True, resolver=dns, control_hosts=(), wayback_url=None,
            timeout=2, retries=1, backoff_base=0.01, max_concurrency=16, per_host_concurrency=4,
        )
        checker = Checker(CheckOptions(input_format=InputFormat.TEXT, as_of=dt.date(2026, 11, 26)),
                          cache=cache, resolver=resolver, link_checker=links)
        kept = []
        out_path = Path(tmp) / "report.jsonl"
        start = time.perf_counter()
        with out_path.open("w", encoding="utf-8") as out:
            for i in range(articles):
                document, expected_refs, expected_urls = article(i, works, web_port, rng)
                report = checker.check_document(document)
                got = [r for r in report.references if r.resolution.status]
                urls = sum(len(r.links) for r in report.references)
                lost += max(0, expected_refs - len(got)) + max(0, expected_urls - urls)
                statuses.update(r.resolution.status.value for r in report.references)
                link_statuses.update(link.status.value for r in report.references
                                     for link in r.links)
                if mode == "stream":
                    out.write(json.dumps(report.to_json(), sort_keys=True) + "\n")
                else:
                    kept.append(report)
        if mode == "collect":
            text = render(run_report(kept), "json")
            out_path.write_text(text, encoding="utf-8")
        wall = time.perf_counter() - start
        faults = cr_proxy.total_faults + web.total_faults
        by_kind = cr_proxy.faults + web.faults
        requests = cr_proxy.requests + web.requests
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "refs": articles * 10, "articles": articles, "mode": mode, "wall_s": round(wall, 1),
        "peak_mb": round(peak_kb / 1024, 1), "lost": lost, "faults": faults,
        "faults_by_kind": dict(sorted(by_kind.items())), "requests": requests,
        "resolution": dict(sorted(statuses.items())),
        "links": dict(sorted(link_statuses.items())),
        "throughput": round(articles * 10 / wall, 1),
    }


def show(figures: dict[str, Any]) -> None:
    print(f"references       {figures['refs']} ({figures['articles']} articles x 10), "
          f"mode {figures['mode']}")
    print(f"requests         {figures['requests']} (Crossref + web, through the proxies)")
    print(f"faults injected  {figures['faults']}  {figures['faults_by_kind']}")
    print(f"references lost  {figures['lost']}")
    print(f"resolution       {figures['resolution']}")
    print(f"links            {figures['links']}")
    print(f"wall time        {figures['wall_s']} s ({figures['throughput']} refs/s)")
    print(f"peak memory      {figures['peak_mb']} MB (ru_maxrss)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--refs", type=int, default=10_000)
    parser.add_argument("--fault-rate", type=float, default=0.05)
    parser.add_argument("--mode", choices=["stream", "collect"], default="collect")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--grow", action="store_true",
                        help="both modes at 1,000 and --refs references, one process each")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not args.grow:
        figures = run(args.refs, args.fault_rate, args.mode, args.seed)
        if args.json:
            print(json.dumps(figures))
        else:
            show(figures)
        return 1 if figures["lost"] else 0
    rows = []
    for mode in ("collect", "stream"):
        for refs in (1000, args.refs):
            child = subprocess.run(
                [sys.executable, __file__, "--refs", str(refs), "--mode", mode, "--json",
                 "--fault-rate", str(args.fault_rate), "--seed", str(args.seed)],
                capture_output=True, text=True, check=False,
            )
            if child.returncode not in (0, 1):
                print(child.stderr, file=sys.stderr)
                return 2
            rows.append(json.loads(child.stdout.strip().splitlines()[-1]))
            show(rows[-1])
            print()
    print(f"{'mode':<9}{'refs':>7}{'wall s':>8}{'refs/s':>8}{'peak MB':>9}{'faults':>8}{'lost':>6}")
    for row in rows:
        print(f"{row['mode']:<9}{row['refs']:>7}{row['wall_s']:>8}{row['throughput']:>8}"
              f"{row['peak_mb']:>9}{row['faults']:>8}{row['lost']:>6}")
    return 1 if any(r["lost"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
