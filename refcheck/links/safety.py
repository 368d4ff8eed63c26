"""Connect-time address checks: no request from refcheck reaches a private network.

A cited URL is untrusted input. Checking its host name before the request is not
enough: the name can resolve to a public address at check time and to 127.0.0.1 a
moment later (DNS rebinding), and a public page can redirect to
``http://169.254.169.254/``. So refcheck resolves the name itself, refuses private
addresses, and connects the socket to exactly the address it approved. urllib3 is
told to use connection classes that do this, through a requests ``HTTPAdapter``.

Name resolution also lives here because its failures carry meaning the links stage
needs: "this name does not exist" is a dead link, "the resolver cannot be reached"
is no network at all.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

Resolver = Callable[[str, int], list[str]]
"""Resolves ``(host, port)`` to IP address strings; raises the errors below."""


class NameNotFound(Exception):
    """DNS says the name does not exist (NXDOMAIN or no address records)."""


class ResolutionFailed(Exception):
    """The name could not be resolved for a reason that proves nothing (no resolver)."""


class BlockedAddress(Exception):
    """The host resolves to a private, loopback, link-local or reserved address."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to non-public address {address}")
        self.host = host
        self.address = address


# EAI_NODATA is missing on some platforms; getattr keeps this portable.
_NOT_FOUND_CODES = {
    code
    for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None))
    if code is not None
}


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the operating system (``getaddrinfo``), IPv4 and IPv6."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        if exc.errno in _NOT_FOUND_CODES:
            raise NameNotFound(f"DNS: no such host {host}") from exc
        raise ResolutionFailed(f"DNS: cannot resolve {host} ({exc.strerror})") from exc
    except UnicodeError as exc:
        raise NameNotFound(f"DNS: invalid host name {host}") from exc
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in seen:
            seen.append(address)
    if not seen:
        raise NameNotFound(f"DNS: no address for {host}")
    return seen


def is_public_address(address: str) -> bool:
    """True for a globally routable address (what a link checker may contact)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # is_global excludes private, loopback, link-local (169.254/16 with the cloud
    # metadata service), shared (100.64/10), reserved and unspecified ranges.
    return bool(ip.is_global) and not ip.is_multicast


class ConnectGuard:
    """Resolves host names and approves the addresses a connection may use.

    ``on_resolved`` is told of every successful resolution (the checker uses it as
    evidence that the network works).
    """

    def __init__(
        self,
        resolver: Resolver = system_resolver,
        *,
        allow_private: bool = False,
        on_resolved: Callable[[str], None] | None = None,
    ) -> None:
        self.resolver = resolver
        self.allow_private = allow_private
        self.on_resolved = on_resolved

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses to try for ``host``; raises when none may be used."""
        bare = host.strip("[]")
        try:
            addresses = [str(ipaddress.ip_address(bare))]  # a literal needs no lookup
        except ValueError:
            addresses = self.resolver(bare, port)
        if self.on_resolved is not None:
            self.on_resolved(host)
        if not self.allow_private:
            # One private answer taints the name: a rebinding attacker mixes them.
            for address in addresses:
                if not is_public_address(address):
                    raise BlockedAddress(host, address)
        return addresses


class _GuardedMixin:
    """Replaces urllib3's ``_new_conn``: resolve, approve, connect to that address."""

    guard: ConnectGuard
    # Attributes provided by urllib3's HTTPConnection.
    _dns_host: str
    port: int
    timeout: Any
    socket_options: Any
    source_address: Any

    def _new_conn(self) -> socket.socket:
        from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

        addresses = self.guard.addresses(self._dns_host, self.port)
        error: OSError | None = None
        for address in addresses:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                for level, option, value in self.socket_options or ():
                    sock.setsockopt(level, option, value)
                if isinstance(self.timeout, int | float):
                    sock.settimeout(self.timeout)
                if self.source_address:
                    sock.bind(self.source_address)
                sock.connect((address, self.port))
                return sock
            except TimeoutError as exc:
                sock.close()
                raise ConnectTimeoutError(
                    self, f"connection to {self._dns_host} timed out"
                ) from exc
            except OSError as exc:
                sock.close()
                error = exc
        raise NewConnectionError(
            self,  # type: ignore[arg-type]
            f"Failed to establish a new connection: {error}",
        ) from error


def guarded_adapter(guard: ConnectGuard, pool_maxsize: int) -> HTTPAdapter:
    """A requests adapter whose every connection goes through ``guard``."""
    http_conn = type("GuardedHTTPConnection", (_GuardedMixin, HTTPConnection), {"guard": guard})
    https_conn = type(
        "GuardedHTTPSConnection", (_GuardedMixin, HTTPSConnection), {"guard": guard}
    )
    http_pool = type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn})
    https_pool = type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn})
    adapter = HTTPAdapter(pool_connections=64, pool_maxsize=pool_maxsize, max_retries=0)
    adapter.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}
    return adapter


def guarded_session(guard: ConnectGuard, pool_maxsize: int) -> requests.Session:
    """A pooled Session that cannot reach addresses ``guard`` refuses.

    ``trust_env`` is off: an environment proxy would make the proxy, not refcheck,
    resolve the name, and the address check would be bypassed.
    """
    session = requests.Session()
    session.trust_env = False
    adapter = guarded_adapter(guard, pool_maxsize)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
