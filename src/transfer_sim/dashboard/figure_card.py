"""A chart with its download buttons, the one way every panel shows a figure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import plotly.graph_objects as go
import solara

from . import export
from .assets import PLOTLY_JS
from .language import lang
from .plotly_view import PlotlyView
from .projector import chart_scale
from .widgets import use_latest_call


@dataclass(frozen=True, eq=False)
class Plot:
    """A figure and its JSON, compared by identity: components compare their arguments with
    ``==``, which for a Plotly figure serialises both (most of a second for the map)."""

    figure: go.Figure
    json: str = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "json", self.figure.to_json())


def use_plot(build: Callable[[], go.Figure], dependencies: list) -> Plot:
    """Build a figure only when its inputs change (a hook: call it unconditionally)."""
    return solara.use_memo(lambda: Plot(build()), dependencies=dependencies)


@solara.component
def FigureCard(plot: Plot, name: str, facts: dict):
    """The figure drawn full width, with HTML (and PNG where possible) downloads named ``name``
    that carry the manifest ``facts`` of what the figure shows (see :mod:`.manifest`)."""
    now = (plot, facts, lang())
    html = use_latest_call(lambda shown: export.figure_html(shown[0].figure, *shown[1:]), now)
    png = use_latest_call(lambda shown: export.figure_png(shown[0].figure, *shown[1:]), now)
    with solara.Column(gap="0px", classes=["tsim-figure"], style={"width": "100%"}):
        PlotlyView(figure=plot.json, script=PLOTLY_JS, scale=chart_scale())
        with solara.Row(justify="end", gap="4px"):
            solara.FileDownload(html, filename=f"{name}.html", label="HTML", mime_type="text/html")
            if export.png_available():
                solara.FileDownload(png, filename=f"{name}.png", label="PNG", mime_type="image/png")
