"""What the teacher chooses for a room: the central levers, the rounds and the run's size.

A :class:`Scenario` is always valid: :meth:`Scenario.checked` either builds one or raises
:class:`~transfer_sim.dashboard.settings.SettingsError` with a sentence in the catalogue's
words, like the dashboard's own inputs (whose checks it reuses for the preset, the levers,
the number of firms and the seed).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from ..dashboard.settings import RUN_LIMITS, Settings, SettingsError
from ..processes.local_government import SETTABLE

#: The provinces' instruments a student sets, in the order the page shows them.
INSTRUMENTS = tuple(SETTABLE)
#: A round is one year or one five-year plan.
ROUND_LENGTHS = (1, 5)
MOST_ROUNDS = 10


@dataclass(frozen=True)
class Scenario:
    """The room's game: a preset with national coordination and the cap on preferential policies
    on or off, ``rounds`` rounds of ``years_per_round`` years, the run's firms and seed, and the
    instruments students may not set (``locked``: the model's governments keep choosing them)."""

    preset: str = "baseline"
    national_coordination: bool = False
    preferential_policy_cap: float | None = None
    years_per_round: int = ROUND_LENGTHS[0]
    rounds: int = 5
    n_firms: int = Settings().n_firms
    seed: int = Settings().seed
    locked: tuple[str, ...] = ()

    @classmethod
    def checked(cls, **fields) -> Scenario:
        """A scenario from these fields (the others default); SettingsError names what is wrong."""
        unknown = set(fields) - set(cls.__dataclass_fields__)
        if unknown:
            raise SettingsError("classroom.error.unknown_field", name=", ".join(sorted(unknown)))
        scenario = replace(cls(), **fields)
        if scenario.years_per_round not in ROUND_LENGTHS:
            raise SettingsError("classroom.error.round_length", got=repr(scenario.years_per_round),
                                allowed=", ".join(map(str, ROUND_LENGTHS)))
        rounds, most_years = scenario.rounds, RUN_LIMITS["years"][2]
        most = min(MOST_ROUNDS, most_years // scenario.years_per_round)
        if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1 <= rounds <= most:
            raise SettingsError("classroom.error.rounds", got=repr(rounds), high=most)
        locked = tuple(scenario.locked)
        unknown = sorted(set(locked) - set(INSTRUMENTS))
        if unknown:
            raise SettingsError("classroom.error.unknown_instrument", name=", ".join(unknown),
                                allowed=", ".join(INSTRUMENTS))
        if len(locked) == len(INSTRUMENTS):
            raise SettingsError("classroom.error.all_locked")
        scenario = replace(scenario, locked=tuple(name for name in INSTRUMENTS if name in locked))
        scenario.settings  # the preset, the levers, the firms and the seed, checked as the dashboard checks them
        return scenario

    @property
    def settings(self) -> Settings:
        """The run as the dashboard describes one: the model is built and its maps drawn from it."""
        settings = Settings().with_preset(self.preset)
        for lever in ("national_coordination", "preferential_policy_cap"):
            if getattr(self, lever) != getattr(settings.policy, lever):
                settings = settings.with_lever(lever, getattr(self, lever))
        for field in ("n_firms", "seed"):
            settings = settings.with_run(field, getattr(self, field))
        return replace(settings, years=self.years)

    @property
    def years(self) -> int:
        return self.rounds * self.years_per_round

    @property
    def open_instruments(self) -> tuple[str, ...]:
        """The instruments students set."""
        return tuple(name for name in INSTRUMENTS if name not in self.locked)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        fields = json.loads(text)
        return cls.checked(**{**fields, "locked": tuple(fields.get("locked", ()))})
