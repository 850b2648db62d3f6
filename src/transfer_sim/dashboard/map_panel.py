"""The Map tab: one metric per province in a chosen year, with corridors and the largest moves."""

from __future__ import annotations

from functools import cache

import pandas as pd
import solara

from .. import viz
from ..geography import Geography
from ..sectors import SECTORS
from .figure_card import FigureCard, use_plot
from .session import Snapshot
from .widgets import YearSlider, use_year

FLOW_ARROWS = 10


@cache
def capitals() -> pd.DataFrame:
    """region, lat, lon of each provincial capital: where flow arrows start and end."""
    geography = Geography.china()
    return pd.DataFrame({"region": geography.names, "lat": geography.lat, "lon": geography.lon})


def map_figure(snap: Snapshot, metric: str, year: int, sector: str = SECTORS[0], corridors: bool = False,
               flows: bool = False, zoom: float = viz.COUNTRY_ZOOM):
    """The map for these choices (pure: the same snapshot and choices give the same figure)."""
    label, fmt = viz.MAP_METRICS[metric]
    if metric == "sector_share":
        label = f"{sector.replace('_', ' ')} share of output (%)"
    values = viz.map_values(snap.regions, snap.sectors, metric, year, sector=sector)
    arrows = viz.top_flows(snap.flows, capitals(), year, n=FLOW_ARROWS) if flows else None
    return viz.province_map(values, f"{label}, {year}", label, value_format=fmt,
                            corridors=viz.corridor_table() if corridors else None, flows=arrows,
                            diverging=metric == "net_relocations", zoom=zoom)


@solara.component
def MapPanel(snap: Snapshot):
    """Choices above the map; the map is rebuilt only when a choice or the snapshot changes."""
    metric, set_metric = solara.use_state("output")
    sector, set_sector = solara.use_state(SECTORS[0])
    corridors, set_corridors = solara.use_state(True)
    flows, set_flows = solara.use_state(True)
    year, set_year = use_year(snap.year)
    labels = {label: key for key, (label, _) in viz.MAP_METRICS.items()}

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="16px"):
        solara.Select("Metric", values=list(labels), value=viz.MAP_METRICS[metric][0],
                      on_value=lambda label: set_metric(labels[label]), style={"max-width": "300px"})
        if metric == "sector_share":
            solara.Select("Sector", values=list(SECTORS), value=sector, on_value=set_sector,
                          style={"max-width": "220px"})
        YearSlider(snap.years, year, set_year)
        solara.Checkbox(label="corridors", value=corridors, on_value=set_corridors)
        solara.Checkbox(label=f"{FLOW_ARROWS} largest relocation flows", value=flows, on_value=set_flows)
    plot = use_plot(lambda: map_figure(snap, metric, year, sector, corridors, flows),
                    [snap, metric, year, sector, corridors, flows])
    FigureCard(plot, f"map-{metric}-{year}")
    solara.Text("Grey: Taiwan, Hong Kong and Macau are not modelled. Arrows: the largest relocation flows "
                "from the start year to the shown year, wider for more firms.", classes=["tsim-explain"])
