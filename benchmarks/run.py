"""`make bench`: whole-run timings of China-mode simulations.

Prints a table and writes benchmarks/results/latest.json (ignored by git).
"""

from __future__ import annotations

import json
import platform
import resource
import sys
import time
from pathlib import Path

import transfer_sim as ts

CASES = [(20_000, 15), (100_000, 15)]
TARGET_SECONDS = {100_000: 15.0}  # 100,000 firms x 15 years must finish within this


def measure(n_firms: int, years: int, seed: int = 1) -> dict:
    start = time.perf_counter()
    model = ts.TransferModel(n_firms=n_firms, seed=seed)
    built = time.perf_counter()
    model.run(years)
    done = time.perf_counter()
    return {
        "firms": n_firms, "years": years, "init_s": built - start, "run_s": done - built,
        "total_s": done - start, "firm_years_per_s": n_firms * years / (done - built),
    }


def main() -> int:
    rows = [measure(n, y) for n, y in CASES]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'firms':>9} {'years':>5} {'init s':>7} {'run s':>7} {'total s':>8} {'firm-years/s':>13}  target")
    ok = True
    for r in rows:
        target = TARGET_SECONDS.get(r["firms"])
        verdict = "" if target is None else f"< {target:.0f} s: {'met' if r['total_s'] < target else 'MISSED'}"
        ok &= target is None or r["total_s"] < target
        print(f"{r['firms']:>9,} {r['years']:>5} {r['init_s']:>7.2f} {r['run_s']:>7.2f} {r['total_s']:>8.2f} "
              f"{r['firm_years_per_s']:>13,.0f}  {verdict}")
    print(f"peak resident memory of the process: {peak_mb:,.0f} MB")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    report = {"python": sys.version.split()[0], "machine": platform.machine(), "cases": rows, "peak_rss_mb": peak_mb}
    (out / "latest.json").write_text(json.dumps(report, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
