"""The language a session's page is shown in: its texts, and the switch between languages."""

from __future__ import annotations

import solara

from ..i18n import LANGUAGES, text
from . import state


def lang() -> str:
    """The session's language; read while a component renders, a switch redraws the component."""
    return state.language.value


def tr(key: str, **fields) -> str:
    """The message ``key`` of the catalogue in the session's language."""
    return text(key, lang(), **fields)


@solara.component
def LanguageSwitch():
    """中文 / English, each language named in its own words."""
    with solara.ToggleButtonsSingle(value=lang(), on_value=state.language.set, dense=True,
                                    classes=["tsim-language"]):
        for code, name in LANGUAGES.items():
            solara.Button(name, value=code, text=True, small=True)
