"""GitHub Actions workflow commands: ``::error file=...,line=...::message``.

GitHub shows at most 10 annotations of each type (error, warning, notice) per step, so
at most 10 of each are emitted (service notices first, then findings gravest-first in
document order) and a plain log line says how many were dropped.
"""

from __future__ import annotations

from refcheck.model import RunReport, Severity
from refcheck.render._common import clean, iter_references, link_phrase
from refcheck.render.interface import Renderer

MAX_PER_TYPE = 10
_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF percent-encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command property value: also ``:`` and ``,`` encoded."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubRenderer(Renderer):
    """Annotations for a GitHub Actions log, capped per type."""

    name = "github"
    extensions = ()

    def __init__(self, *, max_per_type: int = MAX_PER_TYPE) -> None:
        self.max_per_type = max_per_type

    def render(self, report: RunReport) -> str:
        """The workflow command lines, then a one-line summary."""
        commands: dict[str, list[str]] = {"error": [], "warning": [], "notice": []}
        for article in report.articles:
            for n in article.notices:
                commands["warning"].append(
                    f"::warning title={escape_property('refcheck: ' + clean(n.service))}::"
                    f"{escape_data(clean(n.message))}"
                )
        for article, ref in iter_references(report):
            for f in ref.findings:
                kind = _COMMAND[f.severity]
                message = clean(f.message) + (f"\nFix: {clean(f.fix)}" if f.fix else "")
                props = ",".join(
                    [
                        f"file={escape_property(clean(article.source))}",
                        f"line={max(ref.line, 1)}",
                        f"title={escape_property(f'refcheck {clean(f.code)} [{ref.index}]')}",
                    ]
                )
                commands[kind].append(f"::{kind} {props}::{escape_data(message)}")
        lines: list[str] = []
        for kind in ("error", "warning", "notice"):
            lines.extend(commands[kind][: self.max_per_type])
        for kind in ("error", "warning", "notice"):
            dropped = len(commands[kind]) - self.max_per_type
            if dropped > 0:
                lines.append(
                    f"refcheck: {dropped} more {kind} annotation(s) not shown "
                    f"(GitHub shows at most {self.max_per_type} per type per step); "
                    "see the full report"
                )
        s = report.summary
        sev = s.findings_by_severity
        lines.append(
            f"refcheck: {s.references} references; {sev.get('error', 0)} errors, "
            f"{sev.get('warning', 0)} warnings, {sev.get('info', 0)} notes; "
            f"links: {link_phrase(s)}"
        )
        return "\n".join(lines) + "\n"
