"""The Compare tab: the sidebar's scenario against a reference preset, same seed and size."""

from __future__ import annotations

from dataclasses import replace

import solara
import solara.lab

from .. import province_map as pm
from .. import viz
from ..i18n import text
from ..policy import PRESETS, Policy
from . import state
from .figure_card import FigureCard, use_plot
from .manifest import manifest
from .language import lang, tr
from .map_panel import map_figure
from .session import Snapshot, run_to_end
from .settings import Problem, Settings, problem
from .widgets import YearSlider, use_year

METRICS = ("output", "employment", "firms", "gdp_per_capita", "wage", "land_use")
#: The reference when the sidebar shows the baseline itself: the plan's measures together.
REFERENCE_FOR_BASELINE = "fifteenth_plan"


def reference_of(settings: Settings, preset: str) -> Settings:
    """The reference scenario: a preset with the same years, firms and seed (common random numbers)."""
    return replace(settings, preset=preset, policy=Policy.preset(preset))


def default_reference(settings: Settings) -> str:
    """The baseline, unless the sidebar's scenario is the baseline: a run against itself shows nothing."""
    return REFERENCE_FOR_BASELINE if settings.policy == Policy.preset("baseline") else "baseline"


@solara.lab.task(prefer_threaded=True)
def compare(yours: Settings, reference: Settings) -> tuple[Snapshot, Snapshot] | Problem:
    """Both runs to their last year; a readable problem instead when the model rejects the settings."""
    try:
        return run_to_end(yours), run_to_end(reference)
    except ValueError as error:
        return problem("error.compare", detail=error)


def difference_map(yours: Snapshot, reference: Snapshot, metric: str, year: int, lang: str = "en"):
    """Yours minus the reference per province, on a scale centred on zero and fixed over the years."""
    label = text(f"metric.{metric}", lang)

    def gap(at: int):
        a = pm.map_values(yours.regions, yours.sectors, metric, at)
        b = pm.map_values(reference.regions, reference.sectors, metric, at)
        return a.assign(value=a["value"] - b["value"].to_numpy())

    title = text("compare.difference_title", lang, reference=text(f"preset.{reference.settings.preset}.title", lang),
                 metric=label, year=year)
    return pm.province_map(gap(year), title, text("compare.difference_label", lang, metric=label),
                           scale="difference", value_format=pm.MAP_METRICS[metric], lang=lang,
                           colour_range=pm.common_range([gap(y) for y in yours.years], centred=True))


@solara.component
def ComparePanel():
    """Runs the comparison whenever it is out of date while the tab is open."""
    yours = state.settings.value
    preset = state.compare_reference.value or default_reference(yours)
    metric, set_metric = solara.use_state("output")
    reference = reference_of(yours, preset)
    same = reference.policy == yours.policy
    result = compare.latest  # the last comparison stays on screen while the next one runs

    def refresh():
        current = isinstance(result, tuple) and (result[0].settings, result[1].settings) == (yours, reference)
        if not same and not current:
            compare(yours, reference)

    solara.use_effect(refresh, dependencies=[yours, reference])

    titles = {tr(f"preset.{name}.title"): name for name in PRESETS}
    metrics = {tr(f"metric.{m}"): m for m in METRICS}
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="16px"):
        solara.Select(tr("compare.reference"), values=list(titles), value=tr(f"preset.{preset}.title"),
                      on_value=lambda title: state.compare_reference.set(titles[title]), style={"max-width": "300px"})
        solara.Select(tr("compare.metric"), values=list(metrics), value=tr(f"metric.{metric}"),
                      on_value=lambda label: set_metric(metrics[label]), style={"max-width": "300px"})
    solara.Text(tr("compare.both", yours=yours.title(lang()), reference=tr(f"preset.{preset}.title"),
                   seed=yours.seed, firms=f"{yours.n_firms:,}", years=yours.years), classes=["tsim-explain"])
    if same:
        solara.Info(tr("compare.same"), dense=True)
        return
    solara.ProgressLinear(compare.pending)
    if isinstance(result, Problem):
        solara.Error(result.words(lang()))
    elif result is not None:
        CompareCharts(*result, metric=metric)


@solara.component
def CompareCharts(yours: Snapshot, reference: Snapshot, metric: str):
    """Your map beside the difference map, then the differences over the years."""
    year, set_year = use_year(yours.year)
    language = lang()
    YearSlider(yours.years, year, set_year)
    own_title = tr("compare.yours_title", scenario=yours.settings.title(language))
    own_map = use_plot(lambda: map_figure(yours, metric, year, title=own_title, lang=language),
                       [yours, metric, year, language])
    gap_map = use_plot(lambda: difference_map(yours, reference, metric, year, language),
                       [yours, reference, metric, year, language])
    labels = (tr("compare.reference_short"), tr("compare.yours_short"))
    shares = use_plot(lambda: viz.macro_share_difference(reference.regions, yours.regions, labels=labels,
                                                         lang=language), [yours, reference, language])
    indicators = use_plot(lambda: viz.summary_difference(reference.summary, yours.summary, labels=labels,
                                                         lang=language), [yours, reference, language])
    facts = manifest(yours.settings, reference=reference.settings.preset)
    with solara.ColumnsResponsive(12, large=6):
        FigureCard(own_map, f"yours-{metric}-{year}", manifest(yours.settings))
        FigureCard(gap_map, f"difference-{metric}-{year}", facts)
    with solara.ColumnsResponsive(12, large=6):
        FigureCard(shares, "difference-macro-shares", facts)
        FigureCard(indicators, "difference-indicators", facts)
