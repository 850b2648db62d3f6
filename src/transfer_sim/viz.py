"""Plotly figure builders: a tidy results frame in, a ``plotly.graph_objects.Figure`` out.

They are pure functions of their arguments, so the dashboard, reports and tests share
them. The province map uses MapLibre with a blank style (``white-bg``) and the outlines
shipped with the package: it needs no base-map tiles and works offline.
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from .economics import home_market_share
from .geography import CHINA_EUROPE_EXPRESS, LAND_SEA_CORRIDOR
from .metrics import concentration
from .sectors import MACRO_REGIONS

_DATA = files("transfer_sim") / "data"
#: plotly_white's page layout without its per-trace-type defaults: the same look for these
#: charts at a third of the cost to build and a third of the size to send.
TEMPLATE = {"layout": pio.templates["plotly_white"].layout.to_plotly_json()}
MACRO_COLOURS = {"east": "#1f77b4", "central": "#ff7f0e", "west": "#2ca02c", "northeast": "#9467bd"}
CORRIDOR_COLOURS = {CHINA_EUROPE_EXPRESS: "#333333", LAND_SEA_CORRIDOR: "#1b7837"}
NOT_MODELLED_GREY = "#c8c8c8"
COUNTRY_ZOOM = 2.9  # the whole country in about 640 x 500 px

#: Map metrics: key -> (label, how the value is shown).
MAP_METRICS = {
    "firms": ("Firms", ",.0f"),
    "employment": ("Employment (workers)", ",.0f"),
    "output": ("Output (bn CNY)", ",.0f"),
    "gdp_per_capita": ("GDP per head (CNY)", ",.0f"),
    "wage": ("Wage (CNY / year)", ",.0f"),
    "land_use": ("Land use / zoning cap (%)", ".1f"),
    "net_relocations": ("Net relocations in the year (firms)", "+,.0f"),
    "sector_share": ("Sector's share of provincial output (%)", ".1f"),
}


@cache
def province_outlines() -> dict:
    """The shipped GeoJSON of the 31 provinces plus Taiwan, Hong Kong and Macau (not modelled)."""
    return json.loads((_DATA / "china_provinces.geojson").read_text(encoding="utf-8"))


#: Outline simplification for drawing, in degrees (about 4 km): under a pixel at the map's zoom,
#: and it makes the map about four times lighter to build, send and draw.
DISPLAY_TOLERANCE = 0.04


def simplify_ring(ring: list, tolerance: float) -> list:
    """Douglas–Peucker: drop the vertices of a closed ring that lie within ``tolerance`` of the
    line through their kept neighbours; rings that would degenerate are kept whole."""
    points = np.asarray(ring, dtype=float)
    keep = np.zeros(len(points), dtype=bool)
    keep[[0, -1]] = True
    spans = [(0, len(points) - 1)]
    while spans:
        a, b = spans.pop()
        if b <= a + 1:
            continue
        chord, rest = points[b] - points[a], points[a + 1:b] - points[a]
        length = math.hypot(*chord)
        if length > 0:
            distance = np.abs(chord[0] * rest[:, 1] - chord[1] * rest[:, 0]) / length
        else:  # a closed ring's first and last points coincide
            distance = np.hypot(rest[:, 0], rest[:, 1])
        i = int(np.argmax(distance))
        if distance[i] > tolerance:
            k = a + 1 + i
            keep[k] = True
            spans += [(a, k), (k, b)]
    return points[keep].tolist() if keep.sum() >= 4 else ring


@cache
def _outlines(mainland: bool) -> dict:
    """The mainland provinces, or only the areas not modelled, simplified for drawing."""
    features = []
    for f in province_outlines()["features"]:
        if f["properties"]["is_mainland_31"] != mainland:
            continue
        geometry = f["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        simple = [[simplify_ring(ring, DISPLAY_TOLERANCE) for ring in polygon] for polygon in polygons]
        features.append({**f, "geometry": {"type": "MultiPolygon", "coordinates": simple}})
    return {"type": "FeatureCollection", "features": features}


@cache
def corridor_table() -> pd.DataFrame:
    """The freight-corridor legs and their end points (border exits, ports) as shipped."""
    return pd.read_csv(_DATA / "corridors.csv", dtype={"from_province": str, "to_province": str})


def _empty(fig: go.Figure, message: str) -> go.Figure:
    """A figure that says why it has nothing to show instead of drawing blank axes."""
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font={"size": 15, "color": "#666"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _figure(title: str, height: int = 380, **layout) -> go.Figure:
    """A figure in the house style. The template is given at construction, since a figure made
    without one first gets plotly's default, which costs more than the chart itself."""
    return go.Figure(layout={"template": TEMPLATE, "title": {"text": title, "x": 0.01}, "height": height,
                             "margin": {"l": 60, "r": 20, "t": 50, "b": 40},
                             "legend": {"orientation": "h", "y": -0.15}, **layout})


