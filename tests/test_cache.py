"""The persistent cache: round trips, expiry, sharing, corruption."""

import sqlite3
import threading
from pathlib import Path

from refcheck.cache import MemoryCache, NullCache, SQLiteCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_round_trip_and_namespaces(tmp_path: Path) -> None:
    cache = SQLiteCache(tmp_path)
    cache.put("crossref", "10.1/x", {"title": "T", "n": [1, 2]})
    assert cache.get("crossref", "10.1/x") == {"title": "T", "n": [1, 2]}
    assert cache.get("links", "10.1/x") is None
    assert cache.get("crossref", "missing") is None


def test_expiry(tmp_path: Path) -> None:
    clock = Clock()
    cache = SQLiteCache(tmp_path, clock=clock)
    cache.put("links", "u", "ok", ttl=10)
    cache.put("links", "forever", "ok")
    clock.now += 11
    assert cache.get("links", "u") is None
    assert cache.get("links", "forever") == "ok"


def test_persists_across_instances_and_processes_share(tmp_path: Path) -> None:
    SQLiteCache(tmp_path).put("ns", "k", 1)
    other = SQLiteCache(tmp_path)
    assert other.get("ns", "k") == 1


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    caches = [SQLiteCache(tmp_path) for _ in range(4)]

    def write(i: int) -> None:
        for j in range(50):
            caches[i].put("ns", f"{i}-{j}", j)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    fresh = SQLiteCache(tmp_path)
    assert all(fresh.get("ns", f"{i}-{j}") == j for i in range(4) for j in range(50))


def test_corrupt_file_is_set_aside(tmp_path: Path) -> None:
    (tmp_path / SQLiteCache.FILENAME).write_bytes(b"this is not a database" * 100)
    cache = SQLiteCache(tmp_path)
    cache.put("ns", "k", "v")
    assert cache.get("ns", "k") == "v"
    assert list(tmp_path.glob("*.corrupt-*"))


def test_values_are_json_not_pickles(tmp_path: Path) -> None:
    cache = SQLiteCache(tmp_path)
    cache.put("ns", "k", {"a": 1})
    raw = (
        sqlite3.connect(tmp_path / SQLiteCache.FILENAME)
        .execute("SELECT value FROM answers")
        .fetchone()[0]
    )
    assert raw == '{"a":1}'


def test_memory_and_null_caches() -> None:
    clock = Clock()
    mem = MemoryCache(clock=clock)
    mem.put("ns", "k", 1, ttl=5)
    assert mem.get("ns", "k") == 1
    clock.now += 6
    assert mem.get("ns", "k") is None
    null = NullCache()
    null.put("ns", "k", 1)
    assert null.get("ns", "k") is None


def test_a_busy_cache_is_never_taken_for_corrupt(tmp_path: Path) -> None:
    import pytest

    from refcheck.cache import CacheUnavailable

    SQLiteCache(tmp_path).put("ns", "k", "v")
    holder = sqlite3.connect(tmp_path / SQLiteCache.FILENAME, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(CacheUnavailable, match="busy"):
            SQLiteCache(tmp_path, busy_timeout=0.1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not list(tmp_path.glob("*.corrupt-*"))
    assert SQLiteCache(tmp_path).get("ns", "k") == "v"


def test_many_caches_opened_at_once(tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def open_and_write(i: int) -> None:
        try:
            SQLiteCache(tmp_path).put("ns", str(i), i)
        except BaseException as exc:  # pragma: no cover - the failure being tested
            errors.append(exc)

    threads = [threading.Thread(target=open_and_write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert not list(tmp_path.glob("*.corrupt-*"))
    assert all(SQLiteCache(tmp_path).get("ns", str(i)) == i for i in range(8))


def test_refreshing_cache_writes_but_never_reads() -> None:
    from refcheck.cache import RefreshingCache

    inner = MemoryCache()
    inner.put("ns", "old", 1)
    refreshing = RefreshingCache(inner)
    assert refreshing.get("ns", "old") is None
    refreshing.put("ns", "new", 2)
    assert inner.get("ns", "new") == 2
