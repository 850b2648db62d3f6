"""An experiment's output directory, and resuming it.

    DIR/manifest.json          what ran, with which settings and versions, when, how it ended
    DIR/design.parquet         every planned run: id, scenario, replicate, seed, policy (an
                               optimization's search.parquet: its definition)
    DIR/runs/<run_id>.parquet  one file per finished run (see :mod:`.storage`)
    DIR/failures/<run_id>.json the error of each failed run
    DIR/<table>.parquet        all finished runs of one results table, in design order

Resuming skips the runs whose file exists, so no run is ever stored twice. A driver holds
``DIR/.lock`` while it writes, so two drivers never compute into one directory; what a
driver killed during its start leaves (the lock, temporary files, empty run folders) counts
as nothing.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa

from .errors import UserError
from .runner import Outcome
from .storage import (TABLES, TEMP_MARK, atomic_write, reading, remove_partial_files, unpack_run, write_frame,
                      write_json)

LOCK = ".lock"
WRITE_CHECK = ".write-check"
RUN_FOLDERS = ("runs", "failures")
#: What ``transfer-sim run`` writes: the results tables and its manifest.
RUN_FILES = frozenset({*(f"{name}.parquet" for name in TABLES), "manifest.json"})


class Store:
    def __init__(self, root: Path, design: str = "design.parquet"):
        self.root = Path(root)
        self.runs = self.root / "runs"
        self.failures = self.root / "failures"
        self.design = self.root / design
        self.manifest = self.root / "manifest.json"

    def check(self, design: pd.DataFrame, resume: bool) -> Store:
        """Refuse a directory that holds another experiment, or this one without ``resume``."""
        if self.design.exists():
            if not resume:
                raise UserError(f"{self.root}: already holds an experiment; continue it with --resume "
                                "or choose another --out")
            self._check_same_design(design)
        elif contents(self.root):
            raise UserError(f"{self.root}: is not empty and holds no experiment; choose a new or empty directory")
        return self

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
                path = self.runs / f"{run_id}.parquet"
                with reading(path):
                    unpacked = unpack_run(path, tables)
                for name, table in unpacked.items():
                    parts[name].append(table)
        return {name: pa.concat_tables(found, promote_options="default") for name, found in parts.items() if found}

    def consolidate(self, run_ids: list[str]) -> None:
        """Write ``DIR/<table>.parquet`` from the finished runs, in the order given."""
        for name, table in self.collect(run_ids).items():
            write_frame(self.root / f"{name}.parquet", table)


def contents(folder: Path) -> list[Path]:
    """What ``folder`` holds, less what a start-up leaves behind (see the module's docstring)."""
    if not folder.is_dir():
        return []
    return [path for path in folder.iterdir() if not _start_up_leftover(path)]


def _start_up_leftover(path: Path) -> bool:
    if path.name.startswith(TEMP_MARK) or path.name in (LOCK, WRITE_CHECK):
        return True
    return path.name in RUN_FOLDERS and path.is_dir() and not contents(path)


def check_run_folder(folder: Path, overwrite: bool) -> None:
    """Refuse a directory for ``transfer-sim run`` unless it is empty, or holds only the files
    of a run and ``overwrite`` is given."""
    held = sorted(path.name for path in contents(folder))
    if not held:
        return
    if not RUN_FILES.issuperset(held):
        raise UserError(f"{folder}: is not empty and holds no run output; choose a new or empty directory")
    if not overwrite:
        raise UserError(f"{folder}: holds the files of a run; replace them with --overwrite or choose "
                        "another --out")


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Create ``folder`` and hold its lock file, or fail with one line if another process holds it."""
    ensure_writable(folder)
    with (folder / LOCK).open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise UserError(f"{folder}: another transfer-sim is writing there (process {holder}); wait for it "
                            "to end or choose another --out") from None
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield


def ensure_writable(folder: Path) -> None:
    """Create ``folder`` or fail with one line saying why it cannot hold output."""
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder}: is a file, not a directory")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / WRITE_CHECK, b"")
        (folder / WRITE_CHECK).unlink()
    except OSError as error:
        raise UserError(f"{folder}: cannot write output there ({error.strerror or error})") from None
