"""TransferModel: firms and regions reacting to the levers of the 15th Five-Year Plan.

One step is one year, in the order of the design (docs/ODD.md, "Process overview"):
regions update -> firms earn -> some reconsider and relocate (multinomial logit) ->
firms exit, enter and upgrade -> workers migrate, wages and rents adjust -> record.
Each process is a function of :mod:`transfer_sim.processes`; this class keeps the state that
lasts from year to year and hands each process what it reads.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import replace

import mesa
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .accounts import RegionAccounts, year_accounts
from .agents import Firm, Region
from .calibration import CNY_PER_BN
from .economies import ECONOMIES
from .firm_output import FirmWriter
from .geography import Geography
from .levers import resolve
from .params import EconomyParams
from .policy import Policy
from .processes import environment, fiscal, labour_market, local_government, production, relocation
from .processes.demography import Turnover
from .decomposition import COMPONENTS, JobsLedger
from .results import Results, price_level, record_year
from .run_settings import MIN_FIRMS_PER_REGION, default
from .state import SEARCH, Earnings, LocationUtility, YearDraws


class TransferModel(mesa.Model):
    """Agent-based model of interregional industrial transfer.

    Parameters
    ----------
    geography : Geography, default ``Geography.china()``
    policy : Policy, default ``Policy()`` (the status quo)
    n_firms : number of firm agents at the start (default :class:`~transfer_sim.RunSettings`'s)
    seed : random seed; the same seed gives identical results (None: a fresh one)
    start_year : calendar year of the initial state (the data describe 2023-2025)
    economy : ``"full"`` or ``"footloose_capital"`` (the textbook FC economy for validation)
    params : behavioural parameters (:class:`EconomyParams`), the location logit's ``logit_beta``
        and the ``relocation_rate`` among them (default: the economy's own, see ``economies.py``)
    firm_output : a directory to stream every firm's state to, one Parquet file per year
        (read it back with ``pandas.read_parquet``); by default only aggregates are kept
    status_quo : the policy in force in the start year, which the calibration takes as the
        stationary state (default ``Policy()``, today's); a historical start passes its own
    export_targets : each province's share of exports in the start year (NaN: no data); when
        given, the calibration also fits each province's access to markets abroad to them
    """

    def __init__(self, geography: Geography | None = None, policy: Policy | None = None,
                 n_firms: int = default("n_firms"), seed: int | None = None,
                 start_year: int = default("start_year"), economy: str = default("economy"),
                 params: EconomyParams | None = None, firm_output=None, status_quo: Policy | None = None,
                 export_targets=None):
        _check_arguments(geography, policy, n_firms, seed, start_year, economy, params, status_quo)
        super().__init__(rng=None if seed is None else int(seed))
        self.geography = geography if geography is not None else Geography.china()
        self.economy = economy
        self._economy = ECONOMIES[economy]
        self.params = self._economy.parameters(params or self._economy.defaults)
        self.sectors = self._economy.sectors()
        self.policy = next((p for p in (policy, status_quo) if p is not None), Policy())
        self.start_year = self.year = int(start_year)
        self.levers = resolve(self.policy, self.geography, self.sectors)
        self.status_quo = resolve(status_quo or Policy(), self.geography, self.sectors)
        #: nominal growth of spending, wages and rents per year; a timeline may change it
        self.growth_rate = self.params.growth
        #: foreign demand relative to its start-year path (1 = as calibrated)
        self.world_demand = 1.0
        #: share of the start's surplus labour reserve still there (``params.labour_reserve``); a timeline runs it down
        self.labour_reserve_left = 1.0
        #: services' and agriculture's weight against industry nationally (1 = as in the start
        #: year, :func:`~transfer_sim.accounts.year_accounts`); a timeline may change them
        self.services_weight = self.agriculture_weight = 1.0
        self.growth_index = 1.0
        #: yearly change of each sector's spending share before renormalising (structural change;
        #: ``params.sector_trend`` by sector name, and a timeline may change it)
        self.sector_trend = np.array([self.params.sector_trend.get(name, 0.0) for name in self.sectors.names])
        self.sector_mix = np.ones(self.sectors.count)
        self._productivity_growth = _productivity_growth(self.params.productivity_trend, self.geography)
        self._pipeline: environment.Pipeline = ()
        self._entropy = int(self.rng.integers(2**63))
        self.firms, self.regions, self.calibration = self._economy.start(
            self.rng, self.geography, self.sectors, n_firms, self.params, self.policy, self.status_quo,
            _checked_export_targets(export_targets, self.geography.n), self.year)
        self.timings: dict[str, float] = {}  # seconds spent in each process of the step
        self.region_agents = [Region(self, i) for i in range(self.geography.n)]
        self._firm_agents: dict[int, Firm] = {}  # firm id -> view, made when first asked for
        self.results = Results(region_names=self.geography.names, region_codes=self.geography.codes,
                               macro_regions=tuple(self.geography.macro_region), sector_names=self.sectors.names)
        self._firm_writer = (FirmWriter(firm_output, self.geography.names, self.sectors.names)
                             if firm_output is not None else None)
        self._jobs: JobsLedger | None = None  # last year's workers by firm, for the decomposition
        self._local_overrides: dict[int, tuple[int | None, dict[str, float]]] = {}  # region -> (year or None, instruments)
        self.environment = self._environment(self.firms.cell_sums("size"))
        #: what firms earned in the last year simulated (:class:`~transfer_sim.state.Earnings`)
        self.earnings = earnings = self.earn()
        wage = self.regions.wage
        accounts = self.accounts(earnings)
        self._gdp = accounts.gdp  # last year's GDP by region, what the provinces borrow against
        self._record(earnings, accounts, np.empty((0, 3)), Turnover.none(self.geography.n), {}, wage,
                     production.employment_by_cell(self.firms, earnings, self.calibration.costs, wage))

    # ------------------------------------------------------------------ the year
    def step(self) -> None:
        """One year: regions update; firms with lasting losses close; firms decide where to produce
        (relocation, upgrading, entry); they produce and earn at this year's wages and rents; markets clear."""
        self.year += 1
        growth = 1.0 + self.growth_rate
        self.growth_index *= growth
        self.sector_mix = self.sector_mix * (1.0 + self.sector_trend)
        firms, c, p, year = self.firms, self.calibration, self.params, self.year
        draws = YearDraws(self._entropy, year)
        with self._timed("regions"):
            if self._productivity_growth.any():
                self.regions = replace(self.regions, productivity=self.regions.productivity * (1.0 + self._productivity_growth))
            if c.local_books is not None:
                self.regions = self._local_policy()
            regions, self._pipeline = self._economy.invest(
                self.regions, self._pipeline, self.policy, self.levers, year, c.start_land_used, p)
            self.regions = regions = labour_market.indexed(regions, growth)
            env = self.environment = self._environment(self.earnings.size_cells)  # the firms as they earned last
        with self._timed("turnover"):
            exits = self._economy.close(firms, draws, p)
        with self._timed("earn"):
            prospects = self.earn(prospects=True)
        with self._timed("relocate"):
            utility = self.location_utility(prospects)
            offers = (None if regions.local is None
                      else (regions.local.rebates(p.government.emerging_rebate), regions.local.discounts()))
            moves = relocation.relocate(firms, utility, draws.per_firm(SEARCH, firms), regions.land_cap, p, year,
                                        draws.land(0), offers)
        with self._timed("turnover"):
            renewal = self._economy.renew(firms, prospects, self.earnings, utility, env, regions, c, draws,
                                          self.sectors, p)
        with self._timed("earn"):
            earnings = self.earnings = self.earn()
        turnover = renewal.turnover(exits)
        with self._timed("markets"):
            accounts = self.accounts(earnings)
            jobs = production.employment_by_cell(firms, earnings, c.costs, regions.wage)
            self.regions = self._economy.clear_markets(regions, firms, c, self.geography, p,
                                                       self.growth_index, accounts.gdp, jobs, self.labour_reserve_left)
            if c.local_books is not None:
                self.regions = replace(self.regions, budgets=self._close_books(earnings, accounts))
            self._gdp = accounts.gdp
        with self._timed("record"):
            programmes = fiscal.programme_costs(env.levers, p.fiscal, elapsed=self.elapsed,
                                                corridors_running=env.corridors_running,
                                                local=self.regions.local)
            self._record(earnings, accounts, moves, turnover, programmes, regions.wage, jobs)

    def run(self, years: int, progress: bool = False) -> TransferModel:
        """Simulate ``years`` more years; ``progress=True`` shows a progress bar."""
        if isinstance(years, bool) or not isinstance(years, int | np.integer) or years < 0:
            raise ValueError(f"years must be a whole number >= 0, got {years!r}")
        for _ in tqdm(range(int(years)), desc="Simulating", unit="yr", disable=not progress):
            self.step()
        return self

    def set_local_policy(self, region: str, year: int | None = None, **instruments: float) -> None:
        """Fix a province's instruments -- ``tax_rebate`` and ``land_discount`` (shares of a
        newcomer's profit and land rent) and ``park_investment`` (bn CNY a year) -- for ``year``
        only, or from the next year on (``year=None``); the other provinces respond from the year
        after. Instruments not named stay the government's own choice."""
        if self.calibration.local_books is None:
            raise ValueError(f"the {self.economy} economy has no local governments")
        if region not in self.geography.names and region not in self.geography.codes:
            raise ValueError(f"unknown region {region!r}; allowed regions: {', '.join(self.geography.names)}")
        index = self.geography.index(region)
        if year is not None and (isinstance(year, bool) or not isinstance(year, int | np.integer) or year <= self.year):
            raise ValueError(f"year must be a year still to simulate (after {self.year}) or None, got {year!r}")
        if not instruments:
            raise ValueError(f"name at least one instrument: {', '.join(local_government.SETTABLE)}")
        for name, value in instruments.items():
            if name not in local_government.SETTABLE:
                raise ValueError(f"unknown instrument {name!r}; choose from {', '.join(local_government.SETTABLE)}")
            low, high = local_government.SETTABLE[name]
            if isinstance(value, bool) or not isinstance(value, int | float | np.number) or not low <= value <= high:
                raise ValueError(f"{name} must be a number from {low:g} to {high:g}, got {value!r}")
        self._local_overrides[index] = (None if year is None else int(year), {k: float(v) for k, v in instruments.items()})

    def set_policy(self, policy: Policy) -> None:
        """Change the levers from the next year on (investments already made keep maturing)."""
        if not isinstance(policy, Policy):
            raise TypeError(f"policy must be a transfer_sim.Policy, got {type(policy).__name__}")
        self.levers = resolve(policy, self.geography, self.sectors)
        self.policy = policy

    @property
    def elapsed(self) -> int:
        return self.year - self.start_year

    def earn(self, prospects: bool = False) -> Earnings:
        """What every firm earns this year where it is now (:func:`production.earn`); with
        ``prospects``, only what each location would pay."""
        return production.earn(self.environment, self.firms, self.sectors, self.regions, self.calibration,
                               self.params, year=self.year, prospects=prospects)

    def accounts(self, earnings: Earnings) -> RegionAccounts:
        """This year's value added by sector and region, given what industry earned (:mod:`transfer_sim.accounts`)."""
        return year_accounts(self.calibration.start_accounts, earnings.value_added_cells.sum(axis=0),
                             self.growth_index, self.params.local_sectors_elasticity,
                             self.services_weight, self.agriculture_weight)

    def location_utility(self, earnings: Earnings) -> LocationUtility:
        """This year's logit utilities of moving and of entry (:func:`relocation.location_utility`)."""
        levers = self.environment.levers
        return relocation.location_utility(
            earnings, relocation.allowed(self.sectors, levers),
            relocation.move_cost(self.params, self.geography, self.environment.barrier),
            self.params.logit_beta, self.calibration.location_constants)

    def _local_policy(self):
        """The regions with this year's instruments of every province
        (:func:`local_government.choose`), the instruments users fixed kept."""
        p, c, regions, year = self.params, self.calibration, self.regions, self.year
        entry = relocation.entry_utility(self.earnings, relocation.allowed(self.sectors, self.environment.levers),
                                         p.logit_beta, c.location_constants)
        seen = local_government.prospects(self.firms, self.earnings, entry, c, self.sectors, p, year, regions.rent)
        coming = sum((amount for usable, amount in self._pipeline if usable > year), np.zeros(self.geography.n))
        land = local_government.land_outlook(regions, self.firms.land_by_region(), coming * p.park_land_ha_per_bn,
                                             c.start_land_used, self.policy.land_red_line)
        room = local_government.room(regions.budgets, c.local_books, self._gdp, self.growth_index, p)
        local = local_government.choose(regions.local, seen, room, self.levers, self.sectors, regions.innovation, land, p)
        return replace(regions, local=local_government.overridden(local, self._local_overrides, year))

    def _close_books(self, earnings: Earnings, accounts: RegionAccounts):
        """This year's books of the provincial governments (:func:`local_government.close_books`);
        the central nest-building funds are transfers they spend."""
        levers, regions = self.levers, self.regions
        nest = levers.policy.nest_investment * levers.nest_regions if self.elapsed > 0 else np.zeros(self.geography.n)
        return local_government.close_books(
            regions.local, earnings.local_payments, self.calibration.local_books, regions.budgets.debt, accounts.gdp,
            regions.rent * self.firms.land_by_region() / CNY_PER_BN, nest, self.growth_index, self.params)

    def _environment(self, size_cells: np.ndarray):
        """What firms face this year: the levers in force (the status quo in the start year), with
        the firms' sizes by cell ``size_cells``."""
        return environment.this_year(
            self.levers if self.elapsed > 0 else self.status_quo, self.policy.shocks, self.geography,
            self.sectors, self.regions, self.calibration, self.params, year=self.year, elapsed=self.elapsed,
            growth_index=self.growth_index, world_demand=self.world_demand, size_cells=size_cells,
            sector_mix=self.sector_mix)

    def _record(self, earnings, accounts, moves, turnover, programmes, wage, jobs) -> None:
        """Append the year's aggregates; its books are what firms were paid or charged, the
        upgrade subsidy and the programme costs. ``wage`` is the year's, at which the firms
        produced and employed ``jobs`` (by sector and region)."""
        spending = self.environment.spending[:, : self.geography.n]
        books = {**earnings.fiscal, **turnover.fiscal, **programmes}
        ledger = JobsLedger.of(self.firms, wage, jobs.sum(axis=0))
        jobs_change = (np.zeros((len(COMPONENTS), self.geography.n)) if self._jobs is None
                       else self._jobs.components(ledger, self.firms, self.year, self.calibration.costs))
        self._jobs = ledger
        prices = price_level(earnings.price_index, spending, wage, self.calibration, self.growth_index)
        self.results.append(record_year(self.year, self.firms, self.regions, earnings, accounts, prices, spending,
                                        moves, turnover, books, self.geography.macro_region,
                                        employment=jobs, growth_index=self.growth_index, jobs_change=jobs_change))
        if self._firm_writer is not None:
            self._firm_writer.write(self.year, self.firms, production.firm_employment(self.firms, self.calibration.costs,
                                                                                      wage))

    @contextmanager
    def _timed(self, process: str):
        """Add the wall time of a process of the step to ``self.timings`` (seconds)."""
        start = time.perf_counter()
        yield
        self.timings[process] = self.timings.get(process, 0.0) + time.perf_counter() - start

    # queries ---------------------------------------------------------------------------
    def firm_shares(self) -> pd.Series:
        """Share of all firms located in each region now."""
        counts = np.bincount(self.firms.region, minlength=self.geography.n)
        return pd.Series(counts / max(self.firms.count, 1), index=list(self.geography.names), name="firm_share")

    def firm_table(self) -> pd.DataFrame:
        """The live firms now: id, sector, region, productivity (a^(sigma-1)), employment, land (ha),
        arrival_year (in the current region) and relocations (moves so far)."""
        firms = self.firms
        return pd.DataFrame({
            "id": firms.id.copy(),
            "sector": pd.Categorical.from_codes(firms.sector, categories=list(self.sectors.names)),
            "region": pd.Categorical.from_codes(firms.region, categories=list(self.geography.names)),
            "productivity": firms.size.copy(),
            "employment": production.firm_employment(firms, self.calibration.costs, self.regions.wage), "land": firms.land.copy(),
            "arrival_year": firms.arrival_year.astype(int), "relocations": firms.moves.astype(int),
        })

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


def fewest_firms(geography: Geography, economy: str = "full") -> int:
    """The smallest ``n_firms`` a model accepts: one firm per region for the textbook
    economy; enough firms for the start year to match every region's GDP share otherwise."""
    if economy == "footloose_capital":
        return geography.n
    return max(MIN_FIRMS_PER_REGION * geography.n, 100)


def _productivity_growth(trend: dict, geography: Geography) -> np.ndarray:
    """(R,) each region's yearly productivity growth from ``params.productivity_trend`` (by macro-region)."""
    unknown = sorted(set(trend) - set(geography.macro_region))
    if unknown:
        raise ValueError(f"productivity_trend: unknown macro-region {unknown[0]!r}; "
                         f"choose from {', '.join(dict.fromkeys(geography.macro_region))}")
    for name, rate in trend.items():
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not -0.5 < rate < 0.5:
            raise ValueError(f"productivity_trend[{name!r}] must be a yearly growth rate between -0.5 and 0.5, got {rate!r}")
    return np.array([float(trend.get(macro, 0.0)) for macro in geography.macro_region])


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


def _check_arguments(geography, policy, n_firms, seed, start_year, economy, params, status_quo) -> None:
    """Readable errors for the arguments a user is most likely to get wrong."""
    if geography is not None and not isinstance(geography, Geography):
        raise TypeError(f"geography must be a transfer_sim.Geography, got {type(geography).__name__}")
    for name, value in (("policy", policy), ("status_quo", status_quo)):
        if value is not None and not isinstance(value, Policy):
            raise TypeError(f"{name} must be a transfer_sim.Policy (e.g. Policy.preset('baseline')), "
                            f"got {type(value).__name__}")
    if params is not None and not isinstance(params, EconomyParams):
        raise TypeError(f"params must be a transfer_sim.EconomyParams, got {type(params).__name__}")
    if economy not in ECONOMIES:
        raise ValueError(f"economy must be one of {', '.join(ECONOMIES)}; got {economy!r}")
    fewest = fewest_firms(geography or Geography.china(), economy)
    if isinstance(n_firms, bool) or not isinstance(n_firms, int | np.integer) or n_firms < fewest:
        raise ValueError(f"n_firms must be a whole number >= {fewest} for this economy and geography, got {n_firms!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0):
        raise ValueError(f"seed must be a whole number >= 0 or None, got {seed!r}")
    if isinstance(start_year, bool) or not isinstance(start_year, int | np.integer) or not 1900 <= start_year <= 2200:
        raise ValueError(f"start_year must be a calendar year between 1900 and 2200, got {start_year!r}")

