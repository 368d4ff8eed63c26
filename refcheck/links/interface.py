"""The links stage's interface: URLs in, one LinkResult per URL out."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass

from refcheck.model import LinkResult, PartialDate

# Requests in flight at once, over all hosts and per host. Measured on the links
# benchmark: 32 and 64 in flight tie at 50-100 ms of latency, 32 is the bottleneck at
# 200 ms; 3 per host keep a slow page from holding a host's whole share.
DEFAULT_MAX_CONCURRENCY = 64
DEFAULT_PER_HOST_CONCURRENCY = 3


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
