"""Scenario discovery: where, among uncertain assumptions, does a policy fail?

The uncertain inputs are behavioural parameters (fields of :class:`EconomyParams`) and the
year, size or duration of a shock added to every run. SALib samples them (a Latin hypercube,
or Sobol's sequence in Saltelli's design); each sample point runs the policy, and the
reference policy when there is one, on the same seeds (common random numbers), as a sweep
does. A whole-number input (a shock's year or duration) is sampled on [low, high + 1) and
floored, so each of its values is as likely. The failure criterion turns each point's mean
over its seeds into a flag, and PRIM (:mod:`.prim`) finds the boxes of inputs where the
flags are dense.

    DIR/...                    the sweep's files (design, runs, consolidated tables)
    DIR/points.parquet         one row per sample point: its inputs, its measure, failed or not, its box
    DIR/boxes.parquet          one row per box and input: limits, restricted, coverage, density, mass
    DIR/trajectory.parquet     every box's peeling trajectory (the coverage-density trade-off)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from SALib.sample import latin
from SALib.sample import sobol as sobol_sample

from .collect import Experiment
from .design import Plan, Point, build_policy, make_plan
from .prim import find_boxes
from .spec import Discover
from .storage import write_frame

WHOLE = ("shock_year", "shock_duration")  # inputs that take whole numbers
POINTS, BOXES, TRAJECTORY = "points.parquet", "boxes.parquet", "trajectory.parquet"
REFERENCE_SUFFIX = " reference"


def sample(spec: Discover) -> pd.DataFrame:
    """The sample points' inputs, one column per uncertain input."""
    ranges = spec.ranges
    bounds = [[low, high + 1.0] if name in WHOLE else [low, high] for name, (low, high) in ranges.items()]
    problem = {"num_vars": len(ranges), "names": list(ranges), "bounds": bounds}
    if spec.method == "latin":
        rows = latin.sample(problem, spec.samples, seed=spec.seed)
    else:
        rows = sobol_sample.sample(problem, spec.samples, calc_second_order=False, seed=spec.seed)
    frame = pd.DataFrame(rows, columns=list(ranges))
    for name in WHOLE:
        if name in frame:
            frame[name] = np.minimum(np.floor(frame[name]), ranges[name][1]).astype(int)
    return frame


def discover_plan(spec: Discover) -> Plan:
    """Every sample point as a scenario (and its reference twin), run ``seeds`` times."""
    policy = build_policy(spec.policy.preset, dict(spec.policy.levers), "discover.policy")
    reference = spec.reference and build_policy(spec.reference.preset, dict(spec.reference.levers), "discover.reference")
    points = []
    inputs = sample(spec)
    width = len(str(len(inputs) - 1))
    for i, row in enumerate(inputs.to_dict("records")):
        values = {k: (int(v) if k in WHOLE else float(v)) for k, v in row.items()}
        params = {k: v for k, v in values.items() if k in spec.uncertain}
        name = f"point {i:0{width}d}"
        points.append(Point(name, spec.policy.preset, _with_shock(spec, policy, spec.policy.levers, values),
                            values, params))
        if reference is not None:
            points.append(Point(name + REFERENCE_SUFFIX, spec.reference.preset,
                                _with_shock(spec, reference, spec.reference.levers, values), values, params))
    return make_plan("discover", spec, points, list(spec.ranges))


def _with_shock(spec: Discover, policy, levers: dict, values: dict) -> dict:
    """The levers with the point's shock added to the policy's own shocks."""
    if spec.shock is None:
        return dict(levers)
    shock = {"kind": spec.shock.kind, "regions": spec.shock.regions,
             **{f: values.get(f"shock_{f}", getattr(spec.shock, f)) for f in ("year", "size", "duration")}}
    return {**levers, "shocks": [s.model_dump() for s in policy.shocks] + [shock]}


def measures(spec: Discover, experiment: Experiment) -> pd.Series:
    """Each run's measure of the failure outcome (see :class:`.spec.Failure`), by (point, replicate)."""
    failure = spec.failure
    runs = experiment.outcomes.set_index(["scenario", "replicate"])[failure.outcome]
    if failure.measure == "change":
        first = experiment.indicators.sort_values("year").groupby(["scenario", "replicate"])[failure.outcome].first()
        runs = runs - first.reindex(runs.index)
    twin = runs.index.get_level_values("scenario").str.endswith(REFERENCE_SUFFIX)
    policy = runs[~twin]
    if failure.measure == "difference":
        reference = runs[twin]
        reference.index = pd.MultiIndex.from_tuples(
            [(s.removesuffix(REFERENCE_SUFFIX), r) for s, r in reference.index], names=reference.index.names)
        policy = policy - reference.reindex(policy.index)
    return policy


@dataclass(frozen=True)
class Discovery:
    points: pd.DataFrame
    boxes: pd.DataFrame
    trajectory: pd.DataFrame


def analyse(spec: Discover, plan: Plan, experiment: Experiment) -> Discovery:
    """The points' failure flags (the mean measure over seeds) and PRIM's boxes of them."""
    inputs = plan.table.groupby("scenario", sort=False)[list(spec.ranges)].first()
    means = measures(spec, experiment).groupby(level="scenario", sort=False).mean()
    points = inputs.loc[[n for n in inputs.index if not n.endswith(REFERENCE_SUFFIX)]]
    points = points.assign(measure=means.reindex(points.index))
    points = points[points["measure"].notna()]  # points whose runs all failed have no measure
    points["failed"] = [bool(spec.failure.fails(v)) for v in points["measure"]]
    found = find_boxes(points, points["failed"].to_numpy(), spec.ranges, alpha=spec.prim.peel_alpha,
                       min_mass=spec.prim.min_mass, threshold=spec.prim.threshold, boxes=spec.prim.boxes)
    points = points.assign(box=found.membership).rename_axis("point").reset_index()
    return Discovery(points, found.boxes, found.trajectory)


def write(discovery: Discovery, out: Path) -> None:
    out = Path(out)
    write_frame(out / POINTS, discovery.points)
    write_frame(out / BOXES, discovery.boxes)
    write_frame(out / TRAJECTORY, discovery.trajectory)
