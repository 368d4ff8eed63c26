"""Markdown for a GitHub job summary or pull-request comment.

Problems come first in a table (gravest first); references without findings are folded
into a ``<details>`` block so a PR comment stays short. Every piece of document text is
escaped so a reference cannot inject markup, HTML or links; only http(s) URLs become
links.
"""

from __future__ import annotations

import re

from refcheck.model import ArticleReport, LinkResult, ReferenceReport, RunReport, Summary
from refcheck.render._common import (
    RESOLUTION_ORDER,
    SEVERITY_ORDER,
    clean,
    count_phrase,
    doi_url,
    is_web_url,
    link_phrase,
    permanent_target,
    severity_key,
    short_citation,
    sorted_findings,
)
from refcheck.render.interface import Renderer

# Mid-line, only these change meaning in GitHub Markdown (inline code, emphasis, links,
# table cells, strikethrough); "<", ">" and "&" become entities before this runs.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
MAX_CHARS = 1_000_000  # GitHub's job-summary limit is 1 MiB
_ICONS = {"error": "🔴", "warning": "🟠", "info": "🔵", "ok": "🟢"}


def md_text(text: str | None) -> str:
    """Document text made literal in Markdown (and in GitHub's HTML subset)."""
    text = clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_link(label: str, url: str | None) -> str:
    """``[label](url)`` for an http(s) URL; the escaped URL as text otherwise."""
    if not url or not is_web_url(url):
        return md_text(url)
    safe = clean(url).replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    safe = safe.replace("<", "%3C").replace(">", "%3E")
    return f"[{label}]({safe})"


class MarkdownRenderer(Renderer):
    """GitHub-flavoured Markdown: a summary table, then the problems with their fixes."""

    name = "markdown"
    extensions = (".md", ".markdown")

    def __init__(self, *, max_chars: int = MAX_CHARS) -> None:
        # GitHub refuses a job summary over 1 MiB and a PR comment over 65,536
        # characters; rows that do not fit are left out and counted instead.
        self.max_chars = max_chars

    def render(self, report: RunReport) -> str:
        """The Markdown text, ending with a newline (at most ``max_chars`` characters)."""
        # Headings, summaries and notices are small; the tables share what is left.
        budget = [self.max_chars - 2_000 - 300 * len(report.articles)]
        out = ["# refcheck report", ""]
        if len(report.articles) > 1:
            out += [f"{len(report.articles)} articles checked.", ""]
            out += self._summary(report.summary)
        for article in report.articles:
            out += self._article(article, "##", budget)
        if not report.articles:
            out.append("No articles were checked.")
        return "\n".join(out).rstrip("\n") + "\n"

    def _article(self, article: ArticleReport, level: str, budget: list[int]) -> list[str]:
        out = [f"{level} {md_text(article.source)}", "", f"As of {article.as_of.isoformat()}.", ""]
        for n in article.notices:
            out += ["> [!WARNING]", f"> **{md_text(n.service)}**: {md_text(n.message)}", ""]
        out += self._summary(article.summary)
        if not article.references:
            return [*out, "No references found.", ""]
        problems = sorted(
            (r for r in article.references if r.findings),
            key=lambda r: (-severity_key(r), r.index),
        )
        clean_refs = [r for r in article.references if not r.findings]
        if problems:
            out += [f"{level}# Problems", ""]
            out += [
                "| | # | Line | Reference | Resolution | Links | Findings and fixes |",
                "|---|---|---|---|---|---|---|",
            ]
            out += self._rows(problems, budget)
            out.append("")
        if clean_refs:
            out += [
                "<details>",
                f"<summary>{len(clean_refs)} references without findings</summary>",
                "",
                "| | # | Line | Reference | Resolution | Links | Findings and fixes |",
                "|---|---|---|---|---|---|---|",
            ]
            out += self._rows(clean_refs, budget)
            out += ["", "</details>", ""]
        return out

    def _summary(self, s: Summary) -> list[str]:
        return [
            "| References | Findings | Resolution | Links |",
            "|---|---|---|---|",
            f"| {s.references} | {count_phrase(s.findings_by_severity, SEVERITY_ORDER)} "
            f"| {count_phrase(s.resolution, RESOLUTION_ORDER)} | {md_text(link_phrase(s))} |",
            "",
        ]

    def _rows(self, refs: list[ReferenceReport], budget: list[int]) -> list[str]:
        # ``budget`` is a one-item list shared by every table of the run: characters left.
        rows = []
        for n, ref in enumerate(refs):
            row = self._row(ref)
            if len(row) + 1 > budget[0]:
                rows += [
                    "",
                    f"_{len(refs) - n} more references not shown: the Markdown report "
                    f"is capped at {self.max_chars:,} characters; see the full report._",
                ]
                budget[0] = 0
                break
            budget[0] -= len(row) + 1
            rows.append(row)
        return rows

    def _row(self, ref: ReferenceReport) -> str:
        worst = ref.worst_severity.label if ref.worst_severity else "ok"
        res = ref.resolution
        resolution = res.status.value
        if res.doi:
            resolution += " " + md_link(md_text(res.doi), doi_url(res.doi))
        if res.status.value in ("matched", "ambiguous"):
            resolution += f" ({res.confidence:.2f})"
        links = "<br>".join(self._link(link) for link in ref.links) or "–"
        findings = (
            "<br>".join(
                f"**{f.severity.label}** `{md_code(f.code)}`: {md_text(f.message)}"
                + (f"<br>↳ fix: {md_text(f.fix)}" if f.fix else "")
                for f in sorted_findings(ref)
            )
            or "–"
        )
        cells = [
            _ICONS[worst],
            str(ref.index),
            str(ref.line),
            md_text(short_citation(ref)),
            resolution,
            links,
            findings,
        ]
        return "| " + " | ".join(cells) + " |"

    @staticmethod
    def _link(link: LinkResult) -> str:
        text = f"{link.status.value} " + md_link("link", link.url)
        target = permanent_target(link)
        if target:
            text += " → " + md_link("moved here", target)
        if link.archive_url:
            text += " · " + md_link("archived", link.archive_url)
        return text


def md_code(text: str) -> str:
    """Text for inside an inline code span (backticks removed, one line)."""
    return clean(text).replace("`", "'").replace("|", "\\|")
