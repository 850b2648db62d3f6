"""The ``transfer-sim`` command line: help with examples, single runs, reports, bad input."""

from __future__ import annotations

import json
import re
import shutil
import tomllib

import pandas as pd
import pyarrow.parquet as pq
import pytest
from batch_tools import ROOT, TINY_SWEEP, cli, write

from transfer_sim import batch
from transfer_sim.batch import storage
from transfer_sim.cli import main
from transfer_sim.state import INSTRUMENTS

pytestmark = pytest.mark.timeout(120)

COMMANDS = ("run", "sweep", "sensitivity", "optimize", "discover", "compare", "report")


def call(capsys, *args) -> tuple[int, str, str]:
    """``transfer-sim ARGS`` in this process: status, stdout, stderr."""
    try:
        status = main([str(a) for a in args])
    except SystemExit as stop:  # argparse: --help and usage errors
        status = stop.code
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(capsys, command):
    status, out, _ = call(capsys, command, "--help")
    assert status == 0
    assert re.search(rf"example:\n\s+transfer-sim {command} ", out)


def test_the_installed_command_is_this_cli():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["transfer-sim"] == "transfer_sim.cli:main"


def test_run_writes_the_tables_and_a_manifest(capsys, tmp_path):
    out = tmp_path / "plan"
    status, stdout, _ = call(capsys, "run", "--preset", "fifteenth_plan", "--years", "3", "--firms", "600",
                             "--seed", "4", "--out", out, "--quiet")
    assert status == 0 and str(out) in stdout
    for name in ("regions", "sectors", "flows", "summary", "local_policy", "budgets"):
        assert len(pd.read_parquet(out / f"{name}.parquet")) > 0
    assert set(pd.read_parquet(out / "local_policy.parquet")["instrument"]) == set(INSTRUMENTS)
    assert pd.read_parquet(out / "summary.parquet")["year"].tolist() == [2025, 2026, 2027, 2028]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 4 and manifest["preset"] == "fifteenth_plan" and manifest["wall_seconds"] > 0
    assert manifest["version"] and manifest["policy"]["national_coordination"] is True


def test_run_takes_a_scenario_file_and_lever_changes(capsys, tmp_path):
    status, _, err = call(capsys, "run", "--scenario", ROOT / "experiments/scenarios/green_west.toml",
                          "--set", "cage_fee=0.02", "--years", "2", "--firms", "600", "--out", tmp_path, "--quiet")
    assert status == 0, err
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["scenario"] == "green_west"
    assert manifest["policy"]["cage_fee"] == 0.02 and "Tibet" in manifest["policy"]["ecological_zones"]


def test_report_and_compare_write_offline_html(capsys, tmp_path):
    sweep = tmp_path / "sweep"
    batch.run_sweep(batch.sweep_plan(batch.load(write(tmp_path, TINY_SWEEP))), sweep, workers=0, progress=False)
    status, _, err = call(capsys, "report", sweep, "--html", tmp_path / "report.html")
    assert status == 0, err
    page = (tmp_path / "report.html").read_text()
    assert "<script src=" not in page  # plotly.js is embedded: nothing is fetched
    assert page.count('class="plotly-graph-div"') == 2  # scenario bands and the province map
    assert "Difference from &#x27;baseline&#x27;" in page and "Guangdong" in page
    assert "Local competition" in page and "tax rebate (% of profit)" in page

    single = tmp_path / "single"
    call(capsys, "run", "--preset", "fifteenth_plan", "--years", "3", "--firms", "600", "--seed", "5",
         "--out", single, "--quiet")
    status, out, err = call(capsys, "compare", sweep, single, "--reference", "baseline",
                            "--outcomes", "theil_total,va_share_west", "--html", tmp_path / "compare.html")
    assert status == 0, err
    rows = [line.split()[0] for line in out.splitlines() if line and not line[0].isspace()]
    assert rows.count("fifteenth_plan") == 2 and rows.count("plan") == 2  # in both tables
    assert "difference from 'baseline'" in out
    assert (tmp_path / "compare.html").stat().st_size > 1_000_000


def test_compare_labels_clashing_scenarios_by_directory(capsys, tmp_path):
    sweep = tmp_path / "sweep"
    batch.run_sweep(batch.sweep_plan(batch.load(write(tmp_path, TINY_SWEEP), replicates=3)), sweep, workers=0,
                    progress=False)
    shutil.copytree(sweep, tmp_path / "copy")
    status, out, err = call(capsys, "compare", sweep, tmp_path / "copy", "--reference", "sweep/plan",
                            "--outcomes", "theil_total")
    assert status == 0, err
    differences = out.split("difference from 'sweep/plan':")[1]
    assert re.search(r"^copy/plan\s+3\s+0 \[0, 0\]$", differences, re.MULTILINE)  # paired: exactly 0


