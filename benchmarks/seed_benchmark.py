"""Time to check the seed article end to end, cold and cached, against local stand-ins.

    python benchmarks/seed_benchmark.py [--runs 5] [--latency 0.05]

The seed's two hosts are pointed at a local web stand-in and Crossref at a local
Crossref stand-in (both on 127.0.0.1), each answering after ``--latency`` seconds to
resemble a real network. A cold run starts with an empty cache; a cached run repeats
the check with the cache the cold run filled, and must send no request at all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refcheck.extract import load_document  # noqa: E402
from refcheck.extract.interface import Document  # noqa: E402
from refcheck.pipeline import Checker, CheckOptions  # noqa: E402
from tests.standins.crossref import (  # noqa: E402
    CrossrefStandin,
    load_fixture_handles,
    load_fixture_works,
)
from tests.standins.web import WebStandin, page  # noqa: E402

SEED = ROOT / "fixtures" / "mayo-leg-cramps-pregnancy.txt"


def seed_document(web: WebStandin) -> Document:
    text = load_document(str(SEED)).data.decode("utf-8")
    text = text.replace("http://www.uptodate.com", web.base).replace(
        "http://www.acog.org", web.base
    )
    return Document(source=str(SEED), data=text.encode("utf-8"))


def one_run(document: Document, options: CheckOptions) -> tuple[float, int]:
    started = time.perf_counter()
    report = Checker(options).check_document(document)
    elapsed = time.perf_counter() - started
    return elapsed, len(report.references)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per answer")
    args = parser.parse_args()

    cold, cached = [], []
    with CrossrefStandin(
        load_fixture_works(), handles=load_fixture_handles(), latency=args.latency
    ) as crossref, WebStandin(latency=args.latency) as web:
        web.add_page("/home/index.html", page("UpToDate", "Clinical decision support"))
        web.add_redirect("/publications/patient_education/ab005.cfm", "/", status=302)
        document = seed_document(web)
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as cache_dir:
                options = CheckOptions(
                    crossref_url=crossref.url,
                    doi_resolver_url=crossref.url,
                    mailto="bench@example.org",
                    wayback_url=None,
                    allow_private=True,
                    as_of=dt.date(2026, 11, 26),
                    cache_dir=Path(cache_dir),
                    timeout=5,
                )
                before = (len(crossref.requests), len(web.seen))
                seconds, refs = one_run(document, options)
                cold.append(seconds)
                middle = (len(crossref.requests), len(web.seen))
                seconds, _ = one_run(document, options)
                cached.append(seconds)
                after = (len(crossref.requests), len(web.seen))
        cold_requests = (middle[0] - before[0], middle[1] - before[1])
        cached_requests = (after[0] - middle[0], after[1] - middle[1])

    print(f"seed: {refs} references; stand-in latency {args.latency * 1000:.0f} ms; "
          f"{args.runs} runs each")
    print(f"cold:   median {statistics.median(cold):.3f} s  (min {min(cold):.3f}, "
          f"max {max(cold):.3f}); requests: Crossref {cold_requests[0]}, web {cold_requests[1]}")
    print(f"cached: median {statistics.median(cached):.3f} s  (min {min(cached):.3f}, "
          f"max {max(cached):.3f}); requests: Crossref {cached_requests[0]}, "
          f"web {cached_requests[1]}")


if __name__ == "__main__":
    main()