# ------------------------------------------------------------------------------- the map
def map_values(regions: pd.DataFrame, sectors: pd.DataFrame, metric: str, year: int,
               sector: str | None = None) -> pd.DataFrame:
    """region_code, region, value: one map metric for every province in one year."""
    if metric not in MAP_METRICS:
        raise ValueError(f"unknown map metric {metric!r}; allowed: {', '.join(MAP_METRICS)}")
    now = regions[regions["year"] == year]
    if now.empty:
        raise ValueError(f"no results for the year {year}")
    if metric == "land_use":
        value = 100 * now["land_used"] / now["land_cap"]
    elif metric == "net_relocations":
        value = now["relocations_in"] - now["relocations_out"]
    elif metric == "sector_share":
        by = sectors[sectors["year"] == year]
        if sector not in set(by["sector"]):
            raise ValueError(f"unknown sector {sector!r}; allowed: {', '.join(by['sector'].unique())}")
        total = by.groupby("region")["output"].sum()
        chosen = by[by["sector"] == sector].set_index("region")["output"]
        value = now["region"].map(100 * chosen / total.where(total > 0))
    else:
        value = now[metric]
    return pd.DataFrame({"region_code": now["region_code"].to_numpy(), "region": now["region"].to_numpy(),
                         "value": np.asarray(value, dtype=float)})


def top_flows(flows: pd.DataFrame, places: pd.DataFrame, last_year: int, n: int = 10) -> pd.DataFrame:
    """The n largest origin -> destination relocation flows (firms) up to ``last_year``, with coordinates.

    ``places`` has region, lat, lon (for example the provincial capitals).
    """
    upto = flows[flows["year"] <= last_year]
    pairs = upto.groupby(["origin", "destination"], as_index=False)[["firms", "jobs"]].sum()
    pairs = pairs.nlargest(n, "firms")
    at = places.set_index("region")
    return pairs.assign(
        o_lat=pairs["origin"].map(at["lat"]), o_lon=pairs["origin"].map(at["lon"]),
        d_lat=pairs["destination"].map(at["lat"]), d_lon=pairs["destination"].map(at["lon"]),
    ).reset_index(drop=True)


def _arrow(o_lat, o_lon, d_lat, d_lon, head=0.22):
    """Lon/lat vertices of a line with a chevron head at its end (MapLibre has no arrow marker)."""
    k = math.cos(math.radians((o_lat + d_lat) / 2))  # east-west degrees are shorter
    dx, dy = (d_lon - o_lon) * k, d_lat - o_lat
    length = math.hypot(dx, dy) or 1.0
    size = min(head * length, 1.2)
    back = math.atan2(dy, dx) + math.pi
    wing = [(d_lon + size * math.cos(back + s) / k, d_lat + size * math.sin(back + s)) for s in (0.45, -0.45)]
    lons = [o_lon, d_lon, None, wing[0][0], d_lon, wing[1][0]]
    lats = [o_lat, d_lat, None, wing[0][1], d_lat, wing[1][1]]
    return lons, lats


