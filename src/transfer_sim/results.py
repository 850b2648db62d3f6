"""Per-year aggregates of a run, served as tidy pandas frames.

The model appends O(regions x sectors) numbers a year; frames are built on demand and
cached until the next year is recorded, so reading results never slows the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .accounts import RegionAccounts
from .calibration import CNY_PER_BN
from .geography import EXTERNAL_MARKETS
from .decomposition import COMPONENTS
from .metrics import coefficient_of_variation, theil_decomposition
from .population import FirmPopulation
from .processes.demography import Turnover
from .processes.fiscal import PAYER
from .params import SIGMA
from .state import INSTRUMENTS, Calibration, Earnings, RegionState

REGION_COLUMNS = (
    "firms", "employment", "output", "value_added", "wage", "land_used", "land_cap",
    "relocations_in", "relocations_out", "population", "gdp_per_capita", "rent", "entries", "exits",
    "exports", "spending", "gdp", "industry_va", "construction_va", "services_va", "agriculture_va",
    "price_level", "real_income_per_capita",
)
SECTOR_COLUMNS = ("firms", "employment", "output")
COUNT_COLUMNS = {"firms", "relocations_in", "relocations_out", "entries", "exits"}  # whole numbers
SUMMARY_COLUMNS = (
    "theil_total", "theil_within", "theil_between", "cv_gdp_per_capita", "relocations",
    "cross_province_relocations", "entries", "exits", "fiscal_cost", "fiscal_cost_pct_gdp", "firms",
    "employment", "output", "value_added", "upgrades", "gdp", "real_gdp",
)
#: the frames of a run, in the order they are written
TABLES = ("regions", "sectors", "flows", "summary", "fiscal", "exports", "decomposition", "local_policy", "budgets")

#: the columns of ``Results.budgets`` after year and region (bn CNY)
BUDGET_COLUMNS = ("revenue", "transfers", "spending", "balance", "debt")


@dataclass
class YearRecord:
    year: int
    regions: dict[str, np.ndarray]  # column -> (R,)
    sectors: dict[str, np.ndarray]  # column -> (K, R)
    flows: np.ndarray  # rows (origin, destination, firms, jobs)
    summary: dict[str, float]
    fiscal: dict[str, float]  # lever -> bn CNY (negative: revenue)
    exports: np.ndarray  # (R, M) bn CNY by market abroad
    jobs_change: np.ndarray  # (4, R) the year's change in workers by component (decomposition.COMPONENTS)
    local_policy: np.ndarray | None = None  # (instruments, R) the provinces' instruments (state.INSTRUMENTS)
    budgets: np.ndarray | None = None  # (5, R) their books (BUDGET_COLUMNS)


def price_level(price_index: np.ndarray, spending: np.ndarray, wage: np.ndarray, calibration: Calibration,
                growth_index: float) -> np.ndarray:
    """(R,) each region's consumer price level relative to the start year's national level, nominal
    growth taken out:

        P_r = P_ind,r^a (w_r / (w_ref G))^(1 - a),  log P_ind,r = sum_k s_kr log(X_kr / X_k,0) / (1 - sigma)

    with X the CES price index P^(1 - sigma) of industrial goods in r's market, s_kr r's spending
    shares over the sectors on sale there, a the industrial goods' weight (their share of GDP) and
    local services priced at the local wage. Where no industrial good is on sale at all (a
    disaster that wipes out industry), the industrial price level is taken as 1: real income then
    falls with GDP alone.
    """
    on_sale = (price_index > 0) & (spending > 0)
    weights = np.where(on_sale, spending, 0.0)
    total = weights.sum(axis=0, keepdims=True)
    share = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
    ratio = np.where(on_sale, price_index, 1.0) / calibration.start_price_index[:, None]
    industrial = np.exp((share * np.log(ratio)).sum(axis=0) / (1.0 - SIGMA))
    weight = calibration.industry_weight
    if weight >= 1.0:
        return industrial
    local = wage / (calibration.cost_reference[0] * growth_index)
    return industrial**weight * local ** (1.0 - weight)


def record_year(year: int, firms: FirmPopulation, regions: RegionState, earnings: Earnings,
                accounts: RegionAccounts, prices: np.ndarray, spending: np.ndarray, moves: np.ndarray,
                turnover: Turnover, fiscal: dict[str, float], macro_region: np.ndarray, *,
                employment: np.ndarray, growth_index: float, jobs_change: np.ndarray) -> YearRecord:
    """This year's aggregates: stocks at the end of the year, flows during it.

    ``accounts`` are the year's value added by sector (industry is what the firms earned);
    ``prices`` each region's price level (:func:`price_level`); ``spending`` this year's (K, R)
    domestic spending; ``moves`` has one row (from, to, jobs) per relocation; ``fiscal`` the
    year's books, lever -> bn CNY (negative: revenue); ``employment`` (K, R) workers;
    ``jobs_change`` (4, R) the change in workers by component (:mod:`transfer_sim.decomposition`).
    The fiscal cost is the books' net sum, also as a share of the year's GDP.
    """
    n = firms.n_regions
    sector_table = {"firms": firms.by_cell().astype(float), "employment": employment,
                    "output": earnings.revenue_cells}
    value_added = earnings.value_added_cells.sum(axis=0)
    gdp_by_region = accounts.gdp
    population = regions.population
    origin, destination = moves[:, 0].astype(np.intp), moves[:, 1].astype(np.intp)
    pair = origin * n + destination
    flow_firms = np.bincount(pair, minlength=n * n)
    flow_jobs = np.bincount(pair, weights=moves[:, 2], minlength=n * n)
    nonzero = np.flatnonzero(flow_firms)
    real_gdp = np.divide(gdp_by_region / growth_index, prices, out=np.zeros(n), where=prices > 0)
    columns = {
        "firms": sector_table["firms"].sum(axis=0),
        "employment": employment.sum(axis=0),
        "output": earnings.revenue_cells.sum(axis=0),
        "value_added": value_added,
        "wage": regions.wage.copy(),
        "land_used": firms.land_by_region(),
        "land_cap": regions.land_cap.copy(),
        "relocations_in": np.bincount(destination, minlength=n).astype(float),
        "relocations_out": np.bincount(origin, minlength=n).astype(float),
        "population": population.copy(),
        "gdp_per_capita": gdp_by_region * CNY_PER_BN / population,
        "rent": regions.rent.copy(),
        "entries": turnover.entries,
        "exits": turnover.exits,
        "exports": earnings.export_cells.sum(axis=0),
        "spending": spending.sum(axis=0),
        "gdp": gdp_by_region,
        "industry_va": value_added,
        "construction_va": accounts.construction,
        "services_va": accounts.services,
        "agriculture_va": accounts.agriculture,
        "price_level": prices,
        "real_income_per_capita": real_gdp * CNY_PER_BN / population,
    }
    total, within, between = theil_decomposition(gdp_by_region, population, macro_region)
    net_cost = float(sum(fiscal.values()))
    gdp = float(gdp_by_region.sum())
    summary = {
        "theil_total": total, "theil_within": within, "theil_between": between,
        "cv_gdp_per_capita": coefficient_of_variation(columns["gdp_per_capita"]),
        "relocations": int(len(moves)),
        "cross_province_relocations": int((origin != destination).sum()),
        "entries": int(turnover.entries.sum()), "exits": int(turnover.exits.sum()),
        "fiscal_cost": net_cost, "fiscal_cost_pct_gdp": 100.0 * net_cost / gdp if gdp > 0 else 0.0,
        "firms": int(firms.count), "employment": float(columns["employment"].sum()),
        "output": float(columns["output"].sum()), "value_added": float(value_added.sum()),
        "upgrades": turnover.upgrades, "gdp": gdp, "real_gdp": float(real_gdp.sum()),
    }
    flows = np.column_stack([nonzero // n, nonzero % n, flow_firms[nonzero], flow_jobs[nonzero]])
    local = regions.local.values() if regions.local is not None else None
    books = regions.budgets
    budgets = (np.vstack([books.revenue, books.transfers, books.spending, books.balance, books.debt])
               if books is not None else None)
    return YearRecord(year, columns, sector_table, flows, summary, dict(fiscal), earnings.export_markets.copy(),
                      jobs_change, local, budgets)


@dataclass(frozen=True)
class OverBudget:
    """The simulated years (the start year is a state, not a year of policy) whose net fiscal
    cost exceeds the budget: how many, of how many, the first of them and the highest cost."""

    over: int
    years_run: int
    years: str  # the first three, then "…"
    cost: float  # % of GDP


def over_budget(summary: pd.DataFrame, budget_pct_gdp: float) -> OverBudget | None:
    """:class:`OverBudget` for a summary frame, or None when every simulated year is within the budget."""
    simulated = summary[summary["year"] > summary["year"].min()]
    over = simulated[simulated["fiscal_cost_pct_gdp"] > budget_pct_gdp]
    if over.empty:
        return None
    years = ", ".join(str(y) for y in over["year"].head(3)) + (" …" if len(over) > 3 else "")
    return OverBudget(len(over), len(simulated), years, float(over["fiscal_cost_pct_gdp"].max()))


def budget_warning(summary: pd.DataFrame, budget_pct_gdp: float) -> str | None:
    """A sentence naming the years of a summary frame whose net fiscal cost exceeds the budget, or None."""
    if (found := over_budget(summary, budget_pct_gdp)) is None:
        return None
    return (f"the levers cost up to {found.cost:.2f} % of GDP a year, above the budget of {budget_pct_gdp:g} % "
            f"({found.over} of {found.years_run} years: {found.years})")


@dataclass
class Results:
    """Everything a run reports, one frame per table; the start year is included."""

    region_names: tuple[str, ...]
    region_codes: tuple[str, ...]
    macro_regions: tuple[str, ...]
    sector_names: tuple[str, ...]
    records: list[YearRecord] = field(default_factory=list)
    _cache: dict = field(default_factory=dict, repr=False)

    def append(self, record: YearRecord) -> None:
        self.records.append(record)
        self._cache.clear()

    @property
    def years(self) -> list[int]:
        return [r.year for r in self.records]

    def _cached(self, name, build):
        if name not in self._cache:
            self._cache[name] = build()
        return self._cache[name]

    @property
    def regions(self) -> pd.DataFrame:
        """year, region, region_code, macro_region and the per-region indicators."""
        def build():
            n = len(self.region_names)
            frame = pd.DataFrame({
                "year": np.repeat(self.years, n),
                "region": np.tile(self.region_names, len(self.records)),
                "region_code": np.tile(self.region_codes, len(self.records)),
                "macro_region": np.tile(self.macro_regions, len(self.records)),
            })
            return self._with_columns(frame, REGION_COLUMNS, lambda record: record.regions)
        return self._cached("regions", build)

    @property
    def sectors(self) -> pd.DataFrame:
        """year, region, sector, firms, employment, output."""
        def build():
            k, n = len(self.sector_names), len(self.region_names)
            frame = pd.DataFrame({
                "year": np.repeat(self.years, k * n),
                "region": np.tile(np.tile(self.region_names, k), len(self.records)),
                "sector": np.tile(np.repeat(self.sector_names, n), len(self.records)),
            })
            return self._with_columns(frame, SECTOR_COLUMNS, lambda record: record.sectors)
        return self._cached("sectors", build)

    def _with_columns(self, frame: pd.DataFrame, columns, table_of) -> pd.DataFrame:
        """Add each column, stacked over the years; counts as whole numbers."""
        for col in columns:
            values = np.concatenate([np.ravel(table_of(record)[col]) for record in self.records])
            frame[col] = values.astype(np.int64) if col in COUNT_COLUMNS else values
        return frame

    @property
    def flows(self) -> pd.DataFrame:
        """year, origin, destination, firms, jobs: relocations between regions (non-zero pairs)."""
        def build():
            names = np.array(self.region_names, dtype=object)
            parts = [
                pd.DataFrame({
                    "year": r.year,
                    "origin": names[r.flows[:, 0].astype(int)],
                    "destination": names[r.flows[:, 1].astype(int)],
                    "firms": r.flows[:, 2].astype(int),
                    "jobs": r.flows[:, 3],
                })
                for r in self.records if len(r.flows)
            ]
            if not parts:
                return pd.DataFrame({"year": pd.Series(dtype="int64"), "origin": pd.Series(dtype="str"),
                                     "destination": pd.Series(dtype="str"), "firms": pd.Series(dtype="int64"),
                                     "jobs": pd.Series(dtype="float64")})
            return pd.concat(parts, ignore_index=True)
        return self._cached("flows", build)

    @property
    def summary(self) -> pd.DataFrame:
        """One row per year: inequality, relocations, entries, exits, fiscal cost, totals."""
        def build():
            frame = pd.DataFrame([r.summary for r in self.records], columns=list(SUMMARY_COLUMNS))
            frame.insert(0, "year", self.years)
            return frame
        return self._cached("summary", build)

    @property
    def fiscal(self) -> pd.DataFrame:
        """year, lever, payer (central or local government), cost (bn CNY; negative = revenue
        such as the cage fee)."""
        def build():
            rows = [(r.year, lever, PAYER[lever], cost + 0.0) for r in self.records for lever, cost in r.fiscal.items()]
            return pd.DataFrame(rows, columns=["year", "lever", "payer", "cost"])
        return self._cached("fiscal", build)

    @property
    def exports(self) -> pd.DataFrame:
        """year, region, market, value: revenue earned in each market abroad (bn CNY)."""
        def build():
            n, m = len(self.region_names), len(EXTERNAL_MARKETS)
            return pd.DataFrame({
                "year": np.repeat(self.years, n * m),
                "region": np.tile(np.repeat(self.region_names, m), len(self.records)),
                "market": np.tile(EXTERNAL_MARKETS, n * len(self.records)),
                "value": np.concatenate([r.exports.ravel() for r in self.records]),
            })
        return self._cached("exports", build)

    @property
    def decomposition(self) -> pd.DataFrame:
        """year, region, component, employment: each region's change in industrial workers over the
        year, split into entry, exit, growth of incumbents and relocation (zero in the start year)."""
        def build():
            n, c = len(self.region_names), len(COMPONENTS)
            return pd.DataFrame({
                "year": np.repeat(self.years, n * c),
                "region": np.tile(np.tile(self.region_names, c), len(self.records)),
                "component": np.tile(np.repeat(COMPONENTS, n), len(self.records)),
                "employment": np.concatenate([r.jobs_change.ravel() for r in self.records]),
            })
        return self._cached("decomposition", build)

    @property
    def local_policy(self) -> pd.DataFrame:
        """year, region, instrument, value: each provincial government's instruments (tax_rebate and
        land_discount as shares, park_investment in bn CNY, emerging_backed the number of emerging
        sectors it backs); empty for an economy without local governments."""
        def build():
            kept = [r for r in self.records if r.local_policy is not None]
            n, i = len(self.region_names), len(INSTRUMENTS)
            return pd.DataFrame({
                "year": np.repeat([r.year for r in kept], i * n).astype(np.int64),
                "region": np.tile(np.tile(self.region_names, i), len(kept)),
                "instrument": np.tile(np.repeat(INSTRUMENTS, n), len(kept)),
                "value": np.concatenate([r.local_policy.ravel() for r in kept]) if kept else np.empty(0),
            })
        return self._cached("local_policy", build)

    @property
    def budgets(self) -> pd.DataFrame:
        """year, region, revenue, transfers, spending, balance, debt: the provincial governments'
        books, bn CNY (debt at the end of the year); empty without local governments."""
        def build():
            kept = [r for r in self.records if r.budgets is not None]
            n = len(self.region_names)
            frame = pd.DataFrame({"year": np.repeat([r.year for r in kept], n).astype(np.int64),
                                  "region": np.tile(self.region_names, len(kept))})
            for row, column in enumerate(BUDGET_COLUMNS):
                frame[column] = np.concatenate([r.budgets[row] for r in kept]) if kept else np.empty(0)
            return frame
        return self._cached("budgets", build)

    def overview(self) -> pd.DataFrame:
        """Per year: macro-region shares of value added (%), inequality, relocations, entries,
        exits and the net fiscal cost, rounded for reading."""
        by_macro = self.regions.groupby(["year", "macro_region"])["value_added"].sum().unstack("macro_region")
        total = by_macro.sum(axis=1)
        shares = by_macro.div(total.where(total > 0), axis=0).fillna(0.0) * 100
        in_order = list(dict.fromkeys(self.macro_regions))  # as the geography lists them
        table = shares[in_order].add_prefix("VA ").add_suffix(" %")
        summary = self.summary.set_index("year")
        table["Theil"] = summary["theil_total"]
        for column in ("relocations", "entries", "exits"):
            table[column] = summary[column]
        table["fiscal bn"] = summary["fiscal_cost"]
        table.columns.name = None
        return table.round(3)

    def over_budget(self, budget_pct_gdp: float) -> str | None:
        """A sentence naming the years whose net fiscal cost exceeds the budget (% of GDP), or None."""
        return budget_warning(self.summary, budget_pct_gdp)

    def to_csv(self, directory) -> list[Path]:
        """Write every table as CSV into ``directory``; returns the paths."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name in TABLES:
            path = out / f"{name}.csv"
            getattr(self, name).to_csv(path, index=False)
            paths.append(path)
        return paths
