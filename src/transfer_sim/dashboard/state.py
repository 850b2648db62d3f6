"""Per-session state and the run task: the only code that changes a session's model.

Module-level ``solara.reactive`` values and ``solara.lab.task`` objects hold one value
per browser session (virtual kernel), so two sessions never share a model. The task
runs in a thread, steps the model under its lock, and publishes a snapshot at most every
:data:`PUBLISH_INTERVAL` seconds and at the end, so the page stays responsive.
"""

from __future__ import annotations

import time

import solara
import solara.lab

from .session import Simulation, Snapshot
from .settings import Settings, SettingsError, readable

#: Seconds between published snapshots during a run (publishing, not stepping, is the cost).
PUBLISH_INTERVAL = 0.25

settings = solara.reactive(Settings())
snapshot: solara.Reactive[Snapshot | None] = solara.reactive(None)
message = solara.reactive("")  # a readable problem with the last input or run, shown in the page
_simulation: solara.Reactive[Simulation | None] = solara.reactive(None)


def _session_simulation() -> Simulation:
    """The session's model holder, made on first use (from event handlers, which run one at a time)."""
    if _simulation.value is None:
        _simulation.set(Simulation())
    return _simulation.value


@solara.lab.task(prefer_threaded=True)
def advance(simulation: Simulation, wanted: Settings, years: int | None, restart: bool) -> None:
    """Bring the session's model to ``wanted`` (restarting if asked or needed), then step it.

    ``years`` None runs to the last year. A newer call or Stop ends the loop after the
    current year; the lock makes the newer call wait for that year to finish.
    """
    with simulation.lock:
        try:
            if restart or simulation.settings != wanted:
                simulation.rebuild(wanted)
                snapshot.set(simulation.snapshot())
        except ValueError as error:
            message.set(f"The model cannot start with these settings: {readable(error)}")
            return
        todo = simulation.remaining if years is None else min(years, simulation.remaining)
        published = time.monotonic()
        for done in range(1, todo + 1):
            if not advance.is_current():
                break
            simulation.step()
            advance.progress = 100 * done / todo
            if done == todo or time.monotonic() - published >= PUBLISH_INTERVAL:
                snapshot.set(simulation.snapshot())
                published = time.monotonic()
        else:
            return  # the last year was published in the loop
        snapshot.set(simulation.snapshot())  # stopped early: show where it stopped


def change(update) -> None:
    """Apply ``update(settings) -> Settings`` from a control; restart on success, explain on failure."""
    try:
        new = update(settings.value)
    except SettingsError as error:
        message.set(str(error))
        return
    message.set("")
    settings.set(new)
    advance(_session_simulation(), new, 0, True)


def reset() -> None:
    message.set("")
    advance(_session_simulation(), settings.value, 0, True)


def step() -> None:
    advance(_session_simulation(), settings.value, 1, False)


def run() -> None:
    advance(_session_simulation(), settings.value, None, False)


def stop() -> None:
    if advance.pending:
        advance.cancel()
