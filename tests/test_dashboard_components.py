"""Dashboard components rendered without a browser (solara.render): controls, run task, panels."""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import ipyvuetify as vw
import pandas as pd
import pytest
import solara

import transfer_sim as ts
from transfer_sim import i18n
from transfer_sim import province_map as pm
from transfer_sim import viz
from transfer_sim.dashboard import assets, export, solara_server, state
from transfer_sim.dashboard.about_panel import AboutPanel, lever_guide, preset_guide
from transfer_sim.dashboard.compare_panel import ComparePanel
from transfer_sim.dashboard.comparison import Comparison, compare, default_reference
from transfer_sim.dashboard.controls import Controls
from transfer_sim.dashboard.flows_panel import FlowsPanel
from transfer_sim.dashboard.lessons_panel import LessonBar, set_up
from transfer_sim.dashboard.lever_inputs import LeverInput
from transfer_sim.dashboard.manifest import manifest
from transfer_sim.dashboard.map_panel import MapPanel, map_figure
from transfer_sim.dashboard.playback import playback
from transfer_sim.dashboard.preset_picker import PresetPicker, preset_settings
from transfer_sim.dashboard.scenario_warnings import scenario_warnings
from transfer_sim.dashboard.sectors_panel import SectorsPanel
from transfer_sim.dashboard.session import run_to_end
from transfer_sim.dashboard.settings import Settings, SettingsError, lever_specs, measures
from transfer_sim.dashboard.shock_inputs import ShockInputs
from transfer_sim.dashboard.status import Status
from transfer_sim.dashboard.theory import Superseded, home_market_experiment
from transfer_sim.dashboard.trends_panel import TrendsPanel
from transfer_sim.policy import PRESET_TEXTS, lever_label

SMALL = Settings(years=4, n_firms=2_000, seed=2)
CAGE_AND_NEST = Settings(years=3, n_firms=2_000, seed=4).with_preset("cage_and_nest")


def wait_for(condition, timeout: float = 15.0) -> None:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError("timed out waiting for the dashboard")
        time.sleep(0.01)


@pytest.fixture
def session():
    """A fresh session state with a small run, and no task left running afterwards."""
    state.settings.set(SMALL)
    state.snapshot.set(None)
    state.picked_year.set(None)
    state.message.set(None)
    state.language.set("en")
    state._simulation.set(None)
    yield state
    state.language.set("en")
    state.lesson.set(None)
    state.map_metric.set("output")
    state.compare_metric.set("output")
    state.compare_reference.set(None)
    state.compare_seeds.set(1)
    if state.advance.pending:
        state.advance.cancel()
    wait_for(lambda: not state.advance.pending)


@pytest.fixture(scope="module")
def finished():
    return run_to_end(CAGE_AND_NEST)


def texts(rc) -> list[str]:
    return [str(w.children[0]) for w in rc.find(vw.Html).widgets if w.children and isinstance(w.children[0], str)]


def figures(rc) -> list[dict]:
    """The figures the page would draw, as the browser receives them."""
    views = rc.find(vw.VuetifyTemplate).widgets
    return [json.loads(w.figure) for w in views if hasattr(w, "figure")]


def message() -> str | None:
    """The session's problem message as the page shows it in English."""
    return state.message.value and state.message.value.words("en")


def button(rc, label: str) -> vw.Btn:
    return next(b for b in rc.find(vw.Btn).widgets if label in b.children)


@solara.component
def Sidebar():
    Status()
    Controls()


def test_step_advances_the_year_and_run_plays_to_the_last_year(session):
    box, rc = solara.render(Sidebar(), handle_error=False)
    state.reset()
    wait_for(lambda: "Year: 2025" in texts(rc))
    button(rc, "Step").click()
    wait_for(lambda: state.snapshot.value.year == 2026)
    wait_for(lambda: "Year: 2026" in texts(rc))
    button(rc, "Run").click()
    wait_for(lambda: state.snapshot.value.finished and not state.advance.pending)
    assert state.snapshot.value.year == 2029
    wait_for(lambda: "Year: 2029" in texts(rc))
    assert button(rc, "Run").disabled and button(rc, "Step").disabled
    rc.close()


