"""CSL-JSON: the references as a CSL item array, enriched with what refcheck learned."""

from __future__ import annotations

import json

from refcheck.model import RunReport
from refcheck.render._common import enriched_csl
from refcheck.render.interface import Renderer


class CslJsonRenderer(Renderer):
    """One CSL-JSON item per reference (valid against ``csl-data.json``).

    Enrichment: the DOI of a matched resolution, URLs replaced after a permanent
    redirect, archived copies and registered updates (retractions...) in ``note``.
    """

    name = "csl-json"
    extensions = (".csl.json",)

    def render(self, report: RunReport) -> str:
        """The JSON array, pretty-printed with a final newline."""
        items = [
            enriched_csl(report, i, ref)
            for i, article in enumerate(report.articles)
            for ref in article.references
        ]
        return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
