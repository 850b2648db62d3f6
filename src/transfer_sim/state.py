"""What the yearly processes hand each other: plain values, one dataclass per kind.

Each process of :mod:`transfer_sim.processes` takes the values it reads and returns the
ones it produces; the model keeps only the state that lasts from year to year (the firm
population, the region state, the investment pipeline and the calibration).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .accounts import RegionAccounts
from .levers import PolicyArrays
from .population import FirmPopulation

# independent random streams per year, so that one process's draws never shift another's
SEARCH, FATE, ENTRY, LAND = range(4)


#: the instruments of a provincial government, in the order of ``LocalPolicy.values``
INSTRUMENTS = ("tax_rebate", "land_discount", "park_investment", "emerging_backed")


@dataclass(frozen=True)
class LocalPolicy:
    """What each provincial government does this year to attract firms."""

    tax_rebate: np.ndarray  # (R,) share of newcomers' operating profit returned to them
    land_discount: np.ndarray  # (R,) share of newcomers' industrial land rent waived
    park_investment: np.ndarray  # (R,) bn CNY into industrial parks (they mature like nest building)
    backing: np.ndarray  # (K, R) bool: the emerging sectors each province backs with an extra rebate
    barred: np.ndarray  # (K, R) bool: sectors a province may offer no terms to (national coordination)

    @classmethod
    def none(cls, n_sectors: int, n_regions: int) -> LocalPolicy:
        zero, no = np.zeros(n_regions), np.zeros((n_sectors, n_regions), dtype=bool)
        return cls(zero, zero.copy(), zero.copy(), no, no.copy())

    def rebates(self, emerging_rebate: float) -> np.ndarray:
        """(K, R) the rebate a newcomer gets: the tax rebate, plus ``emerging_rebate`` in the
        emerging sectors its province backs; none in the sectors it is barred from."""
        return (self.tax_rebate[None, :] + emerging_rebate * self.backing) * ~self.barred

    def discounts(self) -> np.ndarray:
        """(K, R) the land discount a newcomer gets; none in the sectors its province is barred from."""
        return self.land_discount[None, :] * ~self.barred

    def values(self) -> np.ndarray:
        """(instruments, R): the rows of :data:`INSTRUMENTS` (backing as the number of sectors backed)."""
        return np.vstack([self.tax_rebate, self.land_discount, self.park_investment, self.backing.sum(axis=0)])


@dataclass(frozen=True)
class Budgets:
    """A year of the provincial governments' books, bn CNY per region."""

    revenue: np.ndarray  # local taxes and industrial land income
    transfers: np.ndarray  # from the central government, nest-building funds included
    spending: np.ndarray  # base spending, investment attraction and parks
    debt: np.ndarray  # what each owes at the end of the year

    @property
    def balance(self) -> np.ndarray:
        return self.revenue + self.transfers - self.spending

    @classmethod
    def none(cls, n_regions: int) -> Budgets:
        zero = np.zeros(n_regions)
        return cls(zero, zero.copy(), zero.copy(), zero.copy())


@dataclass(frozen=True)
class BaseBooks:
    """What every province's books rest on: yearly base transfers and spending in the start year
    (they grow with nominal growth), bn CNY."""

    transfers: np.ndarray
    spending: np.ndarray


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
    local: LocalPolicy | None = None  # the provincial governments' instruments this year (None: no local policy)
    budgets: Budgets | None = None  # their books of the last year


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
    local_books: BaseBooks | None = None  # the provincial governments' base books (None: no local governments)


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
class EntryTerms:
    """What an entrant of each sector and productivity class would have in each region, bn CNY a
    year, with the local technique: its positive operating profit before subsidies and its land
    rent; and each sector's profit scale, which turns money into location value."""

    profit: np.ndarray  # (K, C, R)
    land_rent: np.ndarray  # (K, C, R)
    scale: np.ndarray  # (K,)


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
    newcomer_value: np.ndarray | None  # (2, K, from, C, to) a year of the central and the local newcomer terms there (None: none offered)
    entry_terms: EntryTerms  # an entrant's yearly profit and land rent in money, for the local governments
    fiscal: dict[str, float]  # lever -> bn CNY (negative: revenue)
    local_payments: dict[str, np.ndarray] = field(default_factory=dict)  # local book -> (R,) bn CNY paid in each province


@dataclass(frozen=True)
class LocationUtility:
    """Logit utilities of this year's location choices, location constants included."""

    move: np.ndarray  # (K, from, C, to) per productivity class: staying on the diagonal, -inf where closed
    entry: np.ndarray  # (K, C, R) for an entrant
    newcomer: np.ndarray | None = None  # (2, K, from, C, to) beta x a year of the central and the local newcomer terms


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

    def per_firm(self, process: int, firms: FirmPopulation) -> FirmUniforms:
        """One uniform per firm by its id (drawn once a year per process: a firm's draw is the
        same however often it is asked for)."""
        drawn = self._by_id.get(process)
        if drawn is None or drawn.size < firms.next_id:
            drawn = self._by_id[process] = self.stream(process).random(firms.next_id)
        return FirmUniforms(drawn, firms.positions)


@dataclass(frozen=True)
class FirmUniforms:
    """One uniform per firm, ``by_id``, with ``rows_of`` the rows of ids (-1 for firms gone).

    The processes ask only for the small draws (who dies, who looks around), so the draws are
    looked at where they fall below a bound rather than gathered into the rows of every firm.
    """

    by_id: np.ndarray
    rows_of: Callable[[np.ndarray], np.ndarray]

    @classmethod
    def by_row(cls, draws: np.ndarray) -> FirmUniforms:
        """The uniforms of the firms in rows 0, 1, ... (firm i's row is i)."""
        return cls(np.asarray(draws, dtype=float), lambda ids: ids)

    def below(self, bound: float) -> tuple[np.ndarray, np.ndarray]:
        """The live firms whose draw is below ``bound``: their rows in increasing order and their draws."""
        ids = np.flatnonzero(self.by_id < bound)
        rows = self.rows_of(ids)
        live = rows >= 0
        rows, drawn = rows[live], self.by_id[ids[live]]
        order = np.argsort(rows, kind="stable")
        return rows[order], drawn[order]
