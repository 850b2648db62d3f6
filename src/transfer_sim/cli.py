"""``transfer-sim``: single runs, sweeps, sensitivity analyses, policy searches, scenario
discovery, comparisons and reports.

Exit status: 0 done; 1 some runs failed (the others are stored); 2 bad input (one line on
standard error, nothing written); 130 interrupted (finished runs are kept: ``--resume``).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from . import __version__, backcast
from .batch import collect, discover, figures, optimize, policy_report, report, spec
from .batch.design import Run, build_policy, sweep_plan
from .batch.errors import UserError
from .batch.runner import simulate, tables
from .batch.sensitivity import analyse, sensitivity_plan
from .batch.outcomes import check_outcomes
from .batch.storage import TABLES, atomic_write, remove_partial_files, write_frame, write_json
from .batch.store import Store, check_run_folder, locked
from .batch.sweep import run_sweep
from .model import TransferModel
from .policy import PRESETS
from .run_settings import FEWEST_FIRMS, MOST_FIRMS, MOST_YEARS, default

EXAMPLES = {
    "run": "transfer-sim run --preset fifteenth_plan --years 15 --firms 20000 --seed 1 --out results/plan",
    "sweep": "transfer-sim sweep experiments/levers_sweep.toml --out results/levers --workers 2",
    "sensitivity": "transfer-sim sensitivity experiments/morris.toml --method morris --out results/morris",
    "optimize": "transfer-sim optimize experiments/optimize_cage_nest.toml --out results/cage_nest --workers 2",
    "discover": "transfer-sim discover experiments/discover_hinterland.toml --out results/hinterland --workers 2",
    "compare": "transfer-sim compare results/baseline results/plan --html results/compare.html",
    "report": "transfer-sim report results/levers --html results/levers/report.html",
    "backcast": "transfer-sim backcast --out results/backcast --html results/backcast/backcast.html",
}
INTERRUPTED = 130
SHOWN_MIXES = 15  # Pareto mixes printed by optimize


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line (and exits with status 2)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def digits(text: str) -> bool:
    """Only 0-9: ``str.isdigit`` also takes other scripts' digits and superscripts."""
    return text.isascii() and text.isdigit()


def workers_option(text: str) -> int | str:
    if text == "auto" or digits(text):
        return text if text == "auto" else int(text)
    raise argparse.ArgumentTypeError(f"expected a number of workers >= 0 or 'auto', got {text!r}")


def positive(text: str) -> int:
    if digits(text) and int(text) > 0:
        return int(text)
    raise argparse.ArgumentTypeError(f"expected a whole number > 0, got {text!r}")


def whole(text: str) -> int:
    if digits(text):
        return int(text)
    raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")


