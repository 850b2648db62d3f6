"""The line above the tabs: the simulated year, the run's progress and any problem to fix."""

from __future__ import annotations

import solara

from ..results import budget_warning
from . import state
from .scenario_warnings import scenario_warnings
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
                solara.Text("Year: ----", classes=["tsim-year"])
                solara.Text("preparing the model…")
            else:
                solara.Text(f"Year: {snap.year}", classes=["tsim-year"])
                YearShown(year=snap.year, event_shown=state.year_shown)
                s = snap.settings
                solara.Text(f"of {snap.start_year}–{snap.end_year} · preset {s.preset} · {s.n_firms:,} firms · "
                            f"seed {s.seed}" + (" · finished" if snap.finished else ""))
        solara.ProgressLinear((task.progress or True) if task.pending else False)  # False keeps its space
        if state.message.value:
            solara.Error(state.message.value, dense=True)
        for warning in scenario_warnings(state.settings.value, START_YEAR):
            solara.Warning(warning, dense=True)
        if snap is not None and (cost := budget_warning(snap.summary, snap.settings.policy.fiscal_budget_pct_gdp)):
            solara.Warning(f"Fiscal cost: {cost}. Raise the fiscal budget or use fewer paid levers.", dense=True,
                           classes=["tsim-budget"])
        if task.error:
            solara.Error(f"The run stopped: {type(task.exception).__name__}: {task.exception}", dense=True)
