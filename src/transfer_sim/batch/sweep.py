"""Running a plan: skip finished runs, batch the rest, store each result as it arrives.

Short runs are grouped so that one Dask task holds a few seconds of work (scheduling costs
milliseconds per task) while leaving several tasks per worker to balance the load.
"""

from __future__ import annotations

import math
import platform
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dask
import numpy as np
import pandas as pd

from .. import __version__
from .design import Plan, Run
from .executors import open_executor
from .progress import Progress
from .runner import Outcome, run_batch
from .storage import write_json
from .store import Store, locked

TASK_SECONDS = 2.0  # simulation time one task should hold
RUN_OVERHEAD_SECONDS = 0.05  # building a model: calibration of the start year
SECONDS_PER_FIRM_YEAR = 1e-7  # measured on one core for the China economy
TASKS_PER_WORKER = 4


@dataclass(frozen=True)
class SweepResult:
    out: Path
    total: int
    done: int
    failed: int
    seconds: float


def auto_batch_size(plan: Plan, pending: int, workers: int) -> int:
    """Runs per task: enough for TASK_SECONDS, but at least TASKS_PER_WORKER tasks a worker."""
    settings = plan.settings
    run_seconds = RUN_OVERHEAD_SECONDS + SECONDS_PER_FIRM_YEAR * settings.firms * settings.years
    for_work = math.ceil(TASK_SECONDS / run_seconds)
    for_balance = max(1, pending // (TASKS_PER_WORKER * workers))
    return max(1, min(for_work, for_balance))


def chunks(runs: list[Run], size: int) -> list[list[Run]]:
    return [runs[i:i + size] for i in range(0, len(runs), size)]


def run_sweep(plan: Plan, out: Path, *, workers: int | str = "auto", scheduler: str | None = None,
              resume: bool = False, batch_size: int | None = None, progress: bool = True,
              source: str | None = None) -> SweepResult:
    """Run every unfinished run of ``plan`` into ``out``; returns the counts at the end."""
    design = plan.table
    store = Store.check(Path(out), design, resume)
    manifest = _manifest(plan, source)
    with open_executor(workers, scheduler) as executor, locked(store.root):
        Store.check(store.root, design, resume)  # again: another driver may have written meanwhile
        store.start(design)
        manifest["executor"] = executor.description
        write_json(store.manifest, manifest)
        started = time.perf_counter()
        try:
            _execute(plan, store, executor, batch_size, progress)
            store.consolidate([run.run_id for run in plan.runs])
            manifest["status"] = "finished"
        finally:
            seconds = time.perf_counter() - started
            done, failed = len(store.finished()), len(store.failed())
            manifest.update(done=done, failed=failed, wall_seconds=round(seconds, 3),
                            ended=datetime.now(UTC).isoformat(timespec="seconds"))
            write_json(store.manifest, manifest)
    return SweepResult(Path(out), len(plan.runs), done, failed, seconds)


def _execute(plan: Plan, store: Store, executor, batch_size: int | None, progress: bool) -> None:
    """Submit the unfinished runs in batches and store every outcome as it arrives."""
    finished = store.finished()
    todo = [run for run in plan.runs if run.run_id not in finished]
    bar = Progress(len(plan.runs), len(plan.runs) - len(todo), enabled=progress, label=plan.kind)
    try:
        size = batch_size or auto_batch_size(plan, len(todo), executor.workers)
        for batch, result in executor.map(run_batch, chunks(todo, size)):
            for outcome in _outcomes(batch, result):
                store.save(outcome)
                bar.advance(outcome.ok)
    finally:
        bar.close()


def _outcomes(batch: list[Run], result) -> list[Outcome]:
    if isinstance(result, BaseException):
        error = f"{type(result).__name__}: {result}"
        return [Outcome(run.run_id, None, f"the task was lost: {error}") for run in batch]
    return result


def _manifest(plan: Plan, source: str | None) -> dict:
    return {
        "kind": plan.kind,
        "status": "interrupted",  # until the sweep ends normally
        "source": source,
        "settings": plan.settings.model_dump(mode="json"),
        "scenarios": len(plan.points),
        "runs": len(plan.runs),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": {"transfer_sim": __version__, "numpy": np.__version__, "pandas": pd.__version__,
                     "dask": dask.__version__, "python": platform.python_version()},
    }
