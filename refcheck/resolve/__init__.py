"""The resolve stage: find each reference's registered record in Crossref.

``CrossrefResolver`` is imported on first use: it brings habanero and httpx2, and the
light submodules (``journals``, ``text``) are also used by the parser.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from refcheck.resolve.interface import Resolver, ResolveRequest, ResolverError

if TYPE_CHECKING:
    from refcheck.resolve.crossref import CrossrefResolver

__all__ = ["CrossrefResolver", "ResolveRequest", "Resolver", "ResolverError"]


def __getattr__(name: str) -> Any:
    if name == "CrossrefResolver":
        return importlib.import_module("refcheck.resolve.crossref").CrossrefResolver
    raise AttributeError(f"module 'refcheck.resolve' has no attribute {name!r}")
