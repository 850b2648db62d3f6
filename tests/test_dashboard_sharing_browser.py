"""In the real browser: the page in Chinese, a link that reproduces a run, a scenario file saved
and opened again, Compare over five seeds. Fixtures and helpers: ``dashboard_browser.py``."""

from __future__ import annotations

import time
import tomllib

import pytest
from dashboard_browser import (RUN_TIMEOUT_MS, browser_context_args, browser_type_launch_args,  # noqa: F401
                               charts, compare_charts, map_data, open_dashboard, run_to_the_end, server, shot)

import transfer_sim as ts
from transfer_sim.batch import spec
from transfer_sim.batch.design import build_policy

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")

CHINESE_TABS = ["地图", "趋势", "流向", "行业", "对比", "课程", "理论实验室", "说明"]
SCENARIO = "preset=corridors&cage_fee=0.03&china_europe_express=false&years=4&firms=3000&seed=3"


def hover_text(page, place: str) -> str:
    """What the map's hover label says over the province whose name is written at ``place``."""
    label = page.locator(".js-plotly-plot .textpoint text", has_text=place).first.bounding_box()
    page.mouse.move(label["x"] + label["width"] / 2, label["y"] + label["height"] + 6)
    page.wait_for_selector(".js-plotly-plot .hoverlayer .hovertext", timeout=5_000)
    return page.locator(".js-plotly-plot .hoverlayer .hovertext").first.text_content()


def test_the_page_in_chinese_from_its_address_and_back_to_english(server, page):
    watch = open_dashboard(page, server + "?lang=zh", year_text="年份：2025")
    assert [t.text_content().strip() for t in page.get_by_role("tab").all()] == CHINESE_TABS
    unified = int((ts.lever_table()["measure"] == "Unified national market").sum())  # the group's levers
    page.get_by_text(f"全国统一大市场 ({unified})").click()
    page.locator(".tsim-lever", has_text="腾笼换鸟费：0").wait_for()  # a lever by its Chinese name
    page.get_by_text("对腾笼地区低端行业的营业收入征费", exact=False).first.wait_for()  # and its explanation
    charts(page, 1)
    assert "产出（十亿元），2025 年" in map_data(page)["title"]
    assert "广东省" in hover_text(page, "广东")  # the province's official Chinese name
    shot(page, "chinese-map")
    page.get_by_role("button", name="English").click()
    page.get_by_role("tab", name="Trends", exact=True).wait_for()
    page.get_by_text("Year: 2025", exact=True).wait_for()
    page.wait_for_function("() => !location.search.includes('lang=zh')")
    assert "Guangdong" in hover_text(page, "Guangdong")
    assert watch.problems == []


def test_a_link_reproduces_a_run_in_another_session(server, browser):
    ends = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        page = context.new_page()
        watch = open_dashboard(page, f"{server}?{SCENARIO}")
        page.get_by_text("Changed from the preset: Cage fee, China–Europe Railway Express").wait_for()
        page.get_by_text("of 2025–2029 · preset Freight corridors · 3,000 firms · seed 3").wait_for()
        run_to_the_end(page, 2029)
        ends.append(map_data(page)["texts"])
        assert watch.problems == []
        context.close()
    assert ends[0] == ends[1]  # the same address, the same run
    page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    open_dashboard(page, f"{server}?{SCENARIO.replace('cage_fee=0.03&', '')}")
    run_to_the_end(page, 2029)
    assert map_data(page)["texts"] != ends[0]  # and another address, another run
    years = page.get_by_label("Years")
    years.fill("5")
    years.press("Enter")
    page.wait_for_function("() => location.search.includes('years=5')")  # the address follows the page
    page.get_by_role("tab", name="Compare", exact=True).click()
    page.wait_for_function("() => location.search.endsWith('tab=compare')")
    page.go_back()  # the browser's back button: the page follows the address
    page.get_by_role("tab", name="Map", selected=True).wait_for()
    page.context.close()


