"""The real dashboard: `solara run app.py --production` driven by Debian's Chromium (pytest-playwright).

The server, the browser and the helpers are in ``dashboard_browser.py``; screenshots go to
``artifacts/`` (ignored by git).
"""

from __future__ import annotations

import re

import pytest
from dashboard_browser import (ARTIFACTS, CHARTS_PER_TAB, RUN_TIMEOUT_MS, TABS, Watch,  # noqa: F401 - fixtures
                               browser_context_args, browser_type_launch_args, charts, choose_preset, click_tab,
                               compare_charts, drawn_areas, map_data, open_dashboard, run_to_the_end, server, shot,
                               stop_button, wait_for_closed_sidebar, year_ticks)
from playwright.sync_api import expect

from transfer_sim.policy import PRESET_TEXTS

# pytest-playwright's base_url fixture trips a pytest deprecation that is not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")


def test_a_run_plays_to_its_last_year_and_every_tab_draws(server, page):
    watch = open_dashboard(page, server)
    assert [t.text_content().strip() for t in page.get_by_role("tab").all()] == TABS
    run_to_the_end(page)
    for tab in TABS:
        click_tab(page, tab)
        if tab == "Compare":
            found = compare_charts(page)
        else:
            found = charts(page, CHARTS_PER_TAB[tab]) if CHARTS_PER_TAB[tab] else []
        for chart in found:
            assert chart["width"] >= 300 and chart["height"] >= 250, (tab, chart)
            assert abs(chart["plotly_width"] - chart["width"]) < 3, (tab, chart)  # fills its box
        if tab == "Map":
            drawn = map_data(page)
            assert len(set(drawn["codes"])) == 31 and sorted(drawn["grey"]) == ["Hong Kong", "Macau", "Taiwan"]
            assert "2040" in drawn["title"] and {"Sichuan", "Xinjiang", "Guangdong"} <= set(drawn["names"])
            assert len(drawn_areas(page)) == 34  # drawn as SVG shapes, no WebGL needed
            written = page.locator(".js-plotly-plot .textpoint text").all_text_contents()
            assert "Sichuan" in written
        if tab == "Trends":
            ticks = year_ticks(page)
            assert "2040" in ticks and all(t.isdigit() for t in ticks)  # whole years, no 2,024.5
            assert found[-1]["title"].startswith("Competition for firms")  # the provinces' terms, drawn
        if tab == "Flows":
            bands = page.evaluate("() => document.querySelector('.js-plotly-plot').data[0].link.color")
            assert len(set(bands)) > 1  # coloured by where they come from
        if tab == "Compare":
            titles = [c["title"] for c in found[:2]]
            assert titles[0].startswith("Yours (Baseline)") and "15th Five-Year Plan" in titles[1]
        if tab == "Lessons":
            page.get_by_role("button", name="Set up this lesson").first.wait_for()
            assert page.get_by_role("button", name="Set up this lesson").count() == 6
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
    assert "This website runs on" not in page.inner_text("body")  # no banner over legends and buttons
    assert watch.problems == []


def test_changing_a_lever_changes_the_result(server, page):
    watch = open_dashboard(page, server)
    years = page.get_by_label("Years")
    years.fill("4")
    years.press("Enter")
    page.get_by_text("of 2025–2029", exact=False).wait_for()
    run_to_the_end(page, 2029)
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
    page.get_by_text("Changed from the preset: Nest subsidy").wait_for()
    page.get_by_text("Year: 2025", exact=True).wait_for()
    expect(lever).to_be_visible()  # its group stays open while the run restarts
    run_to_the_end(page, 2029)
    changed = map_data(page)
    assert changed["codes"] == baseline["codes"] and "2029" in changed["title"]
    assert changed["texts"] != baseline["texts"]
    shot(page, "lever-changed")
    assert watch.problems == []


