"""The Sectors tab: where each sector produces, and how concentrated it is over time."""

from __future__ import annotations

import solara

from .. import viz
from .figure_card import FigureCard, use_plot
from .manifest import manifest
from .language import lang
from .session import Snapshot
from .widgets import YearSlider, use_year


@solara.component
def SectorsPanel(snap: Snapshot):
    """The heatmap follows the chosen year; concentration shows every year so far."""
    year, set_year = use_year(snap.year)
    YearSlider(snap.years, year, set_year)
    language = lang()
    heatmap = use_plot(lambda: viz.sector_heatmap(snap.sectors, year, lang=language), [snap, year, language])
    concentration = use_plot(lambda: viz.concentration_figure(snap.sectors, lang=language), [snap, language])
    with solara.ColumnsResponsive(12, large=6):
        FigureCard(heatmap, f"sectors-{year}", manifest(snap.settings))
        FigureCard(concentration, "sector-concentration", manifest(snap.settings))
