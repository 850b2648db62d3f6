"""The Compare tab: the sidebar's scenario against a reference preset, same seed and size."""

from __future__ import annotations

import solara

from .. import province_map as pm
from .. import viz
from ..i18n import text
from ..policy import PRESETS
from . import state
from .comparison import MANY_SEEDS, Comparison, compare, default_reference, reference_of
from .figure_card import FigureCard, use_plot
from .language import lang, tr
from .manifest import manifest
from .map_panel import map_figure
from .pareto_picker import ParetoPicker
from .session import Snapshot
from .settings import Problem
from .widgets import YearSlider, use_year

METRICS = ("output", "employment", "firms", "gdp_per_capita", "wage", "land_use")


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


def seeds_text(first: int, seeds: int) -> str:
    if seeds == 1:
        return tr("compare.one_seed", seed=first)
    return tr("compare.many_seeds", first=first, last=first + seeds - 1)


@solara.component
def ComparePanel():
    """Runs the comparison whenever it is out of date while the tab is open."""
    yours = state.settings.value
    preset = state.compare_reference.value or default_reference(yours)
    seeds = state.compare_seeds.value
    metric = state.compare_metric.value
    reference = reference_of(yours, preset)
    same = reference.policy == yours.policy
    result = compare.latest  # the last comparison stays on screen while the next one runs

    def refresh():
        current = isinstance(result, Comparison) and result.answers(yours, reference, seeds)
        if not same and not current:
            compare(yours, reference, seeds)

    solara.use_effect(refresh, dependencies=[yours, reference, seeds])

    titles = {tr(f"preset.{name}.title"): name for name in PRESETS}
    metrics = {tr(f"metric.{m}"): m for m in METRICS}
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="16px"):
        solara.Select(tr("compare.reference"), values=list(titles), value=tr(f"preset.{preset}.title"),
                      on_value=lambda title: state.compare_reference.set(titles[title]), style={"max-width": "300px"})
        solara.Select(tr("compare.metric"), values=list(metrics), value=tr(f"metric.{metric}"),
                      on_value=lambda label: state.compare_metric.set(metrics[label]), style={"max-width": "300px"})
        solara.Checkbox(label=tr("compare.seeds_option", n=MANY_SEEDS), value=seeds > 1,
                        on_value=lambda on: state.compare_seeds.set(MANY_SEEDS if on else 1))
    ParetoPicker()
    solara.Text(tr("compare.both", yours=yours.title(lang()), reference=tr(f"preset.{preset}.title"),
                   seeds=seeds_text(yours.seed, seeds), firms=f"{yours.n_firms:,}", years=yours.years),
                classes=["tsim-explain"])
    if same:
        solara.Info(tr("compare.same"), dense=True)
        return
    solara.ProgressLinear((compare.progress or True) if compare.pending else False)
    if isinstance(result, Problem):
        solara.Error(result.words(lang()))
    elif result is not None:
        CompareCharts(result, metric=metric)


@solara.component
def CompareCharts(result: Comparison, metric: str):
    """Your map beside the difference map (the sidebar's seed), then the differences over the
    years (the mean over the seeds, with its band when there are several)."""
    yours, reference = result.yours, result.reference
    year, set_year = use_year(yours.year)
    language = lang()
    YearSlider(yours.years, year, set_year)
    own_title = tr("compare.yours_title", scenario=yours.settings.title(language))
    own_map = use_plot(lambda: map_figure(yours, metric, year, title=own_title, lang=language),
                       [yours, metric, year, language])
    gap_map = use_plot(lambda: difference_map(yours, reference, metric, year, language),
                       [yours, reference, metric, year, language])
    labels = (tr("compare.reference_short"), tr("compare.yours_short"))
    shares = use_plot(lambda: viz.macro_share_difference(list(result.regions), labels=labels, lang=language),
                      [result, language])
    indicators = use_plot(lambda: viz.summary_difference(list(result.summaries), labels=labels, lang=language),
                          [result, language])
    facts = manifest(yours.settings, reference=reference.settings.preset)
    with solara.ColumnsResponsive(12, large=6):
        FigureCard(own_map, f"yours-{metric}-{year}", manifest(yours.settings))
        FigureCard(gap_map, f"difference-{metric}-{year}", facts)
    with solara.ColumnsResponsive(12, large=6):
        FigureCard(shares, "difference-macro-shares", {**facts, "seeds": result.seeds})
        FigureCard(indicators, "difference-indicators", {**facts, "seeds": result.seeds})