BAD_SPECS = {
    "malformed TOML": ("[sweep\nyears = 3", "malformed TOML"),
    "unknown lever": (TINY_SWEEP + "\n[[scenarios]]\nname = 'x'\nlevers = { cage_fe = 0.1 }\n",
                      "unknown lever 'cage_fe' (did you mean 'cage_fee'?)"),
    "unknown preset": (TINY_SWEEP.replace('preset = "fifteenth_plan"', 'preset = "sixteenth_plan"'),
                       "unknown preset 'sixteenth_plan'"),
    "out-of-range value": (TINY_SWEEP.replace("cage_fee = [0.0, 0.02]", "cage_fee = [0.0, 0.5]"),
                           "levers.cage_fee: Input should be less than or equal to 0.1 (got 0.5)"),
    "out-of-range setting": (TINY_SWEEP.replace("years = 3", "years = 0"), "sweep.years"),
    "unknown region": (TINY_SWEEP + "\n[[scenarios]]\nname = 'x'\nlevers = { ecological_zones = ['Atlantis'] }\n",
                       "unknown region 'Atlantis'"),
    "unknown outcome": (TINY_SWEEP.replace("seed = 5", "seed = 5\noutcomes = ['happiness']"),
                        "unknown outcome 'happiness'"),
}


@pytest.mark.parametrize("case", BAD_SPECS)
def test_a_bad_spec_exits_2_with_one_line_and_writes_nothing(capsys, tmp_path, case):
    text, phrase = BAD_SPECS[case]
    status, out, err = call(capsys, "sweep", write(tmp_path, text), "--out", tmp_path / "out", "--workers", "0")
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and phrase in err, err
    assert not (tmp_path / "out").exists()


def test_bad_paths_and_options_exit_2_with_one_line(capsys, tmp_path):
    spec = write(tmp_path, TINY_SWEEP)
    (tmp_path / "a_file").write_text("")
    cases = [
        (("sweep", tmp_path / "missing.toml"), "missing.toml: no such file"),
        (("sweep", spec, "--out", tmp_path / "a_file" / "out", "--workers", "0"), "cannot write output there"),
        (("sensitivity", spec), "is a sweep file, not a sensitivity file"),
        (("sweep", spec, "--out", tmp_path, "--workers", "0"), "is not empty and holds no experiment"),
        (("sweep", spec, "--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"), "exclude each other"),
        (("sweep", spec, "--workers", "many"), "expected a number of workers"),
        (("run", "--preset", "nope", "--out", tmp_path / "r"), "invalid choice: 'nope'"),
        (("run", "--set", "cage_fee=2", "--out", tmp_path / "r"), "cage_fee: Input should be less than"),
        (("run", "--firms", "10", "--out", tmp_path / "r"), "--firms must be at least 217"),
        (("report", tmp_path, "--html", tmp_path / "r.html"), "not a transfer-sim output directory"),
    ]
    for args, phrase in cases:
        status, _, err = call(capsys, *args)
        assert status == 2, args
        assert len(err.strip().splitlines()) == 1 and phrase in err, (args, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "spec.toml"]


