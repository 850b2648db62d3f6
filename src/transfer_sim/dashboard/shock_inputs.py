"""The shocks lever: at most one shock of each kind, switched on and shaped by hand."""

from __future__ import annotations

import typing
from typing import Callable

import solara

from ..policy import Shock
from .language import tr
from .lever_inputs import Explanation, choose_names, named_regions
from .widgets import CommitSlider

KINDS: tuple[str, ...] = typing.get_args(Shock.model_fields["kind"].annotation)
#: Where a regional disaster strikes when switched on, until other regions are chosen below it.
FIRST_DISASTER_REGIONS = ["Henan"]


@solara.component
def ShockInputs(shocks: list[Shock], first_year: int, last_year: int,
                on_change: Callable[[list[dict]], None]):
    """Switches and shapes for each kind of shock; ``on_change`` gets the new list as plain dicts."""
    by_kind = {s.kind: s for s in shocks}

    def put(kind: str, shock: dict | None) -> None:
        others = [s.model_dump() for s in shocks if s.kind != kind]
        on_change(others + ([shock] if shock else []))

    for kind in KINDS:
        shock = by_kind.get(kind)
        with solara.Column(gap="0px", classes=["tsim-lever"]):
            default = {"kind": kind, "year": min(first_year + 3, last_year)}
            if kind == "regional_disaster":
                default["regions"] = FIRST_DISASTER_REGIONS
            solara.Switch(label=tr(f"shock.{kind}.label"), value=shock is not None,
                          on_value=lambda on, kind=kind, default=default: put(kind, default if on else None))
            Explanation(tr(f"shock.{kind}.description"))
            if shock is not None:
                ShockShape(shock, first_year, last_year, lambda new, kind=kind: put(kind, new))


@solara.component
def ShockShape(shock: Shock, first_year: int, last_year: int, on_change: Callable[[dict], None]):
    """Start year, size, duration (and regions for a disaster) of one shock; :class:`Shock` validates."""
    now = shock.model_dump()

    def set_field(field, value):
        on_change({**now, field: value})

    solara.Text(tr("shock.shape", year=shock.year, duration=shock.duration, size=f"{shock.size:g}"),
                classes=["tsim-lever-title"])
    CommitSlider(shock.year, first_year, max(last_year, shock.year), 1, lambda y: set_field("year", y),
                 label=tr("shock.year"))
    CommitSlider(shock.size, 0.05, 1.0, 0.05, lambda s: set_field("size", s), label=tr("shock.size"))
    CommitSlider(shock.duration, 1, 10, 1, lambda d: set_field("duration", d), label=tr("shock.duration"))
    if shock.kind == "regional_disaster":
        named = named_regions()
        solara.SelectMultiple(tr("shock.regions"), values=[named[n] for n in shock.regions],
                              all_values=list(named.values()),
                              on_value=lambda labels: set_field("regions", choose_names(named, labels)), dense=True)