def test_preset_control_changes_the_policy_and_restarts(session):
    box, rc = solara.render(Controls(), handle_error=False)
    preset = next(s for s in rc.find(vw.Select).widgets if s.label == "Scenario preset")
    assert preset.items == [text.title for text in PRESET_TEXTS.values()]  # readable names
    preset.v_model = "15th Five-Year Plan"
    assert state.settings.value.policy == ts.Policy.preset("fifteenth_plan")
    wait_for(lambda: state.snapshot.value is not None and state.snapshot.value.settings.preset == "fifteenth_plan")
    assert state.snapshot.value.year == 2025
    rc.close()


def test_a_lever_slider_changes_the_lever_when_released(session):
    spec = next(s for s in lever_specs() if s.name == "cage_fee")
    box, rc = solara.render(LeverInput(spec, state.settings.value.policy,
                                       lambda name, value: state.change(lambda s: s.with_lever(name, value))),
                            handle_error=False)
    slider = rc.find(vw.Slider).widget
    assert (slider.min, slider.max) == (0, 0.1)  # the policy's own limits
    slider.fire_event("change", 0.04)
    assert state.settings.value.policy.cage_fee == 0.04
    wait_for(lambda: state.snapshot.value is not None and state.snapshot.value.settings.policy.cage_fee == 0.04)
    assert state.settings.value.changed_levers == ["cage_fee"]
    rc.close()


def test_a_region_list_left_at_its_default_stays_the_default(session):
    spec = next(s for s in lever_specs() if s.name == "cage_regions")
    seen = []
    box, rc = solara.render(LeverInput(spec, ts.Policy(), lambda name, value: seen.append((name, value))),
                            handle_error=False)
    select = rc.find(vw.Select).widget
    eastern = ts.Geography.china().regions_in("east")
    assert sorted(select.v_model) == sorted(eastern)
    select.v_model = eastern[:3]
    select.v_model = list(reversed(eastern))
    assert seen == [("cage_regions", eastern[:3]), ("cage_regions", None)]
    rc.close()


def test_switching_a_shock_on_gives_a_valid_shock(session):
    seen = []
    box, rc = solara.render(ShockInputs([], 2025, 2040, seen.append), handle_error=False)
    switch = next(s for s in rc.find(vw.Switch).widgets if s.label == "coastal demand")
    switch.v_model = True
    (shocks,) = seen
    policy = ts.Policy(shocks=shocks)
    assert policy.shocks[0].kind == "coastal_demand" and 2025 <= policy.shocks[0].year <= 2040
    rc.close()


def test_invalid_input_shows_a_readable_message_and_the_value_in_force(session):
    box, rc = solara.render(Sidebar(), handle_error=False)
    state.reset()
    wait_for(lambda: "Year: 2025" in texts(rc))
    firms = next(f for f in rc.find(vw.TextField).widgets if f.label == "Number of firms")
    firms.v_model = "0"
    firms.fire_event("keyup.enter", None)
    wait_for(lambda: message() == "Number of firms: 0 is out of range; allowed 217 to 200,000")
    assert state.settings.value.n_firms == SMALL.n_firms
    wait_for(lambda: firms.v_model == str(SMALL.n_firms))  # the box shows the value the run keeps
    firms.v_model = "lots"
    firms.fire_event("keyup.enter", None)
    wait_for(lambda: message() == "Number of firms: enter a whole number from 217 to 200,000 (got 'lots')")
    firms.v_model = "5"  # the field's bound is the model's: the same words, no failed start
    firms.fire_event("keyup.enter", None)
    wait_for(lambda: message() == "Number of firms: 5 is out of range; allowed 217 to 200,000")
    assert state.settings.value.n_firms == SMALL.n_firms
    wait_for(lambda: firms.v_model == str(SMALL.n_firms))  # the box shows the value in force
    assert not any("Traceback" in t for t in texts(rc))
    with pytest.raises(SettingsError, match=r"Cage fee: Input should be less than or equal to 0.1 \(got 0.5\)"):
        SMALL.with_lever("cage_fee", 0.5)
    with pytest.raises(SettingsError, match="Years: enter a whole number"):
        SMALL.with_run("years", None)
    rc.close()


