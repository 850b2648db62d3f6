"""Batch experiments: scenario, sweep, sensitivity, optimize and discover files run in-process or on Dask.

    from transfer_sim import batch
    spec = batch.load("experiments/fifteenth_plan.toml", replicates=2)
    result = batch.run_sweep(batch.sweep_plan(spec), "results/plan", workers=2)
    batch.write_report([batch.load_results("results/plan")], "results/plan/report.html")

    search = batch.load("experiments/optimize_cage_nest.toml", evaluations=64)
    batch.run_search(search, "results/cage_nest", workers=2)   # evaluations.parquet, pareto.parquet

The command line (``transfer-sim``) is a thin layer over these functions.
"""

from .collect import Experiment
from .collect import load as load_results
from .design import Plan, Run, build_policy, sweep_plan
from .discover import discover_plan
from .errors import UserError
from .optimize import run_search
from .report import write_report
from .sensitivity import analyse, sensitivity_plan
from .spec import load
from .sweep import SweepResult, run_sweep

__all__ = [
    "Experiment", "Plan", "Run", "SweepResult", "UserError", "analyse", "build_policy", "discover_plan", "load",
    "load_results", "run_search", "run_sweep", "sensitivity_plan", "sweep_plan", "write_report",
]
