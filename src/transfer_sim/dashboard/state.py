"""Per-session state and the run task: the only code that changes a session's model.

Module-level ``solara.reactive`` values and ``solara.lab.task`` objects hold one value
per browser session (virtual kernel), so two sessions never share a model. The task
runs in a thread, steps the model under its lock, and publishes a snapshot after every
year. Before it starts a year it waits (a little) for the browser to report the last
published one, so the model is never more than the year in progress ahead of what the
page shows, and Stop ends the run at the next year.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import solara
import solara.lab

from ..i18n import DEFAULT_LANGUAGE
from .session import Simulation, Snapshot
from .settings import Problem, Settings, SettingsError, problem


@dataclass(frozen=True)
class View:
    """How the page shows its settings: language, tab (``""``: the first) and projector mode."""

    lang: str = DEFAULT_LANGUAGE
    tab: str = ""
    projector: bool = False


settings = solara.reactive(Settings())
snapshot: solara.Reactive[Snapshot | None] = solara.reactive(None)
#: A problem with the last input or run, shown in the page in its language; None when there is none.
message: solara.Reactive[Problem | None] = solara.reactive(None)
language = solara.reactive(DEFAULT_LANGUAGE)  # a key of ``i18n.LANGUAGES``
tab = solara.reactive("map")  # a key of ``page.TABS``
projector = solara.reactive(False)  # larger texts for a projector
#: Choices on the tabs that a lesson step sets too: the metric of the Map's and of Compare's maps,
#: Compare's reference preset (None: the default for the scenario), the Theory lab's (s_E, φ, β).
map_metric = solara.reactive("output")
compare_metric = solara.reactive("output")
compare_reference: solara.Reactive[str | None] = solara.reactive(None)
theory_knobs = solara.reactive((0.6, 0.3, 200.0))
compare_seeds = solara.reactive(1)  # seeds per scenario in Compare
#: The lesson followed and its step: (lesson id, step index), or None.
lesson: solara.Reactive[tuple[str, int] | None] = solara.reactive(None)
#: The year the panels show when it is not the latest (picked on a slider, or by playback).
picked_year: solara.Reactive[int | None] = solara.reactive(None)
rejections = solara.reactive(0)  # changes rejected so far: inputs redraw from the settings in force
#: The last simulated year the browser reported it has received; None until a browser reports.
shown_year: solara.Reactive[int | None] = solara.reactive(None)
#: The longest wait for the browser before a year (a hidden or closed tab reports late or never).
PAGE_WAIT = 2.0
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
    current year; the lock makes the newer call wait for that year to finish. Settings the
    model rejects are explained, and the settings go back to those of the model in force.
    """
    with simulation.lock:
        try:
            if restart or simulation.settings != wanted:
                simulation.rebuild(wanted)
                picked_year.set(None)
                snapshot.set(simulation.snapshot())
        except ValueError as error:
            message.set(problem("error.model_start", detail=error))
            if simulation.settings is not None:
                settings.set(simulation.settings)  # the inputs follow the settings back
            else:
                rejections.set(rejections.value + 1)
            return
        todo = simulation.remaining if years is None else min(years, simulation.remaining)
        for done in range(1, todo + 1):
            wait_for_page(simulation.model.year)
            if not advance.is_current():
                break
            simulation.step()
            snapshot.set(simulation.snapshot())  # first the year, then the progress bar
            advance.progress = 100 * done / todo


def year_shown(year: int) -> None:
    shown_year.set(year)


def wait_for_page(year: int) -> None:
    """Return once the browser has reported ``year`` (or at once without a browser)."""
    deadline = time.monotonic() + PAGE_WAIT
    while (shown_year.value is not None and shown_year.value != year and time.monotonic() < deadline
           and advance.is_current()):
        time.sleep(0.01)


def change(update) -> None:
    """Apply ``update(settings) -> Settings`` from a control; restart on success, explain on failure."""
    try:
        new = update(settings.value)
    except SettingsError as error:
        message.set(error.problem)
        rejections.set(rejections.value + 1)
        return
    message.set(None)
    settings.set(new)
    advance(_session_simulation(), new, 0, True)


def view() -> View:
    return View(language.value, tab.value, projector.value)


def open_page(new: Settings, shown: View, problems: list[Problem]) -> None:
    """Show the page as its address says (a link opened, or the browser's back button), and
    build its model."""
    language.set(shown.lang)
    tab.set(shown.tab)
    projector.set(shown.projector)
    message.set(problems[0] if problems else None)
    settings.set(new)
    advance(_session_simulation(), new, 0, True)


def reset() -> None:
    message.set(None)
    advance(_session_simulation(), settings.value, 0, True)


def step() -> None:
    advance(_session_simulation(), settings.value, 1, False)


def run() -> None:
    advance(_session_simulation(), settings.value, None, False)


def stop() -> None:
    if advance.pending:
        advance.cancel()
