"""Fixtures for the links stage: a fresh web stand-in per test and a fast checker."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from refcheck.cache import MemoryCache  # noqa: E402
from refcheck.links import HttpLinkChecker  # noqa: E402
from tests.standins.web import WebStandin  # noqa: E402


@pytest.fixture
def web() -> Iterator[WebStandin]:
    """A fresh stand-in (so "first time" scenarios and counters start clean)."""
    with WebStandin(slow_delay=1.5) as server:
        yield server


@pytest.fixture
def make_checker(web: WebStandin) -> Callable[..., HttpLinkChecker]:
    """Build a checker aimed at ``web``, with small timeouts so tests stay fast."""

    def build(**overrides: Any) -> HttpLinkChecker:
        options: dict[str, Any] = {
            "cache": MemoryCache(),
            "allow_private": True,
            "timeout": 0.5,
            "retries": 2,
            "backoff_base": 0.02,
            "wayback_url": web.url("/wayback/available"),
            "doi_resolver_url": web.base,
            "control_hosts": ("localhost",),
        }
        options.update(overrides)
        return HttpLinkChecker(**options)

    return build
