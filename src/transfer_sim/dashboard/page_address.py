"""The page's state in its address, so that a link reproduces what it shows.

``?preset=corridors&years=10&cage_fee=0.03&china_europe_express=false&lang=zh&tab=compare``:
the preset, each lever changed from it by its :class:`~transfer_sim.Policy` name with a TOML
value (as ``transfer-sim run --set`` takes it), years, firms, seed, language, tab and projector
mode. Only
what differs from the defaults is written. The address follows the page and the page follows
the address (a link opened, or the browser's back and forward buttons).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode

import solara

from ..i18n import DEFAULT_LANGUAGE, LANGUAGES
from . import state
from .state import View
from .settings import Problem, Settings, SettingsError, problem, whole_number
from .toml_values import read_value, toml_value

#: Address fields that are not levers, with the :class:`Settings` field each sets.
RUN_FIELDS = {"years": "years", "firms": "n_firms", "seed": "seed"}
PAGE_FIELDS = ("preset", *RUN_FIELDS, "lang", "tab", "projector")
DEFAULTS = Settings()


def address(settings: Settings, view: View, tabs: list[str]) -> str:
    """The query string (without ``?``) of this page state."""
    query = {}
    if settings.preset != DEFAULTS.preset:
        query["preset"] = settings.preset
    query |= {name: toml_value(value) for name, value in settings.lever_changes.items()}
    query |= {key: str(getattr(settings, field)) for key, field in RUN_FIELDS.items()
              if getattr(settings, field) != getattr(DEFAULTS, field)}
    if view.lang != DEFAULT_LANGUAGE:
        query["lang"] = view.lang
    if view.tab not in ("", tabs[0]):
        query["tab"] = view.tab
    if view.projector:
        query["projector"] = "true"
    return urlencode(query, quote_via=quote, safe="[],:")


def read_address(query: str, tabs: list[str]) -> tuple[Settings, View, list[Problem]]:
    """Settings and view of a query string, and a problem for each part that cannot be used
    (the rest is used: a bad lever does not lose the preset)."""
    given = dict(parse_qsl(query, keep_blank_values=True))
    problems: list[Problem] = []
    settings = DEFAULTS

    def attempt(change) -> None:
        nonlocal settings
        try:
            settings = change(settings)
        except SettingsError as error:
            problems.append(problem("address.problem", detail=error))

    if "preset" in given:
        attempt(lambda s: s.with_preset(given["preset"]))
    for name, value in given.items():
        if name not in PAGE_FIELDS:
            attempt(lambda s, name=name, value=value: s.with_lever(name, lever_value(name, value)))
    for key, field in RUN_FIELDS.items():
        if key in given:
            attempt(lambda s, key=key, field=field: s.with_run(field, whole_number(given[key])))
    lang = given.get("lang", DEFAULT_LANGUAGE)
    if lang not in LANGUAGES:
        problems.append(problem("address.language", got=repr(lang), allowed=", ".join(LANGUAGES)))
        lang = DEFAULT_LANGUAGE
    tab = given.get("tab", tabs[0])
    if tab not in tabs:
        problems.append(problem("address.tab", got=repr(tab), allowed=", ".join(tabs)))
        tab = tabs[0]
    projector = given.get("projector", "false")
    if projector not in ("true", "false"):
        problems.append(problem("address.projector", got=repr(projector)))
    return settings, View(lang, tab, projector == "true"), problems


def lever_value(name: str, text: str):
    try:
        return read_value(text)
    except ValueError:
        raise SettingsError("address.not_toml", lever=name, got=repr(text)) from None


def use_page_address(tabs: list[str]) -> None:
    """Keep the address and the page state in step (a hook of the page). Its first pass sets the
    page up from the address and builds the session's first model. An address with parts the
    page cannot use stays as it was typed, beside the message that says what is wrong with it."""
    router = solara.use_router()
    search = router.search or ""
    wanted = address(state.settings.value, state.view(), tabs)
    seen = solara.use_ref((None, None))  # the address last read or written, and the page state's then

    def keep_in_step():
        last_search, last_wanted = seen.current
        if search != last_search:  # opened, or moved by the browser's back and forward: the page follows
            page = read_address(search, tabs)
            seen.current = (search, address(*page[:2], tabs))
            if seen.current[1] != wanted or state.snapshot.value is None:
                state.open_page(*page)
        elif wanted != last_wanted:  # the page changed: the address follows
            seen.current = (wanted, wanted)
            router.push(f"{router.path}?{wanted}" if wanted else router.path)

    solara.use_effect(keep_in_step, dependencies=[search, wanted])
