"""The Map tab: one metric per province in a chosen year, with corridors and the largest moves."""

from __future__ import annotations

from functools import cache

import pandas as pd
import solara

from .. import province_map as pm
from ..geography import Geography
from ..policy import Policy, switched_on_corridors
from ..sectors import SECTORS, sector_labels
from .figure_card import FigureCard, use_plot
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


def metric_label(metric: str, sector: str) -> str:
    if metric == "sector_share":
        return f"{sector_labels()[sector]}: share of output (%)"
    return pm.MAP_METRICS[metric][0]


def run_values(snap: Snapshot, metric: str, sector: str) -> list[pd.DataFrame]:
    """The metric in every year of the run so far, for a colour range that holds them all."""
    return [pm.map_values(snap.regions, snap.sectors, metric, year, sector=sector) for year in snap.years]


def map_figure(snap: Snapshot, metric: str, year: int, sector: str = SECTORS[0], corridors: bool = False,
               flows: bool = False, title: str = ""):
    """The map for these choices (pure: the same snapshot and choices give the same figure).

    Its colours mean the same values in every year of the run, so moving the year slider
    shows change over time. ``title`` goes before the metric and year.
    """
    label, fmt = metric_label(metric, sector), pm.MAP_METRICS[metric][1]
    scale = "moves" if metric == "net_relocations" else "level"
    values = pm.map_values(snap.regions, snap.sectors, metric, year, sector=sector)
    colours = pm.common_range(run_values(snap, metric, sector), centred=scale != "level")
    arrows = pm.top_flows(snap.flows, capitals(), year, n=FLOW_ARROWS) if flows else None
    return pm.province_map(values, f"{title}{label}, {year}", label, value_format=fmt, scale=scale,
                           colour_range=colours,
                           corridors=open_corridors(snap.settings.policy) if corridors else None, flows=arrows)


@solara.component
def MapPanel(snap: Snapshot):
    """Choices above the map; the map is rebuilt only when a choice or the snapshot changes."""
    metric, set_metric = solara.use_state("output")
    sector, set_sector = solara.use_state(SECTORS[0])
    corridors, set_corridors = solara.use_state(True)
    flows, set_flows = solara.use_state(True)
    year, set_year = use_year(snap.year)
    metrics = {label: key for key, (label, _) in pm.MAP_METRICS.items()}
    sectors = {label: key for key, label in sector_labels().items()}

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="16px"):
        solara.Select("Metric", values=list(metrics), value=pm.MAP_METRICS[metric][0],
                      on_value=lambda label: set_metric(metrics[label]), style={"max-width": "300px"})
        if metric == "sector_share":
            solara.Select("Sector", values=list(sectors), value=sector_labels()[sector],
                          on_value=lambda label: set_sector(sectors[label]), style={"max-width": "300px"})
        YearSlider(snap.years, year, set_year)
        solara.Checkbox(label="corridors", value=corridors, on_value=set_corridors)
        solara.Checkbox(label=f"{FLOW_ARROWS} largest relocation flows", value=flows, on_value=set_flows)
    plot = use_plot(lambda: map_figure(snap, metric, year, sector, corridors, flows),
                    [snap, metric, year, sector, corridors, flows])
    FigureCard(plot, f"map-{metric}-{year}")
    solara.Text("Hover over a province for its name and value. Colours keep their meaning across the years "
                "of the run. Grey: Taiwan, Hong Kong and Macau are not modelled. Red arrows: the largest "
                "relocation flows from the start year to the shown year, pointing at the destination, wider "
                "for more firms. Corridors switched off by their lever are not drawn.", classes=["tsim-explain"])
