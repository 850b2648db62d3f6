"""Downloads of the run's tidy tables as CSV (figures have their own buttons)."""

from __future__ import annotations

import solara

from . import export, state
from .language import lang, tr
from .session import TABLES, Snapshot
from .widgets import use_latest_call


@solara.component
def ExportPanel():
    """Nothing to export before the first snapshot."""
    snap = state.snapshot.value
    if snap is not None:
        TableDownloads(snap)


@solara.component
def TableDownloads(snap: Snapshot):
    """Every table zipped, and each one alone; the files hold the run up to the shown year."""
    everything = use_latest_call(export.tables_zip, snap)
    solara.Text(tr("export.title", year=snap.year), classes=["tsim-section"])
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        solara.FileDownload(everything, filename="transfer-sim-tables.zip", label=tr("export.zip"),
                            mime_type="application/zip")
        for name in TABLES:
            TableDownload(snap, name)


@solara.component
def TableDownload(snap: Snapshot, name: str):
    """One table of the run as CSV."""
    table = use_latest_call(lambda shown: export.table_download(shown[0], name, shown[1]), (snap, lang()))
    solara.FileDownload(table, filename=f"{name}.csv", label=f"{name}.csv", mime_type="text/csv")
