"""The render stage's interface: a RunReport in, text out."""

from __future__ import annotations

import abc

from refcheck.model import RunReport


class Renderer(abc.ABC):
    """Turns a run's reports into one output format."""

    name: str  # the --format value
    extensions: tuple[str, ...] = ()  # file extensions that select this format

    @abc.abstractmethod
    def render(self, report: RunReport) -> str:
        """The whole output as text (renderers are pure: no I/O)."""
