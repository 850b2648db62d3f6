"""The two-region footloose-capital economy (Martin & Rogers 1995): the oracle's and the Theory lab's set-up.

Region 1 holds the demand share s_E, Region 2 the rest; trade freeness between them is phi.
Its closed-form equilibrium is :func:`~transfer_sim.economics.home_market_share`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .economics import home_market_share
from .economies import TEXTBOOK_DEFAULTS
from .geography import Geography
from .model import TransferModel

LARGER_REGION = "Region 1"

__all__ = ["LARGER_REGION", "home_market_share", "larger_region_share", "run_to_rest", "settled_share", "two_region_model"]


def two_region_model(s_e: float, phi: float, *, beta: float, n_firms: int, seed: int,
                     relocation_rate: float | None = None) -> TransferModel:
    """The textbook economy with demand shares (s_E, 1 - s_E), freeness phi and logit sharpness beta."""
    geography = Geography.abstract(expenditure=[s_e, 1 - s_e], freeness=[[1, phi], [phi, 1]])
    params = replace(TEXTBOOK_DEFAULTS, logit_beta=beta)
    if relocation_rate is not None:
        params = replace(params, relocation_rate=relocation_rate)
    return TransferModel(geography=geography, economy="footloose_capital", n_firms=n_firms, seed=seed,
                         params=params)


def larger_region_share(model: TransferModel) -> np.ndarray:
    """The larger region's share of firms in every recorded year, start year first."""
    regions = model.results.regions
    firms = regions.loc[regions["region"] == LARGER_REGION, "firms"].to_numpy()
    return firms / regions.groupby("year")["firms"].sum().to_numpy()


#: years over which a share at rest is averaged (a synchronous logit overshoots a little each year)
REST_WINDOW = 10


def settled_share(model: TransferModel) -> float:
    """The larger region's firm share averaged over the last :data:`REST_WINDOW` years."""
    return float(larger_region_share(model)[-REST_WINDOW:].mean())


def run_to_rest(model: TransferModel, *, window: int = REST_WINDOW, tolerance: float = 0.005,
                most_years: int = 400) -> bool:
    """Step until the larger region's mean firm share over the last ``window`` years differs from
    the window before by less than ``tolerance``, or ``most_years`` have run. Returns whether it settled."""
    while model.elapsed < most_years:
        model.run(window)
        path = larger_region_share(model)
        if path.size > 2 * window and abs(path[-window:].mean() - path[-2 * window:-window].mean()) < tolerance:
            return True
    return False
