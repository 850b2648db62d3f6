"""Sweeps on real Dask clusters give exactly the data of an in-process sweep.

A local cluster, a separately started ``dask scheduler`` + ``dask worker`` on 127.0.0.1, and
that cluster losing a worker mid-sweep: the run files and the consolidated tables must be
byte for byte those of ``--workers 0``, with every run present once.
"""

from __future__ import annotations

import json
import signal

import pandas as pd
import pytest
from batch_tools import TINY_SWEEP, cli, dask_cluster, run_files, start_cli, stored, wait_until, write

pytestmark = pytest.mark.timeout(240)

# Heavier runs (about 0.2 s each), so that a worker can be killed while runs remain.
KILL_SWEEP = TINY_SWEEP.replace("firms = 600", "firms = 20000").replace("years = 3", "years = 8") \
    .replace("replicates = 2", "replicates = 4")


def sweep_in_process(folder, text):
    spec = write(folder, text)
    result = cli("sweep", spec, "--out", folder / "out", "--workers", "0", "--quiet")
    assert result.returncode == 0, result.stderr
    return spec, run_files(folder / "out")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return sweep_in_process(tmp_path_factory.mktemp("reference"), TINY_SWEEP)


def test_two_local_workers_are_bit_identical_to_in_process(reference, tmp_path):
    spec, expected = reference
    result = cli("sweep", spec, "--out", tmp_path / "out", "--workers", "2", "--batch-size", "1", "--quiet")
    assert result.returncode == 0, result.stderr
    assert len(expected) == 12 + 6  # 12 run files, the design and the 5 consolidated tables
    assert run_files(tmp_path / "out") == expected
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["executor"] == "local Dask cluster, 2 workers"
    assert manifest["status"] == "finished" and manifest["done"] == 12


def test_external_scheduler_gives_the_same_data(reference, tmp_path):
    spec, expected = reference
    with dask_cluster(tmp_path) as (address, _):
        result = cli("sweep", spec, "--out", tmp_path / "out", "--scheduler", address, "--quiet")
    assert result.returncode == 0, result.stderr
    assert run_files(tmp_path / "out") == expected
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["executor"] == f"Dask scheduler {address}"


def test_a_worker_killed_mid_sweep_loses_no_run(tmp_path):
    spec, expected = sweep_in_process(tmp_path, KILL_SWEEP)
    out = tmp_path / "cluster-out"
    with dask_cluster(tmp_path) as (address, workers):
        driver = start_cli("sweep", spec, "--out", out, "--scheduler", address, "--batch-size", "1", "--quiet")
        try:
            wait_until(lambda: (out / "runs").is_dir() and stored(out) >= 2, 90, "the first runs")
            workers[0].send_signal(signal.SIGKILL)
            assert stored(out) < 24, "the sweep ended before the worker was killed"
            _, stderr = driver.communicate(timeout=120)
        finally:
            if driver.poll() is None:
                driver.kill()
                driver.wait(timeout=10)
        assert workers[0].wait(timeout=10) == -signal.SIGKILL
    assert driver.returncode == 0, stderr
    assert run_files(out) == expected
    summary = pd.read_parquet(out / "summary.parquet")
    assert summary.groupby("run_id").size().eq(9).all() and summary["run_id"].nunique() == 24  # 8 years + start
    assert not list((out / "failures").iterdir())
