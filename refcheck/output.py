"""Writing reports: atomically, so a failed or interrupted run leaves no partial file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from refcheck.errors import OutputError
from refcheck.model import ArticleReport, RunReport


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same directory and a rename."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{path}: cannot write: directory {directory} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, _final_mode(path))
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _final_mode(path: Path) -> int:
    """The mode a plainly created file would get (temporary files are 0600)."""
    try:
        return path.stat().st_mode & 0o777  # replacing a file keeps its mode
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class ReportSink:
    """Receives finished articles and writes one output (a file or standard output).

    Sinks let a batch be checked article by article: the JSON contract streams (only
    a running summary is held), the other formats collect and render at the end. A
    sink writes to a temporary file that is renamed into place on ``close`` and
    removed on ``abort``, so an interrupted run never leaves a partial report.
    """

    def __init__(
        self,
        fmt: str,
        path: Path | None,
        *,
        color: bool,
        tool_version: str,
        stdout: Callable[[str], object],
    ) -> None:
        from refcheck.render.json_report import JsonStream

        self.fmt = fmt
        self.path = path
        self._color = color
        self._tool_version = tool_version
        self._articles: list[ArticleReport] | None = None
        self._tmp: Path | None = None
        self._handle: TextIO | None = None
        self._stream: JsonStream | None = None
        if fmt == "json":
            write = stdout if path is None else self._open_file().write
            self._stream = JsonStream(write, tool_version)
        else:
            self._articles = []
            if path is not None:
                self._check_writable(path)
        self._stdout = stdout

    def _check_writable(self, path: Path) -> None:
        directory = path.parent if str(path.parent) else Path(".")
        if not directory.is_dir():
            raise OutputError(f"{path}: cannot write: directory {directory} does not exist")
        if not os.access(directory, os.W_OK):
            raise OutputError(f"{path}: cannot write: permission denied")

    def _open_file(self) -> TextIO:
        assert self.path is not None
        self._check_writable(self.path)
        directory = self.path.parent if str(self.path.parent) else Path(".")
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=directory)
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write: {exc.strerror or exc}") from None
        self._tmp = Path(tmp)
        self._handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        return self._handle

    def add(self, article: ArticleReport) -> None:
        """Take one finished article."""
        if self._stream is not None:
            self._stream.add(article)
        elif self._articles is not None:
            self._articles.append(article)

    def close(self) -> None:
        """Finish the output: render what was collected, or end the stream."""
        if self._stream is not None:
            self._stream.close()
            if self._handle is not None and self._tmp is not None and self.path is not None:
                self._handle.close()
                os.chmod(self._tmp, _final_mode(self.path))
                os.replace(self._tmp, self.path)
            return
        from refcheck.render import render

        report = RunReport(articles=tuple(self._articles or ()), tool_version=self._tool_version)
        text = render(report, self.fmt, color=self._color)
        if self.path is None:
            self._stdout(text)
        else:
            write_atomic(self.path, text)

    def abort(self) -> None:
        """Drop the output: no partial file is left behind."""
        if self._handle is not None:
            self._handle.close()
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)
