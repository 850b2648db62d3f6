"""The policy search: same file, same candidates and the same bits whatever runs them; a
killed search resumes to the same Pareto set; the Pareto set is exactly the feasible
evaluations that nothing dominates; bad files stop with one line and write nothing."""

from __future__ import annotations

import json
import signal

import numpy as np
import pandas as pd
import pytest
from batch_tools import TINY_OPTIMIZE, cli, dask_cluster, search_files, start_cli, wait_until, write

from transfer_sim.batch import optimize, spec
from transfer_sim.batch.pareto import non_dominated
from transfer_sim.cli import main

pytestmark = pytest.mark.timeout(240)

OBJECTIVES = [("gap_east_west", 1.0), ("real_gdp", -1.0)]  # (outcome, sign that makes it minimised)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("search")
    path = write(folder, TINY_OPTIMIZE)
    result = cli("optimize", path, "--out", folder / "out", "--workers", "0", "--quiet")
    assert result.returncode == 0, result.stderr
    return path, folder / "out"


def test_the_search_writes_its_evaluations_and_pareto_set(reference):
    _, out = reference
    evaluations = pd.read_parquet(out / "evaluations.parquet")
    assert len(evaluations) == 18 and evaluations["generation"].tolist() == [g for g in range(3) for _ in range(6)]
    assert set(evaluations["barrier_removal_rate"]) <= {0.0, 0.1}
    assert evaluations["cage_fee"].between(0.0, 0.05).all() and evaluations["nest_subsidy"].between(0.0, 0.3).all()
    assert (evaluations["runs"] == 2).all() and (evaluations["gap_east_west_low"] < evaluations["gap_east_west"]).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "optimize" and manifest["status"] == "finished"
    assert manifest["evaluated"] == 18 and manifest["pareto"] == len(pd.read_parquet(out / "pareto.parquet"))


def test_every_pareto_mix_is_feasible_and_non_dominated_and_none_is_missing(reference):
    _, out = reference
    evaluations = pd.read_parquet(out / "evaluations.parquet")
    front = pd.read_parquet(out / "pareto.parquet")
    assert len(front) > 0 and (front["fiscal_cost_pct_gdp_cumulative"] <= -0.1).all() and front["feasible"].all()
    assert not evaluations["feasible"].all(), "the constraint should bind somewhere in this test"
    feasible = evaluations[evaluations["feasible"]]
    signed = lambda frame: np.column_stack([sign * frame[name].to_numpy() for name, sign in OBJECTIVES])
    for point in signed(front):
        others = signed(feasible)
        assert not np.any(np.all(others <= point, axis=1) & np.any(others < point, axis=1))
    expected = set(feasible[non_dominated(signed(feasible))]["mix"])
    assert set(front["mix"]) == expected and front["mix"].is_unique


def test_non_dominated_by_hand():
    points = np.array([[1.0, 5.0], [2.0, 2.0], [3.0, 3.0], [2.0, 2.0], [5.0, 1.0], [1.0, 6.0]])
    assert non_dominated(points).tolist() == [True, True, False, True, True, False]


def test_a_candidate_decodes_ranges_linearly_and_choices_by_equal_shares(tmp_path):
    loaded = spec.load(write(tmp_path, TINY_OPTIMIZE), expected="optimize")
    assert optimize.decode(loaded, np.array([0.0, 1.0, 0.49])) == {
        "cage_fee": 0.0, "nest_subsidy": 0.3, "barrier_removal_rate": 0.0}
    assert optimize.decode(loaded, np.array([0.5, 0.5, 0.5]))["barrier_removal_rate"] == 0.1
    assert optimize.decode(loaded, np.array([0.5, 0.5, 1.0]))["cage_fee"] == pytest.approx(0.025)


def test_two_dask_workers_give_the_in_process_search_bit_for_bit(reference, tmp_path):
    path, expected = reference
    result = cli("optimize", path, "--out", tmp_path / "out", "--workers", "2", "--batch-size", "1", "--quiet")
    assert result.returncode == 0, result.stderr
    assert search_files(tmp_path / "out") == search_files(expected)
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["executor"] == "local Dask cluster, 2 workers"


def test_a_separate_dask_scheduler_and_workers_give_the_same_search(reference, tmp_path):
    path, expected = reference
    with dask_cluster(tmp_path) as (address, _):
        result = cli("optimize", path, "--out", tmp_path / "out", "--scheduler", address, "--quiet")
    assert result.returncode == 0, result.stderr
    assert search_files(tmp_path / "out") == search_files(expected)


