"""``python -m transfer_sim``: run a China simulation and print a readable summary."""

from __future__ import annotations

import argparse
import sys

import pandas as pd
from pydantic import ValidationError

from .model import TransferModel
from .policy import PRESETS, Policy

EXAMPLE = "example: python -m transfer_sim --preset cage_and_nest --years 15 --firms 20000 --seed 1"


def summary_table(model: TransferModel) -> pd.DataFrame:
    """Macro-region shares of value added and firms (%), inequality and relocations by year."""
    regions = model.results.regions
    by_macro = regions.groupby(["year", "macro_region"])[["value_added", "firms"]].sum()
    shares = (by_macro / by_macro.groupby(level="year").transform("sum") * 100).unstack("macro_region")
    table = pd.DataFrame(index=shares.index)
    for macro in shares["value_added"].columns:
        table[f"VA {macro} %"] = shares["value_added"][macro]
    summary = model.results.summary.set_index("year")
    table["Theil"] = summary["theil_total"]
    table["relocations"] = summary["relocations"]
    table["entries"] = summary["entries"]
    table["exits"] = summary["exits"]
    table["fiscal bn"] = summary["fiscal_cost"]
    return table.round(3)


def parse(argv) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m transfer_sim", description="Simulate industrial transfer across China's provinces.",
        epilog=EXAMPLE,
    )
    parser.add_argument("--preset", default="baseline", choices=list(PRESETS), help="scenario preset")
    parser.add_argument("--years", type=int, default=15, help="years to simulate (default 15)")
    parser.add_argument("--firms", type=int, default=20_000, help="firm agents (default 20000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse(argv)
    try:
        model = TransferModel(policy=Policy.preset(args.preset), n_firms=args.firms, seed=args.seed)
        model.run(args.years, progress=True)
    except (ValueError, TypeError, ValidationError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(f"\ntransfer-sim: preset '{args.preset}', {args.firms} firms, seed {args.seed}\n")
        print(summary_table(model).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
