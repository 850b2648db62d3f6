"""Global sensitivity of the outcomes to the levers, with SALib.

Morris screening ranks levers by ``mu_star`` (mean absolute elementary effect) at a cost of
``samples × (levers + 1)`` points; Sobol splits the variance into first-order (``S1``) and
total (``ST``) indices at ``samples × (levers + 2)`` points. Each point is a scenario run
``replicates`` times with common random numbers; the analysis uses the replicate mean.
"""

from __future__ import annotations

import pandas as pd
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from .design import Plan, make_plan, ranges_problem, sampled_points
from .errors import UserError
from .spec import Sensitivity

INDEX = {"morris": "mu_star", "sobol": "ST"}  # the index that ranks levers


def sensitivity_plan(spec: Sensitivity) -> Plan:
    problem = ranges_problem(spec)
    if spec.method == "morris":
        rows = morris_sample.sample(problem, spec.samples, num_levels=spec.levels, seed=spec.seed)
    else:
        rows = sobol_sample.sample(problem, spec.samples, calc_second_order=False, seed=spec.seed)
    return make_plan("sensitivity", spec, sampled_points(spec, rows, "point"), list(spec.levers))


def analyse(spec: Sensitivity, design: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """One row per (outcome, lever): the method's indices and the lever's rank (1 = strongest)."""
    from SALib.analyze import morris as morris_analyze, sobol as sobol_analyze  # scipy.stats: slow import

    points = design.groupby("scenario", sort=False)[list(spec.levers)].first()
    means = outcomes.groupby("scenario", sort=False)[spec.outcomes].mean().reindex(points.index)
    missing = means.index[means.isna().any(axis=1)]
    if len(missing):
        raise UserError(f"{len(missing)} of {len(points)} design points have no finished run "
                        "(see failures/); the analysis needs all of them")
    problem = ranges_problem(spec)
    rows = []
    for outcome in spec.outcomes:
        y = means[outcome].to_numpy()
        if spec.method == "morris":
            result = morris_analyze.analyze(problem, points.to_numpy(), y, num_levels=spec.levels, seed=spec.seed)
            columns = ("mu", "mu_star", "sigma", "mu_star_conf")
        else:
            result = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=spec.seed)
            columns = ("S1", "S1_conf", "ST", "ST_conf")
        for i, lever in enumerate(spec.levers):
            rows.append({"method": spec.method, "outcome": outcome, "lever": lever,
                         **{c: float(result[c][i]) for c in columns}})
    table = pd.DataFrame(rows)
    strength = table.groupby("outcome")[INDEX[spec.method]]
    table["rank"] = strength.rank(ascending=False, method="min", na_option="bottom").astype(int)
    return table.sort_values(["outcome", "rank"], ignore_index=True)
