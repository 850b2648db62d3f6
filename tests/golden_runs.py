"""Pinned configurations whose results frames the golden test compares with stored Parquet.

``python tests/golden_runs.py`` rewrites the stored frames; do that only in a commit that
changes results on purpose, and say why in its message.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from transfer_sim import Geography, Policy, TransferModel
from transfer_sim import backcast as history_run
from transfer_sim.backcast import simulate

GOLDEN = Path(__file__).parent / "golden"
TABLES = ("regions", "sectors", "flows", "summary", "fiscal", "local_policy", "budgets")
FIRMS, YEARS = 3_000, 8


def china(preset: str, seed: int) -> TransferModel:
    return TransferModel(policy=Policy.preset(preset), n_firms=FIRMS, seed=seed).run(YEARS)


def textbook() -> TransferModel:
    geography = Geography.abstract(expenditure=[0.6, 0.4], freeness=[[1, 0.3], [0.3, 1]])
    return TransferModel(geography=geography, economy="footloose_capital", n_firms=500, seed=3).run(30)


def backcast() -> TransferModel:
    timeline = history_run.load(history_run.DEFAULT_TIMELINE)
    parameters = history_run.shipped_parameters(history_run.DEFAULT_PARAMS, timeline.calibration)
    return simulate.run(timeline, parameters, seed=5, firms=FIRMS, until=2010)


CONFIGURATIONS = {
    **{f"{preset}-seed{seed}": (lambda preset=preset, seed=seed: china(preset, seed))
       for preset in ("baseline", "cage_and_nest", "fifteenth_plan") for seed in (1, 2)},
    "footloose_capital": textbook,
    "backcast_2005_2010": backcast,
}


def frames(model: TransferModel) -> dict[str, pd.DataFrame]:
    return {table: getattr(model.results, table) for table in TABLES}


def path(name: str, table: str) -> Path:
    return GOLDEN / f"{name}.{table}.parquet"


if __name__ == "__main__":
    GOLDEN.mkdir(exist_ok=True)
    for name, build in CONFIGURATIONS.items():
        for table, frame in frames(build()).items():
            frame.to_parquet(path(name, table), index=False)
        print("wrote", name)
