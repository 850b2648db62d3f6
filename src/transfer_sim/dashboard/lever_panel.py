"""Every policy lever, grouped under the seed's measures, zones and shocks."""

from __future__ import annotations

from typing import Callable

import reacton.ipyvuetify as v
import solara

from ..policy import Policy
from .language import tr
from .lever_inputs import LeverInput
from .settings import lever_specs, measures
from .shock_inputs import ShockInputs


@solara.component
def LeverPanel(policy: Policy, first_year: int, last_year: int, on_lever: Callable[[str, object], None],
               revision: int = 0):
    """One collapsible group per measure; ``on_lever(name, value)`` receives each change.

    A new ``revision`` redraws every input from ``policy``: after a rejected change, an input
    shows the value in force again instead of the one typed or picked.
    """
    opened, set_opened = solara.use_state([])  # which groups are open, kept across restarts
    with v.ExpansionPanels(v_model=opened, on_v_model=set_opened, multiple=True, accordion=True,
                           class_="tsim-levers"):
        for measure in measures():
            specs = [s for s in lever_specs() if s.measure == measure]
            with v.ExpansionPanel():
                v.ExpansionPanelHeader(children=[f"{tr(f'measure.{measure}')} ({len(specs)})"], class_="tsim-measure")
                with v.ExpansionPanelContent():
                    for spec in specs:
                        if spec.kind == "shocks":
                            ShockInputs(policy.shocks, first_year, last_year,
                                        lambda shocks: on_lever("shocks", shocks)).key(f"shocks-{revision}")
                        else:
                            LeverInput(spec, policy, on_lever).key(f"{spec.name}-{revision}")
