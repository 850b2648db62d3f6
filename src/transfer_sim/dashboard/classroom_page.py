"""The classroom page at ``/classroom``: the address says who is looking.

- ``/classroom``: open a room (the teacher) or type a room's code (a student);
- ``?room=CODE``: join the room with a name;
- ``?room=CODE&player=TOKEN``: the student's province (the token is theirs alone: keep the address);
- ``?room=CODE&teacher=KEY``: the teacher's controls (the key is the teacher's alone);
- ``&lang=zh`` shows the page in Chinese.

The rooms live in the server's :class:`~transfer_sim.classroom.game.Classroom`, not in the
session: every page of a room reads the same room, and nothing of the dashboard's sessions.
"""

from __future__ import annotations

from typing import Callable
from urllib.parse import parse_qsl, urlencode

import solara
import solara.lab

from ..classroom.scenario import Scenario
from ..i18n import LANGUAGES
from . import solara_server, state
from .classroom_student import JoinForm, StudentView
from .classroom_teacher import ScenarioForm, TeacherView
from .classroom_views import Refusal, classroom, use_attempt
from .language import LanguageSwitch, tr
from .settings import SettingsError

solara_server.configure()

STYLE = """
.tsim-explain { font-size: 0.8rem; color: #666; white-space: normal; }
.tsim-section { font-weight: 600; margin-top: 6px; }
.tsim-scoreboard, .tsim-debrief, .tsim-debrief-provinces { border-collapse: collapse; margin: 8px 0;
  font-size: 0.85rem; }
.tsim-scoreboard th, .tsim-scoreboard td, .tsim-debrief th, .tsim-debrief td,
.tsim-debrief-provinces th, .tsim-debrief-provinces td { padding: 2px 10px; border-bottom: 1px solid #eee;
  text-align: right; }
.tsim-scoreboard td:nth-child(-n+2), .tsim-debrief-provinces td:nth-child(-n+2) { text-align: left; }
.tsim-province .v-sheet { background: transparent !important; }
"""


def room_address(path: str, **fields: str) -> str:
    """The page's address with these fields (the language kept by the caller)."""
    return f"{path}?{urlencode(fields)}" if fields else path


@solara.component
def Lobby(go: Callable[..., None]):
    """No room named yet: open one, or type the code of one."""
    code, set_code = solara.use_state("")
    refusal, attempt = use_attempt()

    def open_room(scenario: Scenario):
        code, key = classroom().open_room(scenario)
        go(room=code, teacher=key)

    def enter():
        typed = code.strip().upper()
        if attempt(lambda: classroom().state(typed))[0]:
            go(room=typed)

    with solara.Columns([1, 1]):
        with solara.Column():
            solara.Markdown(f"## {tr('classroom.teacher')}")
            ScenarioForm(on_open=open_room)
        with solara.Column():
            solara.Markdown(f"## {tr('classroom.student')}")
            solara.InputText(tr("classroom.code"), value=code, on_value=set_code, continuous_update=True)
            solara.Button(tr("classroom.enter"), on_click=enter, color="primary", classes=["tsim-enter"])
            Refusal(refusal)


def join_address(code: str) -> str:
    """The address students open, with the host this page was asked for."""
    host = ((solara.lab.headers.value or {}).get("host") or ["127.0.0.1:8765"])[0]
    return f"http://{host}/classroom?{urlencode({'room': code})}"


@solara.component
def ClassroomPage():
    """One per browser session; what it shows follows its address."""
    router = solara.use_router()
    given = dict(parse_qsl(router.search or ""))
    language = given.get("lang")
    solara.use_effect(lambda: state.language.set(language) if language in LANGUAGES else None, [language])
    solara.Title(tr("classroom.title"))
    solara.Style(STYLE)
    with solara.AppBar():
        LanguageSwitch()

    def go(**fields: str) -> None:
        kept = {"lang": language} if language in LANGUAGES else {}
        router.push(room_address(router.path, **fields, **kept))

    code = given.get("room")
    if not code:
        Lobby(go)
        return
    try:
        room = classroom().state(code)
        if "teacher" in given:
            if not classroom().is_teacher(code, given["teacher"]):
                raise SettingsError("classroom.error.not_teacher")
            TeacherView(code, given["teacher"], join_address(room.code))
        elif "player" in given:
            classroom().player(code, given["player"])
            StudentView(code, given["player"])
        else:
            JoinForm(code, on_joined=lambda token: go(room=code, player=token))
    except SettingsError as error:
        Refusal(error.problem)
        solara.Button(tr("classroom.back_to_lobby"), on_click=lambda: go(), text=True)
