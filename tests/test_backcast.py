"""The back-cast: the timeline file and its sources, playing it, the 2005 start, the fit
file's schema, determinism, bad input, and a calibration end to end on a tiny budget."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from batch_tools import ROOT, cli

import transfer_sim as ts
from transfer_sim.backcast import history, load, play, simulate, smm
from transfer_sim.backcast.fit import FIT_COLUMNS
from transfer_sim.backcast.timeline import SectorTrend
from transfer_sim.geography import MACRO_REGIONS
from transfer_sim.cli import main

pytestmark = pytest.mark.timeout(120)

TIMELINE = ROOT / "src" / "transfer_sim" / "data" / "history_2005_2019.toml"
BASES = {"data", "computed", "reported", "memory", "assumption"}
FIRMS = 1500  # small and fast; the start still matches every province


@pytest.fixture(scope="module")
def timeline():
    return load(TIMELINE)


@pytest.fixture(scope="module")
def panel():
    return pd.read_csv(ROOT / "src/transfer_sim/data/history_panel.csv", dtype={"code": str})


def call(capsys, *args) -> tuple[int, str, str]:
    try:
        status = main([str(a) for a in args])
    except SystemExit as stop:
        status = stop.code
    out, err = capsys.readouterr()
    return status, out, err


# the timeline file ---------------------------------------------------------------------------
def test_every_entry_of_the_timeline_names_its_source_and_basis(timeline):
    entries = [timeline.start, *timeline.events, *timeline.paths.values(), *timeline.reference.values(),
               *timeline.mechanisms.values()]
    assert len(entries) > 10
    for entry in entries:
        assert len(entry.source.strip()) > 20 and entry.basis in BASES, entry


def test_the_growth_foreign_demand_and_sector_weight_paths_are_those_of_the_data(timeline, panel):
    totals = panel.groupby("year")[["gdp_bn_cny", "exports_bn_usd"]].sum(min_count=1)
    fx = pd.Series(timeline.reference["cny_per_usd"].values)
    secondary = pd.Series(timeline.reference["secondary_share"].values) / 100
    primary = pd.Series(timeline.reference["primary_share"].values) / 100
    openness = totals["exports_bn_usd"] * fx / (totals["gdp_bn_cny"] * secondary)  # exports to industry
    for year in range(2006, 2020):
        assert timeline.paths["nominal_growth"].values[year] == pytest.approx(
            totals.loc[year, "gdp_bn_cny"] / totals.loc[year - 1, "gdp_bn_cny"] - 1, abs=6e-5)
        assert timeline.paths["world_demand"].values[year] == pytest.approx(openness[year] / openness[2005], abs=6e-5)
        tertiary = 1 - secondary - primary
        assert timeline.paths["services_weight"].values[year] == pytest.approx(
            tertiary[year] / secondary[year] / (tertiary[2005] / secondary[2005]), abs=6e-5)
        assert timeline.paths["agriculture_weight"].values[year] == pytest.approx(
            primary[year] / secondary[year] / (primary[2005] / secondary[2005]), abs=6e-5)
    accounts = pd.read_csv(ROOT / "src/transfer_sim/data/national_accounts.csv").set_index("year")
    assert primary[[2005, 2019]].tolist() == (accounts.loc[[2005, 2019], "primary_pct_gdp"] / 100).tolist()
    trains = timeline.reference["china_europe_trains"].values
    for year, capacity in timeline.paths["corridor_capacity"].values.items():
        assert capacity == pytest.approx(max(0.1, trains[year] / trains[2023]), abs=6e-4)


def test_the_free_trade_zones_open_in_the_years_of_the_province_table(timeline):
    provinces = pd.read_csv(ROOT / "src/transfer_sim/data/provinces.csv")
    for year in timeline.years:
        opened = set(provinces.loc[provinces["pilot_ftz_year"] <= year, "name_en"])
        assert set(timeline.policy_in(year).ftz_regions) == opened, year


def test_the_policies_switch_on_in_their_years(timeline):
    before, after = timeline.policy_in(2010), timeline.policy_in(2011)
    assert not before.china_europe_express and after.china_europe_express
    assert not timeline.policy_in(2016).land_sea_corridor and timeline.policy_in(2017).land_sea_corridor
    central = set(ts.Geography.china().regions_in("central"))
    assert not central & set(timeline.policy_in(2005).nest_regions)
    assert central <= set(timeline.policy_in(2006).nest_regions)
    assert timeline.policy_in(2009).nest_subsidy == 0 and timeline.policy_in(2010).nest_subsidy > 0


def test_playing_the_timeline_sets_each_years_drivers(timeline):
    model = simulate.build(timeline, {}, seed=1, firms=FIRMS)
    seen = []
    step = model.step
    model.step = lambda: (seen.append((model.year + 1, model.growth_rate, model.world_demand,
                                       model.policy.china_europe_express, model.labour_reserve_left,
                                       model.services_weight)), step())
    play(model, timeline, until=2012)
    assert model.year == 2012 and [s[0] for s in seen] == list(range(2006, 2013))
    year, growth, demand, express, reserve, services = seen[3]  # 2009: the export collapse
    assert year == 2009 and growth == timeline.paths["nominal_growth"].values[2009]
    assert demand == timeline.paths["world_demand"].values[2009] < 0.8
    assert [s[3] for s in seen] == [False] * 5 + [True] * 2
    assert [s[4] for s in seen] == [0.8, 0.6, 0.4, 0.2, 0.0, 0.0, 0.0]  # the labour reserve runs down to 2010
    assert [s[5] for s in seen] == [timeline.paths["services_weight"].values[y] for y in range(2006, 2013)]
    with pytest.raises(ValueError, match="cannot play the timeline"):
        play(model, timeline, until=2025)


def test_a_timelines_sector_trend_shifts_spending_toward_the_sector(timeline):
    trend = {"source": "test", "basis": "assumption", "rates": {"frontier_tech": 0.10}}
    trending = timeline.model_copy(update={"sector_trend": SectorTrend.model_validate(trend)})
    shares = []
    for plan in (timeline, trending):
        model = simulate.build(plan, {}, seed=1, firms=FIRMS)
        play(model, plan, until=2010)
        output = model.results.sectors.query("year == 2010").groupby("sector")["output"].sum()
        shares.append(output["frontier_tech"] / output.sum())
    assert shares[1] > 1.3 * shares[0]
    with pytest.raises(ValueError, match="unknown sector 'textiles'"):
        SectorTrend.model_validate({**trend, "rates": {"textiles": 0.1}})


# the 2005 start -----------------------------------------------------------------------------------
def test_the_2005_start_matches_gdp_secondary_value_added_and_exports(timeline):
    regions = simulate.build(timeline, {}, seed=3, firms=FIRMS).results.regions
    shares = history.targets().merge(history_shares(regions), on=["year", "metric", "region"])
    assert len(shares) == 15  # three metrics x five regions in 2005
    np.testing.assert_allclose(shares["simulated_pct"], shares["target_pct"], atol=1e-3)


def history_shares(regions):
    from transfer_sim.backcast import measure
    return measure.shares(regions, history.start_year(2005))


def test_export_access_is_fitted_only_when_asked():
    geography = ts.Geography.china(year=2005)
    targets = history.start_year(2005).exports
    plain = ts.TransferModel(geography=geography, start_year=2005, n_firms=FIRMS, seed=2)
    fitted = ts.TransferModel(geography=geography, start_year=2005, n_firms=FIRMS, seed=2, export_targets=targets)
    assert (plain.regions.export_access == 1).all()
    exports = fitted.results.regions["exports"].to_numpy()
    known = np.isfinite(targets)
    np.testing.assert_allclose(exports[known] / exports[known].sum(), targets[known] / targets[known].sum(), atol=1e-8)
    share = lambda m: m.results.regions.groupby("macro_region")["value_added"].sum() / m.results.summary["value_added"][0]  # noqa: E731
    pd.testing.assert_series_equal(share(plain), share(fitted), atol=1e-8)  # GDP shares still exact
    with pytest.raises(ValueError, match="export_targets must give 31"):
        ts.TransferModel(geography=geography, start_year=2005, n_firms=FIRMS, export_targets=targets[:5])


def test_the_start_years_status_quo_is_stationary_and_levers_change_from_it():
    status_quo = ts.Policy(china_europe_express=False, land_sea_corridor=False)
    calm = ts.TransferModel(n_firms=FIRMS, seed=4, status_quo=status_quo).run(3)
    assert calm.policy == status_quo
    opened = ts.TransferModel(n_firms=FIRMS, seed=4, status_quo=status_quo, policy=ts.Policy()).run(3)
    hubs = ["Chongqing", "Sichuan", "Shaanxi", "Henan", "Hubei", "Xinjiang"]

    def hub_exports(model):
        regions = model.results.regions
        final = regions[regions["year"] == model.year]
        return final.loc[final["region"].isin(hubs), "exports"].sum() / final["exports"].sum()
    assert hub_exports(opened) > hub_exports(calm)  # opening the corridors the start did not have


def test_agglomeration_amplifies_a_shock_and_is_neutral_at_the_start():
    shock = ts.Policy(shocks=[ts.Shock(kind="coastal_demand", year=2026, size=0.5, duration=4)])
    east = ts.Geography.china().regions_in("east")

    def east_share(agglomeration, seed):
        model = ts.TransferModel(n_firms=3000, seed=seed, policy=shock,
                                 params=ts.EconomyParams(agglomeration=agglomeration)).run(8)
        regions = model.results.regions
        start, end = (regions[regions["year"] == y] for y in (2025, 2033))
        return [part.loc[part["region"].isin(east), "value_added"].sum() / part["value_added"].sum()
                for part in (start, end)]
    for seed in (1, 2, 3):
        # a strong elasticity, so that the amplification stands out of the noise of 3,000 firms
        (start_off, end_off), (start_on, end_on) = east_share(0.0, seed), east_share(0.5, seed)
        assert start_on == pytest.approx(start_off, abs=1e-12)
        assert end_on < end_off - 0.005, seed  # losing industry costs the east productivity too


def test_the_labour_reserve_running_down_raises_the_easts_wages_against_the_interiors():
    east = ts.Geography.china().macro_region == "east"

    def wage_gap(left):
        model = ts.TransferModel(n_firms=FIRMS, seed=3, params=ts.EconomyParams(labour_reserve=0.4))
        model.labour_reserve_left = left
        wage = model.run(2).regions.wage
        return np.log(wage[east].mean() / wage[~east].mean())
    assert wage_gap(1.0) == pytest.approx(wage_gap(1.0))
    assert wage_gap(0.0) > wage_gap(1.0) + 0.02  # a reserve of 40 % gone: the east's supply is 1 / 1.4 of it


def test_infrastructure_wears_out_and_park_land_stays():
    from transfer_sim.processes.environment import invest
    model = ts.TransferModel(n_firms=FIRMS, seed=1)
    regions, p, policy = model.regions, model.params, ts.Policy()
    levers = model.levers
    pipeline = ((2026, np.full(regions.land_cap.size, 300.0)),)
    later, _ = invest(regions, pipeline, policy, levers, 2031, model.calibration.start_land_used, p)
    kept = 300.0 * (1.0 - p.infrastructure_depreciation) ** 5
    np.testing.assert_allclose(later.infrastructure, p.infrastructure_gain * (1 - np.exp(-kept / p.infrastructure_scale_bn)))
    first, _ = invest(regions, pipeline, policy, levers, 2026, model.calibration.start_land_used, p)
    np.testing.assert_allclose(later.land_cap, first.land_cap)  # zoned land does not wear out
    assert (later.infrastructure < first.infrastructure).all()


def test_a_regional_productivity_trend_moves_industry_and_bad_trends_are_refused():
    northeast = ts.Geography.china().regions_in("northeast")

    def share(trend):
        regions = ts.TransferModel(n_firms=FIRMS, seed=2, params=ts.EconomyParams(productivity_trend=trend)).run(5)\
            .results.regions
        final = regions[regions["year"] == regions["year"].max()]
        return final.loc[final["region"].isin(northeast), "value_added"].sum() / final["value_added"].sum()
    assert share({"northeast": -0.03}) < share({}) - 0.002
    for trend, phrase in [({"atlantis": 0.01}, "unknown macro-region 'atlantis'"), ({"west": 2.0}, "between -0.5 and 0.5")]:
        with pytest.raises(ValueError, match=phrase):
            ts.TransferModel(n_firms=FIRMS, params=ts.EconomyParams(productivity_trend=trend))


# the command ----------------------------------------------------------------------------------------
def test_backcast_has_help_with_an_example(capsys):
    status, out, _ = call(capsys, "backcast", "--help")
    assert status == 0 and "example:\n  transfer-sim backcast --out" in out


@pytest.fixture(scope="module")
def shipped_run(tmp_path_factory):
    """The shipped timeline and parameters, run from a directory outside the checkout."""
    out = tmp_path_factory.mktemp("backcast")
    result = cli("backcast", "--out", out, "--firms", FIRMS, "--seeds", 2, "--html", out / "backcast.html", "--quiet",
                 cwd=out)
    assert result.returncode == 0, result.stderr
    return out


def test_the_fit_file_has_exactly_the_schema(shipped_run):
    fit = pd.read_parquet(shipped_run / "fit.parquet")
    assert list(fit.columns) == FIT_COLUMNS == ["year", "metric", "region", "target_pct", "simulated_pct", "split"]
    assert str(fit["year"].dtype) == "int64" and fit[["target_pct", "simulated_pct"]].dtypes.eq("float64").all()
    assert set(fit["metric"]) == {"gdp", "secondary_va", "exports"}
    assert set(fit["region"]) == {"east", "central", "west", "northeast", "central_plus_west"}
    assert len(fit) == 15 * 3 * 5 and not fit.isna().any().any()
    assert (fit["split"] == np.where(fit["year"] <= 2013, "calibration", "holdout")).all()
    both = fit.set_index(["year", "metric", "region"])
    for column in ("target_pct", "simulated_pct"):  # the targets file rounds shares to 0.001
        cw = both.xs("central_plus_west", level="region")[column]
        parts = both.xs("central", level="region")[column] + both.xs("west", level="region")[column]
        np.testing.assert_allclose(cw, parts, atol=2e-3)
        totals = both[column].drop("central_plus_west", level="region").groupby(["year", "metric"]).sum()
        np.testing.assert_allclose(totals, 100.0, atol=3e-3)


def test_params_file_and_report(shipped_run):
    document = json.loads((shipped_run / "params.json").read_text())
    shipped = json.loads((ROOT / "src" / "transfer_sim" / "data" / "backcast_params.json").read_text())
    assert document["parameters"] == shipped["parameters"] and not document["calibrated"]
    assert set(document["ranges"]) == set(shipped["parameters"])
    assert math.isclose(document["objective"]["rmse_pp"] ** 2, document["objective"]["value"])
    assert document["objective"]["moments"] == 96 + 8  # shares of 4 regions x 3 metrics x 8 years; relocation a year
    page = (shipped_run / "backcast.html").read_text()
    assert "<script src=" not in page and page.count('class="plotly-graph-div"') == 2
    assert "Stylized facts" in page and "2013 shares held" in page


def test_the_central_runs_summary_and_sector_shares(shipped_run):
    summary = pd.read_parquet(shipped_run / "summary.parquet")
    assert summary["year"].tolist() == list(range(2005, 2020)) and "cross_province_relocations" in summary
    sectors = pd.read_parquet(shipped_run / "sectors.parquet")
    assert list(sectors.columns) == ["year", "sector", "region", "share_pct"]
    assert set(sectors["region"]) == set(MACRO_REGIONS) and set(sectors["sector"]) == set(ts.SECTORS)
    np.testing.assert_allclose(sectors.groupby(["year", "sector"])["share_pct"].sum(), 100.0)


def test_the_same_command_gives_the_same_fit(shipped_run, tmp_path):
    again = tmp_path / "again"
    assert cli("backcast", "--out", again, "--firms", FIRMS, "--seeds", 2, "--quiet").returncode == 0
    pd.testing.assert_frame_equal(pd.read_parquet(again / "fit.parquet"), pd.read_parquet(shipped_run / "fit.parquet"),
                                  check_exact=True)


def test_a_short_calibration_runs_end_to_end(capsys, tmp_path):
    """One of the parameters, so that its profile stays quick."""
    text = TIMELINE.read_text()
    block = text[text.index("[calibration.parameters]"):]
    kept = "\n".join(line for line in block.splitlines() if line.startswith(("[", "logit_beta")))
    (tmp_path / "one.toml").write_text(text.replace(block, kept + "\n"))
    out = tmp_path / "calibrated"
    status, stdout, err = call(capsys, "backcast", "--calibrate", "--evaluations", 5, "--firms", FIRMS, "--seeds", 1,
                               "--out", out, "--quiet", "--timeline", tmp_path / "one.toml", "--html", out / "report.html")
    assert status == 0, err
    page = (out / "report.html").read_text()
    assert "np.float64" not in page and " to " in page  # the profile interval as numbers, not their Python repr
    document = json.loads((out / "params.json").read_text())
    evaluations = pd.read_parquet(out / "evaluations.parquet")
    assert document["calibrated"] and len(evaluations) == document["search"]["evaluations"] <= 5
    assert set(evaluations["stage"]) == {"design", "nelder-mead"}
    for name, (low, high) in document["ranges"].items():
        assert low <= document["parameters"][name] <= high
        profile = document["search"]["profile"]["parameters"][name]
        assert len(profile["values"]) == len(profile["rmse_pp"]) == 7 and profile["values"] == sorted(profile["values"])
        assert low <= profile["interval"][0] <= document["parameters"][name] <= profile["interval"][1] <= high
    profile = document["search"]["profile"]
    assert profile["tolerance_pp"] >= max(profile["seed_noise_pp"], 0.0) and profile["tolerance_pp"] > 0
    assert document["objective"]["value"] == pytest.approx(evaluations["objective"].min(), rel=1e-12)


def test_the_objective_is_zero_at_the_targets_and_grows_with_a_gap():
    targets = history.targets().rename(columns={"target_pct": "simulated_pct"})
    assert smm.objective(targets) == 0.0
    off = targets.assign(simulated_pct=targets["simulated_pct"] + 2.0)
    assert smm.objective(off) == pytest.approx(4.0)
    years = pd.Series(range(2005, 2020))
    rare = pd.DataFrame({"year": years, "relocation_pct": 0.6})
    assert smm.objective(targets, rare) == 0.0  # under the ceiling of 1 % a year: no gap
    churn = rare.assign(relocation_pct=np.where(years == 2007, 3.0, 0.6))
    # one year 2 pp over the ceiling, weighted as a bound
    assert smm.objective(targets, churn) == pytest.approx((smm.RELOCATION_WEIGHT * 2.0)**2 / (96 + 8))


def test_the_profile_tolerance_of_independent_normal_gaps():
    # n log(RMSE^2 / RMSE*^2) = 3.84 at the tolerance
    rise = smm.likelihood_tolerance(0.8, 104)
    assert 104 * math.log(((0.8 + rise) / 0.8) ** 2) == pytest.approx(3.841)


def test_the_linear_trend_forecast_extrapolates_the_calibration_years():
    from transfer_sim.backcast import fit
    years = np.arange(2005, 2020)
    rows = [(y, m, r, 10.0 + slope * (y - 2005)) for m in history.METRICS
            for r, slope in zip(MACRO_REGIONS, (-0.5, 0.2, 0.2, 0.1)) for y in years]
    lines = pd.DataFrame(rows, columns=["year", "metric", "region", "target_pct"]).assign(
        simulated_pct=lambda f: f["target_pct"], split=lambda f: f["year"].map(history.split_of))
    errors = fit.errors(lines).set_index(["metric", "split"])
    assert errors.loc[("gdp", "holdout"), "trend_pp"] == pytest.approx(0.0, abs=1e-9)  # a line continues
    assert errors.loc[("gdp", "holdout"), "naive_pp"] > 0.5  # holding 2013 misses it
    assert errors.xs("calibration", level="split")["trend_pp"].isna().all()
    assert errors.xs("holdout", level="split")["beats_both"].all()  # a perfect fit ties the trend
    flat = lines.assign(simulated_pct=lines.groupby(["metric", "region"])["target_pct"].transform("first"))
    assert not fit.errors(flat).set_index(["metric", "split"]).xs("holdout", level="split")["beats_both"].any()


def test_errors_and_stylized_facts_of_a_perfect_fit():
    """Simulated = target: no model error, the naive forecasts' errors, and the data's facts."""
    from transfer_sim.backcast import fit
    shares = history.targets().rename(columns={"target_pct": "simulated_pct"})
    years = range(2005, 2020)
    sectors = pd.DataFrame([(y, k, 60.0 - (3.0 if k == "labour_intensive" and y >= 2008 else 0.0)
                             - (3.0 if y >= 2010 else 0.0)) for y in years for k in ts.SECTORS],
                           columns=["year", "sector", "east_pct"])
    groups = sectors[sectors["sector"].isin(["labour_intensive", "equipment"])].replace(
        {"equipment": "technology_intensive"}).rename(columns={"sector": "group"})
    relocation = pd.DataFrame({"year": list(years), "relocation_pct": 0.5})
    perfect = simulate.Simulation(shares, sectors, groups, relocation)
    table = fit.table(perfect)
    errors = fit.errors(table).set_index(["metric", "split"])
    assert (errors["rmse_pp"] == 0).all() and (errors["naive_pp"] > 0.3).all()
    gdp = table[(table["metric"] == "gdp") & table["region"].isin(MACRO_REGIONS)].pivot(
        index="year", columns="region", values="target_pct")
    naive = np.sqrt(((gdp.loc[2014:] - gdp.loc[2013]) ** 2).to_numpy().mean())  # 2013 shares held
    assert errors.loc[("gdp", "holdout"), "naive_pp"] == pytest.approx(naive)
    facts = fit.stylized_facts(table, perfect).set_index("fact")
    assert facts["data"].iloc[:3].tolist() == [8.3, 8.89, 2006] and facts["met"].all()
    # labour-intensive: 3 pp down from 2008 (1 pp a third of the way into it) and 3 more from 2010
    assert facts["simulated"].iloc[3] == "labour 2007.3, 6.0 pp; technology 2009.3, 3.0 pp"


def test_bad_input_exits_2_with_one_line_and_writes_nothing(capsys, tmp_path):
    (tmp_path / "broken.toml").write_text("[timeline\n")
    (tmp_path / "no_source.toml").write_text(TIMELINE.read_text().replace(
        'source = "provinces.csv pilot_ftz_year (verified, PROVENANCE.md section 1)"\nbasis = "data"\n', "", 1))
    (tmp_path / "atlantis.toml").write_text(TIMELINE.read_text().replace('add = { ftz_regions = ["Hainan"] }',
                                                                         'add = { ftz_regions = ["Atlantis"] }'))
    (tmp_path / "params.json").write_text(json.dumps({"parameters": {"happiness": 1.0}}))
    (tmp_path / "negative.json").write_text(json.dumps({"parameters": {"logit_beta": -5}}))
    out = tmp_path / "out"
    cases = [
        (("--out", out, "--firms", 10), "--firms must be at least 217"),
        (("--out", out, "--evaluations", 5), "--evaluations needs --calibrate"),
        (("--out", out, "--calibrate", "--params", tmp_path / "params.json"), "exclude each other"),
        (("--out", out, "--timeline", tmp_path / "missing.toml"), "missing.toml: no such file"),
        (("--out", out, "--timeline", tmp_path / "broken.toml"), "malformed TOML"),
        (("--out", out, "--timeline", tmp_path / "no_source.toml"), "source"),
        (("--out", out, "--timeline", tmp_path / "atlantis.toml"), "unknown region 'Atlantis'"),
        (("--out", out, "--params", tmp_path / "params.json"), "unknown parameter 'happiness'"),
        (("--out", out, "--params", tmp_path / "none.json"), "none.json: no such file"),
        (("--out", out, "--params", tmp_path / "negative.json"),
         "parameter logit_beta is -5; the timeline calibrates it in [2.0, 40.0]"),
        (("--out", out, "--seeds", 0), "expected a whole number > 0"),
    ]
    for args, phrase in cases:
        status, _, err = call(capsys, "backcast", *args)
        assert status == 2, args
        assert len(err.strip().splitlines()) == 1 and phrase in err, (args, err)
    assert not out.exists()


def test_the_shipped_estimate_is_the_one_in_experiments_with_its_search():
    from transfer_sim.backcast import DEFAULT_PARAMS
    shipped = ROOT / "experiments" / "backcast"
    assert (shipped / "params.json").read_bytes() == DEFAULT_PARAMS.read_bytes()
    document = json.loads(DEFAULT_PARAMS.read_text())
    evaluations = pd.read_parquet(shipped / "evaluations.parquet")
    assert document["calibrated"] and len(evaluations) == document["search"]["evaluations"]
    best = evaluations.loc[evaluations["objective"].idxmin()]
    assert {name: best[name] for name in document["parameters"]} == document["parameters"]
    assert best["objective"] == pytest.approx(document["objective"]["value"], rel=1e-12)


def test_the_page_quotes_the_back_cast_of_the_shipped_estimate(tmp_path):
    from transfer_sim.backcast import document
    page = ROOT / "docs" / "backcast.md"
    assert document.main([str(page), "--check"]) == 0
    changed = tmp_path / "backcast.md"
    text = page.read_text(encoding="utf-8")
    block = document.MARKERS.search(text).group(0)
    changed.write_text(text.replace(block, block.replace("Calibration RMSE", "Calibration RMSE 9", 1)), encoding="utf-8")
    assert document.main([str(changed), "--check"]) == 1
    assert document.main([str(changed)]) == 0 and changed.read_text(encoding="utf-8") == text



def test_the_page_says_when_the_profile_reaches_below_the_estimate():
    from transfer_sim.backcast.document import profile_minimum_text

    def estimate(rmse_at_offset: float) -> dict:
        profile = {"seed_noise_pp": 0.01, "parameters": {"a": {"values": [1.0, 2.0, 3.0],
                                                                "rmse_pp": [0.70, 0.69, rmse_at_offset]}}}
        return {"objective": {"rmse_pp": 0.69}, "search": {"profile": profile}}

    assert profile_minimum_text(estimate(0.75)) == ""
    assert "within the seed noise" in profile_minimum_text(estimate(0.685))
    assert "`a` = 3" in profile_minimum_text(estimate(0.685))
    assert "stopped short of the minimum" in profile_minimum_text(estimate(0.60))
