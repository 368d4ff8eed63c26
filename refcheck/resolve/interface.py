"""The resolve stage's interface: a parsed reference in, a Resolution out."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass

from refcheck.errors import ServiceError
from refcheck.model import Reference, Resolution


@dataclass(frozen=True)
class ResolveRequest:
    """One reference to resolve: the parsed record and the string it came from."""

    reference: Reference
    raw: str


class ResolverError(ServiceError):
    """The resolver cannot work at all (bad configuration, not an outage)."""


class Resolver(abc.ABC):
    """Finds the registered record of each reference.

    A reference that cannot be resolved comes back as a ``Resolution`` with status
    ``not_found``, ``skipped`` or ``error`` (with the reason); an outage never raises
    out of ``resolve_many``: every affected reference says ``error``.
    """

    @abc.abstractmethod
    def resolve_many(self, requests: Sequence[ResolveRequest]) -> list[Resolution]:
        """One Resolution per request, in the same order."""
