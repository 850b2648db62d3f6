"""The Lessons tab and the bar above the tabs while a lesson is followed: each step sets the page
up (scenario, tab and what the tab shows) and says what to look at."""

from __future__ import annotations

import solara

from . import state
from .language import lang, tr
from .lessons import Lesson, lesson, lessons, setup_words, uses_sidebar


def set_up(lesson_id: str, index: int) -> None:
    """Follow step ``index`` of a lesson: its scenario in the sidebar (restarting the run only when
    the scenario changes, and running it if the step says so), its tab and that tab's choices."""
    entry = lesson(lesson_id)
    step = entry.step[index]
    state.lesson.set((lesson_id, index))
    if uses_sidebar(step):
        preset, levers = entry.scenario(step)
        wanted = state.settings.value.with_preset(preset).with_lever_changes(levers)
        if wanted != state.settings.value:
            state.change(lambda _: wanted)
        snap = state.snapshot.value
        if step.run and not (snap is not None and snap.finished and snap.settings == wanted):
            state.run()
    if step.metric:
        (state.compare_metric if step.tab == "compare" else state.map_metric).set(step.metric)
    if step.reference:
        state.compare_reference.set(step.reference)
    if step.theory:
        state.theory_knobs.set((step.theory.s_e, step.theory.phi, step.theory.beta))
    state.tab.set(step.tab)


def number(entry: Lesson) -> int:
    return lessons().index(entry) + 1


@solara.component
def LessonBar():
    """Where the lesson is, what this step set up and what to look at; Back, Next, End."""
    if state.lesson.value is None:
        return
    lesson_id, index = state.lesson.value
    entry = lesson(lesson_id)
    step = entry.step[index]
    with solara.Column(gap="4px", classes=["tsim-lesson"]):
        solara.Text(tr("lesson.step_of", n=number(entry), title=entry.title.get(lang()), step=index + 1,
                       steps=len(entry.step)), classes=["tsim-section"])
        solara.Text(step.look.get(lang()), classes=["tsim-look"])
        solara.Text(setup_words(entry, step, lang()), classes=["tsim-explain"])
        with solara.Row(gap="4px"):
            solara.Button(tr("lesson.back"), icon_name="mdi-chevron-left", small=True, outlined=True,
                          disabled=index == 0, on_click=lambda: set_up(lesson_id, index - 1))
            solara.Button(tr("lesson.next"), icon_name="mdi-chevron-right", small=True, color="primary",
                          disabled=index == len(entry.step) - 1, on_click=lambda: set_up(lesson_id, index + 1))
            solara.Button(tr("lesson.end"), icon_name="mdi-close", small=True, text=True,
                          on_click=lambda: state.lesson.set(None))


@solara.component
def LessonsPanel():
    """Every lesson with its idea and steps, and the button that sets it up."""
    language = lang()
    with solara.Column(style={"max-width": "980px"}):
        solara.Text(tr("lesson.intro"), classes=["tsim-explain"])
        for entry in lessons():
            with solara.Column(gap="4px", classes=["tsim-lesson-card"]):
                solara.Text(tr("lesson.number", n=number(entry), title=entry.title.get(language)),
                            classes=["tsim-section"])
                solara.Text(entry.idea.get(language), style={"font-style": "italic"})
                solara.Markdown("\n".join(f"{i}. {setup_words(entry, step, language)} {step.look.get(language)}"
                                          for i, step in enumerate(entry.step, start=1)))
                solara.Button(tr("lesson.set_up"), icon_name="mdi-school", color="primary", small=True,
                              on_click=lambda entry=entry: set_up(entry.id, 0))
