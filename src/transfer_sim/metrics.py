"""Regional indicators: inequality, concentration and resilience (pure functions)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def theil_decomposition(output: np.ndarray, population: np.ndarray, groups: np.ndarray) -> tuple[float, float, float]:
    """Population-weighted Theil index of output per head, split (total, within, between).

    T = sum_r y_r ln(y_r / p_r) with y, p the regions' shares of output and people;
    between = the same over groups; within = sum_g Y_g T_g; total = within + between.
    Without any output there is no inequality to measure: (0, 0, 0).
    """
    if not output.sum() > 0:
        return 0.0, 0.0, 0.0
    y = output / output.sum()
    p = population / population.sum()
    keep = y > 0
    total = float(np.sum(y[keep] * np.log(y[keep] / p[keep])))
    between = 0.0
    for g in np.unique(groups):
        in_g = groups == g
        yg, pg = y[in_g].sum(), p[in_g].sum()
        if yg > 0:
            between += yg * np.log(yg / pg)
    return total, total - between, float(between)


def coefficient_of_variation(values: np.ndarray) -> float:
    """Standard deviation over mean, unweighted across regions."""
    mean = values.mean()
    return float(values.std() / mean) if mean > 0 else 0.0


def concentration(sectors: pd.DataFrame) -> pd.DataFrame:
    """Herfindahl index of each sector's output over regions, per year (1/n even … 1 all in one)."""
    out = sectors.assign(share=sectors["output"] / sectors.groupby(["year", "sector"])["output"].transform("sum"))
    out = out.assign(hhi=out["share"] ** 2).groupby(["year", "sector"], as_index=False)["hhi"].sum()
    return out


def resilience(shocked: pd.DataFrame, reference: pd.DataFrame, shock_year: int,
               metric: str = "output", tolerance: float = 0.01) -> dict:
    """Loss after a shock against a run without it (same seed), and the years to recover.

    ``impact`` is the shortfall 1 - shocked / reference in the shock year, before firms
    react; ``loss`` the largest shortfall from the shock year on; ``years_to_recover``
    counts years from the shock until the shortfall is back under ``tolerance`` after its
    worst point, None when that does not happen within the run.
    """
    gap = 1.0 - shocked.set_index("year")[metric] / reference.set_index("year")[metric]
    after = gap[gap.index >= shock_year]
    if after.empty:
        raise ValueError(f"the runs end before the shock year {shock_year}")
    worst_year = after.idxmax()
    healed = after[(after.index > worst_year) & (after < tolerance)]
    years = int(healed.index[0] - shock_year) if len(healed) else None
    return {"impact": float(after.iloc[0]), "loss": float(after.max()), "years_to_recover": years}


#: The provinces' terms for newcomers, as shares (of operating profit and of land rent).
LOCAL_TERMS = ("tax_rebate", "land_discount")


def local_terms(local_policy: pd.DataFrame, regions: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """by..., tax_rebate, land_discount: each term's GDP-weighted mean over the provinces in each
    group, x̄ = Σ_r GDP_r x_r / Σ_r GDP_r.

    ``local_policy`` and ``regions`` share their leading columns (for a batch, the run keys) up
    to ``year`` and ``region``; ``by`` names columns of the two joined (e.g. year, macro_region).
    """
    keys = [c for c in local_policy.columns if c not in ("instrument", "value")]
    terms = (local_policy[local_policy["instrument"].isin(LOCAL_TERMS)]
             .pivot_table(index=keys, columns="instrument", values="value", sort=False)
             .reindex(columns=list(LOCAL_TERMS)).reset_index().rename_axis(columns=None))
    joined = terms.merge(regions[list(dict.fromkeys([*keys, *by, "gdp"]))], on=keys)
    weighted = joined[list(LOCAL_TERMS)].mul(joined["gdp"], axis=0).assign(gdp=joined["gdp"])
    sums = weighted.groupby([joined[c] for c in by], sort=False).sum()
    return sums[list(LOCAL_TERMS)].div(sums["gdp"], axis=0).reset_index()
