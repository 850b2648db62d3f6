"""The batch layer in one process: seeds, designs, run files, failures, outcomes, Morris."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from batch_tools import ROOT, TINY_SWEEP, cli, write

import transfer_sim as ts
from transfer_sim import batch
from transfer_sim.batch import discover, optimize, outcomes, report, storage
from transfer_sim.batch.runner import run_batch, simulate, tables
from transfer_sim.batch.seeds import run_seed
from transfer_sim.batch.spec import lever_range
from transfer_sim.cli import main
from transfer_sim.results import BUDGET_COLUMNS
from transfer_sim.state import INSTRUMENTS

pytestmark = pytest.mark.timeout(120)


def tiny_plan(tmp_path, text=TINY_SWEEP, **overrides) -> batch.Plan:
    return batch.sweep_plan(batch.load(write(tmp_path, text), **overrides))


# ------------------------------------------------------------------------- seeds
def test_common_random_numbers_share_seeds_across_scenarios_not_replicates():
    seeds = {(s, r): run_seed(7, r, s) for s in range(3) for r in range(4)}
    assert all(seeds[(s, r)] == seeds[(0, r)] for s, r in seeds)
    assert len({seeds[(0, r)] for r in range(4)}) == 4
    assert all(0 <= seed < 2**63 for seed in seeds.values())


def test_independent_seeds_differ_by_scenario_and_depend_on_the_base_seed():
    assert run_seed(7, 0, 1, common_random_numbers=False) != run_seed(7, 0, 2, common_random_numbers=False)
    assert run_seed(7, 0, 0) != run_seed(8, 0, 0)


def test_adding_replicates_keeps_the_earlier_runs(tmp_path):
    two = tiny_plan(tmp_path).table
    three = tiny_plan(tmp_path, replicates=3).table
    pd.testing.assert_frame_equal(three[three["replicate"] < 2].reset_index(drop=True), two)


# ------------------------------------------------------------------------- designs
def test_grid_is_a_full_factorial_after_the_explicit_scenarios(tmp_path):
    plan = tiny_plan(tmp_path)
    assert [p.name for p in plan.points] == [
        "baseline", "plan", "cage_fee=0.0, nest_subsidy=0.0", "cage_fee=0.0, nest_subsidy=0.2",
        "cage_fee=0.02, nest_subsidy=0.0", "cage_fee=0.02, nest_subsidy=0.2"]
    assert len(plan.runs) == 12 and len({r.run_id for r in plan.runs}) == 12
    table = plan.table
    assert table["cage_fee"].isna().sum() == 4  # explicit scenarios vary no grid lever
    policy = ts.Policy.model_validate_json(plan.runs[-1].policy)
    assert policy == ts.Policy.preset("cage_and_nest").with_changes(cage_fee=0.02, nest_subsidy=0.2)


def test_latin_sample_stays_within_the_bounds(tmp_path):
    text = """[sweep]\nreplicates = 1\n[sample]\nn = 9\nlevers = ["cage_fee", "nest_subsidy"]
