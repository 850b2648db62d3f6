"""One back-cast simulation: a model started from the timeline's first year, played forward.

A parameter point is a dict of calibrated values (:class:`~transfer_sim.params.EconomyParams`
fields, and ``productivity_trend.<macro-region>``); replicate r of every point uses the seed
``SeedSequence(seed, spawn_key=(r,))``, so points are compared on the same firms and draws
(common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..batch.seeds import run_seed
from ..geography import Geography
from ..model import TransferModel
from ..results import Results
from . import history, measure
from .timeline import Timeline, economy_params, play


def build(timeline: Timeline, parameters: dict[str, float], seed: int, firms: int) -> TransferModel:
    """The start-year model: that year's provinces, its policies as the stationary state, and
    each province's access to markets abroad fitted to its share of exports."""
    year = timeline.timeline.start_year
    return TransferModel(
        geography=Geography.china(year=year), start_year=year, n_firms=firms, seed=seed,
        params=economy_params(parameters), status_quo=timeline.policy_in(year),
        export_targets=history.start_year(year).exports,
    )


def run(timeline: Timeline, parameters: dict[str, float], seed: int, firms: int,
        until: int | None = None) -> TransferModel:
    return play(build(timeline, parameters, seed, firms), timeline, until)


def replicate_seeds(base: int, seeds: int) -> list[int]:
    return [run_seed(base, r, 0) for r in range(seeds)]


@dataclass(frozen=True)
class Simulation:
    """Means over replicates of what is measured, and the first replicate's results (the central run)."""

    shares: pd.DataFrame  # year, metric, region, simulated_pct
    sectors: pd.DataFrame  # year, sector, east_pct
    groups: pd.DataFrame  # year, group, east_pct: labour- and technology-intensive industry (measure.GROUPS)
    relocation: pd.DataFrame  # year, relocation_pct: firms moving across provinces, % of firms
    central: Results | None = None


def simulated(timeline: Timeline, parameters: dict[str, float], seeds: list[int], firms: int,
              until: int | None = None) -> Simulation:
    """Run every replicate to ``until`` (default the timeline's end) and average what is measured."""
    start = history.start_year(timeline.timeline.start_year)
    runs = [run(timeline, parameters, seed, firms, until).results for seed in seeds]

    def mean(frames, keys, value):
        return pd.concat(frames).groupby(keys, sort=False, as_index=False)[value].mean()

    return Simulation(
        mean((measure.shares(r.regions, start) for r in runs), ["year", "metric", "region"], "simulated_pct"),
        mean((measure.east_sector_shares(r.sectors, r.regions) for r in runs), ["year", "sector"], "east_pct"),
        mean((measure.east_group_shares(r.sectors, r.regions) for r in runs), ["year", "group"], "east_pct"),
        mean((measure.relocation(r.summary) for r in runs), ["year"], "relocation_pct"),
        runs[0],
    )
