"""Fixtures for the resolve stage: the Crossref stand-in and resolvers bound to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from refcheck.cache import MemoryCache
from refcheck.resolve import CrossrefResolver

try:  # the tests tree is a package in some layouts and not in others
    from tests.standins.crossref import CrossrefStandin, load_fixture_handles, load_fixture_works
except ImportError:  # pragma: no cover - depends on how pytest set sys.path
    from standins.crossref import (  # type: ignore[no-redef]
        CrossrefStandin,
        load_fixture_handles,
        load_fixture_works,
    )

__all__ = ["CrossrefStandin", "load_fixture_handles", "load_fixture_works"]


@pytest.fixture
def standin() -> Iterator[CrossrefStandin]:
    """The stand-in serving the curated fixture works."""
    with CrossrefStandin(load_fixture_works(), handles=load_fixture_handles()) as server:
        yield server


@pytest.fixture
def make_resolver(standin: CrossrefStandin) -> Iterator[Callable[..., CrossrefResolver]]:
    """Build resolvers against the stand-in with fast backoff; closes them afterwards."""
    made: list[CrossrefResolver] = []

    def factory(**kwargs: Any) -> CrossrefResolver:
        kwargs.setdefault("base_url", standin.url)
        kwargs.setdefault("doi_resolver_url", standin.url)
        kwargs.setdefault("mailto", "tests@example.org")
        kwargs.setdefault("cache", MemoryCache())
        kwargs.setdefault("backoff_base", 0.01)
        kwargs.setdefault("timeout", 5.0)
        resolver = CrossrefResolver(**kwargs)
        made.append(resolver)
        return resolver

    yield factory
    for resolver in made:
        resolver.close()