def test_a_bad_input_in_a_fresh_process_gives_no_traceback(tmp_path):
    result = cli("sweep", write(tmp_path, "[sweep\n"), "--out", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.startswith("transfer-sim sweep: error:") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_run_warns_when_the_levers_cost_more_than_the_budget(capsys, tmp_path):
    status, _, err = call(capsys, "run", "--preset", "unified_market", "--set", "fiscal_budget_pct_gdp=0.1",
                          "--years", "2", "--firms", "600", "--out", tmp_path / "over", "--quiet")
    assert status == 0 and "warning: the levers cost up to" in err and "above the budget of 0.1 %" in err
    status, _, err = call(capsys, "run", "--preset", "unified_market", "--years", "2", "--firms", "600",
                          "--out", tmp_path / "within", "--quiet")
    assert status == 0 and "warning" not in err


def test_run_and_sweep_share_their_size_caps(capsys, tmp_path):
    spec = write(tmp_path, TINY_SWEEP)
    cases = [
        (("run", "--firms", "10000000000", "--out", tmp_path / "r"), "--firms must be at most 5000000, got 10000000000"),
        (("run", "--years", "201", "--out", tmp_path / "r"), "--years must be at most 200, got 201"),
        (("sweep", spec, "--firms", "5000001", "--out", tmp_path / "s"), "sweep.firms: Input should be less than or equal to 5000000"),
        (("sweep", spec, "--years", "201", "--out", tmp_path / "s"), "sweep.years: Input should be less than or equal to 200"),
        (("backcast", "--firms", "10000000000", "--out", tmp_path / "b"), "--firms must be at most 5000000"),
    ]
    for args, phrase in cases:
        status, _, err = call(capsys, *args)
        assert status == 2 and len(err.strip().splitlines()) == 1 and phrase in err, (args, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spec.toml"]


@pytest.mark.parametrize("option", ["--seed", "--years", "--firms"])
def test_numbers_on_the_command_line_are_ascii_digits(capsys, tmp_path, option):
    status, _, err = call(capsys, "run", option, "١٢", "--out", tmp_path / "r")
    assert status == 2 and "'١٢'" in err and len(err.strip().splitlines()) == 1
    status, _, err = call(capsys, "sweep", write(tmp_path, TINY_SWEEP), "--workers", "٢", "--out", tmp_path / "s")
    assert status == 2 and "expected a number of workers" in err
    assert not (tmp_path / "r").exists() and not (tmp_path / "s").exists()


def test_an_included_scenario_file_must_be_named_by_a_string(capsys, tmp_path):
    spec = write(tmp_path, TINY_SWEEP + "\n[[scenarios]]\nfile = 5\n")
    status, _, err = call(capsys, "sweep", spec, "--workers", "0", "--out", tmp_path / "out")
    assert status == 2 and len(err.strip().splitlines()) == 1, err
    assert "scenarios[2].file: expected the name of a scenario file, got 5" in err


def test_an_endless_or_huge_spec_file_is_refused_after_reading_a_little(capsys, tmp_path):
    huge = write(tmp_path, TINY_SWEEP + "#" * 2_000_000, "huge.toml")
    for path in ("/dev/zero", huge):
        status, _, err = call(capsys, "sweep", path, "--workers", "0", "--out", tmp_path / "out")
        assert status == 2 and len(err.strip().splitlines()) == 1, err
        assert "larger than 1 MiB" in err
    assert not (tmp_path / "out").exists()


def test_run_never_writes_over_a_sweep_or_other_files(tmp_path):
    okdir = tmp_path / "okdir"
    batch.run_sweep(batch.sweep_plan(batch.load(write(tmp_path, TINY_SWEEP))), okdir, workers=0, progress=False)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "summary.parquet").write_bytes(b"my own table")
    (mine / "notes.txt").write_text("my notes")
    for folder in (okdir, mine):
        before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        for extra in ([], ["--overwrite"]):
            result = cli("run", "--years", "1", "--firms", "2000", "--out", folder, "--quiet", *extra)
            assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
            assert "is not empty and holds no run output" in result.stderr
        assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_run_replaces_the_files_of_a_run_only_with_overwrite(capsys, tmp_path):
    out = tmp_path / "plan"
    args = ("run", "--years", "1", "--firms", "300", "--out", out, "--quiet")
    assert call(capsys, *args)[0] == 0
    first = (out / "summary.parquet").read_bytes()
    status, _, err = call(capsys, *args, "--seed", "2")
    assert status == 2 and "holds the files of a run; replace them with --overwrite" in err
    assert (out / "summary.parquet").read_bytes() == first
    assert call(capsys, *args, "--seed", "2", "--overwrite")[0] == 0
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
    assert (out / "summary.parquet").read_bytes() != first


def damage(folder, case: str) -> None:
    """Break one part of an output directory the way a disk, an editor or a copy might."""
    if case == "manifest holding a list":
        (folder / "manifest.json").write_text("[1, 2]")
    elif case == "corrupt summary":
        (folder / "summary.parquet").write_bytes(b"PAR1 not a table")
    elif case == "corrupt run file":
        next((folder / "runs").glob("*.parquet")).write_bytes(b"truncated")
    elif case == "no design":
        (folder / "design.parquet").unlink()
    elif case == "bad failure record":
        (folder / "failures" / "s00000r0000.json").write_text("{not json")
    elif case == "failure record of another shape":
        (folder / "failures" / "s00000r0000.json").write_text("[]")
    elif case == "run manifest without scenario":
        manifest = json.loads((folder / "manifest.json").read_text())
        del manifest["scenario"]
        (folder / "manifest.json").write_text(json.dumps(manifest))


DAMAGE = {  # case: (which directory, phrase of the error)
    "manifest holding a list": ("sweep", "manifest.json: not a transfer-sim manifest"),
    "corrupt summary": ("sweep", "summary.parquet: unreadable"),
    "corrupt run file": ("unfinished", ".parquet: unreadable"),
    "no design": ("unfinished", "design.parquet: missing"),
    "bad failure record": ("sweep", "s00000r0000.json: unreadable"),
    "failure record of another shape": ("sweep", "s00000r0000.json: not a failure record"),
    "run manifest without scenario": ("run", "manifest.json: has no 'scenario'"),
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """A finished sweep, the same sweep as if interrupted, and a single run."""
    folder = tmp_path_factory.mktemp("outputs")
    sweep = folder / "sweep"
    batch.run_sweep(batch.sweep_plan(batch.load(write(folder, TINY_SWEEP))), sweep, workers=0, progress=False)
    unfinished = shutil.copytree(sweep, folder / "unfinished")
    manifest = json.loads((unfinished / "manifest.json").read_text())
    (unfinished / "manifest.json").write_text(json.dumps({**manifest, "status": "interrupted"}))
    assert main(["run", "--years", "1", "--firms", "300", "--out", str(folder / "run"), "--quiet"]) == 0
    return folder


@pytest.mark.parametrize("which", ["run", "sweep", "unfinished"])
def test_a_directory_written_before_the_local_tables_is_reported_without_them(capsys, outputs, tmp_path, which):
    folder = shutil.copytree(outputs / which, tmp_path / which)
    for name in ("local_policy", "budgets"):
        (folder / f"{name}.parquet").unlink(missing_ok=True)
    for run_file in (folder / "runs").glob("*.parquet"):
        run_file.write_bytes(storage.parquet_bytes(pq.read_table(run_file).drop_columns(["local_policy", "budgets"])))
    status, _, err = call(capsys, "report", folder, "--html", tmp_path / "r.html")
    assert status == 0, err
    assert "Not stored: these runs were written by a transfer-sim" in (tmp_path / "r.html").read_text()


@pytest.mark.parametrize("case", DAMAGE)
def test_report_on_a_damaged_directory_exits_2_with_one_line(capsys, outputs, tmp_path, case):
    which, phrase = DAMAGE[case]
    folder = shutil.copytree(outputs / which, tmp_path / which)
    damage(folder, case)
    capsys.readouterr()
    for args in (("report", folder, "--html", tmp_path / "r.html"), ("compare", folder, outputs / "run")):
        status, _, err = call(capsys, *args)
        assert status == 2 and len(err.strip().splitlines()) == 1 and phrase in err, (args, err)


def test_compare_refuses_a_directory_named_twice(capsys, outputs):
    for second in (outputs / "sweep", outputs / "run" / ".." / "sweep"):
        status, _, err = call(capsys, "compare", outputs / "sweep", second)
        assert status == 2 and len(err.strip().splitlines()) == 1, err
        assert "is named twice; compare different directories" in err


@pytest.mark.parametrize(("change", "phrase"), [
    (("years = 3", "years = true"), "sweep.years: Input should be a valid integer (got True)"),
    (("replicates = 2", "replicates = 2.0"), "sweep.replicates: Input should be a valid integer (got 2.0)"),
    (("seed = 5", "seed = 5\ncommon_random_numbers = 1"), "sweep.common_random_numbers: Input should be a valid boolean"),
    (("cage_fee = [0.0, 0.02]", "cage_fee = [false, 0.02]"), "levers.cage_fee: Input should be a valid number"),
    (('preset = "fifteenth_plan"', 'preset = "fifteenth_plan"\nlevers = { china_europe_express = "off" }'),
     "levers.china_europe_express: Input should be a valid boolean (got 'off')"),
    (('preset = "fifteenth_plan"', "levers = { shocks = [{ kind = 'coastal_demand', year = 2027, regions = ['Tibet'] }] }"),
     "a coastal_demand shock hits the eastern seaports and takes no regions"),
])
def test_a_spec_value_of_the_wrong_type_is_refused_not_converted(capsys, tmp_path, change, phrase):
    status, _, err = call(capsys, "sweep", write(tmp_path, TINY_SWEEP.replace(*change)), "--workers", "0",
                          "--out", tmp_path / "out")
    assert status == 2 and len(err.strip().splitlines()) == 1 and phrase in err, err
