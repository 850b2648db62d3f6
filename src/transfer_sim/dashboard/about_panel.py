"""The About tab: what each lever means in the seed's words, and how to read each chart."""

from __future__ import annotations

from functools import cache

import solara

from ..i18n import text
from .language import lang
from .settings import lever_specs, measures


@cache
def lever_guide(lang: str) -> str:
    """Markdown: one section per measure, one entry per lever with the seed's words."""
    parts = [text("about.levers_intro", lang)]
    for measure in measures():
        parts.append(f"\n#### {text(f'measure.{measure}', lang)}\n")
        for spec in lever_specs():
            if spec.measure == measure:
                parts.append(text("about.lever_entry", lang, name=spec.name, default=repr(spec.default),
                                  **{part: text(f"lever.{spec.name}.{part}", lang)
                                     for part in ("label", "unit", "mechanism", "seed")}))
    return "\n".join(parts)


@solara.component
def AboutPanel():
    """Text only: the lever guide is built from the policy's own descriptions."""
    with solara.Column(style={"max-width": "980px"}):
        solara.Markdown(text("about.reading_guide", lang()))
        solara.Markdown(lever_guide(lang()))
