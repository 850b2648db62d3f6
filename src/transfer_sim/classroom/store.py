"""The classroom game's lasting state in one SQLite file: rooms, players and each round's choices.

Results are never stored: they are simulated again from the room's scenario (its seed among
them) and the choices, which gives the same numbers every time. The file lives in
``$TRANSFER_SIM_CLASSROOM_DIR`` (by default ``~/.local/share/transfer-sim``) as
``classroom.sqlite3``. Every call opens its own connection, so threads never share one.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

#: The environment variable that names the directory of the game's SQLite file.
DIRECTORY_VARIABLE = "TRANSFER_SIM_CLASSROOM_DIR"
DEFAULT_DIRECTORY = Path.home() / ".local" / "share" / "transfer-sim"
FILE_NAME = "classroom.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY,
    teacher_key TEXT NOT NULL,
    scenario TEXT NOT NULL,          -- JSON, see game.Scenario.to_json
    started INTEGER NOT NULL DEFAULT 0,
    rounds_done INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS players (
    token TEXT PRIMARY KEY,
    room TEXT NOT NULL REFERENCES rooms(code),
    name TEXT NOT NULL,
    region TEXT,                     -- NULL until the player claims a province
    joined TEXT NOT NULL DEFAULT (datetime('now')),
    UNIQUE (room, region)
);
CREATE TABLE IF NOT EXISTS choices (
    room TEXT NOT NULL REFERENCES rooms(code),
    round INTEGER NOT NULL,          -- the round the choice is for, from 1
    region TEXT NOT NULL,
    instruments TEXT NOT NULL,       -- JSON: instrument name -> value
    submitted TEXT NOT NULL DEFAULT (datetime('now')),
    PRIMARY KEY (room, round, region)
);
"""


def default_path() -> Path:
    """The game's SQLite file: in ``$TRANSFER_SIM_CLASSROOM_DIR``, or the default directory."""
    directory = os.environ.get(DIRECTORY_VARIABLE) or DEFAULT_DIRECTORY
    return Path(directory) / FILE_NAME


@dataclass(frozen=True)
class RoomRow:
    code: str
    teacher_key: str
    scenario: str
    started: bool
    rounds_done: int


@dataclass(frozen=True)
class PlayerRow:
    token: str
    name: str
    region: str | None


class Store:
    """Reads and writes of the game's tables; a write either happens whole or not at all."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _connection(self):
        """A connection in a transaction: committed when the block ends, rolled back on an error."""
        with closing(sqlite3.connect(self.path, timeout=10)) as db:
            db.execute("PRAGMA foreign_keys = ON")
            with db:
                yield db

    # rooms -------------------------------------------------------------------------------
    def add_room(self, code: str, teacher_key: str, scenario: str) -> bool:
        """Store a new room; False if the code is taken."""
        try:
            with self._connection() as db:
                db.execute("INSERT INTO rooms (code, teacher_key, scenario) VALUES (?, ?, ?)",
                           (code, teacher_key, scenario))
        except sqlite3.IntegrityError:
            return False
        return True

    def room(self, code: str) -> RoomRow | None:
        with self._connection() as db:
            row = db.execute("SELECT code, teacher_key, scenario, started, rounds_done FROM rooms WHERE code = ?",
                             (code,)).fetchone()
        return None if row is None else RoomRow(row[0], row[1], row[2], bool(row[3]), row[4])

    def start(self, code: str) -> None:
        with self._connection() as db:
            db.execute("UPDATE rooms SET started = 1 WHERE code = ?", (code,))

    def finish_round(self, code: str, rounds_done: int) -> None:
        with self._connection() as db:
            db.execute("UPDATE rooms SET rounds_done = ? WHERE code = ?", (rounds_done, code))

    # players -----------------------------------------------------------------------------
    def add_player(self, code: str, token: str, name: str) -> None:
        with self._connection() as db:
            db.execute("INSERT INTO players (token, room, name) VALUES (?, ?, ?)", (token, code, name))

    def player(self, code: str, token: str) -> PlayerRow | None:
        """The player with this token in this room (None for a token of another room)."""
        with self._connection() as db:
            row = db.execute("SELECT token, name, region FROM players WHERE room = ? AND token = ?",
                             (code, token)).fetchone()
        return None if row is None else PlayerRow(*row)

    def players(self, code: str) -> list[PlayerRow]:
        with self._connection() as db:
            rows = db.execute("SELECT token, name, region FROM players WHERE room = ? ORDER BY joined, rowid",
                              (code,)).fetchall()
        return [PlayerRow(*row) for row in rows]

    def claim(self, code: str, token: str, region: str) -> bool:
        """Give the player the province, dropping the choices they made for the one they leave
        (only ever before the first round); False if another player of the room holds it."""
        try:
            with self._connection() as db:
                db.execute("DELETE FROM choices WHERE room = ? AND region = "
                           "(SELECT region FROM players WHERE room = ? AND token = ?)", (code, code, token))
                db.execute("UPDATE players SET region = ? WHERE room = ? AND token = ?", (region, code, token))
        except sqlite3.IntegrityError:
            return False
        return True

    # choices -----------------------------------------------------------------------------
    def put_choice(self, code: str, round_: int, region: str, instruments: dict[str, float]) -> None:
        """The province's instruments for the round (a later submission replaces an earlier one)."""
        with self._connection() as db:
            db.execute("INSERT OR REPLACE INTO choices (room, round, region, instruments) VALUES (?, ?, ?, ?)",
                       (code, round_, region, json.dumps(instruments)))

    def choices(self, code: str, round_: int | None = None) -> list[tuple[int, str, dict[str, float]]]:
        """(round, region, instruments) of the room's choices, of one round or of all, in order."""
        query = "SELECT round, region, instruments FROM choices WHERE room = ?"
        args: tuple = (code,)
        if round_ is not None:
            query, args = query + " AND round = ?", (code, round_)
        with self._connection() as db:
            rows = db.execute(query + " ORDER BY round, region", args).fetchall()
        return [(r, region, json.loads(values)) for r, region, values in rows]
