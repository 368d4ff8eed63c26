"""The JSON contract: exactly ``RunReport.to_json()``, pretty-printed and stable."""

from __future__ import annotations

import json
from collections.abc import Callable

from refcheck.model import ArticleReport, RunReport, Summary
from refcheck.render.interface import Renderer


class JsonRenderer(Renderer):
    """``RunReport.to_json()`` with sorted keys, two-space indent and a final newline.

    Keys are sorted so that two runs diff cleanly; non-ASCII text is kept as is
    (``ensure_ascii=False``) because JSON is UTF-8 and readers expect names unescaped.
    """

    name = "json"
    extensions = (".json",)

    def render(self, report: RunReport) -> str:
        """The report as JSON text."""
        return json.dumps(report.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class JsonStream:
    """Writes exactly what :class:`JsonRenderer` would, one article at a time.

    A batch of thousands of articles need not be held in memory to produce the JSON
    contract: each article is written as it is finished and only the running summary
    is kept. ``write`` receives successive pieces of the final text.
    """

    def __init__(self, write: Callable[[str], object], tool_version: str = "") -> None:
        self._write = write
        self._tool_version = tool_version
        self._summary = Summary()
        self._count = 0

    def add(self, article: ArticleReport) -> None:
        """Write one article's JSON."""
        text = json.dumps(article.to_json(), indent=2, sort_keys=True, ensure_ascii=False)
        self._write(('{\n  "articles": [\n' if self._count == 0 else ",\n") + _indent(text, 4))
        self._summary = self._summary + article.summary
        self._count += 1

    def close(self) -> None:
        """Write the summary and the closing brackets."""
        tail = {
            "summary": self._summary.to_json(),
            "tool": RunReport(articles=(), tool_version=self._tool_version).to_json()["tool"],
        }
        body = json.dumps(tail, indent=2, sort_keys=True, ensure_ascii=False)
        rest = body[1:]  # drop the opening brace: it continues the outer object
        self._write(('{\n  "articles": [],' if self._count == 0 else "\n  ],") + rest + "\n")


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line for line in text.split("\n"))
