"""Shared by the batch tests: the CLI as a subprocess, small specs, a real Dask cluster.

Every server listens on 127.0.0.1 only; every process started here is ended by its pid.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DASK = Path(sys.executable).with_name("dask")

# 2 explicit scenarios + a 2 x 2 grid = 6 scenarios x 2 replicates = 12 short runs.
TINY_SWEEP = """
[sweep]
name = "tiny"
years = 3
firms = 600
replicates = 2
seed = 5

[[scenarios]]
name = "baseline"

[[scenarios]]
name = "plan"
preset = "fifteenth_plan"

[grid]
preset = "cage_and_nest"

[grid.levers]
cage_fee = [0.0, 0.02]
nest_subsidy = [0.0, 0.2]
"""


def write(folder: Path, text: str, name: str = "spec.toml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def cli(*args, timeout: float = 120, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """``transfer-sim ARGS`` in a fresh interpreter; fails the test on a hang."""
    return subprocess.run([sys.executable, "-m", "transfer_sim.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def start_cli(*args, group: bool = False) -> subprocess.Popen:
    """``transfer-sim ARGS`` in the background; with ``group``, in a process group of its own
    (which a terminal's Ctrl-C reaches as a whole: ``os.killpg``)."""
    return subprocess.Popen([sys.executable, "-m", "transfer_sim.cli", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=group)


def run_files(out: Path) -> dict[str, bytes]:
    """Every data file of an output directory (runs and consolidated tables) by relative path."""
    files = sorted(out.glob("runs/*")) + sorted(out.glob("*.parquet"))
    return {str(p.relative_to(out)): p.read_bytes() for p in files}


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout} s for {what}")
        time.sleep(0.05)


def stored(out: Path) -> int:
    return len(list((out / "runs").glob("s*.parquet")))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def dask_cluster(folder: Path, workers: int = 2):
    """A ``dask scheduler`` and ``workers`` single-threaded ``dask worker`` processes (no nanny,
    so a killed worker stays dead); yields the address and the worker processes."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    log = (folder / "dask.log").open("w")
    processes = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard"], cwd=folder, stdout=log, stderr=log)]
    try:
        for i in range(workers):
            processes.append(subprocess.Popen(
                [DASK, "worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-nanny",
                 "--no-dashboard", "--name", f"test-worker-{i}", "--local-directory", str(folder)],
                cwd=folder, stdout=log, stderr=log))
        from dask.distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=60)
        yield address, processes[1:]
    finally:
        for process in reversed(processes):
            stop(process)
        log.close()


# A search of 3 generations of 6 candidates (a range, a range and a choice), 2 seeds each.
TINY_OPTIMIZE = """
[optimize]
name = "tiny_search"
years = 3
firms = 400
seeds = 2
seed = 3
population = 6
evaluations = 18

[levers]
cage_fee = [0.0, 0.05]
nest_subsidy = [0.0, 0.3]
barrier_removal_rate = { choices = [0.0, 0.1] }

[[objectives]]
outcome = "gap_east_west"

[[objectives]]
outcome = "real_gdp"
sense = "maximize"

[[constraints]]
outcome = "fiscal_cost_pct_gdp_cumulative"
at_most = -0.1
"""


def search_files(out: Path) -> dict[str, bytes]:
    """The data files of an optimize directory: its runs, evaluations and Pareto set."""
    files = sorted(out.glob("runs/*")) + [out / "evaluations.parquet", out / "pareto.parquet"]
    return {str(p.relative_to(out)): p.read_bytes() for p in files}
