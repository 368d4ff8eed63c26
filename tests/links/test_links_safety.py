"""Offline detection, DNS verdicts, SSRF safety and TLS reasons."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from refcheck.links import HttpLinkChecker, safety
from refcheck.links.http import _tls_reason
from refcheck.links.interface import LinkRequest
from refcheck.links.safety import (
    BlockedAddress,
    ConnectGuard,
    NameNotFound,
    ResolutionFailed,
    is_public_address,
)
from refcheck.model import LinkStatus
from tests.standins.web import WebStandin, refused_url

Build = Callable[..., HttpLinkChecker]


def no_such_name(host: str, port: int) -> list[str]:
    raise NameNotFound(f"DNS: no such host {host}")


def no_resolver(host: str, port: int) -> list[str]:
    raise ResolutionFailed(f"DNS: cannot resolve {host} (Temporary failure)")


def test_offline_nothing_is_broken(make_checker: Build) -> None:
    # Offline, this machine's resolver says "Name or service not known" for every
    # name: the same answer as a real NXDOMAIN. No control name resolves either.
    checker = make_checker(resolver=no_such_name, control_hosts=("doi.org",), wayback_url=None)
    urls = ["https://www.acog.org/Patients/FAQs", "http://www.example.com/a", "https://b.org/"]
    results = checker.check_many([LinkRequest(u) for u in urls])
    assert {r.status for r in results.values()} == {LinkStatus.NETWORK_ERROR}
    assert checker.network_available() is False
    assert "offline" in (results[urls[0]].detail or "")


def test_resolver_unreachable_is_network_error(make_checker: Build) -> None:
    checker = make_checker(resolver=no_resolver, retries=1, wayback_url=None)
    result = checker.check_many([LinkRequest("https://example.org/x")])["https://example.org/x"]
    assert result.status is LinkStatus.NETWORK_ERROR
    assert checker.network_available() is False


def test_nxdomain_is_broken_when_dns_works(web: WebStandin, make_checker: Build) -> None:
    def resolver(host: str, port: int) -> list[str]:
        if host == "gone.test":
            raise NameNotFound("DNS: no such host gone.test")
        return ["127.0.0.1"]

    checker = make_checker(resolver=resolver, control_hosts=())
    alive = f"http://alive.test:{web.port}/alive"
    gone = "http://gone.test/page"
    results = checker.check_many([LinkRequest(alive), LinkRequest(gone)])
    assert results[alive].status is LinkStatus.OK  # and proves DNS answers
    assert results[gone].status is LinkStatus.BROKEN
    assert results[gone].archive_url is not None
    assert checker.network_available() is True
    # The stand-in saw the name the checker resolved itself, not an address.
    assert any(s.path == "/alive" for s in web.seen)


def test_nxdomain_confirmed_by_control_lookup(make_checker: Build) -> None:
    def resolver(host: str, port: int) -> list[str]:
        if host == "localhost":
            return ["127.0.0.1"]
        raise NameNotFound(f"DNS: no such host {host}")

    checker = make_checker(resolver=resolver, control_hosts=("localhost",), wayback_url=None)
    result = checker.check_many([LinkRequest("http://gone.test/x")])["http://gone.test/x"]
    assert result.status is LinkStatus.BROKEN


def test_private_addresses_are_skipped(web: WebStandin, make_checker: Build) -> None:
    def resolver(host: str, port: int) -> list[str]:
        return {"intranet.test": ["10.1.2.3"], "mixed.test": ["93.184.216.34", "127.0.0.1"]}[
            host
        ]

    checker = make_checker(allow_private=False, resolver=resolver, wayback_url=None)
    urls = [web.url("/alive"), "http://169.254.169.254/latest/meta-data/",
            "http://intranet.test/wiki", "http://mixed.test/", "http://[::1]/x"]
    results = checker.check_many([LinkRequest(u) for u in urls])
    for url in urls:
        assert results[url].status is LinkStatus.SKIPPED, results[url]
        assert "allow-private" in (results[url].detail or "")
    assert web.seen == []  # nothing was sent


def test_redirect_to_private_address_is_caught_at_connect(
    web: WebStandin, make_checker: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend the stand-in's address is public so only the redirect target is private.
    monkeypatch.setattr(safety, "is_public_address", lambda a: a == "127.0.0.1")
    checker = make_checker(allow_private=False, wayback_url=None)
    result = checker.check_many([LinkRequest(web.url("/redirect/private"))])
    verdict = result[web.url("/redirect/private")]
    assert verdict.status is LinkStatus.SKIPPED
    assert "169.254.169.254" in (verdict.detail or "")
    assert verdict.redirects[0].location == "http://169.254.169.254/latest/meta-data/"


def test_guard_checks_every_resolution() -> None:
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])
    guard = ConnectGuard(lambda host, port: next(answers))
    assert guard.addresses("rebind.test", 80) == ["93.184.216.34"]
    with pytest.raises(BlockedAddress):
        guard.addresses("rebind.test", 80)  # rebound to loopback: refused


@pytest.mark.parametrize(
    ("address", "public"),
    [("93.184.216.34", True), ("2606:2800:220:1::1", True), ("127.0.0.1", False),
     ("10.0.0.1", False), ("192.168.1.1", False), ("169.254.169.254", False),
     ("100.64.0.1", False), ("::1", False), ("fe80::1", False), ("::ffff:127.0.0.1", False),
     ("0.0.0.0", False), ("224.0.0.1", False), ("nonsense", False)],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def _verify_error(message: str) -> ssl.SSLCertVerificationError:
    error = ssl.SSLCertVerificationError(1, f"certificate verify failed: {message}")
    error.verify_message = message
    return error


@pytest.mark.parametrize(
    ("message", "reason"),
    [("certificate has expired", "TLS: certificate has expired"),
     ("Hostname mismatch, certificate is not valid for 'x.org'.",
      "TLS: certificate is for another host name"),
     ("unable to get local issuer certificate", "TLS: certificate issuer is unknown"),
     ("self-signed certificate", "TLS: self-signed certificate")],
)
def test_tls_reasons(message: str, reason: str) -> None:
    wrapped = RuntimeError("wrapper")
    wrapped.__cause__ = _verify_error(message)
    assert _tls_reason(wrapped) == reason


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_untrusted_certificate_is_inconclusive(tmp_path: Path, make_checker: Build) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    with WebStandin(tls=(str(cert), str(key))) as site:
        url = site.url("/alive")
        result = make_checker().check_many([LinkRequest(url)])[url]
    assert result.status is LinkStatus.NETWORK_ERROR
    assert result.detail == "TLS: self-signed certificate"


def test_unreachable_services_are_not_verdicts(web: WebStandin, make_checker: Build) -> None:
    # The DOI service cannot be resolved: that says nothing about the DOI.
    checker = make_checker(resolver=no_such_name, control_hosts=(),
                           doi_resolver_url=f"http://handles.test:{web.port}")
    doi = "https://doi.org/10.1234/abc"
    assert checker.check_many([LinkRequest(doi)])[doi].status is LinkStatus.NETWORK_ERROR
    # The archive cannot be reached: the dead link is still reported, without a copy.
    checker = make_checker(wayback_url=refused_url() + "/wayback/available")
    gone = web.url("/status/404")
    result = checker.check_many([LinkRequest(gone)])[gone]
    assert result.status is LinkStatus.BROKEN and result.archive_url is None