def province_map(values: pd.DataFrame, title: str, value_label: str, *, diverging: bool = False,
                 value_format: str = ",.0f", corridors: pd.DataFrame | None = None,
                 flows: pd.DataFrame | None = None, height: int = 620, zoom: float = COUNTRY_ZOOM) -> go.Figure:
    """Choropleth of the 31 provinces; Taiwan, Hong Kong and Macau grey as not modelled.

    ``values`` has region_code, region, value. ``corridors`` (rows of :func:`corridor_table`)
    adds the freight corridors with their border exits and ports; ``flows`` (from
    :func:`top_flows`) adds relocation arrows whose width grows with the firms moved.
    ``diverging`` centres a red-blue scale on zero, for differences between scenarios.
    The view is fixed, since an automatic fit would be computed once, before the chart knows
    its final size: ``zoom`` 2.9 shows the whole country in about 640 × 500 px, 2.25 in 410 × 320.
    """
    others = _outlines(mainland=False)
    fig = _figure(title, height=height, uirevision="province-map", margin={"l": 0, "r": 0, "t": 45, "b": 0},
                  map={"style": "white-bg", "center": {"lat": 37.5, "lon": 104.5}, "zoom": zoom},
                  legend={"x": 0.99, "xanchor": "right", "y": 0.01, "bgcolor": "rgba(255,255,255,0.8)"})
    fig.add_trace(go.Choroplethmap(
        geojson=_outlines(mainland=True), featureidkey="properties.code",
        locations=[str(c) for c in values["region_code"]],
        z=values["value"], text=values["region"], name=value_label,
        colorscale="RdBu_r" if diverging else "Viridis", zmid=0 if diverging else None,
        colorbar={"title": {"text": value_label, "side": "right"}, "thickness": 14},
        marker={"line": {"width": 0.6, "color": "white"}},
        hovertemplate=f"%{{text}}<br>{value_label}: %{{z:{value_format}}}<extra></extra>",
    ))
    fig.add_trace(go.Choroplethmap(
        geojson=others, featureidkey="properties.code",
        locations=[str(f["properties"]["code"]) for f in others["features"]], z=[0] * len(others["features"]),
        text=[f"{f['properties']['name_en']} (not modelled)" for f in others["features"]],
        colorscale=[[0, NOT_MODELLED_GREY], [1, NOT_MODELLED_GREY]], showscale=False, name="not modelled",
        marker={"line": {"width": 0.6, "color": "white"}}, hovertemplate="%{text}<extra></extra>",
    ))
    if corridors is not None:
        _add_corridors(fig, corridors)
    if flows is not None and len(flows):
        _add_flows(fig, flows)
    return fig


def _add_corridors(fig: go.Figure, corridors: pd.DataFrame) -> None:
    legs = corridors[corridors["kind"].isin(["rail_intl", "rail_sea"])]
    for name, group in legs.groupby("corridor"):
        lons, lats, names = [], [], []
        for leg in group.itertuples():
            lons += [leg.from_lon, leg.to_lon, None]
            lats += [leg.from_lat, leg.to_lat, None]
            names += [f"{leg.from_place} → {leg.to_place}"] * 3
        fig.add_trace(go.Scattermap(lon=lons, lat=lats, mode="lines", name=name, text=names,
                                    line={"width": 2, "color": CORRIDOR_COLOURS.get(name, "#444")},
                                    hovertemplate="%{text}<extra></extra>"))
    ends = corridors[corridors["kind"].isin(["border_exit_rail", "sea_port"])]
    if len(ends):
        kinds = ends["kind"].map({"border_exit_rail": "border exit", "sea_port": "port"})
        fig.add_trace(go.Scattermap(
            lon=ends["from_lon"], lat=ends["from_lat"], mode="markers", name="border exits and ports",
            text=ends["from_place"] + " (" + kinds + ")",
            marker={"size": 9, "color": "#222"}, hovertemplate="%{text}<extra></extra>",
        ))


def _add_flows(fig: go.Figure, flows: pd.DataFrame) -> None:
    widest = max(float(flows["firms"].max()), 1.0)
    for i, f in enumerate(flows.itertuples()):
        lons, lats = _arrow(f.o_lat, f.o_lon, f.d_lat, f.d_lon)
        label = f"{f.origin} → {f.destination}: {f.firms:,} firms, {f.jobs:,.0f} jobs"
        fig.add_trace(go.Scattermap(
            lon=lons, lat=lats, mode="lines", name="largest relocation flows", legendgroup="flows",
            showlegend=i == 0, text=[label] * len(lons), hovertemplate="%{text}<extra></extra>",
            line={"width": 1.5 + 4.5 * f.firms / widest, "color": "rgba(214, 39, 40, 0.85)"},
        ))


