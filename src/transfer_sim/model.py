"""TransferModel: firms and regions reacting to the levers of the 15th Five-Year Plan.

One step is one year, in the order of the design:
regions update -> firms earn -> some reconsider and relocate (multinomial logit) ->
firms enter, exit and upgrade -> workers migrate, wages and rents adjust -> record.
"""

from __future__ import annotations

import math
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from numbers import Real

import mesa
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from . import calibration as cal
from .agents import Firm, Region
from .economics import (
    draw_choices,
    logit_probabilities,
    market_access,
    price_index,
    ration_by_capacity,
    relocation_hazard,
    rent_level,
    wage_level,
)
from .firm_output import FirmWriter
from .geography import CHINA_EUROPE_EXPRESS, LAND_SEA_CORRIDOR, Geography
from .levers import PolicyArrays, resolve
from .metrics import coefficient_of_variation, theil_decomposition
from .params import SIGMA, EconomyParams
from .policy import Policy
from .population import FirmPopulation
from .results import Results, YearRecord
from .sectors import footloose_sector, sector_table
from .trade import domestic_freeness, external_freeness

ECONOMIES = ("full", "footloose_capital")
DEFAULT_LOGIT_BETA = 10.0
MIN_FIRMS_PER_REGION = 7  # fewer and the start year cannot match every region's GDP share
# independent random streams per year, so that one process's draws never shift another's
_SEARCH, _FATE, _ENTRY = range(3)


@dataclass
class RegionState:
    """Region-level state as arrays over regions (the Region agents are views on it)."""

    population: np.ndarray
    wage: np.ndarray  # CNY per worker and year
    rent: np.ndarray  # CNY per hectare and year
    land_cap: np.ndarray  # hectares
    innovation: np.ndarray  # relative to the national average
    productivity: np.ndarray  # calibrated A_r
    demand_share: np.ndarray  # share of domestic spending
    infrastructure: np.ndarray  # matured nest-building cut of trade-cost margins, 0..gain
    export_access: np.ndarray  # calibrated multiplier of freeness to markets abroad (1 unless fitted)


@dataclass
class Environment:
    """What firms face this year: freeness, spending, competitors abroad, productivity."""

    phi: np.ndarray  # (R, R + M)
    spending: np.ndarray  # (K, R + M)
    foreign: np.ndarray  # (K, R + M)
    efficiency: np.ndarray  # (K, R) multiplier of a firm's size
    barrier: float
    policy: PolicyArrays


@dataclass
class Earnings:
    """The outcome of one year's production: per firm (positions as earned) and per cell."""

    profit: np.ndarray  # per firm, bn CNY
    revenue_cells: np.ndarray  # (K, R) revenue by sector and region
    value_added_cells: np.ndarray  # (K, R)
    profit_cells: np.ndarray  # (K, R) operating profit by sector and region
    unit_revenue: np.ndarray  # (K, R) revenue per unit of size
    export_cells: np.ndarray  # (K, R) revenue earned abroad
    move_value: np.ndarray  # (K, from, to) profit of a unit firm relative to its sector's mean
    entry_value: np.ndarray  # (K, R) the same for an entrant with the local technique
    fiscal: dict[str, float]


