"""What a worker does: simulate runs and hand back their files' bytes, never raising.

A run that raises becomes a failed :class:`Outcome` carrying its error, so one bad run
cannot stop a batch or a sweep. Workers return bytes and the driver writes them, so a
cluster needs no file system shared with the driver.
"""

from __future__ import annotations

import json
import time
import traceback
from dataclasses import asdict, dataclass, replace

import pandas as pd

from ..model import TransferModel
from ..params import EconomyParams
from ..policy import Policy
from .design import Run
from .storage import KEYS, TABLES, pack_run


@dataclass(frozen=True)
class Outcome:
    run_id: str
    data: bytes | None  # the run file, or None when the run failed
    error: str | None = None  # one line: exception type and message
    detail: str | None = None  # the traceback
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.data is not None


def simulate(run: Run, progress: bool = False) -> TransferModel:
    """The model of one run, run to its end."""
    params = replace(EconomyParams(), **json.loads(run.params)) if run.params else None
    model = TransferModel(policy=Policy.model_validate_json(run.policy), n_firms=run.firms,
                          seed=run.seed, start_year=run.start_year, params=params)
    model.run(run.years, progress=progress)
    return model


def tables(model: TransferModel) -> dict[str, pd.DataFrame]:
    return {name: getattr(model.results, name) for name in TABLES}


def run_batch(runs: list[Run]) -> list[Outcome]:
    """Simulate runs one after the other; failures are recorded, not raised."""
    outcomes = []
    for run in runs:
        start = time.perf_counter()
        try:
            data = pack_run({k: asdict(run)[k] for k in KEYS}, tables(simulate(run)))
        except Exception as error:  # noqa: BLE001 - a failed run is data, not a crash
            outcomes.append(Outcome(run.run_id, None, f"{type(error).__name__}: {error}",
                                    traceback.format_exc(), time.perf_counter() - start))
        else:
            outcomes.append(Outcome(run.run_id, data, seconds=time.perf_counter() - start))
    return outcomes
