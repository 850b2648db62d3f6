"""What the back-cast is held against: the macro-region shares of the history panel, on one
consistent basis per metric, and the provincial figures of the start year.

Bases (``history_targets.csv``, PROVENANCE.md section 5): GDP on the NBS unified vintage
(``nbs_unified``, 31 provinces, one vintage for 2004-2023); secondary value added on the
unified GDP level (``unified_est``, 30 provinces: first-release secondary shares times unified
GDP to 2013, the unified vintage from 2014); exports by domestic source of goods
(``by_source_of_goods``, 30 provinces, one customs series). Tibet has no secondary value
added or exports in the panel, so those shares are over the other 30 provinces.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd

from ..geography import MACRO_REGIONS, Geography

BASES = {"gdp": "nbs_unified", "secondary_va": "unified_est", "exports": "by_source_of_goods"}
METRICS = tuple(BASES)
REGIONS = (*MACRO_REGIONS, "central_plus_west")
CALIBRATION = range(2005, 2014)
HOLDOUT = range(2014, 2020)
_DATA = files("transfer_sim") / "data"


def split_of(year: int) -> str:
    return "calibration" if year in CALIBRATION else "holdout"


@cache
def targets() -> pd.DataFrame:
    """year, metric, region, target_pct for 2005-2019 on the bases above."""
    table = pd.read_csv(_DATA / "history_targets.csv")
    chosen = pd.concat([table[(table["metric"] == metric) & (table["basis"] == basis)] for metric, basis in BASES.items()])
    chosen = chosen[chosen["year"].between(CALIBRATION.start, HOLDOUT.stop - 1) & chosen["region"].isin(REGIONS)]
    return (chosen.rename(columns={"share_pct": "target_pct"})[["year", "metric", "region", "target_pct"]]
            .sort_values(["metric", "region", "year"]).reset_index(drop=True))


@dataclass(frozen=True)
class StartYear:
    """Provincial figures of the start year, in the geography's order (NaN where the panel has none)."""

    gdp: np.ndarray  # bn CNY
    secondary: np.ndarray  # bn CNY, on the unified GDP level
    exports: np.ndarray  # bn USD, by source of goods


@cache
def start_year(year: int) -> StartYear:
    panel = pd.read_csv(_DATA / "history_panel.csv", dtype={"code": str})
    rows = panel[panel["year"] == year].set_index("code").reindex(list(Geography.china().codes))
    return StartYear(
        gdp=rows["gdp_bn_cny"].to_numpy(float),
        secondary=rows["secondary_va_bn_cny_unified_est"].to_numpy(float),
        exports=rows["exports_bn_usd"].to_numpy(float),
    )
