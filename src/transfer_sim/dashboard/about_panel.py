"""The About tab: what each lever means in the seed's words, and how to read each chart."""

from __future__ import annotations

from functools import cache

import solara

from ..i18n import text
from ..policy import PRESETS
from .language import lang, tr
from .preset_picker import preset_settings
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


def preset_guide() -> str:
    """Markdown: each preset with what it stands for and the levers it sets, from its definition."""
    entries = [tr("about.preset_entry", title=tr(f"preset.{name}.title"), name=name,
                  description=tr(f"preset.{name}.description"), settings=preset_settings(name)) for name in PRESETS]
    return "\n".join([tr("about.presets_intro"), *entries])


@solara.component
def AboutPanel():
    """Text only: the preset and lever guides are built from the policy's own definitions."""
    with solara.Column(style={"max-width": "980px"}):
        solara.Markdown(text("about.reading_guide", lang()))
        solara.Markdown(preset_guide())
        solara.Markdown(lever_guide(lang()))
