"""The scenario preset selector, by readable name, with what the chosen preset stands for and sets."""

from __future__ import annotations

from typing import Callable

import solara

from ..policy import PRESETS
from .language import tr


def number(value) -> str:
    return f"{value:g}"


def setting_text(name: str, value) -> str:
    """One lever setting of a preset in words (``cage_fee``, 0.01 -> "Cage fee 0.01")."""
    if name == "shocks":
        return tr("list.separator").join(tr("preset.shock_in", kind=tr(f"shock.{shock['kind']}.label"),
                                            year=shock["year"]) for shock in value)
    label = tr(f"lever.{name}.label")
    if isinstance(value, bool):
        return tr("preset.switch", lever=label, state=tr("switch.on" if value else "switch.off"))
    if isinstance(value, list):
        kind = "sector" if name == "cage_sectors" else "region"
        return tr("preset.list", lever=label, members=tr("list.separator").join(tr(f"{kind}.{v}") for v in value))
    return tr("preset.value", lever=label, value=number(value))


def preset_settings(name: str) -> str:
    """What a preset changes from the status quo, read from its definition."""
    settings = [setting_text(lever, value) for lever, value in PRESETS[name].items()]
    return tr("preset.sets", settings=tr("list.separator").join(settings) or tr("preset.no_lever"))


@solara.component
def PresetPicker(preset: str, on_preset: Callable[[str], None]):
    """Presets by readable name; ``on_preset`` receives the preset's key."""
    by_title = {tr(f"preset.{name}.title"): name for name in PRESETS}
    solara.Select(tr("controls.preset"), values=list(by_title), value=tr(f"preset.{preset}.title"), dense=True,
                  on_value=lambda title: on_preset(by_title[title]))
    solara.Text(tr(f"preset.{preset}.description"), classes=["tsim-explain"])
    solara.Text(preset_settings(preset), classes=["tsim-explain"])