def check_size(option: str, value: int | None, fewest: int, most: int, why: str = "") -> None:
    """A ``--years`` or ``--firms`` within the bounds a sweep file has too."""
    if value is not None and value < fewest:
        raise UserError(f"{option} must be at least {fewest}{why}, got {value}")
    if value is not None and value > most:
        raise UserError(f"{option} must be at most {most}, got {value}")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="transfer-sim",
                    description="Simulate industrial transfer across China's provinces: single runs, "
                                "sweeps, sensitivity analyses, comparisons and reports.",
                    epilog="examples:\n  " + "\n  ".join(EXAMPLES.values()),
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"transfer-sim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=text, description=text, epilog=f"example:\n  {EXAMPLES[name]}",
                                   formatter_class=argparse.RawDescriptionHelpFormatter)

    run = command("run", "Run one simulation and write its tables (Parquet) and a manifest to a directory.")
    which = run.add_mutually_exclusive_group()
    which.add_argument("--preset", choices=list(PRESETS), help="named scenario (default baseline)")
    which.add_argument("--scenario", type=Path, metavar="FILE", help="scenario file ([scenario] table)")
    run.add_argument("--set", action="append", default=[], metavar="LEVER=VALUE",
                     help="change a lever; VALUE in TOML syntax, e.g. cage_fee=0.02 or "
                          "'ecological_zones=[\"Tibet\"]' (repeatable)")
    run.add_argument("--years", type=positive, default=default("years"),
                     help=f"years to simulate (default {default('years')}, at most {MOST_YEARS})")
    run.add_argument("--firms", type=positive, default=default("n_firms"),
                     help=f"firm agents (default {default('n_firms')}, {FEWEST_FIRMS} to {MOST_FIRMS})")
    run.add_argument("--seed", type=whole, default=default("seed"), help=f"random seed (default {default('seed')})")
    run.add_argument("--out", type=Path, metavar="DIR",
                     help="output directory for the tables and a manifest (without it: print the table only)")
    run.add_argument("--overwrite", action="store_true",
                     help="replace the files of an earlier run in DIR (nothing else is ever replaced)")
    run.add_argument("--quiet", action="store_true", help="no progress bar and no summary table")

    sweep = command("sweep", "Run every scenario of a sweep file × its replicates, in parallel.")
    sweep.add_argument("file", type=Path, metavar="FILE", help="sweep file ([sweep] table)")
    batch_options(sweep)

    sens = command("sensitivity", "Global sensitivity of the outcomes to the levers (SALib Morris or Sobol).")
    sens.add_argument("file", type=Path, metavar="FILE", help="sensitivity file ([sensitivity] table)")
    sens.add_argument("--method", choices=["morris", "sobol"], help="overrides the file's method")
    batch_options(sens)

    opt = command("optimize", "Search the levers for the mixes no other mix beats on every objective "
                              "(NSGA-II), within the file's constraints.")
    opt.add_argument("file", type=Path, metavar="FILE", help="optimize file ([optimize] table)")
    executor_options(opt)
    opt.add_argument("--seeds", type=positive, help="override the file's seeds per evaluation")
    opt.add_argument("--evaluations", type=positive, metavar="N", help="override the file's budget of evaluations")

    disc = command("discover", "Scenario discovery: sample uncertain parameters and shocks, run a policy at "
                               "each point and find the boxes of assumptions where it fails (PRIM).")
    disc.add_argument("file", type=Path, metavar="FILE", help="discover file ([discover] table)")
    executor_options(disc)
    disc.add_argument("--seeds", type=positive, help="override the file's seeds per sample point")
    disc.add_argument("--samples", type=positive, metavar="N", help="override the file's samples")

    compare = command("compare", "Compare the scenarios of output directories (runs, sweeps): a table, "
                                 "and an HTML report with --html.")
    compare.add_argument("dirs", type=Path, nargs="+", metavar="DIR", help="output directories")
    compare.add_argument("--html", type=Path, metavar="FILE", help="also write the HTML report here")
    report_options(compare)

    rep = command("report", "Write the HTML report of an output directory (Plotly, works offline).")
    rep.add_argument("dir", type=Path, metavar="DIR",
                     help="output directory of run, sweep, sensitivity, optimize or discover")
    rep.add_argument("--html", type=Path, required=True, metavar="FILE", help="report file to write")
    report_options(rep)

    back = command("backcast", "Back-cast 2005-2019: simulate the historical timeline from a 2005 start and "
                               "compare macro-region shares of GDP, secondary value added and exports with "
                               "history (calibrated on 2005-2013, held out 2014-2019).")
    back.add_argument("--out", type=Path, required=True, metavar="DIR",
                      help="output directory: fit.parquet, params.json, summary.parquet, sectors.parquet "
                           "(and evaluations.parquet)")
    back.add_argument("--firms", type=positive, help="firm agents (default: the timeline's calibration firms)")
    back.add_argument("--seeds", type=positive, help="simulations per parameter point (default: the timeline's)")
    back.add_argument("--calibrate", action="store_true",
                      help="estimate the parameters by simulated method of moments (default: use --params)")
    back.add_argument("--evaluations", type=positive, metavar="N",
                      help="with --calibrate: parameter points to evaluate (default: the timeline's)")
    back.add_argument("--timeline", type=Path, default=backcast.DEFAULT_TIMELINE, metavar="FILE",
                      help=f"timeline file (default: the shipped {backcast.DEFAULT_TIMELINE.name})")
    back.add_argument("--params", type=Path, metavar="FILE",
                      help=f"calibrated parameters to use, each within the timeline's calibration range "
                           f"(default: the shipped {backcast.DEFAULT_PARAMS.name})")
    back.add_argument("--html", type=Path, metavar="FILE", help="also write the Backcast report here")
    back.add_argument("--workers", type=workers_option, default=0, metavar="N|0|auto",
                      help="with --calibrate: local Dask workers for the design points (default 0: this process)")
    back.add_argument("--quiet", action="store_true", help="no progress bar and no tables")
    return parser


def batch_options(parser: argparse.ArgumentParser) -> None:
    executor_options(parser)
    parser.add_argument("--replicates", type=positive, help="override the file's replicates")