# ------------------------------------------------------------------------------- trends
def macro_share_figure(regions: pd.DataFrame, columns=("output", "employment")) -> go.Figure:
    """Each macro-region's share (%) of national output and employment, by year."""
    by = regions.groupby(["year", "macro_region"], as_index=False)[list(columns)].sum()
    for col in columns:
        by[col] = 100 * by[col] / by.groupby("year")[col].transform("sum")
    fig = make_subplots(rows=1, cols=len(columns), subplot_titles=[f"Share of {c} (%)" for c in columns],
                        figure=_figure("Macro-regional shares", margin={"l": 60, "r": 20, "t": 70, "b": 40}))
    for j, col in enumerate(columns, start=1):
        for macro in [m for m in MACRO_REGIONS if m in set(by["macro_region"])]:
            part = by[by["macro_region"] == macro]
            fig.add_trace(go.Scatter(x=part["year"], y=part[col], mode="lines+markers", name=macro,
                                     legendgroup=macro, showlegend=j == 1,
                                     line={"color": MACRO_COLOURS.get(macro)}), row=1, col=j)
    return fig


def inequality_figure(summary: pd.DataFrame) -> go.Figure:
    """Theil index split within / between macro-regions, and the coefficient of variation."""
    fig = make_subplots(specs=[[{"secondary_y": True}]],
                        figure=_figure("Inequality of value added per head",
                                       margin={"l": 60, "r": 60, "t": 50, "b": 40}))
    fig.add_trace(go.Scatter(x=summary["year"], y=summary["theil_within"], stackgroup="theil",
                             name="Theil within macro-regions"))
    fig.add_trace(go.Scatter(x=summary["year"], y=summary["theil_between"], stackgroup="theil",
                             name="Theil between macro-regions"))
    fig.add_trace(go.Scatter(x=summary["year"], y=summary["cv_gdp_per_capita"], mode="lines+markers",
                             name="coefficient of variation (right)", line={"color": "black", "dash": "dot"}),
                  secondary_y=True)
    fig.update_yaxes(title_text="Theil index", secondary_y=False)
    fig.update_yaxes(title_text="coefficient of variation", secondary_y=True, showgrid=False)
    return fig


def activity_figure(summary: pd.DataFrame) -> go.Figure:
    """Relocations (all and across provinces), entries and exits, by year."""
    fig = _figure("Relocations, entries and exits (firms per year)")
    names = {"relocations": "relocations", "cross_province_relocations": "across provinces",
             "entries": "entries", "exits": "exits"}
    later = summary[summary["year"] > summary["year"].min()]  # the start year has no moves
    for col, name in names.items():
        fig.add_trace(go.Scatter(x=later["year"], y=later[col], mode="lines+markers", name=name))
    if later.empty:
        return _empty(fig, "Step or run the simulation to see firms move, enter and exit")
    return fig


def fiscal_figure(fiscal: pd.DataFrame) -> go.Figure:
    """Fiscal cost per lever and year (bn CNY; revenue such as the cage fee is negative)."""
    fig = _figure("Fiscal cost by lever (bn CNY; negative = revenue)")
    used = fiscal[fiscal.groupby("lever")["cost"].transform(lambda c: c.abs().sum()) > 0]
    for lever, part in used.groupby("lever"):
        fig.add_trace(go.Bar(x=part["year"], y=part["cost"], name=lever))
    if used.empty:
        return _empty(fig, "No fiscal cost: this scenario uses no paid lever")
    fig.update_layout(barmode="relative")
    return fig