def test_published_snapshots_never_change(session):
    state.reset()
    wait_for(lambda: state.snapshot.value is not None)
    first = state.snapshot.value
    rows = len(first.regions)
    state.run()
    wait_for(lambda: state.snapshot.value.finished and not state.advance.pending)
    assert state.snapshot.value is not first
    assert len(first.regions) == rows and first.year == 2025
    assert first.summary["year"].tolist() == [2025]


def test_stop_halts_a_run_before_its_end(session):
    state.settings.set(Settings(years=50, n_firms=20_000, seed=1))
    state.reset()
    wait_for(lambda: state.snapshot.value is not None)
    state.run()
    wait_for(lambda: state.advance.progress is not None)
    state.stop()
    wait_for(lambda: not state.advance.pending)
    wait_for(lambda: not state._simulation.value.lock.locked())
    assert state.snapshot.value.year < 2075
    assert state.snapshot.value.year == state._simulation.value.model.year  # the stop year was published


@pytest.mark.parametrize("panel", [MapPanel, TrendsPanel, FlowsPanel, SectorsPanel])
def test_each_results_panel_draws_its_figures(finished, panel):
    box, rc = solara.render(panel(finished), handle_error=False)
    drawn = figures(rc)
    assert drawn and all(f["data"] for f in drawn)
    if panel is MapPanel:
        assert len([t for t in drawn[0]["data"] if t.get("legendgroup") == "provinces"]) == 31
        assert "2028" in drawn[0]["layout"]["title"]["text"]
    rc.close()


def test_compare_runs_both_scenarios_with_the_same_seed(session):
    state.settings.set(SMALL.with_lever("nest_subsidy", 0.3))
    box, rc = solara.render(ComparePanel(), handle_error=False)
    wait_for(lambda: compare.value is not None and not compare.pending, timeout=30)
    yours, reference = compare.value.yours, compare.value.reference
    assert yours.settings.seed == reference.settings.seed == SMALL.seed
    assert reference.settings.policy == ts.Policy()
    assert (yours.regions["output"] != reference.regions["output"]).any()
    wait_for(lambda: len(figures(rc)) == 4)
    rc.close()


def test_theory_experiment_reproduces_the_home_market_effect():
    outcome = home_market_experiment(0.62, 0.3, 200)
    share = outcome.points.set_index("s_e")["share"]
    assert 0.62 in share.index and 0.5 in share.index
    assert share[0.62] == pytest.approx(ts.home_market_share(0.62, 0.3), abs=0.03)
    assert share[0.5] == pytest.approx(0.5, abs=0.03)
    assert outcome.settled and outcome.path["year"].iloc[0] == 0  # years counted from the start


@pytest.mark.parametrize(("s_e", "phi"), [(0.75, 0.3), (0.8, 0.3), (0.7, 0.8)])
def test_theory_experiment_reaches_the_settled_share(s_e, phi):
    """Corner equilibria too: the runs go on until the share stops moving."""
    points = home_market_experiment(s_e, phi, 200).points.set_index("s_e")
    assert points.loc[s_e, "settled"]
    assert points.loc[s_e, "share"] == pytest.approx(ts.home_market_share(s_e, phi), abs=0.02)


def test_about_quotes_every_lever_in_the_seed_words():
    guide = lever_guide("en")
    for row in ts.lever_table().itertuples():
        assert f"`{row.lever}`" in guide and row.seed in guide
    assert measures()[:4] == ["hinterland", "productive_forces", "openness", "unified_market"]
    chinese = lever_guide("zh")
    assert "腾笼换鸟" in chinese and "筑巢引凤" in chinese and "全国统一大市场" in chinese


