"""Markdown articles (CommonMark and GitHub flavours)."""

from __future__ import annotations

from refcheck.extract.interface import InputFormat
from refcheck.extract.text import TextReader


class MarkdownReader(TextReader):
    """Markdown read through the plain-text reader, which knows '#' and setext headings."""

    format = InputFormat.MARKDOWN