def test_step_stop_and_invalid_input(server, page):
    watch = open_dashboard(page, server)
    page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_text("Year: 2026", exact=True).wait_for()
    click_tab(page, "Trends")
    charts(page, CHARTS_PER_TAB["Trends"])
    ticks = year_ticks(page)
    assert set(ticks) == {"2025", "2026"}  # early in a run: whole years, no 2,025.5
    cv_axis = page.evaluate("""() => Array.from(document.querySelectorAll('.js-plotly-plot'))
        .find(c => c.layout.title.text.startsWith('Inequality'))._fullLayout.yaxis2.range""")
    assert cv_axis[0] == 0  # a coefficient of variation is never negative
    firms = page.get_by_label("Number of firms")
    firms.fill("0")
    firms.press("Enter")
    page.get_by_text("Number of firms: 0 is out of range; allowed 217 to 200,000").wait_for()
    expect(firms).to_have_value("20000")  # the box shows the value the run keeps
    firms.fill("12")  # below the model's own bound, which the field states
    firms.press("Enter")
    page.get_by_text("Number of firms: 12 is out of range; allowed 217 to 200,000").wait_for()
    expect(firms).to_have_value("20000")
    firms.fill("many")
    firms.press("Enter")
    page.get_by_text("Number of firms: enter a whole number from 217 to 200,000 (got 'many')").wait_for()
    expect(firms).to_have_value("20000")
    assert "Traceback" not in page.inner_text("body")
    shot(page, "invalid-input")
    years = page.get_by_label("Years")
    years.fill("50")
    years.press("Enter")
    page.get_by_text("of 2025–2075", exact=False).wait_for()
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function("() => Number(document.querySelector('.tsim-year').textContent.slice(6)) >= 2030",
                           timeout=RUN_TIMEOUT_MS)
    shown = page.evaluate("""() => { const shown = document.querySelector('.tsim-year').textContent;
        Array.from(document.querySelectorAll('button')).find(b => b.textContent.trim() === 'Stop').click();
        return shown; }""")  # read the year and click Stop at the same instant
    expect(stop_button(page)).to_be_disabled()
    page.wait_for_timeout(500)
    stopped = int(page.locator(".tsim-year").text_content().removeprefix("Year: "))
    assert int(shown.removeprefix("Year: ")) <= stopped <= int(shown.removeprefix("Year: ")) + 1
    page.wait_for_timeout(500)
    assert page.locator(".tsim-year").text_content() == f"Year: {stopped}"  # really stopped
    assert watch.problems == []


def test_a_run_size_being_typed_survives_the_years_a_run_plays(server, page):
    watch = open_dashboard(page, server + "?years=40")
    page.get_by_role("button", name="Run", exact=True).click()
    years = page.get_by_label("Years")
    years.fill("7")  # not yet applied: no Enter, the box keeps the focus
    page.get_by_text("Year: 2065", exact=True).wait_for(timeout=RUN_TIMEOUT_MS)
    expect(years).to_have_value("7")  # the years played meanwhile leave what is typed alone
    years.press("Enter")
    page.get_by_text("of 2025–2032", exact=False).wait_for()
    assert watch.problems == []


def test_two_sessions_have_their_own_models(server, browser):
    first = browser.new_context(viewport={"width": 1600, "height": 1000})
    second = browser.new_context(viewport={"width": 1600, "height": 1000})
    a, b = first.new_page(), second.new_page()
    watches = [open_dashboard(a, server), open_dashboard(b, server)]
    for _ in range(2):
        a.get_by_role("button", name="Step", exact=True).click()
    a.get_by_text("Year: 2027", exact=True).wait_for()
    b.wait_for_timeout(300)
    assert b.locator(".tsim-year").text_content() == "Year: 2025"
    b.get_by_role("button", name="Step", exact=True).click()
    b.get_by_text("Year: 2026", exact=True).wait_for()
    assert a.locator(".tsim-year").text_content() == "Year: 2027"
    first.close()
    second.close()
    assert [p for w in watches for p in w.problems] == []
    assert "samesite" not in (ARTIFACTS / "solara-server.log").read_text()  # the cookie warning stays quiet


