"""An interrupted sweep keeps what it finished, leaves no half-written file, and ``--resume``
completes it to exactly the data of an uninterrupted sweep, without running anything twice."""

from __future__ import annotations

import fcntl
import json
import shutil
import signal

import psutil
import pyarrow.parquet as pq
import pytest
from batch_tools import TINY_SWEEP, cli, run_files, start_cli, stop, stored, wait_until, write

pytestmark = pytest.mark.timeout(180)

# 18 runs of about 0.1 s: long enough to stop the driver in the middle.
SWEEP = TINY_SWEEP.replace("firms = 600", "firms = 20000").replace("years = 3", "years = 8") \
    .replace("replicates = 2", "replicates = 3")
RUNS = 18


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reference")
    spec = write(folder, SWEEP)
    result = cli("sweep", spec, "--out", folder / "out", "--workers", "0", "--quiet")
    assert result.returncode == 0, result.stderr
    return spec, run_files(folder / "out"), folder / "out"


def interrupt(args, out, sig) -> tuple[int, str, list[psutil.Process]]:
    """Start a sweep, stop it with ``sig`` once two runs are stored; returns status, stderr and
    the processes it had started."""
    driver = start_cli(*args)
    try:
        wait_until(lambda: (out / "runs").is_dir() and stored(out) >= 2, 90, "the first runs")
        children = psutil.Process(driver.pid).children(recursive=True)
        driver.send_signal(sig)
        _, stderr = driver.communicate(timeout=60)
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait(timeout=10)
    assert stored(out) < RUNS, "the sweep ended before it was interrupted"
    return driver.returncode, stderr, children


def test_killed_driver_then_resume_equals_an_uninterrupted_sweep(reference, tmp_path):
    spec, expected, _ = reference
    out = tmp_path / "out"
    args = ("sweep", spec, "--out", out, "--workers", "0", "--quiet")
    status, _, _ = interrupt(args, out, signal.SIGKILL)
    assert status == -signal.SIGKILL
    for path in (out / "runs").glob("s*.parquet"):  # whatever is there under a final name is whole
        assert pq.read_table(path).num_rows == 1
    result = cli(*args, "--resume")
    assert result.returncode == 0, result.stderr
    assert run_files(out) == expected
    assert not [p for p in out.rglob("*") if p.name.startswith(".partial-")]


def test_ctrl_c_stops_the_cluster_and_resume_completes(reference, tmp_path):
    spec, expected, _ = reference
    out = tmp_path / "out"
    args = ("sweep", spec, "--out", out, "--workers", "2", "--batch-size", "1", "--quiet")
    status, stderr, children = interrupt(args, out, signal.SIGINT)
    assert status == 130
    assert "--resume" in stderr and "Traceback" not in stderr
    _, alive = psutil.wait_procs(children, timeout=15)  # workers and their helpers end with the driver
    assert children and not alive
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    assert not (out / "summary.parquet").exists()

    result = cli("sweep", spec, "--out", out, "--workers", "0", "--quiet", "--resume")  # any executor may resume
    assert result.returncode == 0, result.stderr
    assert run_files(out) == expected


def test_resume_of_a_finished_sweep_runs_nothing_again(reference, tmp_path):
    spec, expected, finished = reference
    out = shutil.copytree(finished, tmp_path / "out")
    before = {p.name: p.stat().st_mtime_ns for p in (out / "runs").iterdir()}
    result = cli("sweep", spec, "--out", out, "--workers", "0", "--quiet", "--resume")
    assert result.returncode == 0, result.stderr
    assert {p.name: p.stat().st_mtime_ns for p in (out / "runs").iterdir()} == before
    assert run_files(out) == expected

    other = cli("sweep", spec, "--out", out, "--workers", "0", "--quiet", "--resume", "--years", "2")
    assert other.returncode == 2
    assert "holds another design" in other.stderr and len(other.stderr.strip().splitlines()) == 1
    assert run_files(out) == expected


ONE_RUN = "[sweep]\nname = 'one'\nyears = 1\nfirms = 300\nreplicates = 1\n\n[[scenarios]]\nname = 'baseline'\n"

# What a driver killed during start-up can leave, step by step: the write check, the lock, the
# run folders, half a design file.
START_UP_LEFTOVERS = {
    "half a write check": [".partial-99-.write-check"],
    "the write check": [".write-check"],
    "the lock": [".lock"],
    "the run folders": [".lock", "runs/", "failures/"],
    "half a design": [".lock", "runs/", "failures/", ".partial-99-design.parquet"],
}


@pytest.mark.parametrize("left", START_UP_LEFTOVERS)
@pytest.mark.parametrize("resume", [False, True])
def test_a_driver_killed_during_start_up_leaves_a_directory_that_runs(capsys, tmp_path, left, resume):
    from transfer_sim.cli import main

    out = tmp_path / "out"
    out.mkdir()
    for name in START_UP_LEFTOVERS[left]:
        (out / name).mkdir() if name.endswith("/") else (out / name).write_bytes(b"PAR1")
    status = main(["sweep", str(write(tmp_path, ONE_RUN)), "--out", str(out), "--workers", "0", "--quiet",
                   *(["--resume"] if resume else [])])
    assert status == 0, capsys.readouterr().err
    assert stored(out) == 1 and not [p for p in out.rglob("*") if p.name.startswith(".partial-")]


def test_a_second_driver_on_the_same_directory_is_refused(capsys, reference, tmp_path):
    from transfer_sim.cli import main

    spec, expected, _ = reference
    out = tmp_path / "out"
    args = ("sweep", str(spec), "--out", str(out), "--workers", "0", "--quiet")
    first = start_cli(*args)
    try:
        wait_until(lambda: (out / "manifest.json").exists(), 30, "the first driver's start")
        status = main([*args, "--resume"])
        assert first.poll() is None, "the first driver ended before the second started"
        assert first.wait(timeout=60) == 0
    finally:
        stop(first)
    err = capsys.readouterr().err
    assert status == 2 and len(err.strip().splitlines()) == 1, err
    assert "another transfer-sim is writing there (process " in err
    assert run_files(out) == expected


def test_a_run_into_a_directory_another_process_holds_is_refused(capsys, tmp_path):
    from transfer_sim.cli import main

    out = tmp_path / "out"
    out.mkdir()
    with (out / ".lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        status = main(["run", "--years", "1", "--firms", "300", "--out", str(out), "--quiet"])
    assert status == 2 and "another transfer-sim is writing there" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == [".lock"]