def test_exports_hold_every_table_and_a_standalone_figure_with_their_manifest(finished):
    with zipfile.ZipFile(io.BytesIO(export.tables_zip(finished))) as archive:
        assert sorted(archive.namelist()) == ["budgets.csv", "decomposition.csv", "fiscal.csv", "flows.csv",
                                              "local_policy.csv", "manifest.json", "regions.csv", "sectors.csv",
                                              "summary.csv"]
        regions = archive.read("regions.csv").decode()
        facts = json.loads(archive.read("manifest.json"))
    assert regions.count("\n") == len(finished.regions) + 1
    assert facts == {"kind": "dashboard", "preset": "cage_and_nest", "levers": {}, "seed": 4, "years": 3,
                     "firms": 2_000, "start_year": 2025, "version": ts.__version__}
    single = export.table_download(finished, "summary")
    assert single.startswith(f"# transfer-sim {ts.__version__} · preset cage_and_nest · levers: none · seed 4 · "
                             "3 years · 2,000 firms\n")
    assert pd.read_csv(io.StringIO(single), comment="#").equals(pd.read_csv(io.StringIO(export.table_csv(
        finished, "summary"))))
    changed = replace(finished, settings=finished.settings.with_lever("cage_fee", 0.05))
    html = export.figure_html(viz.inequality_figure(changed.summary), manifest(changed.settings))
    assert "Plotly.newPlot" in html and 'src="https://cdn.plot.ly' not in html
    assert "levers: cage_fee = 0.05 \\u00b7 seed 4" in html  # the line under the chart, in plotly's JSON
    kept = re.search(r'<script type="application/json" id="transfer-sim-manifest">(.*?)</script>', html).group(1)
    assert json.loads(kept)["levers"] == {"cage_fee": 0.05}


def test_the_asset_cache_list_covers_what_the_page_loads():
    template = Path(solara.__file__).parent / "server" / "templates" / "solara.html.j2"
    markdown = Path(solara.__file__).parent / "components" / "markdown.py"
    wanted = set(re.findall(r"\{\{cdn\}\}/((?:@[\w-]+/)?[\w.-]+@[\w.-]+)/", template.read_text()))
    wanted |= set(re.findall(r"getCdn\(\)\}/((?:@[\w-]+/)?[\w.-]+@[\w.-]+)/", markdown.read_text()))
    wanted.discard("@widgetti/solara-vuetify3-app@5.2.0")  # only with ipyvue 3, which is excluded
    assert wanted <= set(assets.PACKAGES)


@pytest.mark.skipif(not export.png_available(), reason="PNG export needs Kaleido and a Chromium browser")
def test_png_export_draws_the_map_and_keeps_its_manifest(finished):
    fig = pm.province_map(pm.map_values(finished.regions, finished.sectors, "output", 2028), "Output", "bn CNY")
    png = export.figure_png(fig, manifest(finished.settings))
    assert png.startswith(b"\x89PNG") and len(png) > 60_000  # about 32 kB with no province drawn
    assert b"tEXttransfer-sim\x00" in png and b'"preset": "cage_and_nest"' in png


def test_profit_subsidy_pays_one_rate_in_the_chosen_regions():
    spec = next(s for s in lever_specs() if s.name == "profit_subsidy")
    seen = []
    box, rc = solara.render(LeverInput(spec, ts.Policy(profit_subsidy={"Gansu": 0.2}),
                                       lambda name, value: seen.append(value)), handle_error=False)
    rc.find(vw.Select).widget.v_model = ["Gansu", "Ningxia"]
    rc.find(vw.Slider).widget.fire_event("change", 0.3)
    assert seen == [{"Gansu": 0.2, "Ningxia": 0.2}, {"Gansu": 0.3}]
    assert ts.Policy(profit_subsidy=seen[0]).profit_subsidy == {"Gansu": 0.2, "Ningxia": 0.2}
    rc.close()


def test_a_shock_can_be_moved_and_resized():
    seen = []
    shock = ts.Shock(kind="regional_disaster", year=2030, regions=["Henan"])
    box, rc = solara.render(ShockInputs([shock], 2025, 2040, seen.append), handle_error=False)
    year, size, duration = rc.find(vw.Slider).widgets
    year.fire_event("change", 2033)
    size.fire_event("change", 0.5)
    assert [s[0]["year"] for s in seen] == [2033, 2030] and seen[1][0]["size"] == 0.5
    assert ts.Policy(shocks=seen[0]).shocks[0].regions == ["Henan"]
    rc.close()


