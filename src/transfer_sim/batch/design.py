"""From an experiment file to the list of runs: scenarios × replicates, each with its seed.

Every scenario's policy is built and checked here (levers, preset, regions), so a spec
that names something unknown fails before a single file is written.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import asdict, dataclass, field

import pandas as pd
from pydantic import ValidationError
from SALib.sample import latin

from ..geography import Geography
from ..levers import PolicyError, resolve
from ..policy import Policy
from ..sectors import sector_table
from .errors import UserError, describe
from .seeds import run_seed
from .spec import LeverRanges, Settings, SweepFile


@dataclass(frozen=True)
class Point:
    """One scenario of a design: a preset, its lever overrides, the varied levers' values and the
    behavioural parameters that differ from their defaults."""

    name: str
    preset: str = "baseline"
    levers: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """Everything a worker needs to simulate one run; the policy travels as JSON, and so do the
    behavioural parameters that differ from :class:`EconomyParams`' defaults (``""``: none)."""

    run_id: str
    scenario: str
    replicate: int
    seed: int
    policy: str
    years: int
    firms: int
    start_year: int
    params: str = ""


@dataclass(frozen=True)
class Plan:
    kind: str  # "sweep" or "sensitivity"
    settings: Settings
    points: tuple[Point, ...]
    runs: list[Run]
    varied: list[str]

    @property
    def table(self) -> pd.DataFrame:
        """The design as a frame: one row per run, with the varied levers' values."""
        values = {point.name: point.values for point in self.points}
        frame = pd.DataFrame([asdict(run) for run in self.runs])
        if not frame["params"].any():  # the default parameters: the design of a plain sweep
            frame = frame.drop(columns="params")
        for lever in self.varied:
            frame[lever] = [float(values[s].get(lever, float("nan"))) for s in frame["scenario"]]
        return frame


def build_policy(preset: str, levers: dict, where: str) -> Policy:
    """The policy of one scenario, or a :class:`UserError` that says where it went wrong."""
    try:
        policy = Policy.preset(preset).with_changes(**levers)
        resolve(policy, Geography.china(), sector_table())
    except ValidationError as error:
        raise UserError(f"{where}: {describe(error, 'levers')}") from None
    except (ValueError, PolicyError) as error:
        raise UserError(f"{where}: {error}") from None
    return policy


def make_plan(kind: str, settings: Settings, points: list[Point], varied: list[str]) -> Plan:
    """Scenarios × replicates in a fixed order; run ids are ``s<scenario>r<replicate>``."""
    names = [p.name for p in points]
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        raise UserError(f"scenario names must be unique; repeated: {', '.join(repeated)}")
    runs = []
    for index, point in enumerate(points):
        policy = build_policy(point.preset, point.levers, f"scenario {point.name!r}")
        as_json = policy.model_dump_json(exclude_unset=True)
        params = json.dumps(point.params, sort_keys=True) if point.params else ""
        for replicate in range(settings.replicates):
            runs.append(Run(
                run_id=f"s{index:05d}r{replicate:04d}", scenario=point.name, replicate=replicate,
                seed=run_seed(settings.seed, replicate, index, settings.common_random_numbers),
                policy=as_json, years=settings.years, firms=settings.firms, start_year=settings.start_year,
                params=params,
            ))
    return Plan(kind, settings, tuple(points), runs, varied)


def sweep_plan(spec: SweepFile) -> Plan:
    """Explicit scenarios, then the grid's points, then the sample's points."""
    points = [Point(s.name, s.preset, dict(s.levers)) for s in spec.scenarios]
    varied: list[str] = []
    if spec.grid:
        names = list(spec.grid.levers)
        for combo in itertools.product(*spec.grid.levers.values()):
            values = dict(zip(names, combo))
            label = ", ".join(f"{k}={json.dumps(v)}" for k, v in values.items())
            points.append(Point(label, spec.grid.preset, {**spec.grid.fixed, **values}, _numeric(values)))
        varied += [n for n in names if all(_is_number(v) for v in spec.grid.levers[n])]
    if spec.sample:
        rows = latin.sample(ranges_problem(spec.sample), spec.sample.n, seed=spec.sweep.seed)
        points += sampled_points(spec.sample, rows, "sample")
        varied += [n for n in spec.sample.levers if n not in varied]
    return make_plan("sweep", spec.sweep, points, varied)


def ranges_problem(ranges: LeverRanges) -> dict:
    """The SALib problem of some lever ranges."""
    return {"num_vars": len(ranges.levers), "names": list(ranges.levers),
            "bounds": [list(ranges.range_of(n)) for n in ranges.levers]}


def sampled_points(ranges: LeverRanges, rows, prefix: str) -> list[Point]:
    """One scenario per row of a sample matrix over ``ranges.levers``."""
    width = len(str(len(rows) - 1))
    points = []
    for i, row in enumerate(rows):
        values = {name: float(x) for name, x in zip(ranges.levers, row)}
        points.append(Point(f"{prefix} {i:0{width}d}", ranges.preset, {**ranges.fixed, **values}, values))
    return points


def _is_number(value) -> bool:
    return isinstance(value, int | float)


def _numeric(values: dict) -> dict:
    return {k: v for k, v in values.items() if _is_number(v)}
