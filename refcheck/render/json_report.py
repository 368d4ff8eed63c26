"""The JSON contract: exactly ``RunReport.to_json()``, pretty-printed and stable."""

from __future__ import annotations

import json

from refcheck.model import RunReport
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
