"""The economy's accounts: industry (the firm agents), construction, services and agriculture.

Firms stand for industry (mining, manufacturing and utilities). Construction, services and
agriculture are region-level sectors that firms do not carry:

    GDP_r = industry_r + construction_r + services_r + agriculture_r

In the start year a province's secondary sector (industry + construction) is its GDP times its
secondary share in the data; construction is the national construction share of its GDP;
agriculture is the national primary share of GDP apportioned by population; services are the
rest. Later, agriculture grows with nominal demand, and construction and services, which serve
local demand, follow the province's basic income (industry + agriculture) with an elasticity.
A timeline may also change services' and agriculture's weight against industry nationally (the
turn to services of a growing economy, which firms' demand does not make).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd

from .geography import Geography


@dataclass(frozen=True)
class NationalAccounts:
    """National shares of GDP in one year (``data/national_accounts.csv``)."""

    year: int
    primary: float
    construction: float
    exports: float
    industrial_profit: float  # an approximation: profits of industrial enterprises above designated size


@cache
def _table() -> pd.DataFrame:
    return pd.read_csv(files("transfer_sim") / "data" / "national_accounts.csv")


def national_accounts(year: int) -> NationalAccounts:
    """The shipped national accounts of ``year``, or of the nearest year listed."""
    table = _table()
    row = table.iloc[int(np.argmin(np.abs(table["year"].to_numpy() - year)))]
    return NationalAccounts(int(row["year"]), row["primary_pct_gdp"] / 100, row["construction_pct_gdp"] / 100,
                            row["exports_pct_gdp"] / 100, row["industrial_profit_pct_gdp"] / 100)


@dataclass(frozen=True)
class RegionAccounts:
    """Value added by sector of each region, bn CNY."""

    industry: np.ndarray
    construction: np.ndarray
    services: np.ndarray
    agriculture: np.ndarray

    @property
    def gdp(self) -> np.ndarray:
        return self.industry + self.construction + self.services + self.agriculture

    def with_industry(self, industry: np.ndarray) -> RegionAccounts:
        """The same GDP with another industry: services take up the difference (never below 0)."""
        services = np.maximum(self.services + self.industry - industry, 0.0)
        return RegionAccounts(industry, self.construction, services, self.agriculture)

    @classmethod
    def industry_only(cls, industry: np.ndarray) -> RegionAccounts:
        """An economy that is all industry (the textbook economy)."""
        zero = np.zeros_like(industry)
        return cls(industry.copy(), zero, zero, zero)


def start_accounts(geography: Geography, national: NationalAccounts) -> RegionAccounts:
    """The start year's split of every province's GDP (module docstring)."""
    gdp = geography.gdp
    secondary = gdp * geography.secondary_share
    construction = np.minimum(gdp * national.construction, 0.5 * secondary)
    people = geography.population / geography.population.sum()
    agriculture = np.minimum(national.primary * gdp.sum() * people, 0.5 * (gdp - secondary))
    return RegionAccounts(secondary - construction, construction, gdp - secondary - agriculture, agriculture)


def year_accounts(start: RegionAccounts, industry: np.ndarray, growth_index: float, local_elasticity: float,
                  services_weight: float = 1.0, agriculture_weight: float = 1.0) -> RegionAccounts:
    """This year's accounts given industry's value added (bn CNY).

    agriculture = agriculture_0 G W_a;  basic = industry + agriculture_0 G;
    local = G (basic / (basic_0 G))^local_elasticity;
    construction = construction_0 local;  services = services_0 local W_s,

    where W_s and W_a (1 = as in the start year) are services' and agriculture's weight against
    industry nationally. The basic income a province's local sectors follow is measured at
    agriculture's start-year weight, so the weights move each sector's size without moving
    where construction and services are.
    """
    grown_agriculture = start.agriculture * growth_index
    basic_0 = start.industry + start.agriculture
    ratio = np.divide(industry + grown_agriculture, basic_0 * growth_index, out=np.ones_like(basic_0), where=basic_0 > 0)
    local = growth_index * ratio**local_elasticity
    return RegionAccounts(industry, start.construction * local, start.services * local * services_weight,
                          grown_agriculture * agriculture_weight)
