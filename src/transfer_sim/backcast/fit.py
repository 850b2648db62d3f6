"""How well a back-cast fits: the fit table, its errors next to naive forecasts, and the
stylized facts of China's industrial transfer checked in the simulation.

Errors are root-mean-square gaps in percentage points over the four macro-regions and the
years of a split. The naive forecasts hold shares at their last observed value: the 2005
shares over the calibration years, the 2013 shares over the holdout years.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..geography import MACRO_REGIONS
from . import history
from .simulate import Simulation

FIT_COLUMNS = ["year", "metric", "region", "target_pct", "simulated_pct", "split"]
FACT_YEAR = history.CALIBRATION.stop - 1  # the calibration's last year: how far each group has moved by then
SECTOR_SHIFT_PP = 1.0  # a sector has started to move inland once the east's share is this far below the start


def table(simulation: Simulation) -> pd.DataFrame:
    """The fit file's rows: every year, metric and region with its target and simulated share."""
    fit = history.targets().merge(simulation.shares, on=["year", "metric", "region"], how="left",
                                  validate="one_to_one")
    fit["split"] = fit["year"].map(history.split_of)
    rank = {name: i for names in (history.METRICS, history.REGIONS) for i, name in enumerate(names)}
    fit = fit.sort_values(["year", "metric", "region"], key=lambda column: column.map(rank) if column.name != "year" else column)
    return fit[FIT_COLUMNS].astype({"year": "int64"}).reset_index(drop=True)


def trend_forecast(fit: pd.DataFrame) -> pd.Series:
    """The linear-trend forecast of every row of ``fit``: a least-squares line through each metric
    and region's target shares of the calibration years, extrapolated (NaN in the calibration
    years, which it is fitted to)."""
    calibration = fit[fit["split"] == "calibration"]
    lines = {key: np.polyfit(part["year"], part["target_pct"], 1)
             for key, part in calibration.groupby(["metric", "region"], sort=False)}
    forecast = [np.polyval(lines[(m, r)], y) if split == "holdout" else np.nan
                for m, r, y, split in zip(fit["metric"], fit["region"], fit["year"], fit["split"])]
    return pd.Series(forecast, index=fit.index, dtype=float)


def errors(fit: pd.DataFrame) -> pd.DataFrame:
    """metric, split, rmse_pp (model), naive_pp (shares held at the split's last observed year),
    trend_pp (the linear trend of the calibration years, holdout only), beats_both (holdout only:
    the model's RMSE is at most both naive forecasts', the back-cast's aim)."""
    macro = fit[fit["region"].isin(MACRO_REGIONS)].copy()
    held_from = {"calibration": history.CALIBRATION.start, "holdout": history.CALIBRATION.stop - 1}
    anchor = macro.set_index(["year", "metric", "region"])["target_pct"]
    macro["naive_pct"] = [anchor[(held_from[s], m, r)] for s, m, r in zip(macro["split"], macro["metric"], macro["region"])]
    macro["trend_pct"] = trend_forecast(macro)
    rows = []
    for (metric, split), part in macro.groupby(["metric", "split"], sort=False):
        model, naive = _rms(part["simulated_pct"] - part["target_pct"]), _rms(part["naive_pct"] - part["target_pct"])
        trend = _rms(part["trend_pct"] - part["target_pct"]) if split == "holdout" else np.nan
        rows.append({"metric": metric, "split": split, "rmse_pp": model, "naive_pp": naive,
                     "naive": f"{held_from[split]} shares held", "trend_pp": trend,
                     "beats_both": (model <= min(naive, trend)) if split == "holdout" else None})
    return pd.DataFrame(rows)


def stylized_facts(fit: pd.DataFrame, simulation: Simulation) -> pd.DataFrame:
    """fact, data, simulated, target, met: the transfer the history panel shows, in the simulation."""
    def share(column: str, metric: str, region: str, year: int) -> float:
        rows = fit[(fit["metric"] == metric) & (fit["region"] == region) & (fit["year"] == year)]
        return float(rows[column].iloc[0])

    def change(column, metric, region, first, last):
        return share(column, metric, region, last) - share(column, metric, region, first)

    def peak(column):
        east = fit[(fit["metric"] == "gdp") & (fit["region"] == "east")]
        return int(east.loc[east[column].idxmax(), "year"])

    sec_fall = [-change(c, "secondary_va", "east", 2005, 2013) for c in ("target_pct", "simulated_pct")]
    exp_rise = [change(c, "exports", "central_plus_west", 2005, 2019) for c in ("target_pct", "simulated_pct")]
    peaks = [peak("target_pct"), peak("simulated_pct")]
    groups = simulation.groups.rename(columns={"group": "sector"})
    when = inland_order(groups)
    fall = -groups.pivot(index="year", columns="sector", values="east_pct").pipe(lambda w: w.loc[FACT_YEAR] - w.iloc[0])
    labour, technology = "labour_intensive", "technology_intensive"
    earlier = bool(np.isfinite(when[labour]) and not when[technology] <= when[labour])
    faster = bool(fall[labour] > fall[technology])
    return pd.DataFrame([
        {"fact": "east's share of secondary value added falls 2005-2013 (pp)", "data": round(sec_fall[0], 2),
         "simulated": round(sec_fall[1], 2), "target": ">= 4", "met": sec_fall[1] >= 4},
        {"fact": "central and western share of exports rises 2005-2019 (pp)", "data": round(exp_rise[0], 2),
         "simulated": round(exp_rise[1], 2), "target": ">= 5", "met": exp_rise[1] >= 5},
        {"fact": "year the east's GDP share peaks", "data": peaks[0], "simulated": peaks[1],
         "target": "before 2010", "met": peaks[1] < 2010},
        {"fact": f"labour-intensive industry leaves the east earlier and faster than technology-intensive "
                 f"(year 1 pp below 2005; fall to {FACT_YEAR}, pp)",
         "data": "yes (Ruan & Zhang 2014)",
         "simulated": (f"labour {_year_text(when[labour])}, {fall[labour]:.1f} pp; "
                       f"technology {_year_text(when[technology])}, {fall[technology]:.1f} pp"),
         "target": "earlier and faster", "met": earlier and faster},
    ])


def _year_text(year: float) -> str:
    return "never" if not np.isfinite(year) else f"{year:.1f}"


def inland_order(sectors: pd.DataFrame) -> pd.Series:
    """Per sector, when its east share first lies SECTOR_SHIFT_PP below the start year, in years
    interpolated between the yearly values (NaN: never), so that ties within a year are broken."""
    wide = sectors.pivot(index="year", columns="sector", values="east_pct")
    fall = wide.iloc[0] - wide
    when = {}
    for sector, path in fall.items():
        past = np.flatnonzero(path.to_numpy() >= SECTOR_SHIFT_PP)
        if past.size:
            i = past[0]
            before, after = path.iloc[i - 1], path.iloc[i]
            when[sector] = path.index[i - 1] + (SECTOR_SHIFT_PP - before) / (after - before)
    return pd.Series(when, dtype=float).reindex(fall.columns)


def _rms(values: pd.Series) -> float:
    return float(np.sqrt(np.mean(np.square(values))))
