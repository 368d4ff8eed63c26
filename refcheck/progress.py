"""Progress reporting as a callback, so the library holds no UI code."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Called by the library as work is planned and done.

    ``stage`` is one of ``"resolve"``, ``"links"``; ``total`` is announced once per
    stage and article, then ``advance`` is called once per finished item.
    """

    def start(self, stage: str, total: int) -> None: ...

    def advance(self, stage: str, n: int = 1) -> None: ...


class NoProgress:
    """The default: report nothing."""

    def start(self, stage: str, total: int) -> None:
        return None

    def advance(self, stage: str, n: int = 1) -> None:
        return None
