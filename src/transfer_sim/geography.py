"""Regions, distances, trade freeness and the routes to external markets.

A geography is data: :meth:`Geography.china` reads the 31 mainland provinces and the
freight corridors shipped with the package; :meth:`Geography.abstract` builds a small
teaching or validation geography from demand shares and a trade-freeness matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd

from .params import SIGMA, TradeCostParams

#: The four macro-regions of China's regional statistics, in their usual order.
MACRO_REGIONS = ("east", "central", "west", "northeast")
#: Demand nodes outside China, reached through ports, border crossings and corridors.
EXTERNAL_MARKETS = ("world", "europe", "asean", "russia")
STRATEGIES = ("jjj", "yrd", "gba", "yreb", "yrb")
CHINA_EUROPE_EXPRESS = "China-Europe Railway Express"
LAND_SEA_CORRIDOR = "Western Land-Sea New Corridor"

DATA_YEAR = 2023  # the year of provinces.csv
EARTH_RADIUS_KM = 6371.0
ROAD_CIRCUITY = 1.25  # road/rail distance over great-circle distance
MIN_SHARE = 1e-12  # smallest demand share of a region in an abstract geography

_DATA = files("transfer_sim") / "data"


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Haversine distance in km; broadcasts over arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlat, dlon = p2 - p1, np.radians(lon2) - np.radians(lon1)
    h = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


def iceberg_cost(distance_km: np.ndarray, params: TradeCostParams) -> np.ndarray:
    """tau = 1 + t * (d / 1000 km)^rho: the iceberg trade cost of a distance."""
    return 1.0 + params.per_1000km * (np.asarray(distance_km) / 1000.0) ** params.distance_elasticity


@dataclass(frozen=True)
class Routes:
    """Ways out of the country: one column per route, one row per region.

    ``domestic_km[r, j]`` is the overland distance from region r to where route j leaves
    (a port or a corridor hub); ``leg_km[j]`` the corridor leg from the hub to the border
    or the sea (0 for a port); ``foreign_cost[j]`` the iceberg mark-up of the leg abroad.
    """

    market: np.ndarray  # index into EXTERNAL_MARKETS
    kind: np.ndarray  # "port", "corridor" or "border"
    corridor: np.ndarray  # corridor name, "" when not a corridor
    gateway: np.ndarray  # province index where the route leaves
    domestic_km: np.ndarray
    leg_km: np.ndarray
    foreign_cost: np.ndarray

    @property
    def count(self) -> int:
        return len(self.market)


@dataclass(frozen=True)
class Geography:
    """The regions of a simulation and the costs of trading between them.

    ``freeness[r, s]`` is trade freeness phi in (0, 1] between regions r and s with no
    policy (diagonal: within-region freeness); the model applies barriers, corridors and
    infrastructure on top of it.
    """

    names: tuple[str, ...]
    codes: tuple[str, ...]
    macro_region: np.ndarray
    population: np.ndarray  # persons
    gdp: np.ndarray  # bn CNY in the data year
    wage: np.ndarray  # CNY per worker and year
    secondary_share: np.ndarray  # secondary-sector value added / GDP in the data year
    area_km2: np.ndarray
    freeness: np.ndarray
    distance_km: np.ndarray
    strategies: dict[str, np.ndarray] = field(default_factory=dict)
    pilot_ftz: np.ndarray | None = None
    coastal: np.ndarray | None = None
    routes: Routes | None = None
    lat: np.ndarray | None = None
    lon: np.ndarray | None = None
    kind: str = "china"

    @property
    def n(self) -> int:
        return len(self.names)

    @property
    def gdp_share(self) -> np.ndarray:
        return self.gdp / self.gdp.sum()

    def index(self, region: str) -> int:
        """Position of a region given by English name or code."""
        if region in self.names:
            return self.names.index(region)
        if region in self.codes:
            return self.codes.index(region)
        raise KeyError(region)

    def mask(self, regions) -> np.ndarray:
        """Boolean mask over regions for an iterable of region names or codes."""
        out = np.zeros(self.n, dtype=bool)
        for r in regions:
            out[self.index(r)] = True
        return out

    def regions_in(self, *macro_regions: str) -> list[str]:
        return [n for n, m in zip(self.names, self.macro_region) if m in macro_regions]

    # ------------------------------------------------------------------ builders
    @classmethod
    def china(cls, trade_costs: TradeCostParams | None = None, year: int = DATA_YEAR) -> Geography:
        """The 31 mainland provinces, corridors and external markets, with the GDP and
        population of ``year`` (2004-2023; earlier years come from the history panel, and
        wages keep their 2023 structure scaled by national GDP per head).

        Built once per argument set and shared: its arrays are read-only.
        """
        return _china(trade_costs or TradeCostParams(), int(year))

    @classmethod
    def _build_china(cls, tc: TradeCostParams, year: int) -> Geography:
        prov = pd.read_csv(_DATA / "provinces.csv", dtype={"code": str})
        if year != DATA_YEAR:
            prov = _with_history(prov, year)
        lat, lon = prov["lat"].to_numpy(float), prov["lon"].to_numpy(float)
        dist = great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) * ROAD_CIRCUITY
        area = prov["area_km2_polygon"].to_numpy(float)
        np.fill_diagonal(dist, (2.0 / 3.0) * np.sqrt(area / np.pi))  # mean distance within a disc
        freeness = iceberg_cost(dist, tc) ** (1.0 - SIGMA)
        strategies = {s: prov[s].astype(str).eq("True").to_numpy() for s in STRATEGIES}
        codes = tuple(prov["code"])
        macro = prov["macro_region"].to_numpy(str)
        coastal = np.isin(np.array(codes), list(COASTAL_PORT_PROVINCES))
        return cls(
            names=tuple(prov["name_en"]),
            codes=codes,
            macro_region=macro,
            population=prov["population_2023_10k"].to_numpy(float) * 1e4,
            gdp=prov["gdp_2023_bn_cny"].to_numpy(float),
            wage=prov["avg_wage_2023_cny"].to_numpy(float),
            secondary_share=prov["secondary_share_2023"].to_numpy(float) / 100.0,
            area_km2=area,
            freeness=freeness,
            distance_km=dist,
            strategies=strategies,
            pilot_ftz=prov["pilot_ftz"].astype(str).eq("True").to_numpy(),
            coastal=coastal,
            routes=_china_routes(codes, lat, lon, coastal, tc),
            lat=lat,
            lon=lon,
            kind="china",
        )

    @classmethod
    def abstract(cls, expenditure, freeness, names=None) -> Geography:
        """A teaching geography: ``expenditure`` demand shares, ``freeness[i][j]`` = phi_ij.

        Regions are identical but for their demand; there are no external markets.
        """
        e = _numbers(expenditure)
        n = 0 if e is None else e.size
        if e is None or e.ndim != 1 or n < 2:
            raise ValueError(f"expenditure must list at least 2 regional demand shares, got {expenditure!r}")
        if np.any(e <= 0) or not np.isfinite(e).all():
            raise ValueError(f"expenditure shares must be positive numbers, got {expenditure!r}")
        share = _shares(e)
        phi = _numbers(freeness)
        if phi is None or phi.shape != (n, n):
            shape = "a ragged list" if phi is None else f"shape {phi.shape}"
            raise ValueError(f"freeness must be a {n}x{n} matrix for {n} regions, got {shape}")
        bad = ~(np.isfinite(phi) & (phi > 0) & (phi <= 1))
        if bad.any():
            i, j = np.argwhere(bad)[0]
            raise ValueError(f"freeness[{i}][{j}] is {phi[i, j]}; trade freeness must lie in (0, 1], 1 = free trade")
        names = tuple(names) if names is not None else tuple(f"Region {i + 1}" for i in range(n))
        if len(names) != n or len(set(names)) != n:
            raise ValueError(f"names must be {n} distinct region names, got {names!r}")
        population = share * 1e8
        return cls(
            names=names,
            codes=tuple(str(i + 1) for i in range(n)),
            macro_region=np.array(["abstract"] * n),
            population=population,
            gdp=share * 1000.0,
            wage=np.full(n, 100_000.0),
            secondary_share=np.full(n, national_secondary_share()),
            area_km2=np.full(n, 100_000.0),
            freeness=phi,
            distance_km=np.zeros((n, n)),
            kind="abstract",
        )


@cache
def national_secondary_share() -> float:
    """The provinces' GDP-weighted secondary share in the data year: an abstract geography's."""
    prov = pd.read_csv(_DATA / "provinces.csv")
    return float(np.average(prov["secondary_share_2023"], weights=prov["gdp_2023_bn_cny"]) / 100.0)


def _numbers(values) -> np.ndarray | None:
    """``values`` as a float array, or None when they are not a rectangular block of numbers."""
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return None


def _shares(expenditure: np.ndarray) -> np.ndarray:
    """Demand shares that sum to 1, each a normal number that logs and divisions can take."""
    with np.errstate(over="ignore"):
        total = expenditure.sum()
    if not np.isfinite(total):
        raise ValueError(f"expenditure must sum to a finite number, got a sum of {total}")
    share = expenditure / total
    smallest = int(np.argmin(share))
    if share[smallest] < MIN_SHARE:
        raise ValueError(f"expenditure share of region {smallest + 1} is {share[smallest]:.3g} of the total; "
                         f"each region needs at least {MIN_SHARE:g}")
    return share


@cache
def _china(trade_costs: TradeCostParams, year: int) -> Geography:
    geography = Geography._build_china(trade_costs, year)
    arrays = [v for v in vars(geography).values() if isinstance(v, np.ndarray)]
    arrays += list(geography.strategies.values()) + [v for v in vars(geography.routes).values()
                                                       if isinstance(v, np.ndarray)]
    for array in arrays:
        array.flags.writeable = False
    return geography


def _with_history(prov: pd.DataFrame, year: int) -> pd.DataFrame:
    """provinces.csv with GDP, population and wages of an earlier year."""
    panel = pd.read_csv(_DATA / "history_panel.csv", dtype={"code": str})
    rows = panel[panel["year"] == year].set_index("code")
    if rows["gdp_bn_cny"].isna().any() or len(rows) != len(prov):
        years = panel.dropna(subset=["gdp_bn_cny"])["year"]
        raise ValueError(f"year must be between {years.min()} and {DATA_YEAR} for provincial GDP data, got {year}")
    out = prov.copy()
    out["gdp_2023_bn_cny"] = out["code"].map(rows["gdp_bn_cny"])
    out["population_2023_10k"] = out["code"].map(rows["population_10k"])
    per_head_then = out["gdp_2023_bn_cny"].sum() / out["population_2023_10k"].sum()
    per_head_now = prov["gdp_2023_bn_cny"].sum() / prov["population_2023_10k"].sum()
    out["avg_wage_2023_cny"] = prov["avg_wage_2023_cny"] * per_head_then / per_head_now
    secondary = out["code"].map(rows["secondary_share_pct"])  # Tibet is missing before 2020
    known = secondary.notna()
    national = (secondary * out["gdp_2023_bn_cny"])[known].sum() / out["gdp_2023_bn_cny"][known].sum()
    out["secondary_share_2023"] = secondary.fillna(national)
    return out


# Provinces whose seaports carry trade with the world (the eastern seaboard and Liaoning).
COASTAL_PORT_PROVINCES = ("12", "13", "21", "31", "32", "33", "35", "37", "44", "46")

# Iceberg mark-up of the leg abroad, by market and way out.
_FOREIGN_COST = {
    ("world", "port"): 0.30,
    ("europe", "port"): 0.60,
    ("asean", "port"): 0.35,
    ("russia", "port"): 0.65,
    ("world", "corridor"): 0.35,
    ("europe", "corridor"): 0.40,
    ("russia", "corridor"): 0.25,
    ("asean", "corridor"): 0.25,
    ("russia", "border"): 0.30,
}


def _markets_of(text: str) -> list[str]:
    out = []
    if "Europe" in text or "Central Asia" in text:
        out.append("europe")
    if "Russia" in text or "Mongolia" in text:
        out.append("russia")
    if "ASEAN" in text:
        out.append("asean")
    if "global" in text:
        out.append("world")
    return out


def _china_routes(codes, lat, lon, coastal, tc: TradeCostParams) -> Routes:
    corridors = pd.read_csv(_DATA / "corridors.csv", dtype={"from_province": str, "to_province": str})
    code_index = {c: i for i, c in enumerate(codes)}
    rows = []  # (market, kind, corridor, gateway, gateway_lat, gateway_lon, leg_km)
    for p in np.flatnonzero(coastal):
        for market in EXTERNAL_MARKETS:
            rows.append((market, "port", "", p, lat[p], lon[p], 0.0))
    edges = corridors[corridors["kind"].isin(["rail_intl", "rail_sea"])]
    for e in edges.itertuples():
        hub = code_index[e.from_province]
        leg = float(great_circle_km(e.from_lat, e.from_lon, e.to_lat, e.to_lon)) * ROAD_CIRCUITY
        for market in _markets_of(e.destination_market):
            rows.append((market, "corridor", e.corridor, hub, e.from_lat, e.from_lon, leg))
    exits = corridors[(corridors["kind"] == "border_exit_rail") & corridors["destination_market"].str.contains("Russia")]
    for e in exits.itertuples():
        rows.append(("russia", "border", "", code_index[e.from_province], e.from_lat, e.from_lon, 0.0))
    market = np.array([EXTERNAL_MARKETS.index(r[0]) for r in rows])
    g_lat = np.array([r[4] for r in rows])
    g_lon = np.array([r[5] for r in rows])
    domestic = great_circle_km(lat[:, None], lon[:, None], g_lat[None, :], g_lon[None, :]) * ROAD_CIRCUITY
    return Routes(
        market=market,
        kind=np.array([r[1] for r in rows]),
        corridor=np.array([r[2] for r in rows]),
        gateway=np.array([r[3] for r in rows]),
        domestic_km=domestic,
        leg_km=np.array([r[6] for r in rows]),
        foreign_cost=np.array([_FOREIGN_COST[(r[0], r[1])] for r in rows]),
    )
