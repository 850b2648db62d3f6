"""Firm demography (UrbanSim's transition step): exit, entry and upgrading."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..calibration import draw_sizes
from ..economics import logit_probabilities, ration_by_capacity
from ..levers import PolicyArrays
from ..params import EconomyParams
from ..population import FirmPopulation
from ..sectors import SectorTable
from ..state import ENTRY, FATE, Calibration, Earnings, Environment, LocationUtility, RegionState, YearDraws
from .relocation import land_free


def sector_margins(earnings: Earnings) -> np.ndarray:
    """(K,) operating profit over revenue of each sector (0 where it has no revenue)."""
    profit, revenue = earnings.profit_cells.sum(axis=1), earnings.revenue_cells.sum(axis=1)
    return np.divide(profit, revenue, out=np.zeros_like(profit), where=revenue > 0)


def exit_firms(firms: FirmPopulation, profit: np.ndarray, fate: np.ndarray,
               params: EconomyParams) -> tuple[np.ndarray, np.ndarray]:
    """Remove firms that die by chance (``fate < death rate``) or after ``exit_after_losses``
    loss years in a row.

    Returns the exits per region and the survivors' fate draws in their new rows (``fate`` is
    reordered in place, as the firms' own columns are).
    """
    firms.loss_years[:] = (firms.loss_years + 1) * (profit < 0)
    leaving = (fate < params.death_rate) | (firms.loss_years >= params.exit_after_losses)
    exits = np.bincount(firms.region[leaving], minlength=firms.n_regions).astype(float)
    holes, tail = firms.remove(leaving)
    fate[holes] = fate[tail]
    return exits, fate[: firms.count]


def entry_rates(earnings: Earnings, start_margin: np.ndarray, params: EconomyParams) -> np.ndarray:
    """(K,) entrants per incumbent: entry_rate x exp(elasticity x relative change of the sector's margin)."""
    change = (sector_margins(earnings) - start_margin) / np.maximum(np.abs(start_margin), 1e-9)
    return np.clip(params.entry_rate * np.exp(params.entry_elasticity * change), 0.0, 1.0)


def entrants(firms: FirmPopulation, earnings: Earnings, utility: LocationUtility, calibration: Calibration,
             draws: YearDraws, params: EconomyParams):
    """Would-be entrants per sector: (sector, region, size, land priority).

    Each sector and each draw has its own stream, so the j-th entrant of a sector gets
    the same draws in every scenario run with the same seed.
    """
    rate = entry_rates(earnings, calibration.start_margin, params)
    incumbents = np.bincount(firms.sector, minlength=firms.n_sectors)
    where = np.cumsum(logit_probabilities(utility.entry), axis=1)
    open_somewhere = np.isfinite(utility.entry).any(axis=1)
    parts = []
    for k in range(firms.n_sectors):
        born = draws.stream(ENTRY, k, 0).binomial(incumbents[k], rate[k]) if open_somewhere[k] else 0
        region = np.minimum(np.searchsorted(where[k], draws.stream(ENTRY, k, 1).random(born)), where.shape[1] - 1)
        size = draw_sizes(draws.stream(ENTRY, k, 2), born, params.size_dispersion)
        parts.append((np.full(born, k), region, size, draws.stream(ENTRY, k, 3).random(born)))
    return tuple(np.concatenate(column) for column in zip(*parts))


def enter_firms(firms: FirmPopulation, earnings: Earnings, utility: LocationUtility, calibration: Calibration,
                land_cap: np.ndarray, draws: YearDraws, params: EconomyParams) -> np.ndarray:
    """Add the entrants that get land (in the order of their priority draws); entries per region.

    An entrant takes its region's technique: labour and land = unit requirement x size^scale_elasticity.
    """
    sector, region, size, priority = entrants(firms, earnings, utility, calibration, draws, params)
    scaled = size**params.scale_elasticity
    labour, land = calibration.labour_unit[sector, region] * scaled, calibration.land_unit[sector, region] * scaled
    ok = ration_by_capacity(region, land, land_free(firms, land_cap), priority)
    firms.add(draws.year, sector[ok], region[ok], size[ok], labour[ok], land[ok])
    return np.bincount(region[ok], minlength=firms.n_regions).astype(float)


def upgrade_firms(firms: FirmPopulation, fate: np.ndarray, earnings: Earnings, sectors: SectorTable,
                  levers: PolicyArrays, innovation: np.ndarray, params: EconomyParams) -> tuple[int, float]:
    """"Old trees grow new branches": low-end firms move up, faster with innovation and subsidy.

    chance[k, r] = upgrade_rate x innovation_r x (1 + 4 upgrade_subsidy in the cage regions), for
    sectors with an upgrade path. The incumbents (the first ``fate.size`` rows; this year's
    entrants come after them and do not upgrade) reuse the exit draw: given survival it is
    uniform again above the death rate.

    Returns the number of upgrades and what the upgrade subsidy pays (bn CNY): its share of
    each upgrade's investment, ``upgrade_investment_revenue_share`` x the firm's revenue, in the
    cage regions.
    """
    subsidy = levers.policy.upgrade_subsidy
    boost = 1.0 + 4.0 * subsidy * levers.cage_regions
    chance = params.upgrade_rate * np.outer(sectors.upgrade_to >= 0, innovation * boost)
    incumbents = firms.cell[: fate.size]
    up = np.flatnonzero((fate - params.death_rate) / (1.0 - params.death_rate) < chance.ravel()[incumbents])
    revenue = earnings.unit_revenue.ravel()[firms.cell[up]] * firms.size[up]
    paid = subsidy * params.fiscal.upgrade_investment_revenue_share * float(
        (revenue * levers.cage_regions[firms.region[up]]).sum())
    firms.change_sector(up, sectors.upgrade_to[firms.sector[up]])
    return int(up.size), paid


@dataclass(frozen=True)
class Turnover:
    """This year's entries and exits per region, and the number of upgrades."""

    entries: np.ndarray
    exits: np.ndarray
    upgrades: int
    fiscal: dict[str, float]  # what the upgrade subsidy paid, when it is on

    @classmethod
    def none(cls, n_regions: int) -> Turnover:
        return cls(np.zeros(n_regions), np.zeros(n_regions), 0, {})


def turnover(firms: FirmPopulation, earnings: Earnings, utility: LocationUtility, env: Environment,
             regions: RegionState, calibration: Calibration, draws: YearDraws, sectors: SectorTable,
             params: EconomyParams) -> Turnover:
    """Exit, then entry, then upgrading of the surviving incumbents."""
    exits, fate = exit_firms(firms, earnings.profit, draws.per_firm(FATE, firms), params)
    entries = enter_firms(firms, earnings, utility, calibration, regions.land_cap, draws, params)
    upgrades, paid = upgrade_firms(firms, fate, earnings, sectors, env.levers, regions.innovation, params)
    return Turnover(entries, exits, upgrades, {"upgrade_subsidy": paid} if env.levers.policy.upgrade_subsidy else {})
