"""Dashboard speed in a real browser: Run, Step, the map's metric and a 5-seed Compare.

    .venv/bin/python benchmarks/dashboard.py [--repeats 5]

Starts `solara run app.py --production` on a free loopback port, drives Debian's Chromium
(headless) and times, from the click:

- Run (Map and Trends tabs): until "Year: 2040" shows and the visible charts carry the last year;
- Step (Map and Trends tabs): until the next year shows and the charts have it;
- the Map tab's metric, after a full run: from choosing another metric until the map's title
  names it (the colour range then spans all 16 years);
- Compare over 5 seeds at 20,000 firms: from ticking "5 seeds" until both difference charts
  say "mean of 5 seeds" (their bands drawn).

Each time is taken in the page: from the click event to the first animation frame at which
the page shows the result (polling from here would add a round trip or two to every figure).
Each is repeated --repeats times; the median and the maximum are held against the targets of
TARGETS and printed as met or MISSED. Results also go to benchmarks/results/dashboard.json,
with the machine's load averages before and after (it may be shared).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from transfer_sim.dashboard import assets, local_server
from transfer_sim.i18n import text
from transfer_sim.province_map import MAP_METRICS

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
FIRST, LAST = 2025, 2040
TABS = ("Map", "Trends")  # the heaviest chart to rebuild, and the most charts
TIMEOUT_MS = 120_000
COMPARE_URL = "?preset=cage_and_nest&tab=compare"  # against the baseline, 20,000 firms, seed 1
COMPARE_SEEDS = 5
#: (measurement, statistic) -> the bound it must stay under, in seconds.
TARGETS = {
    ("run_s", "median"): 10.0, ("step_s", "median"): 0.5, ("step_s", "max"): 0.8,
    ("metric_s", "median"): 1.0, ("metric_s", "max"): 1.0, ("compare5_s", "median"): 15.0,
    ("compare5_s", "max"): 15.0,
}
#: Notes the time of the next click anywhere in the page.
ARM_CLICK = """() => { window.tsimClicked = null; window.tsimDone = null;
    document.addEventListener('click', () => { window.tsimClicked = performance.now(); },
                              {capture: true, once: true}); }"""
STATUS_SHOWS_YEAR = """(year) => Array.from(document.querySelectorAll('.tsim-year'))
    .some(e => e.textContent.trim() === 'Year: ' + year)"""
CHARTS_SHOW_YEAR = """(year) => {
    const charts = Array.from(document.querySelectorAll('.js-plotly-plot'));
    const shows = (c) => JSON.stringify((c.layout.title || {}).text || '').includes(String(year))
        || c._fullData.some(t => t.x && Array.from(t.x).includes(year));
    // no years on its x axis: "nothing yet", or a chart by place (drawn with the same snapshot)
    const timeless = (c) => !c._fullData.some(t => t.x && Array.from(t.x).some(v => typeof v === 'number'));
    return charts.length > 0 && charts.every(c => c._fullLayout && (timeless(c) || shows(c)));
}"""
MAP_TITLE_IS = """(title) => {
    const chart = document.querySelector('.js-plotly-plot');
    return !!(chart && chart._fullLayout && chart.layout.title.text === title);
}"""
BANDS_DRAWN = """([mark, count]) => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(c => c._fullLayout && c.layout.title.text.includes(mark)).length === count"""
COMPARE_DRAWN = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(c => c._fullLayout && c.layout.title.text.startsWith('Yours (')).length === 1
    && document.querySelectorAll('.js-plotly-plot').length === 4"""


def open_page(browser, url: str):
    """A fresh page at ``url``, once the dashboard shows its first year."""
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.goto(url)
    page.get_by_text(f"Year: {FIRST}", exact=True).wait_for(timeout=TIMEOUT_MS)
    return page


def timed_click(page, target, condition: str, arg=None) -> float:
    """Seconds, measured in the page, from clicking ``target`` (a locator) until the JavaScript
    function ``condition`` holds for ``arg``, checked at every animation frame."""
    page.evaluate(ARM_CLICK)
    target.click()
    page.wait_for_function(f"""(arg) => {{
        if (window.tsimClicked === null || !({condition})(arg)) return false;
        window.tsimDone = window.tsimDone || performance.now();
        return true; }}""", arg=arg, polling="raf", timeout=TIMEOUT_MS)
    return page.evaluate("() => window.tsimDone - window.tsimClicked") / 1000


def click_and_wait(page, button: str, year: int) -> float:
    """Seconds from clicking ``button`` until the page shows ``year`` in its status and charts."""
    both = f"(year) => ({STATUS_SHOWS_YEAR})(year) && ({CHARTS_SHOW_YEAR})(year)"
    return timed_click(page, page.get_by_role("button", name=button, exact=True), both, year)


def reset(page) -> None:
    """Back to the start year, charts redrawn, and a moment for the page to settle."""
    page.get_by_role("button", name="Reset", exact=True).click()
    page.get_by_text(f"Year: {FIRST}", exact=True).wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(CHARTS_SHOW_YEAR, arg=FIRST, timeout=TIMEOUT_MS)
    page.wait_for_timeout(300)


def measure_run_and_step(browser, url: str, tab: str, repeats: int) -> dict:
    """Full runs and single Steps on ``tab``, each from the start year."""
    page = open_page(browser, url)
    page.get_by_role("tab", name=tab, exact=True).click()
    page.wait_for_function(CHARTS_SHOW_YEAR, arg=FIRST, timeout=TIMEOUT_MS)
    runs, steps = [], []
    for _ in range(repeats):
        reset(page)
        runs.append(click_and_wait(page, "Run", LAST))
        reset(page)
        steps.append(click_and_wait(page, "Step", FIRST + 1))
    page.close()
    return {"run_s": summary(runs), "step_s": summary(steps)}


