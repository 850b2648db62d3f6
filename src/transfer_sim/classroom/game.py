"""The classroom game's rules: rooms, players, provinces, choices and rounds (no page code).

A teacher opens a room with a :class:`~.scenario.Scenario` and gets its code and a teacher
key; students join with the code and get a player token; each claims a province, and each
round sets its instruments. The teacher starts the game and advances it a round at a time;
the provinces no student holds are played by the model's own local governments.

Every request names the room and carries the key or token that allows it, so a student can
change only their own province and only the teacher can start or advance. What lasts is in
the :class:`~.store.Store`; the live model of a room is kept in :class:`Classroom`'s registry
and, after a restart, simulated again from the scenario's seed and the stored choices, round by
round, which gives the same results. Refusals are
:class:`~transfer_sim.dashboard.settings.SettingsError` with a sentence from the catalogue.
"""

from __future__ import annotations

import hmac
import math
import secrets
import threading
from dataclasses import asdict, dataclass, field, replace
from functools import cache

import pandas as pd

from ..dashboard.session import START_YEAR, Snapshot, build_model, take_snapshot
from ..dashboard.settings import SettingsError, Words
from ..geography import Geography
from ..model import TransferModel
from ..processes.local_government import SETTABLE
from . import outcomes
from .scenario import Scenario
from .store import PlayerRow, Store

#: Room codes: letters and digits that cannot be mistaken for one another when read aloud or off a board.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5
MOST_NAME_CHARACTERS = 40
PROVINCES = Geography.china().names


def instrument_words(name: str) -> Words:
    """An instrument's name in the language of the page that shows the message."""
    return Words(f"classroom.instrument.{name}")


def region_words(name: str) -> Words:
    return Words(f"region.{name}")


@dataclass
class LiveRoom:
    """A room's model and what is worked out from it, under ``lock``. ``version`` counts the
    room's changes, so a page knows when to look again."""

    code: str
    scenario: Scenario
    model: TransferModel | None = None
    rounds_simulated: int = 0
    version: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)
    debriefs: dict[int, Debrief] = field(default_factory=dict)  # by rounds done


@dataclass(frozen=True)
class PlayerView:
    name: str
    region: str | None
    submitted: bool  # for the coming round


@dataclass(frozen=True)
class RoomState:
    """What everyone in the room may see: the scenario, the rounds, the year and the players."""

    code: str
    scenario: Scenario
    started: bool
    rounds_done: int
    year: int
    players: tuple[PlayerView, ...]

    @property
    def finished(self) -> bool:
        return self.rounds_done >= self.scenario.rounds

    @property
    def free_provinces(self) -> list[str]:
        taken = {p.region for p in self.players}
        return [name for name in PROVINCES if name not in taken]

    @property
    def all_submitted(self) -> bool:
        holders = [p for p in self.players if p.region is not None]
        return bool(holders) and all(p.submitted for p in holders)


@dataclass(frozen=True)
class Debrief:
    """The class's run beside the same seed with the model's own governments, and with them under
    national coordination: ``national`` (outcome x run), ``provinces`` (the students' provinces:
    output growth, %, in the class's run and with the model's own government)."""

    national: pd.DataFrame
    provinces: pd.DataFrame


