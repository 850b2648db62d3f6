"""Lever settings in words, in either language (for presets, lessons and their docs)."""

from __future__ import annotations

from ..i18n import text


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
