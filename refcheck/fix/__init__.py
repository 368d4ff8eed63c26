"""``refcheck fix``: corrected bibliographies from what a check found.

    from refcheck.fix import plan_fixes, apply_fixes, fix_document
    fixes = plan_fixes(report)                        # list[ReferenceFix]
    text = apply_fixes(document, InputFormat.BIBTEX, fixes)

``plan_fixes`` decides what to change (format-free, each change naming the finding it
answers); ``apply_fixes``/``fix_document`` place the changes in the source text with
minimal edits. The click command is ``refcheck.fix.command.fix_command``.
"""

from refcheck.fix.apply import (
    COPY_FORMATS,
    DIFF_FORMATS,
    FIXABLE_FORMATS,
    FixOutcome,
    apply_fixes,
    fix_document,
    unified_diff,
)
from refcheck.fix.edits import Applied, Skipped
from refcheck.fix.plan import Change, ChangeKind, ReferenceFix, plan_fixes, plan_reference

__all__ = [
    "COPY_FORMATS",
    "DIFF_FORMATS",
    "FIXABLE_FORMATS",
    "Applied",
    "Change",
    "ChangeKind",
    "FixOutcome",
    "ReferenceFix",
    "Skipped",
    "apply_fixes",
    "fix_document",
    "plan_fixes",
    "plan_reference",
    "unified_diff",
]
