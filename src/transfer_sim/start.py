"""The start year of a run: its firm population, region state and :class:`~transfer_sim.state.Calibration`.

:func:`calibrated_china` draws the firms and calibrates what the data do not show (see
:mod:`transfer_sim.calibration`); :func:`even_start` is the textbook economy's start.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import calibration as cal
from .accounts import RegionAccounts, national_accounts, start_accounts
from .economics import unit_cost_index
from .geography import Geography
from .levers import PolicyArrays
from .params import SIGMA, EconomyParams
from .policy import Policy
from .population import FirmPopulation
from .processes import environment, local_government, production, relocation
from .processes.demography import sector_margins
from .processes.labour_market import migration_cost, migration_utility
from .sectors import SectorTable
from .state import Calibration, CostShares, Markets, RegionState
from .trade import domestic_freeness

Start = tuple[FirmPopulation, RegionState, Calibration]


def calibrated_china(rng: np.random.Generator, geography: Geography, sectors: SectorTable, n_firms: int,
                     params: EconomyParams, policy: Policy, status_quo: PolicyArrays,
                     export_targets: np.ndarray | None, year: int) -> Start:
    """Draw firms and calibrate the start year under the status-quo levers (module docstring of
    :mod:`transfer_sim.calibration`, steps 1-6)."""
    geo, p, n = geography, params, geography.n
    national = national_accounts(year)
    accounts = start_accounts(geo, national)
    innovation = cal.innovation_capacity(geo)
    rent = cal.land_rent(geo)
    revenue = accounts.industry.sum() / float(sectors.demand_share @ sectors.value_added_ratio)
    margin = national.industrial_profit * geo.gdp.sum() / revenue
    costs = cal.cost_shares(sectors, margin)
    reference = (float(geo.wage.mean()), float(rent.mean()))
    unit_cost = unit_cost_index(costs.labour_exponent, costs.land_exponent, geo.wage, rent, *reference)
    sector_factor = innovation[None, :] ** sectors.innovation_intensity[:, None] * unit_cost ** (1.0 - SIGMA)
    phi = domestic_freeness(geo.freeness, status_quo.barrier, np.zeros(n), 0.0)
    phi_ext = environment.external_phi(geo, p, status_quo, np.zeros(n), corridors_running=True)
    observed = geo.kind != "abstract"  # an abstract geography has no industry or wage data
    if not observed:
        accounts = accounts.with_industry(
            accounts.industry.sum() * cal.free_entry_shares(geo, sectors.demand_share, sector_factor, phi))
    exports_to_gdp = national.exports if phi_ext.any() else None
    firms_wanted = cal.firms_for_output(geo, sectors, innovation, n_firms, sector_factor, phi, phi_ext, p,
                                        industry=accounts.industry, exports_to_gdp=exports_to_gdp, fit=observed,
                                        export_target=export_targets)
    sector, region, size = cal.draw_firms(rng, geo, sectors, n_firms, innovation, p, firms_wanted)
    size_sums = cal.cell_sums(size, sector, region, sectors.count, n)
    productivity, markets, export_access = cal.calibrate_productivity(
        geo, sectors, size_sums, sector_factor, phi, phi_ext, p, industry=accounts.industry,
        exports_to_gdp=exports_to_gdp, fit_productivity=observed, export_target=export_targets)
    regions = RegionState(
        population=geo.population.copy(), wage=geo.wage.copy(), rent=rent, land_cap=np.zeros(n),
        innovation=innovation, productivity=productivity, demand_share=geo.gdp_share.copy(),
        infrastructure=np.zeros(n), export_access=export_access,
    )
    firms = FirmPopulation(sectors.count, n, capacity=int(n_firms * 1.5),
                           class_edges=cal.class_edges(p.size_dispersion, p.productivity_classes))
    firms.add(year, sector, region, size, np.zeros(n_firms), np.zeros(n_firms), newcomers=False)
    unknown = np.zeros((sectors.count, n))
    classes = firms.n_classes
    supply = size_sums * sector_factor * productivity[None, :]
    calibration = Calibration(
        markets=markets, costs=costs, labour_unit=unknown, land_unit=unknown, capital_unit=unknown,
        location_constants=np.zeros((sectors.count, classes, n)),
        class_sizes=cal.class_sizes(size, firms.size_class, p.size_dispersion, classes),
        typical_size=cal.typical_size(size), migration_constants=np.zeros(n), start_margin=np.zeros(sectors.count),
        start_industry_share=np.zeros(n), start_population=geo.population.copy(), start_wage=geo.wage.copy(),
        start_rent=rent, start_land_used=np.zeros(n), start_land_cap=np.zeros(n), start_demand_share=geo.gdp_share.copy(),
        start_labour_demand=np.zeros(n), start_accounts=accounts,
        start_sector_firms=np.bincount(sector, minlength=sectors.count).astype(float),
        start_unit_variable=np.ones(sectors.count),
        start_price_index=environment.national_price_index(supply, phi, geo.gdp_share), cost_reference=reference,
        industry_weight=float(accounts.industry.sum() / geo.gdp.sum()),
        productivity=np.ones(n), market_access=np.ones(n),
    )

    def earnings(calibration):
        env = environment.this_year(status_quo, policy.shocks, geo, sectors, regions, calibration, p, year=year,
                                    elapsed=0, growth_index=1.0, world_demand=1.0, size_cells=firms.cell_sums("size"),
                                    sector_mix=np.ones(sectors.count))
        return env, production.earn(env, firms, sectors, regions, calibration, p, year=year)

    # each region's technique fits its start-year prices, and every sector starts at the national margin
    _, earned = earnings(calibration)
    costs = cal.cost_shares(sectors, margin, production.redundancy_markdown(supply, status_quo.policy, sectors,
                                                                             p.redundancy_penalty))
    labour_unit, land_unit, capital_unit = cal.factor_requirements(earned.unit_revenue, geo.wage, rent, costs, p)
    scaled = size**p.scale_elasticity
    firms.set_fixed_inputs(*(unit[sector, region] * scaled for unit in (labour_unit, land_unit, capital_unit)))
    land_used = np.bincount(region, weights=firms.land, minlength=n)
    industry = np.bincount(region, weights=size, minlength=n)
    calibration = replace(
        calibration, costs=costs, labour_unit=labour_unit, land_unit=land_unit, capital_unit=capital_unit,
        start_industry_share=industry / industry.sum(), start_land_used=land_used,
        start_land_cap=land_used * (1.0 + status_quo.policy.land_headroom),
        start_unit_variable=cal.mean_unit_variable(earned, size_sums),
        start_labour_demand=firms.by_region(production.firm_employment(firms, costs, geo.wage)),
        productivity=cal.total_factor_productivity(productivity),
        market_access=cal.mean_market_access(earned, sector_factor * productivity[None, :]),
    )
    regions.land_cap = land_used * (1.0 + policy.land_headroom)

    # location constants: the start is the stationary state under the status quo
    env, earned = earnings(calibration)
    # the start's marginal firms have been losing money for a random number of years, so that
    # they leave over the first years, not all at once
    losing = np.flatnonzero(earned.profit < 0)
    firms.loss_years[losing] = rng.integers(0, p.exit_after_losses, losing.size)
    open_to = relocation.allowed(sectors, env.levers)
    cost = relocation.move_cost(p, geo, env.barrier)
    groups = sectors.count * classes  # one location choice per sector and productivity class
    counts = np.bincount((sector * classes + firms.size_class) * n + region,
                         minlength=groups * n).reshape(groups, n) + 0.5

    def stationary(earned):
        """Location constants that make the start, as ``earned``, the stationary state."""
        utility = relocation.location_utility(earned, open_to, cost, p.logit_beta, calibration.location_constants)
        return cal.stationary_constants(
            utility.move.transpose(0, 2, 1, 3).reshape(groups, n, n), utility.entry.reshape(groups, n),
            counts / counts.sum(axis=1, keepdims=True),
            base_rate=p.relocation_rate, gap_rate=p.hazard_gap, exit_rate=p.death_rate,
        ).reshape(sectors.count, classes, n)

    location_constants = stationary(earned)
    base_books = None
    if p.government.active:  # today's local competition is part of the stationary start
        entry = relocation.location_utility(earned, open_to, cost, p.logit_beta, location_constants).entry
        regions.local, base_books, regions.budgets = local_government.calibrate(
            firms, earned, entry, replace(calibration, start_margin=sector_margins(earned)), sectors, regions,
            env.levers, p, year, geo.gdp)
        env, earned = earnings(calibration)
        location_constants = stationary(earned)
    people = migration_utility(regions.wage, regions.population, p.migration_beta)
    migration_constants = cal.stationary_constants(
        (people[None, :] - migration_cost(p, geo))[None], people[None, :],
        (geo.population / geo.population.sum())[None, :],
        base_rate=p.migration_rate, gap_rate=0.0, exit_rate=0.0,
    )[0]
    calibration = replace(calibration, location_constants=location_constants, local_books=base_books,
                          migration_constants=migration_constants, start_margin=sector_margins(earned))
    return firms, regions, calibration


def even_start(rng: np.random.Generator, geography: Geography, sectors: SectorTable, n_firms: int,
               params: EconomyParams, policy: Policy, status_quo: PolicyArrays,
               export_targets: np.ndarray | None, year: int) -> Start:
    """The textbook economy: an even start, one sector, no costs, so only market access and
    competition matter; ``rng`` is not needed (every firm is the same)."""
    geo, n = geography, geography.n
    region = np.repeat(np.arange(n), cal.apportion(n_firms, np.ones(n), minimum=0))
    firms = FirmPopulation(sectors.count, n, capacity=int(n_firms * 1.5))
    firms.add(year, np.zeros(n_firms, int), region, np.ones(n_firms), np.zeros(n_firms), np.zeros(n_firms),
              newcomers=False)
    regions = RegionState(
        population=geo.population.copy(), wage=np.zeros(n), rent=np.zeros(n), land_cap=np.full(n, np.inf),
        innovation=np.ones(n), productivity=np.ones(n), demand_share=geo.gdp_share.copy(),
        infrastructure=np.zeros(n), export_access=np.ones(n),
    )
    none = np.zeros((1, n))
    calibration = Calibration(
        markets=Markets(domestic_total=1.0, sector_share=np.ones(1), external=np.zeros((1, 4)),
                        foreign_supply=np.zeros((1, 4))),
        costs=CostShares.none(1), labour_unit=none, land_unit=none, capital_unit=none,
        location_constants=none[:, None, :], class_sizes=np.ones(1), typical_size=1.0,
        migration_constants=np.zeros(n), start_margin=np.zeros(1), start_industry_share=np.full(n, 1.0 / n),
        start_population=regions.population, start_wage=regions.wage, start_rent=regions.rent,
        start_land_used=np.zeros(n), start_land_cap=regions.land_cap, start_demand_share=regions.demand_share, start_labour_demand=np.zeros(n),
        start_accounts=RegionAccounts.industry_only(np.zeros(n)), start_sector_firms=np.array([float(n_firms)]),
        start_unit_variable=np.ones(1), start_price_index=np.ones(1), cost_reference=(1.0, 1.0),
        industry_weight=1.0, productivity=np.ones(n), market_access=np.ones(n),
    )
    return firms, regions, calibration
