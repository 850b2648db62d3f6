"""Scenario discovery: PRIM finds a failure box it is given, the sample and the plan carry the
uncertain inputs to the runs, the failure measure is the one defined, and the report draws."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from batch_tools import write

from transfer_sim.batch import discover, spec
from transfer_sim.batch.collect import load as load_results
from transfer_sim.batch.prim import find_boxes
from transfer_sim.cli import main
from transfer_sim.policy import Policy

pytestmark = pytest.mark.timeout(180)

UNIT = {name: (0.0, 1.0) for name in "abcd"}


def synthetic(n: int = 2000, noise: float = 0.05, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """A model that fails exactly where a > 0.6 and b < 0.3 (and c, d do not matter), with a
    share ``noise`` of the flags flipped."""
    rng = np.random.default_rng(seed)
    points = pd.DataFrame(rng.uniform(size=(n, 4)), columns=list("abcd"))
    failed = ((points["a"] > 0.6) & (points["b"] < 0.3)).to_numpy()
    flip = rng.uniform(size=n) < noise
    return points, failed ^ flip


def test_prim_recovers_a_known_failure_box():
    points, failed = synthetic()
    found = find_boxes(points, failed, UNIT, alpha=0.05, min_mass=0.05, threshold=0.9)
    box = found.boxes.set_index("parameter")
    assert box.at["a", "low"] == pytest.approx(0.6, abs=0.02) and box.at["a", "high"] == 1.0
    assert box.at["b", "high"] == pytest.approx(0.3, abs=0.02) and box.at["b", "low"] == 0.0
    assert box["restricted"].to_dict() == {"a": True, "b": True, "c": False, "d": False}
    truth = ((points["a"] > 0.6) & (points["b"] < 0.3)).to_numpy()
    best_coverage = failed[truth].sum() / failed.sum()  # the flipped flags outside the box cannot be covered
    assert box["coverage"].iloc[0] > 0.95 * best_coverage and box["density"].iloc[0] > 0.9
    assert box["mass"].iloc[0] == pytest.approx(0.12, abs=0.01)  # 0.4 x 0.3 of the cube


def test_the_trajectory_trades_coverage_for_density_from_the_whole_space():
    points, failed = synthetic()
    found = find_boxes(points, failed, UNIT)
    steps = found.trajectory
    assert steps.iloc[0][["coverage", "mass"]].tolist() == [1.0, 1.0]
    assert steps["density"].iloc[0] == pytest.approx(failed.mean())
    assert (np.diff(steps["mass"]) < 0).all() and (np.diff(steps["coverage"]) <= 0).all()
    assert steps["mass"].min() >= 0.05 and steps["chosen"].sum() == 1


def test_covering_finds_a_second_box_after_setting_the_first_aside():
    points, failed = synthetic(noise=0.0)
    second = ((points["c"] > 0.85) & (points["a"] < 0.3)).to_numpy()
    found = find_boxes(points, failed | second, UNIT, boxes=3)
    boxes = found.boxes[found.boxes["restricted"]].groupby("box")["parameter"].apply(set).to_dict()
    assert boxes == {0: {"a", "b"}, 1: {"a", "c"}}
    assert set(np.unique(found.membership)) == {-1, 0, 1}
    assert found.boxes.groupby("box")["coverage"].first().sum() == pytest.approx(1.0, abs=0.1)


def test_whole_numbers_peel_a_value_at_a_time():
    rng = np.random.default_rng(3)
    points = pd.DataFrame({"year": rng.integers(2026, 2031, 1000).astype(float), "size": rng.uniform(size=1000)})
    failed = (points["year"] >= 2029).to_numpy()
    found = find_boxes(points, failed, {"year": (2026.0, 2030.0), "size": (0.0, 1.0)})
    box = found.boxes.set_index("parameter")
    assert (box.at["year", "low"], box.at["year", "high"]) == (2029.0, 2030.0)
    assert box.at["year", "density"] == 1.0 and box.at["year", "coverage"] == 1.0


TINY = """
[discover]
name = "tiny_discovery"
years = 4
firms = 400
seeds = 2
seed = 4
samples = 12
policy = { preset = "baseline", levers = { hinterland_subsidy = 0.3 } }
reference = { preset = "baseline" }

[discover.uncertain]
logit_beta = [4.0, 20.0]
migration_rate = [0.005, 0.05]

[discover.shock]
kind = "coastal_demand"
year = [2026, 2028]
size = [0.1, 0.5]
duration = 2

[discover.failure]
outcome = "gap_east_west"
measure = "difference"
at_least = -0.01

