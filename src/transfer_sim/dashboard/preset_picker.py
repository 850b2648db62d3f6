"""The scenario preset selector, by readable name, with what the chosen preset stands for and sets."""

from __future__ import annotations

from typing import Callable

import solara

from ..policy import PRESET_TEXTS, PRESETS, lever_label


def setting_text(name: str, value) -> str:
    """One lever setting of a preset in words (``cage_fee``, 0.01 -> "Cage fee 0.01")."""
    if name == "shocks":
        return "; ".join(f"a {shock['kind'].replace('_', ' ')} shock in {shock['year']}" for shock in value)
    if isinstance(value, bool):
        return f"{lever_label(name)} {'on' if value else 'off'}"
    if isinstance(value, list):
        return f"{lever_label(name)}: {', '.join(value)}"
    return f"{lever_label(name)} {value:g}"


def preset_settings(name: str) -> str:
    """What a preset changes from the status quo, read from its definition."""
    settings = [setting_text(lever, value) for lever, value in PRESETS[name].items()]
    return f"Sets: {', '.join(settings) or 'no lever'}."


@solara.component
def PresetPicker(preset: str, on_preset: Callable[[str], None]):
    """Presets by readable name; ``on_preset`` receives the preset's key."""
    by_title = {PRESET_TEXTS[name].title: name for name in PRESETS}
    solara.Select("Scenario preset", values=list(by_title), value=PRESET_TEXTS[preset].title, dense=True,
                  on_value=lambda title: on_preset(by_title[title]))
    solara.Text(PRESET_TEXTS[preset].description, classes=["tsim-explain"])
    solara.Text(preset_settings(preset), classes=["tsim-explain"])
