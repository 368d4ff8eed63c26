"""Shared helpers for the extract stage's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from refcheck.extract import Document

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
FORMATS = FIXTURES / "formats"
SEED = FIXTURES / "mayo-leg-cramps-pregnancy.txt"


def doc(text: str | bytes, source: str = "article.txt", **kwargs: object) -> Document:
    """A Document from text (encoded as UTF-8) or bytes."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return Document(source=source, data=data, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")
