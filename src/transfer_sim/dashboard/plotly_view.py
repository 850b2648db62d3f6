"""A Plotly figure drawn in the browser by one shared copy of plotly.js.

Plotly's own widget sends its 5 MB JavaScript bundle with every chart it opens, which
made a tab of four charts take seconds to appear; this component sends only the figure.
The page loads plotly.js once, from the offline asset cache (see :mod:`.assets`).
"""

from __future__ import annotations

import solara


@solara.component_vue("plotly_view.vue")
def PlotlyView(figure: str, script: str, scale: float = 1.0):
    """``figure``: the figure as JSON; ``script``: plotly.js' path in the asset cache; ``scale``:
    how much larger than built its texts are drawn (projector mode)."""
