"""The Theory lab's experiment: the two-region footloose-capital economy against its formula."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..geography import Geography
from ..model import TransferModel

#: Demand shares of the larger region simulated for the chart, besides the user's own.
GRID = tuple(np.round(np.arange(0.5, 0.81, 0.05), 2))
FIRMS, YEARS, RELOCATION_RATE, SEED = 2_000, 100, 0.02, 1


def two_region_run(s_e: float, phi: float, beta: float) -> TransferModel:
    """The textbook economy with demand shares (s_E, 1 − s_E) and trade freeness φ, run to rest."""
    geography = Geography.abstract(expenditure=[s_e, 1 - s_e], freeness=[[1, phi], [phi, 1]])
    model = TransferModel(geography=geography, economy="footloose_capital", n_firms=FIRMS, seed=SEED,
                          logit_beta=beta, relocation_rate=RELOCATION_RATE)
    return model.run(YEARS)


def home_market_experiment(s_e: float, phi: float, beta: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulated firm share of Region 1 (s_e, share) for the grid and the chosen s_E, and the
    chosen run's regions table, whose firms column shows the path to rest."""
    rows, chosen = [], None
    for share in sorted(set(GRID) | {round(s_e, 2)}):
        model = two_region_run(share, phi, beta)
        rows.append({"s_e": share, "share": float(model.firm_shares()["Region 1"])})
        if share == round(s_e, 2):
            chosen = model.results.regions
    return pd.DataFrame(rows), chosen
