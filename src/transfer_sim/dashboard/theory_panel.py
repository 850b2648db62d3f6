"""The Theory lab tab: sliders for s_E, φ and the logit sharpness; simulation against the formula."""

from __future__ import annotations

import solara
import solara.lab

from .. import viz
from ..textbook import home_market_share
from . import state
from .figure_card import FigureCard, use_plot
from .language import lang, tr
from .theory import Superseded, home_market_experiment, theory_manifest
from .widgets import CommitSlider


#: The knobs in the order of ``state.theory_knobs``: name -> (lowest, highest, step).
KNOBS = {"s_e": (0.5, 0.8, 0.01), "phi": (0.05, 0.9, 0.05), "beta": (1.0, 300.0, 1.0)}


@solara.lab.task(prefer_threaded=True)
def experiment(s_e: float, phi: float, beta: float):
    """Runs in the background (about a second): the grid of two-region economies for these knobs.

    A call the knobs have moved past stops at its next run, so that a slider moved step by step
    (by keyboard, say) does not leave a run per step competing for the server's cores.
    """
    try:
        return (s_e, phi, beta), home_market_experiment(s_e, phi, beta, still_wanted=experiment.is_current)
    except Superseded:
        raise solara.util.CancelledError() from None  # the task drops a cancelled call's result


@solara.component
def Knob(label: str, value: float, low: float, high: float, step: float, on_value):
    """A named slider with its value written out."""
    with solara.Row(style={"align-items": "center", "min-width": "280px", "flex": "1"}, classes=["tsim-knob"]):
        solara.Text(f"{label} = {value:g}", style={"white-space": "nowrap", "min-width": "120px"})
        CommitSlider(value, low, high, step, on_value)


@solara.component
def TheoryPanel():
    """The knobs are the session's (a lesson step sets them too); each change reruns the
    experiment, and the last result stays up meanwhile."""
    s_e, phi, beta = knobs = state.theory_knobs.value

    def knob(index: int):
        return lambda value: state.theory_knobs.set(tuple(value if i == index else k
                                                          for i, k in enumerate(knobs)))

    done = experiment.latest

    def refresh():
        if done is None or done[0] != (s_e, phi, beta):
            experiment(s_e, phi, beta)

    solara.use_effect(refresh, dependencies=[s_e, phi, beta])

    solara.Markdown(tr("theory.explain"))
    with solara.Row(style={"flex-wrap": "wrap"}, gap="24px"):
        for index, (name, limits) in enumerate(KNOBS.items()):
            Knob(tr(f"theory.{name}"), knobs[index], *limits, knob(index))
    solara.ProgressLinear(experiment.pending)
    if experiment.latest is not None:  # the last finished experiment stays up while the next one runs
        TheoryCharts(*experiment.latest)


@solara.component
def TheoryCharts(knobs: tuple[float, float, float], outcome):
    """The finished experiment: the grid at rest against the formula, and the chosen run's path."""
    s_e, phi, _ = knobs
    language = lang()
    effect = use_plot(lambda: viz.home_market_figure(outcome.points, phi, chosen=round(s_e, 2), lang=language),
                      [knobs, outcome, language])
    path_plot = use_plot(lambda: viz.share_path_figure(outcome.path, "Region 1", home_market_share(s_e, phi),
                                                       lang=language, shown_as=tr("theory.region_1")),
                         [knobs, outcome, language])
    if not outcome.settled:
        solara.Warning(tr("theory.not_settled"))
    facts = theory_manifest(*knobs)
    with solara.ColumnsResponsive(12, large=6):
        FigureCard(effect, "home-market-effect", facts)
        FigureCard(path_plot, "home-market-path", facts)
