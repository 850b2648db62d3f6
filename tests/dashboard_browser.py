"""Shared by the browser tests: the real dashboard server, Debian's Chromium and page helpers.

The server's CDN is pointed at a closed local port, so any asset missing from the offline
cache fails a request and a test. Screenshots go to ``artifacts/`` (ignored by git). Without
Chromium the tests are skipped with a loud reason, except under CI=true, where they fail.
A test module imports the fixtures it uses (``server``, ``browser_type_launch_args``,
``browser_context_args``) from here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from transfer_sim.dashboard import assets, local_server

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
TABS = ["Map", "Trends", "Flows", "Sectors", "Compare", "Lessons", "Theory lab", "About"]
CHARTS_PER_TAB = {"Map": 1, "Trends": 7, "Flows": 2, "Sectors": 2, "Compare": 4, "Lessons": 0, "Theory lab": 2,
                  "About": 0}
RUN_TIMEOUT_MS = 60_000


def _unavailable(reason: str):
    """Skip loudly on a developer machine; fail under CI, where the set-up must provide it."""
    message = f"BROWSER TESTS NOT RUN: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    print(f"\n*** {message} ***", file=sys.stderr)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (Playwright cannot download a browser here)."""
    path = local_server.chromium()
    if path is None:
        _unavailable("Debian's chromium is not installed (make test installs it with apt-get as root)")
    return {**browser_type_launch_args, "executable_path": path, "args": local_server.chromium_args()}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1600, "height": 1000}}


@pytest.fixture(scope="module")
def server():
    """A production Solara server on a free loopback port, with telemetry off and no CDN."""
    absent = assets.missing(assets.cache_dir())
    if absent:
        _unavailable(f"the offline asset cache lacks {', '.join(absent)} (run: make assets)")
    with local_server.serve(ARTIFACTS / "solara-server.log") as url:
        yield url


class Watch:
    """Page errors, console errors and warnings, failed or non-local requests, collected while a
    test drives the page."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("console", self._console)
        page.on("request", self._request)
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url}"))
        page.on("response", lambda r: self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def _console(self, message):
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _request(self, request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host != "127.0.0.1":
            self.problems.append(f"request off this machine: {request.url}")


def open_dashboard(page, url, year_text: str = "Year: 2025"):
    watch = Watch(page)
    page.goto(url)
    page.get_by_text(year_text, exact=True).wait_for(timeout=RUN_TIMEOUT_MS)
    return watch


def wait_for_closed_sidebar(page):
    """Until the sidebar is closed and has slid off the screen (it closes with an animation)."""
    page.wait_for_function("""() => { const d = document.querySelector('.v-navigation-drawer');
        return d && !d.classList.contains('v-navigation-drawer--open') && d.getBoundingClientRect().right <= 0; }""")


def click_tab(page, name: str):
    page.get_by_role("tab", name=name, exact=True).click()


def stop_button(page):
    return page.get_by_role("button", name="Stop", exact=True)


def run_to_the_end(page, last_year: int = 2040):
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text(f"Year: {last_year}", exact=True).wait_for(timeout=RUN_TIMEOUT_MS)
    expect(stop_button(page)).to_be_disabled()  # the run task has finished
    expect(page.locator(".tsim-status .v-progress-linear")).to_have_css("visibility", "hidden")


def charts(page, count: int) -> list[dict]:
    """Wait until ``count`` charts are drawn, then give each one's box and plotly's own width."""
    page.wait_for_function(
        """(n) => { const g = document.querySelectorAll('.js-plotly-plot');
                    return g.length === n && Array.from(g).every(d => d._fullLayout && d.data); }""",
        arg=count, timeout=20_000)
    page.wait_for_timeout(400)  # let the responsive resize settle
    return page.evaluate("""() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(d => {
        const r = d.getBoundingClientRect();
        return {x: r.x, y: r.y, width: r.width, height: r.height, plotly_width: d._fullLayout.width,
                title: (d.layout.title && d.layout.title.text) || ''};
    })""")


def year_ticks(page) -> list[str]:
    """The x-axis tick labels of every drawn chart whose x axis is not categorical (the years)."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.js-plotly-plot'))
        .filter(d => d._fullLayout.xaxis.type !== 'category')
        .flatMap(d => Array.from(d.querySelectorAll('.xtick text')).map(t => t.textContent))""")


def compare_charts(page) -> list[dict]:
    """The Compare tab's four charts once drawn (the tab it replaced may still be leaving)."""
    page.wait_for_function("""() => Array.from(document.querySelectorAll('.js-plotly-plot'))
        .some(c => c.layout && c.layout.title.text.startsWith('Yours ('))""", timeout=RUN_TIMEOUT_MS)
    return charts(page, 4)


def map_data(page, chart: int = 0) -> dict:
    """What the n-th chart (a map) draws: province codes and hover texts, the grey areas,
    the colour bar's range, the names written on it and the names of its other traces."""
    return page.evaluate("""(n) => { const chart = document.querySelectorAll('.js-plotly-plot')[n], d = chart.data;
        const group = (g) => d.filter(t => t.legendgroup === g);
        const bar = d.find(t => t.marker && t.marker.showscale), names = d.find(t => t.name === 'province names');
        return {codes: group('provinces').map(t => t.meta), texts: group('provinces').map(t => t.text),
                grey: group('not modelled').map(t => t.name), colour_range: [bar.marker.cmin, bar.marker.cmax],
                names: names.text, traces: d.map(t => t.name), title: chart.layout.title.text}; }""", chart)


def drawn_areas(page, chart: int = 0) -> list[dict]:
    """The on-screen boxes of the filled outlines the n-th chart has drawn (SVG paths)."""
    page.wait_for_function("(n) => document.querySelectorAll('.js-plotly-plot')[n]?.querySelector('path.js-fill')",
                           arg=chart, timeout=20_000)
    return page.evaluate("""(n) => Array.from(document.querySelectorAll('.js-plotly-plot')[n]
        .querySelectorAll('path.js-fill')).filter(p => (p.getAttribute('d') || '').length > 10)
        .map(p => { const r = p.getBoundingClientRect(); return {x: r.x, right: r.right}; })""",
        chart)


def shot(page, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)


def choose_preset(page, title: str):
    """Pick a preset and wait until the page shows it, so that later edits are not made to the page before it."""
    select = page.locator(".v-select", has_text="Scenario preset")
    select.click()
    page.get_by_role("option", name=title, exact=True).click()
    expect(select).to_contain_text(title)
