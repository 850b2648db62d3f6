"""The whole game as files the teacher takes away: one zip of CSV or of Parquet tables."""

from __future__ import annotations

import io
import zipfile

import pandas as pd

#: The file formats of an export: name -> (file suffix, how a table is written to bytes).
FORMATS = {
    "csv": (".csv", lambda table: table.to_csv(index=False).encode("utf-8")),
    "parquet": (".parquet", lambda table: table.to_parquet(index=False)),
}


def game_zip(tables: dict[str, pd.DataFrame], kind: str) -> bytes:
    """Every table (:meth:`~.game.Classroom.export`) as one file of the format ``kind``, zipped."""
    suffix, write = FORMATS[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, table in tables.items():
            archive.writestr(f"{name}{suffix}", write(table))
    return buffer.getvalue()
