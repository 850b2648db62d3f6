"""Workers migrate toward higher wages; wages, land rents and regional demand follow."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..economics import logit_probabilities, rent_level, wage_level
from ..geography import Geography
from ..params import EconomyParams
from ..population import FirmPopulation
from ..state import Calibration, RegionState


def migration_utility(wage: np.ndarray, population: np.ndarray, beta: float) -> np.ndarray:
    """u_r = beta_m log(w_r / population-weighted mean wage)."""
    return beta * np.log(wage / np.average(wage, weights=population))


def migration_cost(params: EconomyParams, geography: Geography) -> np.ndarray:
    """(R, R) cost of moving one's household: hukou friction + cost per 1000 km (0 to stay)."""
    cross = ~np.eye(geography.n, dtype=bool)
    return (params.hukou_friction + params.migration_cost_per_1000km * geography.distance_km / 1000.0) * cross


def migrate(regions: RegionState, cost: np.ndarray, constants: np.ndarray, params: EconomyParams) -> np.ndarray:
    """Population after a share ``migration_rate`` of every region reconsiders by logit on
    u_d + xi_d - cost[o, d]."""
    utility = migration_utility(regions.wage, regions.population, params.migration_beta) + constants
    choice = logit_probabilities(utility[None, :] - cost)
    movers = params.migration_rate * regions.population
    return regions.population - movers + movers @ choice


def indexed(regions: RegionState, growth: float) -> RegionState:
    """Wages and rents at the start of a year: last year's, grown with this year's nominal growth."""
    return replace(regions, wage=regions.wage * growth, rent=regions.rent * growth)


def income_shares(gdp: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Each region's share of national GDP; ``fallback`` when there is none (a wiped-out year)."""
    total = gdp.sum()
    return gdp / total if total > 0 else fallback


def reserve_supply(size: float, left: float, receiving: np.ndarray) -> np.ndarray:
    """(R,) labour supply relative to the start's as a Lewis reserve runs down: the east's
    industry draws on surplus rural labour of the interior (migrants at a flat wage) of ``size``
    times its own labour supply at the start, of which the share ``left`` is still there:
    (1 + size x left) / (1 + size) in the ``receiving`` regions, 1 elsewhere."""
    return np.where(receiving, (1.0 + size * left) / (1.0 + size), 1.0)


def clear(regions: RegionState, firms: FirmPopulation, calibration: Calibration,
          geography: Geography, params: EconomyParams, growth_index: float, gdp: np.ndarray,
          jobs: np.ndarray, reserve_left: float = 1.0) -> RegionState:
    """Migration, then wages (labour demand over supply), rents (land use) and demand (income).

    Labour demand is ``jobs``, the (K, R) workers (fixed workforce plus variable labour); labour supply is the
    start-year labour demand scaled by population and by what is left of the east's labour reserve
    (:func:`reserve_supply`, ``reserve_left`` of it); a region's share of domestic spending is
    (1 - linkage) x its start share + linkage x its share of GDP.
    """
    c = calibration
    population = migrate(regions, migration_cost(params, geography), c.migration_constants, params)
    labour_supply = (c.start_labour_demand * population / c.start_population
                     * reserve_supply(params.labour_reserve, reserve_left, geography.macro_region == "east"))
    demand = jobs.sum(axis=0)
    wage = wage_level(c.start_wage, growth_index, demand, labour_supply, params.wage_elasticity)
    rent = rent_level(c.start_rent, growth_index, firms.land_by_region(), c.start_land_used,
                      params.rent_elasticity, regions.land_cap, c.start_land_cap, params.land_scarcity)
    linkage = params.demand_linkage
    demand_share = (1 - linkage) * c.start_demand_share + linkage * income_shares(gdp, c.start_demand_share)
    return replace(regions, population=population, wage=wage, rent=rent, demand_share=demand_share)
