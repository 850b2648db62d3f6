"""The Compare tab's runs: the sidebar's scenario and a reference preset, with the same years,
firms and seeds (common random numbers), for one seed or several."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import solara.lab

from ..policy import Policy
from .session import Snapshot, run_to_end
from .settings import Problem, Settings, problem

#: The reference when the sidebar shows the baseline itself: the plan's measures together.
REFERENCE_FOR_BASELINE = "fifteenth_plan"
#: Seeds per scenario when Compare shows the uncertainty.
MANY_SEEDS = 5


def reference_of(settings: Settings, preset: str) -> Settings:
    """The reference scenario: a preset with the same years, firms and seed (common random numbers)."""
    return replace(settings, preset=preset, policy=Policy.preset(preset))


def default_reference(settings: Settings) -> str:
    """The baseline, unless the sidebar's scenario is the baseline: a run against itself shows nothing."""
    return REFERENCE_FOR_BASELINE if settings.policy == Policy.preset("baseline") else "baseline"


@dataclass(frozen=True, eq=False)
class Comparison:
    """Both scenarios run to their end for each seed: the sidebar's seed and the next ones."""

    yours: Snapshot  # the sidebar's seed, which the maps show
    reference: Snapshot
    regions: tuple[tuple[pd.DataFrame, pd.DataFrame], ...]  # (reference, yours) per seed
    summaries: tuple[tuple[pd.DataFrame, pd.DataFrame], ...]

    @property
    def seeds(self) -> int:
        return len(self.regions)

    def answers(self, yours: Settings, reference: Settings, seeds: int) -> bool:
        return (self.yours.settings, self.reference.settings, self.seeds) == (yours, reference, seeds)


@solara.lab.task(prefer_threaded=True)
def compare(yours: Settings, reference: Settings, seeds: int = 1) -> Comparison | Problem | None:
    """Both scenarios to their last year for ``seeds`` seeds, the same seeds in both, with progress;
    a readable problem instead when the model rejects the settings (None when a newer comparison
    took its place)."""
    runs = []
    try:
        for k in range(seeds):
            pair = [run_to_end(settings.with_run("seed", settings.seed + k)) for settings in (reference, yours)]
            if not compare.is_current():
                return None
            runs.append(pair)
            compare.progress = 100 * (k + 1) / seeds
    except ValueError as error:
        return problem("error.compare", detail=error)
    (theirs, mine), *_ = runs
    return Comparison(yours=mine, reference=theirs, regions=tuple((a.regions, b.regions) for a, b in runs),
                      summaries=tuple((a.summary, b.summary) for a, b in runs))
