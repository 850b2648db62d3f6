"""One browser session's model and the immutable snapshots the page renders.

The page never reads the model: a run task steps it under :attr:`Simulation.lock` and
publishes :class:`Snapshot` objects, which hold per-year aggregates only (a few
thousand rows, whatever the number of firms) and are never changed after publication.
"""

from __future__ import annotations

import inspect
import threading
from dataclasses import dataclass

import pandas as pd

from ..model import TransferModel
from .settings import Settings

#: The tables a snapshot carries, as the model's results name them.
TABLES = ("regions", "sectors", "flows", "summary", "fiscal", "decomposition", "local_policy", "budgets")

#: The first simulated year, as the model defines it.
START_YEAR: int = inspect.signature(TransferModel).parameters["start_year"].default


@dataclass(frozen=True, eq=False)
class Snapshot:
    """A run's tables from its start year up to ``year``; copies, so the model cannot touch them.

    Compared by identity: each publication is a new object, which is what the page reacts to.
    """

    settings: Settings
    year: int
    start_year: int
    regions: pd.DataFrame
    sectors: pd.DataFrame
    flows: pd.DataFrame
    summary: pd.DataFrame
    fiscal: pd.DataFrame
    decomposition: pd.DataFrame
    local_policy: pd.DataFrame  # no rows for an economy without local governments
    budgets: pd.DataFrame

    @property
    def end_year(self) -> int:
        return self.start_year + self.settings.years

    @property
    def finished(self) -> bool:
        return self.year >= self.end_year

    @property
    def years(self) -> list[int]:
        return self.summary["year"].tolist()

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tidy tables by name, for export."""
        return {name: getattr(self, name) for name in TABLES}


def build_model(settings: Settings) -> TransferModel:
    """A China model at its start year for these settings."""
    return TransferModel(policy=settings.policy, n_firms=settings.n_firms, seed=settings.seed)


def take_snapshot(model: TransferModel, settings: Settings) -> Snapshot:
    """Copy the model's results as they stand (call with the model's lock held)."""
    return Snapshot(settings=settings, year=model.year, start_year=model.start_year,
                    **{name: getattr(model.results, name).copy() for name in TABLES})


class Simulation:
    """The model of one session; only the run task touches it, and only while holding ``lock``."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.settings: Settings | None = None
        self.model: TransferModel | None = None

    def rebuild(self, settings: Settings) -> None:
        """Start over at the start year (raises ValueError for settings the model rejects)."""
        self.model = build_model(settings)
        self.settings = settings

    @property
    def remaining(self) -> int:
        """Years left before the run reaches its last year."""
        if self.model is None or self.settings is None:
            return 0
        return self.model.start_year + self.settings.years - self.model.year

    def step(self) -> None:
        self.model.step()

    def snapshot(self) -> Snapshot:
        return take_snapshot(self.model, self.settings)


def run_to_end(settings: Settings) -> Snapshot:
    """A whole run in one go, for comparisons that need no watching."""
    model = build_model(settings)
    model.run(settings.years)
    return take_snapshot(model, settings)
