"""The numbers experiments compare: yearly indicators and one scalar outcome per run.

Yearly indicators are the national summary columns, each macro-region's share of value
added (``va_share_east`` ..., in %) and the east-west gap in GDP per head
(``gap_east_west``, see :func:`east_west_gap`). A run's scalar outcomes are the indicators in
its final year, ``<flow>_total`` summed over the simulated years for yearly flows, and
``fiscal_cost_pct_gdp_cumulative`` (see :func:`scalars`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from ..geography import MACRO_REGIONS
from ..results import SUMMARY_COLUMNS

FLOWS = ("relocations", "cross_province_relocations", "entries", "exits", "fiscal_cost", "upgrades")
INDICATORS = (*SUMMARY_COLUMNS, *(f"va_share_{m}" for m in MACRO_REGIONS), "gap_east_west")
CUMULATIVE_COST = "fiscal_cost_pct_gdp_cumulative"
OUTCOMES = (*INDICATORS, *(f"{f}_total" for f in FLOWS), CUMULATIVE_COST)
DEFAULT_OUTCOMES = ("theil_total", "cv_gdp_per_capita", "va_share_west", "va_share_central", "real_gdp",
                    "relocations_total", "fiscal_cost_total")


def check_outcomes(names) -> None:
    unknown = [n for n in names if n not in OUTCOMES]
    if unknown:
        raise ValueError(f"unknown outcome {unknown[0]!r}; allowed outcomes: {', '.join(OUTCOMES)}")


def yearly(summary: pd.DataFrame, regions: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per run and year: the summary columns, macro-regional value-added shares and the
    east-west gap in GDP per head."""
    by_macro = regions.groupby([*keys, "year", "macro_region"], observed=True)[["value_added", "gdp", "population"]] \
        .sum()
    value_added = by_macro["value_added"]
    shares = (100 * value_added / value_added.groupby(level=[*keys, "year"]).transform("sum")).unstack("macro_region")
    shares = shares.reindex(columns=list(MACRO_REGIONS)).add_prefix("va_share_")
    gap = east_west_gap(by_macro["gdp"].unstack("macro_region"), by_macro["population"].unstack("macro_region"))
    indicators = shares.assign(gap_east_west=gap).reset_index()
    indicators.columns.name = None
    return summary.merge(indicators, on=[*keys, "year"], how="left", validate="one_to_one")


def east_west_gap(gdp: pd.DataFrame, population: pd.DataFrame) -> pd.Series:
    """The east's GDP per head over the west's (one column per macro-region in each frame):

        gap = (GDP_east / N_east) / (GDP_west / N_west)

    with GDP and people N summed over each macro-region's provinces; 1 means no gap.
    """
    return (gdp["east"] / population["east"]) / (gdp["west"] / population["west"])


def scalars(indicators: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per run: every outcome in :data:`OUTCOMES`.

    The cumulative fiscal cost is the levers' net cost over the simulated years t as a share
    of GDP over the same years: ``100 * sum_t fiscal_cost_t / sum_t gdp_t`` (%).
    """
    ordered = indicators.sort_values([*keys, "year"])
    grouped = ordered.groupby(keys, sort=False)
    final = grouped[list(INDICATORS)].last()
    simulated = ordered[ordered["year"] > ordered.groupby(keys)["year"].transform("min")]
    sums = simulated.groupby(keys, sort=False)[[*FLOWS, "gdp"]].sum()
    totals = sums[list(FLOWS)].add_suffix("_total")
    totals[CUMULATIVE_COST] = (100 * sums["fiscal_cost"] / sums["gdp"]).where(sums["gdp"] > 0, 0.0)
    return final.join(totals).fillna({c: 0.0 for c in totals.columns}).reset_index()


def mean_ci(frame: pd.DataFrame, by: list[str], columns: list[str], level: float = 0.95) -> pd.DataFrame:
    """Mean and Student-t confidence interval over replicates: by..., metric, n, mean, low, high."""
    long = frame.melt(id_vars=by, value_vars=columns, var_name="metric")
    stats = long.groupby([*by, "metric"], sort=False)["value"].agg(["count", "mean", "std"]).reset_index()
    half = stdtrit((stats["count"] - 1).clip(lower=1), (1 + level) / 2) * stats["std"] / np.sqrt(stats["count"])
    half = half.where(stats["count"] > 1)
    return stats.assign(low=stats["mean"] - half, high=stats["mean"] + half).rename(columns={"count": "n"}) \
        .drop(columns="std")


def differences(runs: pd.DataFrame, reference: str, columns: list[str]) -> pd.DataFrame:
    """Each scenario's outcomes minus the reference scenario's, paired by seed (common random
    numbers) where every run has a partner, else as a difference of means."""
    base = runs[runs["scenario"] == reference].set_index("seed")[columns]
    parts = []
    for scenario, group in runs[runs["scenario"] != reference].groupby("scenario", sort=False):
        if group["seed"].isin(base.index).all() and group["seed"].is_unique and base.index.is_unique:
            paired = group.set_index("seed")[columns] - base.loc[group["seed"]]
            parts.append(mean_ci(paired.assign(scenario=scenario).reset_index(drop=True), ["scenario"], columns))
        else:
            mine = mean_ci(group, ["scenario"], columns)
            theirs = mean_ci(base.reset_index().assign(scenario=scenario), ["scenario"], columns)
            half = np.hypot(mine["high"] - mine["mean"], theirs["high"] - theirs["mean"])
            delta = mine["mean"] - theirs["mean"]
            parts.append(mine.assign(mean=delta, low=delta - half, high=delta + half))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["scenario", "metric", "n", "mean", "low", "high"])


def indicator_of(outcome: str) -> str:
    """The yearly indicator behind an outcome (``relocations_total`` -> ``relocations``)."""
    if outcome == CUMULATIVE_COST:
        return "fiscal_cost_pct_gdp"
    base = outcome.removesuffix("_total")
    return base if base in FLOWS else outcome
