"""`make bench-batch`: sweep throughput in runs per minute on 1 and 2 Dask workers.

Parallel efficiency = rate on 2 workers / (2 x rate on 1 worker). Each case runs the real
sweep path (batching, Parquet files, consolidation) against a local cluster started and
warmed up beforehand, so the figures leave out the seconds a cluster takes to start.
Prints a table and writes benchmarks/results/batch.json (ignored by git).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from dask.distributed import Client

from transfer_sim.batch.design import Point, make_plan
from transfer_sim.batch.executors import local_cluster
from transfer_sim.batch.spec import Settings
from transfer_sim.batch.sweep import run_sweep

# (label, firms, years, runs): short runs (~0.05 s) are batched automatically; long ones take ~1 s
CASES = [("short", 5_000, 10, 240), ("medium", 100_000, 15, 60), ("long", 600_000, 25, 20)]
WORKERS = (1, 2)


def plan(firms: int, years: int, runs: int):
    settings = Settings(name="bench", years=years, firms=firms, replicates=runs, seed=1)
    return make_plan("sweep", settings, [Point("baseline")], [])


def warm_up() -> None:
    import transfer_sim as ts
    ts.TransferModel(n_firms=500, seed=0).run(1)


def runs_per_minute(workers: int, firms: int, years: int, runs: int) -> float:
    with local_cluster(workers) as cluster, Client(cluster) as client:
        client.run(warm_up)
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            result = run_sweep(plan(firms, years, runs), Path(folder) / "out", scheduler=cluster.scheduler_address,
                               progress=False)
            seconds = time.perf_counter() - start
    assert result.done == runs and result.failed == 0
    return runs / seconds * 60


def main() -> int:
    cores = len(os.sched_getaffinity(0))
    print(f"{'case':>6} {'firms':>8} {'years':>5} {'runs':>5} " + " ".join(f"{f'{w} worker/min':>14}" for w in WORKERS)
          + f" {'efficiency':>10}   ({cores} cores)")
    report = []
    for label, firms, years, runs in CASES:
        rates = {w: runs_per_minute(w, firms, years, runs) for w in WORKERS}
        efficiency = rates[2] / (2 * rates[1])
        report.append({"case": label, "firms": firms, "years": years, "runs": runs,
                       "runs_per_minute": rates, "parallel_efficiency": efficiency})
        print(f"{label:>6} {firms:>8,} {years:>5} {runs:>5} " + " ".join(f"{rates[w]:>14.1f}" for w in WORKERS)
              + f" {efficiency:>10.0%}")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "batch.json").write_text(json.dumps({"cores": cores, "cases": report}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