[discover.prim]
min_mass = 0.1
"""


def test_the_plan_gives_each_point_its_parameters_and_shock_and_a_reference_twin(tmp_path):
    loaded = spec.load(write(tmp_path, TINY), expected="discover").discover
    plan = discover.discover_plan(loaded)
    assert len(plan.points) == 24 and len(plan.runs) == 48
    years = [p.values["shock_year"] for p in plan.points]
    assert set(years) <= {2026, 2027, 2028} and all(isinstance(y, int) for y in years)
    for policy_point, twin in zip(plan.points[::2], plan.points[1::2]):
        assert twin.name == policy_point.name + " reference" and twin.params == policy_point.params
        assert set(policy_point.params) == {"logit_beta", "migration_rate"}
        shock = Policy.model_validate(twin.levers).shocks[0]
        assert (shock.year, shock.size) == (policy_point.values["shock_year"], policy_point.values["shock_size"])
    by_point = {}
    for run in plan.runs:  # the same seeds at every point, the parameters travel with each run
        by_point.setdefault(run.replicate, set()).add(run.seed)
        assert json.loads(run.params).keys() == {"logit_beta", "migration_rate"}
    assert all(len(seeds) == 1 for seeds in by_point.values())


def split_at_the_median(path, out) -> None:
    """Analyse a finished discovery again with its failure bound at the median measure, so that
    half the points fail whatever the model's numbers are."""
    loaded = spec.load(path, expected="discover").discover
    median = float(pd.read_parquet(out / "points.parquet")["measure"].median())
    moved = loaded.model_copy(update={"failure": loaded.failure.model_copy(update={"at_least": median})})
    discover.write(discover.analyse(moved, discover.discover_plan(moved), load_results(out)), out)


def test_the_discovery_flags_points_by_the_paired_difference_and_reports(tmp_path, capsys):
    path = write(tmp_path, TINY)
    out = tmp_path / "out"
    status = main(["discover", str(path), "--out", str(out), "--workers", "0", "--quiet"])
    assert status == 0, capsys.readouterr().err
    points = pd.read_parquet(out / "points.parquet")
    runs = load_results(out).outcomes.set_index(["scenario", "replicate"])["gap_east_west"]
    first = points["point"].iloc[0]
    by_hand = np.mean([runs[(first, r)] - runs[(f"{first} reference", r)] for r in range(2)])
    assert points["measure"].iloc[0] == pytest.approx(by_hand, rel=1e-12)
    assert (points["failed"] == (points["measure"] >= -0.01)).all()
    split_at_the_median(path, out)
    points = pd.read_parquet(out / "points.parquet")
    assert points["failed"].sum() == len(points) // 2
    boxes = pd.read_parquet(out / "boxes.parquet")
    assert set(boxes["parameter"]) == {"logit_beta", "migration_rate", "shock_year", "shock_size"}
    assert main(["report", str(out), "--html", str(tmp_path / "report.html")]) == 0
    page = (tmp_path / "report.html").read_text()
    assert "<script src=" not in page and "Scenario discovery" in page
    assert page.count('class="plotly-graph-div"') == 2 and "coverage" in page


BAD = {
    "unknown parameter": (("logit_beta = [4.0, 20.0]", "logit_betta = [4.0, 20.0]"), "not a behavioural parameter"),
    "parameter out of its domain": (("logit_beta = [4.0, 20.0]", "logit_beta = [-1.0, 20.0]"),
                                    "logit_beta must be a positive number"),
    "shock out of range": (("size = [0.1, 0.5]", "size = [0.1, 1.5]"), "less than or equal to 1"),
    "difference without reference": (('reference = { preset = "baseline" }\n', ""), "needs a [discover.reference]"),
    "change of a total": (('outcome = "gap_east_west"\nmeasure = "difference"',
                           'outcome = "exits_total"\nmeasure = "change"'), "'change' needs a yearly indicator"),
    "failure without a bound": (("at_least = -0.01", ""), "give exactly one of at_least and at_most"),
    "unknown lever": (("hinterland_subsidy = 0.3", "hinterland = 0.3"), "unknown lever 'hinterland'"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_discovery_file_exits_2_with_one_line_and_writes_nothing(capsys, tmp_path, case):
    (old, new), phrase = BAD[case]
    assert old in TINY
    status = main(["discover", str(write(tmp_path, TINY.replace(old, new))), "--out", str(tmp_path / "out"),
                   "--workers", "0", "--quiet"])
    err = capsys.readouterr().err
    assert status == 2 and len(err.strip().splitlines()) == 1 and phrase in err, err
    assert not (tmp_path / "out").exists()
