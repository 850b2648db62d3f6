"""What a user sets in the sidebar: a preset, lever changes and the size of the run.

Lever widgets are described from :class:`transfer_sim.Policy`'s fields and
:func:`transfer_sim.lever_table`, so the dashboard never repeats a lever default or limit.
Every change goes through :class:`Settings`, which either returns a valid copy or raises
:class:`SettingsError` with a sentence a user can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

import annotated_types
from pydantic import ValidationError

from ..i18n import catalogue, text
from ..policy import MEASURES, PRESETS, Policy, lever_table
from ..run_settings import bounds, default

#: Bounds of the run-size inputs: (message id of the label, lowest, highest). The lowest are
#: :class:`RunSettings`'; the highest keep a run interactive in the browser (the command line goes further).
RUN_LIMITS = {
    "years": ("run.years", bounds("years")[0], 50),
    "n_firms": ("run.n_firms", bounds("n_firms")[0], 200_000),
    "seed": ("run.seed", bounds("seed")[0], 2**31 - 1),
}


@dataclass(frozen=True)
class Problem:
    """A message for the person at the page, worded in the language shown when it is shown.

    ``fields`` fill the message's blanks; a field that is a message id (:class:`Words`) or an
    exception is worded in that language too.
    """

    key: str
    fields: tuple[tuple[str, object], ...] = ()

    def words(self, lang: str = "en") -> str:
        return text(self.key, lang, **{name: worded(value, lang) for name, value in self.fields})


class Words(str):
    """A field of a :class:`Problem` that is itself a message id."""


def worded(value, lang: str) -> str:
    if isinstance(value, Words):
        return text(value, lang)
    if isinstance(value, Exception):
        return readable(value, lang)
    return str(value)


def problem(key: str, **fields) -> Problem:
    return Problem(key, tuple(fields.items()))


class SettingsError(ValueError):
    """An input the dashboard cannot use, worded for the person who typed it."""

    def __init__(self, key: str, **fields):
        self.problem = problem(key, **fields)
        super().__init__(self.problem.words())


def readable(error: Exception, lang: str = "en") -> str:
    """One line per problem, naming the field and the value, never a traceback."""
    if isinstance(error, SettingsError):
        return error.problem.words(lang)
    if isinstance(error, ValidationError):
        lines = []
        for e in error.errors():
            where = field_words(e["loc"], lang)
            got = e.get("input")
            shown = "" if isinstance(got, dict) else text("error.got", lang, got=repr(got))
            lines.append(f"{where + ': ' if where else ''}{validation_message(e, lang)}{shown}")
        return "; ".join(lines)
    return str(error)


def field_words(location: tuple, lang: str) -> str:
    """The field a pydantic error is about: the lever by its readable name, then the parts inside
    it (a shock's ``year``, a province), without positions in a list; empty for the whole input."""
    parts = [str(part) for part in location if not isinstance(part, int)]
    if parts and f"lever.{parts[0]}.label" in catalogue():
        parts[0] = text(f"lever.{parts[0]}.label", lang)
    return " · ".join(parts)


#: pydantic's prefixes of a rule the model states in its own words.
RULE_PREFIXES = ("Value error, ", "Assertion failed, ")


def validation_message(error: dict, lang: str) -> str:
    """pydantic's message, or its translation where the catalogue has one for its type."""
    key = f"validation.{error['type']}"
    if lang == "en" or key not in catalogue():
        message = error["msg"]
        for prefix in RULE_PREFIXES:
            message = message.removeprefix(prefix)
        return message
    return text(key, lang, **error.get("ctx", {}))


@dataclass(frozen=True)
class LeverSpec:
    """How one lever is shown: its kind of widget and limits from the policy definition (its
    texts are in the catalogue: ``lever.<name>.label``, ``.mechanism``, ``.seed``, ``.unit``)."""

    name: str
    measure: str  # a key of :data:`MEASURES`
    default: object
    kind: str  # "float", "int", "bool", "regions", "sectors", "region_rates" or "shocks"
    low: float | None = None
    high: float | None = None


def _kind(name: str, annotation) -> str:
    text = str(annotation)
    if name == "shocks":
        return "shocks"
    if name == "profit_subsidy":
        return "region_rates"
    if name == "cage_sectors":
        return "sectors"
    if "list[str]" in text:
        return "regions"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    return "float"


@cache
def lever_specs() -> tuple[LeverSpec, ...]:
    """Every lever of :class:`Policy` in the order of its definition."""
    specs = []
    for row in lever_table().itertuples():
        field = Policy.model_fields[row.lever]
        low = next((m.ge for m in field.metadata if isinstance(m, annotated_types.Ge)), None)
        high = next((m.le for m in field.metadata if isinstance(m, annotated_types.Le)), None)
        specs.append(LeverSpec(name=row.lever, measure=field.json_schema_extra["measure"], default=row.default,
                               kind=_kind(row.lever, field.annotation), low=low, high=high))
    return tuple(specs)


def measures() -> list[str]:
    """The keys of the measure groups that have levers, in the policy's order (the seed's four
    measures first)."""
    named = {spec.measure for spec in lever_specs()}
    return [m for m in MEASURES if m in named]


@dataclass(frozen=True)
class Settings:
    """A complete, valid choice of scenario and run size; changing it gives a new object."""

    preset: str = "baseline"
    policy: Policy = Policy()
    years: int = default("years")
    n_firms: int = default("n_firms")
    seed: int = default("seed")

    def with_preset(self, name: str) -> Settings:
        """The preset's levers, replacing every lever change made so far."""
        if name not in PRESETS:
            raise SettingsError("error.unknown_preset", name=repr(name), allowed=", ".join(PRESETS))
        return replace(self, preset=name, policy=Policy.preset(name))

    def with_lever(self, name: str, value) -> Settings:
        """One lever changed; the policy validates the value."""
        try:
            return replace(self, policy=self.policy.with_changes(**{name: value}))
        except ValueError as error:  # pydantic's, or a policy rule that names its own field
            raise SettingsError("error.lever", detail=error) from None

    def with_run(self, field: str, value) -> Settings:
        """Years, number of firms or seed changed, within :data:`RUN_LIMITS`."""
        label, low, high = RUN_LIMITS[field]
        limits = {"label": Words(label), "low": f"{low:,}", "high": f"{high:,}"}
        if value is None or isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError("error.whole_number", **limits, got=repr(value))
        if not low <= value <= high:
            raise SettingsError("error.out_of_range", **limits, value=f"{value:,}")
        return replace(self, **{field: value})

    @property
    def changed_levers(self) -> list[str]:
        """Levers that differ from the preset."""
        base = Policy.preset(self.preset)
        return [name for name in Policy.model_fields if getattr(self.policy, name) != getattr(base, name)]

    def title(self, lang: str = "en") -> str:
        """The scenario in words: its preset and how many levers differ from it."""
        changed = len(self.changed_levers)
        preset = text(f"preset.{self.preset}.title", lang)
        if not changed:
            return preset
        return text("scenario.one_change" if changed == 1 else "scenario.changes", lang, preset=preset, n=changed)

    @property
    def lever_changes(self) -> dict[str, object]:
        """The levers that differ from the preset with their values as plain data: what a
        scenario file's ``[scenario.levers]`` and the page's address hold."""
        plain = self.policy.model_dump(mode="json")
        return {name: plain[name] for name in self.changed_levers}

    def with_lever_changes(self, levers: dict[str, object]) -> Settings:
        """The preset's levers with these changed (validated one by one, so an error names its lever)."""
        changed = replace(self, policy=Policy.preset(self.preset))
        for name, value in levers.items():
            changed = changed.with_lever(name, value)
        return changed


def whole_number(text: str) -> int | str:
    """``"20,000"`` -> 20000; anything else stays text, for the settings to explain."""
    cleaned = text.replace(",", "").replace("_", "").strip()
    return int(cleaned) if re.fullmatch(r"-?\d+", cleaned) else text
