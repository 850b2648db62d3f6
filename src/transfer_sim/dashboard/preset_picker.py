"""The scenario preset selector, by readable name, with what the chosen preset stands for and sets."""

from __future__ import annotations

from typing import Callable

import solara

from ..policy import PRESETS
from .language import lang, tr
from .lever_words import settings_text


def preset_settings(name: str) -> str:
    """What a preset changes from the status quo, read from its definition."""
    return tr("preset.sets", settings=settings_text(PRESETS[name], lang()) or tr("preset.no_lever"))


@solara.component
def PresetPicker(preset: str, on_preset: Callable[[str], None]):
    """Presets by readable name; ``on_preset`` receives the preset's key."""
    by_title = {tr(f"preset.{name}.title"): name for name in PRESETS}
    solara.Select(tr("controls.preset"), values=list(by_title), value=tr(f"preset.{preset}.title"), dense=True,
                  on_value=lambda title: on_preset(by_title[title]))
    solara.Text(tr(f"preset.{preset}.description"), classes=["tsim-explain"])
    solara.Text(preset_settings(preset), classes=["tsim-explain"])
