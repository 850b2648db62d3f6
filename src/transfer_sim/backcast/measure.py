"""From a simulated run to the macro-region shares the targets measure.

The model's firms are industry. A province's simulated secondary value added is its start-year
secondary value added grown with its firms' value added; its simulated GDP adds the rest of
its start-year GDP (primary industry and services, which serve local demand) grown with the
province's domestic spending in the model. Exports are the firms' revenue from markets abroad.
Shares are taken over the provinces the targets cover (no Tibet for secondary value added and
exports).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..geography import MACRO_REGIONS, Geography
from .history import StartYear


def shares(regions: pd.DataFrame, start: StartYear) -> pd.DataFrame:
    """year, metric, region, simulated_pct from one run's ``results.regions``."""
    geography = Geography.china()
    wide = regions.pivot(index="year", columns="region_code", values=["value_added", "spending", "exports"])
    value_added, spending, exports = (wide[column][list(geography.codes)].to_numpy()
                                      for column in ("value_added", "spending", "exports"))
    known = np.isfinite(start.secondary)
    secondary0 = np.where(known, start.secondary, start.gdp * start.secondary[known].sum() / start.gdp[known].sum())
    secondary = secondary0 * value_added / value_added[0]
    gdp = secondary + (start.gdp - secondary0) * spending / spending[0]
    measured = {
        "gdp": (gdp, np.ones(geography.n, bool)),
        "secondary_va": (secondary, known),
        "exports": (exports, np.isfinite(start.exports)),
    }
    frames = []
    for metric, (values, covered) in measured.items():
        by_macro = np.stack([values[:, covered & (geography.macro_region == m)].sum(axis=1) for m in MACRO_REGIONS], axis=1)
        pct = 100 * by_macro / by_macro.sum(axis=1, keepdims=True)
        table = pd.DataFrame(pct, index=wide.index, columns=list(MACRO_REGIONS))
        table["central_plus_west"] = table["central"] + table["west"]
        frames.append(table.reset_index().melt(id_vars="year", var_name="region", value_name="simulated_pct")
                      .assign(metric=metric))
    return pd.concat(frames, ignore_index=True)[["year", "metric", "region", "simulated_pct"]]


def east_sector_shares(sectors: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """year, sector, east_pct: the east's share of each sector's output (where industry moves first)."""
    macro = regions.drop_duplicates("region").set_index("region")["macro_region"]
    output = sectors.assign(east=sectors["region"].map(macro) == "east")
    total = output.groupby(["year", "sector"], sort=False)["output"].sum()
    east = output[output["east"]].groupby(["year", "sector"], sort=False)["output"].sum()
    return (100 * east / total).rename("east_pct").reset_index()