def test_every_preset_has_a_readable_name_and_says_what_it_sets():
    assert list(PRESET_TEXTS) == list(ts.PRESETS)
    box, rc = solara.render(PresetPicker("cage_and_nest", lambda name: None), handle_error=False)
    shown = texts(rc)
    assert PRESET_TEXTS["cage_and_nest"].description in shown
    assert "Sets: Cage fee 0.01, Upgrade subsidy 0.3, Nest investment 30, Nest subsidy 0.1." in shown
    assert preset_settings("coastal_shock") == "Sets: a coastal demand shock in 2028."
    rc.close()


def test_about_explains_every_preset_in_both_languages(session):
    for lang in ("en", "zh"):
        state.language.set(lang)
        guide = preset_guide()
        for name in ts.PRESETS:
            assert f"`{name}`" in guide and i18n.text(f"preset.{name}.description", lang) in guide, (lang, name)
        box, rc = solara.render(AboutPanel(), handle_error=False)
        rc.close()
    state.language.set("zh")
    assert "设定：腾笼换鸟费 0.01、升级补贴 0.3、筑巢投资 30、引凤补贴 0.1。" in preset_guide()


def test_levers_have_readable_names_and_plain_explanations():
    for row in ts.lever_table().itertuples():
        label = lever_label(row.lever)
        assert "_" not in label and label[0].isupper(), label
        assert "None" not in row.mechanism and "abstract geography" not in row.mechanism, row.lever
    assert lever_label("ftz_regions") == "Free trade zone provinces"
    spec = next(s for s in lever_specs() if s.name == "cage_sectors")
    box, rc = solara.render(LeverInput(spec, ts.Policy(), lambda name, value: None), handle_error=False)
    assert "Labour-intensive light industry" in rc.find(vw.Select).widget.v_model
    rc.close()


def test_changed_levers_are_listed_by_their_names(session):
    state.settings.set(SMALL.with_lever("nest_subsidy", 0.2).with_lever("ftz_trade_cost_cut", 0.1))
    box, rc = solara.render(Controls(), handle_error=False)
    assert "Changed from the preset: Nest subsidy, Free trade zone trade-cost cut" in texts(rc)
    rc.close()


def test_a_profit_subsidy_without_regions_keeps_its_rate_and_says_why():
    spec = next(s for s in lever_specs() if s.name == "profit_subsidy")
    seen = []
    box, rc = solara.render(LeverInput(spec, ts.Policy(), lambda name, value: seen.append(value)),
                            handle_error=False)
    rc.find(vw.Slider).widget.fire_event("change", 0.25)
    assert seen == [] and rc.find(vw.Slider).widget.v_model == 0.25
    assert "Not paid yet: choose the regions that pay 0.25 of operating profit." in texts(rc)
    rc.find(vw.Select).widget.v_model = ["Gansu"]
    assert seen == [{"Gansu": 0.25}]
    rc.close()


def test_a_shock_after_the_last_year_is_warned_about(session):
    late = ts.Shock(kind="coastal_demand", year=2035)
    state.settings.set(SMALL.with_lever("shocks", [late.model_dump()]))
    box, rc = solara.render(Status(), handle_error=False)
    warnings = [str(w.children) for w in rc.find(vw.Alert).widgets]
    assert any("starts in 2035, after the run's last year (2029)" in w for w in warnings)
    assert scenario_warnings(SMALL, 2025) == []
    rc.close()


def test_a_disaster_switched_on_strikes_a_named_region():
    seen = []
    box, rc = solara.render(ShockInputs([], 2025, 2040, seen.append), handle_error=False)
    next(s for s in rc.find(vw.Switch).widgets if s.label == "regional disaster").v_model = True
    assert ts.Policy(shocks=seen[0]).shocks[0].regions == ["Henan"]
    rc.close()


def test_every_year_of_a_run_is_published_so_stop_ends_it_at_the_next_year(session):
    state.reset()
    wait_for(lambda: state.snapshot.value is not None)
    published = []
    unsubscribe = state.snapshot.subscribe(lambda snap: published.append(snap.year))
    state.run()
    wait_for(lambda: state.snapshot.value.finished and not state.advance.pending)
    unsubscribe()
    assert published == [2026, 2027, 2028, 2029]


