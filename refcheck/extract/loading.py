"""Reading a document's bytes from a path or stdin, with one-line errors."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import BinaryIO

from refcheck.extract.interface import Document, ExtractError
from refcheck.extract.textutil import looks_binary

DEFAULT_MAX_BYTES = 50 * 2**20

# Binary formats refcheck reads: everything else with NUL bytes is refused up front.
_BINARY_MAGIC = (b"%PDF-", b"PK\x03\x04")


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.0f} MB"


def _too_large(label: str, size: int, max_bytes: int) -> ExtractError:
    shown = _megabytes(size) if size > max_bytes + 2**20 else f"more than {_megabytes(max_bytes)}"
    return ExtractError(f"{label}: too large ({shown}; limit {_megabytes(max_bytes)})")


def _read_capped(stream: BinaryIO, label: str, max_bytes: int) -> bytes:
    # Read one byte past the limit so an oversize input is caught without holding
    # more than the limit in memory.
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(label, len(data), max_bytes)
    return data


def load_document(
    path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, stdin: BinaryIO | None = None
) -> Document:
    """Read a document from ``path`` (``"-"`` reads standard input's bytes).

    Raises ``ExtractError`` with one line naming the file for: a missing file, a
    directory, an unreadable file, an empty file, a binary file that is not a PDF or
    a DOCX, and a file larger than ``max_bytes``. ``stdin`` is injectable for tests.
    """
    source = str(path)
    if source == "-":
        label = "stdin"
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = _read_capped(stream, label, max_bytes)
    else:
        label = source
        try:
            size = os.stat(source).st_size
            if os.path.isdir(source):
                raise ExtractError(f"{label}: is a directory")
            if size > max_bytes:
                raise _too_large(label, size, max_bytes)
            with open(source, "rb") as handle:
                data = _read_capped(handle, label, max_bytes)
        except ExtractError:
            raise
        except FileNotFoundError:
            raise ExtractError(f"{label}: no such file") from None
        except IsADirectoryError:
            raise ExtractError(f"{label}: is a directory") from None
        except PermissionError:
            raise ExtractError(f"{label}: permission denied") from None
        except OSError as exc:
            reason = exc.strerror or errno.errorcode.get(exc.errno or 0, "read error")
            raise ExtractError(f"{label}: cannot read ({reason.lower()})") from None
    if not data.strip():
        raise ExtractError(f"{label}: file is empty")
    if looks_binary(data) and not data.startswith(_BINARY_MAGIC):
        raise ExtractError(f"{label}: binary file (not a text document)")
    return Document(source=source, data=data)