def test_theory_lab_follows_its_sliders(server, page):
    watch = open_dashboard(page, server)
    click_tab(page, "Theory lab")
    page.wait_for_url("**tab=theory**")  # the address has followed the tab, so the page has settled
    before = charts(page, 2)
    assert "φ = 0.30" in before[0]["title"]
    knob = page.locator(".tsim-knob", has_text="trade freeness").locator(".v-slider__thumb-container")
    knob.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.js-plotly-plot').layout.title.text.includes('φ = 0.35')",
                           timeout=RUN_TIMEOUT_MS)
    for _ in range(9):  # step by step to φ = 0.8: the experiments passed over give way to the last one
        knob.focus()  # a redraw under load may have taken the focus away, as a user would click the knob again
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(150)
    page.wait_for_function("() => document.querySelector('.js-plotly-plot').layout.title.text.includes('φ = 0.80')",
                           timeout=RUN_TIMEOUT_MS)
    expect(page.locator(".tsim-knob", has_text="trade freeness")).to_contain_text("φ = 0.8")
    shot(page, "theory-lab-moved")
    assert watch.problems == []


def test_an_exported_map_opens_offline_from_a_file(server, page, browser, tmp_path):
    watch = open_dashboard(page, server)
    charts(page, 1)
    with page.expect_download() as download:
        page.get_by_role("button", name="HTML").first.click()
    saved = tmp_path / "map.html"
    download.value.save_as(saved)
    offline = browser.new_context(viewport={"width": 1200, "height": 800}, offline=True).new_page()
    problems = Watch(offline)
    offline.goto(saved.as_uri())
    offline.wait_for_function("() => document.querySelector('.js-plotly-plot')?._fullLayout")
    assert len(drawn_areas(offline)) == 34 and "Output" in map_data(offline)["title"]
    assert [p for p in problems.problems if not p.startswith("request off this machine: file")] == []
    offline.context.close()
    assert watch.problems == []


def test_levers_and_presets_read_plainly_and_closed_corridors_leave_the_map(server, page):
    watch = open_dashboard(page, server)
    choose_preset(page, "Cage and nest")
    page.get_by_text(PRESET_TEXTS["cage_and_nest"].description).wait_for()
    page.get_by_text("Sets: Cage fee 0.01, Upgrade subsidy 0.3", exact=False).wait_for()
    page.get_by_text("Regional openness", exact=False).click()
    for lever in ("China–Europe Railway Express", "Western Land–Sea New Corridor"):
        page.locator(".tsim-lever", has_text=lever).locator(".v-input--selection-controls__ripple").click()
        page.get_by_text("Year: 2025", exact=True).wait_for()
    changed = page.get_by_text(
        "Changed from the preset: China–Europe Railway Express, Western Land–Sea New Corridor")
    changed.wait_for()
    page.wait_for_function("""() => { const d = document.querySelector('.js-plotly-plot').data;
        return !d.some(t => t.name === 'border exits and ports'); }""")
    traces = map_data(page)["traces"]
    assert not {"China-Europe Railway Express", "Western Land-Sea New Corridor"} & set(traces)
    expect(page.get_by_role("checkbox", name="corridors", exact=True)).to_be_disabled()  # no corridor to show
    sidebar = page.locator(".v-navigation-drawer").bounding_box()
    for text in [changed] + page.locator(".tsim-lever .tsim-explain").all()[:7]:
        box = text.bounding_box()
        if box["height"] > 0:  # shown, so wrapped inside the sidebar rather than cut
            assert box["x"] + box["width"] <= sidebar["x"] + sidebar["width"]
            assert text.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    assert changed.bounding_box()["height"] > 20  # two lines
    page.get_by_text("Free trade zone provinces", exact=False).first.wait_for()
    body = page.inner_text("body")
    assert "None =" not in body and "Ftz regions" not in body and "China europe express" not in body
    shot(page, "levers-readable")
    assert watch.problems == []


