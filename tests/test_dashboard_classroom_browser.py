"""In the real browser, the classroom features: a lesson set up step by step, playback, projector
mode on a laptop and a narrow screen. Fixtures and helpers: ``dashboard_browser.py``."""

from __future__ import annotations

import pytest
from dashboard_browser import (CHARTS_PER_TAB, RUN_TIMEOUT_MS, browser_context_args, browser_type_launch_args,  # noqa: F401
                               charts, click_tab, compare_charts, map_data, open_dashboard, run_to_the_end, server,
                               shot, wait_for_closed_sidebar)
from playwright.sync_api import expect

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")


def chart_title_sizes(page) -> list[float]:
    return page.evaluate("() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
                         ".map(c => c._fullLayout.title.font.size)")


def test_projector_mode_enlarges_the_page_and_keeps_it_whole_on_a_laptop_and_a_narrow_screen(server, browser):
    laptop = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    watches = [open_dashboard(laptop, server + "?tab=trends")]
    normal = chart_title_sizes(laptop) if charts(laptop, CHARTS_PER_TAB["Trends"]) else []
    laptop.get_by_role("button", name="Projector").click()
    laptop.wait_for_function("() => location.search.includes('projector=true')")
    laptop.wait_for_function("(n) => Array.from(document.querySelectorAll('.js-plotly-plot'))"
                             ".every(c => c._fullLayout.title.font.size > n)", arg=max(normal))
    found = charts(laptop, CHARTS_PER_TAB["Trends"])
    assert min(chart_title_sizes(laptop)) >= 1.3 * max(normal)
    assert laptop.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.tsim-year')).fontSize)") >= 26
    assert len({round(c["x"]) for c in found}) == 1  # one chart to a row
    for i, chart in enumerate(found):
        title = laptop.locator(".js-plotly-plot").nth(i).locator(".gtitle").bounding_box()
        assert title["x"] + title["width"] <= chart["x"] + chart["width"], chart["title"]  # not clipped
    tabs = laptop.get_by_role("tab").all()
    assert all(t.bounding_box()["x"] + t.bounding_box()["width"] <= 1280 for t in tabs)  # every tab on screen
    shot(laptop, "projector-1280")
    laptop.context.close()
    phone = browser.new_context(viewport={"width": 800, "height": 900}).new_page()
    watches.append(open_dashboard(phone, server + "?projector=true"))
    wait_for_closed_sidebar(phone)
    tab = phone.get_by_role("tab", name="Trends", exact=True).bounding_box()
    on_top = phone.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('[role=tab]')?.textContent.trim()",
                            [tab["x"] + tab["width"] / 2, tab["y"] + tab["height"] / 2])
    assert on_top.lower() == "trends"  # not under the sidebar
    map_box = charts(phone, 1)[0]
    assert map_box["x"] >= 0 and map_box["x"] + map_box["width"] <= 800
    shot(phone, "projector-narrow")
    phone.context.close()
    assert [p for w in watches for p in w.problems] == []


def test_play_shows_every_year_to_the_last_with_one_colour_scale(server, page):
    watch = open_dashboard(page, server + "?years=6&firms=3000")
    run_to_the_end(page, 2031)
    charts(page, 1)
    page.get_by_text("Showing 2031").wait_for()
    speed = page.locator(".tsim-play .v-select")
    speed.click()
    page.get_by_role("option", name="4 yr/s", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_role("button", name="Pause", exact=True).wait_for()
    frames = []
    while page.get_by_role("button", name="Pause", exact=True).count():
        drawn = map_data(page)
        frames.append((drawn["title"].rsplit(", ", 1)[-1], tuple(drawn["colour_range"])))
        page.wait_for_timeout(40)
    years = [year for year, _ in frames]
    years = years[years.index("2025"):]  # before its first frame arrives the map still shows 2031
    assert len(set(years)) >= 4 and years == sorted(years)  # the years in order
    assert len({scale for _, scale in frames}) == 1  # one colour scale over the whole run
    page.get_by_text("Showing 2031").wait_for()  # played to the last year
    assert map_data(page)["title"].endswith("2031")
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_role("button", name="Pause", exact=True).click()  # and Pause stops it
    page.get_by_role("button", name="Play", exact=True).wait_for()
    paused = map_data(page)["title"]
    page.wait_for_timeout(800)
    assert map_data(page)["title"] == paused
    shot(page, "played")
    assert watch.problems == []


def test_a_lesson_sets_up_each_step_and_says_what_to_look_at(server, page):
    watch = open_dashboard(page, server + "?years=4&firms=3000")
    click_tab(page, "Lessons")
    lesson = page.locator(".tsim-lesson-card", has_text="Lesson 2: A corridor can help a hub yet drain its neighbour")
    lesson.get_by_role("button", name="Set up this lesson").click()
    bar = page.locator(".tsim-lesson")
    bar.get_by_text("Lesson 2: A corridor can help a hub yet drain its neighbour · step 1 of 3").wait_for()
    bar.get_by_text("Compare against the baseline: which provinces gain firms, which lose?").wait_for()
    page.get_by_role("tab", name="Compare", selected=True).wait_for()
    page.get_by_text("Changed from the preset: Corridor capacity, Corridor tariff discount").wait_for()
    page.get_by_text("Year: 2029", exact=True).wait_for(timeout=RUN_TIMEOUT_MS)  # the step ran the scenario
    found = compare_charts(page)
    assert "(Baseline)" in found[1]["title"]  # against the reference the step names
    assert "Firms" in found[1]["title"]  # the firms the step asks about, not the default output
    page.wait_for_function("() => location.search.includes('corridor_capacity=5.0')")
    shot(page, "lesson-compare")
    bar.get_by_role("button", name="Next").click()
    bar.get_by_text("step 2 of 3").wait_for()
    page.get_by_role("tab", name="Map", selected=True).wait_for()
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')?.layout.title.text.startsWith('Firms,')")
    expect(page.locator(".v-select", has_text="Metric")).to_contain_text("Firms")
    assert page.get_by_role("button", name="Stop", exact=True).is_disabled()  # no second run: nothing changed
    bar.get_by_role("button", name="End lesson").click()
    expect(bar).to_have_count(0)
    assert watch.problems == []
