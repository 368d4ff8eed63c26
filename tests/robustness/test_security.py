"""End-to-end security: hostile reference text is inert in every report, links
never reach private networks, and the package has no code-execution primitives.

Nothing here leaves 127.0.0.0/8: the conftest's ``loopback_only`` fixture fails any
test that tries, and the SSRF tests assert that blocked links never reached
``connect`` at all.
"""

from __future__ import annotations

import ast
import csv
import io
import ipaddress
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner

import refcheck
import refcheck.links.http as links_http
import refcheck.links.safety as safety
from refcheck.cache import MemoryCache
from refcheck.cli import main
from refcheck.errors import InputError
from refcheck.fetch import fetch_document
from refcheck.links import HttpLinkChecker
from refcheck.links.interface import LinkRequest
from refcheck.links.safety import NameNotFound
from refcheck.model import LinkStatus
from tests.standins.web import WebStandin

AS_OF = "2026-11-26"

OSC8 = "\x1b]8;;http://evil.example/\x07click me\x1b]8;;\x07"
CLEAR = "\x1b[2J\x1b[H"
HOSTILE_TEXT = [
    f"Smith J. {OSC8} A title. J Things. 2001;3:4-5.",
    f"Jones K. {CLEAR}Another title\x07\x08\x9b31m. J Other. 2002;4:5-6.",
    "Evil E. <script>alert(1)</script> Title. J Xss. 2003;1:1. "
    "Available at: javascript:alert(2)",
    "=HYPERLINK(\"http://evil.example\",\"x\") Formula F. Title. 2004.",
    "@SUM(1+1) Formula G. Title. 2005.",
    "+cmd|' /C calc'!A0 Formula H. Title. 2006.",
    "-2+3 Formula I. Title. 2007.",
]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def hostile_csl(tmp_path: Path) -> Path:
    """A CSL-JSON input: structured fields pass control characters straight through."""
    items = [
        {"id": f"r{i}", "type": "article-journal", "title": text,
         "author": [{"family": f"Fam{CLEAR}{i}", "given": "<img src=x onerror=alert(3)>"}],
         "URL": "javascript:alert(4)" if i == 2 else f"http://example.org/{i}",
         "container-title": "=1+1"}
        for i, text in enumerate(HOSTILE_TEXT)
    ]
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


