"""The terminal report: references grouped by their worst finding, each with its fix."""

from __future__ import annotations

from refcheck.model import (
    ArticleReport,
    LinkResult,
    ReferenceReport,
    ResolutionStatus,
    RunReport,
    Severity,
    Summary,
)
from refcheck.render._common import (
    RESOLUTION_ORDER,
    SEVERITY_ORDER,
    clean,
    count_phrase,
    link_phrase,
    permanent_target,
    short_citation,
    sorted_findings,
)
from refcheck.render.interface import Renderer

_RESET = "\x1b[0m"
_STYLES = {
    "error": "\x1b[1;31m",
    "warning": "\x1b[1;33m",
    "info": "\x1b[1;36m",
    "ok": "\x1b[1;32m",
    "dim": "\x1b[2m",
    "bold": "\x1b[1m",
}

# Group headings, gravest first; "ok" gathers the references with no finding at all.
_GROUPS: tuple[tuple[str, str], ...] = (
    ("error", "Errors"),
    ("warning", "Warnings"),
    ("info", "Notes"),
    ("ok", "No findings"),
)


class TextRenderer(Renderer):
    """A readable report for a terminal; ANSI colour only when ``color`` is true.

    Every piece of text that came from the document goes through ``clean`` so that a
    reference cannot write escape sequences to the user's terminal.
    """

    name = "text"
    extensions = (".txt",)

    def __init__(self, *, color: bool = False) -> None:
        self.color = color

    def _paint(self, style: str, text: str) -> str:
        return f"{_STYLES[style]}{text}{_RESET}" if self.color else text

    def render(self, report: RunReport) -> str:
        """The whole terminal report, ending with a newline."""
        blocks = [self._article(article) for article in report.articles]
        if not report.articles:
            blocks.append("No articles were checked.")
        if len(report.articles) > 1:
            blocks.append(
                self._summary(f"Total over {len(report.articles)} articles", report.summary)
            )
        return "\n\n".join(blocks).rstrip("\n") + "\n"

    # ------------------------------------------------------------------ article

    def _article(self, article: ArticleReport) -> str:
        lines = [
            self._paint("bold", f"refcheck: {clean(article.source)}")
            + self._paint("dim", f" (as of {article.as_of.isoformat()})")
        ]
        if article.notices:
            lines.append("")
            lines.append(self._paint("warning", "Service notices:"))
            lines.extend(f"  ! {clean(n.service)}: {clean(n.message)}" for n in article.notices)
        if not article.references:
            lines.append("")
            lines.append("No references found.")
        for key, heading in _GROUPS:
            group = [r for r in article.references if _group_of(r) == key]
            if not group:
                continue
            lines.append("")
            lines.append(self._paint(key, f"{heading} ({len(group)})"))
            for ref in group:
                lines.extend(self._reference(ref))
        lines.append("")
        lines.append(self._summary("Summary", article.summary))
        return "\n".join(lines)

    def _reference(self, ref: ReferenceReport) -> list[str]:
        label = f"[{ref.index}]"
        out = [f"  {label} line {ref.line}: {short_citation(ref)}"]
        pad = " " * 6
        out.append(pad + self._resolution(ref))
        out.extend(pad + self._link(link) for link in ref.links)
        for finding in sorted_findings(ref):
            sev = finding.severity.label
            head = self._paint(sev, sev.upper())
            out.append(f"{pad}{head} {clean(finding.code)}: {clean(finding.message)}")
            if finding.fix:
                out.append(f"{pad}  fix: {clean(finding.fix)}")
        return out

    def _resolution(self, ref: ReferenceReport) -> str:
        res = ref.resolution
        text = f"resolution: {res.status.value}"
        if res.doi:
            text += f" {clean(res.doi)}"
        if res.status in (ResolutionStatus.MATCHED, ResolutionStatus.AMBIGUOUS):
            text += f" (confidence {res.confidence:.2f})"
        if res.reason and res.status is not ResolutionStatus.MATCHED:
            text += f" - {clean(res.reason)}"
        if res.status is ResolutionStatus.AMBIGUOUS and res.alternatives:
            text += "; candidates: " + ", ".join(clean(a.doi) for a in res.alternatives)
        return self._paint("dim", text) if res.status is ResolutionStatus.SKIPPED else text

    def _link(self, link: LinkResult) -> str:
        text = f"link: {link.status.value}"
        if link.http_status is not None:
            text += f" ({link.http_status})"
        text += f" {clean(link.url)}"
        target = permanent_target(link)
        if target:
            text += f" -> moved permanently to {clean(target)}"
        elif link.final_url and link.final_url != link.url:
            text += f" -> {clean(link.final_url)}"
        if link.detail:
            text += f" [{clean(link.detail)}]"
        if link.archive_url:
            text += f"; archived: {clean(link.archive_url)}"
        if link.status.is_dead:
            return self._paint("error", text)
        return text

    def _summary(self, title: str, summary: Summary) -> str:
        sev = summary.findings_by_severity
        findings = ", ".join(
            self._paint(k, f"{sev.get(k, 0)} {k}") if sev.get(k) else f"0 {k}"
            for k in SEVERITY_ORDER
        )
        return "\n".join(
            [
                self._paint("bold", f"{title}: {summary.references} references"),
                f"  findings:   {findings}",
                f"  resolution: {count_phrase(summary.resolution, RESOLUTION_ORDER)}",
                f"  links:      {link_phrase(summary)}",
            ]
        )


def _group_of(ref: ReferenceReport) -> str:
    worst: Severity | None = ref.worst_severity
    return worst.label if worst is not None else "ok"
