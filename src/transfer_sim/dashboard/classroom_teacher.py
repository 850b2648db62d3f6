"""The teacher's classroom page: choose the scenario and open a room, then run the rounds, watch
the scoreboard and the map, debrief and export."""

from __future__ import annotations

from typing import Callable

import solara

from ..classroom.export import FORMATS, game_zip
from ..classroom.game import RoomState
from ..classroom.scenario import INSTRUMENTS, ROUND_LENGTHS, Scenario
from ..i18n import region
from ..policy import PRESETS
from .classroom_views import ChoicesMap, Refusal, Scoreboard, classroom, use_attempt, use_room_version
from .language import lang, tr
from .widgets import use_latest_call

#: How the debrief writes an outcome (the others as whole numbers).
OUTCOME_FORMATS = {"fiscal_balance": "{:+,.1f}", "theil": "{:.4f}"}


@solara.component
def ScenarioForm(on_open: Callable[[Scenario], None]):
    """The scenario's choices; Open room checks them and opens the room."""
    fields, set_fields = solara.use_state(Scenario().__dict__.copy())
    capped, set_capped = solara.use_state(False)
    refusal, attempt = use_attempt()

    def put(name: str):
        return lambda value: set_fields(lambda now: {**now, name: value})

    presets = {tr(f"preset.{name}.title"): name for name in PRESETS}
    lengths = {tr(f"classroom.round_length.{years}"): years for years in ROUND_LENGTHS}
    solara.Markdown(f"### {tr('classroom.new_room')}")
    solara.Select(tr("controls.preset"), values=list(presets), value=tr(f"preset.{fields['preset']}.title"),
                  on_value=lambda label: put("preset")(presets[label]), style={"max-width": "360px"})
    solara.Select(tr("classroom.length"), values=list(lengths),
                  value=tr(f"classroom.round_length.{fields['years_per_round']}"),
                  on_value=lambda label: put("years_per_round")(lengths[label]), style={"max-width": "360px"})
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.InputInt(tr("classroom.rounds"), value=fields["rounds"], on_value=put("rounds"),
                        continuous_update=True, classes=["tsim-rounds"])
        solara.InputInt(tr("run.n_firms"), value=fields["n_firms"], on_value=put("n_firms"),
                        continuous_update=True, classes=["tsim-firms"])
        solara.InputInt(tr("run.seed"), value=fields["seed"], on_value=put("seed"), continuous_update=True,
                        classes=["tsim-seed"])
    solara.Checkbox(label=tr("lever.national_coordination.label"), value=fields["national_coordination"],
                    on_value=put("national_coordination"))
    with solara.Row(style={"align-items": "center"}):
        solara.Checkbox(label=tr("lever.preferential_policy_cap.label"), value=capped, on_value=set_capped)
        if capped:
            solara.InputFloat(tr("classroom.cap_value"), value=fields["preferential_policy_cap"] or 0.1,
                              on_value=put("preferential_policy_cap"), continuous_update=True,
                              style={"max-width": "220px"})
    solara.Text(tr("classroom.locked"), classes=["tsim-section"])
    with solara.Row(style={"flex-wrap": "wrap"}):
        for name in INSTRUMENTS:
            solara.Checkbox(label=tr(f"classroom.instrument.{name}"), value=name in fields["locked"],
                            on_value=lambda on, name=name: set_fields(lambda now: {**now, "locked": tuple(
                                n for n in INSTRUMENTS if (n == name and on) or (n != name and n in now["locked"]))}))

    def open_room():
        chosen = {**fields, "preferential_policy_cap": (fields["preferential_policy_cap"] or 0.1) if capped else None}
        opened, scenario = attempt(lambda: Scenario.checked(**chosen))
        if opened:
            on_open(scenario)

    solara.Button(tr("classroom.open_room"), on_click=open_room, color="primary", classes=["tsim-open-room"])
    Refusal(refusal)


@solara.component
def Players(room: RoomState):
    """Who plays which province, and who has chosen for the coming round."""
    holders = [p for p in room.players if p.region is not None]
    solara.Text(tr("classroom.submitted_count", done=sum(p.submitted for p in holders), of=len(holders),
                   joined=len(room.players)), classes=["tsim-submitted-count"])
    for player in room.players:
        where = region(player.region, lang()) if player.region else tr("classroom.no_province_yet")
        mark = " ✓" if player.submitted else ""
        solara.Text(f"{player.name} — {where}{mark}", classes=["tsim-player"])


