"""Playback: the simulated years shown one after another at a chosen speed, on every tab.

The panels' colour scales hold every year of the run (see ``map_panel.map_figure``), so the
same colour means the same value throughout.
"""

from __future__ import annotations

import time

import solara
import solara.lab

from . import state
from .language import tr
from .session import Snapshot

#: Years shown a second, for the speed control.
SPEEDS = (0.5, 1.0, 2.0, 4.0)


@solara.lab.task(prefer_threaded=True)
def playback(snap: Snapshot, speed: float) -> None:
    """Show each year of ``snap`` for ``1 / speed`` seconds (longer when drawing it takes longer).
    Pause, or a new snapshot (a Step, Run or change), ends it; at its end the panels follow the
    run's latest year again."""
    for year in snap.years:
        started = time.monotonic()
        state.picked_year.set(year)
        while time.monotonic() - started < 1 / speed:
            if not playback.is_current() or state.snapshot.value is not snap:
                return
            time.sleep(0.02)
    state.picked_year.set(None)


def pause() -> None:
    if playback.pending:
        playback.cancel()


@solara.component
def PlayControls():
    """Play (Pause while playing) and the speed; Play needs two simulated years and no run going on."""
    snap = state.snapshot.value
    speed, set_speed = solara.use_state(1.0)
    if snap is None:
        return
    playing = playback.pending
    with solara.Row(gap="8px", style={"align-items": "center"}, classes=["tsim-play"]):
        if playing:
            solara.Button(tr("play.pause"), icon_name="mdi-pause", on_click=pause, outlined=True, small=True)
        else:
            solara.Button(tr("play.play"), icon_name="mdi-play-circle-outline", outlined=True, small=True,
                          disabled=len(snap.years) < 2 or state.advance.pending,
                          on_click=lambda: playback(snap, speed))
        named = {tr("play.speed_value", speed=f"{s:g}"): s for s in SPEEDS}
        solara.Select(tr("play.speed"), values=list(named), value=tr("play.speed_value", speed=f"{speed:g}"),
                      on_value=lambda label: set_speed(named[label]), dense=True,
                      style={"max-width": "150px"})
