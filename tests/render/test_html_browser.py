"""The HTML report in a real headless Chromium (Debian's ``chromium`` + Selenium).

The page is opened from a file:// URL: it must load without console errors (which also
proves the Content-Security-Policy hashes match the inline style and script), filter and
sort its table, keep hostile reference text inert, and look like something (a
screenshot is saved and checked). Skips with the reason when no browser is installed;
``.ci/install-browser`` installs one in CI.
"""

from __future__ import annotations

import os
import pathlib
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from refcheck.model import RunReport
from refcheck.render import render

CHROMIUM = os.environ.get("REFCHECK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _skip_reason() -> str | None:
    if not os.path.exists(CHROMIUM):
        return "no chromium browser installed (run .ci/install-browser)"
    if not os.path.exists(CHROMEDRIVER):
        return "no chromedriver installed (run .ci/install-browser)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium package is not installed (run .ci/install-browser)"
    return None


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    # Never let Selenium Manager look for drivers or browsers on the network.
    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        browser = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    except Exception as exc:  # a broken install is a skip with its reason, not an error
        pytest.skip(f"chromium could not be started: {str(exc).splitlines()[0]}")
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture()
def page(driver: Any, report: RunReport, tmp_path: pathlib.Path) -> Any:
    path = tmp_path / "report.html"
    path.write_text(render(report, "html"), encoding="utf-8")
    driver.get_log("browser")  # drop anything left from an earlier page
    driver.get(path.as_uri())
    return driver


def _visible_indexes(driver: Any) -> list[int]:
    from selenium.webdriver.common.by import By

    rows = driver.find_elements(By.CSS_SELECTOR, "#refs tbody tr")
    return [int(r.find_elements(By.TAG_NAME, "td")[0].text) for r in rows if r.is_displayed()]


def _select(driver: Any, ident: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, ident)).select_by_value(value)


def test_loads_without_console_errors(page: Any) -> None:
    errors = [e for e in page.get_log("browser") if e.get("level") == "SEVERE"]
    assert errors == []
    assert page.title.startswith("refcheck report")
    # The script ran (CSP admitted it): it revealed the filters and counted the rows.
    status = page.find_element("id", "shown").text
    assert status == "Showing 11 of 11 references"


def test_filter_by_severity_and_status_hides_rows(page: Any, report: RunReport) -> None:
    refs = report.articles[0].references
    expected_errors = [
        r.index for r in refs if r.worst_severity and r.worst_severity.label == "error"
    ]
    _select(page, "f-severity", "error")
    assert _visible_indexes(page) == expected_errors
    assert (
        page.find_element("id", "shown").text == f"Showing {len(expected_errors)} of 11 references"
    )

    _select(page, "f-severity", "")
    _select(page, "f-links", "broken")
    broken = [r.index for r in refs if any(x.status.value == "broken" for x in r.links)]
    assert _visible_indexes(page) == broken

    _select(page, "f-links", "")
    _select(page, "f-resolution", "matched")
    matched = [r.index for r in refs if r.resolution.status.value == "matched"]
    assert _visible_indexes(page) == matched

    _select(page, "f-resolution", "")
    assert _visible_indexes(page) == [r.index for r in refs]


def test_text_search_filters_rows(page: Any) -> None:
    box = page.find_element("id", "f-query")
    box.send_keys("cochrane")
    assert _visible_indexes(page) == [3, 4]


def test_sorting_by_severity_with_the_keyboard(page: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    button = page.find_element(By.CSS_SELECTOR, 'button[data-sort="rank"]')
    button.send_keys(Keys.ENTER)  # a real button: Enter activates it
    header = button.find_element(By.XPATH, "..")
    assert header.get_attribute("aria-sort") == "ascending"
    severities = [
        r.get_attribute("data-severity")
        for r in page.find_elements(By.CSS_SELECTOR, "#refs tbody tr")
    ]
    rank = {"error": 0, "warning": 1, "info": 2, "ok": 3}
    assert [rank[s] for s in severities] == sorted(rank[s] for s in severities)
    assert severities[0] == "error"


def test_hostile_reference_text_is_inert(page: Any, sample: Any) -> None:
    from selenium.webdriver.common.by import By

    assert page.execute_script("return window.__pwned === undefined")
    assert "pwned" not in page.title
    # The <script> text is shown as text, not run.
    body = page.find_element(By.TAG_NAME, "body").get_attribute("textContent")
    assert "<script>window.__pwned = 1;" in body
    hrefs = page.execute_script(
        "return Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'))"
    )
    assert hrefs, "the report should link to DOIs and URLs"
    assert all(h.startswith(("https://", "http://", "#")) for h in hrefs), hrefs
    assert sample.JS_URL not in hrefs
    # Exactly one script element: ours.
    assert page.execute_script("return document.scripts.length") == 1


def test_screenshot(page: Any, tmp_path: pathlib.Path) -> None:
    height = page.execute_script("return document.documentElement.scrollHeight")
    page.set_window_size(1400, min(int(height) + 40, 6000))
    shot = tmp_path / "report.png"
    assert page.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # A blank page compresses to a few kilobytes; a rendered report is far larger.
    assert len(data) > 50_000, len(data)
    keep = os.environ.get("REFCHECK_SCREENSHOT")
    if keep:  # let a person look at it: REFCHECK_SCREENSHOT=/tmp/report.png
        shutil.copyfile(shot, keep)
