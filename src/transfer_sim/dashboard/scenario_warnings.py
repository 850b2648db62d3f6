"""Settings the model accepts but that cannot do what they say, in words for the person who set them."""

from __future__ import annotations

import pandas as pd

from ..results import over_budget
from .settings import Problem, Settings, Words, problem


def scenario_warnings(settings: Settings, start_year: int) -> list[Problem]:
    """One warning per shock that falls outside the simulated years and so never happens."""
    last_year = start_year + settings.years
    warnings = []
    for shock in settings.policy.shocks:
        kind = Words(f"shock.{shock.kind}.label")
        if shock.year > last_year:
            warnings.append(problem("warning.shock_after_end", kind=kind, year=shock.year, last=last_year))
        elif shock.year + shock.duration <= start_year:
            warnings.append(problem("warning.shock_before_start", kind=kind, first=start_year))
    return warnings


def budget_warning(summary: pd.DataFrame, budget_pct_gdp: float) -> Problem | None:
    """The years whose net fiscal cost exceeds the budget (% of GDP) and the highest cost, or None."""
    if (found := over_budget(summary, budget_pct_gdp)) is None:
        return None
    return problem("warning.over_budget", cost=f"{found.cost:.2f}", budget=f"{budget_pct_gdp:g}",
                   over=found.over, years_run=found.years_run, years=found.years)
