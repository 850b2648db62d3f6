"""The Flows tab: where relocating firms come from and go to, as Sankey diagrams."""

from __future__ import annotations

import solara

from .. import viz
from .figure_card import FigureCard, use_plot
from .manifest import manifest
from .language import lang, tr
from .session import Snapshot
from .widgets import CommitSlider, YearSlider, use_year


@solara.component
def FlowsPanel(snap: Snapshot):
    """Flows summed from the first simulated year to the chosen one, so small yearly counts add up."""
    year, set_year = use_year(snap.year)
    top, set_top = solara.use_state(15)
    first = snap.start_year + 1
    language = lang()
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="16px"):
        YearSlider(snap.years, year, set_year, label=tr("flows.from_to", first=first))
        with solara.Row(style={"align-items": "center", "min-width": "260px"}):
            solara.Text(tr("flows.pairs", top=top), style={"white-space": "nowrap"})
            CommitSlider(top, 5, 40, 1, set_top)
    upto = snap.flows[snap.flows["year"] <= year]
    macro = use_plot(lambda: viz.sankey_figure(upto, snap.regions, "macro", lang=language), [snap, year, language])
    provinces = use_plot(lambda: viz.sankey_figure(upto, snap.regions, "province", top=top, lang=language),
                         [snap, year, top, language])
    with solara.ColumnsResponsive(12, large=6):
        FigureCard(macro, f"flows-macro-{year}", manifest(snap.settings))
        FigureCard(provinces, f"flows-province-{year}", manifest(snap.settings))
