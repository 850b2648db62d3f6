"""Projector mode: every text of the page and its charts larger, and one chart to a row, for a
projector or a large room."""

from __future__ import annotations

import solara

from . import state
from .language import tr

#: How much larger chart texts are drawn (the page's own texts grow with the root font size).
CHART_SCALE = 1.35
STYLE = """
html { font-size: 20px !important; }
.v-application .v-input, .v-application .v-label, .v-application .v-select__selection,
.v-application .v-expansion-panel-header { font-size: 1rem; }
.tsim-explain, .tsim-warning { font-size: 0.9rem; }
.v-content .col-lg-6, .v-content .col-xl-4 { flex: 0 0 100%; max-width: 100%; }
.v-tab { letter-spacing: normal; text-transform: none; }
"""


def chart_scale() -> float:
    return CHART_SCALE if state.projector.value else 1.0


@solara.component
def ProjectorStyle():
    """The larger texts and the one-column charts while projector mode is on."""
    if state.projector.value:
        solara.Style(STYLE)


@solara.component
def ProjectorSwitch():
    """Projector mode on and off, from the top bar."""
    on = state.projector.value
    solara.Button(tr("page.projector"), icon_name="mdi-projector-screen", text=True, small=True, dark=True,
                  outlined=on, on_click=lambda: state.projector.set(not on),
                  attributes={"title": tr("page.projector_hint"), "aria-pressed": str(on).lower()},
                  classes=["tsim-projector"])
