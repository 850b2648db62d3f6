"""The numbers experiments compare: yearly indicators and one scalar outcome per run.

Yearly indicators are the national summary columns plus each macro-region's share of value
added (``va_share_east`` ..., in %). A run's scalar outcomes are the indicators in its final
year and, for yearly flows, ``<flow>_total`` summed over the simulated years.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from ..geography import MACRO_REGIONS
from ..results import SUMMARY_COLUMNS

FLOWS = ("relocations", "cross_province_relocations", "entries", "exits", "fiscal_cost", "upgrades")
INDICATORS = (*SUMMARY_COLUMNS, *(f"va_share_{m}" for m in MACRO_REGIONS))
OUTCOMES = (*INDICATORS, *(f"{f}_total" for f in FLOWS))
DEFAULT_OUTCOMES = ("theil_total", "cv_gdp_per_capita", "va_share_west", "va_share_central", "real_gdp",
                    "relocations_total", "fiscal_cost_total")


def check_outcomes(names) -> None:
    unknown = [n for n in names if n not in OUTCOMES]
    if unknown:
        raise ValueError(f"unknown outcome {unknown[0]!r}; allowed outcomes: {', '.join(OUTCOMES)}")


def yearly(summary: pd.DataFrame, regions: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per run and year: the summary columns and macro-regional value-added shares."""
    by_macro = regions.groupby([*keys, "year", "macro_region"], observed=True)["value_added"].sum()
    shares = (100 * by_macro / by_macro.groupby(level=[*keys, "year"]).transform("sum")).unstack("macro_region")
    shares = shares.reindex(columns=list(MACRO_REGIONS)).add_prefix("va_share_").reset_index()
    shares.columns.name = None
    return summary.merge(shares, on=[*keys, "year"], how="left", validate="one_to_one")


def scalars(indicators: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per run: every outcome in :data:`OUTCOMES`."""
    ordered = indicators.sort_values([*keys, "year"])
    grouped = ordered.groupby(keys, sort=False)
    final = grouped[list(INDICATORS)].last()
    simulated = ordered[ordered["year"] > ordered.groupby(keys)["year"].transform("min")]
    totals = simulated.groupby(keys, sort=False)[list(FLOWS)].sum().add_suffix("_total")
    return final.join(totals).fillna({f"{f}_total": 0.0 for f in FLOWS}).reset_index()


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
    base = outcome.removesuffix("_total")
    return base if base in FLOWS else outcome