BIGGER = TINY_OPTIMIZE.replace("firms = 400", "firms = 20000").replace("years = 3", "years = 8")


def test_a_killed_search_resumes_to_the_same_pareto_set(tmp_path):
    path = write(tmp_path, BIGGER)
    done = cli("optimize", path, "--out", tmp_path / "whole", "--workers", "0", "--quiet")
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    driver = start_cli("optimize", path, "--out", out, "--workers", "0", "--quiet")
    try:
        wait_until(lambda: (out / "runs").is_dir() and len(list((out / "runs").glob("e*.parquet"))) >= 16, 120,
                   "the first generation")
        driver.send_signal(signal.SIGKILL)
        driver.wait(timeout=30)
    finally:
        if driver.poll() is None:
            driver.kill()
    assert len(list((out / "runs").glob("e*.parquet"))) < 38, "the search ended before it was killed"
    resumed = cli("optimize", path, "--out", out, "--workers", "0", "--quiet", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert search_files(out) == search_files(tmp_path / "whole")


def test_ctrl_c_stops_a_search_with_one_line_that_says_how_to_resume(tmp_path):
    path = write(tmp_path, BIGGER)
    out = tmp_path / "out"
    driver = start_cli("optimize", path, "--out", out, "--workers", "0", "--quiet")
    try:
        wait_until(lambda: (out / "runs").is_dir() and len(list((out / "runs").glob("e*.parquet"))) >= 4, 120,
                   "the first runs")
        driver.send_signal(signal.SIGINT)
        _, stderr = driver.communicate(timeout=60)
    finally:
        if driver.poll() is None:
            driver.kill()
    assert driver.returncode == 130 and "Traceback" not in stderr
    assert "runs are stored in" in stderr and "--resume" in stderr
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    assert not (out / "pareto.parquet").exists()


def test_resuming_with_another_file_is_refused(reference, tmp_path):
    path, out = reference
    other = write(tmp_path, TINY_OPTIMIZE.replace("seed = 3", "seed = 4"))
    result = cli("optimize", other, "--out", out, "--workers", "0", "--quiet", "--resume")
    assert result.returncode == 2 and "holds another design" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


BAD = {
    "unknown lever": (("cage_fee = [0.0, 0.05]", "cage_fe = [0.0, 0.05]"), "unknown lever 'cage_fe'"),
    "range past the lever's": (("cage_fee = [0.0, 0.05]", "cage_fee = [0.0, 0.5]"),
                               "bounds of cage_fee are [0.0, 0.5]"),
    "choice out of range": (("choices = [0.0, 0.1]", "choices = [0.0, 1.5]"), "barrier_removal_rate"),
    "unknown outcome": (('outcome = "real_gdp"', 'outcome = "happiness"'), "unknown outcome 'happiness'"),
    "constraint without a bound": (("at_most = -0.1", ""), "give exactly one of at_most and at_least"),
    "budget under a generation": (("evaluations = 18", "evaluations = 5"), "must be at least the population"),
    "unknown preset": (("seed = 3", 'seed = 3\npreset = "nope"'), "unknown preset 'nope'"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_search_file_exits_2_with_one_line_and_writes_nothing(capsys, tmp_path, case):
    (old, new), phrase = BAD[case]
    assert old in TINY_OPTIMIZE
    status = main(["optimize", str(write(tmp_path, TINY_OPTIMIZE.replace(old, new))), "--out",
                   str(tmp_path / "out"), "--workers", "0", "--quiet"])
    err = capsys.readouterr().err
    assert status == 2 and len(err.strip().splitlines()) == 1 and phrase in err, err
    assert not (tmp_path / "out").exists()


def test_a_sweep_file_is_no_search_file(capsys, tmp_path):
    from batch_tools import TINY_SWEEP

    status = main(["optimize", str(write(tmp_path, TINY_SWEEP)), "--out", str(tmp_path / "out")])
    assert status == 2 and "is a sweep file, not an optimize file" in capsys.readouterr().err


def test_the_report_shows_the_front_the_levers_and_the_maps_offline(reference, tmp_path, capsys):
    _, out = reference
    assert main(["report", str(out), "--html", str(tmp_path / "report.html")]) == 0, capsys.readouterr().err
    page = (tmp_path / "report.html").read_text()
    assert "<script src=" not in page
    assert page.count('class="plotly-graph-div"') == 3  # the front, the parallel axes, the map
    assert "parcoords" in page and "Guangdong" in page and "Pareto set" in page
    status = main(["compare", str(out)])
    assert status == 2 and "holds a policy search" in capsys.readouterr().err
