"""Files a user can take away: the run's tables as CSV, each figure as HTML or PNG.

HTML embeds plotly.js, so an exported chart opens offline. PNG needs Kaleido and a
Chromium-based browser on the server; where either is missing the page offers HTML only.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache

import plotly.graph_objects as go

from .session import Snapshot


def figure_html(fig: go.Figure) -> str:
    """A standalone HTML page of the figure with plotly.js inside."""
    return fig.to_html(include_plotlyjs=True, full_html=True)


@cache
def png_available() -> bool:
    """Whether :func:`figure_png` can work here (checked once per process)."""
    try:
        import kaleido  # noqa: F401
        from choreographer.browsers.chromium import Chromium
    except ImportError:
        return False
    return Chromium.find_browser(skip_local=False) is not None


def figure_png(fig: go.Figure) -> bytes:
    """The figure rendered to PNG by Kaleido (a headless browser; seconds, not milliseconds)."""
    width = fig.layout.width or 1100
    return fig.to_image(format="png", width=width, height=fig.layout.height or 500, scale=1)


def table_csv(snapshot: Snapshot, name: str) -> str:
    """One tidy table of the snapshot as CSV text; a negative zero is written as 0.0."""
    table = snapshot.tables()[name]
    unsigned_zeros = {column: table[column] + 0.0 for column in table.select_dtypes("float").columns}
    return table.assign(**unsigned_zeros).to_csv(index=False)


def tables_zip(snapshot: Snapshot) -> bytes:
    """Every table of the snapshot as CSV, zipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in snapshot.tables():
            archive.writestr(f"{name}.csv", table_csv(snapshot, name))
    return buffer.getvalue()