[sample.bounds]\nnest_subsidy = [0.1, 0.3]\n"""
    table = tiny_plan(tmp_path, text).table
    assert len(table) == 9
    assert table["cage_fee"].between(*lever_range("cage_fee")).all()
    assert table["nest_subsidy"].between(0.1, 0.3).all()
    # a Latin hypercube puts one point in each of the n strata of every lever
    assert sorted(np.floor((table["nest_subsidy"] - 0.1) / 0.2 * 9).astype(int)) == list(range(9))


def test_lever_ranges_come_from_the_policy_fields():
    assert lever_range("cage_fee") == (0.0, 0.1)
    assert lever_range("corridor_capacity") == (0.1, 5.0)
    with pytest.raises(ValueError, match="not a continuous lever"):
        lever_range("ecological_zones")


@pytest.mark.parametrize("method, per_sample", [("morris", 3 + 1), ("sobol", 3 + 2)])
def test_sensitivity_designs_have_the_textbook_size(tmp_path, method, per_sample):
    levers = ["cage_fee", "nest_subsidy", "corridor_discount"]
    text = f"[sensitivity]\nmethod = '{method}'\nsamples = 4\nlevers = {levers}\n"
    spec = batch.load(write(tmp_path, text)).sensitivity
    assert len(batch.sensitivity_plan(spec).runs) == 4 * per_sample


EXPERIMENT_FILES = [p for p in sorted((ROOT / "experiments").rglob("*.toml"))
                    if "timeline" not in tomllib.loads(p.read_text())]  # timelines: test_backcast.py


@pytest.mark.parametrize("path", EXPERIMENT_FILES, ids=lambda p: p.name)
def test_every_shipped_experiment_is_valid(path):
    loaded = batch.load(path)
    if isinstance(loaded, batch.spec.SweepFile):
        assert batch.sweep_plan(loaded).runs
    elif isinstance(loaded, batch.spec.SensitivityFile):
        assert batch.sensitivity_plan(loaded.sensitivity).runs
    elif isinstance(loaded, batch.spec.OptimizeFile):
        optimize.check(loaded)
    elif isinstance(loaded, batch.spec.DiscoverFile):
        assert discover.discover_plan(loaded.discover).runs
    else:
        batch.build_policy(loaded.scenario.preset, loaded.scenario.levers, loaded.scenario.name)


# ------------------------------------------------------------------------- storage
def test_a_run_file_gives_back_the_exact_tables(tmp_path):
    run = tiny_plan(tmp_path).runs[2]
    expected = tables(simulate(run))
    [outcome] = run_batch([run])
    path = tmp_path / "run.parquet"
    path.write_bytes(outcome.data)
    for name, table in storage.unpack_run(path).items():
        frame = table.to_pandas()
        assert (frame["run_id"] == run.run_id).all() and (frame["seed"] == run.seed).all()
        pd.testing.assert_frame_equal(frame.drop(columns=list(storage.KEYS)), expected[name], check_exact=True)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_partial(tmp_path):
    path = tmp_path / "table.parquet"
    storage.atomic_write(path, b"old")
    with pytest.raises(TypeError):
        storage.atomic_write(path, "not bytes")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["table.parquet"]


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    plan = tiny_plan(tmp_path, replicates=1)
    broken = replace(plan.runs[1], policy='{"cage_fee": 5}')
    plan = replace(plan, runs=[plan.runs[0], broken, *plan.runs[2:]])
    result = batch.run_sweep(plan, tmp_path / "out", workers=0, progress=False)
    assert (result.total, result.done, result.failed) == (6, 5, 1)
    failure = json.loads((tmp_path / "out" / "failures" / f"{broken.run_id}.json").read_text())
    assert failure["error"].startswith("ValidationError") and "cage_fee" in failure["error"]
    summary = pd.read_parquet(tmp_path / "out" / "summary.parquet")
    assert broken.run_id not in set(summary["run_id"]) and summary["run_id"].nunique() == 5
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["failed"] == 1


# ------------------------------------------------------------------------- outcomes
@pytest.fixture(scope="module")
def experiment(tmp_path_factory) -> batch.Experiment:
    folder = tmp_path_factory.mktemp("sweep")
    batch.run_sweep(tiny_plan(folder), folder / "out", workers=0, progress=False)
    return batch.load_results(folder / "out")


def test_the_provinces_instruments_and_books_are_stored_and_reported(experiment, tmp_path):
    assert set(experiment.local_policy["instrument"]) == set(INSTRUMENTS)
    assert list(experiment.budgets.columns) == [*storage.KEYS, "year", "region", *BUDGET_COLUMNS]
    assert experiment.local_policy["run_id"].nunique() == experiment.summary["run_id"].nunique()
    runs = report.local_competition(experiment).set_index("run_id")
    final = experiment.budgets[experiment.budgets["year"] == experiment.budgets["year"].max()]
    one = final[final["run_id"] == "s00001r0001"]
    assert runs.loc["s00001r0001", "balance"] == pytest.approx(one["balance"].sum())
    assert ((0 <= runs["tax_rebate"]) & (runs["tax_rebate"] <= 25)).all()
    page = tmp_path / "report.html"
    report.write_report([experiment], page)
    assert "Local competition" in page.read_text() and "land discount (% of rent)" in page.read_text()


def test_a_store_written_before_the_local_tables_still_reports(experiment, tmp_path):
    older = replace(experiment, local_policy=None, budgets=None)
    page = report.write_report([older], tmp_path / "report.html").read_text()
    assert "Not stored: these runs were written by a transfer-sim that did not keep" in page
    run_file = next((experiment.root / "runs").glob("*.parquet"))
    assert set(storage.unpack_run(run_file, ("summary", "budgets"))) == {"summary", "budgets"}
    old = tmp_path / "old.parquet"
    pq.write_table(pq.read_table(run_file).drop_columns(["local_policy", "budgets"]), old)
    assert set(storage.unpack_run(old)) == {"summary", "regions", "sectors", "flows", "fiscal"}


def test_macro_shares_add_up_and_totals_sum_the_simulated_years(experiment):
    shares = experiment.indicators[[f"va_share_{m}" for m in outcomes.MACRO_REGIONS]].sum(axis=1)
    assert np.allclose(shares, 100)
    run = experiment.summary[experiment.summary["run_id"] == "s00001r0001"]
    scalars = experiment.outcomes.set_index("run_id").loc["s00001r0001"]
    assert scalars["relocations_total"] == run["relocations"].iloc[1:].sum()
    assert scalars["theil_total"] == run["theil_total"].iloc[-1]


def test_the_east_west_gap_and_the_cumulative_fiscal_cost_by_hand(experiment):
    run_id = "s00001r0001"
    regions = experiment.regions[experiment.regions["run_id"] == run_id]
    final = regions[regions["year"] == regions["year"].max()].groupby("macro_region")[["gdp", "population"]].sum()
    per_head = final["gdp"] / final["population"]
    scalars = experiment.outcomes.set_index("run_id").loc[run_id]
    assert scalars["gap_east_west"] == pytest.approx(per_head["east"] / per_head["west"], rel=1e-12)
    assert scalars["gap_east_west"] > 1  # the east is richer per head
    summary = experiment.summary[experiment.summary["run_id"] == run_id].iloc[1:]  # the simulated years
    cumulative = 100 * summary["fiscal_cost"].sum() / summary["gdp"].sum()
    assert scalars["fiscal_cost_pct_gdp_cumulative"] == pytest.approx(cumulative, rel=1e-12)
    assert scalars["fiscal_cost_pct_gdp_cumulative"] != 0  # the plan's levers cost something
    assert outcomes.indicator_of("fiscal_cost_pct_gdp_cumulative") == "fiscal_cost_pct_gdp"


def test_confidence_interval_is_student_t():
    frame = pd.DataFrame({"scenario": ["a"] * 3, "x": [1.0, 2.0, 3.0]})
    row = outcomes.mean_ci(frame, ["scenario"], ["x"]).iloc[0]
    assert row["mean"] == 2.0 and row["n"] == 3
    assert row["high"] - row["mean"] == pytest.approx(4.302653 * 1.0 / np.sqrt(3), rel=1e-6)


def test_differences_are_paired_by_seed(experiment):
    runs = experiment.outcomes
    diff = outcomes.differences(runs, "baseline", ["theil_total"]).set_index("scenario").loc["plan"]
    by_seed = runs.pivot(index="seed", columns="scenario", values="theil_total")
    assert diff["mean"] == pytest.approx((by_seed["plan"] - by_seed["baseline"]).mean())


def test_morris_end_to_end_finds_the_inert_lever(tmp_path):
    """With both corridors closed, the corridor discount cannot matter; the cage fee does."""
    spec = write(tmp_path, """
