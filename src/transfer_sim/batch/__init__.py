"""Batch experiments: scenario, sweep and sensitivity files run in-process or on Dask.

    from transfer_sim import batch
    spec = batch.load("experiments/fifteenth_plan.toml", replicates=2)
    result = batch.run_sweep(batch.sweep_plan(spec), "results/plan", workers=2)
    batch.write_report([batch.load_results("results/plan")], "results/plan/report.html")

The command line (``transfer-sim``) is a thin layer over these functions.
"""

from .collect import Experiment
from .collect import load as load_results
from .design import Plan, Run, build_policy, sweep_plan
from .errors import UserError
from .report import write_report
from .sensitivity import analyse, sensitivity_plan
from .spec import load
from .sweep import SweepResult, run_sweep

__all__ = [
    "Experiment", "Plan", "Run", "SweepResult", "UserError", "analyse", "build_policy", "load",
    "load_results", "run_sweep", "sensitivity_plan", "sweep_plan", "write_report",
]
