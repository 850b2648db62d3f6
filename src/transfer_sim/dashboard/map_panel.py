"""The Map tab: one metric per province in a chosen year, with corridors and the largest moves."""

from __future__ import annotations

from functools import cache

import pandas as pd
import solara

from .. import province_map as pm
from ..geography import Geography
from ..i18n import text
from ..policy import Policy, switched_on_corridors
from ..sectors import SECTORS
from . import state
from .figure_card import FigureCard, use_plot
from .manifest import manifest
from .language import lang, tr
from .session import Snapshot
from .widgets import YearSlider, use_year

FLOW_ARROWS = 10


@cache
def capitals() -> pd.DataFrame:
    """region, lat, lon of each provincial capital: where flow arrows start and end."""
    geography = Geography.china()
    return pd.DataFrame({"region": geography.names, "lat": geography.lat, "lon": geography.lon})


def open_corridors(policy: Policy) -> pd.DataFrame:
    """The rows of the corridor table for the corridors the policy keeps running."""
    table = pm.corridor_table()
    return table[table["corridor"].isin(switched_on_corridors(policy))]


def metric_label(metric: str, sector: str, lang: str) -> str:
    if metric == "sector_share":
        return text("map.sector_share_of", lang, sector=text(f"sector.{sector}", lang))
    return text(f"metric.{metric}", lang)


def snapshot_values(snap: Snapshot, metric: str, year: int, sector: str) -> pd.DataFrame:
    """The metric of every province in one year, from the tables of the snapshot."""
    return pm.map_values(snap.regions, snap.sectors, metric, year, sector=sector, local_policy=snap.local_policy,
                         budgets=snap.budgets)


def run_values(snap: Snapshot, metric: str, sector: str) -> list[pd.DataFrame]:
    """The metric in every year of the run so far, for a colour range that holds them all."""
    return [snapshot_values(snap, metric, year, sector) for year in snap.years]


def map_figure(snap: Snapshot, metric: str, year: int, sector: str = SECTORS[0], corridors: bool = False,
               flows: bool = False, title: str = "", lang: str = "en"):
    """The map for these choices (pure: the same snapshot and choices give the same figure).

    Its colours mean the same values in every year of the run, so moving the year slider
    shows change over time. ``title`` goes before the metric and year.
    """
    label, fmt = metric_label(metric, sector, lang), pm.MAP_METRICS[metric]
    scale = "moves" if metric == "net_relocations" else "level"
    values = snapshot_values(snap, metric, year, sector)
    colours = pm.common_range(run_values(snap, metric, sector), centred=scale != "level")
    arrows = pm.top_flows(snap.flows, capitals(), year, n=FLOW_ARROWS) if flows else None
    return pm.province_map(values, title + text("map.title", lang, metric=label, year=year), label, value_format=fmt,
                           scale=scale, colour_range=colours, lang=lang,
                           corridors=open_corridors(snap.settings.policy) if corridors else None, flows=arrows)


@solara.component
def MapPanel(snap: Snapshot):
    """Choices above the map; the map is rebuilt only when a choice or the snapshot changes."""
    metric, set_metric = state.map_metric.value, state.map_metric.set
    sector, set_sector = solara.use_state(SECTORS[0])
    corridors, set_corridors = solara.use_state(True)
    flows, set_flows = solara.use_state(True)
    year, set_year = use_year(snap.year)
    language = lang()
    metrics = {tr(f"metric.{key}"): key for key in pm.MAP_METRICS}
    sectors = {tr(f"sector.{key}"): key for key in SECTORS}

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="16px"):
        solara.Select(tr("map.metric"), values=list(metrics), value=tr(f"metric.{metric}"),
                      on_value=lambda label: set_metric(metrics[label]), style={"max-width": "300px"})
        if metric == "sector_share":
            solara.Select(tr("map.sector"), values=list(sectors), value=tr(f"sector.{sector}"),
                          on_value=lambda label: set_sector(sectors[label]), style={"max-width": "300px"})
        YearSlider(snap.years, year, set_year)
        solara.Checkbox(label=tr("map.corridors"), value=corridors, on_value=set_corridors,
                        disabled=not switched_on_corridors(snap.settings.policy))  # nothing to draw
        solara.Checkbox(label=tr("map.largest_flows", n=FLOW_ARROWS), value=flows, on_value=set_flows)
    plot = use_plot(lambda: map_figure(snap, metric, year, sector, corridors, flows, lang=language),
                    [snap, metric, year, sector, corridors, flows, language])
    FigureCard(plot, f"map-{metric}-{year}", manifest(snap.settings))
    solara.Text(tr("map.explain"), classes=["tsim-explain"])