# ------------------------------------------------------------------------------- flows
def sankey_figure(flows: pd.DataFrame, regions: pd.DataFrame, level: str = "macro", top: int = 15) -> go.Figure:
    """Relocations (firms) from origin to destination, summed over the years in ``flows``.

    ``level`` "macro" groups provinces into macro-regions (moves within one macro-region
    included); "province" shows the ``top`` largest province pairs. Origins sit on the
    left and destinations on the right, so a region can appear on both sides.
    """
    if level not in ("macro", "province"):
        raise ValueError(f"level must be 'macro' or 'province', got {level!r}")
    title = ("Relocations between macro-regions" if level == "macro"
             else f"The {top} largest province-to-province relocation flows")
    fig = _figure(title + " (firms)", height=480)
    if flows.empty:
        return _empty(fig, "No relocations yet: step or run the simulation")
    if level == "macro":
        macro = regions.drop_duplicates("region").set_index("region")["macro_region"]
        pairs = flows.assign(origin=flows["origin"].map(macro), destination=flows["destination"].map(macro))
        pairs = pairs.groupby(["origin", "destination"], as_index=False)["firms"].sum()
    else:
        pairs = flows.groupby(["origin", "destination"], as_index=False)["firms"].sum().nlargest(top, "firms")
    left = sorted(pairs["origin"].unique(), key=_macro_first)
    right = sorted(pairs["destination"].unique(), key=_macro_first)
    labels = [f"{o} (from)" for o in left] + [f"{d} (to)" for d in right]
    colours = [MACRO_COLOURS.get(n, "#888") for n in left + right]
    fig.add_trace(go.Sankey(
        arrangement="snap",
        node={"label": labels, "color": colours, "pad": 12, "thickness": 16},
        link={"source": [left.index(o) for o in pairs["origin"]],
              "target": [len(left) + right.index(d) for d in pairs["destination"]],
              "value": pairs["firms"].tolist(), "color": "rgba(120, 120, 120, 0.35)"},
    ))
    return fig


def _macro_first(name: str):
    return (MACRO_REGIONS.index(name) if name in MACRO_REGIONS else len(MACRO_REGIONS), name)


