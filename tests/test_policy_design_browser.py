"""Policy design in a real browser (Debian's Chromium): the reports of a search and of a
discovery open from a file with nothing fetched and every figure drawn; the dashboard's
Compare tab makes a Pareto mix of a search your scenario."""

from __future__ import annotations

import pytest
from batch_tools import TINY_OPTIMIZE, cli, write
from dashboard_browser import (Watch, browser_context_args, browser_type_launch_args,  # noqa: F401 - fixtures
                               click_tab, open_dashboard, server, shot)
from test_discover import TINY as TINY_DISCOVERY
from test_discover import split_at_the_median

pytestmark = [pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"), pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """A small search and a small discovery, each with its report."""
    folder = tmp_path_factory.mktemp("policy")
    for command, text in (("optimize", TINY_OPTIMIZE), ("discover", TINY_DISCOVERY)):
        out, path = folder / command, write(folder, text, f"{command}.toml")
        done = cli(command, path, "--out", out, "--workers", "0", "--quiet")
        assert done.returncode == 0, done.stderr
        if command == "discover":
            split_at_the_median(path, out)  # boxes to draw whatever the model's numbers
        done = cli("report", out, "--html", out / "report.html")
        assert done.returncode == 0, done.stderr
    return folder


DRAWN = """() => Array.from(document.querySelectorAll('.plotly-graph-div')).map(d => ({
    traces: (d.data || []).length, width: d.getBoundingClientRect().width,
    marks: d.querySelectorAll('.scatterlayer .trace, .parcoords .y-axis, .shapelayer path').length}))"""


@pytest.mark.parametrize(("command", "figures"), [("optimize", 3), ("discover", 2)])
def test_the_report_opens_offline_and_draws_every_figure(page, outputs, command, figures):
    watch = Watch(page)
    page.goto((outputs / command / "report.html").as_uri())
    page.wait_for_function(f"document.querySelectorAll('.plotly-graph-div .main-svg').length >= {figures}")
    drawn = page.evaluate(DRAWN)
    assert len(drawn) == figures
    assert all(f["traces"] > 0 and f["width"] > 300 and f["marks"] > 0 for f in drawn), drawn
    # the parallel axes draw with WebGL, whose software renderer notes its slow read-backs
    assert not [p for p in watch.problems if "GL Driver Message (OpenGL, Performance" not in p]
    page.screenshot(path=str(outputs / f"{command}.png"), full_page=True)


def test_compare_loads_a_pareto_mix_as_your_scenario(server, page, outputs):
    watch = open_dashboard(page, server)
    click_tab(page, "Compare")
    page.get_by_text("Your scenario from a policy search").click()
    page.get_by_label("Folder of a policy search").fill(str(outputs / "optimize"))
    page.get_by_role("button", name="Read the Pareto set").click()
    page.get_by_text("mixes on the Pareto front of tiny_search").wait_for()
    page.locator(".v-select", has_text="Pareto mix").click()
    page.get_by_role("option").nth(0).click()
    page.get_by_role("button", name="Use as your scenario").click()
    page.get_by_text("Your scenario: Baseline with", exact=False).wait_for()
    shot(page, "compare-pareto-mix")
    assert not watch.problems
