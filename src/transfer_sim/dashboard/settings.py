"""What a user sets in the sidebar: a preset, lever changes and the size of the run.

Lever widgets are described from :class:`transfer_sim.Policy`'s fields and
:func:`transfer_sim.lever_table`, so the dashboard never repeats a lever default or limit.
Every change goes through :class:`Settings`, which either returns a valid copy or raises
:class:`SettingsError` with a sentence a user can act on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import annotated_types
from pydantic import ValidationError

from ..policy import MEASURES, PRESETS, Policy, lever_table
from ..run_settings import bounds, default

#: Bounds of the run-size inputs: (label, lowest, highest). The lowest are :class:`RunSettings`';
#: the highest keep a run interactive in the browser (the command line goes further).
RUN_LIMITS = {
    "years": ("Years", bounds("years")[0], 50),
    "n_firms": ("Number of firms", bounds("n_firms")[0], 200_000),
    "seed": ("Seed", bounds("seed")[0], 2**31 - 1),
}


class SettingsError(ValueError):
    """An input the dashboard cannot use, worded for the person who typed it."""


def readable(error: Exception) -> str:
    """One line per problem, naming the field and the value, never a traceback."""
    if isinstance(error, ValidationError):
        lines = []
        for e in error.errors():
            where = ".".join(str(p) for p in e["loc"]) or "input"
            got = e.get("input")
            shown = "" if isinstance(got, dict) else f" (got {got!r})"
            lines.append(f"{where}: {e['msg']}{shown}")
        return "; ".join(lines)
    return str(error)


@dataclass(frozen=True)
class LeverSpec:
    """How one lever is shown: its kind of widget, limits and texts from the policy definition."""

    name: str
    measure: str
    seed: str
    mechanism: str
    unit: str
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
        specs.append(LeverSpec(name=row.lever, measure=row.measure, seed=row.seed, mechanism=row.mechanism,
                               unit=row.unit, default=row.default, kind=_kind(row.lever, field.annotation),
                               low=low, high=high))
    return tuple(specs)


def measures() -> list[str]:
    """The measure groups that have levers, in the policy's order (the seed's four measures first)."""
    named = {spec.measure for spec in lever_specs()}
    return [m for m in MEASURES.values() if m in named]


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
            raise SettingsError(f"Preset: unknown preset {name!r}; allowed: {', '.join(PRESETS)}")
        return replace(self, preset=name, policy=Policy.preset(name))

    def with_lever(self, name: str, value) -> Settings:
        """One lever changed; the policy validates the value."""
        try:
            return replace(self, policy=self.policy.with_changes(**{name: value}))
        except ValidationError as error:
            raise SettingsError(readable(error)) from None
        except ValueError as error:  # a policy rule that names its own field
            raise SettingsError(str(error)) from None

    def with_run(self, field: str, value) -> Settings:
        """Years, number of firms or seed changed, within :data:`RUN_LIMITS`."""
        label, low, high = RUN_LIMITS[field]
        if value is None or isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(f"{label}: enter a whole number from {low:,} to {high:,} (got {value!r})")
        if not low <= value <= high:
            raise SettingsError(f"{label}: {value:,} is out of range; allowed {low:,} to {high:,}")
        return replace(self, **{field: value})

    @property
    def changed_levers(self) -> list[str]:
        """Levers that differ from the preset."""
        base = Policy.preset(self.preset)
        return [name for name in Policy.model_fields if getattr(self.policy, name) != getattr(base, name)]
