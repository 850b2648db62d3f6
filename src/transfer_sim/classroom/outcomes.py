"""What the game shows from a run: a province's position, the scoreboard and the national outcome.

Everything here reads a model's published results (and, for the budget room, its provinces'
books) and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..model import TransferModel
from ..processes import local_government

#: The scoreboard's columns after the province and its player, in the order shown.
SCORE_COLUMNS = ("output_growth", "jobs", "jobs_change", "fiscal_balance", "firms_attracted")
#: The national outcome compared in the debrief, in the order shown.
OUTCOME_ROWS = ("output", "jobs", "firms", "gdp", "fiscal_balance", "debt", "theil")


def budget_room(model: TransferModel) -> np.ndarray:
    """(R,) bn CNY each province may still spend on its instruments next year: its room
    (:func:`~transfer_sim.processes.local_government.room`) less what it owes the newcomers
    already in their windows."""
    p, year = model.params, model.year + 1
    gdp = model.results.regions.query("year == @model.year")["gdp"].to_numpy()
    room = local_government.room(model.regions.budgets, model.calibration.local_books, gdp,
                                 model.growth_index * (1.0 + model.growth_rate), p)
    owed = local_government.committed(model.firms, year, p.newcomer_years, model.regions.rent)
    return np.maximum(room - owed, 0.0)


@dataclass(frozen=True)
class Position:
    """A province now and over the last round: firms, output (bn CNY), jobs, its books (bn CNY),
    the instruments in force, the budget room for next year and the change over the last round."""

    region: str
    year: int
    firms: int
    output: float
    jobs: float
    budget: dict[str, float]
    policy: dict[str, float]
    room: float
    last_round: dict[str, float]  # firms, output, jobs: the change; fiscal_balance: the round's sum


def position(model: TransferModel, region: str, round_start: int) -> Position:
    """Where ``region`` stands after the year simulated last; ``round_start`` is the year the
    last round started from (the start year before the first)."""
    agent = model.region_agents[model.geography.index(region)]
    regions = model.results.regions.set_index(["year", "region"])
    now, then = regions.loc[(model.year, region)], regions.loc[(round_start, region)]
    budgets = model.results.budgets
    in_round = budgets[(budgets["region"] == region) & (budgets["year"] > round_start)]
    policy = agent.policy
    return Position(
        region=region, year=model.year, firms=int(now["firms"]), output=float(now["output"]),
        jobs=float(now["employment"]), budget=agent.budget,
        policy={name: policy[name] for name in local_government.SETTABLE},
        room=float(budget_room(model)[agent.index]),
        last_round={"firms": float(now["firms"] - then["firms"]), "output": float(now["output"] - then["output"]),
                    "jobs": float(now["employment"] - then["employment"]),
                    "fiscal_balance": float(in_round["balance"].sum())})


def scoreboard(model: TransferModel, players: dict[str, str]) -> pd.DataFrame:
    """region, player (the player's name; empty for the model's own government) and since the
    start: output growth (%), jobs now and their change, the sum of the yearly fiscal balances
    (bn CNY) and the firms attracted (entries and relocations in); best output growth first."""
    regions, budgets = model.results.regions, model.results.budgets
    start, now = (regions[regions["year"] == y].set_index("region") for y in (model.start_year, model.year))
    since = regions[regions["year"] > model.start_year].groupby("region")[["entries", "relocations_in"]].sum()
    balance = budgets[budgets["year"] > model.start_year].groupby("region")["balance"].sum()
    names = list(model.geography.names)
    table = pd.DataFrame({
        "region": names,
        "player": [players.get(name, "") for name in names],
        "output_growth": 100 * (now.loc[names, "output"].to_numpy() / start.loc[names, "output"].to_numpy() - 1),
        "jobs": now.loc[names, "employment"].to_numpy(),
        "jobs_change": now.loc[names, "employment"].to_numpy() - start.loc[names, "employment"].to_numpy(),
        "fiscal_balance": balance.reindex(names, fill_value=0.0).to_numpy(),
        "firms_attracted": since.reindex(names, fill_value=0).sum(axis=1).to_numpy(dtype=int),
    })
    return table.sort_values("output_growth", ascending=False, kind="stable").reset_index(drop=True)


def national_outcome(model: TransferModel) -> dict[str, float]:
    """The country in the last year simulated: output and GDP (bn CNY), jobs and firms, the sum
    of the provinces' fiscal balances since the start and their debt (bn CNY), and the Theil
    index of GDP per head."""
    summary = model.results.summary.set_index("year").loc[model.year]
    budgets = model.results.budgets
    after = budgets[budgets["year"] > model.start_year]
    return {"output": float(summary["output"]), "jobs": float(summary["employment"]), "firms": float(summary["firms"]),
            "gdp": float(summary["gdp"]), "fiscal_balance": float(after["balance"].sum()),
            "debt": float(budgets.loc[budgets["year"] == model.year, "debt"].sum()),
            "theil": float(summary["theil_total"])}
