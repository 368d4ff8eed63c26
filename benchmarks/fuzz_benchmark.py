"""Fuzz the reference parser and every input reader for a fixed time budget.

    python benchmarks/fuzz_benchmark.py [--seconds 60] [--seed N]

Hypothesis drives the generation (``hypothesis`` is a test dependency already). Each
target gets an equal share of the budget and is fed three kinds of input, mixed by
Hypothesis: fragments of every syntax the readers know shuffled together, arbitrary
bytes, and mutations (cuts, byte flips, spliced fragments) of the real fixture
documents in ``fixtures/formats/`` for that format, so inputs reach deep into the
parsers instead of failing on the first byte.

A *crash* is any exception other than ``ExtractError``/``InputError`` from a reader,
any exception at all from ``parse_reference`` (it promises never to raise), or an
error message that is not one line. The script prints inputs tried and crashes per
target, the first input of each distinct crash (as a Python bytes literal), and
exits 1 when anything crashed.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from refcheck.errors import InputError  # noqa: E402
from refcheck.extract import ExtractError, InputFormat, extract_references  # noqa: E402
from refcheck.extract.interface import Document  # noqa: E402
from refcheck.parse import parse_reference  # noqa: E402

FORMATS_DIR = ROOT / "fixtures" / "formats"

FRAGMENTS = [
    b"References\n", b"Bibliography\n", b"- ", b"1. ", b"[1] ", b"\n", b"\n\n", b"\t",
    b"Smith J, Jones K. A title. J Things. 2001;3(4):123-9. ", b"doi:10.1000/xyz ",
    b"https://doi.org/10.1/x ", b"Accessed Oct. 12, 2010. ", b"[cited 2010 Oct 12] ",
    b"Retrieved March 3, 2019, from ", b"(expert opinion)", b"et al. ",
    b"<html>", b"<body>", b"<h2>References</h2>", b"<ol><li>", b"</li>", b"</ol>", b"<a href='",
    b"'>", b"</a>", b"<script>x</script>", b"<!--", b"-->", b"<![CDATA[", b"]]>", b"&amp;",
    b"&#0;", b"<?xml version='1.0'?>", b"<!DOCTYPE article>", b"<ref-list>", b"<ref>",
    b"<mixed-citation>", b"</mixed-citation>", b"<element-citation><year>2001</year>",
    b"</ref>", b"@article{k,", b" title = {T", b"{", b"}", b"@string{s = {x}}", b"\\",
    b"TY  - JOUR\n", b"AU  - Smith, J\n", b"ER  - \n", b'[{"title": "T", ', b'"issued": ',
    b'{"date-parts": [[2001, 13]]}', b"]", b"null", b"1e999", b"PK\x03\x04", b"%PDF-1.7\n",
    b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xe2\x80\xa8", b"\x1b[2J", b"\xc3\xa9", b"\xc3",
]


@dataclass
class Target:
    """One thing to fuzz and what came of it."""

    name: str
    run: Callable[[bytes], None]
    seeds: list[bytes] = field(default_factory=list)
    tried: int = 0
    crashes: int = 0
    first: dict[str, bytes] = field(default_factory=dict)  # crash signature -> input


def _reader(fmt: InputFormat) -> Callable[[bytes], None]:
    def run(data: bytes) -> None:
        try:
            extract_references(Document(source="fuzz", data=data), fmt)
        except (ExtractError, InputError) as exc:
            message = str(exc)
            if not message.strip() or "\n" in message:
                raise AssertionError(f"error message not one line: {message[:120]!r}") from None

    return run


def _parser(data: bytes) -> None:
    parse_reference(data.decode("utf-8", "replace"))


def _seeds(fmt: str) -> list[bytes]:
    directory = FORMATS_DIR / fmt
    if not directory.is_dir():
        return []
    return [p.read_bytes()[:200_000] for p in sorted(directory.iterdir()) if p.is_file()]


def targets() -> list[Target]:
    """The parser plus one target per input format."""
    seed_text = (ROOT / "fixtures" / "mayo-leg-cramps-pregnancy.txt").read_bytes()
    out = [Target("parse_reference", _parser, [line for line in seed_text.splitlines()
                                               if line.startswith(b"- ")])]
    for fmt in InputFormat:
        seeds = _seeds(fmt.value) or ([seed_text] if fmt is InputFormat.AUTO else [])
        out.append(Target(f"reader:{fmt.value}", _reader(fmt), seeds))
    return out


def _strategy(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    shuffled = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map(b"".join)
    raw = st.binary(max_size=4000)
    if not seeds:
        return st.one_of(shuffled, raw)

    @st.composite
    def mutated(draw: st.DrawFn) -> bytes:
        data = bytearray(draw(st.sampled_from(seeds)))
        for _ in range(draw(st.integers(0, 6))):
            if not data:
                break
            op = draw(st.sampled_from(["cut", "flip", "splice", "dup"]))
            at = draw(st.integers(0, len(data) - 1))
            if op == "cut":
                del data[at : at + draw(st.integers(1, 4000))]
            elif op == "flip":
                data[at] = draw(st.integers(0, 255))
            elif op == "splice":
                data[at:at] = draw(st.sampled_from(FRAGMENTS))
            else:
                data[at:at] = data[at : at + draw(st.integers(1, 200))]
        return bytes(data)

    return st.one_of(shuffled, raw, mutated())


def fuzz(target: Target, seconds: float, seed: int | None) -> None:
    """Run ``target`` on generated inputs for ``seconds``; record crashes, never stop."""
    deadline = time.monotonic() + seconds
    strategy = _strategy(target.seeds)

    @settings(max_examples=200, deadline=None, database=None, derandomize=seed is not None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def batch(data: bytes) -> None:
        if time.monotonic() > deadline:
            return
        target.tried += 1
        try:
            target.run(data)
        except Exception as exc:  # a crash is what we are looking for
            target.crashes += 1
            frames = traceback.extract_tb(exc.__traceback__)
            # Name the crash by refcheck's own frame nearest the error (not lxml's).
            ours = [f for f in frames if "/refcheck/" in f.filename] or frames
            frame = ours[-1]
            signature = f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            target.first.setdefault(signature, data)

    while time.monotonic() < deadline:
        batch()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="total budget (60)")
    parser.add_argument("--seed", type=int, default=None,
                        help="derandomise Hypothesis (same inputs every run)")
    args = parser.parse_args(argv)
    # parse_reference logs (and swallows) internal errors: keep the output readable.
    logging.disable(logging.CRITICAL)
    all_targets = targets()
    share = args.seconds / len(all_targets)
    start = time.monotonic()
    print(f"fuzzing {len(all_targets)} targets for {args.seconds:g} s "
          f"({share:.1f} s each)\n")
    print(f"{'target':<22}{'inputs':>10}{'per s':>9}{'crashes':>9}")
    for target in all_targets:
        t0 = time.monotonic()
        fuzz(target, share, args.seed)
        rate = target.tried / max(time.monotonic() - t0, 1e-9)
        print(f"{target.name:<22}{target.tried:>10}{rate:>9.0f}{target.crashes:>9}", flush=True)
    total_tried = sum(t.tried for t in all_targets)
    total_crashes = sum(t.crashes for t in all_targets)
    print(f"{'total':<22}{total_tried:>10}{'':>9}{total_crashes:>9}")
    print(f"wall time {time.monotonic() - start:.1f} s")
    for target in all_targets:
        for signature, data in target.first.items():
            print(f"\nCRASH {target.name}: {signature}\n  input ({len(data)} bytes): "
                  f"{data[:500]!r}{' ...' if len(data) > 500 else ''}")
    return 1 if total_crashes else 0


if __name__ == "__main__":
    sys.exit(main())