class Classroom:
    """Every room of one server: their lasting state in ``store`` and their live models here."""

    def __init__(self, store: Store | None = None):
        self.store = store or Store()
        self._rooms: dict[str, LiveRoom] = {}
        self._registry_lock = threading.Lock()

    # the teacher ------------------------------------------------------------------------
    def open_room(self, scenario: Scenario) -> tuple[str, str]:
        """A new room for the scenario: (its code, the teacher's key)."""
        key = secrets.token_urlsafe(16)
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if self.store.add_room(code, key, scenario.to_json()):
                return code, key

    def start(self, code: str, key: str) -> None:
        """Let the rounds begin (students may claim provinces and choose before it too)."""
        self._teacher(code, key)
        room = self._live(code)
        with room.lock:
            self.store.start(code)
            self._changed(room)

    def advance(self, code: str, key: str) -> None:
        """Simulate the coming round: the students' choices for it take effect from its first year
        and stay until they change them; every other instrument is the model governments' own."""
        self._teacher(code, key)
        room = self._live(code)
        with room.lock:
            row = self.store.room(code)
            if not row.started:
                raise SettingsError("classroom.error.not_started")
            if row.rounds_done >= room.scenario.rounds:
                raise SettingsError("classroom.error.finished", rounds=room.scenario.rounds)
            model = self._model(room, row.rounds_done)
            self._play_round(room, model, row.rounds_done + 1)
            self.store.finish_round(code, room.rounds_simulated)
            self._changed(room)

    def debrief(self, code: str, key: str) -> Debrief:
        """The class's outcome so far beside the same seed and years with the model's own
        governments, and with them under national coordination (worked out once per round)."""
        self._teacher(code, key)
        room = self._live(code)
        with room.lock:
            model = self._model(room, self.store.room(code).rounds_done)
            if room.rounds_simulated not in room.debriefs:
                room.debriefs[room.rounds_simulated] = self._debrief(room, model)
            return room.debriefs[room.rounds_simulated]

    def export(self, code: str, key: str) -> dict[str, pd.DataFrame]:
        """The whole game as tables: the scenario, the players, every choice, the scoreboard and
        the class run's results (regions, local_policy, budgets, summary)."""
        self._teacher(code, key)
        room = self._live(code)
        with room.lock:
            model = self._model(room, self.store.room(code).rounds_done)
            choices = pd.DataFrame([{"round": r, "region": region, **values}
                                    for r, region, values in self.store.choices(code)],
                                   columns=["round", "region", *SETTABLE])
            players = pd.DataFrame([(p.name, p.region) for p in self.store.players(code)], columns=["name", "region"])
            fields = asdict(room.scenario)
            scenario = pd.DataFrame({"field": list(fields), "value": [str(v) for v in fields.values()]})
            return {"scenario": scenario, "players": players, "choices": choices,
                    "scoreboard": outcomes.scoreboard(model, self._holders(code)),
                    **{name: getattr(model.results, name).copy() for name in ("regions", "local_policy", "budgets",
                                                                             "summary")}}

    # the students -----------------------------------------------------------------------
    def join(self, code: str, name: str) -> str:
        """A new player in the room: their token."""
        self._room_row(code)
        name = " ".join(str(name).split())
        if not name or len(name) > MOST_NAME_CHARACTERS:
            raise SettingsError("classroom.error.name", most=MOST_NAME_CHARACTERS)
        token = secrets.token_urlsafe(12)
        self.store.add_player(code, token, name)
        self._changed(self._live(code))
        return token

    def claim(self, code: str, token: str, region: str | None = None) -> str:
        """Give the player a free province (``None``: any free one); a player keeps their province
        once the game has started."""
        player = self._player(code, token)
        room = self._live(code)
        with room.lock:
            state = self.state(code)
            if player.region is not None and state.started:
                raise SettingsError("classroom.error.keep_province", region=region_words(player.region))
            free = state.free_provinces
            if region is None:
                if not free:
                    raise SettingsError("classroom.error.no_free_province")
                region = secrets.choice(free)
            if region not in PROVINCES:
                raise SettingsError("classroom.error.unknown_province", got=repr(region))
            if region != player.region and (region not in free or not self.store.claim(code, token, region)):
                raise SettingsError("classroom.error.taken", region=region_words(region))
            self._changed(room)
            return region

    def submit(self, code: str, token: str, instruments: dict[str, float]) -> None:
        """The player's instruments for the coming round, checked against the scenario and their
        province's budget (a later submission before the round replaces this one)."""
        player = self._player(code, token)
        if player.region is None:
            raise SettingsError("classroom.error.no_province")
        room = self._live(code)
        with room.lock:
            row = self.store.room(code)
            if row.rounds_done >= room.scenario.rounds:
                raise SettingsError("classroom.error.finished", rounds=room.scenario.rounds)
            model = self._model(room, row.rounds_done)
            checked = self._checked(room.scenario, model, player.region, instruments)
            self.store.put_choice(code, row.rounds_done + 1, player.region, checked)
            self._changed(room)

    def limits(self, code: str, token: str) -> dict[str, tuple[float, float]]:
        """(lowest, highest) of each instrument the player may set for their province now."""
        player = self._player(code, token)
        room = self._live(code)
        with room.lock:
            model = self._model(room, self.store.room(code).rounds_done)
            return self._limits(room.scenario, model, player.region)

    def position(self, code: str, token: str) -> outcomes.Position | None:
        """The player's province now and over the last round (None before they claim one)."""
        player = self._player(code, token)
        if player.region is None:
            return None
        room = self._live(code)
        with room.lock:
            rounds_done = self.store.room(code).rounds_done
            model = self._model(room, rounds_done)
            round_start = model.start_year + max(rounds_done - 1, 0) * room.scenario.years_per_round
            return outcomes.position(model, player.region, round_start)

    def player(self, code: str, token: str) -> PlayerView:
        """The player this token belongs to in this room (SettingsError for any other token)."""
        player = self._player(code, token)
        return PlayerView(player.name, player.region, self.pending(code, token) is not None)

    def pending(self, code: str, token: str) -> dict[str, float] | None:
        """What the player has submitted for the coming round (None: nothing yet)."""
        player = self._player(code, token)
        row = self.store.room(code)
        return next((values for _, region, values in self.store.choices(code, row.rounds_done + 1)
                     if region == player.region), None)

    # everyone ---------------------------------------------------------------------------
    def state(self, code: str) -> RoomState:
        row = self._room_row(code)
        room = self._live(code)
        submitted = {region for _, region, _ in self.store.choices(code, row.rounds_done + 1)}
        players = tuple(PlayerView(p.name, p.region, p.region in submitted) for p in self.store.players(code))
        return RoomState(code, room.scenario, row.started, row.rounds_done,
                         START_YEAR + row.rounds_done * room.scenario.years_per_round, players)

    def scoreboard(self, code: str) -> pd.DataFrame:
        """:func:`~.outcomes.scoreboard` of the room's run as it stands."""
        room = self._live(code)
        with room.lock:
            model = self._model(room, self._room_row(code).rounds_done)
            return outcomes.scoreboard(model, self._holders(code))

    def snapshot(self, code: str) -> Snapshot:
        """The room's run as the dashboard's panels draw one (its maps among them)."""
        room = self._live(code)
        with room.lock:
            model = self._model(room, self._room_row(code).rounds_done)
            return take_snapshot(model, room.scenario.settings)

    def version(self, code: str) -> int:
        """How many times the room has changed since this server started."""
        with self._registry_lock:
            room = self._rooms.get(code)
        return room.version if room is not None else 0

    def is_teacher(self, code: str, key: str) -> bool:
        row = self.store.room(code)
        return row is not None and hmac.compare_digest(row.teacher_key, str(key))

    # inside -----------------------------------------------------------------------------
    def _room_row(self, code: str):
        row = self.store.room(str(code))
        if row is None:
            raise SettingsError("classroom.error.no_room", code=code)
        return row

    def _teacher(self, code: str, key: str) -> None:
        self._room_row(code)
        if not self.is_teacher(code, key):
            raise SettingsError("classroom.error.not_teacher")

    def _player(self, code: str, token: str) -> PlayerRow:
        self._room_row(code)
        player = self.store.player(code, str(token))
        if player is None:
            raise SettingsError("classroom.error.not_player")
        return player

    def _holders(self, code: str) -> dict[str, str]:
        """Province -> the name of the student who holds it."""
        return {p.region: p.name for p in self.store.players(code) if p.region is not None}

    def _live(self, code: str) -> LiveRoom:
        """The room's live state, made from the store the first time it is asked for."""
        with self._registry_lock:
            if code not in self._rooms:
                self._rooms[code] = LiveRoom(code, Scenario.from_json(self._room_row(code).scenario))
            return self._rooms[code]

    def _model(self, room: LiveRoom, rounds_done: int) -> TransferModel:
        """The room's model after ``rounds_done`` rounds: built and the stored rounds replayed
        when the server has none yet (call with the room's lock held)."""
        if room.model is None:
            room.model, room.rounds_simulated, room.debriefs = build_model(room.scenario.settings), 0, {}
        while room.rounds_simulated < rounds_done:
            self._play_round(room, room.model, room.rounds_simulated + 1)
        return room.model

    def _play_round(self, room: LiveRoom, model: TransferModel, round_: int) -> None:
        for _, region, instruments in self.store.choices(room.code, round_):
            model.set_local_policy(region, **instruments)
        model.run(room.scenario.years_per_round)
        room.rounds_simulated = round_

    @staticmethod
    def _limits(scenario: Scenario, model: TransferModel, region: str) -> dict[str, tuple[float, float]]:
        cap = scenario.preferential_policy_cap
        room = float(outcomes.budget_room(model)[model.geography.index(region)])
        highest = {"tax_rebate": SETTABLE["tax_rebate"][1] if cap is None else min(cap, SETTABLE["tax_rebate"][1]),
                   "land_discount": SETTABLE["land_discount"][1] if cap is None
                   else min(cap, SETTABLE["land_discount"][1]),
                   "park_investment": min(room, SETTABLE["park_investment"][1])}
        return {name: (SETTABLE[name][0], highest[name]) for name in scenario.open_instruments}

    def _checked(self, scenario: Scenario, model: TransferModel, region: str, instruments: dict) -> dict[str, float]:
        """The instruments as numbers within their limits, or SettingsError naming the first
        that is not."""
        limits = self._limits(scenario, model, region)
        unknown = set(instruments) - set(SETTABLE)
        if unknown:
            raise SettingsError("classroom.error.unknown_instrument", name=", ".join(sorted(unknown)),
                                allowed=", ".join(limits))
        locked = [name for name in scenario.locked if name in instruments]
        if locked:
            raise SettingsError("classroom.error.locked", name=instrument_words(locked[0]))
        checked = {}
        for name, (low, high) in limits.items():
            value = instruments.get(name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise SettingsError("classroom.error.not_a_number", name=instrument_words(name), got=repr(value))
            if not low <= value <= high + 1e-9:
                raise SettingsError("classroom.error.instrument_range", name=instrument_words(name), low=f"{low:,.2f}",
                                    high=f"{high:,.2f}", got=f"{value:,.2f}")
            checked[name] = float(min(value, high))
        return checked

    def _debrief(self, room: LiveRoom, model: TransferModel) -> Debrief:
        settings = room.scenario.settings
        years = model.year - model.start_year
        own = build_model(settings).run(years)
        coordinated = build_model(replace(settings, policy=settings.policy.with_changes(national_coordination=True)))
        coordinated.run(years)
        runs = {"class": model, "own_governments": own, "national_coordination": coordinated}
        national = pd.DataFrame({name: outcomes.national_outcome(run) for name, run in runs.items()})
        national = national.loc[list(outcomes.OUTCOME_ROWS)]
        held = self._holders(room.code)
        growth = {name: outcomes.scoreboard(run, held).set_index("region")["output_growth"]
                  for name, run in runs.items()}
        provinces = pd.DataFrame({"region": list(held), "player": list(held.values()),
                                  **{name: [float(g[r]) for r in held] for name, g in growth.items()}})
        return Debrief(national, provinces)

    @staticmethod
    def _changed(room: LiveRoom) -> None:
        room.version += 1


@cache
def shared() -> Classroom:
    """The rooms of this server process, in the store ``$TRANSFER_SIM_CLASSROOM_DIR`` names."""
    return Classroom()