def executor_options(parser: argparse.ArgumentParser) -> None:
    """Where the output goes, what runs it, and the size overrides every batch command has."""
    parser.add_argument("--out", type=Path, metavar="DIR", help="output directory (default results/<file name>)")
    parser.add_argument("--workers", type=workers_option, metavar="N|0|auto",
                        help="local Dask workers; 0 runs in this process; auto: one per core (default)")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="use this running Dask cluster")
    parser.add_argument("--resume", action="store_true", help="continue DIR: skip the runs already stored")
    parser.add_argument("--years", type=positive, help="override the file's years")
    parser.add_argument("--firms", type=positive, help="override the file's firms")
    parser.add_argument("--batch-size", type=positive, metavar="N", help="runs per Dask task (default: automatic)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reference", metavar="SCENARIO", help="scenario to compare against "
                                                                "(default baseline, else the first)")
    parser.add_argument("--outcomes", metavar="A,B,...", type=lambda t: [s for s in t.split(",") if s],
                        help="outcomes to show (default: the experiment's)")


# ---------------------------------------------------------------------------- commands
def command_run(args) -> int:
    name, preset, levers = "baseline", args.preset or "baseline", {}
    if args.scenario:
        scenario = spec.load(args.scenario, expected="scenario")
        name, preset, levers = scenario.scenario.name, scenario.scenario.preset, dict(scenario.scenario.levers)
    elif args.preset:
        name = args.preset
    levers.update(parse_set(item) for item in args.set)
    policy = build_policy(preset, levers, f"scenario {name!r}")
    check_firms(args.firms)
    check_size("--years", args.years, 1, MOST_YEARS)
    start_year = default("start_year")
    run = Run("run", name, 0, args.seed, policy.model_dump_json(exclude_unset=True), args.years, args.firms,
              start_year)
    if args.out is None:
        model = simulate(run, progress=not args.quiet)
        warn_over_budget(model, policy)
    else:
        check_run_folder(args.out, args.overwrite)
        with locked(args.out):
            check_run_folder(args.out, args.overwrite)  # again: another run may have written meanwhile
            model = write_run(args, run, name, preset, levers, policy)
    if not args.quiet:
        with pd.option_context("display.width", 200, "display.max_columns", 20):
            print(f"transfer-sim: scenario {name!r}, {args.firms} firms, seed {args.seed}\n")
            print(model.results.overview().to_string())
    if args.out is not None:
        print(f"wrote {args.out}: {', '.join(TABLES)} (.parquet) and manifest.json")
    return 0


def warn_over_budget(model: TransferModel, policy) -> None:
    if warning := model.results.over_budget(policy.fiscal_budget_pct_gdp):
        print(f"transfer-sim run: warning: {warning}", file=sys.stderr)


def write_run(args, run: Run, name: str, preset: str, levers: dict, policy) -> TransferModel:
    """Simulate and write the tables, then the manifest: without a manifest, the tables of a
    killed run never pass for a whole one."""
    (args.out / "manifest.json").unlink(missing_ok=True)
    remove_partial_files(args.out)
    started, clock = datetime.now(UTC), time.perf_counter()
    model = simulate(run, progress=not args.quiet)
    warn_over_budget(model, policy)
    for table, frame in tables(model).items():
        write_frame(args.out / f"{table}.parquet", frame)
    write_json(args.out / "manifest.json", {
        "kind": "run", "scenario": name, "preset": preset, "levers": levers,
        "policy": policy.model_dump(mode="json", exclude_unset=True), "seed": args.seed, "years": args.years,
        "firms": args.firms, "start_year": run.start_year, "version": __version__,
        "started": started.isoformat(timespec="seconds"), "wall_seconds": round(time.perf_counter() - clock, 3),
    })
    return model


def check_firms(firms: int | None) -> None:
    check_size("--firms", firms, FEWEST_FIRMS, MOST_FIRMS, " (7 per province)")


def parse_set(item: str) -> tuple[str, object]:
    lever, sep, text = item.partition("=")
    try:
        if not sep or not lever.strip():
            raise ValueError
        return lever.strip(), tomllib.loads(f"value = {text}")["value"]
    except (ValueError, tomllib.TOMLDecodeError):
        raise UserError(f"--set {item}: expected LEVER=VALUE with a TOML value, e.g. cage_fee=0.02, "
                        "national_coordination=true or ecological_zones=[\"Tibet\"]") from None


#: The options of each batch command that override a field of its file's settings table.
OVERRIDES = {"sweep": ("years", "firms", "replicates"), "sensitivity": ("years", "firms", "replicates", "method"),
             "discover": ("years", "firms", "seeds", "samples"), "optimize": ("years", "firms", "seeds", "evaluations")}


