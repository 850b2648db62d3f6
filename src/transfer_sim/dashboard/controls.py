"""The sidebar: scenario, run size, the Reset / Step / Run / Stop buttons, levers and export."""

from __future__ import annotations

import reacton.ipyvuetify as v
import solara

from . import state
from .export_panel import ExportPanel
from .language import tr
from .lever_panel import LeverPanel
from .preset_picker import PresetPicker
from .scenario_panel import ScenarioPanel
from .session import START_YEAR
from .settings import RUN_LIMITS, whole_number


@solara.component
def RunButtons():
    """Reset restarts the run; Step plays one year; Run plays the rest in the background; Stop halts it."""
    snap = state.snapshot.value
    running = state.advance.pending
    finished = snap is not None and snap.finished and snap.settings == state.settings.value
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        solara.Button(tr("button.reset"), icon_name="mdi-restart", on_click=state.reset, outlined=True, small=True)
        solara.Button(tr("button.step"), icon_name="mdi-step-forward", on_click=state.step,
                      disabled=running or finished, outlined=True, small=True)
        solara.Button(tr("button.run"), icon_name="mdi-play", on_click=state.run, disabled=running or finished,
                      color="primary", small=True)
        solara.Button(tr("button.stop"), icon_name="mdi-stop", on_click=state.stop, disabled=not running,
                      outlined=True, small=True)


@solara.component
def RunSize():
    """Years, number of firms and seed, applied on Enter or when the field is left; a bad entry
    is explained above the tabs, and the box goes back to the value the run keeps."""
    current = state.settings.value
    with solara.Row(gap="8px"):
        for field, (label, _low, _high) in RUN_LIMITS.items():
            RunSizeField(field, tr(label), str(getattr(current, field)), state.rejections.value)


@solara.component
def RunSizeField(field: str, label: str, value: str, revision: int):
    """One run-size box, applied on Enter or when left. What is typed is the box's own state, so
    the page redrawing meanwhile (a year played) leaves it alone; a new ``value`` or ``revision``
    (a rejected change) puts the value in force back in the box."""
    typed, set_typed = solara.use_state(value)
    box = v.TextField(label=label, v_model=typed, on_v_model=set_typed, hide_details="auto")

    def submit(widget, event, data):
        if widget.v_model != value:
            state.change(lambda s: s.with_run(field, whole_number(widget.v_model)))

    v.use_event(box, "keyup.enter", submit)
    v.use_event(box, "focusout", submit)
    solara.use_effect(lambda: set_typed(value), dependencies=[revision, value])


@solara.component
def Controls():
    """Every control edits the session's settings through :func:`state.change`."""
    current = state.settings.value
    # A fixed width: the sidebar otherwise grows with its widest line and covers the page.
    with solara.Column(gap="10px", style={"width": "376px", "max-width": "376px"}):
        PresetPicker(current.preset, lambda name: state.change(lambda s: s.with_preset(name)))
        changed = tr("list.separator").join(tr(f"lever.{name}.label") for name in current.changed_levers)
        solara.Text(tr("controls.changed", levers=changed or tr("controls.none")),  # always there: a line
                    classes=["tsim-explain"])  # that came and went would shift the widgets below it
        RunSize()
        RunButtons()
        solara.Text(tr("controls.levers"), classes=["tsim-section"])
        LeverPanel(current.policy, START_YEAR, START_YEAR + current.years,
                   lambda name, value: state.change(lambda s: s.with_lever(name, value)),
                   revision=state.rejections.value)
        ScenarioPanel()
        ExportPanel()