@pytest.fixture()
def hostile_txt(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.txt"
    lines = ["Article text.", "", "References", ""]
    lines += [f"{i}. {text}" for i, text in enumerate(HOSTILE_TEXT, 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _report(path: Path, fmt: str, *extra: str) -> str:
    code, out, err = _run("check", str(path), "--format", fmt, "--as-of", AS_OF,
                          "--no-crossref", "--no-links", "--no-cache", *extra)
    assert code in (0, 1), err
    assert out
    return out


SOURCES = ["hostile_csl", "hostile_txt"]


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("color", ["--no-color", "--color"])
def test_text_report_carries_no_terminal_escapes(
    source: str, color: str, request: pytest.FixtureRequest
) -> None:
    out = _report(request.getfixturevalue(source), "text", color)
    assert "Another title" in out or "Jones" in out, "the hostile references are reported"
    if color == "--no-color":
        assert "\x1b" not in out
    else:
        # refcheck's own colours are SGR sequences (ESC [ digits ; m); nothing else.
        import re

        stripped = re.sub(r"\x1b\[[0-9;]*m", "", out)
        assert "\x1b" not in stripped
        assert "\x1b]8" not in out and "\x1b[2J" not in out
    for char in ("\x07", "\x08", "\x9b"):
        assert char not in out, repr(char)


@pytest.mark.parametrize("source", SOURCES)
def test_html_report_renders_hostile_text_inert(
    source: str, request: pytest.FixtureRequest
) -> None:
    html = _report(request.getfixturevalue(source), "html")
    assert "<script>alert(1)" not in html
    assert "<img src=x onerror" not in html
    tree = lxml.html.document_fromstring(html)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for raw_name, raw_value in element.attrib.items():
            name, value = str(raw_name), str(raw_value)
            assert not name.lower().startswith("on") or "alert(" not in value, (name, value)
            if name.lower() in ("href", "src", "action", "formaction", "xlink:href"):
                scheme = value.strip().lower()
                assert not scheme.startswith(("javascript:", "data:", "vbscript:")), value
        if element.tag == "script":
            assert "alert(" not in (element.text or ""), "reference text inside a <script>"
    # The hostile text is still shown, as text, so the user can see what they cited.
    assert "alert(1)" in str(tree.text_content())  # type: ignore[attr-defined]


def _csv_cells(text: str) -> Iterator[str]:
    for row in csv.reader(io.StringIO(text)):
        yield from row


@pytest.mark.parametrize("source", SOURCES)
def test_csv_report_neutralises_formulas(source: str, request: pytest.FixtureRequest) -> None:
    out = _report(request.getfixturevalue(source), "csv")
    cells = list(_csv_cells(out))
    assert any("HYPERLINK" in c for c in cells), "the hostile reference is in the CSV"
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


# ----------------------------------------------------------------------- SSRF

def _system_like(table: dict[str, str]) -> Any:
    """A resolver that answers ``table`` and numeric forms (as getaddrinfo does), and
    nothing else: no real DNS query ever leaves the machine."""

    def resolve(host: str, port: int) -> list[str]:
        if host.lower() in table:
            return [table[host.lower()]]
        try:
            return [socket.inet_ntoa(socket.inet_aton(host))]  # 127.1, 0x7f.1, 2130706433
        except OSError:
            raise NameNotFound(f"DNS: no such host {host}") from None

    return resolve


@pytest.fixture()
def internal() -> Iterator[WebStandin]:
    """A server on 127.0.0.1 playing the private network an attacker wants to reach."""
    with WebStandin("127.0.0.1") as web:
        yield web


def _checker(resolver: Any, **kwargs: Any) -> HttpLinkChecker:
    options: dict[str, Any] = dict(cache=MemoryCache(), resolver=resolver, wayback_url=None,
                                   control_hosts=(), timeout=2, retries=0, backoff_base=0)
    options.update(kwargs)
    return HttpLinkChecker(**options)


def test_private_addresses_and_names_resolving_to_them_are_skipped(
    internal: WebStandin, loopback_only: list[Any]
) -> None:
    port = internal.port
    resolver = _system_like({"public-looking.example": "127.0.0.1",
                             "metadata.example": "169.254.169.254",
                             "intranet.example": "10.1.2.3",
                             "mapped.example": "::ffff:127.0.0.1"})
    urls = [
        f"http://127.0.0.1:{port}/alive",
        f"http://localhost:{port}/alive",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/admin",
        "http://192.168.1.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        f"http://127.1:{port}/alive",
        f"http://0x7f.0.0.1:{port}/alive",
        f"http://public-looking.example:{port}/alive",
        "http://metadata.example/latest/meta-data/",
        "http://intranet.example/",
        f"http://mapped.example:{port}/alive",
    ]
    table = {"localhost": "127.0.0.1"}
    checker = _checker(lambda h, p: table[h] if h in table else resolver(h, p))
    results = checker.check_many([LinkRequest(u) for u in urls])
    for url in urls:
        status = results[url].status
        # invalid is acceptable for forms the URL parser rejects; never a fetch.
        assert status in (LinkStatus.SKIPPED, LinkStatus.INVALID), (url, results[url])
    assert internal.seen == [], "a private server received a request"
    assert loopback_only == [], f"connect() was called: {loopback_only}"


def test_dns_rebinding_name_first_public_then_private_is_blocked(
    internal: WebStandin, loopback_only: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard resolves once, approves, and connects to exactly what it approved:
    a name answering a 'public' address and then 127.0.0.1 cannot slip through."""
    answers = iter(["127.0.0.2", "127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.1"])
    _pretend_public(monkeypatch, "127.0.0.2")

    def rebinding(host: str, port: int) -> list[str]:
        return [next(answers)]

    checker = _checker(rebinding)
    url = f"http://rebind.example:{internal.port}/alive"
    result = checker.check_many([LinkRequest(url)])[url]
    # First answer 127.0.0.2 is "public" but nothing listens there on that port
    # (connection refused), or a later answer is private (skipped); never the internal page.
    assert internal.seen == []
    assert all(a[0] != "127.0.0.1" for a in loopback_only), loopback_only
    assert result.status is not LinkStatus.OK


def _pretend_public(monkeypatch: pytest.MonkeyPatch, *addresses: str) -> None:
    """Treat these loopback addresses as public (the stand-in 'internet')."""
    real = safety.is_public_address

    def is_public(address: str) -> bool:
        try:
            if str(ipaddress.ip_address(address)) in addresses:
                return True
        except ValueError:
            pass
        return real(address)

    monkeypatch.setattr(safety, "is_public_address", is_public)
    monkeypatch.setattr(links_http, "is_public_address", is_public)


def test_redirect_from_allowed_host_to_private_address_is_refused(
    internal: WebStandin, loopback_only: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """public.example -> 127.0.0.2 (approved as public) redirects to 127.0.0.1 and to
    169.254.169.254: both hops are refused at connect time, before any traffic."""
    _pretend_public(monkeypatch, "127.0.0.2")
    with WebStandin("127.0.0.2") as public:
        public.add_redirect("/to-internal", f"http://127.0.0.1:{internal.port}/alive", 302)
        public.add_redirect("/to-internal-name",
                            f"http://internal.example:{internal.port}/alive", 301)
        resolver = _system_like({"public.example": "127.0.0.2",
                                 "internal.example": "127.0.0.1"})
        checker = _checker(resolver)
        base = f"http://public.example:{public.port}"
        urls = [f"{base}/alive", f"{base}/to-internal", f"{base}/to-internal-name",
                f"{base}/redirect/private"]
        results = checker.check_many([LinkRequest(u) for u in urls])
    assert results[urls[0]].status is LinkStatus.OK, results[urls[0]]  # the control case
    for url in urls[1:]:
        result = results[url]
        assert result.status is LinkStatus.SKIPPED, (url, result)
        assert result.redirects, "the redirect itself is recorded"
    assert internal.seen == []
    assert all(a[0] == "127.0.0.2" for a in loopback_only), loopback_only


def test_url_input_is_guarded_on_every_redirect(
    internal: WebStandin, loopback_only: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``refcheck check <URL>``: a private article URL, or a redirect to one, is refused."""
    _pretend_public(monkeypatch, "127.0.0.2")
    with WebStandin("127.0.0.2") as public:
        public.add_page("/article", b"<html><body><h2>References</h2><ol><li>A. 2001."
                        b"</li></ol></body></html>")
        public.add_redirect("/bounce", f"http://127.0.0.1:{internal.port}/alive", 302)
        doc = fetch_document(f"http://127.0.0.2:{public.port}/article", cache=MemoryCache())
        assert b"References" in doc.data  # the control case: allowed host fetched
        with pytest.raises(InputError):
            fetch_document(f"http://127.0.0.2:{public.port}/bounce", cache=MemoryCache())
        with pytest.raises(InputError):
            fetch_document(f"http://127.0.0.1:{internal.port}/alive", cache=MemoryCache())
    assert internal.seen == []
    assert all(a[0] == "127.0.0.2" for a in loopback_only), loopback_only


# ------------------------------------------------------- no code execution at all

PACKAGE = Path(refcheck.__file__).resolve().parent
BANNED_MODULES = {"pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle"}
BANNED_CALLS = {"eval", "exec", "compile", "__import__"}


def _violations(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        where = f"{path.relative_to(PACKAGE.parent)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in BANNED_MODULES:
                    yield f"{where}: import {alias.name}"
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] in BANNED_MODULES:
                yield f"{where}: from {node.module} import"
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else (
                func.attr if isinstance(func, ast.Attribute) else "")
            owner = func.value.id if (isinstance(func, ast.Attribute)
                                      and isinstance(func.value, ast.Name)) else ""
            if isinstance(func, ast.Name) and name in BANNED_CALLS:
                yield f"{where}: {name}()"
            if (owner == "os" and name in ("system", "popen")) or name.startswith("spawn"):
                yield f"{where}: os.{name}()"
            if owner == "yaml" and name in ("load", "unsafe_load", "full_load"):
                yield f"{where}: yaml.{name}()"
            for keyword in node.keywords:
                if keyword.arg == "shell" and not (
                    isinstance(keyword.value, ast.Constant) and keyword.value.value is False
                ):
                    yield f"{where}: shell= in a call"


def test_package_has_no_eval_exec_pickle_or_shell() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 20  # the scan sees the whole package
    found = [v for path in files for v in _violations(path)]
    assert found == []


def test_package_text_has_no_banned_strings() -> None:
    """The same rule as a plain grep, so a dynamic trick (getattr(builtins, 'eval'))
    written as a string is caught too. Comments and docstrings are exempt."""
    import tokenize

    patterns = ("eval(", "exec(", "shell=True", "os.system", "pickle.load", "marshal.load")
    hits = []
    for path in sorted(PACKAGE.rglob("*.py")):
        with path.open("rb") as handle:
            for token in tokenize.tokenize(handle.readline):
                if token.type in (tokenize.COMMENT,):
                    continue
                text = token.string
                if token.type == tokenize.STRING and text.lstrip("rbuRBUfF").startswith(
                    ('"""', "'''")
                ):
                    continue  # docstrings
                hits += [f"{path.name}:{token.start[0]}: {p}" for p in patterns if p in text
                         and not text.endswith("literal_eval(")]
    # Tokens split "eval(" into NAME + OP, so also scan line by line for the names.
    for path in sorted(PACKAGE.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for pattern in ("shell=True", "os.system(", "pickle.", " eval(", " exec("):
                if pattern in code and "literal_eval(" not in code:
                    hits.append(f"{path.name}:{number}: {pattern}")
    assert hits == []
