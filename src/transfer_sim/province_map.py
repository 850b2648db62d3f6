"""The province map: one value per province as filled outlines, with corridors and flow arrows.

The outlines are plain SVG shapes on longitude/latitude axes (a plotly ``Scatter`` with
``fill="toself"`` per province), not a MapLibre or geo trace: the figure carries everything
it draws, so it renders offline, from a saved HTML file opened from disk and in a PNG export,
with no base map, no tiles and no WebGL.
"""

from __future__ import annotations

import copy
import json
import math
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import get_colorscale, sample_colorscale

from .figure_style import figure
from .geography import CHINA_EUROPE_EXPRESS, LAND_SEA_CORRIDOR
from .i18n import region, short_region, text
from .metrics import LOCAL_TERMS

_DATA = files("transfer_sim") / "data"
CORRIDOR_COLOURS = {CHINA_EUROPE_EXPRESS: "#333333", LAND_SEA_CORRIDOR: "#1b7837"}
FLOW_COLOUR = "rgba(214, 39, 40, 0.85)"
NOT_MODELLED_GREY = "#c8c8c8"
NO_VALUE_GREY = "#eeeeee"

#: Colour scales by what the values mean: a level, a difference between scenarios, or firms
#: moving in (purple) and out (orange), kept apart from the red of the flow arrows.
SCALES = {"level": "Viridis", "difference": "RdBu_r", "moves": "PuOr"}

#: Map metrics: key -> how the value is shown (each is named by the catalogue's ``metric.<key>``).
MAP_METRICS = {
    "firms": ",.0f",
    "employment": ",.0f",
    "output": ",.0f",
    "gdp_per_capita": ",.0f",
    "wage": ",.0f",
    "land_use": ".1f",
    "net_relocations": "+,.0f",
    "sector_share": ".1f",
    "tax_rebate": ".0f",
    "land_discount": ".0f",
    "debt_share": ".1f",
}

#: Outline simplification for drawing, in degrees (about 4 km): under a pixel at the map's size,
#: and it makes the map about four times lighter to build, send and draw.
DISPLAY_TOLERANCE = 0.04
#: Provinces whose largest part is smaller than this (square degrees) get no written name: they
#: are too small to hold one at the map's size. Hovering still names every province.
LABEL_MIN_AREA = 3.0
#: The map's projection: longitude degrees shrink by the cosine of this latitude.
CENTRAL_LATITUDE = 36.0


@cache
def province_outlines() -> dict:
    """The shipped GeoJSON of the 31 provinces plus Taiwan, Hong Kong and Macau (not modelled)."""
    return json.loads((_DATA / "china_provinces.geojson").read_text(encoding="utf-8"))


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


def ring_area(ring) -> float:
    """Area of a closed ring (shoelace formula), in square degrees."""
    x, y = np.asarray(ring, dtype=float).T
    return abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))) / 2


