"""Calibration by simulated method of moments on the calibration years only.

The moments are the four macro-regions' shares of GDP, secondary value added and exports in
every calibration year after the start (the start year matches by construction); the
simulated moments are means over replicates that share their seeds at every parameter point
(common random numbers), so the objective is a deterministic function of the parameters.
The objective is the mean squared gap in percentage points squared (identity weights: all
moments are shares in the same unit); its square root is the calibration RMSE.

Search: a Latin hypercube over the parameter ranges (its points are independent and may run
on the batch engine's executors), then bounded Nelder-Mead from the best point. Same seeds,
same result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


def moments(frame: pd.DataFrame) -> pd.DataFrame:
    """The calibration moments of a frame with target_pct and simulated_pct."""
    years = frame["year"].between(history.CALIBRATION.start + 1, history.CALIBRATION.stop - 1)
    return frame[years & frame["region"].isin(MACRO_REGIONS)]


def objective(simulated: pd.DataFrame) -> float:
    """Mean squared gap between simulated and target shares, pp squared."""
    paired = moments(history.targets().merge(simulated, on=["year", "metric", "region"], validate="one_to_one"))
    return float(((paired["simulated_pct"] - paired["target_pct"]) ** 2).mean())


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
    return objective(simulate.simulated(problem.timeline, parameters, list(problem.seeds), problem.firms, until).shares)


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
        if progress:
            progress(len(log))
        return value

    design = qmc.LatinHypercube(d=len(problem.names), seed=np.random.default_rng(seed)).random(design_points)
    values: dict[int, float] = {}
    for (index, _), value in executor.map(partial(_evaluate_item, problem),
                                          enumerate(problem.point(u) for u in design)):
        if isinstance(value, BaseException):
            raise value
        values[index] = value
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


def profile(problem: Problem, parameters: dict[str, float], step: float = 0.1) -> dict[str, list[float]]:
    """Calibration RMSE with each parameter moved by ``step`` of its range down and up (within
    its range) from ``parameters``: a flat profile means the calibration years hardly pin it down."""
    low, high = problem.bounds.T
    out = {}
    for i, name in enumerate(problem.names):
        out[name] = []
        for sign in (-1.0, 1.0):
            moved = dict(parameters)
            moved[name] = float(np.clip(parameters[name] + sign * step * (high[i] - low[i]), low[i], high[i]))
            out[name].append(float(np.sqrt(evaluate(problem, moved))))
    return out
