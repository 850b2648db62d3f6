"""Plotly figure builders: a tidy results frame in, a ``plotly.graph_objects.Figure`` out.

They are pure functions of their arguments, so the dashboard, reports and tests share
them. Each takes ``lang``, the language of its titles, axes and legends (a key of
:data:`transfer_sim.i18n.LANGUAGES`). The province map has a module of its own,
:mod:`transfer_sim.province_map`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb
from plotly.subplots import make_subplots

from .batch.outcomes import mean_ci
from .decomposition import COMPONENTS
from .economics import home_market_share
from .figure_style import empty, figure, year_axes
from .i18n import region, text
from .metrics import LOCAL_TERMS, concentration, local_terms
from .processes.fiscal import LOCAL_INSTRUMENT_BOOKS
from .sectors import MACRO_REGIONS

MACRO_COLOURS = {"east": "#1f77b4", "central": "#ff7f0e", "west": "#2ca02c", "northeast": "#9467bd"}


# ------------------------------------------------------------------------------- trends
def macro_share_figure(regions: pd.DataFrame, columns=("output", "employment"), lang: str = "en") -> go.Figure:
    """Each macro-region's share (%) of national output and employment, by year."""
    by = regions.groupby(["year", "macro_region"], as_index=False)[list(columns)].sum()
    for col in columns:
        by[col] = 100 * by[col] / by.groupby("year")[col].transform("sum")
    fig = make_subplots(rows=1, cols=len(columns),
                        subplot_titles=[text("chart.macro_shares.share_of", lang, column=text(f"column.{c}", lang))
                                        for c in columns],
                        figure=figure(text("chart.macro_shares.title", lang),
                                      margin={"l": 60, "r": 20, "t": 70, "b": 40}))
    for j, col in enumerate(columns, start=1):
        for macro in [m for m in MACRO_REGIONS if m in set(by["macro_region"])]:
            part = by[by["macro_region"] == macro]
            fig.add_trace(go.Scatter(x=part["year"], y=part[col], mode="lines+markers",
                                     name=text(f"macro.{macro}", lang),
                                     legendgroup=macro, showlegend=j == 1,
                                     line={"color": MACRO_COLOURS.get(macro)}), row=1, col=j)
    return year_axes(fig, by["year"])


