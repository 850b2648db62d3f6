"""A student's classroom page: join a room, take a province, set its instruments each round."""

from __future__ import annotations

from typing import Callable

import reacton.ipyvuetify as v
import solara

from ..classroom.game import RoomState
from ..classroom.outcomes import Position
from .classroom_views import (ChoicesMap, Refusal, Scoreboard, classroom, format_value, province_options,
                              use_attempt, use_room_version)
from .language import tr

#: The province panel's figures: (message id, how to read it from a Position, kind of number).
FIGURES = (
    ("classroom.figure.firms", lambda p: p.firms, "count"),
    ("classroom.figure.output", lambda p: p.output, "money"),
    ("classroom.figure.jobs", lambda p: p.jobs, "count"),
    ("classroom.figure.revenue", lambda p: p.budget["revenue"], "money"),
    ("classroom.figure.spending", lambda p: p.budget["spending"], "money"),
    ("classroom.figure.balance", lambda p: p.budget["balance"], "money"),
    ("classroom.figure.debt", lambda p: p.budget["debt"], "money"),
    ("classroom.figure.room", lambda p: p.room, "money"),
)
#: How each instrument is shown: as a share (a fraction typed from 0 to 1) or in bn CNY.
INSTRUMENT_KINDS = {"tax_rebate": "share", "land_discount": "share", "park_investment": "money"}
#: The decimals an input starts with, by kind.
DECIMALS = {"share": 3, "money": 1}


@solara.component
def JoinForm(code: str, on_joined: Callable[[str], None]):
    """A name, then Join: the page's address then carries the player's token."""
    name, set_name = solara.use_state("")
    refusal, attempt = use_attempt()
    solara.Markdown(f"### {tr('classroom.join_title', code=code)}")
    solara.InputText(tr("classroom.your_name"), value=name, on_value=set_name, continuous_update=True)

    def join():
        joined, token = attempt(lambda: classroom().join(code, name))
        if joined:
            on_joined(token)

    solara.Button(tr("classroom.join"), on_click=join, color="primary", classes=["tsim-join"])
    Refusal(refusal)


@solara.component
def ClaimForm(code: str, token: str, room: RoomState, refresh: Callable[[], None]):
    """Pick a free province, or be given one."""
    options = province_options(room.free_provinces)
    picked, set_picked = solara.use_state(None)
    refusal, attempt = use_attempt()
    solara.Markdown(f"### {tr('classroom.claim_title')}")
    solara.Select(tr("classroom.province"), values=list(options), value=picked, on_value=set_picked,
                  style={"max-width": "300px"})

    def claim(region: str | None):
        if attempt(lambda: classroom().claim(code, token, region))[0]:
            refresh()

    with solara.Row():
        solara.Button(tr("classroom.claim"), on_click=lambda: claim(options.get(picked)), color="primary",
                      disabled=picked is None, classes=["tsim-claim"])
        solara.Button(tr("classroom.assign_me"), on_click=lambda: claim(None), outlined=True)
    Refusal(refusal)


@solara.component
def ProvincePanel(position: Position):
    """The province now, and what changed over the last round."""
    solara.Markdown(f"### {tr('classroom.your_province', region=tr(f'region.{position.region}'))} · "
                    f"{tr('status.year', year=position.year)}")
    with solara.Row(style={"flex-wrap": "wrap"}, gap="24px", classes=["tsim-province"]):
        for key, read, kind in FIGURES:
            with solara.Column(gap="0px"):
                solara.Text(tr(key), classes=["tsim-explain"])
                solara.Text(format_value(read(position), kind), classes=[f"tsim-{key.split('.')[-1]}"])
    change = position.last_round
    solara.Text(tr("classroom.last_round", firms=f"{change['firms']:+,.0f}", output=f"{change['output']:+,.1f}",
                   jobs=f"{change['jobs']:+,.0f}", balance=f"{change['fiscal_balance']:+,.1f}"),
                classes=["tsim-last-round"])
    terms = ", ".join(f"{tr(f'classroom.instrument.{name}')} {format_value(value, INSTRUMENT_KINDS[name])}"
                      for name, value in position.policy.items())
    solara.Text(tr("classroom.in_force", terms=terms), classes=["tsim-explain"])


def typed_number(text: str) -> float | str:
    """``"1,000.5"`` -> 1000.5; anything else stays text, for the game to refuse in words."""
    try:
        return float(str(text).replace(",", "").strip())
    except ValueError:
        return text


@solara.component
def ChoiceForm(code: str, token: str, room: RoomState, position: Position, refresh: Callable[[], None]):
    """One input per instrument the scenario leaves open, within the province's limits; Submit
    stores the choice for the coming round.

    What is typed is kept as it arrives, in the event that brings it (``typed``), not in a later
    redraw: the page also redraws when other players act, and Submit must see the last keystroke."""
    limits = solara.use_memo(lambda: classroom().limits(code, token), dependencies=[code, token, room.rounds_done])
    pending = classroom().pending(code, token)
    start = {name: str(round((pending or position.policy)[name], DECIMALS[INSTRUMENT_KINDS[name]])) for name in limits}
    texts, set_texts = solara.use_state(start)
    typed = solara.use_ref(start)
    refusal, attempt = use_attempt()
    solara.Markdown(f"### {tr('classroom.choose_title', round=room.rounds_done + 1, rounds=room.scenario.rounds)}")

    def type_in(name: str, text: str) -> None:
        typed.current = {**typed.current, name: text}
        set_texts(typed.current)

    for name, (low, high) in limits.items():
        unit = tr(f"classroom.unit.{INSTRUMENT_KINDS[name]}")
        v.TextField(v_model=texts[name], on_v_model=lambda text, name=name: type_in(name, text), hide_details="auto",
                    label=tr("classroom.instrument_input", name=tr(f"classroom.instrument.{name}"), unit=unit,
                             low=f"{low:,.2f}", high=f"{high:,.2f}"),
                    class_=f"tsim-input-{name}", style_="max-width: 420px")
    for name in room.scenario.locked:
        solara.Text(tr("classroom.locked_instrument", name=tr(f"classroom.instrument.{name}")),
                    classes=["tsim-explain"])

    def submit():
        chosen = {name: typed_number(text) for name, text in typed.current.items()}
        if attempt(lambda: classroom().submit(code, token, chosen))[0]:
            refresh()

    with solara.Row():
        solara.Button(tr("classroom.submit"), on_click=submit, color="primary", classes=["tsim-submit"])
    if pending is not None:
        solara.Success(tr("classroom.submitted", round=room.rounds_done + 1), dense=True, classes=["tsim-submitted"])
    Refusal(refusal)


@solara.component
def StudentView(code: str, token: str):
    """The student's page once they hold a token for this room."""
    version, refresh = use_room_version(code)
    room = classroom().state(code)
    me = classroom().player(code, token)
    position = solara.use_memo(lambda: classroom().position(code, token), dependencies=[code, token, version])
    solara.Markdown(f"## {tr('classroom.room', code=code)} · {me.name}")
    if position is None:
        ClaimForm(code, token, room, refresh)
        return
    ProvincePanel(position)
    if room.finished:
        solara.Info(tr("classroom.game_over"), dense=True)
    else:
        if not room.started:
            solara.Info(tr("classroom.waiting_start"), dense=True)
        # a new form each round, starting from what is in force or submitted
        ChoiceForm(code, token, room, position, refresh).key(f"round-{room.rounds_done}")
    if room.rounds_done:
        Scoreboard(code, room)
        ChoicesMap(code, room.rounds_done)
