"""CSV: one row per reference, every status and finding, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re

from refcheck.model import RunReport
from refcheck.render._common import iter_references, severity_label, short_citation
from refcheck.render.interface import Renderer

#: The columns, in order. Multi-valued cells (one value per link or finding) are joined
#: with newlines, which CSV quotes and spreadsheets show as wrapped lines.
COLUMNS: tuple[str, ...] = (
    "source",
    "index",
    "line",
    "label",
    "citation",
    "type",
    "cited_doi",
    "resolution_status",
    "resolution_doi",
    "confidence",
    "resolution_reason",
    "link_urls",
    "link_statuses",
    "http_statuses",
    "final_urls",
    "archive_urls",
    "worst_severity",
    "finding_codes",
    "findings",
    "fixes",
    "raw",
)

# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV
# injection"); a leading apostrophe makes it literal text in Excel, LibreOffice, Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# Controls other than tab/CR/LF (and bidi overrides) carry no data; they would only
# reach a terminal that prints the file.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def neutralise(cell: str) -> str:
    """``cell`` made inert for spreadsheets: formula starters get a leading ``'``."""
    cell = _INVISIBLE.sub("", cell)
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


class CsvRenderer(Renderer):
    """One header row, then one row per reference in document order (CRLF line ends)."""

    name = "csv"
    extensions = (".csv",)

    def render(self, report: RunReport) -> str:
        """The CSV text."""
        buf = io.StringIO()
        # CRLF as RFC 4180 says; it also makes the writer quote cells holding a lone CR.
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for article, ref in iter_references(report):
            res = ref.resolution
            links = ref.links
            row = [
                article.source,
                str(ref.index),
                str(ref.line),
                ref.extracted.label or "",
                short_citation(ref, width=120),
                ref.reference.type.value,
                ref.reference.doi or "",
                res.status.value,
                res.doi or "",
                f"{res.confidence:.3f}",
                res.reason or "",
                "\n".join(link.url for link in links),
                "\n".join(link.status.value for link in links),
                "\n".join(
                    "" if link.http_status is None else str(link.http_status) for link in links
                ),
                "\n".join(link.final_url or "" for link in links),
                "\n".join(link.archive_url or "" for link in links),
                severity_label(ref),
                "\n".join(f.code for f in ref.findings),
                "\n".join(f"{f.severity.label}: {f.code}: {f.message}" for f in ref.findings),
                "\n".join(f"{f.code}: {f.fix}" for f in ref.findings if f.fix),
                ref.raw,
            ]
            writer.writerow([neutralise(cell) for cell in row])
        return buf.getvalue()