@solara.component
def Debrief(code: str, key: str, rounds_done: int):
    """The class's outcome beside the model's own governments and national coordination (each
    run on request: it simulates the same years twice more)."""
    shown, set_shown = solara.use_state(-1)
    solara.Button(tr("classroom.debrief"), on_click=lambda: set_shown(rounds_done), outlined=True,
                  disabled=rounds_done == 0, classes=["tsim-debrief-button"])
    if shown == rounds_done:
        DebriefTables(code, key, rounds_done)


@solara.component
def DebriefTables(code: str, key: str, rounds_done: int):
    debrief = solara.use_memo(lambda: classroom().debrief(code, key), dependencies=[code, rounds_done])
    national = debrief.national.apply(lambda row: row.map(OUTCOME_FORMATS.get(row.name, "{:,.0f}").format), axis=1)
    national = national.rename(index=lambda row: tr(f"classroom.outcome.{row}"),
                               columns=lambda run: tr(f"classroom.run.{run}"))
    solara.HTML(tag="div", unsafe_innerHTML=national.to_html(escape=True, classes="tsim-debrief", border=0))
    provinces = debrief.provinces.assign(region=[region(name, lang()) for name in debrief.provinces["region"]])
    provinces = provinces.rename(columns=lambda c: tr(f"classroom.run.{c}") if c in debrief.national.columns
                                 else tr(f"classroom.score.{c}"))
    solara.HTML(tag="div", unsafe_innerHTML=provinces.to_html(index=False, float_format="{:+.2f}".format, escape=True,
                                                                classes="tsim-debrief-provinces", border=0))
    solara.Text(tr("classroom.debrief_explain"), classes=["tsim-explain"])


@solara.component
def Export(code: str, key: str):
    """The whole game, choices and results, as a zip of CSV or of Parquet files."""
    with solara.Row():
        for kind in FORMATS:
            ExportButton(code, key, kind)


@solara.component
def ExportButton(code: str, key: str, kind: str):
    data = use_latest_call(lambda kind: game_zip(classroom().export(code, key), kind), kind)
    solara.FileDownload(data, filename=f"classroom-{code}-{kind}.zip", label=tr(f"classroom.export.{kind}"),
                        mime_type="application/zip")


@solara.component
def TeacherView(code: str, key: str, join_address: str):
    """The teacher's page of a room."""
    _, refresh = use_room_version(code)  # the view is drawn again whenever the room changes
    room = classroom().state(code)
    refusal, attempt = use_attempt()
    solara.Markdown(f"## {tr('classroom.room', code=code)}")
    solara.Text(tr("classroom.join_here", address=join_address, code=code), classes=["tsim-join-address"])
    s = room.scenario
    solara.Text(tr("classroom.scenario_line", preset=tr(f"preset.{s.preset}.title"), rounds=s.rounds,
                   length=tr(f"classroom.round_length.{s.years_per_round}"), firms=f"{s.n_firms:,}", seed=s.seed),
                classes=["tsim-explain"])
    Players(room)

    def act(action: Callable[[], object]) -> None:
        if attempt(action)[0]:
            refresh()

    with solara.Row(style={"align-items": "center"}):
        if not room.started:
            solara.Button(tr("classroom.start"), on_click=lambda: act(lambda: classroom().start(code, key)),
                          color="primary", classes=["tsim-start"])
        else:
            solara.Button(tr("classroom.advance", years=s.years_per_round),
                          on_click=lambda: act(lambda: classroom().advance(code, key)), color="primary",
                          disabled=room.finished, classes=["tsim-advance"])
        solara.Text(tr("classroom.round_status", done=room.rounds_done, rounds=s.rounds, year=room.year),
                    classes=["tsim-round-status"])
        if room.started and room.all_submitted and not room.finished:
            solara.Text(tr("classroom.all_submitted"), classes=["tsim-all-submitted"])
    Refusal(refusal)
    if room.rounds_done:
        Scoreboard(code, room)
        ChoicesMap(code, room.rounds_done)
    Debrief(code, key, room.rounds_done)
    Export(code, key)
