"""Running a plan: skip finished runs, batch the rest, store each result as it arrives.

Short runs are grouped so that one Dask task holds a few seconds of work (scheduling costs
milliseconds per task) while leaving several tasks per worker to balance the load.
"""

from __future__ import annotations

import math
import platform
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


def auto_batch_size(settings, pending: int, workers: int) -> int:
    """Runs per task: enough for TASK_SECONDS, but at least TASKS_PER_WORKER tasks a worker."""
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
    manifest = new_manifest(plan.kind, plan.settings, source, scenarios=len(plan.points), runs=len(plan.runs))
    with driving(Store(Path(out)), plan.table, resume, manifest, workers, scheduler) as (store, executor):
        finished = store.finished()
        todo = [run for run in plan.runs if run.run_id not in finished]
        bar = Progress(len(plan.runs), len(plan.runs) - len(todo), enabled=progress, label=plan.kind)
        try:
            execute(todo, plan.settings, store, executor, batch_size, bar)
        finally:
            bar.close()
        store.consolidate([run.run_id for run in plan.runs])
        manifest["status"] = "finished"
    return SweepResult(Path(out), len(plan.runs), manifest["done"], manifest["failed"], manifest["wall_seconds"])


@contextmanager
def driving(store: Store, design: pd.DataFrame, resume: bool, manifest: dict, workers: int | str,
            scheduler: str | None) -> Iterator[tuple[Store, object]]:
    """Check ``store`` for ``design``, open the executor, hold the lock, write the manifest at the
    start and, whatever happens, at the end with the runs done and failed and the wall time.
    Set ``manifest["status"] = "finished"`` inside to record a normal end."""
    store.check(design, resume)
    with open_executor(workers, scheduler) as executor, locked(store.root):
        store.check(design, resume)  # again: another driver may have written meanwhile
        store.start(design)
        manifest["executor"] = executor.description
        write_json(store.manifest, manifest)
        started = time.perf_counter()
        try:
            yield store, executor
        finally:
            manifest.update(done=len(store.finished()), failed=len(store.failed()),
                            wall_seconds=round(time.perf_counter() - started, 3),
                            ended=datetime.now(UTC).isoformat(timespec="seconds"))
            write_json(store.manifest, manifest)


def execute(todo: list[Run], settings, store: Store, executor, batch_size: int | None, bar: Progress) -> None:
    """Submit ``todo`` in batches and store every outcome as it arrives."""
    size = batch_size or auto_batch_size(settings, len(todo), executor.workers)
    for batch, result in executor.map(run_batch, chunks(todo, size)):
        for outcome in _outcomes(batch, result):
            store.save(outcome)
            bar.advance(outcome.ok)


def _outcomes(batch: list[Run], result) -> list[Outcome]:
    if isinstance(result, BaseException):
        error = f"{type(result).__name__}: {result}"
        return [Outcome(run.run_id, None, f"the task was lost: {error}") for run in batch]
    return result


def new_manifest(kind: str, settings, source: str | None, **facts) -> dict:
    """An experiment's manifest as it starts: its kind, settings, ``facts`` and the versions."""
    return {
        "kind": kind,
        "status": "interrupted",  # until the experiment ends normally
        "source": source,
        "settings": settings.model_dump(mode="json"),
        **facts,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": {"transfer_sim": __version__, "numpy": np.__version__, "pandas": pd.__version__,
                     "dask": dask.__version__, "python": platform.python_version()},
    }