def inequality_figure(summary: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Theil index split within / between macro-regions, and the coefficient of variation.

    Both axes start at zero: the indices are never negative, and from zero a small change
    looks small (an axis fitted to the data would make noise of a few thousandths look large).
    """
    fig = make_subplots(specs=[[{"secondary_y": True}]],
                        figure=figure(text("chart.inequality.title", lang),
                                       margin={"l": 60, "r": 60, "t": 50, "b": 40}))
    fig.add_trace(go.Scatter(x=summary["year"], y=summary["theil_within"], stackgroup="theil",
                             name=text("chart.inequality.within", lang)))
    fig.add_trace(go.Scatter(x=summary["year"], y=summary["theil_between"], stackgroup="theil",
                             name=text("chart.inequality.between", lang)))
    fig.add_trace(go.Scatter(x=summary["year"], y=summary["cv_gdp_per_capita"], mode="lines+markers",
                             name=text("chart.inequality.cv_right", lang), line={"color": "black", "dash": "dot"}),
                  secondary_y=True)
    fig.update_yaxes(title_text=text("indicator.theil_total", lang), rangemode="tozero", secondary_y=False)
    fig.update_yaxes(title_text=text("indicator.cv_gdp_per_capita", lang),
                     range=[0, _headroom(summary["cv_gdp_per_capita"])], secondary_y=True, showgrid=False,
                     tickmode="auto")  # its own round ticks, not the left axis's grid
    return year_axes(fig, summary["year"])


def _headroom(values: pd.Series) -> float:
    """The top of an axis from zero that holds ``values`` with a little room above."""
    return 1.1 * max(float(values.max()) if len(values) else 0.0, 1e-9)


def activity_figure(summary: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Relocations, entries and exits, by year. Relocations across provinces get a line of their
    own only where some moves stay within a province; otherwise the one line says so."""
    fig = figure(text("chart.activity.title", lang))
    later = summary[summary["year"] > summary["year"].min()]  # the start year has no moves
    if later.empty:
        return empty(fig, text("chart.activity.empty", lang))
    if (later["relocations"] == later["cross_province_relocations"]).all():
        lines = {"relocations": ("chart.activity.all_between", "solid")}
    else:
        lines = {"relocations": ("chart.activity.relocations", "solid"),
                 "cross_province_relocations": ("chart.activity.across", "dash")}
    lines |= {"entries": ("chart.activity.entries", "solid"), "exits": ("chart.activity.exits", "solid")}
    for col, (name, dash) in lines.items():
        fig.add_trace(go.Scatter(x=later["year"], y=later[col], mode="lines+markers", name=text(name, lang),
                                 line={"dash": dash}))
    return year_axes(fig, later["year"])


def real_income_figure(regions: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Real income per head of each macro-region by year: its regions' real GDP (GDP deflated by
    nominal growth and the local price level) over their population."""
    fig = figure(text("chart.real_income.title", lang))
    real = regions.assign(real=regions["real_income_per_capita"] * regions["population"])
    by = real.groupby(["year", "macro_region"], as_index=False)[["real", "population"]].sum()
    by["per_head"] = by["real"] / by["population"]
    for macro in [m for m in MACRO_REGIONS if m in set(by["macro_region"])]:
        part = by[by["macro_region"] == macro]
        fig.add_trace(go.Scatter(x=part["year"], y=part["per_head"], mode="lines+markers",
                                 name=text(f"macro.{macro}", lang), line={"color": MACRO_COLOURS.get(macro)}))
    fig.update_yaxes(title_text=text("chart.real_income.axis", lang), rangemode="tozero")
    return year_axes(fig, by["year"])


def jobs_sources_figure(decomposition: pd.DataFrame, regions: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Each macro-region's change in industrial jobs since the start, by source: entry, exit,
    growth of incumbents and relocation (millions, stacked; a diamond marks the net change)."""
    fig = figure(text("chart.jobs_sources.title", lang))
    later = decomposition[decomposition["year"] > decomposition["year"].min()]
    if later.empty:
        return empty(fig, text("chart.activity.empty", lang))
    macro = regions.drop_duplicates("region").set_index("region")["macro_region"]
    by = (later.assign(macro_region=later["region"].map(macro))
          .groupby(["macro_region", "component"], as_index=False)["employment"].sum())
    order = [m for m in MACRO_REGIONS if m in set(by["macro_region"])]
    names = [text(f"macro.{m}", lang) for m in order]
    for component in COMPONENTS:
        part = by[by["component"] == component].set_index("macro_region").reindex(order)["employment"]
        fig.add_trace(go.Bar(x=names, y=part / 1e6, name=text(f"chart.jobs_sources.{component}", lang)))
    net = by.groupby("macro_region")["employment"].sum().reindex(order)
    fig.add_trace(go.Scatter(x=names, y=net / 1e6, mode="markers", name=text("chart.jobs_sources.net", lang),
                             marker={"symbol": "diamond", "size": 11, "color": "black"}))
    fig.update_layout(barmode="relative")
    fig.update_yaxes(title_text=text("chart.jobs_sources.axis", lang))
    return fig


def local_competition_figure(local_policy: pd.DataFrame, regions: pd.DataFrame, lang: str = "en") -> go.Figure:
    """The provinces' terms for newcomers by year: each macro-region's GDP-weighted mean tax rebate
    (% of operating profit) and land discount (% of land rent), Σ_r GDP_r x_r / Σ_r GDP_r over its
    provinces. An economy without local governments gets a sentence instead."""
    title = figure(text("chart.local_competition.title", lang), margin={"l": 60, "r": 20, "t": 70, "b": 40})
    if local_policy.empty:
        return empty(title, text("chart.local_competition.empty", lang))
    fig = make_subplots(rows=1, cols=len(LOCAL_TERMS), figure=title,
                        subplot_titles=[text(f"chart.local_competition.{term}", lang) for term in LOCAL_TERMS])
    by = local_terms(local_policy, regions, ["year", "macro_region"])
    for j, term in enumerate(LOCAL_TERMS, start=1):
        for macro in [m for m in MACRO_REGIONS if m in set(by["macro_region"])]:
            part = by[by["macro_region"] == macro]
            fig.add_trace(go.Scatter(x=part["year"], y=100 * part[term], mode="lines+markers",
                                     name=text(f"macro.{macro}", lang), legendgroup=macro, showlegend=j == 1,
                                     line={"color": MACRO_COLOURS.get(macro)}), row=1, col=j)
    fig.update_yaxes(title_text="%", rangemode="tozero")
    return year_axes(fig, by["year"])


def fiscal_figure(fiscal: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Fiscal cost per lever and year (bn CNY; revenue such as the cage fee is negative)."""
    fig = figure(text("chart.fiscal.title", lang))
    used = fiscal[fiscal.groupby("lever")["cost"].transform(lambda c: c.abs().sum()) > 0]
    for lever, part in used.groupby("lever"):
        name = text(f"chart.fiscal.book.{lever}" if lever in LOCAL_INSTRUMENT_BOOKS else f"lever.{lever}.label", lang)
        fig.add_trace(go.Bar(x=part["year"], y=part["cost"], name=name))
    if used.empty:
        return empty(fig, text("chart.fiscal.empty", lang))
    fig.update_layout(barmode="relative")
    return year_axes(fig, fiscal["year"])


# ------------------------------------------------------------------------------- flows
def sankey_figure(flows: pd.DataFrame, regions: pd.DataFrame, level: str = "macro", top: int = 15,
                  lang: str = "en") -> go.Figure:
    """Relocations (firms) from origin to destination, summed over the years in ``flows``.

    ``level`` "macro" groups provinces into macro-regions (moves within one macro-region
    included); "province" shows the ``top`` largest province pairs. Origins sit on the
    left and destinations on the right, so a region can appear on both sides.
    """
    if level not in ("macro", "province"):
        raise ValueError(f"level must be 'macro' or 'province', got {level!r}")
    fig = figure(text(f"chart.sankey.{level}", lang, top=top), height=480)
    if flows.empty:
        return empty(fig, text("chart.sankey.empty", lang))
    macro = regions.drop_duplicates("region").set_index("region")["macro_region"]
    if level == "macro":
        pairs = flows.assign(origin=flows["origin"].map(macro), destination=flows["destination"].map(macro))
        pairs = pairs.groupby(["origin", "destination"], as_index=False)["firms"].sum()
    else:
        pairs = flows.groupby(["origin", "destination"], as_index=False)["firms"].sum().nlargest(top, "firms")
    left = sorted(pairs["origin"].unique(), key=_macro_first)
    right = sorted(pairs["destination"].unique(), key=_macro_first)
    def named(node: str) -> str:
        return text(f"macro.{node}", lang) if node in MACRO_REGIONS else region(node, lang)

    labels = ([text("chart.sankey.from", lang, name=named(o)) for o in left]
              + [text("chart.sankey.to", lang, name=named(d)) for d in right])
    macro_of = macro.to_dict() | {m: m for m in MACRO_REGIONS}  # a node is a province or a macro-region

    def colour(name: str) -> str:
        return MACRO_COLOURS.get(macro_of.get(name), "#888888")

    colours = [colour(n) for n in left + right]
    fig.add_trace(go.Sankey(
        arrangement="snap",
        node={"label": labels, "color": colours, "pad": 12, "thickness": 16},
        link={"source": [left.index(o) for o in pairs["origin"]],
              "target": [len(left) + right.index(d) for d in pairs["destination"]],
              "value": pairs["firms"].tolist(),
              "color": [_translucent(colour(o)) for o in pairs["origin"]]},
    ))
    return fig


def _translucent(colour: str, alpha: float = 0.4) -> str:
    """A ``#rrggbb`` colour as see-through rgba, for Sankey bands over their nodes' colour."""
    red, green, blue = hex_to_rgb(colour)
    return f"rgba({red}, {green}, {blue}, {alpha})"


def _macro_first(name: str):
    return (MACRO_REGIONS.index(name) if name in MACRO_REGIONS else len(MACRO_REGIONS), name)


# ------------------------------------------------------------------------------- sectors
def sector_heatmap(sectors: pd.DataFrame, year: int, lang: str = "en") -> go.Figure:
    """Each province's share (%) of each sector's national output in one year."""
    now = sectors[sectors["year"] == year]
    table = now.pivot_table(index="region", columns="sector", values="output", aggfunc="sum", sort=False)
    share = 100 * table / table.sum()
    fig = figure(text("chart.heatmap.title", lang, year=year), height=720)
    fig.add_trace(go.Heatmap(z=share.to_numpy(), x=[text(f"sector.{s}", lang) for s in share.columns],
                             y=[region(r, lang) for r in share.index], colorscale="YlGnBu",
                             colorbar={"title": {"text": "%"}},
                             hovertemplate="%{y}, %{x}: %{z:.1f} %<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(margin={"l": 120, "r": 20, "t": 50, "b": 60})
    return fig


def concentration_figure(sectors: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Each sector's spatial concentration (Herfindahl index over provinces), by year."""
    hhi = concentration(sectors)
    fig = figure(text("chart.concentration.title", lang))
    for sector, part in hhi.groupby("sector", sort=False):
        fig.add_trace(go.Scatter(x=part["year"], y=part["hhi"], mode="lines+markers",
                                 name=text(f"sector.{sector}", lang)))
    fig.update_yaxes(title_text=text("chart.concentration.axis", lang))
    return year_axes(fig, hhi["year"])


# ------------------------------------------------------------------------------- compare
#: The headline indicators a comparison shows, as the summary table names them (their names
#: are the catalogue's ``indicator.<column>``).
COMPARE_INDICATORS = ("theil_total", "cv_gdp_per_capita", "cross_province_relocations", "value_added",
                      "employment", "fiscal_cost")


def share_gaps(regions_a: pd.DataFrame, regions_b: pd.DataFrame, column: str = "value_added") -> pd.DataFrame:
    """year and, per macro-region, B − A of its share (percentage points) of ``column``."""
    def shares(regions):
        by = regions.groupby(["year", "macro_region"])[column].sum()
        return 100 * by / by.groupby(level="year").transform("sum")

    gap = (shares(regions_b) - shares(regions_a)).unstack("macro_region")
    return gap[[m for m in MACRO_REGIONS if m in gap.columns]].reset_index().rename_axis(columns=None)


def indicator_gaps(summary_a: pd.DataFrame, summary_b: pd.DataFrame) -> pd.DataFrame:
    """year and B − A of each of :data:`COMPARE_INDICATORS`."""
    columns = list(COMPARE_INDICATORS)
    return (summary_b.set_index("year")[columns] - summary_a.set_index("year")[columns]).reset_index()


def mean_gaps(gaps: list[pd.DataFrame]) -> pd.DataFrame:
    """year, metric, n, mean, low, high over the seeds' gaps: the mean difference and its 95 %
    Student-t interval (none for a single seed). With common random numbers each seed's two runs
    start alike, so the interval is that of the levers' effect, not of two runs' noise."""
    together = pd.concat(gaps, ignore_index=True)
    return mean_ci(together, ["year"], [c for c in together.columns if c != "year"])


def _title(key: str, lang: str, seeds: int, **fields) -> str:
    """A difference chart's title; over several seeds a second line says what the band is."""
    title = text(key, lang, **fields)
    return f"{title}<br>{text('chart.mean_of_seeds', lang, n=seeds)}" if seeds > 1 else title


#: Room for the second line of a title (pixels).
TITLE_LINE = 22


def macro_share_difference(pairs: list[tuple[pd.DataFrame, pd.DataFrame]], column: str = "value_added",
                           labels=("A", "B"), lang: str = "en") -> go.Figure:
    """Difference B − A of each macro-region's share (percentage points) of ``column``, by year:
    one (regions A, regions B) pair per seed; with several, their mean and its 95 % band."""
    stats = mean_gaps([share_gaps(a, b, column) for a, b in pairs])
    fig = figure(_title("chart.share_difference.title", lang, len(pairs), a=labels[0], b=labels[1],
                        column=text(f"column.{column}", lang)),
                 margin={"l": 60, "r": 20, "t": 50 + TITLE_LINE * (len(pairs) > 1), "b": 40})
    for macro in [m for m in MACRO_REGIONS if m in set(stats["metric"])]:
        part = stats[stats["metric"] == macro]
        colour = MACRO_COLOURS.get(macro)
        if part["low"].notna().any():
            fig.add_trace(go.Scatter(x=part["year"], y=part["high"], mode="lines", line={"width": 0},
                                     legendgroup=macro, showlegend=False, hoverinfo="skip"))
            fig.add_trace(go.Scatter(x=part["year"], y=part["low"], mode="lines", line={"width": 0},
                                     fill="tonexty", fillcolor=_translucent(colour, 0.2), legendgroup=macro,
                                     showlegend=False, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=part["year"], y=part["mean"], mode="lines+markers", name=text(f"macro.{macro}", lang),
                                 legendgroup=macro, line={"color": colour}))
    fig.add_hline(y=0, line={"color": "#999", "width": 1})
    return year_axes(fig, stats["year"])


def summary_difference(pairs: list[tuple[pd.DataFrame, pd.DataFrame]], labels=("A", "B"),
                       lang: str = "en") -> go.Figure:
    """Difference B − A of the headline indicators by year, one small panel each: one (summary A,
    summary B) pair per seed; with several, their mean with its 95 % interval as error bars."""
    stats = mean_gaps([indicator_gaps(a, b) for a, b in pairs])
    cols = 2
    rows = math.ceil(len(COMPARE_INDICATORS) / cols)
    names = [text(f"indicator.{col}", lang) for col in COMPARE_INDICATORS]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=names,
                        vertical_spacing=0.12, horizontal_spacing=0.12,
                        figure=figure(_title("chart.indicator_difference.title", lang, len(pairs), a=labels[0],
                                             b=labels[1]),
                                      height=220 * rows + 80,
                                      margin={"l": 60, "r": 20, "t": 80 + TITLE_LINE * (len(pairs) > 1), "b": 40}))
    for i, col in enumerate(COMPARE_INDICATORS):
        r, c = divmod(i, cols)
        part = stats[stats["metric"] == col]
        bands = ({"type": "data", "array": part["high"] - part["mean"], "arrayminus": part["mean"] - part["low"],
                  "color": "#444", "thickness": 1} if part["low"].notna().any() else None)
        fig.add_trace(go.Bar(x=part["year"], y=part["mean"], name=names[i], showlegend=False, error_y=bands,
                             marker={"color": np.where(part["mean"] >= 0, "#d62728", "#1f77b4")}),
                      row=r + 1, col=c + 1)
    return year_axes(fig, stats["year"])


# ------------------------------------------------------------------------------- theory
def home_market_figure(points: pd.DataFrame, phi: float, chosen: float | None = None, lang: str = "en") -> go.Figure:
    """Simulated firm share of the larger market against the home-market-effect line.

    ``points`` has s_e and share (one simulation each). The line is
    s_n = 1/2 + ((1+φ)/(1−φ))(s_E − 1/2), clipped to [0, 1].
    """
    grid = np.linspace(0.5, 1.0, 101)
    theory = [home_market_share(s, phi) for s in grid]
    fig = figure(text("chart.home_market.title", lang, phi=f"{phi:.2f}"), height=440)
    fig.add_trace(go.Scatter(x=grid, y=theory, mode="lines", name=text("chart.home_market.theory", lang),
                             line={"color": "black"}))
    fig.add_trace(go.Scatter(x=points["s_e"], y=points["share"], mode="markers",
                             name=text("chart.home_market.simulated", lang),
                             marker={"size": 10, "color": "#d62728"}))
    if chosen is not None:
        pick = points[np.isclose(points["s_e"], chosen)]
        fig.add_trace(go.Scatter(x=pick["s_e"], y=pick["share"], mode="markers",
                                 name=text("chart.home_market.yours", lang),
                                 marker={"size": 18, "color": "rgba(0,0,0,0)",
                                         "line": {"width": 2, "color": "#1f77b4"}}))
    fig.add_trace(go.Scatter(x=grid, y=grid, mode="lines", name=text("chart.home_market.diagonal", lang),
                             line={"color": "#999", "dash": "dot"}))
    fig.update_xaxes(title_text=text("chart.home_market.x", lang), range=[0.5, 1.0])
    fig.update_yaxes(title_text=text("chart.home_market.y", lang), range=[0.45, 1.02])
    return fig


def share_path_figure(regions: pd.DataFrame, name: str, theory: float, lang: str = "en",
                      shown_as: str | None = None) -> go.Figure:
    """One region's share of firms over the simulated years, with the theoretical level.

    ``name`` is the region as the table names it; ``shown_as`` its name in the title (by default ``name``)."""
    firms = regions.pivot_table(index="year", columns="region", values="firms")
    share = firms[name] / firms.sum(axis=1)
    fig = figure(text("chart.share_path.title", lang, region=shown_as or name), height=440)
    fig.add_trace(go.Scatter(x=share.index, y=share.to_numpy(), mode="lines", name=text("chart.share_path.simulated", lang)))
    fig.add_hline(y=theory, line={"dash": "dash", "color": "black"}, annotation_text=text("chart.share_path.theory", lang))
    fig.update_xaxes(title_text=text("chart.share_path.x", lang))
    fig.update_yaxes(title_text=text("chart.share_path.y", lang))
    return fig
