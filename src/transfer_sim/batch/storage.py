"""Crash-safe files: atomic writes, and one self-contained Parquet file per run.

A file appears under its final name complete or not at all (temporary file in the same
directory -> fsync -> ``os.replace``), so an interrupted sweep never leaves half a file,
and "the run's file exists" is a sound test for "the run is done".

A run file is one row: the run's keys (run_id, scenario, replicate, seed) and one column
per results table holding that table as a list of records, so the tables keep their exact
types. :func:`unpack_run` gives the tables back; in DuckDB,
``SELECT run_id, unnest(summary, recursive := true) FROM 'runs/*.parquet'``.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import UserError

#: The results tables a run stores; stores written before ``local_policy`` and ``budgets`` lack them.
TABLES = ("summary", "regions", "sectors", "flows", "fiscal", "local_policy", "budgets")
KEYS = ("run_id", "scenario", "replicate", "seed")
TEMP_MARK = ".partial-"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one."""
    path = Path(path)
    temp = path.with_name(f"{TEMP_MARK}{os.getpid()}-{path.name}")
    try:
        with temp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn a missing or damaged file of an output directory into a :class:`UserError` naming it."""
    try:
        yield
    except FileNotFoundError:
        raise UserError(f"{path}: missing; the directory is incomplete") from None
    except (OSError, ValueError, pa.ArrowException) as error:  # JSON and Arrow errors are ValueErrors
        raise UserError(f"{path}: unreadable ({' '.join(str(error).split())})") from None


def remove_partial_files(folder: Path) -> int:
    """Delete temporary files a killed process left behind; returns how many."""
    stale = list(Path(folder).glob(f"{TEMP_MARK}*"))
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


def parquet_bytes(table: pa.Table | pd.DataFrame) -> bytes:
    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table, preserve_index=False)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def write_frame(path: Path, frame: pa.Table | pd.DataFrame) -> None:
    atomic_write(path, parquet_bytes(frame))


def write_json(path: Path, content: dict) -> None:
    atomic_write(path, (json.dumps(content, indent=2, default=str) + "\n").encode())


def pack_run(keys: dict, tables: dict[str, pd.DataFrame]) -> bytes:
    """A run's keys and tables as the bytes of its one-row Parquet file."""
    columns = {k: [keys[k]] for k in KEYS}
    for name in TABLES:
        records = pa.Table.from_pandas(tables[name], preserve_index=False).to_struct_array().combine_chunks()
        columns[name] = pa.ListArray.from_arrays(pa.array([0, len(records)], pa.int32()), records)
    return parquet_bytes(pa.table(columns))


def unpack_run(path: Path, tables=TABLES) -> dict[str, pa.Table]:
    """The tables of a run file among ``tables``, each with the run's keys as leading columns
    (a table the file does not hold, as in older stores, is left out)."""
    held = [name for name in tables if name in pq.read_schema(path).names]
    row = pq.read_table(path, columns=[*KEYS, *held])
    out = {}
    for name in held:
        table = pa.Table.from_struct_array(row.column(name).combine_chunks().flatten())
        for i, key in enumerate(KEYS):
            table = table.add_column(i, key, pa.repeat(row.column(key)[0], len(table)))
        out[name] = table
    return out
