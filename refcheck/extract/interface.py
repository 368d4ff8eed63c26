"""The extract stage's interface: a document in, reference strings out."""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass

from refcheck.errors import InputError
from refcheck.model import ExtractedReference


class InputFormat(enum.StrEnum):
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


class ExtractError(InputError):
    """The document cannot be read as the format it claims to be."""


class Reader(abc.ABC):
    """Reads one input format. Implementations live one per module."""

    format: InputFormat

    @abc.abstractmethod
    def extract(self, document: Document) -> list[ExtractedReference]:
        """Every reference in the document, in order, with its line number.

        Returns an empty list when the document has no references; raises
        ``ExtractError`` when the document is not readable as this format.
        """
