"""What the teacher's and the students' classroom pages both show: the room's changes as they
happen, readable refusals, the scoreboard and the map of the provinces' choices."""

from __future__ import annotations

import threading
from typing import Callable

import pandas as pd
import solara

from ..classroom.game import Classroom, RoomState, shared
from ..classroom.outcomes import SCORE_COLUMNS
from ..i18n import region
from .figure_card import FigureCard, use_plot
from .language import lang, tr
from .manifest import manifest
from .map_panel import map_figure
from .session import Snapshot
from .settings import Problem, SettingsError

#: Seconds between two looks at whether the room has changed (another player's move).
POLL_SECONDS = 0.5
#: The maps of the provinces' choices, and of what came of them.
CHOICE_METRICS = ("tax_rebate", "land_discount", "output", "employment", "firms", "debt_share")


def classroom() -> Classroom:
    """The server's rooms (one registry for every session)."""
    return shared()


def use_room_version(code: str) -> tuple[int, Callable[[], None]]:
    """The room's change count, followed while the page is open, and a call that takes the
    latest at once (after the page's own change)."""
    version, set_version = solara.use_state(classroom().version(code))

    def follow(cancel: threading.Event) -> None:
        seen = None
        while not cancel.wait(POLL_SECONDS):
            now = classroom().version(code)
            if now != seen:
                seen = now
                set_version(now)

    solara.use_thread(follow, dependencies=[code], intrusive_cancel=False)
    return version, lambda: set_version(classroom().version(code))


def use_attempt() -> tuple[Problem | None, Callable[[Callable[[], object]], tuple[bool, object]]]:
    """The last refusal (None when the last attempt went through), and ``attempt(action)``,
    which runs the action and gives (whether it went through, its result), keeping a refusal
    to show in the page's language."""
    refusal, set_refusal = solara.use_state(None)

    def attempt(action: Callable[[], object]) -> tuple[bool, object]:
        try:
            result = action()
        except SettingsError as error:
            set_refusal(error.problem)
            return False, None
        set_refusal(None)
        return True, result

    return refusal, attempt


@solara.component
def Refusal(refusal: Problem | None):
    if refusal is not None:
        solara.Error(refusal.words(lang()), dense=True, classes=["tsim-refusal"])


def scoreboard_html(table: pd.DataFrame, language: str) -> str:
    """The scoreboard as an HTML table in the page's language (players' names escaped)."""
    shown = pd.DataFrame({
        tr("classroom.score.region"): [region(name, language) for name in table["region"]],
        tr("classroom.score.player"): [name or tr("classroom.score.model") for name in table["player"]],
        **{tr(f"classroom.score.{column}"): table[column] for column in SCORE_COLUMNS},
    })
    formats = dict(zip(shown.columns[2:], ("{:+.2f}", "{:,.0f}", "{:+,.0f}", "{:+,.1f}", "{:,d}")))
    for column, fmt in formats.items():
        shown[column] = [fmt.format(value) for value in shown[column]]
    return shown.to_html(index=False, escape=True, classes="tsim-scoreboard", border=0)


@solara.component
def Scoreboard(code: str, room: RoomState):
    """Worked out again after a round, or when a student takes a province."""
    holders = [(p.region, p.name) for p in room.players if p.region is not None]
    table = solara.use_memo(lambda: classroom().scoreboard(code), dependencies=[code, room.rounds_done, holders])
    solara.Markdown(f"**{tr('classroom.scoreboard')}**")
    solara.HTML(tag="div", unsafe_innerHTML=scoreboard_html(table, lang()))
    solara.Text(tr("classroom.score.explain"), classes=["tsim-explain"])


@solara.component
def ChoicesMap(code: str, rounds_done: int):
    """The provinces' terms (or what came of them) in the last year simulated, drawn by the
    dashboard's map."""
    metric, set_metric = solara.use_state(CHOICE_METRICS[0])
    snap: Snapshot = solara.use_memo(lambda: classroom().snapshot(code), dependencies=[code, rounds_done])
    language = lang()
    names = {tr(f"metric.{key}"): key for key in CHOICE_METRICS}
    solara.Select(tr("map.metric"), values=list(names), value=tr(f"metric.{metric}"),
                  on_value=lambda label: set_metric(names[label]), style={"max-width": "300px"})
    plot = use_plot(lambda: map_figure(snap, metric, snap.year, lang=language), [snap, metric, language])
    FigureCard(plot, f"classroom-{code}-{metric}-{snap.year}", manifest(snap.settings, room=code))


def province_options(names: list[str]) -> dict[str, str]:
    """Each province's name in the page's language, by its name in the model."""
    return {tr(f"region.{name}"): name for name in names}


def format_value(value: float, kind: str) -> str:
    """A figure of the province panel: a share as %, money in bn CNY, a count whole."""
    if kind == "share":
        return f"{100 * value:.0f} %"
    if kind == "money":
        return f"{value:,.1f}"
    return f"{value:,.0f}"