def inside(ring, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Which points (x, y) lie inside the closed ring (even-odd rule)."""
    rx, ry = np.asarray(ring, dtype=float).T
    ax, ay, bx, by = rx[:-1, None], ry[:-1, None], rx[1:, None], ry[1:, None]
    crosses = (ay > y) != (by > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        at = ax + (y - ay) * (bx - ax) / (by - ay)
    return (crosses & (x < at)).sum(axis=0) % 2 == 1


def label_point(ring, grid: int = 24) -> tuple[float, float]:
    """A point well inside the ring for its name: of a grid over the ring's box, the inside
    point farthest from the ring's vertices (the centroid can fall outside a crescent)."""
    points = np.asarray(ring, dtype=float)
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    gx, gy = np.meshgrid(np.linspace(x0, x1, grid), np.linspace(y0, y1, grid))
    gx, gy = gx.ravel(), gy.ravel()
    keep = inside(ring, gx, gy)
    if not keep.any():
        return float(points[:, 0].mean()), float(points[:, 1].mean())
    gx, gy = gx[keep], gy[keep]
    clearance = np.hypot(gx[:, None] - points[None, :, 0], gy[:, None] - points[None, :, 1]).min(axis=1)
    best = int(np.argmax(clearance))
    return float(gx[best]), float(gy[best])


class Coordinates(tuple):
    """An outline's longitudes or latitudes (None between rings), shared by every map.

    Plotly deep-copies a figure's traces when it builds the figure and again when it writes
    its JSON; the outlines are most of the map and never change, so a copy is the same tuple.
    """

    def __deepcopy__(self, memo) -> Coordinates:
        return self


@cache
def _shapes(mainland: bool) -> tuple[dict, ...]:
    """Per area: code, English name, outline as x/y with None between rings, and its label point
    (None when too small to hold a name)."""
    shapes = []
    for f in province_outlines()["features"]:
        props = f["properties"]
        if props["is_mainland_31"] != mainland:
            continue
        geometry = f["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        xs, ys = [], []
        for polygon in polygons:
            for ring in polygon:
                simple = simplify_ring(ring, DISPLAY_TOLERANCE)
                xs += [p[0] for p in simple] + [None]
                ys += [p[1] for p in simple] + [None]
        largest = max((polygon[0] for polygon in polygons), key=ring_area)
        label = label_point(largest) if ring_area(largest) >= LABEL_MIN_AREA else None
        shapes.append({"code": str(props["code"]), "name": props["name_en"], "x": Coordinates(xs),
                       "y": Coordinates(ys), "label": label})
    return tuple(shapes)


@cache
def corridor_table() -> pd.DataFrame:
    """The freight-corridor legs and their end points (border exits, ports) as shipped."""
    return pd.read_csv(_DATA / "corridors.csv", dtype={"from_province": str, "to_province": str})


# ------------------------------------------------------------------------------- values
def map_values(regions: pd.DataFrame, sectors: pd.DataFrame, metric: str, year: int,
               sector: str | None = None, local_policy: pd.DataFrame | None = None,
               budgets: pd.DataFrame | None = None) -> pd.DataFrame:
    """region_code, region, value: one map metric for every province in one year.

    The provinces' terms (``tax_rebate``, ``land_discount``) are % (of a newcomer's operating
    profit, of its land rent) from ``local_policy``; ``debt_share`` is 100 · debt_r / GDP_r from
    ``budgets``. Without local governments (tables without rows) their values are missing.
    """
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
    elif metric in LOCAL_TERMS:
        terms = _of_year(local_policy, "local_policy", metric, year)
        value = now["region"].map(100 * terms[terms["instrument"] == metric].set_index("region")["value"])
    elif metric == "debt_share":
        debt = _of_year(budgets, "budgets", metric, year).set_index("region")["debt"]
        value = 100 * now["region"].map(debt) / now["gdp"]
    else:
        value = now[metric]
    return pd.DataFrame({"region_code": now["region_code"].to_numpy(), "region": now["region"].to_numpy(),
                         "value": np.asarray(value, dtype=float)})


def _of_year(table: pd.DataFrame | None, name: str, metric: str, year: int) -> pd.DataFrame:
    """The rows of one year of a local government table that a map metric needs."""
    if table is None:
        raise ValueError(f"the map metric {metric!r} needs the {name} table")
    return table[table["year"] == year]


def common_range(values: list[pd.DataFrame], centred: bool = False) -> tuple[float, float]:
    """The colour range that holds every one of several maps' values (for example every year of
    a run), so one colour means one value whichever map is shown. ``centred``: symmetric about 0."""
    numbers = np.concatenate([v["value"].to_numpy(dtype=float) for v in values])
    numbers = numbers[np.isfinite(numbers)]
    if numbers.size == 0:
        return (-1.0, 1.0) if centred else (0.0, 1.0)
    low, high = float(numbers.min()), float(numbers.max())
    if centred:
        reach = max(abs(low), abs(high)) or 1.0
        return -reach, reach
    return (low, high) if high > low else (low - 0.5, high + 0.5)


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


# ------------------------------------------------------------------------------- the figure
def _colour_bar(scale: str, colour_range: tuple[float, float], value_label: str, lang: str) -> dict:
    bar = {"title": {"text": value_label, "side": "right"}, "thickness": 14, "len": 0.8}
    if scale == "moves":
        reach = f"{colour_range[1]:,.0f}"
        bar.update(tickvals=[-colour_range[1], 0, colour_range[1]],
                   ticktext=[text("map.more_out", lang, n=reach), "0", text("map.more_in", lang, n=reach)])
    return bar


def province_map(values: pd.DataFrame, title: str, value_label: str, *, scale: str = "level",
                 colour_range: tuple[float, float] | None = None, value_format: str = ",.0f",
                 corridors: pd.DataFrame | None = None, flows: pd.DataFrame | None = None,
                 height: int = 620, lang: str = "en") -> go.Figure:
    """The 31 provinces coloured by ``values`` (region_code, region, value); Taiwan, Hong Kong
    and Macau grey as not modelled. Each province is named on hover, and in writing where it has
    room.

    ``scale`` is a key of :data:`SCALES`; "difference" and "moves" are centred on zero.
    ``colour_range`` fixes the colours (see :func:`common_range`), by default the values' own.
    ``corridors`` (rows of :func:`corridor_table`) adds the freight corridors with their border
    exits and ports; ``flows`` (from :func:`top_flows`) adds relocation arrows whose width grows
    with the firms moved. The map keeps its shape and fits its box at any size. ``lang`` is the
    language of the names it writes (``title`` and ``value_label`` come written).

    The traces are plain dicts of known properties, checked by the tests rather than by plotly
    at every build: checking some forty traces of outlines would double the time to build a map.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; allowed: {', '.join(SCALES)}")
    low, high = colour_range or common_range([values], centred=scale != "level")
    colourscale = get_colorscale(SCALES[scale])
    layout = _layout(height, title.count("<br>"))
    layout["title"]["text"] = title
    by_code = values.assign(region_code=values["region_code"].astype(str)).set_index("region_code")["value"]
    traces, labels = [], []
    for shape in _shapes(mainland=True):
        value = float(by_code.get(shape["code"], math.nan))
        if math.isfinite(value):
            fill = sample_colorscale(colourscale, [min(max((value - low) / (high - low), 0.0), 1.0)])[0]
            shown = format(value, value_format)
        else:
            fill, shown = NO_VALUE_GREY, text("map.no_value", lang)
        traces.append(_area(shape, fill, f"{region(shape['name'], lang)}<br>{value_label}: {shown}", "provinces"))
        if shape["label"]:
            labels.append((short_region(shape["name"], lang), *shape["label"]))
    traces += [_area(shape, NOT_MODELLED_GREY, text("map.not_modelled", lang, name=region(shape["name"], lang)),
                     "not modelled") for shape in _shapes(mainland=False)]
    names, xs, ys = zip(*labels)
    traces += [
        {"type": "scatter", "x": [None], "y": [None], "mode": "markers", "showlegend": False,  # the colour bar
         "hoverinfo": "skip", "name": value_label,
         "marker": {"colorscale": colourscale, "cmin": low, "cmax": high, "color": [low], "showscale": True,
                    "colorbar": _colour_bar(scale, (low, high), value_label, lang)}},
        {"type": "scatter", "x": xs, "y": ys, "text": names, "mode": "text", "name": "province names",
         "showlegend": False, "hoverinfo": "skip", "textfont": {"size": 10, "color": "#111", "shadow": "auto"}},
    ]
    if corridors is not None and len(corridors):
        traces += _corridors(corridors, lang)
    if flows is not None and len(flows):
        traces += _flows(flows, lang)
    return go.Figure(data=traces, layout=layout, _validate=False)


def _layout(height: int, breaks: int) -> dict:
    """The map's layout, untitled, for a title of ``breaks`` + 1 lines: a fresh copy of one
    built (and checked by plotly) once, since building the house template costs more than the
    provinces."""
    return copy.deepcopy(_checked_layout(height, breaks))


@cache
def _checked_layout(height: int, breaks: int) -> dict:
    return figure("", height=height, uirevision="province-map", hovermode="closest",
                  margin={"l": 0, "r": 0, "t": 45 + 20 * breaks, "b": 0}, plot_bgcolor="white",
                  legend={"x": 0.99, "xanchor": "right", "y": 0.01, "bgcolor": "rgba(255,255,255,0.8)"},
                  xaxis={"visible": False, "range": [73, 135.5]},
                  yaxis={"visible": False, "range": [17.5, 54], "scaleanchor": "x",
                         "scaleratio": 1 / math.cos(math.radians(CENTRAL_LATITUDE))}).layout.to_plotly_json()


def _area(shape: dict, fill: str, hover: str, group: str) -> dict:
    """One province (or area not modelled) as a filled outline whose hover names it."""
    return {"type": "scatter", "x": shape["x"], "y": shape["y"], "mode": "lines", "fill": "toself",
            "fillcolor": fill, "line": {"width": 0.6, "color": "white"}, "hoveron": "fills", "hoverinfo": "text",
            "text": hover, "name": shape["name"], "legendgroup": group, "showlegend": False, "meta": shape["code"]}


def _corridors(corridors: pd.DataFrame, lang: str) -> list[dict]:
    """A line per corridor through its legs, and the border exits and ports as dots."""
    def place(name: str) -> str:
        return text(f"place.{name}", lang)

    traces = []
    legs = corridors[corridors["kind"].isin(["rail_intl", "rail_sea"])]
    for name, group in legs.groupby("corridor"):
        lons, lats, names = [], [], []
        for leg in group.itertuples():
            lons += [leg.from_lon, leg.to_lon, None]
            lats += [leg.from_lat, leg.to_lat, None]
            names += [f"{place(leg.from_place)} → {place(leg.to_place)}"] * 3
        traces.append({"type": "scatter", "x": lons, "y": lats, "mode": "lines", "name": place(name), "text": names,
                       "line": {"width": 2, "color": CORRIDOR_COLOURS.get(name, "#444")},
                       "hovertemplate": "%{text}<extra></extra>"})
    ends = corridors[corridors["kind"].isin(["border_exit_rail", "sea_port"])]
    if len(ends):
        kinds = {"border_exit_rail": "map.border_exit", "sea_port": "map.port"}
        traces.append({"type": "scatter", "x": ends["from_lon"].tolist(), "y": ends["from_lat"].tolist(),
                       "mode": "markers", "name": text("map.exits_and_ports", lang),
                       "text": [text(kinds[kind], lang, name=place(name))
                                for kind, name in zip(ends["kind"], ends["from_place"])],
                       "marker": {"size": 8, "color": "#222"}, "hovertemplate": "%{text}<extra></extra>"})
    return traces


def _arrow(o_lat, o_lon, d_lat, d_lon, head=0.22):
    """Lon/lat vertices of a line with a chevron head at its end."""
    k = math.cos(math.radians((o_lat + d_lat) / 2))  # east-west degrees are shorter
    dx, dy = (d_lon - o_lon) * k, d_lat - o_lat
    length = math.hypot(dx, dy) or 1.0
    size = min(head * length, 1.2)
    back = math.atan2(dy, dx) + math.pi
    wing = [(d_lon + size * math.cos(back + s) / k, d_lat + size * math.sin(back + s)) for s in (0.45, -0.45)]
    lons = [o_lon, d_lon, None, wing[0][0], d_lon, wing[1][0]]
    lats = [o_lat, d_lat, None, wing[0][1], d_lat, wing[1][1]]
    return lons, lats


def _flows(flows: pd.DataFrame, lang: str) -> list[dict]:
    """An arrow per flow, from origin to destination, wider for more firms."""
    widest = max(float(flows["firms"].max()), 1.0)
    traces = []
    for i, f in enumerate(flows.itertuples()):
        lons, lats = _arrow(f.o_lat, f.o_lon, f.d_lat, f.d_lon)
        label = text("map.flow", lang, origin=region(f.origin, lang), destination=region(f.destination, lang),
                     firms=f"{f.firms:,}", jobs=f"{f.jobs:,.0f}")
        traces.append({"type": "scatter", "x": lons, "y": lats, "mode": "lines",
                       "name": text("map.flows_legend", lang), "legendgroup": "flows",
                       "showlegend": i == 0, "text": [label] * len(lons), "hovertemplate": "%{text}<extra></extra>",
                       "line": {"width": 1.5 + 4.5 * f.firms / widest, "color": FLOW_COLOUR}})
    return traces
