"""Fixtures for the render tests: the hand-made sample reports."""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from types import ModuleType

import pytest

from refcheck.model import RunReport

_HERE = pathlib.Path(__file__).parent


def _load_sample() -> ModuleType:
    # tests/ has no __init__.py; load sample.py under a unique name so it cannot collide
    # with another test directory's helper module called "sample".
    name = "refcheck_tests_render_sample"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _HERE / "sample.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def sample() -> ModuleType:
    """The ``tests/render/sample.py`` module (constants and builders)."""
    return _load_sample()


@pytest.fixture()
def report(sample: ModuleType) -> RunReport:
    """The single-article sample run that the golden files are made from."""
    result: RunReport = sample.sample_report()
    return result


@pytest.fixture()
def two_articles(sample: ModuleType) -> RunReport:
    """A run over two articles."""
    result: RunReport = sample.two_article_report()
    return result
