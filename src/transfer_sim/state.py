"""What the yearly processes hand each other: plain values, one dataclass per kind.

Each process of :mod:`transfer_sim.processes` takes the values it reads and returns the
ones it produces; the model keeps only the state that lasts from year to year (the firm
population, the region state, the investment pipeline and the calibration).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .accounts import RegionAccounts
from .levers import PolicyArrays
from .population import FirmPopulation

# independent random streams per year, so that one process's draws never shift another's
SEARCH, FATE, ENTRY, LAND = range(4)


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


@dataclass(frozen=True)
class Markets:
    """Start-year spending and foreign competition in every market (regions, then abroad)."""

    domestic_total: float  # bn CNY of domestic spending
    sector_share: np.ndarray  # (K,) share of domestic spending on each sector
    external: np.ndarray  # (K, M) bn CNY of foreign spending on the sector
    foreign_supply: np.ndarray  # (K, M) competitors' a^(sigma-1) in each foreign market


@dataclass(frozen=True)
class CostShares:
    """Each sector's (K,) costs as shares of revenue in the start year, and the exponents of its
    unit-cost index (:func:`~transfer_sim.calibration.cost_shares`)."""

    labour_exponent: np.ndarray  # variable labour's share of variable cost
    land_exponent: np.ndarray
    variable_labour: np.ndarray  # share of revenue
    fixed_labour: np.ndarray
    fixed_land: np.ndarray
    fixed_capital: np.ndarray

    @classmethod
    def none(cls, n_sectors: int) -> CostShares:
        """No factor costs (the textbook economy)."""
        zero = np.zeros(n_sectors)
        return cls(zero, zero, zero, zero, zero, zero)


@dataclass(frozen=True)
class Calibration:
    """What the start year fixes for the whole run (see :mod:`transfer_sim.calibration`).

    The ``start_*`` arrays are the start-year values over regions that wages, rents, migration
    and agglomeration are measured against; techniques and constants are (K, R).
    """

    markets: Markets
    costs: CostShares
    labour_unit: np.ndarray  # (K, R) fixed workers per unit of size^scale_elasticity, by region of technique
    land_unit: np.ndarray  # (K, R) hectares per unit of size^scale_elasticity
    capital_unit: np.ndarray  # (K, R) bn CNY of fixed capital cost per unit of size^scale_elasticity
    location_constants: np.ndarray  # (K, C, R) per productivity class: the start is the stationary state
    class_sizes: np.ndarray  # (C,) the size each productivity class decides for
    typical_size: float  # output-weighted mean start-year size: the sharpness logit_beta is stated for it
    migration_constants: np.ndarray  # (R,) the same for people
    start_margin: np.ndarray  # (K,) operating profit over revenue per sector in the start year
    start_industry_share: np.ndarray  # share of national firm size
    start_population: np.ndarray
    start_wage: np.ndarray
    start_rent: np.ndarray
    start_land_used: np.ndarray
    start_land_cap: np.ndarray  # the zoning cap under the status quo
    start_demand_share: np.ndarray
    start_labour_demand: np.ndarray
    start_accounts: RegionAccounts  # value added by sector, bn CNY
    start_sector_firms: np.ndarray  # (K,) firms per sector: the pool of would-be entrants never falls below a share of it
    start_unit_variable: np.ndarray  # (K,) mean variable profit per unit of size: the logit's scale when a sector is gone
    start_price_index: np.ndarray  # (K,) spending-weighted price index P^(1 - sigma) of each sector's goods
    cost_reference: tuple[float, float]  # national mean wage and rent the unit-cost index is measured against
    industry_weight: float  # industrial goods' weight in the consumer price index (their share of GDP)
    productivity: np.ndarray  # (R,) total factor productivity A_r^(1/(sigma-1)), geometric mean 1
    market_access: np.ndarray  # (R,) revenue-weighted market access, geometric mean 1


@dataclass(frozen=True)
class Environment:
    """What firms face this year: freeness, spending, competitors abroad, productivity."""

    phi: np.ndarray  # (R, R + M)
    spending: np.ndarray  # (K, R + M)
    foreign: np.ndarray  # (K, R + M)
    efficiency: np.ndarray  # (K, R) multiplier of a firm's size: (productivity / unit cost)^(sigma - 1)
    capital_price: float  # price of fixed capital relative to the start year (nominal growth)
    barrier: float
    levers: PolicyArrays  # the levers in force (the status quo in the start year)
    corridors_running: bool  # False during a corridor disruption


@dataclass(frozen=True)
class Earnings:
    """The outcome of one year's production: per firm (rows as earned) and per cell."""

    profit: np.ndarray | None  # per firm, bn CNY (None for prospects)
    size_cells: np.ndarray  # (K, R) firm size a^(sigma-1) summed by sector and region
    revenue_cells: np.ndarray  # (K, R) revenue by sector and region
    value_added_cells: np.ndarray  # (K, R)
    profit_cells: np.ndarray | None  # (K, R) operating profit by sector and region (None for prospects)
    unit_revenue: np.ndarray  # (K, R) revenue per unit of size
    unit_gross: np.ndarray  # (K, R) variable profit, fees and export subsidies per unit of size
    export_cells: np.ndarray  # (K, R) revenue earned abroad
    export_markets: np.ndarray  # (R, M) revenue earned in each market abroad
    price_index: np.ndarray  # (K, R) P^(1 - sigma) of each sector's goods in each region's market
    move_value: np.ndarray  # (K, from, C, to) profit of a class-C firm relative to its sector's typical firm
    entry_value: np.ndarray  # (K, C, R) the same for an entrant with the local technique
    newcomer_value: np.ndarray | None  # (K, from, C, to) a year of the newcomer subsidy there (None if none is offered)
    fiscal: dict[str, float]  # lever -> bn CNY (negative: revenue)


@dataclass(frozen=True)
class LocationUtility:
    """Logit utilities of this year's location choices, location constants included."""

    move: np.ndarray  # (K, from, C, to) per productivity class: staying on the diagonal, -inf where closed
    entry: np.ndarray  # (K, C, R) for an entrant
    newcomer: np.ndarray | None = None  # (K, from, C, to) beta x a year of the newcomer subsidy at each destination


@dataclass(frozen=True)
class YearDraws:
    """This year's random numbers: one uniform per firm and process, streams per sector for entry.

    Every stream is keyed by (year, process, ...) under the run's entropy, and a firm's draw by
    its id, so the same firm gets the same draw in every scenario run with the same seed.
    """

    entropy: int
    year: int
    _by_id: dict = field(default_factory=dict, compare=False, repr=False)  # process -> uniforms by firm id

    def stream(self, process: int, *key: int) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(self.entropy, spawn_key=(self.year, process, *key)))

    def land(self, claimant: int):
        """The uniforms of the land lottery's later rounds: ``(round, count) -> uniforms`` for
        movers (``claimant`` 0) or entrants (1)."""
        return lambda attempt, count: self.stream(LAND, claimant, attempt).random(count)

    def per_firm(self, process: int, firms: FirmPopulation) -> np.ndarray:
        """One uniform per live firm, in the order of its rows (drawn once a year per process:
        a firm's draw is the same however often it is asked for)."""
        drawn = self._by_id.get(process)
        if drawn is None or drawn.size < firms.next_id:
            drawn = self._by_id[process] = self.stream(process).random(firms.next_id)
        return drawn[firms.id]