def test_switched_off_corridors_are_not_drawn(finished):
    names = {t["name"] for t in map_figure(finished, "output", 2028, corridors=True).to_plotly_json()["data"]}
    assert {"China-Europe Railway Express", "Western Land-Sea New Corridor", "border exits and ports"} <= names
    closed = replace(finished, settings=finished.settings.with_lever("china_europe_express", False)
                     .with_lever("land_sea_corridor", False))
    names = {t["name"] for t in map_figure(closed, "output", 2028, corridors=True).to_plotly_json()["data"]}
    assert not names & {"China-Europe Railway Express", "Western Land-Sea New Corridor", "border exits and ports"}
    express_only = replace(finished, settings=finished.settings.with_lever("land_sea_corridor", False))
    ends = next(t for t in map_figure(express_only, "output", 2028, corridors=True).data
                if t.name == "border exits and ports")
    assert not any("Qinzhou" in text for text in ends.text)  # the land-sea corridor's port goes with it


def test_the_map_keeps_its_colours_over_the_years(finished):
    bars = [next(t for t in map_figure(finished, "output", year).data if t.marker.showscale).marker
            for year in finished.years]
    assert len({(bar.cmin, bar.cmax) for bar in bars}) == 1
    every = pd.concat(pm.map_values(finished.regions, finished.sectors, "output", y) for y in finished.years)
    assert (bars[0].cmin, bars[0].cmax) == (every["value"].min(), every["value"].max())


@pytest.mark.parametrize("metric", ["tax_rebate", "land_discount", "debt_share"])
def test_the_map_shows_the_provinces_terms_and_debt(session, finished, metric):
    state.map_metric.set(metric)
    box, rc = solara.render(MapPanel(finished), handle_error=False)
    drawn = figures(rc)[0]
    assert i18n.text(f"metric.{metric}", "en") in drawn["layout"]["title"]["text"]
    assert len([t for t in drawn["data"] if t.get("legendgroup") == "provinces"]) == 31
    rc.close()
    bar = next(t for t in map_figure(finished, metric, 2028).data if t.marker.showscale).marker
    every = pd.concat(pm.map_values(finished.regions, finished.sectors, metric, y, local_policy=finished.local_policy,
                                    budgets=finished.budgets) for y in finished.years)
    assert every["value"].notna().all() and (bar.cmin, bar.cmax) == (every["value"].min(), every["value"].max())
    if metric != "debt_share":
        assert 0 <= bar.cmin and bar.cmax <= 100  # shares of profit and of rent, in %


def test_trends_say_when_an_economy_has_no_local_governments(finished):
    none = replace(finished, local_policy=finished.local_policy.iloc[:0], budgets=finished.budgets.iloc[:0])
    box, rc = solara.render(TrendsPanel(none), handle_error=False)
    notes = [a["text"] for f in figures(rc) for a in f["layout"].get("annotations", [])]
    assert i18n.text("chart.local_competition.empty", "en") in notes
    rc.close()
    assert pm.map_values(none.regions, none.sectors, "tax_rebate", 2028, local_policy=none.local_policy,
                         budgets=none.budgets)["value"].isna().all()


def test_compare_opens_against_another_scenario_and_names_both(session):
    state.settings.set(SMALL)  # the baseline itself
    assert default_reference(SMALL) != "baseline"
    box, rc = solara.render(ComparePanel(), handle_error=False)
    wait_for(lambda: isinstance(compare.value, Comparison) and compare.value.yours.settings == SMALL
             and not compare.pending, timeout=30)
    yours, reference = compare.value.yours, compare.value.reference
    assert yours.settings.policy != reference.settings.policy
    wait_for(lambda: len(figures(rc)) == 4
             and figures(rc)[0]["layout"]["title"]["text"].startswith("Yours (Baseline)<br>"))
    assert "(15th Five-Year Plan)" in figures(rc)[1]["layout"]["title"]["text"]
    preset = next(s for s in rc.find(vw.Select).widgets if s.label == "Reference preset")
    preset.v_model = "Baseline"
    wait_for(lambda: any("Your scenario is the reference itself" in str(a.children)
                         for a in rc.find(vw.Alert).widgets))
    assert figures(rc) == []
    rc.close()


