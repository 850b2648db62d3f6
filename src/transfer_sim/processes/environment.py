"""Regions update: nest investment matures into parks and roads; trade, spending and shocks this year."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ..economics import price_index, sector_spending_shares, spending, unit_cost_index
from ..geography import Geography
from ..levers import PolicyArrays
from ..params import SIGMA, EconomyParams
from ..policy import Policy, Shock, switched_on_corridors
from ..sectors import SectorTable
from ..state import Calibration, Environment, RegionState
from ..trade import domestic_freeness, external_freeness

#: park investments, central (nest building) and local, as (first year usable, bn CNY per region)
Pipeline = tuple[tuple[int, np.ndarray], ...]


def invest(regions: RegionState, pipeline: Pipeline, policy: Policy, levers: PolicyArrays, year: int,
           start_land_used: np.ndarray, params: EconomyParams) -> tuple[RegionState, Pipeline]:
    """This year's nest investment and the provinces' own park investment enter the pipeline;
    what has matured adds park land and infrastructure.

    land_cap = min(start land used x (1 + headroom) + matured bn x park ha per bn,
                   red line x start land used);
    infrastructure = gain x (1 - exp(-K / scale)), K = sum of matured bn x (1 - depreciation)^years since;

    land once zoned stays zoned, while roads and park facilities wear out.
    """
    if policy.nest_investment > 0:
        pipeline = (*pipeline, (year + policy.nest_build_lag, policy.nest_investment * levers.nest_regions))
    if regions.local is not None and regions.local.park_investment.any():
        pipeline = (*pipeline, (year + policy.nest_build_lag, regions.local.park_investment))
    matured = [(usable, amount) for usable, amount in pipeline if usable <= year]
    invested = sum((amount for _, amount in matured), np.zeros(regions.land_cap.size))
    land_cap = start_land_used * (1.0 + policy.land_headroom) + invested * params.park_land_ha_per_bn
    if policy.land_red_line is not None:
        land_cap = np.minimum(land_cap, policy.land_red_line * start_land_used)
    kept = 1.0 - params.infrastructure_depreciation
    capital = sum((amount * kept ** (year - usable) for usable, amount in matured), np.zeros(regions.land_cap.size))
    infrastructure = params.infrastructure_gain * (1.0 - np.exp(-capital / params.infrastructure_scale_bn))
    return replace(regions, land_cap=land_cap, infrastructure=infrastructure), pipeline


def active_shocks(shocks: list[Shock], kind: str, year: int) -> list[Shock]:
    return [s for s in shocks if s.kind == kind and s.year <= year < s.year + s.duration]


def external_phi(geography: Geography, params: EconomyParams, levers: PolicyArrays, infrastructure: np.ndarray,
                 corridors_running: bool, port_access: float = 1.0) -> np.ndarray:
    """(R, M) freeness to the markets abroad over each region's best open route."""
    policy = levers.policy
    open_corridors = set(switched_on_corridors(policy)) if corridors_running else set()
    return external_freeness(
        geography.routes, geography.n, params.trade_costs,
        open_corridors=open_corridors, corridor_capacity=policy.corridor_capacity,
        corridor_discount=policy.corridor_discount,
        ftz_cut=levers.ftz_regions * policy.ftz_trade_cost_cut,
        infrastructure=infrastructure, digital=policy.digital_infrastructure, port_access=port_access,
    )


def agglomeration(industry: np.ndarray, start_share: np.ndarray, elasticity: float) -> np.ndarray:
    """Productivity from local industrial mass: (share of national firm size now / at the
    start)^elasticity, so a region that gains industry gains efficiency (and one that loses it,
    loses); 1 everywhere when nothing has moved."""
    share = np.maximum(industry / industry.sum(), 1e-12)
    return (share / start_share) ** elasticity


def national_price_index(supply: np.ndarray, phi: np.ndarray, demand_share: np.ndarray) -> np.ndarray:
    """(K,) X_k = sum_s d_s (sum_r supply[k, r] phi[r, s]): the spending-weighted price index
    P^(1 - sigma) of each sector's goods in the domestic markets."""
    return price_index(supply, phi) @ demand_share


def this_year(levers: PolicyArrays, shocks: list[Shock], geography: Geography, sectors: SectorTable,
              regions: RegionState, calibration: Calibration, params: EconomyParams, *, year: int, elapsed: int,
              growth_index: float, world_demand: float, size_cells: np.ndarray, sector_mix: np.ndarray) -> Environment:
    """Trade freeness, spending and competition this year, with the firms' sizes summed by sector
    and region in ``size_cells`` (K, R).

    ``levers`` are those in force (the status quo in the start year). A firm's efficiency is
    (productivity x innovation / unit cost)^(sigma - 1) in units of its size, times shocks and
    agglomeration. Spending on each sector is its start share times ``sector_mix`` (structural
    change), shifted toward sectors whose goods became cheaper
    (:func:`~transfer_sim.economics.sector_spending_shares`).
    """
    policy, markets = levers.policy, calibration.markets
    barrier = levers.barrier_in(elapsed)
    phi = domestic_freeness(geography.freeness, barrier, regions.infrastructure, policy.digital_infrastructure)
    disrupted = bool(active_shocks(shocks, "corridor_disruption", year))
    port_access = math.prod(1.0 - s.size for s in active_shocks(shocks, "coastal_demand", year))
    phi_ext = external_phi(geography, params, levers, regions.infrastructure, not disrupted, port_access)
    phi_ext = phi_ext * regions.export_access[:, None]
    external = markets.external * growth_index * world_demand
    costs = calibration.costs
    wage_ref, rent_ref = calibration.cost_reference
    unit_cost = unit_cost_index(costs.labour_exponent, costs.land_exponent, regions.wage, regions.rent,
                                wage_ref * growth_index, rent_ref * growth_index)
    efficiency = (regions.productivity[None, :] * regions.innovation[None, :] ** sectors.innovation_intensity[:, None]
                  * unit_cost ** (1.0 - SIGMA))
    if params.agglomeration and elapsed > 0:
        efficiency = efficiency * agglomeration(size_cells.sum(axis=0), calibration.start_industry_share, params.agglomeration)[None, :]
    for shock in active_shocks(shocks, "regional_disaster", year):
        efficiency = efficiency * np.where(geography.mask(shock.regions), 1.0 - shock.size, 1.0)[None, :]
    supply = size_cells * efficiency
    sector_share = sector_spending_shares(markets.sector_share * sector_mix,
                                          national_price_index(supply, phi, regions.demand_share),
                                          calibration.start_price_index, params.sector_substitution)
    demand = spending(sector_share, markets.domestic_total * growth_index, regions.demand_share, external)
    foreign = np.hstack([np.zeros((sectors.count, geography.n)), markets.foreign_supply])
    return Environment(np.hstack([phi, phi_ext]), demand, foreign, efficiency, growth_index, barrier, levers,
                       not disrupted)
