"""The real dashboard: `solara run app.py --production` driven by Debian's Chromium (pytest-playwright).

The server's CDN is pointed at a closed local port, so any asset missing from the offline
cache fails a request and a test. Screenshots go to ``artifacts/`` (ignored by git). Without
Chromium the tests are skipped with a loud reason, except under CI=true, where they fail.
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
TABS = ["Map", "Trends", "Flows", "Sectors", "Compare", "Theory lab", "About"]
CHARTS_PER_TAB = {"Map": 1, "Trends": 4, "Flows": 2, "Sectors": 2, "Compare": 4, "Theory lab": 2, "About": 0}
RUN_TIMEOUT_MS = 60_000

# pytest-playwright's base_url fixture trips a pytest deprecation that is not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")


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
    """Page errors, failed or non-local requests, collected while a test drives the page."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("console", lambda m: self.problems.append(f"console error: {m.text}") if m.type == "error" else None)
        page.on("request", self._request)
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url}"))
        page.on("response", lambda r: self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def _request(self, request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host != "127.0.0.1":
            self.problems.append(f"request off this machine: {request.url}")


def open_dashboard(page, url):
    watch = Watch(page)
    page.goto(url)
    page.get_by_text("Year: 2025", exact=True).wait_for(timeout=RUN_TIMEOUT_MS)
    return watch


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


def map_data(page) -> dict:
    return page.evaluate("""() => { const chart = document.querySelector('.js-plotly-plot'), d = chart.data;
        return {locations: d[0].locations, z: d[0].z, grey: d[1].locations, title: chart.layout.title.text}; }""")


def shot(page, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)


def test_a_run_plays_to_its_last_year_and_every_tab_draws(server, page):
    watch = open_dashboard(page, server)
    assert [t.text_content().strip() for t in page.get_by_role("tab").all()] == TABS
    run_to_the_end(page)
    for tab in TABS:
        click_tab(page, tab)
        found = charts(page, CHARTS_PER_TAB[tab]) if CHARTS_PER_TAB[tab] else []
        for chart in found:
            assert chart["width"] >= 300 and chart["height"] >= 250, (tab, chart)
            assert abs(chart["plotly_width"] - chart["width"]) < 3, (tab, chart)  # fills its box
        if tab == "Map":
            drawn = map_data(page)
            assert len(drawn["locations"]) == 31 and sorted(drawn["grey"]) == ["71", "81", "82"]
            assert "2040" in drawn["title"]
        if tab == "About":
            page.get_by_text("Cage fee", exact=False).first.wait_for()
            page.get_by_text("cage for bird exchange", exact=False).first.wait_for()
        shot(page, tab.lower().replace(" ", "-"))
        if len(found) > 2:  # the page scrolls inside its own pane: a second picture shows the rest
            page.locator(".js-plotly-plot").last.scroll_into_view_if_needed()
            shot(page, tab.lower().replace(" ", "-") + "-lower")
    sidebar = page.locator(".v-navigation-drawer").bounding_box()
    tabs = page.get_by_role("tab").all()
    assert sidebar["width"] >= 380
    assert all(t.bounding_box()["width"] >= 60 for t in tabs)  # not squeezed
    assert watch.problems == []


def test_changing_a_lever_changes_the_result(server, page):
    watch = open_dashboard(page, server)
    run_to_the_end(page)
    baseline = map_data(page)
    page.get_by_text("Unified national market", exact=False).click()
    lever = page.locator(".tsim-lever", has_text="Nest subsidy:")
    lever.wait_for()
    drawer = page.locator(".v-navigation-drawer").bounding_box()
    assert drawer["width"] <= 420  # an open group must not widen the sidebar over the page
    assert page.locator(".tsim-year").bounding_box()["x"] >= drawer["x"] + drawer["width"]
    slider = lever.locator(".v-slider")
    box = slider.bounding_box()
    slider.click(position={"x": box["width"] * 0.5, "y": box["height"] / 2})
    page.get_by_text("Changed from the preset: nest_subsidy").wait_for()
    page.get_by_text("Year: 2025", exact=True).wait_for()
    expect(lever).to_be_visible()  # its group stays open while the run restarts
    run_to_the_end(page)
    changed = map_data(page)
    assert changed["locations"] == baseline["locations"] and "2040" in changed["title"]
    assert changed["z"] != baseline["z"]
    shot(page, "lever-changed")
    assert watch.problems == []


def test_step_stop_and_invalid_input(server, page):
    watch = open_dashboard(page, server)
    page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_text("Year: 2026", exact=True).wait_for()
    firms = page.get_by_label("Number of firms")
    firms.fill("0")
    firms.press("Enter")
    page.get_by_text("Number of firms: 0 is out of range; allowed 1 to 200,000").wait_for()
    firms.fill("12")
    firms.press("Enter")
    page.get_by_text("The model cannot start with these settings", exact=False).wait_for()
    firms.fill("many")
    firms.press("Enter")
    page.get_by_text("Number of firms: enter a whole number from 1 to 200,000 (got 'many')").wait_for()
    assert "Traceback" not in page.inner_text("body")
    shot(page, "invalid-input")
    firms.fill("20000")
    firms.press("Enter")
    page.get_by_text("Year: 2025", exact=True).wait_for()
    years = page.get_by_label("Years")
    years.fill("50")
    years.press("Enter")
    page.get_by_text("of 2025–2075", exact=False).wait_for()
    page.get_by_role("button", name="Run", exact=True).click()
    expect(stop_button(page)).to_be_enabled()
    stop_button(page).click()
    expect(stop_button(page)).to_be_disabled()
    stopped = page.locator(".tsim-year").text_content()
    assert stopped != "Year: 2075"
    page.wait_for_timeout(500)
    assert page.locator(".tsim-year").text_content() == stopped  # really stopped
    assert watch.problems == []


def test_two_sessions_have_their_own_models(server, browser):
    first = browser.new_context(viewport={"width": 1600, "height": 1000})
    second = browser.new_context(viewport={"width": 1600, "height": 1000})
    a, b = first.new_page(), second.new_page()
    watches = [open_dashboard(a, server), open_dashboard(b, server)]
    run_to_the_end(a)
    b.wait_for_timeout(300)
    assert b.locator(".tsim-year").text_content() == "Year: 2025"
    b.get_by_role("button", name="Step", exact=True).click()
    b.get_by_text("Year: 2026", exact=True).wait_for()
    assert a.locator(".tsim-year").text_content() == "Year: 2040"
    first.close()
    second.close()
    assert [p for w in watches for p in w.problems] == []


def test_theory_lab_follows_its_sliders(server, page):
    watch = open_dashboard(page, server)
    click_tab(page, "Theory lab")
    before = charts(page, 2)
    assert "φ = 0.30" in before[0]["title"]
    knob = page.locator(".tsim-knob", has_text="trade freeness").locator(".v-slider__thumb-container")
    knob.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.js-plotly-plot').layout.title.text.includes('φ = 0.35')",
                           timeout=RUN_TIMEOUT_MS)
    shot(page, "theory-lab-moved")
    assert watch.problems == []
