"""Calibration by simulated method of moments on the calibration years only.

The moments are the four macro-regions' shares of GDP, secondary value added and exports in
every calibration year after the start (the start year matches by construction), and the share
of firms relocating across provinces in each of those years wherever it exceeds 1 % (ten times
the excess: a bound, not a target); the
simulated moments are means over replicates that share their seeds at every parameter point
(common random numbers), so the objective is a deterministic function of the parameters.
The objective is the mean squared gap in percentage points squared (identity weights: all
moments are shares in the same unit); its square root is the calibration RMSE.

Search: a Latin hypercube over the parameter ranges (its points are independent and may run
on the batch engine's executors), then bounded Nelder-Mead from the best point. Same seeds,
same result.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.stats import qmc

from ..batch.executors import InProcess
from ..geography import MACRO_REGIONS
from . import history, simulate
from .timeline import Timeline

SIMPLEX_STEP = 0.15  # initial Nelder-Mead simplex, as a share of each parameter's range
#: registration data put firms' relocation across provinces well under 1 % a year
RELOCATION_CEILING_PCT = 1.0
#: a relocation rate above the ceiling is a bound broken, not a share missed: 0.1 pp above it
#: weighs as much as a share 1 pp off its target
RELOCATION_WEIGHT = 10.0


#: the years whose moments count: the calibration years after the start, which matches by construction
MOMENT_YEARS = range(history.CALIBRATION.start + 1, history.CALIBRATION.stop)


def moments(frame: pd.DataFrame) -> pd.DataFrame:
    """The calibration moments of a frame with target_pct and simulated_pct."""
    return frame[frame["year"].isin(MOMENT_YEARS) & frame["region"].isin(MACRO_REGIONS)]


def moment_count() -> int:
    """The number of moments: the shares, and the relocation rate of each moment year."""
    return len(moments(history.targets())) + len(MOMENT_YEARS)


def gaps(simulated: pd.DataFrame, relocation: pd.DataFrame | None = None) -> np.ndarray:
    """The calibration moments' gaps, pp: simulated minus target share of every macro-region, metric
    and calibration year after the start; and, given the yearly ``relocation`` (year, relocation_pct),
    :data:`RELOCATION_WEIGHT` times by how much the share of firms moving across provinces in each
    of those years exceeds :data:`RELOCATION_CEILING_PCT` (0 below it)."""
    paired = moments(history.targets().merge(simulated, on=["year", "metric", "region"], validate="one_to_one"))
    share_gaps = (paired["simulated_pct"] - paired["target_pct"]).to_numpy()
    if relocation is None:
        return share_gaps
    years = relocation["year"].isin(MOMENT_YEARS)
    excess = np.maximum(relocation.loc[years, "relocation_pct"].to_numpy() - RELOCATION_CEILING_PCT, 0.0)
    return np.concatenate([share_gaps, RELOCATION_WEIGHT * excess])


def objective(simulated: pd.DataFrame, relocation: pd.DataFrame | None = None) -> float:
    """Mean squared gap of the moments (:func:`gaps`), pp squared."""
    return float(np.mean(gaps(simulated, relocation) ** 2))


@dataclass(frozen=True)
class Problem:
    """What one evaluation needs; picklable, so that points can run on Dask workers."""

    timeline: Timeline
    seeds: tuple[int, ...]
    firms: int

    @property
    def names(self) -> list[str]:
        return list(self.timeline.calibration.parameters)

    @property
    def bounds(self) -> np.ndarray:
        return np.array([self.timeline.calibration.parameters[n] for n in self.names], dtype=float)

    def point(self, unit: np.ndarray) -> dict[str, float]:
        """Parameter values of a point of the unit cube."""
        low, high = self.bounds.T
        return {n: float(v) for n, v in zip(self.names, low + np.clip(unit, 0.0, 1.0) * (high - low))}


def evaluate(problem: Problem, parameters: dict[str, float]) -> float:
    until = history.CALIBRATION.stop - 1
    simulation = simulate.simulated(problem.timeline, parameters, list(problem.seeds), problem.firms, until)
    return objective(simulation.shares, simulation.relocation)


@dataclass(frozen=True)
class Result:
    parameters: dict[str, float]
    objective: float  # pp squared
    evaluations: pd.DataFrame  # evaluation, stage, objective and one column per parameter


class _BudgetSpent(Exception):
    """Raised to stop Nelder-Mead once the evaluations allowed are used."""


def calibrate(problem: Problem, evaluations: int, design_points: int, seed: int, executor=None,
              progress: Callable[[int], None] | None = None) -> Result:
    """Search the parameter ranges with at most ``evaluations`` objective evaluations."""
    executor = executor or InProcess()
    log: list[dict] = []
    seen: dict[tuple, float] = {}  # unit-cube point -> objective: Nelder-Mead revisits points

    def record(stage: str, unit: np.ndarray, value: float) -> float:
        seen[tuple(unit)] = value
        log.append({"evaluation": len(log), "stage": stage, "objective": value, **problem.point(unit)})
        if progress and stage != "design":  # the design's progress is told as its points finish
            progress(len(log))
        return value

    design = qmc.LatinHypercube(d=len(problem.names), seed=np.random.default_rng(seed)).random(design_points)
    values: dict[int, float] = {}
    for (index, _), value in executor.map(partial(_evaluate_item, problem),
                                          enumerate(problem.point(u) for u in design)):
        if isinstance(value, BaseException):
            raise value
        values[index] = value
        if progress:
            progress(len(values))
    for index, unit in enumerate(design):  # logged in design order, whatever order points finished in
        record("design", unit, values[index])
    best = design[min(values, key=values.get)]

    def refine(unit: np.ndarray) -> float:
        unit = np.clip(unit, 0.0, 1.0)
        if tuple(unit) in seen:
            return seen[tuple(unit)]
        if len(log) >= evaluations:
            raise _BudgetSpent
        return record("nelder-mead", unit, evaluate(problem, problem.point(unit)))

    steps = SIMPLEX_STEP * np.eye(len(best)) * np.where(best > 0.5, -1.0, 1.0)  # step into the cube
    try:
        minimize(refine, best, method="Nelder-Mead", bounds=[(0.0, 1.0)] * len(best),
                 options={"initial_simplex": np.vstack([best, best + steps]), "maxfev": evaluations,
                          "xatol": 1e-3, "fatol": 1e-4})
    except _BudgetSpent:
        pass
    table = pd.DataFrame(log)
    top = table.loc[table["objective"].idxmin()]
    return Result({n: float(top[n]) for n in problem.names}, float(top["objective"]), table)


def _evaluate_item(problem: Problem, item: tuple[int, dict[str, float]]) -> float:
    return evaluate(problem, item[1])


CHI2_95 = 3.841  # the 95 % point of the chi-squared distribution with one degree of freedom
#: where each parameter is moved for its profile, as shares of its range
PROFILE_OFFSETS = (-0.2, -0.1, -0.05, 0.05, 0.1, 0.2)


def profile_evaluations(names) -> int:
    """The simulations the uncertainty takes after the search: the seed noise (2), the estimate
    and every parameter at every profile offset."""
    return 3 + len(names) * len(PROFILE_OFFSETS)


def profile(problem: Problem, parameters: dict[str, float], tolerance_pp: float,
            progress: Callable[[int], None] | None = None) -> dict[str, dict]:
    """Each parameter's profile: the calibration RMSE with it moved by :data:`PROFILE_OFFSETS` of
    its range (within the range) and the others held, and its interval: from the lowest to the
    highest value, reached from the estimate without a gap, whose RMSE exceeds the estimate's by
    at most ``tolerance_pp`` (the seed noise, :func:`seed_noise`). A wide interval means the
    calibration years hardly pin the parameter down."""
    low, high = problem.bounds.T
    best = float(np.sqrt(evaluate(problem, parameters)))
    out = {}
    for i, name in enumerate(problem.names):
        values, rmse = [parameters[name]], [best]
        for offset in PROFILE_OFFSETS:
            moved = dict(parameters)
            moved[name] = float(np.clip(parameters[name] + offset * (high[i] - low[i]), low[i], high[i]))
            values.append(moved[name])
            rmse.append(float(np.sqrt(evaluate(problem, moved))) if moved[name] != parameters[name] else best)
            if progress:
                progress(len(values) - 1 + i * len(PROFILE_OFFSETS))
        order = np.argsort(values, kind="stable")
        values, rmse = np.array(values)[order], np.array(rmse)[order]
        inside = rmse <= best + tolerance_pp
        at = int(np.flatnonzero(order == 0)[0])  # the estimate's place
        lo = at
        while lo > 0 and inside[lo - 1]:
            lo -= 1
        hi = at
        while hi < len(values) - 1 and inside[hi + 1]:
            hi += 1
        out[name] = {"values": values.tolist(), "rmse_pp": rmse.tolist(), "interval": [float(values[lo]), float(values[hi])]}
    return out


def likelihood_tolerance(rmse_pp: float, moments: int) -> float:
    """How far the RMSE may rise above ``rmse_pp`` inside a 95 % profile-likelihood interval, pp,
    if the ``moments`` gaps were independent normal errors of a common variance: the profile
    log-likelihood is -n/2 log(RMSE^2), so the interval holds n log(RMSE^2 / RMSE*^2) <= 3.84
    (chi-squared, 1 degree of freedom), RMSE <= RMSE* exp(3.84 / 2n). Gaps of the same series in
    neighbouring years are correlated, so the interval is narrower than it should be."""
    return rmse_pp * (math.exp(CHI2_95 / (2 * moments)) - 1.0)


def seed_noise(problem: Problem, parameters: dict[str, float], other_seeds: tuple[int, ...]) -> float:
    """How much the calibration RMSE at ``parameters`` changes on another set of seeds, pp."""
    other = replace(problem, seeds=tuple(other_seeds))
    return abs(float(np.sqrt(evaluate(other, parameters))) - float(np.sqrt(evaluate(problem, parameters))))
