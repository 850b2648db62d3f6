"""Firm demography (UrbanSim's transition step): exit, entry and upgrading."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..calibration import CNY_PER_BN, draw_sizes
from ..economics import draw_in_groups, logit_probabilities
from ..levers import PolicyArrays
from ..params import EconomyParams
from ..population import FirmPopulation
from ..sectors import SectorTable
from ..state import (ENTRY, FATE, Calibration, Earnings, Environment, FirmUniforms, LocationUtility, RegionState,
                     YearDraws)
from .land import land_free, settle


def sector_margins(earnings: Earnings) -> np.ndarray:
    """(K,) operating profit over revenue of each sector (0 where it has no revenue)."""
    profit, revenue = earnings.profit_cells.sum(axis=1), earnings.revenue_cells.sum(axis=1)
    return np.divide(profit, revenue, out=np.zeros_like(profit), where=revenue > 0)


def exit_firms(firms: FirmPopulation, fate: FirmUniforms, params: EconomyParams, year: int) -> np.ndarray:
    """At the start of a year, remove firms that die by chance (``fate < death rate``) or after
    ``exit_after_losses`` loss years in a row, last year's included (``firms.profit``, what they
    earned last); returns the exits per region."""
    loss_years = firms.loss_years  # a view: updated in place
    loss_years += 1
    loss_years *= firms.profit < 0
    leaving = loss_years >= params.exit_after_losses
    leaving[fate.below(params.death_rate)[0]] = True
    firms.remove(leaving, year)
    return np.bincount(firms.exits_in(year)["region"], minlength=firms.n_regions).astype(float)


def entry_pool(firms: FirmPopulation, calibration: Calibration, params: EconomyParams) -> np.ndarray:
    """(K,) would-be entrants' base: the sector's incumbents, never fewer than ``entry_pool_floor`` of its
    start-year firms, so that a sector wiped out somewhere or everywhere has a path back."""
    incumbents = firms.by_cell().sum(axis=1).astype(float)
    return np.maximum(incumbents, np.round(params.entry_pool_floor * calibration.start_sector_firms))


def entry_rates(earnings: Earnings, start_margin: np.ndarray, params: EconomyParams) -> np.ndarray:
    """(K,) entrants per incumbent: entry_rate x exp(elasticity x relative change of the sector's margin);
    the base rate for a sector that earned nothing (no firms, or a disaster), which has no margin to show."""
    earned = earnings.revenue_cells.sum(axis=1) > 0
    change = np.where(earned, (sector_margins(earnings) - start_margin) / np.maximum(np.abs(start_margin), 1e-9), 0.0)
    return np.clip(params.entry_rate * np.exp(params.entry_elasticity * change), 0.0, 1.0)


def entrants(firms: FirmPopulation, last: Earnings, choice: np.ndarray, calibration: Calibration,
             draws: YearDraws, params: EconomyParams):
    """Would-be entrants per sector: (sector, region, size, land priority). How many respond to the
    margins firms earned ``last`` year; each knows its size before it chooses where to build, by
    ``choice``, the (K, C, R) logit probabilities of this year's entry utility for its productivity
    class (a sector closed everywhere has rows of zeros and no entrants).

    Each sector and each draw has its own stream, so the j-th entrant of a sector gets
    the same draws in every scenario run with the same seed.
    """
    rate = entry_rates(last, calibration.start_margin, params)
    pool = entry_pool(firms, calibration, params).astype(np.int64)
    where = np.cumsum(choice, axis=2)
    open_somewhere = choice.any(axis=(1, 2))
    parts = []
    for k in range(firms.n_sectors):
        born = draws.stream(ENTRY, k, 0).binomial(pool[k], rate[k]) if open_somewhere[k] else 0
        parts.append((np.full(born, k), draws.stream(ENTRY, k, 1).random(born),
                      draw_sizes(draws.stream(ENTRY, k, 2), born, params.size_dispersion),
                      draws.stream(ENTRY, k, 3).random(born)))
    sector, where_draw, size, priority = (np.concatenate(column) for column in zip(*parts))
    region = draw_in_groups(where.reshape(-1, firms.n_regions), sector * where.shape[1] + firms.classify(size), where_draw)
    return sector, region, size, priority


def enter_firms(firms: FirmPopulation, earnings: Earnings, last: Earnings, utility: LocationUtility,
                calibration: Calibration, regions: RegionState, capital_price: float, draws: YearDraws,
                params: EconomyParams) -> np.ndarray:
    """Add the entrants that would make a profit and get land; entries per region.

    An entrant knows its productivity before it builds (Melitz 2003): one whose operating profit at
    this year's prices would be negative does not enter. It takes its region's technique: labour,
    land and capital = unit requirement x size^scale_elasticity. Land goes in the order of the
    priority draws; an entrant refused land builds in its next-best region with land
    (:func:`land.settle`), and only one that finds land nowhere is not born.
    """
    choice = logit_probabilities(utility.entry)
    sector, region, size, priority = entrants(firms, last, choice, calibration, draws, params)
    scaled = size**params.scale_elasticity
    viable = entry_profits(sector, region, size, scaled, earnings, calibration, regions, capital_price) >= 0
    sector, region, size, scaled, priority = (column[viable] for column in (sector, region, size, scaled, priority))
    size_class = firms.classify(size)
    everywhere = np.arange(firms.n_regions)[None, :]

    def options(claims):
        """Where refused entrants could build instead: where they would make a profit."""
        k, z, a = sector[claims, None], size[claims, None], scaled[claims, None]
        profitable = entry_profits(k, everywhere, z, a, earnings, calibration, regions, capital_price) >= 0
        return choice[sector[claims], size_class[claims]] * profitable, calibration.land_unit[k, everywhere] * a

    built = settle(region, calibration.land_unit[sector, region] * scaled, land_free(firms, regions.land_cap),
                   priority, options, np.full(region.size, -1), draws.land(1))
    ok = built >= 0
    sector, region, size, scaled = sector[ok], built[ok], size[ok], scaled[ok]
    labour, land, capital = (unit[sector, region] * scaled for unit in
                             (calibration.labour_unit, calibration.land_unit, calibration.capital_unit))
    if regions.local is None:
        firms.add(draws.year, sector, region, size, labour, land, capital)
    else:  # an entrant signs its province's offer of this year
        firms.add(draws.year, sector, region, size, labour, land, capital,
                  rebate=regions.local.rebates(params.government.emerging_rebate)[sector, region],
                  land_discount=regions.local.discounts()[sector, region])
    return np.bincount(region, minlength=firms.n_regions).astype(float)


def entry_profits(sector, region, size, scaled, earnings: Earnings, calibration: Calibration, regions: RegionState,
                  capital_price: float) -> np.ndarray:
    """The operating profit a would-be entrant of ``sector`` and ``size`` would make in ``region``
    with that region's technique, at this year's prices (arguments broadcast):
    size x gross[k, r] - (w_r labour[k, r] + rent_r land[k, r]) scaled / 1e9 - p_K capital[k, r] scaled."""
    c = calibration
    fixed = ((regions.wage[region] * c.labour_unit[sector, region] + regions.rent[region] * c.land_unit[sector, region])
             / CNY_PER_BN + capital_price * c.capital_unit[sector, region])
    return size * earnings.unit_gross[sector, region] - fixed * scaled


def upgrade_firms(firms: FirmPopulation, fate: FirmUniforms, earnings: Earnings, sectors: SectorTable,
                  levers: PolicyArrays, innovation: np.ndarray, params: EconomyParams) -> tuple[int, float]:
    """"Old trees grow new branches": low-end firms move up, faster with innovation and subsidy.

    chance[k, r] = upgrade_rate x innovation_r x (1 + 4 upgrade_subsidy in the cage regions), for
    sectors with an upgrade path. A firm upgrades when it survives this year's chance of death
    (``fate >= death_rate``) and ``(fate - death_rate) / (1 - death_rate)``, uniform again, is below
    its chance. It moves into the target sector and its productivity a^(sigma-1) rises by
    ``upgrade_productivity_gain``; it keeps its workers, land and capital.

    Returns the number of upgrades and what the upgrade subsidy pays (bn CNY): its share of
    each upgrade's investment, ``upgrade_investment_revenue_share`` x the firm's revenue, in the
    cage regions.
    """
    subsidy = levers.policy.upgrade_subsidy
    boost = 1.0 + 4.0 * subsidy * levers.cage_regions
    chance = params.upgrade_rate * np.outer(sectors.upgrade_to >= 0, innovation * boost)
    candidates, again = survivors_drawing_below(fate, params.death_rate, chance.max(initial=0.0))
    up = candidates[again < chance.ravel()[firms.cell[candidates]]]
    revenue = earnings.unit_revenue.ravel()[firms.cell[up]] * firms.size[up]
    paid = subsidy * params.fiscal.upgrade_investment_revenue_share * float(
        (revenue * levers.cage_regions[firms.region[up]]).sum())
    firms.upgrade(up, sectors.upgrade_to[firms.sector[up]], params.upgrade_productivity_gain)
    return int(up.size), paid


def survivors_drawing_below(fate: FirmUniforms, death_rate: float, bound: float) -> tuple[np.ndarray, np.ndarray]:
    """The survivors whose fate, uniform again, again = (fate - death_rate) / (1 - death_rate), is
    below ``bound``: their rows in increasing order and their ``again``. As again >= fate - death_rate,
    it is worked out only for the survivors with fate < death_rate + bound (+ 1e-9 for rounding)."""
    near, drawn = fate.below(death_rate + bound + 1e-9)
    survives = drawn >= death_rate
    near, again = near[survives], (drawn[survives] - death_rate) / (1.0 - death_rate)
    below = again < bound
    return near[below], again[below]


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


def close(firms: FirmPopulation, draws: YearDraws, params: EconomyParams) -> np.ndarray:
    """The start of a year: firms die by chance or after lasting losses; exits per region."""
    return exit_firms(firms, draws.per_firm(FATE, firms), params, draws.year)


@dataclass(frozen=True)
class Renewal:
    """Entries per region and upgrades before production, and the upgrade subsidy's cost."""

    entries: np.ndarray
    upgrades: int
    fiscal: dict[str, float]

    def turnover(self, exits: np.ndarray) -> Turnover:
        return Turnover(self.entries, exits, self.upgrades, self.fiscal)


def renew(firms: FirmPopulation, earnings: Earnings, last: Earnings, utility: LocationUtility, env: Environment,
          regions: RegionState, calibration: Calibration, draws: YearDraws, sectors: SectorTable,
          params: EconomyParams) -> Renewal:
    """Before this year's production: the surviving incumbents upgrade, then entrants choose where to
    build. ``earnings`` are this year's prospects, ``last`` what firms earned last year."""
    upgrades, paid = upgrade_firms(firms, draws.per_firm(FATE, firms), earnings, sectors, env.levers,
                                   regions.innovation, params)
    entries = enter_firms(firms, earnings, last, utility, calibration, regions, env.capital_price, draws, params)
    return Renewal(entries, upgrades, {"upgrade_subsidy": paid} if env.levers.policy.upgrade_subsidy else {})
