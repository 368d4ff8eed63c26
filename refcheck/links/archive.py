"""Archived copies from the Wayback Machine's availability API.

``GET {wayback_url}?url=<url>&timestamp=<YYYYMMDD>`` answers the snapshot closest to
the timestamp. refcheck asks for the one nearest the date the citing author accessed
the page, so the suggested replacement shows what they saw.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Any

import requests

from refcheck.cache import DAY, Cache
from refcheck.links.safety import BlockedAddress, NameNotFound, ResolutionFailed
from refcheck.model import PartialDate

log = logging.getLogger(__name__)

NAMESPACE = "links-wayback"
FOUND_TTL = 30 * DAY
# "No snapshot" can change as soon as someone archives the page: ask again soon.
MISSING_TTL = 1 * DAY


class WaybackClient:
    """Looks up the closest snapshot of a URL; ``None`` when there is none or on failure.

    ``slot(url)`` (a context manager held while the request is sent) and
    ``observe(url, status, headers)`` let the link checker pace these look-ups with
    its per-host limiter: with ``--drift`` every dated live link asks the archive, so
    the archive must see the same polite pace as any other host.
    """

    def __init__(
        self,
        session: requests.Session,
        cache: Cache,
        *,
        url: str = "https://archive.org/wayback/available",
        timeout: float = 15.0,
        slot: Callable[[str], AbstractContextManager[Any]] | None = None,
        observe: Callable[[str, int, Mapping[str, str]], Any] | None = None,
    ) -> None:
        self._session = session
        self._slot = slot
        self._observe = observe
        self._cache = cache
        self._url = url
        self._timeout = timeout
        self.failures = 0

    def closest(self, url: str, accessed: PartialDate | None = None) -> str | None:
        """The closest archived copy of ``url`` (nearest ``accessed`` when given)."""
        stamp = accessed.earliest().strftime("%Y%m%d") if accessed else ""
        key = f"{url} {stamp}"
        hit = self._cache.get(NAMESPACE, key)
        if isinstance(hit, dict):
            found = hit.get("archive_url")
            return found if isinstance(found, str) else None
        params = {"url": url}
        if stamp:
            params["timestamp"] = stamp
        try:
            with self._slot(self._url) if self._slot else contextlib.nullcontext():
                response = self._session.get(self._url, params=params, timeout=self._timeout)
            if self._observe is not None:
                self._observe(self._url, response.status_code, response.headers)
            if response.status_code != 200:
                # 429 and 5xx are transient: no answer, nothing cached.
                self.failures += 1
                return None
            data = response.json()
        except (requests.RequestException, ValueError, NameNotFound, ResolutionFailed,
                BlockedAddress) as exc:
            self.failures += 1
            log.debug("wayback lookup failed for %s: %s", url, exc)
            return None
        closest = (data.get("archived_snapshots") or {}).get("closest") or {}
        found = None
        if closest.get("available", True) and isinstance(closest.get("url"), str):
            status = str(closest.get("status", "200"))
            # A snapshot of the error page itself is no replacement.
            if status.startswith(("2", "3")):
                found = closest["url"]
                if found.startswith("http://web.archive.org/"):
                    found = "https://" + found[len("http://") :]
        self._cache.put(
            NAMESPACE, key, {"archive_url": found}, ttl=FOUND_TTL if found else MISSING_TTL
        )
        return found