def choose_metric(page, key: str, year: int) -> float:
    """Seconds from choosing the map metric ``key`` until the map's title names it."""
    page.locator(".v-select", has_text=text("map.metric", "en")).click()
    option = page.get_by_role("option", name=text(f"metric.{key}", "en"), exact=True)
    option.wait_for(timeout=TIMEOUT_MS)
    title = text("map.title", "en", metric=text(f"metric.{key}", "en"), year=year)
    return timed_click(page, option, MAP_TITLE_IS, title)


def measure_metric(browser, url: str, repeats: int) -> dict:
    """Changes of the Map tab's metric after a full run, going round the metrics (all but the
    sector share, which also needs a sector)."""
    page = open_page(browser, url)
    page.get_by_role("tab", name="Map", exact=True).click()
    click_and_wait(page, "Run", LAST)
    page.wait_for_timeout(500)  # the run task ends after its last year shows
    keys = [k for k in MAP_METRICS if k not in ("sector_share", "output")]  # output is shown first
    times = []
    for i in range(repeats):
        times.append(choose_metric(page, keys[i % len(keys)], LAST))
        page.wait_for_timeout(300)
    page.close()
    return {"metric_s": summary(times)}


def measure_compare(browser, url: str, repeats: int) -> dict:
    """5-seed comparisons: tick the option, wait for the bands, untick and wait for one seed again."""
    page = open_page(browser, url + COMPARE_URL)
    page.wait_for_function(COMPARE_DRAWN, timeout=TIMEOUT_MS)
    option = page.get_by_text(text("compare.seeds_option", "en", n=COMPARE_SEEDS))
    mark = text("chart.mean_of_seeds", "en", n=COMPARE_SEEDS)
    times = []
    for _ in range(repeats):
        page.wait_for_timeout(300)
        times.append(timed_click(page, option, BANDS_DRAWN, [mark, 2]))
        option.click()  # back to one seed (a run of its own), so the next tick computes again
        page.wait_for_function(BANDS_DRAWN, arg=[mark, 0], timeout=TIMEOUT_MS)
        page.wait_for_function(COMPARE_DRAWN, timeout=TIMEOUT_MS)
    page.close()
    return {"compare5_s": summary(times)}


def summary(times: list[float]) -> dict:
    """Median, maximum and every time, in seconds."""
    return {"median": round(statistics.median(times), 3), "max": round(max(times), 3),
            "all": [round(t, 3) for t in times]}


def verdicts(results: dict) -> list[dict]:
    """Each target against its measured figure; Run and Step on each tab measured."""
    rows = []
    for (name, stat), bound in TARGETS.items():
        for where in [tab for tab in TABS if name in results[tab]] or [""]:
            value = (results[where] if where else results)[name][stat]
            rows.append({"figure": f"{where} {name} {stat}".strip(), "measured": value, "target": bound,
                         "met": value < bound})
    return rows


def load() -> dict:
    """The machine's load averages (1, 5, 15 minutes) and its number of cores."""
    return {"load": [round(x, 2) for x in os.getloadavg()], "cores": os.cpu_count()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    if local_server.chromium() is None:
        print("error: Debian's chromium is needed (apt-get install -y chromium)", file=sys.stderr)
        return 1
    absent = assets.missing(assets.cache_dir())
    if absent:
        print(f"error: the offline asset cache lacks {', '.join(absent)} (run: make assets)", file=sys.stderr)
        return 1
    before, started = load(), time.perf_counter()
    with local_server.serve(RESULTS / "dashboard-server.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=local_server.chromium(), args=local_server.chromium_args())
        results = {tab: measure_run_and_step(browser, url, tab, args.repeats) for tab in TABS}
        results.update(measure_metric(browser, url, args.repeats))
        results.update(measure_compare(browser, url, args.repeats))
        browser.close()
    report = {"python": sys.version.split()[0], "machine": platform.machine(), "repeats": args.repeats,
              "load_before": before, "load_after": load(), "wall_s": round(time.perf_counter() - started, 1),
              **results}
    report["targets"] = verdicts(results)
    print_report(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dashboard.json").write_text(json.dumps(report, indent=2))
    print(f"\nwritten: {RESULTS / 'dashboard.json'}")
    return 0 if all(row["met"] for row in report["targets"]) else 1


def print_report(report: dict) -> None:
    """The timings, then each target with met or MISSED."""
    print(f"{report['repeats']} repeats; load average {report['load_before']['load']} before, "
          f"{report['load_after']['load']} after, {report['load_before']['cores']} cores; {report['wall_s']} s in all\n")
    for tab in TABS:
        r = report[tab]
        print(f"{tab:>7} tab: full run {r['run_s']['median']:.2f} s (max {r['run_s']['max']:.2f}), "
              f"step {r['step_s']['median']:.2f} s (max {r['step_s']['max']:.2f})")
    for name, what in (("metric_s", "map metric"), ("compare5_s", f"{COMPARE_SEEDS}-seed compare")):
        print(f"{what:>17}: {report[name]['median']:.2f} s (max {report[name]['max']:.2f}; all {report[name]['all']})")
    print()
    for row in report["targets"]:
        print(f"  {row['figure']:<25} {row['measured']:>8.2f} s  target < {row['target']:<5g} "
              f"{'met' if row['met'] else 'MISSED'}")


if __name__ == "__main__":
    sys.exit(main())