def test_a_lever_that_cannot_act_yet_says_why(server, page):
    watch = open_dashboard(page, server)
    page.get_by_text("Unified national market", exact=False).click()
    lever = page.locator(".tsim-lever", has_text="Local profit subsidy:")
    slider = lever.locator(".v-slider")
    box = slider.bounding_box()
    slider.click(position={"x": box["width"] * 0.3, "y": box["height"] / 2})
    lever.get_by_text("Not paid yet: choose the regions that pay", exact=False).wait_for()
    assert "Local profit subsidy: 0 " not in lever.inner_text()  # the value stays
    choose_preset(page, "Coastal shock")
    expect(page).to_have_url(re.compile(r"preset=coastal_shock"))  # the preset's settings are in place
    years = page.get_by_label("Years")
    years.fill("2")
    expect(years).to_have_value("2")
    years.press("Enter")
    page.get_by_text("starts in 2028, after the run's last year (2027), so it never happens", exact=False).wait_for()
    page.get_by_text("Shocks (1)", exact=True).click()
    disaster = page.locator(".tsim-lever", has_text="regional disaster")
    disaster.locator(".v-input--selection-controls__ripple").click()
    regions = disaster.locator(".v-select", has_text="regions hit")
    expect(regions).to_contain_text("Henan")  # a disaster switched on strikes somewhere
    regions.click()
    page.get_by_role("option", name="Henan", exact=True).click()  # no region left
    alert = page.locator(".v-alert", has_text="a regional_disaster needs the regions it hits")
    expect(alert).to_contain_text("Shocks: ")  # the lever by its name, no list positions or pydantic prefixes
    assert "shocks.0" not in alert.inner_text() and "Value error" not in alert.inner_text()
    page.keyboard.press("Escape")
    expect(regions).to_contain_text("Henan")  # refused: the regions in force
    shot(page, "disaster-without-regions")
    assert watch.problems == []


def test_smaller_screens_show_whole_charts_and_reachable_tabs(server, browser):
    laptop = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    watch = open_dashboard(laptop, server + "?years=2")
    run_to_the_end(laptop, 2027)
    for tab in ("Trends", "Flows", "Sectors", "Compare"):
        shown = laptop.evaluate("() => document.querySelector('.js-plotly-plot')?.layout.title.text")
        click_tab(laptop, tab)
        laptop.wait_for_function("(t) => document.querySelector('.js-plotly-plot')?.layout.title.text !== t", arg=shown)
        found = compare_charts(laptop) if tab == "Compare" else charts(laptop, CHARTS_PER_TAB[tab])
        for i, chart in enumerate(found):
            title = laptop.locator(".js-plotly-plot").nth(i).locator(".gtitle").bounding_box()
            assert title["x"] + title["width"] <= chart["x"] + chart["width"], (tab, chart["title"])  # not clipped
        shot(laptop, f"{tab.lower()}-1280")
    for i in (0, 1):
        areas = drawn_areas(laptop, i)
        assert len(areas) == 34
        assert min(a["x"] for a in areas) >= found[i]["x"] - 1  # Xinjiang, the westernmost, inside
        assert max(a["right"] for a in areas) <= found[i]["x"] + found[i]["width"] + 1
    laptop.context.close()
    phone = browser.new_context(viewport={"width": 800, "height": 900}).new_page()
    watches = [watch, open_dashboard(phone, server)]
    wait_for_closed_sidebar(phone)
    tab = phone.get_by_role("tab", name="Trends", exact=True).bounding_box()
    on_top = phone.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('[role=tab]')?.textContent.trim()",
                            [tab["x"] + tab["width"] / 2, tab["y"] + tab["height"] / 2])
    assert on_top.lower() == "trends"  # not under the sidebar
    assert all(t.bounding_box()["x"] + t.bounding_box()["width"] <= 800 for t in phone.get_by_role("tab").all())
    shot(phone, "narrow")
    phone.context.close()
    assert [p for w in watches for p in w.problems] == []

