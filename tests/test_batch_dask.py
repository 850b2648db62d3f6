"""Sweeps on real Dask clusters give exactly the data of an in-process sweep.

A local cluster, a separately started ``dask scheduler`` + ``dask worker`` on 127.0.0.1, and
that cluster losing a worker mid-sweep: the run files and the consolidated tables must be
byte for byte those of ``--workers 0``, with every run present once.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import signal
import socketserver
import subprocess
import threading

import pandas as pd
import psutil
import pytest
from batch_tools import TINY_SWEEP, cli, dask_cluster, run_files, start_cli, stop, stored, wait_until, write

from transfer_sim.batch.storage import TABLES


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
    assert len(expected) == 12 + 1 + len(TABLES)  # 12 run files, the design and the consolidated tables
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


class Silent(socketserver.BaseRequestHandler):
    """Accepts and never says a word."""

    def handle(self):
        self.server.connected.set()
        self.server.closing.wait()


class SpeaksFirst(Silent):
    """Greets with a banner, as an SSH or SMTP server does."""

    def handle(self):
        self.request.sendall(b"SSH-2.0-OpenSSH_9.2\r\n" * 8)
        super().handle()


class NotHttp(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def tcp_service(handler):
    """A TCP server on 127.0.0.1 in a thread; yields its tcp:// address and an event set once a
    client has connected."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.closing, server.connected = threading.Event(), threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}", server.connected
    finally:
        server.closing.set()
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("handler", [NotHttp, Silent, SpeaksFirst], ids=["http", "silent", "speaks first"])
def test_a_scheduler_that_is_not_dask_fails_within_the_timeout(tmp_path, handler):
    spec = write(tmp_path, TINY_SWEEP)
    with tcp_service(handler) as (address, _):  # a hang would run into the subprocess's 60 s limit
        result = cli("sweep", spec, "--out", tmp_path / "out", "--scheduler", address, "--quiet", timeout=60)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert f"no Dask scheduler answered at {address}" in result.stderr
    assert not (tmp_path / "out").exists()


def test_interrupted_while_connecting_claims_no_stored_runs(tmp_path):
    with tcp_service(Silent) as (address, connected):
        driver = start_cli("sweep", write(tmp_path, TINY_SWEEP), "--out", tmp_path / "out", "--scheduler", address)
        try:
            wait_until(connected.is_set, 30, "the driver to connect")
            driver.send_signal(signal.SIGINT)
            _, stderr = driver.communicate(timeout=30)
        finally:
            stop(driver)
    assert driver.returncode == 130 and len(stderr.strip().splitlines()) == 1, stderr
    assert "interrupted before any run was stored" in stderr and "--resume" not in stderr
    assert not (tmp_path / "out").exists()


def started_sweep(folder) -> tuple[subprocess.Popen, list[psutil.Process]]:
    """A sweep on two local workers in a process group of its own, once it has stored two runs;
    returns the driver and the processes it started."""
    out = folder / "out"
    driver = start_cli("sweep", write(folder, KILL_SWEEP), "--out", out, "--workers", "2", "--batch-size", "1",
                       "--quiet", group=True)
    try:
        wait_until(lambda: (out / "runs").is_dir() and stored(out) >= 2, 90, "the first runs")
    except BaseException:
        stop(driver)
        raise
    return driver, psutil.Process(driver.pid).children(recursive=True)


def test_ctrl_c_to_the_whole_process_group_prints_one_line(tmp_path):
    driver, _ = started_sweep(tmp_path)
    try:
        os.killpg(driver.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        _, stderr = driver.communicate(timeout=60)  # until every process holding stderr has ended
    finally:
        stop(driver)
    assert driver.returncode == 130
    assert stderr.strip().splitlines() == [stderr.strip()] and "--resume" in stderr, stderr


def test_a_killed_driver_leaves_no_warnings(tmp_path):
    driver, children = started_sweep(tmp_path)
    try:
        driver.kill()
        _, stderr = driver.communicate(timeout=60)  # until every process holding stderr has ended
    finally:
        stop(driver)
    _, alive = psutil.wait_procs(children, timeout=15)
    for process in alive:
        process.kill()
    assert driver.returncode == -signal.SIGKILL and not alive
    assert stderr == ""
