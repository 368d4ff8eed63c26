"""The streaming JSON writer produces exactly the JSON renderer's bytes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from refcheck.model import RunReport
from refcheck.render import render
from refcheck.render.json_report import JsonStream
from tests.render.sample import sample_article


@pytest.mark.parametrize("count", [0, 1, 3])
def test_stream_equals_whole_render(count: int) -> None:
    base = sample_article()
    articles = tuple(replace(base, source=f"article-{i}.txt") for i in range(count))
    whole = render(RunReport(articles=articles, tool_version="9.9"), "json")
    pieces: list[str] = []
    stream = JsonStream(pieces.append, tool_version="9.9")
    for article in articles:
        stream.add(article)
    stream.close()
    assert "".join(pieces) == whole
