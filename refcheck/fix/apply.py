"""Applying planned fixes to a document, one editor per format.

    outcome = fix_document(document, InputFormat.BIBTEX, plan_fixes(report))
    outcome.corrected      # the corrected file's text
    outcome.output         # what `refcheck fix` prints: the corrected text, or a diff
    outcome.applied, outcome.skipped

BibTeX, RIS, CSL-JSON and JATS give a corrected copy; plain text, ``lines`` and
Markdown give a unified diff of the corrected file (a prose document is the author's,
and a diff is what they can review and apply).
"""

from __future__ import annotations

import codecs
import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from refcheck.errors import UsageError
from refcheck.extract.interface import Document, InputFormat
from refcheck.extract.textutil import decode_text
from refcheck.fix.edits import Applied, EditLog, Skipped
from refcheck.fix.plan import ReferenceFix

Editor = Callable[[str, Sequence[ReferenceFix], EditLog], str]

#: Formats whose corrected output is the whole file; the others give a diff.
COPY_FORMATS = (InputFormat.BIBTEX, InputFormat.RIS, InputFormat.CSL_JSON, InputFormat.JATS)
DIFF_FORMATS = (InputFormat.TEXT, InputFormat.LINES, InputFormat.MARKDOWN)
FIXABLE_FORMATS = COPY_FORMATS + DIFF_FORMATS


def _editor(fmt: InputFormat) -> Editor:
    if fmt is InputFormat.BIBTEX:
        from refcheck.fix.bibtex import edit_bibtex

        return edit_bibtex
    if fmt is InputFormat.RIS:
        from refcheck.fix.ris import edit_ris

        return edit_ris
    if fmt is InputFormat.CSL_JSON:
        from refcheck.fix.csl_json import edit_csl_json

        return edit_csl_json
    if fmt is InputFormat.JATS:
        from refcheck.fix.jats import edit_jats

        return edit_jats
    if fmt in DIFF_FORMATS:
        from refcheck.fix.text import edit_text

        return edit_text
    raise UsageError(unsupported_message(fmt))


def unsupported_message(fmt: InputFormat) -> str:
    """The one-line error for a format ``refcheck fix`` cannot write."""
    name = {"csl-json": "CSL-JSON"}.get(fmt.value, fmt.value.upper())
    return (
        f"fix: cannot write {name}; use 'refcheck check --format json' "
        "(or --format bibtex/csl-json/ris for an enriched bibliography) instead"
    )


@dataclass(frozen=True)
class FixOutcome:
    """The result of applying fixes to one document."""

    source: str
    format: InputFormat
    original: str  # the decoded text (BOM dropped)
    corrected: str  # the corrected text (BOM dropped)
    bom: str  # "\ufeff" when the file began with a UTF-8 byte-order mark
    applied: tuple[Applied, ...]
    skipped: tuple[Skipped, ...]
    declined: tuple[tuple[str, str], ...] = ()  # (reference label, why no fix was planned)

    @property
    def changed(self) -> bool:
        return self.corrected != self.original

    @property
    def is_diff(self) -> bool:
        """Whether ``output`` is a unified diff (text and Markdown) or a whole file."""
        return self.format in DIFF_FORMATS

    @property
    def output(self) -> str:
        """What goes to ``-o``/stdout: the corrected file, or a unified diff."""
        if self.is_diff:
            return unified_diff(self.source, self.original, self.corrected)
        return self.bom + self.corrected

    @property
    def file_text(self) -> str:
        """The whole corrected file (what ``--in-place`` writes), BOM restored."""
        return self.bom + self.corrected


def unified_diff(source: str, before: str, after: str) -> str:
    """A unified diff (``a/``, ``b/`` names, as ``git apply`` and ``patch -p1`` read)."""
    if before == after:
        return ""
    name = "stdin" if source == "-" else source.lstrip("/")
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    out = []
    for line in lines:
        if not line.endswith(("\n", "\r")):
            # The last line of a file without a final newline: say so, as diff does.
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


def fix_document(
    document: Document, fmt: InputFormat, fixes: Sequence[ReferenceFix]
) -> FixOutcome:
    """Apply ``fixes`` to ``document`` read as ``fmt`` (not ``AUTO``).

    Raises ``UsageError`` for a format refcheck cannot write (HTML, DOCX, PDF) and
    ``InputError`` for a document that is not readable as ``fmt``.
    """
    if fmt not in FIXABLE_FORMATS:
        raise UsageError(unsupported_message(fmt))
    editor = _editor(fmt)
    text = decode_text(document)
    bom = "\ufeff" if not document.encoding and document.data.startswith(codecs.BOM_UTF8) else ""
    log = EditLog()
    corrected = editor(text, fixes, log)
    return FixOutcome(
        source=document.source,
        format=fmt,
        original=text,
        corrected=corrected,
        bom=bom,
        applied=tuple(log.applied),
        skipped=tuple(log.skipped),
        declined=tuple((fix.label, why) for fix in fixes for why in fix.declined),
    )


def apply_fixes(document: Document, fmt: InputFormat, fixes: Sequence[ReferenceFix]) -> str:
    """The corrected text of ``document`` or, for text and Markdown, a unified diff."""
    return fix_document(document, fmt, fixes).output
