"""One persistent store for every network answer refcheck receives.

SQLite in WAL mode, so several refcheck processes may share one cache directory, and
an interrupted run leaves a consistent file behind (every ``put`` is its own
transaction). Values are JSON, never pickles: the cache holds answers from the
outside world and must not be able to run code.

Only definitive answers belong here. Callers decide what is definitive; by convention
transient failures (timeouts, 5xx, 429, offline) are never stored.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Protocol

from refcheck.errors import RefcheckError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
DAY = 86_400.0


class Cache(Protocol):
    """What stages need from a cache: get and put JSON by namespace and key."""

    def get(self, namespace: str, key: str) -> Any | None: ...

    def put(self, namespace: str, key: str, value: Any, ttl: float | None = None) -> None: ...


class CacheUnavailable(RefcheckError):
    """The cache file is held by another process for longer than we can wait."""


class NullCache:
    """A cache that remembers nothing (``--no-cache``)."""

    def get(self, namespace: str, key: str) -> Any | None:
        return None

    def put(self, namespace: str, key: str, value: Any, ttl: float | None = None) -> None:
        return None


class RefreshingCache:
    """``--refresh``: reads nothing from ``inner`` but stores every new answer in it."""

    def __init__(self, inner: Cache) -> None:
        self.inner = inner

    def get(self, namespace: str, key: str) -> Any | None:
        return None

    def put(self, namespace: str, key: str, value: Any, ttl: float | None = None) -> None:
        self.inner.put(namespace, key, value, ttl)


class MemoryCache:
    """A per-process cache: checks shared within one run, nothing written to disk."""

    def __init__(self, clock: Any = time.time) -> None:
        self._data: dict[tuple[str, str], tuple[Any, float | None]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def get(self, namespace: str, key: str) -> Any | None:
        with self._lock:
            hit = self._data.get((namespace, key))
        if hit is None:
            return None
        value, expires = hit
        if expires is not None and expires < self._clock():
            return None
        return value

    def put(self, namespace: str, key: str, value: Any, ttl: float | None = None) -> None:
        expires = None if ttl is None else self._clock() + ttl
        with self._lock:
            self._data[(namespace, key)] = (value, expires)


class SQLiteCache:
    """The persistent cache: ``<dir>/refcheck-cache.sqlite3``.

    Thread-safe (one connection guarded by a lock; SQLite serialises writers across
    processes). A file that is not a readable refcheck cache is moved aside to
    ``*.corrupt-<time>`` and a fresh one is created, with a warning.
    """

    FILENAME = "refcheck-cache.sqlite3"

    def __init__(self, directory: Path, clock: Any = time.time, busy_timeout: float = 30.0) -> None:
        self._busy_timeout = busy_timeout
        self.path = Path(directory) / self.FILENAME
        self._clock = clock
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = self._open_with_retry()
        except sqlite3.OperationalError as exc:
            # Locked or busy is another refcheck at work, never a reason to discard.
            raise CacheUnavailable(f"{self.path}: cache is busy ({exc}); try again") from None
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            log.warning("cache %s is unreadable (%s); moved aside to %s", self.path, exc, aside)
            self.path.replace(aside)
            self._conn = self._open_with_retry()

    def _open_with_retry(self, attempts: int = 5) -> sqlite3.Connection:
        for attempt in range(attempts):
            try:
                return self._open()
            except sqlite3.OperationalError:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")

    def _open(self) -> sqlite3.Connection:
        # Autocommit: every statement is its own transaction, so no read transaction
        # lingers and blocks another process's writer.
        conn = sqlite3.connect(
            self.path,
            timeout=self._busy_timeout,
            check_same_thread=False,
            isolation_level=None,
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS answers ("
                " namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
                " stored REAL NOT NULL, expires REAL,"
                " PRIMARY KEY (namespace, key))"
            )
            conn.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            conn.commit()
            conn.execute("SELECT count(*) FROM answers").fetchone()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def get(self, namespace: str, key: str) -> Any | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT value, expires FROM answers WHERE namespace=? AND key=?",
                (namespace, key),
            ).fetchone()
        if row is None:
            return None
        value, expires = row
        if expires is not None and expires < self._clock():
            return None
        try:
            return json.loads(value)
        except ValueError:
            return None

    def put(self, namespace: str, key: str, value: Any, ttl: float | None = None) -> None:
        now = self._clock()
        text = json.dumps(value, sort_keys=True, separators=(",", ":"))
        with self._lock:
            try:
                self._conn.execute(
                    "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)",
                    (namespace, key, text, now, None if ttl is None else now + ttl),
                )
            except sqlite3.OperationalError as exc:  # locked for too long, disk full
                log.warning("cache write skipped: %s", exc)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def default_cache_dir() -> Path:
    """The user's cache directory for refcheck (XDG on Linux)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("refcheck"))
