"""Every report opens in headless Chromium with no console error and no network request.

Debian's ``chromium`` package is the browser (Playwright drives it through
``executable_path``; no browser is downloaded). Where it or Playwright is absent the tests
skip, saying which. The browser runs with networking features off and a fresh profile; each
page's requests are recorded and must be the report file alone (pictures are ``data:`` URIs).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import BUNDLED

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 60_000

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the test extra not installed
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(
        sync_playwright is None,
        reason="Playwright for Python is not installed (pip install 'nomad-sim[test]')",
    ),
    pytest.mark.skipif(
        not CHROMIUM.exists() and shutil.which("chromium") is None,
        reason="Chromium is not installed (Debian: apt-get install chromium)",
    ),
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    executable = CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium") or "")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(executable),
            args=FLAGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
            timeout=TIMEOUT_MS,
        )
        try:
            yield context
        finally:
            context.close()


class Visit:
    """One page opened with its console messages, page errors and requests recorded."""

    def __init__(self, context: Any, path: Path):
        self.page = context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url, wait_until="load")

    def outside_requests(self) -> list[str]:
        return [u for u in self.requests if u != self.url and not u.startswith("data:")]


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_report_loads_clean(browser, bundled_reports, tmp_path: Path, name: str):
    visit = Visit(browser, bundled_reports[name])
    try:
        shot = tmp_path / f"{name}.png"
        visit.page.screenshot(path=str(shot), full_page=True)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        # Every picture decoded (a broken data: URI has no natural width).
        broken = visit.page.eval_on_selector_all(
            "img", "imgs => imgs.filter(i => !i.complete || i.naturalWidth === 0).length"
        )
        assert broken == 0
        assert visit.errors == []
        assert visit.requests[0] == visit.url
        assert visit.outside_requests() == []
    finally:
        visit.page.close()


def test_tables_sort_and_filter(browser, bug17_report: Path, tmp_path: Path):
    visit = Visit(browser, bug17_report)
    try:
        page = visit.page
        rows = "#check-table tbody tr"
        # The script ran: one filter box before each data table.
        assert page.locator("input.filter").count() == page.locator("table.data").count() > 0
        check_filter = page.locator("#check-table").locator("xpath=preceding-sibling::input[1]")
        check_filter.fill("prometheus")
        visible = page.eval_on_selector_all(
            rows,
            "rs => rs.filter(r => !r.classList.contains('hidden'))"
            ".map(r => r.cells[0].textContent)",
        )
        assert visible == ["prometheus/prometheus"]
        check_filter.fill("")
        page.click("#check-table th >> nth=0")
        page.click("#check-table th >> nth=0")  # second click: descending
        first = page.eval_on_selector_all(rows, "rs => rs.map(r => r.cells[0].textContent)")
        assert first == sorted(first, reverse=True)
        page.screenshot(path=str(tmp_path / "bug17.png"))
        assert visit.errors == [] and visit.outside_requests() == []
    finally:
        visit.page.close()


def test_hostile_report_runs_no_injected_script(browser, hostile_report: Path):
    visit = Visit(browser, hostile_report)
    try:
        assert visit.page.evaluate("() => window.pwned === undefined")
        assert visit.errors == [] and visit.outside_requests() == []
    finally:
        visit.page.close()


def test_the_recorder_sees_a_page_that_reaches_out(browser, tmp_path: Path):
    """The control: a page asking for a loopback picture is caught (so a clean report is
    clean, not unobserved). Port 9 (discard) on 127.0.0.1: nothing leaves the machine."""
    page = tmp_path / "reaching.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>x</title></head>'
        '<body><img src="http://127.0.0.1:9/x.png" alt="x"></body></html>'
    )
    visit = Visit(browser, page)
    try:
        assert visit.outside_requests() == ["http://127.0.0.1:9/x.png"]
    finally:
        visit.page.close()


def test_printed_page_hides_the_controls_and_shows_every_row(browser, bug17_report: Path):
    visit = Visit(browser, bug17_report)
    try:
        page = visit.page
        page.locator("#check-table").locator("xpath=preceding-sibling::input[1]").fill("grafana")
        page.emulate_media(media="print")
        assert page.eval_on_selector("input.filter", "e => getComputedStyle(e).display") == "none"
        assert page.eval_on_selector("nav", "e => getComputedStyle(e).display") == "none"
        shown = page.eval_on_selector_all(
            "#check-table tbody tr",
            "rs => rs.filter(r => getComputedStyle(r).display !== 'none').length",
        )
        assert shown == 4  # the filtered-out rows print too
        assert page.pdf()[:5] == b"%PDF-"
    finally:
        visit.page.close()
