"""The scenario preset selector, by readable name, with what the chosen preset stands for and sets."""

from __future__ import annotations

from typing import Callable

import solara

from ..i18n import text
from ..policy import PRESETS
from .language import lang, tr


def setting_text(name: str, value, lang: str = "en") -> str:
    """One lever setting in words (``cage_fee``, 0.01 -> "Cage fee 0.01")."""
    def words(key: str, **fields) -> str:
        return text(key, lang, **fields)

    separator = words("list.separator")
    if name == "shocks":
        return separator.join(words("preset.shock_in", kind=words(f"shock.{shock['kind']}.label"), year=shock["year"])
                              for shock in value)
    label = words(f"lever.{name}.label")
    if isinstance(value, bool):
        return words("preset.switch", lever=label, state=words("switch.on" if value else "switch.off"))
    if isinstance(value, list):
        kind = "sector" if name == "cage_sectors" else "region"
        return words("preset.list", lever=label, members=separator.join(words(f"{kind}.{v}") for v in value))
    return words("preset.value", lever=label, value=f"{value:g}")


def settings_text(levers: dict, lang: str = "en") -> str:
    """Lever settings in words, one after another."""
    return text("list.separator", lang).join(setting_text(name, value, lang) for name, value in levers.items())


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
