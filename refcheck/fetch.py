"""Fetching an article given as a URL (``refcheck check https://...``).

The article URL is as untrusted as any cited URL, so it goes through the links
stage's guarded session: private, loopback and link-local addresses are refused at
connect time, on every redirect hop, unless ``allow_private``. The body is streamed
and capped, and the answer is cached for a day so re-running a check does not fetch
the page again.
"""

from __future__ import annotations

import base64
import re

import requests

from refcheck.cache import Cache
from refcheck.errors import InputError
from refcheck.extract.interface import Document
from refcheck.links.safety import (
    BlockedAddress,
    ConnectGuard,
    NameNotFound,
    ResolutionFailed,
    guarded_session,
)

URL_PATTERN = re.compile(r"^https?://", re.IGNORECASE)
DOCUMENT_TTL = 86_400.0
MAX_REDIRECTS = 10


def is_url(source: str) -> bool:
    """Whether a command-line source names a web page rather than a file."""
    return bool(URL_PATTERN.match(source))


def fetch_document(
    url: str,
    *,
    cache: Cache,
    allow_private: bool = False,
    timeout: float = 15.0,
    max_bytes: int = 50 * 2**20,
    user_agent: str = "refcheck",
    refresh: bool = False,
) -> Document:
    """Download ``url`` as a Document; InputError (one line) when it cannot be had."""
    if not refresh:
        hit = cache.get("document", url)
        if isinstance(hit, dict) and "data" in hit:
            return Document(
                source=url,
                data=base64.b64decode(hit["data"]),
                media_type=hit.get("media_type"),
            )
    session = guarded_session(ConnectGuard(allow_private=allow_private), pool_maxsize=1)
    session.max_redirects = MAX_REDIRECTS
    session.headers["User-Agent"] = user_agent
    try:
        with session.get(url, timeout=timeout, stream=True) as response:
            if response.status_code >= 400:
                raise InputError(f"{url}: the server answered {response.status_code}")
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(
                        f"{url}: too large (over {max_bytes // 2**20} MB; "
                        "save it and check the file)"
                    )
                chunks.append(chunk)
            media_type = response.headers.get("Content-Type")
    except InputError:
        raise
    except BlockedAddress as exc:
        raise InputError(f"{url}: {exc} (use --allow-private to check it anyway)") from None
    except NameNotFound:
        raise InputError(f"{url}: cannot fetch: no such host") from None
    except ResolutionFailed as exc:
        raise InputError(f"{url}: cannot fetch: {exc} (no network?)") from None
    except requests.TooManyRedirects:
        raise InputError(f"{url}: too many redirects") from None
    except requests.RequestException as exc:
        raise InputError(f"{url}: cannot fetch: {_reason(exc)}") from None
    finally:
        session.close()
    data = b"".join(chunks)
    if not data:
        raise InputError(f"{url}: the server sent an empty page")
    cache.put(
        "document",
        url,
        {"data": base64.b64encode(data).decode("ascii"), "media_type": media_type},
        ttl=DOCUMENT_TTL,
    )
    return Document(source=url, data=data, media_type=media_type)


def _reason(exc: BaseException) -> str:
    """The innermost meaningful cause of a requests failure, in a few words."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, BlockedAddress):
            return f"{seen} (use --allow-private to check it anyway)"
        if isinstance(seen, NameNotFound):
            return "no such host"
        seen = seen.__cause__ or seen.__context__
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        text = str(exc)
        if "refused" in text.lower():
            return "connection refused"
        return "cannot connect"
    return type(exc).__name__
