"""Plotly figures of a back-cast: target against simulated shares, sectors moving inland,
and the calibration's search."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from . import history

TARGET, SIMULATED, NAIVE = "#222222", qualitative.Plotly[0], "#999999"
METRIC_LABELS = {"gdp": "GDP", "secondary_va": "secondary value added", "exports": "exports"}
REGION_LABELS = {"east": "east", "central": "central", "west": "west", "northeast": "northeast",
                 "central_plus_west": "central + west"}


def fit_grid(fit: pd.DataFrame) -> go.Figure:
    """One panel per metric (rows) and macro-region (columns): the target share, the simulated
    share and, in the holdout years (shaded), the naive forecast of 2013 shares held."""
    metrics, regions = list(history.METRICS), list(history.REGIONS)
    titles = [f"{METRIC_LABELS[m]}: {REGION_LABELS[r]}" for m in metrics for r in regions]
    fig = make_subplots(rows=len(metrics), cols=len(regions), subplot_titles=titles,
                        horizontal_spacing=0.045, vertical_spacing=0.09)
    last_fitted = history.CALIBRATION.stop - 1
    for i, metric in enumerate(metrics):
        for j, region in enumerate(regions):
            part = fit[(fit["metric"] == metric) & (fit["region"] == region)].sort_values("year")
            held = part[part["year"] >= last_fitted]
            naive = np.full(len(held), part.loc[part["year"] == last_fitted, "target_pct"].iloc[0])
            where, first = {"row": i + 1, "col": j + 1}, i == 0 and j == 0
            fig.add_trace(go.Scatter(x=part["year"], y=part["target_pct"], name="target (history panel)",
                                     line={"color": TARGET}, legendgroup="t", showlegend=first), **where)
            fig.add_trace(go.Scatter(x=part["year"], y=part["simulated_pct"], name="simulated",
                                     line={"color": SIMULATED}, legendgroup="s", showlegend=first), **where)
            fig.add_trace(go.Scatter(x=held["year"], y=naive, name="naive: 2013 shares held",
                                     line={"color": NAIVE, "dash": "dot"}, legendgroup="n", showlegend=first),
                          **where)
            fig.add_vrect(x0=last_fitted + 0.5, x1=history.HOLDOUT.stop - 0.5, fillcolor="#f2f2f2",
                          line_width=0, layer="below", **where)
    fig.update_yaxes(ticksuffix=" %")
    fig.update_layout(height=780, margin={"t": 60, "b": 30, "l": 40, "r": 10},
                      legend={"orientation": "h", "y": 1.06, "x": 0}, font={"size": 11})
    fig.update_annotations(font_size=11)
    return fig


def sector_shift(sectors: pd.DataFrame) -> go.Figure:
    """Change in the east's share of each sector's output since the start year (pp)."""
    wide = sectors.pivot(index="year", columns="sector", values="east_pct")
    change = wide - wide.iloc[0]
    fig = go.Figure()
    for k, sector in enumerate(change.columns):
        lead = sector == "labour_intensive"
        fig.add_trace(go.Scatter(x=change.index, y=change[sector], name=sector,
                                 line={"width": 4 if lead else 1.5,
                                       "color": qualitative.Plotly[k % len(qualitative.Plotly)]}))
    fig.add_hline(y=0, line_color="#999999", line_width=1)
    fig.update_layout(height=380, yaxis_title="east's share of output, change since start (pp)",
                      margin={"t": 20, "b": 30}, legend={"title": "sector"})
    return fig


def search(evaluations: pd.DataFrame) -> go.Figure:
    """The calibration's evaluations: RMSE of each point and the best so far."""
    rmse = np.sqrt(evaluations["objective"])
    fig = go.Figure()
    for k, (stage, part) in enumerate(evaluations.groupby("stage", sort=False)):
        fig.add_trace(go.Scatter(x=part["evaluation"], y=np.sqrt(part["objective"]), mode="markers", name=stage,
                                 marker={"color": qualitative.Plotly[k + 1]}))
    fig.add_trace(go.Scatter(x=evaluations["evaluation"], y=rmse.cummin(), mode="lines", name="best so far",
                             line={"color": TARGET}))
    fig.update_layout(height=340, xaxis_title="evaluation", yaxis_title="calibration RMSE (pp)",
                      margin={"t": 20, "b": 40})
    return fig
