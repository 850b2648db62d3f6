"""The Compare tab: the sidebar's scenario against a reference preset, same seed and size."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import solara
import solara.lab

from .. import viz
from ..policy import PRESETS, Policy
from . import state
from .figure_card import FigureCard, use_plot
from .map_panel import map_figure
from .session import Snapshot, run_to_end
from .settings import Settings, readable
from .widgets import YearSlider, use_year

METRICS = ("output", "employment", "firms", "gdp_per_capita", "wage", "land_use")
HALF_WIDTH_ZOOM = 2.25  # the two maps share the width


def reference_of(settings: Settings, preset: str) -> Settings:
    """The reference scenario: a preset with the same years, firms and seed (common random numbers)."""
    return replace(settings, preset=preset, policy=Policy.preset(preset))


@solara.lab.task(prefer_threaded=True)
def compare(yours: Settings, reference: Settings) -> tuple[Snapshot, Snapshot] | str:
    """Both runs to their last year; a readable sentence instead when the model rejects the settings."""
    try:
        return run_to_end(yours), run_to_end(reference)
    except ValueError as error:
        return f"The comparison cannot run: {readable(error)}"


def difference_map(yours: Snapshot, reference: Snapshot, metric: str, year: int):
    """Yours minus the reference per province, on a scale centred on zero."""
    label, fmt = viz.MAP_METRICS[metric]
    a = viz.map_values(yours.regions, yours.sectors, metric, year)
    b = viz.map_values(reference.regions, reference.sectors, metric, year)
    gap = a.assign(value=a["value"] - b["value"].to_numpy())
    same = " (identical)" if np.allclose(gap["value"], 0) else ""
    return viz.province_map(gap, f"Yours − reference, {year}{same}", f"difference, {label}",
                            diverging=True, value_format=fmt, zoom=HALF_WIDTH_ZOOM)


@solara.component
def ComparePanel():
    """Runs the comparison whenever it is out of date while the tab is open."""
    preset, set_preset = solara.use_state("baseline")
    metric, set_metric = solara.use_state("output")
    yours = state.settings.value
    reference = reference_of(yours, preset)
    result = compare.latest  # the last comparison stays on screen while the next one runs

    def refresh():
        if not (isinstance(result, tuple) and (result[0].settings, result[1].settings) == (yours, reference)):
            compare(yours, reference)

    solara.use_effect(refresh, dependencies=[yours, reference])

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="16px"):
        solara.Select("Reference preset", values=list(PRESETS), value=preset, on_value=set_preset,
                      style={"max-width": "240px"})
        solara.Select("Map metric", values=list(METRICS), value=metric, on_value=set_metric,
                      style={"max-width": "240px"})
    changes = ", ".join(yours.changed_levers) or "no lever changes"
    solara.Text(f"Your scenario: preset {yours.preset} with {changes}. Reference: preset {preset}. "
                f"Both: seed {yours.seed}, {yours.n_firms:,} firms, {yours.years} years.", classes=["tsim-explain"])
    solara.ProgressLinear(compare.pending)
    if isinstance(result, str):
        solara.Error(result)
    elif result is not None:
        CompareCharts(*result, metric=metric)


@solara.component
def CompareCharts(yours: Snapshot, reference: Snapshot, metric: str):
    """Your map beside the difference map, then the differences over the years."""
    year, set_year = use_year(yours.year)
    YearSlider(yours.years, year, set_year)
    own_map = use_plot(lambda: map_figure(yours, metric, year, zoom=HALF_WIDTH_ZOOM), [yours, metric, year])
    gap_map = use_plot(lambda: difference_map(yours, reference, metric, year), [yours, reference, metric, year])
    labels = ("reference", "yours")
    shares = use_plot(lambda: viz.macro_share_difference(reference.regions, yours.regions, labels=labels),
                      [yours, reference])
    indicators = use_plot(lambda: viz.summary_difference(reference.summary, yours.summary, labels=labels),
                          [yours, reference])
    with solara.ColumnsResponsive(12, large=6):
        FigureCard(own_map, f"yours-{metric}-{year}")
        FigureCard(gap_map, f"difference-{metric}-{year}")
    with solara.ColumnsResponsive(12, large=6):
        FigureCard(shares, "difference-macro-shares")
        FigureCard(indicators, "difference-indicators")