# ------------------------------------------------------------------------------- sectors
def sector_heatmap(sectors: pd.DataFrame, year: int) -> go.Figure:
    """Each province's share (%) of each sector's national output in one year."""
    now = sectors[sectors["year"] == year]
    table = now.pivot_table(index="region", columns="sector", values="output", aggfunc="sum", sort=False)
    share = 100 * table / table.sum()
    fig = _figure(f"Where each sector produces, {year} (% of the sector's national output)", height=720)
    fig.add_trace(go.Heatmap(z=share.to_numpy(), x=[s.replace("_", " ") for s in share.columns],
                             y=list(share.index), colorscale="YlGnBu", colorbar={"title": {"text": "%"}},
                             hovertemplate="%{y}, %{x}: %{z:.1f} %<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(margin={"l": 120, "r": 20, "t": 50, "b": 60})
    return fig


def concentration_figure(sectors: pd.DataFrame) -> go.Figure:
    """Each sector's spatial concentration (Herfindahl index over provinces), by year."""
    hhi = concentration(sectors)
    fig = _figure("Spatial concentration by sector (Herfindahl over provinces)")
    for sector, part in hhi.groupby("sector", sort=False):
        fig.add_trace(go.Scatter(x=part["year"], y=part["hhi"], mode="lines+markers", name=sector.replace("_", " ")))
    fig.update_yaxes(title_text="Herfindahl index")
    return fig


# ------------------------------------------------------------------------------- compare
def macro_share_difference(regions_a: pd.DataFrame, regions_b: pd.DataFrame, column: str = "value_added",
                           labels=("A", "B")) -> go.Figure:
    """Difference B − A of each macro-region's share (percentage points) of ``column``, by year."""
    def shares(regions):
        by = regions.groupby(["year", "macro_region"])[column].sum()
        return 100 * by / by.groupby(level="year").transform("sum")

    gap = (shares(regions_b) - shares(regions_a)).reset_index(name="gap")
    fig = _figure(f"{labels[1]} − {labels[0]}: macro-regional share of {column.replace('_', ' ')} (pp)")
    for macro in [m for m in MACRO_REGIONS if m in set(gap["macro_region"])]:
        part = gap[gap["macro_region"] == macro]
        fig.add_trace(go.Scatter(x=part["year"], y=part["gap"], mode="lines+markers", name=macro,
                                 line={"color": MACRO_COLOURS.get(macro)}))
    fig.add_hline(y=0, line={"color": "#999", "width": 1})
    return fig


COMPARE_INDICATORS = {
    "theil_total": "Theil index",
    "cv_gdp_per_capita": "coefficient of variation",
    "cross_province_relocations": "relocations across provinces",
    "value_added": "value added (bn CNY)",
    "employment": "employment",
    "fiscal_cost": "fiscal cost (bn CNY)",
}


def summary_difference(summary_a: pd.DataFrame, summary_b: pd.DataFrame, labels=("A", "B")) -> go.Figure:
    """Difference B − A of the headline indicators by year, one small panel each."""
    columns = list(COMPARE_INDICATORS)
    gap = summary_b.set_index("year")[columns] - summary_a.set_index("year")[columns]
    cols = 2
    rows = math.ceil(len(COMPARE_INDICATORS) / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=list(COMPARE_INDICATORS.values()),
                        vertical_spacing=0.12, horizontal_spacing=0.12,
                        figure=_figure(f"{labels[1]} − {labels[0]}, by year", height=220 * rows + 80,
                                       margin={"l": 60, "r": 20, "t": 80, "b": 40}))
    for i, col in enumerate(COMPARE_INDICATORS):
        r, c = divmod(i, cols)
        fig.add_trace(go.Bar(x=gap.index, y=gap[col], name=COMPARE_INDICATORS[col], showlegend=False,
                             marker={"color": np.where(gap[col] >= 0, "#d62728", "#1f77b4")}),
                      row=r + 1, col=c + 1)
    return fig


# ------------------------------------------------------------------------------- theory
def home_market_figure(points: pd.DataFrame, phi: float, chosen: float | None = None) -> go.Figure:
    """Simulated firm share of the larger market against the home-market-effect line.

    ``points`` has s_e and share (one simulation each). The line is
    s_n = 1/2 + ((1+φ)/(1−φ))(s_E − 1/2), clipped to [0, 1].
    """
    grid = np.linspace(0.5, 1.0, 101)
    theory = [home_market_share(s, phi) for s in grid]
    fig = _figure(f"Home-market effect at trade freeness φ = {phi:.2f}", height=440)
    fig.add_trace(go.Scatter(x=grid, y=theory, mode="lines", name="theory (footloose-capital model)",
                             line={"color": "black"}))
    fig.add_trace(go.Scatter(x=points["s_e"], y=points["share"], mode="markers", name="simulated firm share",
                             marker={"size": 10, "color": "#d62728"}))
    if chosen is not None:
        pick = points[np.isclose(points["s_e"], chosen)]
        fig.add_trace(go.Scatter(x=pick["s_e"], y=pick["share"], mode="markers", name="your s_E",
                                 marker={"size": 18, "color": "rgba(0,0,0,0)",
                                         "line": {"width": 2, "color": "#1f77b4"}}))
    fig.add_trace(go.Scatter(x=grid, y=grid, mode="lines", name="share of firms = share of demand",
                             line={"color": "#999", "dash": "dot"}))
    fig.update_xaxes(title_text="larger region's share of demand s_E", range=[0.5, 1.0])
    fig.update_yaxes(title_text="its share of firms s_n", range=[0.45, 1.02])
    return fig


def share_path_figure(regions: pd.DataFrame, region: str, theory: float) -> go.Figure:
    """One region's share of firms over the simulated years, with the theoretical level."""
    firms = regions.pivot_table(index="year", columns="region", values="firms")
    share = firms[region] / firms.sum(axis=1)
    fig = _figure(f"{region}'s share of firms over time", height=440)
    fig.add_trace(go.Scatter(x=share.index, y=share.to_numpy(), mode="lines", name="simulated"))
    fig.add_hline(y=theory, line={"dash": "dash", "color": "black"}, annotation_text="theory")
    fig.update_xaxes(title_text="years since the start")
    fig.update_yaxes(title_text="share of firms")
    return fig