def test_a_scenario_file_saved_opens_again_and_the_command_line_reads_it(server, page, browser, tmp_path):
    watch = open_dashboard(page, f"{server}?{SCENARIO}")
    with page.expect_download() as download:
        page.get_by_role("button", name="Save scenario (TOML)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "corridors-changed.toml"
    text = saved.read_text(encoding="utf-8")
    assert "transfer-sim run --scenario corridors-changed.toml --years 4 --firms 3000 --seed 3" in text
    scenario = spec.load(saved, expected="scenario").scenario  # what `transfer-sim run --scenario` reads
    assert scenario.preset == "corridors" and dict(scenario.levers) == {"cage_fee": 0.03,
                                                                        "china_europe_express": False}
    assert tomllib.loads(text)["scenario"]["name"] == "Freight corridors with 2 lever changes"
    assert build_policy(scenario.preset, dict(scenario.levers), "saved").cage_fee == 0.03
    fresh = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()  # at the defaults
    watches = [watch, open_dashboard(fresh, server)]
    fresh.get_by_text("Changed from the preset: none").wait_for()
    fresh.locator("input[type=file]").set_input_files(str(saved))
    fresh.get_by_text("Changed from the preset: Cage fee, China–Europe Railway Express").wait_for()
    fresh.get_by_text("of 2025–2040 · preset Freight corridors · 20,000 firms · seed 1").wait_for()  # its size stays
    fresh.wait_for_function("() => location.search.includes('cage_fee=0.03')")
    broken = tmp_path / "broken.toml"
    broken.write_text('[scenario]\nname = "x"\n[scenario.levers]\ncage_fee = 0.5\n', encoding="utf-8")
    fresh.locator("input[type=file]").set_input_files(str(broken))
    fresh.get_by_text("The scenario file cannot be used: broken.toml: levers.cage_fee: Input should be less "
                      "than or equal to 0.1 (got 0.5)").wait_for()
    fresh.get_by_text("Changed from the preset: Cage fee, China–Europe Railway Express").wait_for()  # kept
    shot(fresh, "scenario-file-refused")
    fresh.context.close()
    assert [p for w in watches for p in w.problems] == []


def test_compare_over_five_seeds_shows_mean_differences_with_bands_and_its_progress(server, page):
    watch = open_dashboard(page, f"{server}?preset=cage_and_nest&tab=compare")
    compare_charts(page)
    started = time.monotonic()
    page.get_by_text("5 seeds: mean differences with 95 % bands").click()
    page.wait_for_function("""() => Array.from(document.querySelectorAll('.v-window-item--active .v-progress-linear'))
        .some(p => { const v = Number(p.getAttribute('aria-valuenow')); return v > 0 && v < 100; })""",
                           timeout=RUN_TIMEOUT_MS)  # computed in the background, with its progress
    page.wait_for_function("""() => Array.from(document.querySelectorAll('.js-plotly-plot'))
        .filter(c => c.layout.title.text.includes('mean of 5 seeds, 95 % band')).length === 2""",
                           timeout=RUN_TIMEOUT_MS)
    seconds = time.monotonic() - started
    page.get_by_text("seeds 1–5, the same in both (the maps show seed 1", exact=False).wait_for()
    drawn = page.evaluate("""() => { const c = Array.from(document.querySelectorAll('.js-plotly-plot'));
        const shares = c.find(p => p.layout.title.text.includes('share of value added'));
        const bars = c.find(p => p.layout.title.text.includes('by year'));
        return {bands: shares.data.filter(t => t.fill === 'tonexty').length,
                errors: bars.data.filter(t => t.error_y && t.error_y.array).length}; }""")
    assert drawn == {"bands": 4, "errors": 6}  # a band per macro-region, an interval per indicator
    page.locator(".js-plotly-plot").last.scroll_into_view_if_needed()
    shot(page, "compare-five-seeds")
    print(f"five-seed comparison at 20,000 firms: {seconds:.1f} s")
    assert watch.problems == []
