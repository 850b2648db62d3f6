"""The classroom lessons: ``lessons.toml``, the one source of the Lessons tab and of the lesson
steps in ``docs/teaching.md``.

    python -m transfer_sim.dashboard.lessons docs/teaching.md   # (or: make teaching)

writes each lesson's steps between the doc's markers ``<!-- lesson ID ... -->`` and
``<!-- end of lesson ID -->``, and what students should find, with its numbers computed from
the runs of the lesson's steps (:mod:`.findings`), between ``<!-- findings ID ... -->`` and
``<!-- end of findings ID -->``; ``--check`` only says whether the doc agrees.
"""

from __future__ import annotations

import re
import sys
import textwrap
import tomllib
from functools import cache
from importlib.resources import files
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..i18n import DEFAULT_LANGUAGE, text
from ..page_update import update_page
from .findings import findings_text
from .lever_words import settings_text


#: The width the teaching notes' paragraphs are wrapped to.
TEXT_WIDTH = 98


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Texts(Strict):
    """One text in each language."""

    en: str
    zh: str

    def get(self, lang: str) -> str:
        return getattr(self, lang, self.en)


class Knobs(Strict):
    """The Theory lab's demand share s_E, trade freeness φ and logit sharpness β."""

    s_e: float
    phi: float
    beta: float


class Step(Strict):
    """What one step sets up, and what to look at then."""

    tab: str
    look: Texts
    preset: str | None = None  # the lesson's preset unless given
    levers: dict[str, Any] = {}  # on top of the lesson's
    run: bool = False
    metric: str | None = None  # the map's, on the Map or Compare tab the step opens
    reference: str | None = None  # Compare's reference preset
    theory: Knobs | None = None


class Lesson(Strict):
    id: str
    title: Texts
    idea: Texts
    preset: str = "baseline"
    levers: dict[str, Any] = {}
    step: list[Step]
    findings: str  # for the teaching notes, in English; {blanks} filled by findings.FINDINGS[id]

    def scenario(self, step: Step) -> tuple[str, dict[str, Any]]:
        """The preset and lever changes of a step: the lesson's, with the step's on top."""
        return step.preset or self.preset, {**self.levers, **step.levers}


@cache
def lessons() -> tuple[Lesson, ...]:
    raw = tomllib.loads((files("transfer_sim") / "dashboard" / "lessons.toml").read_text(encoding="utf-8"))
    return tuple(Lesson.model_validate(entry) for entry in raw["lesson"])


def lesson(lesson_id: str) -> Lesson:
    return next(entry for entry in lessons() if entry.id == lesson_id)


def uses_sidebar(step: Step) -> bool:
    """Whether the step sets the sidebar's scenario (the Theory lab's economy is its own)."""
    return step.tab != "theory"


def setup_words(entry: Lesson, step: Step, lang: str = DEFAULT_LANGUAGE) -> str:
    """What a step sets up, as instructions to do it by hand."""
    def words(key: str, **fields) -> str:
        return text(key, lang, **fields)

    parts = []
    if uses_sidebar(step):
        preset, levers = entry.scenario(step)
        changes = settings_text(levers, lang)
        parts.append(words("lesson.setup_scenario", preset=words(f"preset.{preset}.title"),
                           levers=words("lesson.with_levers", levers=changes) if changes else ""))
        if step.run:
            parts.append(words("lesson.setup_run"))
    parts.append(words("lesson.setup_tab", tab=words(f"tab.{step.tab}")))
    if step.metric:
        parts.append(words("lesson.setup_metric", metric=words(f"metric.{step.metric}")))
    if step.reference:
        parts.append(words("lesson.setup_reference", reference=words(f"preset.{step.reference}.title")))
    if step.theory:
        parts.append(words("lesson.setup_theory", s_e=f"{step.theory.s_e:g}", phi=f"{step.theory.phi:g}",
                           beta=f"{step.theory.beta:g}"))
    return " ".join(parts)


# ------------------------------------------------------------------------------- the doc
def doc_block(entry: Lesson) -> str:
    """A lesson's steps as docs/teaching.md shows them, between its markers."""
    lines = [f"<!-- lesson {entry.id}: these steps are written from src/transfer_sim/dashboard/lessons.toml -->",
             f"In the dashboard: **Lessons** → *{entry.title.en}* → **Set up this lesson**, then **Next** "
             "for each step. By hand:", ""]
    lines += [f"{i}. {setup_words(entry, step)} {step.look.en}" for i, step in enumerate(entry.step, start=1)]
    return "\n".join([*lines, f"<!-- end of lesson {entry.id} -->"])


def findings_block(entry: Lesson) -> str:
    """What students should find in a lesson, its numbers from the runs, between its markers."""
    return "\n".join([f"<!-- findings {entry.id}: written from src/transfer_sim/dashboard/lessons.toml, "
                      "the numbers from runs of the model (make teaching) -->",
                      wrapped(f"**What students should find.** {findings_text(entry)}"),
                      f"<!-- end of findings {entry.id} -->"])


def wrapped(paragraph: str) -> str:
    """A paragraph wrapped to :data:`TEXT_WIDTH`, never between a number and its per cent sign."""
    kept = paragraph.replace(" %", "\u00a0%")  # textwrap breaks only at ASCII spaces
    return textwrap.fill(kept, width=TEXT_WIDTH, break_long_words=False, break_on_hyphens=False).replace("\u00a0", " ")


def marked(kind: str, lesson_id: str) -> re.Pattern:
    """The doc's block of one ``kind`` ("lesson" or "findings") for a lesson, markers included."""
    return re.compile(rf"<!-- {kind} {re.escape(lesson_id)}[: ].*?<!-- end of {kind} {re.escape(lesson_id)} -->",
                      re.DOTALL)


def with_lessons(doc: str) -> str:
    """The doc with every lesson's steps and findings written from the lessons (a missing
    marker is an error)."""
    for entry in lessons():
        for kind, block in (("lesson", doc_block), ("findings", findings_block)):
            if not marked(kind, entry.id).search(doc):
                raise ValueError(f"the doc has no markers for the {kind} of {entry.id!r}: add "
                                 f"'<!-- {kind} {entry.id} -->' and '<!-- end of {kind} {entry.id} -->'")
            doc = marked(kind, entry.id).sub(lambda _, entry=entry, block=block: block(entry), doc)
    return doc


def main(argv=None) -> int:
    return update_page(argv, "python -m transfer_sim.dashboard.lessons",
                       "Write the lessons' steps and findings into the teaching notes.",
                       "the teaching notes (docs/teaching.md)", with_lessons, "the lessons")


if __name__ == "__main__":
    sys.exit(main())
