"""The links stage: is each cited URL alive, dead, or unknown, and where is a copy?

``HttpLinkChecker`` (in :mod:`refcheck.links.http`) implements the
:class:`refcheck.links.interface.LinkChecker` interface; :func:`refcheck.links.judge.
link_findings` turns its verdicts into findings.
"""

from refcheck.links.http import HttpLinkChecker

__all__ = ["HttpLinkChecker"]