def test_tables_write_zero_without_a_sign(finished):
    assert (finished.fiscal["cost"] == 0).any()  # the cage fee of a run without one
    for name in finished.tables():
        assert not re.search(r",-0\.0(,|$)", export.table_csv(finished, name), flags=re.M)  # -0.06 is fine


def test_the_server_shows_no_banner_and_a_correct_router_script():
    from solara.server import settings
    from solara.widgets.widgets import Navigator

    solara_server.configure()
    assert settings.theme.show_banner is False
    template = Navigator().template.template
    assert "module.exports =" in template and "modules.export" not in template


def test_a_run_that_costs_more_than_its_budget_is_warned_about(session):
    tight = SMALL.with_preset("unified_market").with_lever("fiscal_budget_pct_gdp", 0.05)
    state.settings.set(tight)
    box, rc = solara.render(Sidebar(), handle_error=False)
    state.reset()
    wait_for(lambda: state.snapshot.value is not None)
    assert not any("Fiscal cost" in str(w.children) for w in rc.find(vw.Alert).widgets)  # the start year costs nothing
    button(rc, "Step").click()
    wait_for(lambda: any("Fiscal cost: the levers cost up to" in str(w.children) for w in rc.find(vw.Alert).widgets))
    rc.close()


def test_playback_shows_each_year_in_turn_and_then_follows_the_run_again(session, finished):
    state.snapshot.set(finished)
    picked = []
    unsubscribe = state.picked_year.subscribe(picked.append)
    playback(finished, 50.0)
    wait_for(lambda: not playback.pending)
    unsubscribe()
    assert picked == [*finished.years, None]
    playback(finished, 0.5)
    wait_for(lambda: state.picked_year.value == finished.years[0])
    state.snapshot.set(replace(finished))  # a new snapshot (a Step, say) ends the playback
    wait_for(lambda: not playback.pending)
    assert state.picked_year.value == finished.years[0]


def test_a_lesson_step_sets_up_the_scenario_the_tab_and_its_choices(session):
    state.settings.set(SMALL.with_lever("nest_subsidy", 0.4))
    set_up("cage_and_nest", 2)  # nest building without the cage fee, against the baseline
    assert state.lesson.value == ("cage_and_nest", 2) and state.tab.value == "compare"
    settings = state.settings.value
    assert settings.preset == "cage_and_nest" and settings.lever_changes == {"cage_fee": 0.0}
    assert (settings.years, settings.n_firms, settings.seed) == (SMALL.years, SMALL.n_firms, SMALL.seed)  # stay
    assert state.compare_reference.value == "baseline"
    wait_for(lambda: state.snapshot.value is not None and state.snapshot.value.finished
             and state.snapshot.value.settings == settings and not state.advance.pending, timeout=30)  # it runs
    set_up("corridor", 0)
    assert state.compare_metric.value == "firms" and state.map_metric.value == "output"
    set_up("corridor", 1)
    assert state.map_metric.value == "firms" and state.tab.value == "map"
    state.theory_knobs.set((0.7, 0.3, 200.0))
    before = state.settings.value
    set_up("home_market", 3)
    assert state.theory_knobs.value == (0.6, 0.1, 5.0) and state.settings.value == before  # the sidebar stays
    box, rc = solara.render(LessonBar(), handle_error=False)
    assert "Lesson 1: The home-market effect · step 4 of 5" in texts(rc)
    button(rc, "Next").click()
    assert state.lesson.value == ("home_market", 4) and button(rc, "Next").disabled
    button(rc, "End lesson").click()
    assert state.lesson.value is None
    rc.close()


