"""One input per policy lever, chosen by the lever's kind, with its explanation.

A region or sector list left at its default is stored as ``None`` (the policy's own
default, resolved by :func:`transfer_sim.levers.resolve`), so choosing the default set
by hand gives the same policy as the preset.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Callable

import reacton.ipyvuetify as v
import solara

from ..geography import Geography
from ..levers import CHINA_BARRIER, PolicyArrays, resolve
from ..policy import Policy
from ..sectors import SECTORS, sector_table
from .language import tr
from .settings import LeverSpec
from .widgets import CommitSlider


@cache
def _status_quo() -> PolicyArrays:
    return resolve(Policy(), Geography.china(), sector_table())


def members(name: str, value) -> list[str]:
    """The regions or sectors a list lever stands for, its default (``None``) resolved."""
    if value is not None:
        return list(value)
    mask = getattr(_status_quo(), name)
    names = SECTORS if name == "cage_sectors" else Geography.china().names
    return [n for n, on in zip(names, mask) if on]


def named_regions() -> dict[str, str]:
    """Each province's name in the session's language, by its name in the model."""
    return {name: tr(f"region.{name}") for name in Geography.china().names}


def choose_names(named: dict[str, str], labels: list[str]) -> list[str]:
    """The model's names of the shown ``labels``, in the list's own order."""
    return [key for key, label in named.items() if label in labels]


def slider_step(low: float, high: float) -> float:
    """A round step giving about a hundred positions between the limits."""
    return 10 ** math.floor(math.log10((high - low) / 100))


@solara.component
def Explanation(text: str, detail: str = ""):
    """A grey explanation, wrapped to the sidebar's width; ``detail`` shows on hover."""
    v.Html(tag="div", children=[text], attributes={"title": detail or text}, class_="tsim-explain")


@solara.component
def LeverInput(spec: LeverSpec, policy: Policy, on_change: Callable[[str, object], None]):
    """The widget for one lever; ``on_change(name, value)`` receives a value the policy can validate."""
    value = getattr(policy, spec.name)
    label, unit = tr(f"lever.{spec.name}.label"), tr(f"lever.{spec.name}.unit")

    def changed(new):
        on_change(spec.name, new)

    with solara.Column(gap="0px", classes=["tsim-lever"]):
        if spec.kind in ("float", "int"):
            shown = CHINA_BARRIER if value is None else value
            solara.Text(tr("lever.value", label=label, value=f"{shown:g}", unit=unit), classes=["tsim-lever-title"])
            step = 1 if spec.kind == "int" else slider_step(spec.low, spec.high)
            CommitSlider(shown, spec.low, spec.high, step, changed)
        elif spec.kind == "bool":
            solara.Switch(label=tr("lever.switch", label=label, unit=unit), value=value, on_value=changed)
        elif spec.kind in ("regions", "sectors"):
            named = ({n: tr(f"sector.{n}") for n in SECTORS} if spec.kind == "sectors" else named_regions())
            default = members(spec.name, None)

            def chosen(labels):
                picked = choose_names(named, labels)
                changed(None if picked == default and spec.default is None else picked)

            solara.SelectMultiple(label, values=[named[n] for n in members(spec.name, value)],
                                  all_values=list(named.values()), on_value=chosen, dense=True)
        elif spec.kind == "region_rates":
            RegionRates(value, changed)
        mechanism = tr(f"lever.{spec.name}.mechanism")
        Explanation(mechanism, tr("lever.hover", mechanism=mechanism, seed=tr(f"lever.{spec.name}.seed")))


@solara.component
def RegionRates(rates: dict[str, float], on_change: Callable[[dict[str, float]], None]):
    """One rate paid in the chosen regions (the policy allows a rate per region).

    With no region chosen the policy holds no rate, so the slider's value waits here, said so,
    until regions are chosen.
    """
    waiting, set_waiting = solara.use_state(0.0)
    regions = list(rates)
    rate = max(rates.values()) if rates else waiting

    def set_rate(new: float) -> None:
        set_waiting(new)
        if regions:
            on_change({name: new for name in regions})

    solara.Text(tr("lever.value", label=tr("lever.profit_subsidy.label"), value=f"{rate:g}",
                   unit=tr("lever.profit_subsidy.rate_unit")), classes=["tsim-lever-title"])
    CommitSlider(rate, 0.0, 1.0, 0.01, set_rate)
    named = named_regions()
    solara.SelectMultiple(tr("lever.profit_subsidy.regions"), values=[named[n] for n in regions],
                          all_values=list(named.values()),
                          on_value=lambda labels: on_change({name: rate for name in choose_names(named, labels)}),
                          dense=True)
    if not regions and rate > 0:
        solara.Text(tr("lever.profit_subsidy.waiting", rate=f"{rate:g}"), classes=["tsim-warning"])
