"""The About tab: what each lever means in the seed's words, and how to read each chart."""

from __future__ import annotations

from functools import cache

import solara

from ..policy import lever_label
from .settings import lever_specs, measures

READING_GUIDE = """
### How to read the charts

- **Map**: one colour per province for the chosen metric and year. *Land use / cap* is industrial
  land in use over the zoning cap; *net relocations* is firms moving in minus firms moving out that
  year (purple more in, orange more out); *sector share* is the chosen sector's share of the province's output.
  The China–Europe Railway Express (dark grey) and the Western Land–Sea New Corridor (green) run
  from their hubs to the border exits and ports (black dots). Red arrows are the largest
  province-to-province relocation flows since the start year, wider for more firms. Grey areas
  are not modelled. Hover over a province for its name and value; the colours keep their meaning
  across the years of a run, so moving the year slider shows change.
- **Trends**: each macro-region's share of national output and employment; the Theil index of
  value added per head split into inequality within and between the four macro-regions (stacked),
  with the coefficient of variation across provinces; firms relocating, entering and exiting each
  year; the fiscal cost of each paid lever (revenue, such as the cage fee, below zero).
- **Flows**: Sankey diagrams of relocations from the start year to the chosen year; origins on
  the left, destinations on the right, band width = firms.
- **Sectors**: each province's share of a sector's national output (columns add up to 100 %), and
  each sector's Herfindahl index over provinces (1/31 ≈ 0.03 is even, 1 is all in one province).
- **Compare**: the sidebar's scenario against a reference preset, both with the same seed, firms
  and years, so their difference is the levers' effect and not chance. Positive differences mean
  *your scenario has more*.
- **Theory lab**: the two-region textbook economy. Points are simulations; the line is the
  home-market effect the model should reproduce.

Every run starts in 2025 calibrated so that each province's share of value added equals its 2023
GDP share. Lever effects are indicative in size, tested in direction.
"""


@cache
def lever_guide() -> str:
    """Markdown: one section per measure, one entry per lever with the seed's words."""
    parts = ["### The levers\n\nEach lever changes one mechanism of the model; quotes are the "
             "policy essay's words the lever stands for.\n"]
    for measure in measures():
        parts.append(f"\n#### {measure}\n")
        for spec in lever_specs():
            if spec.measure == measure:
                quote = spec.seed if spec.seed.startswith('"') else f"“{spec.seed}”"
                parts.append(f"- **{lever_label(spec.name)}** (`{spec.name}`, {spec.unit}; "
                             f"default `{spec.default!r}`): "
                             f"{spec.mechanism}. *{quote}*")
    return "\n".join(parts)


@solara.component
def AboutPanel():
    """Text only: the lever guide is built from the policy's own descriptions."""
    with solara.Column(style={"max-width": "980px"}):
        solara.Markdown(READING_GUIDE)
        solara.Markdown(lever_guide())
