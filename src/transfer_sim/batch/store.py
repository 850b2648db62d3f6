"""An experiment's output directory, and resuming it.

    DIR/manifest.json          what ran, with which settings and versions, when, how it ended
    DIR/design.parquet         every planned run: id, scenario, replicate, seed, policy
    DIR/runs/<run_id>.parquet  one file per finished run (see :mod:`.storage`)
    DIR/failures/<run_id>.json the error of each failed run
    DIR/<table>.parquet        all finished runs of one results table, in design order

Resuming skips the runs whose file exists, so no run is ever stored twice.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from .errors import UserError
from .runner import Outcome
from .storage import TABLES, TEMP_MARK, atomic_write, remove_partial_files, unpack_run, write_frame, write_json


class Store:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.runs = self.root / "runs"
        self.failures = self.root / "failures"
        self.design = self.root / "design.parquet"
        self.manifest = self.root / "manifest.json"

    @classmethod
    def check(cls, root: Path, design: pd.DataFrame, resume: bool) -> Store:
        """Refuse a directory that holds another experiment, or this one without ``resume``."""
        store = cls(root)
        if store.design.exists():
            if not resume:
                raise UserError(f"{root}: already holds an experiment; continue it with --resume "
                                "or choose another --out")
            store._check_same_design(design)
        elif store.root.is_dir() and any(store.root.iterdir()):
            raise UserError(f"{root}: is not empty and holds no experiment; choose a new or empty directory")
        return store

    def start(self, design: pd.DataFrame) -> None:
        """Create the layout, clear what a killed process left half-written, record the design."""
        ensure_writable(self.root)
        for folder in (self.runs, self.failures):
            folder.mkdir(exist_ok=True)
            remove_partial_files(folder)
        remove_partial_files(self.root)
        write_frame(self.design, design)

    def _check_same_design(self, design: pd.DataFrame) -> None:
        stored = pd.read_parquet(self.design)
        try:
            pd.testing.assert_frame_equal(stored, design, check_dtype=False, check_exact=True)
        except AssertionError:
            raise UserError(
                f"{self.root}: holds another design ({len(stored)} runs; this one has {len(design)}, "
                "or other settings); resume with the same file and options, or choose another --out"
            ) from None

    def finished(self) -> set[str]:
        return {p.stem for p in self.runs.glob("*.parquet") if not p.name.startswith(TEMP_MARK)}

    def failed(self) -> set[str]:
        return {p.stem for p in self.failures.glob("*.json") if not p.name.startswith(TEMP_MARK)}

    def save(self, outcome: Outcome) -> None:
        """Store a run's file, or its error; a success clears an earlier failure."""
        if outcome.ok:
            atomic_write(self.runs / f"{outcome.run_id}.parquet", outcome.data)
            (self.failures / f"{outcome.run_id}.json").unlink(missing_ok=True)
        else:
            write_json(self.failures / f"{outcome.run_id}.json",
                       {"run_id": outcome.run_id, "error": outcome.error, "traceback": outcome.detail})

    def collect(self, run_ids: list[str], tables=TABLES) -> dict[str, pa.Table]:
        """The tables of the finished runs among ``run_ids``, stacked in that order."""
        done = self.finished()
        parts: dict[str, list[pa.Table]] = {name: [] for name in tables}
        for run_id in run_ids:
            if run_id in done:
                for name, table in unpack_run(self.runs / f"{run_id}.parquet", tables).items():
                    parts[name].append(table)
        return {name: pa.concat_tables(found, promote_options="default") for name, found in parts.items() if found}

    def consolidate(self, run_ids: list[str]) -> None:
        """Write ``DIR/<table>.parquet`` from the finished runs, in the order given."""
        for name, table in self.collect(run_ids).items():
            write_frame(self.root / f"{name}.parquet", table)


def ensure_writable(folder: Path) -> None:
    """Create ``folder`` or fail with one line saying why it cannot hold output."""
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder}: is a file, not a directory")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / ".write-check", b"")
        (folder / ".write-check").unlink()
    except OSError as error:
        raise UserError(f"{folder}: cannot write output there ({error.strerror or error})") from None
