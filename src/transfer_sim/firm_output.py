"""Firm-level output on request: one Parquet file per simulated year, streamed to disk.

The model keeps only per-year aggregates in memory; a user who wants every firm's state
passes ``firm_output=DIRECTORY`` and reads it back with ``pandas.read_parquet(DIRECTORY)``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .population import FirmPopulation


class FirmWriter:
    """Writes ``firms-YEAR.parquet`` files atomically (temporary file, then rename)."""

    def __init__(self, directory, region_names, sector_names):
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            probe = self.directory / ".write-test"
            probe.touch()
            probe.unlink()
        except OSError as error:
            raise ValueError(f"firm_output: cannot write to {str(self.directory)!r} ({error.strerror})") from None
        self._regions = pa.array(region_names)
        self._sectors = pa.array(sector_names)

    def write(self, year: int, firms: FirmPopulation, employment) -> Path:
        """Stream one year's firms; ``employment`` is every firm's workers, in row order."""
        table = pa.table({
            "year": pa.array([year] * firms.count, pa.int16()),
            "firm_id": firms.id,
            "sector": pa.DictionaryArray.from_arrays(firms.sector.astype("int32"), self._sectors),
            "region": pa.DictionaryArray.from_arrays(firms.region.astype("int32"), self._regions),
            "origin": pa.DictionaryArray.from_arrays(firms.origin.astype("int32"), self._regions),
            "size": firms.size,
            "employment": employment,
            "land": firms.land,
            "output": firms.revenue,
            "profit": firms.profit,
            "moves": firms.moves,
            "birth_year": firms.birth_year,
        })
        path = self.directory / f"firms-{year}.parquet"
        partial = path.with_suffix(".parquet.partial")
        pq.write_table(table, partial)
        os.replace(partial, path)
        return path
