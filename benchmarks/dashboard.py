"""Dashboard speed in a real browser: the default scenario's full run, and one Step.

    .venv/bin/python benchmarks/dashboard.py [--repeats 5]

Starts `solara run app.py --production` on a free loopback port, drives Debian's Chromium
(headless) and times, from the click: Run until "Year: 2040" shows and the
visible charts carry the last year; Step until the next year shows and the charts have it.
Targets: a full run under 10 s, a Step under 0.5 s. Results also go to
benchmarks/results/dashboard.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from transfer_sim.dashboard import local_server

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
FIRST, LAST = 2025, 2040
CHARTS_SHOW_YEAR = """(year) => {
    const charts = Array.from(document.querySelectorAll('.js-plotly-plot'));
    const shows = (c) => JSON.stringify((c.layout.title || {}).text || '').includes(String(year))
        || c._fullData.some(t => t.x && Array.from(t.x).includes(year));
    const empty = (c) => !c._fullData.some(t => t.x && t.x.length);  // says "nothing yet" instead
    return charts.length > 0 && charts.every(c => c._fullLayout && (empty(c) || shows(c)));
}"""


def click_and_wait(page, button: str, year: int) -> float:
    """Seconds from clicking ``button`` until the page shows ``year`` in its status and charts."""
    start = time.perf_counter()
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_text(f"Year: {year}", exact=True).wait_for(timeout=60_000)
    page.wait_for_function(CHARTS_SHOW_YEAR, arg=year, timeout=60_000)
    return time.perf_counter() - start


def reset(page) -> None:
    page.get_by_role("button", name="Reset", exact=True).click()
    page.get_by_text(f"Year: {FIRST}", exact=True).wait_for(timeout=60_000)
    page.wait_for_function(CHARTS_SHOW_YEAR, arg=FIRST, timeout=60_000)
    page.wait_for_timeout(300)


def measure(url: str, tab: str, repeats: int) -> dict:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=local_server.chromium(), args=local_server.chromium_args())
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(url)
        page.get_by_text(f"Year: {FIRST}", exact=True).wait_for(timeout=60_000)
        page.get_by_role("tab", name=tab, exact=True).click()
        page.wait_for_function(CHARTS_SHOW_YEAR, arg=FIRST, timeout=60_000)
        runs, steps = [], []
        for _ in range(repeats):
            reset(page)
            runs.append(click_and_wait(page, "Run", LAST))
            reset(page)
            steps.append(click_and_wait(page, "Step", FIRST + 1))
        browser.close()
    return {"tab": tab, "run_s": summary(runs), "step_s": summary(steps)}


def summary(times: list[float]) -> dict:
    return {"median": round(statistics.median(times), 3), "max": round(max(times), 3),
            "all": [round(t, 3) for t in times]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    if local_server.chromium() is None:
        print("error: Debian's chromium is needed (apt-get install -y chromium)", file=sys.stderr)
        return 1
    with local_server.serve(RESULTS / "dashboard-server.log") as url:
        results = [measure(url, tab, args.repeats) for tab in ("Map", "Trends")]
    for r in results:
        print(f"{r['tab']:>7} tab: full run {r['run_s']['median']:.2f} s (max {r['run_s']['max']:.2f}; target < 10), "
              f"step {r['step_s']['median']:.2f} s (max {r['step_s']['max']:.2f}; target < 0.5)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dashboard.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