[sensitivity]
name = "tiny_morris"
method = "morris"
samples = 4
years = 3
firms = 600
seed = 3
outcomes = ["theil_total", "va_share_east"]
levers = ["cage_fee", "corridor_discount", "nest_subsidy"]
fixed = { china_europe_express = false, land_sea_corridor = false }
""")
    out = tmp_path / "out"
    result = cli("sensitivity", spec, "--out", out, "--workers", "0", "--quiet")
    assert result.returncode == 0, result.stderr
    indices = pd.read_csv(out / "sensitivity.csv")
    assert len(indices) == 2 * 3 and set(indices.columns) >= {"mu", "mu_star", "sigma", "mu_star_conf", "rank"}
    pd.testing.assert_frame_equal(pd.read_parquet(out / "sensitivity.parquet"), indices, check_dtype=False)
    discount = indices[indices["lever"] == "corridor_discount"]
    assert (discount["mu_star"] == 0).all() and (discount["rank"] == 3).all()
    assert (indices[indices["lever"] == "cage_fee"]["mu_star"] > 0).all()
    assert "plotly" in (out / "sensitivity.html").read_text()
    assert "corridor_discount" in result.stdout
    assert main(["report", str(out), "--html", str(out / "report.html")]) == 0
    page = (out / "report.html").read_text()
    assert "Sensitivity ranking" in page and "Final-year outcomes" not in page  # design points are no scenarios

