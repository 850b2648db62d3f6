"""Plotly figures of experiments: tidy frames in, ``Figure`` out.

The province map draws the shipped outlines as filled shapes on plain axes, so a report
shows it offline and from a local file (a geo or tile map would fetch its base map from a CDN).
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib.resources import files

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative, sample_colorscale
from plotly.subplots import make_subplots

from ..geography import Geography

DIVERGING = "RdBu"
MEAN_LATITUDE = 35.0  # degrees: the map's aspect ratio at China's middle


def bands(stats: pd.DataFrame, metrics: list[str], scenarios: list[str]) -> go.Figure:
    """Scenario means over the years with their confidence band over replicates.

    ``stats``: scenario, year, metric, n, mean, low, high (see :func:`.outcomes.mean_ci`).
    """
    cols = 2 if len(metrics) > 1 else 1
    rows = math.ceil(len(metrics) / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=metrics, vertical_spacing=0.12 / max(rows - 1, 1))
    palette = qualitative.Plotly
    for k, metric in enumerate(metrics):
        row, col = divmod(k, cols)
        for i, scenario in enumerate(scenarios):
            line = stats[(stats["metric"] == metric) & (stats["scenario"] == scenario)].sort_values("year")
            colour = palette[i % len(palette)]
            where = {"row": row + 1, "col": col + 1}
            if line["low"].notna().any():
                fig.add_trace(go.Scatter(x=line["year"], y=line["high"], mode="lines", line={"width": 0},
                                         legendgroup=scenario, showlegend=False, hoverinfo="skip"), **where)
                fig.add_trace(go.Scatter(x=line["year"], y=line["low"], mode="lines", line={"width": 0},
                                         fill="tonexty", fillcolor=_transparent(colour), legendgroup=scenario,
                                         showlegend=False, hoverinfo="skip"), **where)
            fig.add_trace(go.Scatter(x=line["year"], y=line["mean"], mode="lines", name=scenario,
                                     line={"color": colour}, legendgroup=scenario, showlegend=k == 0), **where)
    fig.update_layout(height=320 * rows, margin={"t": 40, "b": 30}, legend={"title": "scenario"})
    return fig


def difference_map(differences: pd.DataFrame, unit: str) -> go.Figure:
    """Provinces coloured by a difference, one scenario at a time (a menu picks the scenario).

    ``differences``: index = province names, one column per scenario.
    """
    shapes = province_shapes()
    regions = [r for r in differences.index if r in shapes]
    limit = float(differences.loc[regions].abs().max().max()) or 1.0

    def paint(scenario: str) -> dict:
        values = differences.loc[regions, scenario]
        colours = sample_colorscale(DIVERGING, [(v + limit) / (2 * limit) for v in values])
        return {"fillcolor": colours, "text": [f"{r}: {v:+.3f} {unit}" for r, v in zip(regions, values)]}

    first = paint(differences.columns[0])
    fig = go.Figure()
    for i, region in enumerate(regions):
        lon, lat = shapes[region]
        fig.add_trace(go.Scatter(x=lon, y=lat, mode="lines", fill="toself", hoveron="fills", hoverinfo="text",
                                 fillcolor=first["fillcolor"][i], text=first["text"][i],
                                 line={"color": "white", "width": 0.6}, showlegend=False))
    fig.add_trace(go.Scatter(
        x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
        marker={"color": [-limit, limit], "colorscale": DIVERGING, "cmin": -limit, "cmax": limit,
                "showscale": True, "colorbar": {"title": unit}},
    ))
    buttons = [{"label": s, "method": "restyle", "args": [paint(s), list(range(len(regions)))]}
               for s in differences.columns]
    fig.update_layout(
        updatemenus=[{"buttons": buttons, "x": 0, "y": 1.12, "xanchor": "left", "showactive": True}],
        xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x",
                                         "scaleratio": 1 / math.cos(math.radians(MEAN_LATITUDE))},
        height=560, margin={"t": 70, "l": 10, "r": 10, "b": 10}, plot_bgcolor="white",
    )
    return fig


def ranking(indices: pd.DataFrame) -> go.Figure:
    """Levers ranked by their sensitivity index, one panel per outcome, strongest on top."""
    method = indices["method"].iloc[0]
    index, conf = ("mu_star", "mu_star_conf") if method == "morris" else ("ST", "ST_conf")
    outcomes = list(dict.fromkeys(indices["outcome"]))
    fig = make_subplots(rows=len(outcomes), cols=1, subplot_titles=outcomes, vertical_spacing=0.25 / len(outcomes))
    for k, outcome in enumerate(outcomes):
        part = indices[indices["outcome"] == outcome].sort_values(index)
        fig.add_trace(go.Bar(x=part[index], y=part["lever"], orientation="h", showlegend=False,
                             error_x={"type": "data", "array": part[conf]}), row=k + 1, col=1)
    fig.update_layout(height=max(300, 60 + len(outcomes) * (80 + 28 * indices["lever"].nunique())),
                      title=f"{method}: levers ranked by {index}", margin={"l": 10})
    return fig


@cache
def province_shapes() -> dict[str, tuple[list, list]]:
    """Outer rings of each mainland province as (lon, lat) lists, parts separated by None."""
    text = (files("transfer_sim") / "data" / "china_provinces.geojson").read_text(encoding="utf-8")
    names = set(Geography.china().names)
    shapes = {}
    for feature in json.loads(text)["features"]:
        name = feature["properties"]["name_en"]
        if name not in names:
            continue
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        lon, lat = [], []
        for polygon in polygons:
            ring = polygon[0]
            lon += [p[0] for p in ring] + [None]
            lat += [p[1] for p in ring] + [None]
        shapes[name] = (lon, lat)
    return shapes


def _transparent(colour: str, alpha: float = 0.2) -> str:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def pareto_front(evaluations: pd.DataFrame, on_front: pd.Series, objectives: list[tuple[str, str]]) -> go.Figure:
    """Every evaluation in the plane of each pair of objectives, the Pareto set highlighted
    with its seed intervals; infeasible candidates as crosses.

    ``objectives``: (outcome, "minimize" or "maximize") in the order of the search file.
    """
    names = [name for name, _ in objectives]
    pairs = list(zip(names, names[1:])) + ([(names[0], names[-1])] if len(names) > 2 else [])
    pairs = pairs or [(names[0], names[0])]
    fig = make_subplots(rows=1, cols=len(pairs), horizontal_spacing=0.08)
    front = evaluations[on_front]
    feasible = evaluations[evaluations["feasible"] & ~on_front]
    infeasible = evaluations[~evaluations["feasible"]]
    for k, (x, y) in enumerate(pairs):
        where = {"row": 1, "col": k + 1}
        for part, label, marker in ((infeasible, "infeasible", {"symbol": "x", "color": "#bbbbbb"}),
                                    (feasible, "dominated", {"color": "#9ecae1"}),
                                    (front, "Pareto set", {"color": "#d62728", "size": 10})):
            error = {} if part is not front else {
                f"error_{axis}": {"type": "data", "symmetric": False, "array": part[f"{name}_high"] - part[name],
                                  "arrayminus": part[name] - part[f"{name}_low"], "thickness": 0.8, "width": 0,
                                  "color": "rgba(214, 39, 40, 0.4)"} for axis, name in (("x", x), ("y", y))}
            fig.add_trace(go.Scatter(x=part[x], y=part[y], mode="markers", name=label, marker=marker,
                                     text=part["mix"], legendgroup=label, showlegend=k == 0, **error), **where)
        senses = dict(objectives)
        fig.update_xaxes(title_text=f"{x} ({senses[x]})", **where)
        fig.update_yaxes(title_text=f"{y} ({senses[y]})", **where)
    fig.update_layout(height=460, margin={"t": 30}, legend={"orientation": "h", "y": -0.2})
    return fig


def parallel_levers(front: pd.DataFrame, levers: dict[str, list], objectives: list[str]) -> go.Figure:
    """The Pareto mixes as lines across one axis per lever and per objective, coloured by the
    first objective. ``levers``: each lever's searched values, [low, high] of a range or its
    choices, which span its axis; a lever whose choices are not numbers gets an axis of them."""
    dimensions = []
    for name, searched in levers.items():
        values = front[name]
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in searched):
            dimensions.append({"label": name, "values": values, "range": [min(searched), max(searched)]})
        else:
            labels = [json.dumps(v) if not isinstance(v, str) else v for v in searched]
            codes = values.astype(str).str.lower().map({label: i for i, label in enumerate(labels)})
            dimensions.append({"label": name, "values": codes, "tickvals": list(range(len(labels))),
                               "ticktext": labels, "range": [0, len(labels) - 1]})
    dimensions += [{"label": name, "values": front[name]} for name in objectives]
    colour = front[objectives[0]]
    fig = go.Figure(go.Parcoords(dimensions=dimensions, line={"color": colour, "colorscale": "Viridis",
                                                             "showscale": True,
                                                             "colorbar": {"title": objectives[0]}}))
    fig.update_layout(height=460, margin={"l": 80, "r": 80, "t": 60})
    return fig


def coverage_density(trajectory: pd.DataFrame) -> go.Figure:
    """PRIM's peeling trajectories: density against coverage, one line per box, the chosen
    box ringed; the colour counts the inputs a box restricts."""
    fig = go.Figure()
    for box, steps in trajectory.groupby("box", sort=True):
        fig.add_trace(go.Scatter(x=steps["coverage"], y=steps["density"], mode="lines+markers", name=f"box {box}",
                                 marker={"color": steps["restricted"], "colorscale": "Viridis", "showscale": box == 0,
                                         "colorbar": {"title": "inputs<br>restricted", "x": 1.02}},
                                 text=[f"step {s}, mass {m:.2f}" for s, m in zip(steps["step"], steps["mass"])]))
        chosen = steps[steps["chosen"]]
        fig.add_trace(go.Scatter(x=chosen["coverage"], y=chosen["density"], mode="markers", showlegend=False,
                                 marker={"size": 16, "color": "rgba(0,0,0,0)", "line": {"width": 2, "color": "black"}},
                                 hoverinfo="skip"))
    fig.update_layout(height=460, xaxis={"title": "coverage", "range": [0, 1.05]},
                      yaxis={"title": "density", "range": [0, 1.05]}, margin={"t": 30},
                      legend={"orientation": "h", "y": -0.2})
    return fig


def failure_boxes(points: pd.DataFrame, boxes: pd.DataFrame, x: str, y: str) -> go.Figure:
    """The sample points in the plane of two inputs, failures in red, with the boxes' limits there."""
    fig = go.Figure()
    for failed, label, colour in ((False, "works", "#9ecae1"), (True, "fails", "#d62728")):
        part = points[points["failed"] == failed]
        fig.add_trace(go.Scatter(x=part[x], y=part[y], mode="markers", name=label, marker={"color": colour},
                                 text=part["point"]))
    for box, limits in boxes.groupby("box", sort=True):
        by = limits.set_index("parameter")
        fig.add_shape(type="rect", x0=by.at[x, "low"], x1=by.at[x, "high"], y0=by.at[y, "low"], y1=by.at[y, "high"],
                      line={"color": "black", "width": 2}, label={"text": f"box {box}", "textposition": "top left"})
    fig.update_layout(height=460, xaxis={"title": x}, yaxis={"title": y}, margin={"t": 30})
    return fig
