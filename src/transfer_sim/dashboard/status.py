"""The line above the tabs: the simulated year, the run's progress and any problem to fix."""

from __future__ import annotations

import solara

from . import state
from .language import lang, tr
from .playback import PlayControls
from .scenario_warnings import budget_warning, scenario_warnings
from .session import START_YEAR
from .year_shown import YearShown


@solara.component
def Status():
    """Always on screen, whatever the tab: ``Year: YYYY``, the run's progress, readable problems
    and settings that cannot take effect."""
    snap = state.snapshot.value
    task = state.advance
    with solara.Column(gap="4px", classes=["tsim-status"]):
        with solara.Row(style={"align-items": "baseline", "flex-wrap": "wrap"}):
            if snap is None:
                solara.Text(tr("status.year", year="----"), classes=["tsim-year"])
                solara.Text(tr("status.preparing"))
            else:
                solara.Text(tr("status.year", year=snap.year), classes=["tsim-year"])
                YearShown(year=snap.year, event_shown=state.year_shown)
                s = snap.settings
                solara.Text(tr("status.run", first=snap.start_year, last=snap.end_year,
                               preset=tr(f"preset.{s.preset}.title"), firms=f"{s.n_firms:,}", seed=s.seed)
                            + (tr("status.finished") if snap.finished else ""))
                PlayControls()
        solara.ProgressLinear((task.progress or True) if task.pending else False)  # False keeps its space
        if state.message.value is not None:
            solara.Error(state.message.value.words(lang()), dense=True)
        for warning in scenario_warnings(state.settings.value, START_YEAR):
            solara.Warning(warning.words(lang()), dense=True)
        if snap is not None and (cost := budget_warning(snap.summary, snap.settings.policy.fiscal_budget_pct_gdp)):
            solara.Warning(cost.words(lang()), dense=True, classes=["tsim-budget"])
        if task.error:
            solara.Error(tr("status.run_stopped", error=f"{type(task.exception).__name__}: {task.exception}"),
                         dense=True)
