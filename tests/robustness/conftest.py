"""Shared fixtures for the robustness suite, and a hard rule: loopback only.

Every test here runs with ``socket.socket.connect`` wrapped so that a connection to
any address outside 127.0.0.0/8 (or ::1) fails the test loudly instead of leaving the
machine. The SSRF tests rely on it: a link the guard should block must never reach
``connect`` at all, and if the guard failed open this wrapper would catch it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

ATTEMPTS: list[Any] = []


class OutsideLoopback(AssertionError):
    """A test tried to connect outside 127.0.0.0/8."""


def _is_loopback(address: Any) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0]).split("%", 1)[0]
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return host == "localhost"
    return True  # AF_UNIX paths and the like stay on this machine


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Refuse (and record) any connection attempt to a non-loopback address."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    attempts: list[Any] = []

    def connect(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        if not _is_loopback(address):
            raise OutsideLoopback(f"test tried to connect to {address!r}")
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        attempts.append(address)
        if not _is_loopback(address):
            raise OutsideLoopback(f"test tried to connect to {address!r}")
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield attempts
