"""Files a user can take away: the run's tables as CSV, each figure as HTML or PNG, each with
its manifest (:mod:`.manifest`): preset, levers, seed, years, firms and package version.

HTML embeds plotly.js, so an exported chart opens offline. PNG needs Kaleido and a
Chromium-based browser on the server; where either is missing the page offers HTML only.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from functools import cache

import plotly.graph_objects as go
import plotly.io as pio

from .manifest import caption, manifest
from .session import Snapshot

#: Room at the foot of an exported chart for its manifest line (pixels).
CAPTION_ROOM = 30
MANIFEST_KEY = "transfer-sim"


def with_caption(fig: go.Figure, line: str) -> dict:
    """The figure as plotly data with ``line`` written small at its foot, below everything else."""
    spec = fig.to_plotly_json()
    layout = dict(spec["layout"])
    margin = {"l": 60, "r": 20, "t": 50, "b": 40, **layout.get("margin", {})}
    margin["b"] += CAPTION_ROOM
    layout["margin"] = margin
    layout["height"] = (layout.get("height") or 450) + CAPTION_ROOM
    layout["annotations"] = [*layout.get("annotations", []), {
        "text": line, "xref": "paper", "yref": "paper", "x": 0, "y": 0, "xanchor": "left", "yanchor": "bottom",
        "yshift": 4 - margin["b"], "showarrow": False, "font": {"size": 10, "color": "#666"}}]
    return {**spec, "layout": layout}


def figure_html(fig: go.Figure, facts: dict, lang: str = "en") -> str:
    """A standalone HTML page of the figure with plotly.js inside, its manifest ``facts`` written
    under the chart and kept as JSON in the page (``<script id="transfer-sim-manifest">``)."""
    page = pio.to_html(with_caption(fig, caption(facts, lang)), include_plotlyjs=True, full_html=True,
                       validate=False)
    data = json.dumps(facts, ensure_ascii=False).replace("</", "<\\/")
    tag = f'<script type="application/json" id="{MANIFEST_KEY}-manifest">{data}</script>'
    return page.replace("</body>", f"{tag}\n</body>", 1)


@cache
def png_available() -> bool:
    """Whether :func:`figure_png` can work here (checked once per process)."""
    try:
        import kaleido  # noqa: F401
        from choreographer.browsers.chromium import Chromium
    except ImportError:
        return False
    return Chromium.find_browser(skip_local=False) is not None


def figure_png(fig: go.Figure, facts: dict, lang: str = "en") -> bytes:
    """The figure rendered to PNG by Kaleido (a headless browser; seconds, not milliseconds), its
    manifest ``facts`` written under the chart and kept in the file as a text chunk."""
    spec = with_caption(fig, caption(facts, lang))
    image = pio.to_image(spec, format="png", width=fig.layout.width or 1100, height=spec["layout"]["height"],
                         scale=1, validate=False)
    return png_with_text(image, MANIFEST_KEY, json.dumps(facts))


def png_with_text(png: bytes, key: str, value: str) -> bytes:
    """The PNG with a ``tEXt`` chunk (Latin-1 text, here ASCII JSON) right after its header chunk."""
    body = key.encode("latin-1") + b"\0" + value.encode("latin-1")
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    header_end = 8 + 4 + 4 + 13 + 4  # signature, then IHDR: length, type, 13 bytes, CRC
    return png[:header_end] + chunk + png[header_end:]


def table_csv(snapshot: Snapshot, name: str) -> str:
    """One tidy table of the snapshot as CSV text; a negative zero is written as 0.0."""
    table = snapshot.tables()[name]
    unsigned_zeros = {column: table[column] + 0.0 for column in table.select_dtypes("float").columns}
    return table.assign(**unsigned_zeros).to_csv(index=False)


def table_download(snapshot: Snapshot, name: str, lang: str = "en") -> str:
    """One table as a CSV file whose first line, a ``#`` comment, is its manifest
    (``pandas.read_csv(path, comment="#")`` reads it)."""
    return f"# {caption(manifest(snapshot.settings), lang)}\n{table_csv(snapshot, name)}"


def tables_zip(snapshot: Snapshot) -> bytes:
    """Every table of the snapshot as CSV, with the run's ``manifest.json``, zipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in snapshot.tables():
            archive.writestr(f"{name}.csv", table_csv(snapshot, name))
        archive.writestr("manifest.json", json.dumps(manifest(snapshot.settings), ensure_ascii=False, indent=2))
    return buffer.getvalue()
