"""The Theory lab's experiment: the two-region footloose-capital economy against its formula."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from ..textbook import home_market_share, run_to_rest, settled_share, two_region_model
from .manifest import COMMON

#: Demand shares of the larger region simulated for the chart, besides the user's own.
GRID = tuple(np.round(np.arange(0.5, 0.81, 0.05), 2))
#: one firm in twenty reconsiders each year, so that even a corner equilibrium is reached in about a century
FIRMS, RELOCATION_RATE, SEED = 2_000, 0.05, 1


@dataclass(frozen=True)
class Outcome:
    """The grid of settled shares, the chosen run's path and whether every run came to rest."""

    points: pd.DataFrame  # s_e, share, theory, settled
    path: pd.DataFrame  # the chosen run's regions table, ``year`` counted from its start
    settled: bool


def two_region_run(s_e: float, phi: float, beta: float):
    """The textbook economy with demand shares (s_E, 1 − s_E) and trade freeness φ, run to rest."""
    model = two_region_model(s_e, phi, beta=beta, n_firms=FIRMS, seed=SEED, relocation_rate=RELOCATION_RATE)
    return model, run_to_rest(model)


class Superseded(Exception):
    """The knobs changed while an experiment ran: its result would be stale."""


def home_market_experiment(s_e: float, phi: float, beta: float,
                           still_wanted: Callable[[], bool] = lambda: True) -> Outcome:
    """Simulated firm share of Region 1 at rest (averaged over its last years) for the grid and the
    chosen s_E, against the formula. Raises :class:`Superseded` between two runs once
    ``still_wanted()`` says no."""
    rows, chosen = [], None
    for share in sorted(set(GRID) | {round(s_e, 2)}):
        if not still_wanted():
            raise Superseded
        model, settled = two_region_run(share, phi, beta)
        rows.append({"s_e": share, "share": settled_share(model),
                     "theory": home_market_share(share, phi), "settled": settled})
        if share == round(s_e, 2):
            chosen = model.results.regions.assign(year=lambda t: t["year"] - model.start_year)
    points = pd.DataFrame(rows)
    return Outcome(points, chosen, bool(points["settled"].all()))


def theory_manifest(s_e: float, phi: float, beta: float) -> dict:
    """What the Theory lab's charts show, for their exports."""
    return {"kind": "theory_lab", "s_e": s_e, "phi": phi, "beta": beta, "firms": FIRMS, "seed": SEED,
            "relocation_rate": RELOCATION_RATE, **COMMON}
