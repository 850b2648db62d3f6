"""`make bench`: China-mode runs at national scale, side by side with two references.

Each case runs in a fresh process, so its peak resident memory is its own. Reported:
wall time, firm-years per second, peak memory and the time per phase of the yearly step
for 20,000, 100,000, 500,000 and 5,000,000 firms x 15 years; and, as ratios measured in the same run,
transfer-sim against the per-agent way (20,000 firms) and against the bare kernel
(500,000 firms) — see references.py; and one round of the classroom game (a year, 31 students,
20,000 firms, the scoreboard included). Writes benchmarks/results/latest.json.

    .venv/bin/python benchmarks/run.py            # the whole table (about two minutes)
    .venv/bin/python benchmarks/run.py --quick    # 20,000 and 100,000 firms only
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SCALES = (20_000, 100_000, 500_000, 5_000_000)
KERNEL_FIRMS = 500_000  # the size of the comparison with the bare kernel
YEARS = 15
TARGETS = {  # what each figure must meet
    "total_s_500000": 3.0, "peak_mb_500000": 2048.0, "year_ms_20000": 50.0, "total_s_100000": 15.0,
    "total_s_5000000": 30.0, "peak_mb_5000000": 3072.0, "per_agent_ratio": 30.0, "kernel_ratio": 2.5,
    "classroom_round_s": 2.0,
}
CLASSROOM_FIRMS = 20_000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(n_firms: int) -> dict:
    """One China simulation of n_firms x YEARS in this process."""
    import transfer_sim as ts

    start = time.perf_counter()
    model = ts.TransferModel(n_firms=n_firms, seed=1)
    built = time.perf_counter()
    model.run(YEARS)
    done = time.perf_counter()
    return {
        "firms": n_firms, "years": YEARS, "init_s": built - start, "run_s": done - built, "total_s": done - start,
        "year_ms": (done - built) / YEARS * 1000, "firm_years_per_s": n_firms * YEARS / (done - built),
        "peak_mb": peak_mb(), "phase_ms": {k: v / YEARS * 1000 for k, v in model.timings.items()},
    }


def reference_case(kind: str, n_firms: int, repeats: int = 9) -> dict:
    """Median seconds of one transfer-sim year and of the reference's year, from the same start
    (the reference's year on the same model without local governments, which it cannot describe),
    timed in turns, so that a machine that speeds up or slows down meanwhile affects both alike."""
    sys.path.insert(0, str(HERE))
    import transfer_sim as ts
    from references import WITHOUT_LOCAL_GOVERNMENTS, PerAgentModel, bare_kernel, snapshot

    model = ts.TransferModel(n_firms=n_firms, seed=1).run(1)  # the full model, local governments included
    rng = np.random.default_rng(0)
    inputs = snapshot(ts.TransferModel(n_firms=n_firms, seed=1, params=WITHOUT_LOCAL_GOVERNMENTS).run(1))
    reference_s, model_s = [], []
    for _ in range(repeats):
        if kind == "per_agent":
            agents = PerAgentModel(inputs, rng.random(inputs.sector.size))  # built outside the timing
            t0 = time.perf_counter()
            agents.step()
        else:
            t0 = time.perf_counter()
            bare_kernel(inputs, rng.random(inputs.sector.size))  # the draws are part of the choice
        reference_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        model.step()
        model_s.append(time.perf_counter() - t0)
    return {"firms": n_firms, "model_year_s": statistics.median(model_s),
            "reference_year_s": statistics.median(reference_s)}


def classroom_case(n_firms: int = CLASSROOM_FIRMS) -> dict:
    """A classroom room with a student in each of the 31 provinces, every one of them choosing:
    the seconds from the teacher's Advance (one year) to the scoreboard, and for every student's
    view of their province after it."""
    import tempfile

    from transfer_sim.classroom.game import PROVINCES, Classroom
    from transfer_sim.classroom.scenario import Scenario
    from transfer_sim.classroom.store import Store

    with tempfile.TemporaryDirectory() as directory:
        game = Classroom(Store(Path(directory) / "benchmark.sqlite3"))
        code, key = game.open_room(Scenario.checked(n_firms=n_firms))
        tokens = [game.join(code, f"Student {i}") for i in range(len(PROVINCES))]
        for token, province in zip(tokens, PROVINCES):
            game.claim(code, token, province)
        game.start(code, key)
        for i, token in enumerate(tokens):
            game.submit(code, token, {"tax_rebate": 0.01 * i, "land_discount": 0.02 * i, "park_investment": 1.0})
        start = time.perf_counter()
        game.advance(code, key)
        game.scoreboard(code)
        advanced = time.perf_counter()
        for token in tokens:
            game.position(code, token)
        viewed = time.perf_counter()
    return {"firms": n_firms, "players": len(tokens), "round_s": advanced - start, "views_s": viewed - advanced}


def in_subprocess(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the 500,000- and 5,000,000-firm cases")
    parser.add_argument("--case", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--reference", nargs=2, metavar=("KIND", "FIRMS"), help=argparse.SUPPRESS)
    parser.add_argument("--classroom", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.classroom:
        print(json.dumps(classroom_case()))
        return 0
    if args.case:
        print(json.dumps(run_case(args.case)))
        return 0
    if args.reference:
        print(json.dumps(reference_case(args.reference[0], int(args.reference[1]))))
        return 0

    scales = SCALES[:2] if args.quick else SCALES
    cases = [in_subprocess("--case", str(n)) for n in scales]
    per_agent = in_subprocess("--reference", "per_agent", "20000")
    kernel = in_subprocess("--reference", "kernel", str(min(KERNEL_FIRMS, scales[-1])))
    classroom = in_subprocess("--classroom")
    ratios = {
        "per_agent_ratio": per_agent["reference_year_s"] / per_agent["model_year_s"],
        "kernel_ratio": kernel["model_year_s"] / kernel["reference_year_s"],
    }
    print_report(cases, per_agent, kernel, ratios, classroom)
    figures = {**ratios, **{f"{key}_{c['firms']}": c[key] for c in cases for key in ("total_s", "peak_mb", "year_ms")},
               "classroom_round_s": classroom["round_s"]}
    verdicts = {name: (figures[name] >= bound if name == "per_agent_ratio" else figures[name] <= bound)
                for name, bound in TARGETS.items() if name in figures}
    for name, ok in verdicts.items():
        print(f"  {name:<18} {figures[name]:>10.2f}  target {'>=' if name == 'per_agent_ratio' else '<='} "
              f"{TARGETS[name]:<8g} {'met' if ok else 'MISSED'}")
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    report = {"python": sys.version.split()[0], "machine": platform.machine(), "cases": cases,
              "per_agent": per_agent, "kernel": kernel, "classroom": classroom, "ratios": ratios,
              "targets_met": verdicts}
    (results / "latest.json").write_text(json.dumps(report, indent=2))
    print(f"\nwritten: {results / 'latest.json'}")
    return 0 if all(verdicts.values()) else 1


def print_report(cases, per_agent, kernel, ratios, classroom) -> None:
    print(f"China mode, {YEARS} years, one process per case\n")
    print(f"{'firms':>9} {'total s':>8} {'init s':>7} {'ms/year':>8} {'firm-years/s':>13} {'peak MB':>8} "
          f"{'bytes/firm':>10}")
    for c in cases:
        print(f"{c['firms']:>9,} {c['total_s']:>8.2f} {c['init_s']:>7.2f} {c['year_ms']:>8.1f} "
              f"{c['firm_years_per_s']:>13,.0f} {c['peak_mb']:>8.0f} {c['peak_mb'] * 2**20 / c['firms']:>10,.0f}")
    if len(cases) > 1:
        first, last = cases[0], cases[-1]
        marginal = (last["peak_mb"] - first["peak_mb"]) * 2**20 / (last["firms"] - first["firms"])
        print(f"memory per extra firm ({first['firms']:,} -> {last['firms']:,}): {marginal:,.0f} bytes; "
              f"cost per firm-year from {1e6 / first['firm_years_per_s']:.2f} to {1e6 / last['firm_years_per_s']:.2f} µs")
    phases = list(cases[0]["phase_ms"])
    print("\nms per year by phase of the step")
    print(f"{'firms':>9} " + " ".join(f"{p:>14}" for p in phases))
    for c in cases:
        print(f"{c['firms']:>9,} " + " ".join(f"{c['phase_ms'][p]:>14.2f}" for p in phases))
    print(f"\nper-agent way, {per_agent['firms']:,} firms: {per_agent['reference_year_s'] * 1000:.1f} ms a year "
          f"against transfer-sim's {per_agent['model_year_s'] * 1000:.1f} ms -> {ratios['per_agent_ratio']:.0f}x faster")
    print(f"bare kernel, {kernel['firms']:,} firms: {kernel['reference_year_s'] * 1000:.1f} ms a year against "
          f"transfer-sim's full year {kernel['model_year_s'] * 1000:.1f} ms -> {ratios['kernel_ratio']:.2f}x the kernel")
    print(f"classroom, {classroom['players']} students, {classroom['firms']:,} firms: a one-year round with the "
          f"scoreboard {classroom['round_s']:.2f} s; every student's view after it {classroom['views_s']:.2f} s\n")


if __name__ == "__main__":
    sys.exit(main())
