"""The extract stage's interface: a document in, reference strings out."""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass

from refcheck.errors import InputError
from refcheck.model import ExtractedReference


class InputFormat(enum.StrEnum):
    """The document formats refcheck reads; ``AUTO`` asks ``detect_format`` to choose."""

    AUTO = "auto"
    TEXT = "text"
    MARKDOWN = "markdown"
    LINES = "lines"
    HTML = "html"
    JATS = "jats"
    BIBTEX = "bibtex"
    RIS = "ris"
    CSL_JSON = "csl-json"
    DOCX = "docx"
    PDF = "pdf"


@dataclass(frozen=True)
class Document:
    """A document's bytes and where they came from (a path, a URL or ``-``)."""

    source: str
    data: bytes
    media_type: str | None = None  # the HTTP Content-Type, for URL inputs
    # A text encoding the user named (``--encoding latin-1``). ``None`` means UTF-8
    # (with or without BOM) or UTF-16/32 with a BOM; anything else is refused rather
    # than guessed, because a wrong guess silently corrupts names and titles.
    encoding: str | None = None

    @property
    def label(self) -> str:
        """How error messages name this document: its path or URL, ``stdin`` for ``-``."""
        return "stdin" if self.source == "-" else self.source


class ExtractError(InputError):
    """The document cannot be read as the format it claims to be.

    The message is one line that starts with the document's label, e.g.
    ``"notes.txt: binary file (not a text document)"``.
    """


class Reader(abc.ABC):
    """Reads one input format. Implementations live one per module."""

    format: InputFormat

    @abc.abstractmethod
    def extract(self, document: Document) -> list[ExtractedReference]:
        """Every reference in the document, in order, with its line number.

        Returns an empty list when the document has no references; raises
        ``ExtractError`` when the document is not readable as this format.
        """