def test_compare_over_five_seeds_uses_the_same_seeds_in_both_and_shows_bands(session):
    state.settings.set(SMALL.with_lever("nest_subsidy", 0.3))
    state.compare_seeds.set(5)
    box, rc = solara.render(ComparePanel(), handle_error=False)
    wait_for(lambda: isinstance(compare.value, Comparison) and compare.value.seeds == 5 and not compare.pending,
             timeout=60)
    result = compare.value
    assert compare.progress == 100 and not any(a.equals(b) for a, b in result.summaries)  # an effect in each seed
    mine = [run_to_end(SMALL.with_lever("nest_subsidy", 0.3).with_run("seed", SMALL.seed + k)).summary
            for k in (0, 4)]
    assert result.summaries[0][1].equals(mine[0]) and result.summaries[4][1].equals(mine[1])  # seeds s … s+4
    theirs = run_to_end(SMALL.with_run("seed", SMALL.seed + 4)).summary
    assert result.summaries[4][0].equals(theirs)  # the reference with the same seed
    # the bands are drawn once the five seeds' figures replace the first ones
    wait_for(lambda: len(figures(rc)) == 4 and "mean of 5 seeds" in figures(rc)[2]["layout"]["title"]["text"])
    shares, indicators = figures(rc)[2:]
    assert any(t.get("fill") == "tonexty" for t in shares["data"])
    assert all(t["error_y"]["array"] for t in indicators["data"])
    assert "seeds 2–6, the same in both" in " ".join(texts(rc))
    rc.close()


def test_an_experiment_the_knobs_moved_past_stops_before_its_next_run():
    """A slider moved step by step leaves no run per step: each outdated experiment gives way."""
    asked = []

    def still_wanted():
        asked.append(True)
        return len(asked) < 2  # the knobs move while the first economy runs
    with pytest.raises(Superseded):
        home_market_experiment(0.6, 0.3, 200.0, still_wanted)
    assert len(asked) == 2  # one economy ran, the second never started


@pytest.fixture(scope="module")
def search(tmp_path_factory):
    """A small policy search's output directory."""
    from batch_tools import TINY_OPTIMIZE, write

    from transfer_sim.batch import optimize, spec

    folder = tmp_path_factory.mktemp("search")
    optimize.run_search(spec.load(write(folder, TINY_OPTIMIZE), expected="optimize"), folder / "out", workers=0,
                        progress=False)
    return folder / "out"


def test_compare_takes_a_pareto_mix_of_a_search_as_your_scenario(session, search):
    from transfer_sim.dashboard.pareto_picker import ParetoPicker

    front = pd.read_parquet(search / "pareto.parquet")
    assert len(front) >= 2
    box, rc = solara.render(ParetoPicker(), handle_error=False)
    folder = next(f for f in rc.find(vw.TextField).widgets if f.label == "Folder of a policy search")
    folder.v_model = str(search)
    button(rc, "Read the Pareto set").click()
    wait_for(lambda: any(s.label == "Pareto mix" for s in rc.find(vw.Select).widgets))
    menu = next(s for s in rc.find(vw.Select).widgets if s.label == "Pareto mix")
    assert len(menu.items) == len(front) and menu.items[1].startswith(f"2. {front['mix'][1]}: gap_east_west ")
    menu.v_model = menu.items[1]
    button(rc, "Use as your scenario").click()
    levers = json.loads(front["levers"][1])
    wanted = ts.Policy.preset(front["preset"][1]).with_changes(**levers)
    wait_for(lambda: state.settings.value.policy == wanted)
    assert (state.settings.value.years, state.settings.value.n_firms) == (SMALL.years, SMALL.n_firms)  # the run size stays
    assert state.settings.value.policy.cage_fee == pytest.approx(front["cage_fee"][1])
    rc.close()


def test_a_folder_that_is_no_search_is_explained_in_the_page_language(session, search, tmp_path):
    from transfer_sim.dashboard.pareto_picker import ParetoPicker, read_front

    with pytest.raises(SettingsError, match="not a transfer-sim output directory"):
        read_front(str(tmp_path))
    state.language.set("zh")
    box, rc = solara.render(ParetoPicker(), handle_error=False)
    folder = next(f for f in rc.find(vw.TextField).widgets if f.label == "政策搜索的文件夹")
    folder.v_model = str(tmp_path)
    button(rc, "读取帕累托集").click()
    alerts = lambda: [str(c) for a in rc.find(vw.Alert).widgets for c in a.children]
    wait_for(lambda: any("无法读取帕累托集" in t and "not a transfer-sim output directory" in t for t in alerts()))
    assert state.settings.value == SMALL
    rc.close()