def load_batch_file(args):
    """The validated file of a batch command, with the command line's overrides applied."""
    if args.scheduler and args.workers is not None:
        raise UserError("--workers and --scheduler exclude each other: a scheduler brings its own workers")
    kind = args.command
    return spec.load(args.file, expected=kind, **{name: getattr(args, name) for name in OVERRIDES[kind]})


def planned(args, plan_of, settings):
    """A plan, with the file named in front of a problem found while building it."""
    try:
        return plan_of(settings)
    except UserError as error:
        raise UserError(f"{args.file}: {error}") from None


def command_batch(args) -> int:
    """sweep, sensitivity and discover: validate, plan, run into DIR, then analyse (sensitivity, discover)."""
    kind = args.command
    loaded = load_batch_file(args)
    settings = getattr(loaded, kind)
    plan = planned(args, {"sweep": lambda _: sweep_plan(loaded), "sensitivity": sensitivity_plan,
                          "discover": discover.discover_plan}[kind], settings)
    suffix = f"-{settings.method}" if kind == "sensitivity" else ""
    out = args.out or Path("results") / f"{args.file.stem}{suffix}"
    try:
        result = run_sweep(plan, out, workers="auto" if args.workers is None else args.workers,
                           scheduler=args.scheduler, resume=args.resume, batch_size=args.batch_size,
                           progress=not args.quiet, source=str(args.file))
    except KeyboardInterrupt:
        return interrupted(Store(out), out, f" of {len(plan.runs)}")
    print(f"{kind} {settings.name}: {result.done} of {result.total} runs stored, {result.failed} failed, "
          f"{result.seconds:.1f} s; results in {out}")
    if result.failed:
        print(f"{result.failed} runs failed: their errors are in {out / 'failures'}; "
              "rerun them with the same command and --resume", file=sys.stderr)
        return 1
    if kind == "sensitivity":
        write_sensitivity(settings, plan, out)
    if kind == "discover":
        write_discovery(settings, plan, out)
    return 0


def interrupted(store: Store, out: Path, of: str = "") -> int:
    if not store.design.is_file():
        print("interrupted before any run was stored", file=sys.stderr)
    else:
        print(f"interrupted: {len(store.finished())}{of} runs are stored in {out}; continue with the same command "
              "and --resume", file=sys.stderr)
    return INTERRUPTED


