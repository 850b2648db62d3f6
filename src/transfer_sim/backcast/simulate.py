"""One back-cast simulation: a model started from the timeline's first year, played forward.

A parameter point is a dict of calibrated values (``logit_beta`` and :class:`EconomyParams`
fields); replicate r of every point uses the seed ``SeedSequence(seed, spawn_key=(r,))``, so
points are compared on the same firms and draws (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from ..batch.seeds import run_seed
from ..geography import Geography
from ..model import TransferModel
from ..params import EconomyParams
from . import history, measure
from .timeline import Timeline, play


def build(timeline: Timeline, parameters: dict[str, float], seed: int, firms: int) -> TransferModel:
    """The start-year model: that year's provinces, its policies as the stationary state, and
    each province's access to markets abroad fitted to its share of exports."""
    year = timeline.timeline.start_year
    return TransferModel(
        geography=Geography.china(year=year), start_year=year, n_firms=firms, seed=seed,
        params=replace(EconomyParams(), **parameters), status_quo=timeline.policy_in(year),
        export_targets=history.start_year(year).exports,
    )


def run(timeline: Timeline, parameters: dict[str, float], seed: int, firms: int,
        until: int | None = None) -> TransferModel:
    return play(build(timeline, parameters, seed, firms), timeline, until)


def replicate_seeds(base: int, seeds: int) -> list[int]:
    return [run_seed(base, r, 0) for r in range(seeds)]


@dataclass(frozen=True)
class Simulation:
    """Means over replicates of the measured shares and of the east's share of each sector."""

    shares: pd.DataFrame  # year, metric, region, simulated_pct
    sectors: pd.DataFrame  # year, sector, east_pct


def simulated(timeline: Timeline, parameters: dict[str, float], seeds: list[int], firms: int,
              until: int | None = None) -> Simulation:
    """Run every replicate to ``until`` (default the timeline's end) and average what is measured."""
    start = history.start_year(timeline.timeline.start_year)
    runs = [run(timeline, parameters, seed, firms, until).results for seed in seeds]
    shares = pd.concat(measure.shares(r.regions, start) for r in runs)
    sectors = pd.concat(measure.east_sector_shares(r.sectors, r.regions) for r in runs)
    return Simulation(
        shares.groupby(["year", "metric", "region"], sort=False, as_index=False)["simulated_pct"].mean(),
        sectors.groupby(["year", "sector"], sort=False, as_index=False)["east_pct"].mean(),
    )
