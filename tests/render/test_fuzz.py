"""Property tests: arbitrary document text never breaks a format or escapes from it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from refcheck.model import (
    ArticleReport,
    ExtractedReference,
    Finding,
    LinkResult,
    LinkStatus,
    Name,
    Reference,
    ReferenceReport,
    Resolution,
    ResolutionStatus,
    RunReport,
    Severity,
)
from refcheck.render import FORMATS, render

# Any text, with a bias towards the characters that break formats.
_nasty = st.sampled_from(
    ["<", ">", "&", '"', "'", "\x1b", "\x00", "\n", "\r", "=", "@", "|", "`", "{", "}",
     "\\", "%", ",", ":", "\u202e", "\ufffe", "javascript:", "<script>", "]]>", "--"]
)  # fmt: skip
_text = st.lists(st.one_of(st.text(max_size=8), _nasty), max_size=8).map("".join)


@st.composite
def _reports(draw: st.DrawFn) -> RunReport:
    refs = []
    for i in range(draw(st.integers(1, 3))):
        links = tuple(
            LinkResult(
                draw(_text),
                draw(st.sampled_from(list(LinkStatus))),
                final_url=draw(st.none() | _text),
                archive_url=draw(st.none() | _text),
                detail=draw(st.none() | _text),
            )
            for _ in range(draw(st.integers(0, 2)))
        )
        findings = tuple(
            Finding(draw(_text) or "x", draw(st.sampled_from(list(Severity))), draw(_text),
                    fix=draw(st.none() | _text))
            for _ in range(draw(st.integers(0, 2)))
        )  # fmt: skip
        refs.append(
            ReferenceReport(
                index=i + 1,
                extracted=ExtractedReference(raw=draw(_text), line=draw(st.integers(1, 10**6))),
                reference=Reference(
                    authors=(Name(family=draw(_text) or None, given=draw(_text) or None),),
                    title=draw(_text) or None,
                    doi=draw(_text) or None,
                    urls=tuple(link.url for link in links),
                ),
                resolution=Resolution(
                    draw(st.sampled_from(list(ResolutionStatus))),
                    doi=draw(st.none() | _text),
                    confidence=draw(st.floats(0, 1)),
                    reason=draw(st.none() | _text),
                ),
                links=links,
                findings=findings,
            )
        )
    article = ArticleReport(
        source=draw(_text) or "-", as_of=dt.date(2026, 11, 26), references=tuple(refs)
    )
    return RunReport(articles=(article,))


@settings(max_examples=60, deadline=None)
@given(_reports())
def test_every_format_survives_hostile_text(report: RunReport) -> None:
    for fmt in FORMATS:
        out = render(report, fmt)
        assert out.endswith("\n")
        if fmt in ("text", "markdown", "github"):
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e]", out), fmt
        if fmt in ("json", "csl-json", "sarif"):
            json.loads(out)
        if fmt == "junit":
            ET.fromstring(out.encode("utf-8"))
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(out)))
            assert len(rows) == 1 + len(report.articles[0].references)
            assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for c in r)
        if fmt == "html":
            assert out.count("<script") == 1
            hrefs = re.findall(r'href="([^"]*)"', out)
            assert all(h.startswith(("http://", "https://", "#")) for h in hrefs)
        if fmt == "github":
            # One command per finding at most; a message cannot start a new command.
            commands = [line for line in out.splitlines() if line.startswith("::")]
            assert len(commands) <= len(report.findings) + len(report.articles[0].notices)