def write_discovery(settings, plan, out: Path) -> None:
    """Flag the failures of a finished discovery, find their boxes, write and print them."""
    found = discover.analyse(settings, plan, collect.load(out))
    discover.write(found, out)
    points = found.points
    print(f"{int(points['failed'].sum())} of {len(points)} points fail ({settings.failure.outcome}, "
          f"{settings.failure.measure}); {found.boxes['box'].nunique()} boxes")
    restricted = found.boxes[found.boxes["restricted"]]
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        if len(restricted):
            print(restricted.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    print(f"points, boxes and trajectory: {out} (points.parquet, boxes.parquet, trajectory.parquet)")


def command_optimize(args) -> int:
    loaded = load_batch_file(args)
    planned(args, optimize.check, loaded)
    out = args.out or Path("results") / args.file.stem
    try:
        result = optimize.run_search(loaded, out, workers="auto" if args.workers is None else args.workers,
                                     scheduler=args.scheduler, resume=args.resume, batch_size=args.batch_size,
                                     progress=not args.quiet, source=str(args.file))
    except KeyboardInterrupt:
        return interrupted(Store(out, optimize.SEARCH), out)
    print(f"optimize {loaded.optimize.name}: {result.evaluations} evaluations, {result.pareto} mixes on the "
          f"Pareto front, {result.failed_runs} runs failed, {result.seconds:.1f} s; results in {out}")
    front = pd.read_parquet(out / optimize.PARETO)
    shown = optimize.spread(front, SHOWN_MIXES).set_index("mix")[[*loaded.levers, *optimize.outcomes_of(loaded)]]
    if len(front):
        more = f" ({len(front)} in {out / optimize.PARETO})" if len(front) > len(shown) else ""
        print(f"\nthe Pareto front, {len(shown)} mixes along it{more}:")
        with pd.option_context("display.width", 250, "display.max_columns", 20):
            print(shown.to_string(float_format=lambda x: f"{x:.4g}"))
    if result.failed_runs:
        print(f"{result.failed_runs} runs failed: their errors are in {out / 'failures'}; rerun them with the same "
              "command and --resume", file=sys.stderr)
        return 1
    return 0


def write_sensitivity(settings, plan, out: Path) -> None:
    """Analyse a finished sensitivity design: indices as Parquet and CSV, a ranking plot, a table."""
    indices = analyse(settings, plan.table, collect.load(out).outcomes)
    write_frame(out / "sensitivity.parquet", indices)
    atomic_write(out / "sensitivity.csv", indices.to_csv(index=False).encode("utf-8"))
    page = report.standalone(figures.ranking(indices), f"transfer-sim: {settings.name}")
    atomic_write(out / "sensitivity.html", page.encode("utf-8"))
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_rows", 500):
        print(indices.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    print(f"indices: {out / 'sensitivity.csv'} (and .parquet); plot: {out / 'sensitivity.html'}")


def command_compare(args) -> int:
    experiments = [collect.load(d) for d in args.dirs]
    combined = report.merge(experiments)
    outcomes = checked(args.outcomes) or report.outcome_names(experiments)
    reference = report.pick_reference(combined, args.reference)
    with pd.option_context("display.width", 250, "display.max_columns", 30, "display.max_colwidth", 60):
        print("final-year outcomes, mean [95 % interval over replicates]:")
        print(report.outcome_table(combined, outcomes).to_string())
        if len(combined.scenarios) > 1:
            print(f"\ndifference from {reference!r}:")
            print(report.difference_table(combined, outcomes, reference).to_string())
    if args.html:
        print(f"wrote {report.write_report(experiments, args.html, reference, outcomes)}")
    return 0


def command_report(args) -> int:
    kind = collect.kind_of(args.dir)
    if kind in policy_report.KINDS:
        if args.reference or args.outcomes:
            raise UserError(f"--reference and --outcomes pick scenarios and outcomes of runs and sweeps; the "
                            f"report of {kind} shows its own")
        print(f"wrote {policy_report.write(args.dir, args.html)}")
        return 0
    experiments = [collect.load(args.dir)]
    print(f"wrote {report.write_report(experiments, args.html, args.reference, checked(args.outcomes))}")
    return 0


def checked(outcomes: list[str] | None) -> list[str] | None:
    try:
        check_outcomes(outcomes or [])
    except ValueError as error:
        raise UserError(f"--outcomes: {error}") from None
    return outcomes


def command_backcast(args) -> int:
    check_firms(args.firms)
    if not args.calibrate and args.evaluations is not None:
        raise UserError("--evaluations needs --calibrate")
    if args.calibrate and args.params is not None:
        raise UserError("--params and --calibrate exclude each other: calibrating makes the parameters")
    if args.evaluations is not None and args.evaluations < 2:
        raise UserError(f"--evaluations must be at least 2, got {args.evaluations}")
    timeline = backcast.load(args.timeline)
    settings = timeline.calibration
    request = backcast.Request(
        timeline=timeline, out=args.out, firms=args.firms or settings.firms, seeds=args.seeds or settings.seeds,
        calibrate=args.calibrate, evaluations=args.evaluations, workers=args.workers, html=args.html,
        parameters=None if args.calibrate else backcast.shipped_parameters(args.params or backcast.DEFAULT_PARAMS,
                                                                           settings),
    )
    simulations = (args.evaluations or settings.evaluations) + backcast.smm.profile_evaluations(settings.parameters)
    with tqdm(total=simulations, desc="Calibrating", unit="point", disable=args.quiet or not args.calibrate) as bar:
        outcome = backcast.run(request, progress=lambda done: bar.update(done - bar.n))
    if not args.quiet:
        with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_colwidth", 60):
            print(pd.Series(outcome.document["parameters"], name="value").to_string())
            print(f"\ncalibration RMSE {outcome.document['objective']['rmse_pp']:.3f} pp\n")
            print(outcome.errors.round(2).to_string(index=False))
            print()
            print(outcome.facts.round(2).to_string(index=False))
    written = "fit.parquet, params.json, summary.parquet, sectors.parquet" + (
        ", evaluations.parquet" if args.calibrate else "")
    print(f"wrote {args.out}: {written}" + (f"; report: {args.html}" if args.html else ""))
    return 0


COMMANDS = {"run": command_run, "sweep": command_batch, "sensitivity": command_batch, "discover": command_batch,
            "optimize": command_optimize,
            "compare": command_compare, "report": command_report, "backcast": command_backcast}


def _stop(signum, frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)  # a batch system's cancel stops a sweep like Ctrl-C
    try:
        return COMMANDS[args.command](args)
    except UserError as error:
        print(f"transfer-sim {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"transfer-sim {args.command}: interrupted", file=sys.stderr)
        return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
