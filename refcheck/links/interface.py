"""The links stage's interface: URLs in, one LinkResult per URL out."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass

from refcheck.model import LinkResult, PartialDate


@dataclass(frozen=True)
class LinkRequest:
    """A URL to check and the date the citing author accessed it (for archives)."""

    url: str
    accessed: PartialDate | None = None


class LinkChecker(abc.ABC):
    """Checks URLs. Never raises for one URL: failures are verdicts."""

    @abc.abstractmethod
    def check_many(self, requests: Sequence[LinkRequest]) -> dict[str, LinkResult]:
        """A LinkResult for every distinct URL requested (each checked once)."""
