"""Small controls shared by the panels."""

from __future__ import annotations

from typing import Callable, TypeVar

import reacton.ipyvuetify as v
import solara

from . import state
from .language import tr

T = TypeVar("T")


@solara.component
def CommitSlider(value: float, low: float, high: float, step: float, on_commit: Callable[[float], None],
                 label: str = "", disabled: bool = False):
    """A slider that reports its value once released (or moved by keyboard), not while dragging.

    Each report can restart a simulation or rebuild a map, which must not happen at every pixel.
    """
    slider = v.Slider(v_model=value, min=low, max=high, step=step, label=label, thumb_label=True,
                      hide_details=True, dense=True, disabled=disabled, class_="tsim-slider")

    def committed(widget, event, data):
        if data is not None and data != value:
            on_commit(int(data) if isinstance(value, int) else float(data))

    v.use_event(slider, "change", committed)
    return slider


def use_year(latest: int) -> tuple[int, Callable[[int], None]]:
    """The year the panels show: the latest one, unless an earlier year was picked (on any tab's
    slider, or by playback); the pick is the session's, so every tab shows the same year."""
    pinned = state.picked_year.value
    year = latest if pinned is None or pinned > latest else pinned

    def choose(chosen: int) -> None:
        state.picked_year.set(None if chosen >= latest else chosen)

    return year, choose


@solara.component
def YearSlider(years: list[int], year: int, on_year: Callable[[int], None], label: str = ""):
    """Pick one of the simulated years; shows the choice as text, since the thumb label hides.
    ``label`` goes before the year (by default "Showing")."""
    with solara.Row(style={"align-items": "center", "min-width": "260px", "flex": "1"}):
        solara.Text(f"{label or tr('year.showing')} {year}", style={"white-space": "nowrap"})
        CommitSlider(year, min(years), max(max(years), min(years) + 1), 1, on_year,
                     disabled=len(years) < 2)


def use_latest_call(function: Callable[[T], object], value: T) -> Callable[[], object]:
    """``function(value)`` as a call that keeps its identity across renders but uses the latest value.

    A download button restarts a worker thread whenever its data function changes; with a
    new snapshot every step, that would cost a thread per button per step.
    """
    latest = solara.use_ref(value)
    latest.current = value
    return solara.use_memo(lambda: lambda: function(latest.current), dependencies=[])
