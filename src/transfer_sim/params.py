"""Behavioural and technical parameters that are not policy levers.

Policy levers live in :mod:`transfer_sim.policy`; the numbers here describe how firms,
workers and markets behave. They are the parameters a calibration would estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Real

#: Elasticity of substitution between varieties (Dixit-Stiglitz); markup sigma/(sigma-1).
SIGMA = 5.0


@dataclass(frozen=True)
class TradeCostParams:
    """Iceberg trade costs tau = 1 + per_1000km * (d / 1000 km) ** distance_elasticity."""

    per_1000km: float = 0.30
    distance_elasticity: float = 0.8
    rail_leg_factor: float = 0.5  # corridor rail cost per km relative to ordinary freight


@dataclass(frozen=True)
class FiscalCosts:
    """What the levers that are not paid per firm cost the public purse (bn CNY a year).

    Basis: assumptions of the order of magnitude of the programmes, documented with their
    sources in docs/levers.md ("What the levers cost").
    """

    # an upgrade costs the firm this share of a year's revenue; the upgrade subsidy pays its share of it
    upgrade_investment_revenue_share: float = 0.5
    # the yearly freight bill of each corridor at capacity 1 (2023 volumes x a typical rate per TEU);
    # the tariff discount pays its share of it, scaled by the corridor's capacity
    corridor_freight_bn: dict = field(default_factory=lambda: {
        "China-Europe Railway Express": 1.9e6 * 45_000 / 1e9,  # 1.9 m TEU x 45,000 CNY
        "Western Land-Sea New Corridor": 0.861e6 * 15_000 / 1e9,  # 0.861 m TEU x 15,000 CNY
    })
    # customs, port and logistics facilitation per free-trade-zone province and unit of the trade-cost cut
    ftz_bn_per_region: float = 10.0
    # "new infrastructure" (5G, data centres, industrial internet) per unit of the digital lever
    digital_bn: float = 1_000.0


@dataclass(frozen=True)
class GovernmentParams:
    """How the provincial governments compete for firms and keep their books (defaults and their
    basis in docs/model.md, "Local governments")."""

    active: bool = True  # False: no local instruments and no books (the textbook economy)
    tax_share: float = 0.09  # local taxes as a share of the province's GDP
    transfer_share: float = 0.08  # central transfers as a share of the province's GDP, before nest building
    start_debt: float = 0.3  # what a province owes at the start, as a share of its GDP
    borrowing_limit: float = 0.4  # the most a province may owe, as a share of its GDP
    output_weight: float = 0.05  # what a bn CNY of local industrial value added in an official's term is worth, in bn of revenue
    tenure: int = 5  # years of an official's term, over which local output counts (the promotion tournament)
    adjustment: float = 0.5  # share of the way to its best response a government goes each year
    max_rebate: float = 0.25  # the largest newcomer tax rebate a government considers (share of profit: the income tax)
    max_discount: float = 1.0  # the largest industrial-land discount it considers (share of rent: 1 is rent-free)
    steps: int = 11  # grid points per instrument in the search for the best response
    emerging_rebate: float = 0.2  # extra rebate for newcomers in an emerging sector a province backs
    coordination_slots: int = 5  # under national coordination, the provinces that may back each emerging sector
    land_years: int = 3  # years of expected newcomers' land a province builds parks ahead for


@dataclass(frozen=True)
class EconomyParams:
    """How firms, workers and regions behave (defaults documented in docs/model.md)."""

    # location choice and relocation (UrbanSim-style: who reconsiders, then where to)
    logit_beta: float = 10.0  # sharpness of the location logit on profits relative to the sector mean
    relocation_rate: float = 0.005  # yearly chance that a firm looks at other regions at all
    hazard_gap: float = 0.02  # extra chance rising with the odds that looking leads to a move
    move_cost_fixed: float = 2.0  # sunk cost of any move, in logit utility units
    move_cost_per_1000km: float = 0.5
    barrier_move_cost: float = 8.0  # utility cost of a cross-province move per unit of barrier
    # firm demography
    size_dispersion: float = 0.7  # sd of log firm size (productivity^(sigma-1))
    productivity_classes: int = 4  # size bands of equal probability whose firms decide alike (1: no sorting)
    scale_elasticity: float = 0.8  # fixed labour and land grow with size^this (scale economies)
    death_rate: float = 0.03  # exogenous yearly exit
    entry_rate: float = 0.03  # entrants per incumbent at start-year profitability
    entry_elasticity: float = 2.0  # response of entry to the sector's profit margin
    exit_after_losses: int = 3  # consecutive loss years before a firm exits
    upgrade_rate: float = 0.004  # yearly chance a low-end firm upgrades, at mean innovation
    upgrade_productivity_gain: float = 1.5  # an upgrade multiplies a^(sigma-1) by this (TFP +11 % at sigma 5)
    entry_pool_floor: float = 0.1  # would-be entrants per sector never fall below this share of its start-year firms
    newcomer_years: int = 5  # years an arriving firm draws a nest-building subsidy
    discount_rate: float = 0.08  # firms discount future profits at this rate a year
    planning_horizon: int = 15  # years of profit a location decision weighs
    # regions: wages, rents, migration, demand
    growth: float = 0.05  # nominal growth of demand, wages and rents per year
    wage_elasticity: float = 0.3  # wage response to labour demand / supply
    labour_reserve: float = 0.0  # surplus rural labour the east's industry draws on at the start, share of its labour supply (0: none)
    rent_elasticity: float = 0.5  # land rent response to land use
    land_scarcity: float = 0.25  # land rent response to the free share of the zoning cap shrinking
    migration_rate: float = 0.02  # share of people who consider moving each year
    migration_beta: float = 4.0  # logit sharpness of migration on log relative wages
    hukou_friction: float = 2.0  # household-registration cost of leaving one's province
    migration_cost_per_1000km: float = 0.5
    demand_linkage: float = 0.3  # share of regional demand that follows regional income
    local_sectors_elasticity: float = 0.5  # construction and services follow basic income (industry + agriculture)^this
    sector_substitution: float = 2.0  # elasticity of substitution between sectors' goods (upper CES tier)
    # structural change: yearly change of a sector's spending share before renormalising, e.g. {"frontier_tech": 0.03}
    sector_trend: dict = field(default_factory=dict)
    # regional productivity growth: macro-region -> yearly growth of its industrial productivity factor, e.g. {"northeast": -0.01}
    productivity_trend: dict = field(default_factory=dict)
    redundancy_penalty: float = 0.3  # returns lost by emerging sectors spread over every region
    agglomeration: float = 0.0  # elasticity of a region's productivity to its share of industry (0: off)
    # external markets: China's export revenue as a share of domestic demand, and its
    # share of each foreign market at the start
    export_share: dict = field(
        default_factory=lambda: {"world": 0.12, "europe": 0.02, "asean": 0.03, "russia": 0.01}
    )
    china_share_abroad: float = 0.3
    # nest building: what one bn CNY of matured investment buys
    park_land_ha_per_bn: float = 40.0
    infrastructure_gain: float = 0.2  # largest cut of a region's trade-cost margin
    infrastructure_scale_bn: float = 600.0
    infrastructure_depreciation: float = 0.096  # yearly loss of matured infrastructure (Zhang, Wu & Zhang 2004: 9.6 %)
    trade_costs: TradeCostParams = field(default_factory=TradeCostParams)
    fiscal: FiscalCosts = field(default_factory=FiscalCosts)
    government: GovernmentParams = field(default_factory=GovernmentParams)

    def __post_init__(self):
        """Readable errors for the parameters a user is most likely to set wrong."""
        beta = self.logit_beta
        if isinstance(beta, bool) or not isinstance(beta, Real) or not 0 < beta < math.inf:
            raise ValueError(f"logit_beta must be a positive number, got {beta!r}")
        classes = self.productivity_classes
        if isinstance(classes, bool) or not isinstance(classes, int) or not 1 <= classes <= 16:
            raise ValueError(f"productivity_classes must be a whole number from 1 to 16, got {classes!r}")
        rate = self.relocation_rate
        if isinstance(rate, bool) or not isinstance(rate, Real) or not 0 <= rate <= 1:
            raise ValueError(f"relocation_rate must be a share in [0, 1], got {rate!r}")
