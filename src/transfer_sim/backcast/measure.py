"""From a simulated run to the macro-region shares the targets measure.

The model's own accounts (:mod:`transfer_sim.accounts`): a province's GDP is its industry (the
firms), construction, services and agriculture; its secondary value added is industry plus
construction; its exports are the firms' revenue from markets abroad. In the start year every
province's GDP and secondary share are the data's. Shares are taken over the provinces the
targets cover (no Tibet for secondary value added and exports).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..geography import MACRO_REGIONS, Geography
from ..sectors import sector_table
from .history import StartYear


def shares(regions: pd.DataFrame, start: StartYear) -> pd.DataFrame:
    """year, metric, region, simulated_pct from one run's ``results.regions``."""
    geography = Geography.china()
    wide = regions.pivot(index="year", columns="region_code", values=["gdp", "industry_va", "construction_va", "exports"])
    gdp, industry, construction, exports = (wide[column][list(geography.codes)].to_numpy()
                                            for column in ("gdp", "industry_va", "construction_va", "exports"))
    measured = {
        "gdp": (gdp, np.ones(geography.n, bool)),
        "secondary_va": (industry + construction, np.isfinite(start.secondary)),
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


_SECTORS = sector_table()
#: the groups of industry whose move inland is compared: labour-intensive light industry, and the
#: sectors with an innovation intensity of 0.3 and more (equipment, electronics, new energy, frontier technology)
GROUPS = {"labour_intensive": ["labour_intensive"],
          "technology_intensive": [k for k, i in zip(_SECTORS.names, _SECTORS.innovation_intensity) if i >= 0.3]}


def macro_sector_shares(sectors: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """year, sector, region (macro-region), share_pct: each macro-region's share of each sector's national output."""
    macro = regions.drop_duplicates("region").set_index("region")["macro_region"]
    output = (sectors.assign(macro=sectors["region"].map(macro))
              .groupby(["year", "sector", "macro"], sort=False)["output"].sum())
    share = 100 * output / output.groupby(level=["year", "sector"], sort=False).transform("sum")
    return (share.rename("share_pct").reset_index().rename(columns={"macro": "region"})
            [["year", "sector", "region", "share_pct"]])


def east_sector_shares(sectors: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """year, sector, east_pct: the east's share of each sector's output (where industry moves first)."""
    shares = macro_sector_shares(sectors, regions)
    return shares[shares["region"] == "east"].rename(columns={"share_pct": "east_pct"})[["year", "sector", "east_pct"]]


def east_group_shares(sectors: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """year, group, east_pct: the east's share of the output of each group of :data:`GROUPS`."""
    macro = regions.drop_duplicates("region").set_index("region")["macro_region"]
    frames = []
    for group, members in GROUPS.items():
        output = sectors[sectors["sector"].isin(members)]
        total = output.groupby("year", sort=False)["output"].sum()
        east = output[output["region"].map(macro) == "east"].groupby("year", sort=False)["output"].sum()
        frames.append((100 * east / total).rename("east_pct").reset_index().assign(group=group))
    return pd.concat(frames, ignore_index=True)[["year", "group", "east_pct"]]


def relocation(summary: pd.DataFrame) -> pd.DataFrame:
    """year, relocation_pct: firms that moved across provinces in the year, % of the year's firms."""
    return pd.DataFrame({"year": summary["year"],
                         "relocation_pct": 100 * summary["cross_province_relocations"] / summary["firms"]})