class TransferModel(mesa.Model):
    """Agent-based model of interregional industrial transfer.

    Parameters
    ----------
    geography : Geography, default ``Geography.china()``
    policy : Policy, default ``Policy()`` (the status quo)
    n_firms : number of firm agents at the start
    seed : random seed; the same seed gives identical results
    start_year : calendar year of the initial state (the data describe 2023-2025)
    economy : ``"full"`` or ``"footloose_capital"`` (the textbook FC economy for validation)
    logit_beta : sharpness of the location logit on profits relative to the sector mean
    relocation_rate : yearly chance that a firm looks for a new location (default from params)
    params : behavioural parameters (:class:`EconomyParams`)
    firm_output : a directory to stream every firm's state to, one Parquet file per year
        (read it back with ``pandas.read_parquet``); by default only aggregates are kept
    status_quo : the policy in force in the start year, which the calibration takes as the
        stationary state (default ``Policy()``, today's); a historical start passes its own
    export_targets : each province's share of exports in the start year (NaN: no data); when
        given, the calibration also fits each province's access to markets abroad to them
    """

    def __init__(self, geography: Geography | None = None, policy: Policy | None = None,
                 n_firms: int = 20_000, seed: int | None = None, start_year: int = 2025,
                 economy: str = "full", logit_beta: float = DEFAULT_LOGIT_BETA,
                 relocation_rate: float | None = None, params: EconomyParams | None = None,
                 firm_output=None, status_quo: Policy | None = None, export_targets=None):
        _check_arguments(geography, policy, n_firms, seed, start_year, economy, logit_beta, relocation_rate,
                         status_quo)
        super().__init__(rng=None if seed is None else int(seed))
        self.geography = geography if geography is not None else Geography.china()
        self._export_targets = _checked_export_targets(export_targets, self.geography.n)
        self.policy = next((p for p in (policy, status_quo) if p is not None), Policy())
        self.economy = economy
        self.full = economy == "full"
        self.logit_beta = float(logit_beta)
        params = params or EconomyParams()
        if relocation_rate is not None:
            params = replace(params, relocation_rate=relocation_rate)
        self.params = params if self.full else _footloose(params)
        self.sectors = sector_table() if self.full else footloose_sector()
        self.start_year = self.year = int(start_year)
        self.levers = resolve(self.policy, self.geography, self.sectors)
        self._status_quo = resolve(status_quo or Policy(), self.geography, self.sectors)
        self._investments: list[tuple[int, np.ndarray]] = []  # (year usable, bn CNY per region)
        #: nominal growth of spending, wages and rents per year; a timeline may change it
        self.growth_rate = self.params.growth if self.full else 0.0
        #: foreign demand relative to its start-year path (1 = as calibrated)
        self.world_demand = 1.0
        self._growth_index = 1.0
        self._entropy = int(self.rng.integers(2**63))
        self.firms = FirmPopulation(self.geography.n, capacity=int(n_firms * 1.5))
        self.timings: dict[str, float] = {}  # seconds spent in each phase of the step
        if self.full:
            self._initialise_full(n_firms)
        else:
            self._initialise_footloose(n_firms)
        self.region_agents = [Region(self, i) for i in range(self.geography.n)]
        self._firm_agents: dict[int, Firm] = {}  # firm id -> view, made when first asked for
        self.results = Results(
            region_names=self.geography.names, region_codes=self.geography.codes,
            macro_regions=tuple(self.geography.macro_region), sector_names=self.sectors.names,
        )
        self._firm_writer = (FirmWriter(firm_output, self.geography.names, self.sectors.names)
                             if firm_output is not None else None)
        self.environment = self._environment()
        earnings = self._earn()
        self._margin0 = self._sector_margins(earnings)
        self._record(earnings, np.empty((0, 3)), np.zeros(self.geography.n), np.zeros(self.geography.n), 0)

    # ------------------------------------------------------------------ set-up
    def _initialise_footloose(self, n_firms: int) -> None:
        """Even start, one sector, no costs: only market access and competition matter."""
        geo = self.geography
        region = np.repeat(np.arange(geo.n), cal.apportion(n_firms, np.ones(geo.n), minimum=0))
        self.firms.add(self.year, np.zeros(n_firms, int), region, np.ones(n_firms), np.zeros(n_firms), np.zeros(n_firms))
        self.regions = RegionState(
            population=geo.population.copy(), wage=np.zeros(geo.n), rent=np.zeros(geo.n),
            land_cap=np.full(geo.n, np.inf), innovation=np.ones(geo.n), productivity=np.ones(geo.n),
            demand_share=geo.gdp_share.copy(), infrastructure=np.zeros(geo.n), export_access=np.ones(geo.n),
        )
        self._markets = cal.Markets(domestic_total=1.0, sector_share=np.ones(1), external=np.zeros((1, 4)),
                                    foreign_supply=np.zeros((1, 4)))
        self._labour_unit = self._land_unit = np.zeros((1, geo.n))
        self._location_constants = np.zeros((1, geo.n))

    def _initialise_full(self, n_firms: int) -> None:
        """Draw firms and calibrate the start year (see :mod:`transfer_sim.calibration`)."""
        geo, sectors, p = self.geography, self.sectors, self.params
        innovation = cal.innovation_capacity(geo)
        sector, region, size = cal.draw_firms(self.rng, geo, sectors, n_firms, innovation, p)
        size_sums = cal.cell_sums(size, sector, region, sectors.count, geo.n)
        sector_factor = innovation[None, :] ** sectors.innovation_intensity[:, None]
        status_quo = self._status_quo
        phi = domestic_freeness(geo.freeness, status_quo.barrier, np.zeros(geo.n), 0.0)
        phi_ext = self._external_phi(status_quo, np.zeros(geo.n), corridors_running=True)
        productivity, self._markets, export_access = cal.calibrate_productivity(
            geo, sectors, size_sums, sector_factor, phi, phi_ext, p, export_target=self._export_targets)
        rent = cal.land_rent(geo)
        self.regions = RegionState(
            population=geo.population.copy(), wage=geo.wage.copy(), rent=rent, land_cap=np.zeros(geo.n),
            innovation=innovation, productivity=productivity, demand_share=geo.gdp_share.copy(),
            infrastructure=np.zeros(geo.n), export_access=export_access,
        )
        # revenue at the start, to size each region's technique
        self.firms.add(self.year, sector, region, size, np.zeros(n_firms), np.zeros(n_firms))
        self._location_constants = np.zeros((sectors.count, geo.n))
        self._labour_unit = self._land_unit = np.zeros((sectors.count, geo.n))
        self.environment = self._environment()
        self._labour_unit, self._land_unit = cal.factor_requirements(
            self._earn().unit_revenue, geo.wage, rent, sectors, p)
        scaled = size**p.scale_elasticity
        self.firms.labour[:] = self._labour_unit[sector, region] * scaled
        self.firms.land[:] = self._land_unit[sector, region] * scaled
        land_used = np.bincount(region, weights=self.firms.land, minlength=geo.n)
        industry = np.bincount(region, weights=size, minlength=geo.n)
        self._base = {
            "industry_share": industry / industry.sum(),
            "population": geo.population.copy(), "wage": geo.wage.copy(), "rent": rent,
            "land_used": land_used, "demand_share": geo.gdp_share.copy(),
            "labour_demand": np.bincount(region, weights=self.firms.labour, minlength=geo.n),
        }
        self.regions.land_cap = land_used * (1.0 + self.policy.land_headroom)
        # location constants: the start is the stationary state under the status quo
        move_utility, entry_utility = self._location_utility(self._earn())
        counts = cal.cell_sums(np.ones(n_firms), sector, region, sectors.count, geo.n) + 0.5
        self._location_constants = cal.stationary_constants(
            move_utility, entry_utility, counts / counts.sum(axis=1, keepdims=True),
            base_rate=p.relocation_rate, gap_rate=p.hazard_gap, exit_rate=p.death_rate,
        )
        people = self._migration_utility()
        self._migration_constants = cal.stationary_constants(
            (people[None, :] - self._migration_cost())[None], people[None, :],
            (geo.population / geo.population.sum())[None, :],
            base_rate=p.migration_rate, gap_rate=0.0, exit_rate=0.0,
        )[0]

    # ------------------------------------------------------------------ the year
    def step(self) -> None:
        """One year: regions update, firms earn, relocate, enter and exit, prices adjust."""
        self.year += 1
        self._growth_index *= 1.0 + self.growth_rate
        with self._timed("regions"):
            self._update_regions()
        with self._timed("earn"):
            earnings = self._earn()
        with self._timed("relocate"):
            moves = self._relocate(earnings)
        with self._timed("enter_exit"):
            entries, exits = self._enter_and_exit(earnings)
        with self._timed("upgrade"):
            upgrades = self._upgrade()
        with self._timed("migrate_prices"):
            self._migrate_and_adjust_prices(earnings)
        with self._timed("record"):
            self._record(earnings, moves, entries, exits, upgrades)

    @contextmanager
    def _timed(self, phase: str):
        """Add the wall time of a phase of the step to ``self.timings`` (seconds)."""
        start = time.perf_counter()
        yield
        self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - start

    def run(self, years: int, progress: bool = False) -> TransferModel:
        """Simulate ``years`` more years; ``progress=True`` shows a progress bar."""
        if isinstance(years, bool) or not isinstance(years, int | np.integer) or years < 0:
            raise ValueError(f"years must be a whole number >= 0, got {years!r}")
        for _ in tqdm(range(int(years)), desc="Simulating", unit="yr", disable=not progress):
            self.step()
        return self

    @property
    def elapsed(self) -> int:
        return self.year - self.start_year

    def _stream(self, process: int, *key: int) -> np.random.Generator:
        """The random stream of one process in the current year (common random numbers)."""
        seq = np.random.SeedSequence(self._entropy, spawn_key=(self.year, process, *key))
        return np.random.default_rng(seq)

    def _draws(self, process: int) -> np.ndarray:
        """One uniform draw per live firm, the same for a firm id in every scenario."""
        return self._stream(process).random(self.firms.next_id)[self.firms.id]

    # regions update ----------------------------------------------------------------
    def set_policy(self, policy: Policy) -> None:
        """Change the levers from the next year on (investments already made keep maturing)."""
        if not isinstance(policy, Policy):
            raise TypeError(f"policy must be a transfer_sim.Policy, got {type(policy).__name__}")
        self.levers = resolve(policy, self.geography, self.sectors)
        self.policy = policy

    def _update_regions(self) -> None:
        """Policy timeline: this year's investment, matured parks and roads, zoning, shocks."""
        if self.full:
            p, policy = self.params, self.policy
            if policy.nest_investment > 0:
                spent = policy.nest_investment * self.levers.nest_regions
                self._investments.append((self.year + policy.nest_build_lag, spent))
            invested = sum((amount for usable, amount in self._investments if usable <= self.year),
                           np.zeros(self.geography.n))
            self.regions.land_cap = self._base["land_used"] * (1.0 + policy.land_headroom) + invested * p.park_land_ha_per_bn
            self.regions.infrastructure = p.infrastructure_gain * (1.0 - np.exp(-invested / p.infrastructure_scale_bn))
        self.environment = self._environment()

    def _active_shocks(self, kind: str):
        return [s for s in self.policy.shocks if s.kind == kind and s.year <= self.year < s.year + s.duration]

    def _external_phi(self, levers: PolicyArrays, infrastructure, corridors_running: bool,
                      port_access: float = 1.0) -> np.ndarray:
        policy = levers.policy
        open_corridors = set()
        if corridors_running and policy.china_europe_express:
            open_corridors.add(CHINA_EUROPE_EXPRESS)
        if corridors_running and policy.land_sea_corridor:
            open_corridors.add(LAND_SEA_CORRIDOR)
        return external_freeness(
            self.geography.routes, self.geography.n, self.params.trade_costs,
            open_corridors=open_corridors, corridor_capacity=policy.corridor_capacity,
            corridor_discount=policy.corridor_discount,
            ftz_cut=levers.ftz_regions * policy.ftz_trade_cost_cut,
            infrastructure=infrastructure, digital=policy.digital_infrastructure, port_access=port_access,
        )

    def _environment(self) -> Environment:
        """Trade freeness, spending and competition this year (status quo in the start year)."""
        levers = self.levers if self.elapsed > 0 else self._status_quo
        policy, geo, regions = levers.policy, self.geography, self.regions
        barrier = levers.barrier_in(self.elapsed)
        phi = domestic_freeness(geo.freeness, barrier, regions.infrastructure, policy.digital_infrastructure)
        disrupted = bool(self._active_shocks("corridor_disruption"))
        port_access = math.prod(1.0 - s.size for s in self._active_shocks("coastal_demand"))
        phi_ext = self._external_phi(levers, regions.infrastructure, not disrupted, port_access)
        phi_ext = phi_ext * regions.export_access[:, None]
        growth = self._growth_index
        external = self._markets.external * growth * self.world_demand
        efficiency = regions.productivity[None, :] * regions.innovation[None, :] ** self.sectors.innovation_intensity[:, None]
        if self.full and self.params.agglomeration and self.elapsed > 0:
            efficiency = efficiency * self._agglomeration()[None, :]
        for shock in self._active_shocks("regional_disaster"):
            efficiency = efficiency * np.where(geo.mask(shock.regions), 1.0 - shock.size, 1.0)[None, :]
        spending = cal.spending(self._markets.sector_share, self._markets.domestic_total * growth,
                                regions.demand_share, external)
        foreign = np.hstack([np.zeros((self.sectors.count, geo.n)), self._markets.foreign_supply])
        return Environment(np.hstack([phi, phi_ext]), spending, foreign, efficiency, barrier, levers)

    def _agglomeration(self) -> np.ndarray:
        """Productivity from local industrial mass: (share of national firm size now / at the
        start)^elasticity, so a region that gains industry gains efficiency (and one that loses it,
        loses); 1 everywhere when nothing has moved."""
        mass = self._by_region(self.firms.size)
        share = np.maximum(mass / mass.sum(), 1e-12)
        return (share / self._base["industry_share"]) ** self.params.agglomeration

    # firms earn ------------------------------------------------------------------------
    def _earn(self) -> Earnings:
        """Revenue and operating profit of every firm, and what each location would pay."""
        env, firms, sectors = self.environment, self.firms, self.sectors
        policy, levers = env.policy.policy, env.policy
        n, k_count = self.geography.n, sectors.count
        size_sums = np.bincount(firms.cell, weights=firms.size, minlength=k_count * n).reshape(k_count, n)
        supply = size_sums * env.efficiency
        prices = price_index(supply, env.phi, env.foreign)
        unit_revenue = env.efficiency * market_access(env.spending, prices, env.phi)

        # per unit of size: variable profit, the cage fee and the FTZ export subsidy
        markdown = self._redundancy(supply, policy)
        unit_variable = unit_revenue * (1.0 - markdown)[:, None] / SIGMA
        fee_rate = policy.cage_fee * np.outer(levers.cage_sectors, levers.cage_regions)
        export_share = self._export_share(prices, unit_revenue)
        ftz_rate = policy.ftz_export_subsidy * export_share * levers.ftz_regions[None, :]
        unit_gross = unit_variable + (ftz_rate - fee_rate) * unit_revenue
        lever_rates = {lever: rate for lever, rate in self._subsidy_rates(levers).items() if rate.any()}
        newcomer_rate = policy.nest_subsidy * levers.nest_regions

        fiscal = {"cage_fee": -float((fee_rate * unit_revenue * size_sums).sum()),
                  "ftz_export_subsidy": float((ftz_rate * unit_revenue * size_sums).sum())}
        if self.elapsed > 0 and policy.nest_investment > 0:
            fiscal["nest_investment"] = policy.nest_investment * float(levers.nest_regions.sum())
        profit = self._pay_firms(unit_revenue, unit_gross, lever_rates, newcomer_rate, fiscal)
        revenue_cells = unit_revenue * size_sums
        profit_cells = np.bincount(firms.cell, weights=profit, minlength=k_count * n).reshape(k_count, n)
        subsidy_rate = sum(lever_rates.values(), np.zeros((k_count, n)))
        move_value, entry_value = self._location_values(unit_gross, unit_variable, size_sums, subsidy_rate,
                                                        newcomer_rate)
        return Earnings(profit, revenue_cells, revenue_cells * sectors.value_added_ratio[:, None], profit_cells,
                        unit_revenue, export_share * revenue_cells, move_value, entry_value, fiscal)

    def _pay_firms(self, unit_revenue, unit_gross, lever_rates, newcomer_rate, fiscal) -> np.ndarray:
        """Each firm's revenue and operating profit (stored on the firms); adds subsidies to ``fiscal``."""
        firms, regions = self.firms, self.regions
        k_count, n = unit_revenue.shape
        cell = firms.cell
        wage, rent = (np.broadcast_to(price, (k_count, n)).ravel()[cell] for price in (regions.wage, regions.rent))
        profit = firms.size * unit_gross.ravel()[cell] - (wage * firms.labour + rent * firms.land) / cal.CNY_PER_BN
        if lever_rates or newcomer_rate.any():  # subsidies pay a share of positive profit
            positive = np.maximum(profit, 0.0)
            positive_cells = np.bincount(cell, weights=positive, minlength=k_count * n).reshape(k_count, n)
            fiscal.update({lever: float((rate * positive_cells).sum()) for lever, rate in lever_rates.items()})
            rate = sum(lever_rates.values(), np.zeros((k_count, n))).ravel()[cell]
            if newcomer_rate.any():
                newcomer = newcomer_rate[firms.region] * ((self.year - firms.arrival_year) < self.params.newcomer_years)
                fiscal["nest_subsidy"] = float((newcomer * positive).sum())
                rate = rate + newcomer
            profit = profit + rate * positive
        firms.revenue[:] = firms.size * unit_revenue.ravel()[cell]
        firms.profit[:] = profit
        return profit

    def _location_values(self, unit_gross, unit_variable, size_sums, subsidy_rate, newcomer_rate):
        """Profit of a unit firm with region o's technique in region d, relative to its
        sector's mean variable profit: (K, from, to) for movers, (K, R) for entrants."""
        regions, n = self.regions, self.geography.n
        unit_fixed = (self._labour_unit[:, :, None] * regions.wage[None, None, :]
                      + self._land_unit[:, :, None] * regions.rent[None, None, :]) / cal.CNY_PER_BN
        unit_profit = unit_gross[:, None, :] - unit_fixed
        weight = size_sums.sum(axis=1)
        mean_variable = np.where(weight > 0, (size_sums * unit_variable).sum(axis=1) / np.maximum(weight, 1e-300),
                                 unit_variable.mean(axis=1))
        scale = np.maximum(mean_variable, 1e-300)[:, None, None]
        positive = np.maximum(unit_profit, 0.0)
        stay_value = (unit_profit + subsidy_rate[:, None, :] * positive) / scale
        arrive_value = stay_value + newcomer_rate[None, None, :] * positive / scale
        diagonal = np.arange(n)
        move_value = arrive_value.copy()
        move_value[:, diagonal, diagonal] = stay_value[:, diagonal, diagonal]
        return move_value, arrive_value[:, diagonal, diagonal]

    def _export_share(self, prices: np.ndarray, unit_revenue: np.ndarray) -> np.ndarray:
        """(K, R) share of a firm's revenue earned abroad."""
        env, n = self.environment, self.geography.n
        abroad = env.efficiency * market_access(env.spending[:, n:], prices[:, n:], env.phi[:, n:])
        return np.divide(abroad, unit_revenue, out=np.zeros_like(abroad), where=unit_revenue > 0)

    def _redundancy(self, supply: np.ndarray, policy: Policy) -> np.ndarray:
        """Share of variable profit emerging sectors lose to homogeneous competition.

        Without national coordination it grows with the effective number of regions that
        host the sector (1 / Herfindahl), up to ``redundancy_penalty`` when spread evenly.
        """
        if not self.full or policy.national_coordination or self.geography.n < 2:
            return np.zeros(self.sectors.count)
        total = supply.sum(axis=1, keepdims=True)
        shares = np.divide(supply, total, out=np.zeros_like(supply), where=total > 0)
        hhi = (shares**2).sum(axis=1)
        effective = np.divide(1.0, hhi, out=np.ones_like(hhi), where=hhi > 0)
        spread = (effective - 1.0) / (self.geography.n - 1.0)
        return self.params.redundancy_penalty * spread * self.sectors.emerging

    def _subsidy_rates(self, levers: PolicyArrays) -> dict[str, np.ndarray]:
        """(K, R) share of operating profit paid by each profit-subsidy lever."""
        policy, sectors = levers.policy, self.sectors
        frontier_regions = levers.frontier_regions
        if policy.national_coordination:  # "according to local conditions"
            frontier_regions = frontier_regions & (self.regions.innovation >= 1.0)
        return {
            "profit_subsidy": np.broadcast_to(levers.profit_subsidy, (sectors.count, self.geography.n)),
            "hinterland_subsidy": policy.hinterland_subsidy * np.outer(sectors.strategic, levers.hinterland_regions),
            "frontier_subsidy": policy.frontier_subsidy * np.outer(sectors.emerging, frontier_regions),
        }

    # relocation ------------------------------------------------------------------------
    def _move_cost(self, barrier: float) -> np.ndarray:
        """Utility cost of moving from o to d: sunk cost, distance, administrative barrier."""
        p, geo = self.params, self.geography
        cross = ~np.eye(geo.n, dtype=bool)
        cost = (p.move_cost_fixed + p.move_cost_per_1000km * geo.distance_km / 1000.0
                + p.barrier_move_cost * barrier) * cross
        return cost

    def _allowed(self) -> np.ndarray:
        """(K, R) where a firm may newly locate: ecological zones close heavy polluters out."""
        levers = self.environment.policy
        return ~np.outer(self.sectors.pollution_class >= 2, levers.ecological_zones)

    def _location_utility(self, earnings: Earnings) -> tuple[np.ndarray, np.ndarray]:
        """Logit utilities of a move (K, from, to; staying on the diagonal) and of entry (K, R).

        Location constants are added by the caller's choice of ``self._location_constants``.
        """
        n = self.geography.n
        allowed = self._allowed()
        move = self.logit_beta * earnings.move_value - self._move_cost(self.environment.barrier)[None, :, :]
        closed = ~allowed[:, None, :] & ~np.eye(n, dtype=bool)[None, :, :]
        move = np.where(closed, -np.inf, move)
        entry = np.where(allowed, self.logit_beta * earnings.entry_value, -np.inf)
        return move, entry

    def _by_region(self, weights: np.ndarray) -> np.ndarray:
        """Sum of a firm column per region (through the cells: bincount on intp is fastest)."""
        k_count, n = self.sectors.count, self.geography.n
        return np.bincount(self.firms.cell, weights=weights, minlength=k_count * n).reshape(k_count, n).sum(axis=0)

    def _land_free(self) -> np.ndarray:
        return np.maximum(self.regions.land_cap - self._by_region(self.firms.land), 0.0)

    def _relocate(self, earnings: Earnings) -> np.ndarray:
        """Who reconsiders (hazard), where to (logit), who gets land (caps). Rows (from, to, jobs)."""
        firms = self.firms
        draw = self._draws(_SEARCH)
        positions, destination = self.choose_locations(earnings, draw)
        moving = destination != firms.region[positions]
        positions, destination = positions[moving], destination[moving]
        accepted = ration_by_capacity(destination, firms.land[positions], self._land_free(), draw[positions])
        positions, destination = positions[accepted], destination[accepted]
        origins = firms.region[positions].astype(np.intp)
        firms.relocate(self.year, positions, destination)
        return np.column_stack([origins, destination, firms.labour[positions]])

    def choose_locations(self, earnings: Earnings, draw: np.ndarray):
        """The relocation rule for all firms at once, given one uniform draw per firm.

        A firm looks around when ``draw < hazard``; then ``draw / hazard`` is again uniform
        and picks the region where the logit CDF first exceeds it. Returns the positions of
        the firms that looked and the regions they chose (their own when staying), before
        land is rationed.
        """
        firms, n = self.firms, self.geography.n
        move, _ = self._location_utility(earnings)
        choice = logit_probabilities(move + self._location_constants[:, None, :])  # (K, from, to)
        diagonal = np.arange(n)
        hazard = relocation_hazard(self.params.relocation_rate, self.params.hazard_gap,
                                   choice[:, diagonal, diagonal]).ravel()[firms.cell]
        looking = np.flatnonzero(draw < hazard)
        cdf = np.cumsum(choice, axis=2).reshape(-1, n)[firms.cell[looking]]
        destination = draw_choices(cdf, draw[looking] / hazard[looking])
        return looking, destination

    # entry, exit, upgrading -----------------------------------------------------------
    def _sector_margins(self, earnings: Earnings) -> np.ndarray:
        profit, revenue = earnings.profit_cells.sum(axis=1), earnings.revenue_cells.sum(axis=1)
        return np.divide(profit, revenue, out=np.zeros_like(profit), where=revenue > 0)

    def _enter_and_exit(self, earnings: Earnings) -> tuple[np.ndarray, np.ndarray]:
        """Exits after sustained losses or by chance; entry where sector profits are high.

        Returns entries and exits per region.
        """
        n = self.geography.n
        if not self.full:
            return np.zeros(n), np.zeros(n)
        exits = self._exit()
        sector, region, size, priority = self._entrants(earnings)
        p = self.params
        scaled = size**p.scale_elasticity
        labour, land = self._labour_unit[sector, region] * scaled, self._land_unit[sector, region] * scaled
        ok = ration_by_capacity(region, land, self._land_free(), priority)
        self.firms.add(self.year, sector[ok], region[ok], size[ok], labour[ok], land[ok])
        return np.bincount(region[ok], minlength=n).astype(float), exits

    def _exit(self) -> np.ndarray:
        """Remove firms that die by chance or after sustained losses; exits per region.

        The year's second draw per firm decides exit (``draw < death rate``) and, for the
        survivors, upgrading (:meth:`_upgrade`).
        """
        firms, p = self.firms, self.params
        firms.loss_years[:] = (firms.loss_years + 1) * (firms.profit < 0)
        self._fate = self._draws(_FATE)
        leaving = (self._fate < p.death_rate) | (firms.loss_years >= p.exit_after_losses)
        exits = np.bincount(firms.region[leaving], minlength=self.geography.n).astype(float)
        holes, tail = firms.remove(leaving)
        self._fate[holes] = self._fate[tail]
        self._fate = self._fate[: firms.count]
        return exits

    def _entrants(self, earnings: Earnings):
        """Would-be entrants per sector: (sector, region, size, land priority).

        Each sector and each draw has its own stream, so the j-th entrant of a sector gets
        the same draws in every scenario run with the same seed.
        """
        p, sectors = self.params, self.sectors
        margin = self._sector_margins(earnings)
        change = (margin - self._margin0) / np.maximum(np.abs(self._margin0), 1e-9)
        rate = np.clip(p.entry_rate * np.exp(p.entry_elasticity * change), 0.0, 1.0)
        incumbents = np.bincount(self.firms.sector, minlength=sectors.count)
        _, entry = self._location_utility(earnings)
        where = np.cumsum(logit_probabilities(entry + self._location_constants), axis=1)
        open_somewhere = np.isfinite(entry).any(axis=1)
        parts = []
        for k in range(sectors.count):
            born = self._stream(_ENTRY, k, 0).binomial(incumbents[k], rate[k]) if open_somewhere[k] else 0
            region = np.minimum(np.searchsorted(where[k], self._stream(_ENTRY, k, 1).random(born)),
                                where.shape[1] - 1)
            size = cal.draw_sizes(self._stream(_ENTRY, k, 2), born, p.size_dispersion)
            parts.append((np.full(born, k), region, size, self._stream(_ENTRY, k, 3).random(born)))
        return tuple(np.concatenate(column) for column in zip(*parts))

    def _upgrade(self) -> int:
        """"Old trees grow new branches": low-end firms move up, faster with innovation and subsidy.

        Incumbents reuse the exit draw: given survival it is uniform again above the death rate.
        """
        if not self.full:
            return 0
        firms, sectors, levers, p = self.firms, self.sectors, self.environment.policy, self.params
        incumbents = self._fate.size  # entrants of this year come after them and do not upgrade
        boost = 1.0 + 4.0 * levers.policy.upgrade_subsidy * levers.cage_regions
        chance = p.upgrade_rate * np.outer(sectors.upgrade_to >= 0, self.regions.innovation * boost)
        up = np.flatnonzero((self._fate - p.death_rate) / (1.0 - p.death_rate) < chance.ravel()[firms.cell[:incumbents]])
        firms.change_sector(up, sectors.upgrade_to[firms.sector[up]])
        return int(up.size)

    # workers, wages, rents ------------------------------------------------------------
    def _migration_utility(self) -> np.ndarray:
        wage = self.regions.wage
        return self.params.migration_beta * np.log(wage / np.average(wage, weights=self.regions.population))

    def _migration_cost(self) -> np.ndarray:
        p, geo = self.params, self.geography
        cross = ~np.eye(geo.n, dtype=bool)
        return (p.hukou_friction + p.migration_cost_per_1000km * geo.distance_km / 1000.0) * cross

    def _migrate_and_adjust_prices(self, earnings: Earnings) -> None:
        """Workers move toward higher wages (hukou friction); wages, rents and demand follow."""
        if not self.full:
            return
        regions, firms, p, base = self.regions, self.firms, self.params, self._base
        utility = self._migration_utility() + self._migration_constants
        choice = logit_probabilities(utility[None, :] - self._migration_cost())
        movers = p.migration_rate * regions.population
        regions.population = regions.population - movers + movers @ choice
        labour_demand = self._by_region(firms.labour)
        labour_supply = base["labour_demand"] * regions.population / base["population"]
        growth = self._growth_index
        regions.wage = wage_level(base["wage"], growth, labour_demand, labour_supply, p.wage_elasticity)
        land_used = self._by_region(firms.land)
        regions.rent = rent_level(base["rent"], growth, land_used, base["land_used"], p.rent_elasticity)
        income = earnings.value_added_cells.sum(axis=0)
        regions.demand_share = (1 - p.demand_linkage) * base["demand_share"] + p.demand_linkage * income / income.sum()

    # recording -------------------------------------------------------------------------
    def _record(self, earnings: Earnings, moves: np.ndarray, entries: np.ndarray, exits: np.ndarray,
                upgrades: int) -> None:
        """Append this year's aggregates: stocks at the end of the year, flows during it."""
        firms, n, k_count = self.firms, self.geography.n, self.sectors.count

        def by_cell(weights=None) -> np.ndarray:
            return np.bincount(firms.cell, weights=weights, minlength=k_count * n).reshape(k_count, n).astype(float)

        sector_table = {"firms": by_cell(), "employment": by_cell(firms.labour), "output": earnings.revenue_cells}
        value_added = earnings.value_added_cells.sum(axis=0)
        population = self.regions.population
        origin, destination = moves[:, 0].astype(np.intp), moves[:, 1].astype(np.intp)
        pair = origin * n + destination
        flow_firms = np.bincount(pair, minlength=n * n)
        flow_jobs = np.bincount(pair, weights=moves[:, 2], minlength=n * n)
        nonzero = np.flatnonzero(flow_firms)
        regions = {
            "firms": sector_table["firms"].sum(axis=0),
            "employment": sector_table["employment"].sum(axis=0),
            "output": earnings.revenue_cells.sum(axis=0),
            "value_added": value_added,
            "wage": self.regions.wage.copy(),
            "land_used": self._by_region(firms.land),
            "land_cap": self.regions.land_cap.copy(),
            "relocations_in": np.bincount(destination, minlength=n).astype(float),
            "relocations_out": np.bincount(origin, minlength=n).astype(float),
            "population": population.copy(),
            "gdp_per_capita": value_added * cal.CNY_PER_BN / population,
            "rent": self.regions.rent.copy(),
            "entries": entries,
            "exits": exits,
            "exports": earnings.export_cells.sum(axis=0),
            "spending": self.environment.spending[:, :n].sum(axis=0),
        }
        total, within, between = theil_decomposition(value_added, population, self.geography.macro_region)
        fiscal = earnings.fiscal
        summary = {
            "theil_total": total, "theil_within": within, "theil_between": between,
            "cv_gdp_per_capita": coefficient_of_variation(regions["gdp_per_capita"]),
            "relocations": int(len(moves)),
            "cross_province_relocations": int((origin != destination).sum()),
            "entries": int(entries.sum()), "exits": int(exits.sum()),
            "fiscal_cost": float(sum(v for v in fiscal.values() if v > 0)),
            "firms": int(firms.count), "employment": float(regions["employment"].sum()),
            "output": float(regions["output"].sum()), "value_added": float(value_added.sum()),
            "upgrades": upgrades,
        }
        flows = np.column_stack([nonzero // n, nonzero % n, flow_firms[nonzero], flow_jobs[nonzero]])
        self.results.append(YearRecord(self.year, regions, sector_table, flows, summary, fiscal))
        if self._firm_writer is not None:
            self._firm_writer.write(self.year, firms)

    # queries ---------------------------------------------------------------------------
    def firm_shares(self) -> pd.Series:
        """Share of all firms located in each region now."""
        counts = np.bincount(self.firms.region, minlength=self.geography.n)
        return pd.Series(counts / max(self.firms.count, 1), index=list(self.geography.names), name="firm_share")

    def firm(self, firm_id: int) -> Firm | None:
        """The Firm agent with this id (None once it has exited)."""
        firm_id = int(firm_id)
        if not 0 <= firm_id < self.firms.next_id or self.firms.positions([firm_id])[0] < 0:
            return None
        if firm_id not in self._firm_agents:
            self._firm_agents[firm_id] = Firm(self, firm_id)
        return self._firm_agents[firm_id]

    @property
    def agents(self):
        """All agents (Mesa's AgentSet): the regions and a Firm view for every live firm."""
        self._sync_firm_agents()
        return super().agents

    @property
    def agents_by_type(self):
        self._sync_firm_agents()
        return super().agents_by_type

    def _sync_firm_agents(self) -> None:
        """Register Firm views for firms born since the last look and drop those that exited.

        Views are made on demand, so the yearly step never pays for per-firm Python objects.
        """
        alive = set(self.firms.id.tolist())
        for firm_id in set(self._firm_agents) - alive:
            self._firm_agents.pop(firm_id).remove()
        for firm_id in sorted(alive - set(self._firm_agents)):
            self._firm_agents[firm_id] = Firm(self, firm_id)


def _footloose(params: EconomyParams) -> EconomyParams:
    """The textbook economy: a constant relocation hazard and free moves, nothing else."""
    return replace(params, hazard_gap=0.0, move_cost_fixed=0.0, move_cost_per_1000km=0.0,
                    barrier_move_cost=0.0, death_rate=0.0, entry_rate=0.0, upgrade_rate=0.0,
                    demand_linkage=0.0, redundancy_penalty=0.0)


def fewest_firms(geography: Geography, economy: str = "full") -> int:
    """The smallest ``n_firms`` a model accepts: one firm per region for the textbook
    economy; enough firms for the start year to match every region's GDP share otherwise."""
    if economy == "footloose_capital":
        return geography.n
    return max(MIN_FIRMS_PER_REGION * geography.n, 100)


def _checked_export_targets(targets, n: int) -> np.ndarray | None:
    """Start-year export shares as an array over regions, or None; NaN marks a missing value."""
    if targets is None:
        return None
    values = np.asarray(targets, dtype=float)
    known = values[np.isfinite(values)]
    if values.shape != (n,) or known.size < 2 or (known <= 0).any():
        raise ValueError(f"export_targets must give {n} export shares (positive, NaN where unknown, "
                         f"at least two known), got {targets!r}")
    return values


def _check_arguments(geography, policy, n_firms, seed, start_year, economy, logit_beta, relocation_rate,
                     status_quo=None) -> None:
    """Readable errors for the arguments a user is most likely to get wrong."""
    if geography is not None and not isinstance(geography, Geography):
        raise TypeError(f"geography must be a transfer_sim.Geography, got {type(geography).__name__}")
    for name, value in (("policy", policy), ("status_quo", status_quo)):
        if value is not None and not isinstance(value, Policy):
            raise TypeError(f"{name} must be a transfer_sim.Policy (e.g. Policy.preset('baseline')), "
                            f"got {type(value).__name__}")
    if economy not in ECONOMIES:
        raise ValueError(f"economy must be one of {', '.join(ECONOMIES)}; got {economy!r}")
    fewest = fewest_firms(geography or Geography.china(), economy)
    if isinstance(n_firms, bool) or not isinstance(n_firms, int | np.integer) or n_firms < fewest:
        raise ValueError(f"n_firms must be a whole number >= {fewest} for this economy and geography, got {n_firms!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0):
        raise ValueError(f"seed must be a whole number >= 0 or None, got {seed!r}")
    if isinstance(start_year, bool) or not isinstance(start_year, int | np.integer) or not 1900 <= start_year <= 2200:
        raise ValueError(f"start_year must be a calendar year between 1900 and 2200, got {start_year!r}")
    if isinstance(logit_beta, bool) or not isinstance(logit_beta, Real) or not (0 < logit_beta < math.inf):
        raise ValueError(f"logit_beta must be a positive number, got {logit_beta!r}")
    if relocation_rate is not None and (isinstance(relocation_rate, bool) or not isinstance(relocation_rate, Real)
                                        or not 0 <= relocation_rate <= 1):
        raise ValueError(f"relocation_rate must be a share in [0, 1], got {relocation_rate!r}")
