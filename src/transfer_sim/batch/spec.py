"""Experiment files: scenarios, sweeps and sensitivity designs as validated TOML.

A file holds exactly one of five top-level tables:

- ``[scenario]``: a preset plus lever overrides (``transfer-sim run --scenario FILE``);
- ``[sweep]`` with ``[[scenarios]]``, ``[grid]`` and/or ``[sample]``: runs × replicates;
- ``[sensitivity]``: a Morris or Sobol design over lever ranges;
- ``[optimize]`` with ``[levers]``, ``[[objectives]]`` and ``[[constraints]]``: a search of the
  lever space for the non-dominated mixes;
- ``[discover]`` with its uncertain parameters, shock and failure criterion: scenario discovery.

pydantic checks the shape and the types here; :mod:`.design` then builds every policy, so
an unknown lever, preset or region is reported before anything is written.
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path
from typing import Any, Literal

from annotated_types import Ge, Le
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, ValidationError, model_validator

from ..params import EconomyParams
from ..policy import Policy, Shock
from ..run_settings import FEWEST_FIRMS, MOST_FIRMS, MOST_YEARS, bounds, default
from .errors import UserError, describe
from .outcomes import DEFAULT_OUTCOMES, INDICATORS, check_outcomes

MOST_FILE_BYTES = 2**20  # an experiment file is a few kilobytes


class Strict(BaseModel):
    """Unknown keys are refused; numbers and flags are typed ``Strict*`` so that ``true`` is no
    number and ``1`` no flag."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Scenario(Strict):
    """A named policy: a preset with some levers changed."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    preset: str = "baseline"
    levers: dict[str, Any] = {}


class Settings(Strict):
    """What every run of an experiment shares: its size, length, replicates and seed."""

    name: str = Field("experiment", min_length=1, max_length=200)
    description: str = ""
    years: StrictInt = Field(default("years"), ge=1, le=MOST_YEARS)
    firms: StrictInt = Field(default("n_firms"), ge=FEWEST_FIRMS, le=MOST_FIRMS)
    replicates: StrictInt = Field(3, ge=1, le=10_000)
    seed: StrictInt = Field(default("seed"), ge=0)
    start_year: StrictInt = Field(default("start_year"), ge=bounds("start_year")[0], le=bounds("start_year")[1])
    common_random_numbers: StrictBool = Field(
        True, description="replicate r of every scenario uses the same seed, so differences "
        "between scenarios are not drowned by sampling noise",
    )
    outcomes: list[str] = Field(default_factory=lambda: list(DEFAULT_OUTCOMES), min_length=1)

    @model_validator(mode="after")
    def _known_outcomes(self):
        check_outcomes(self.outcomes)
        return self


class LeverRanges(Strict):
    """Continuous levers varied between bounds (by default the lever's whole allowed range)."""

    preset: str = "baseline"
    fixed: dict[str, Any] = {}
    levers: list[str] = Field(min_length=1)
    bounds: dict[str, tuple[StrictFloat, StrictFloat]] = {}

    @model_validator(mode="after")
    def _bounds_fit(self):
        for name in self.bounds:
            if name not in self.levers:
                raise ValueError(f"bounds for {name!r}, which is not in levers {self.levers}")
        for name in self.levers:
            self.range_of(name)
        return self

    def range_of(self, name: str) -> tuple[float, float]:
        """The bounds of one lever: the given ones, checked against the lever's allowed range."""
        allowed = lever_range(name)
        low, high = self.bounds.get(name, allowed)
        if not allowed[0] <= low < high <= allowed[1]:
            raise ValueError(
                f"bounds of {name} are [{low}, {high}]; they must be increasing and within the "
                f"lever's range [{allowed[0]}, {allowed[1]}]"
            )
        return low, high


def lever_range(name: str) -> tuple[float, float]:
    """A continuous lever's allowed range, read from :class:`Policy` (the one source of it)."""
    if name not in Policy.model_fields:
        raise ValueError(f"unknown lever {name!r}; allowed levers: {', '.join(Policy.model_fields)}")
    allowed = _continuous_range(name)
    if allowed is None:
        continuous = [n for n in Policy.model_fields if _continuous_range(n) is not None]
        raise ValueError(f"{name} is not a continuous lever; ranges need one of: {', '.join(continuous)}")
    return allowed


def _continuous_range(name: str) -> tuple[float, float] | None:
    """(low, high) of a real-valued lever with both bounds; None for any other lever."""
    field = Policy.model_fields[name]
    low = high = None
    for bound in field.metadata:
        if isinstance(bound, Ge):
            low = bound.ge
        elif isinstance(bound, Le):
            high = bound.le
    if field.annotation not in (float, float | None) or low is None or high is None:
        return None
    return float(low), float(high)


class Grid(Strict):
    """A full factorial over lists of lever values, on top of a preset and fixed levers."""

    preset: str = "baseline"
    fixed: dict[str, Any] = {}
    levers: dict[str, list[Any]] = Field(min_length=1)

    @model_validator(mode="after")
    def _values_given(self):
        for name, values in self.levers.items():
            if not values:
                raise ValueError(f"levers.{name} lists no values")
        return self


class Sample(LeverRanges):
    """A Latin hypercube of ``n`` points over lever ranges."""

    method: Literal["latin"] = "latin"
    n: StrictInt = Field(ge=2, le=100_000)


class SweepFile(Strict):
    sweep: Settings
    scenarios: list[Scenario] = []
    grid: Grid | None = None
    sample: Sample | None = None

    @model_validator(mode="after")
    def _something_to_run(self):
        if not (self.scenarios or self.grid or self.sample):
            raise ValueError("a sweep needs [[scenarios]], a [grid] or a [sample]")
        names = [s.name for s in self.scenarios]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"scenario names must be unique; repeated: {', '.join(duplicates)}")
        return self


class Sensitivity(Settings, LeverRanges):
    """A Morris screening or a Sobol variance decomposition over lever ranges."""

    replicates: StrictInt = Field(1, ge=1, le=10_000)
    method: Literal["morris", "sobol"] = "morris"
    samples: StrictInt = Field(8, ge=2, le=100_000, description="Morris trajectories or Sobol base samples")
    levels: StrictInt = Field(4, ge=2, le=20, description="Morris grid levels")

    @model_validator(mode="after")
    def _sobol_power_of_two(self):
        if self.method == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(f"samples must be a power of 2 for the Sobol method, got {self.samples}")
        return self


class SensitivityFile(Strict):
    sensitivity: Sensitivity


class ScenarioFile(Strict):
    scenario: Scenario


class Exploration(Strict):
    """Size, length and seeds shared by every run of a search or a discovery."""

    name: str = Field("experiment", min_length=1, max_length=200)
    description: str = ""
    years: StrictInt = Field(default("years"), ge=1, le=MOST_YEARS)
    firms: StrictInt = Field(default("n_firms"), ge=FEWEST_FIRMS, le=MOST_FIRMS)
    seeds: StrictInt = Field(2, ge=1, le=100, description="runs per evaluation, the same seeds for every one "
                             "(common random numbers)")
    seed: StrictInt = Field(default("seed"), ge=0)
    start_year: StrictInt = Field(default("start_year"), ge=bounds("start_year")[0], le=bounds("start_year")[1])

    @property
    def replicates(self) -> int:
        """The seeds, as a sweep calls them."""
        return self.seeds

    @property
    def common_random_numbers(self) -> bool:
        return True


class Choices(Strict):
    """A lever searched over a set of values (any type the lever takes)."""

    choices: list[Any] = Field(min_length=2)


class Bound(Strict):
    """An outcome held at most or at least at a value."""

    outcome: str
    at_most: StrictFloat | StrictInt | None = None
    at_least: StrictFloat | StrictInt | None = None

    @model_validator(mode="after")
    def _one_bound(self):
        check_outcomes([self.outcome])
        if (self.at_most is None) == (self.at_least is None):
            raise ValueError(f"{self.outcome}: give exactly one of at_most and at_least")
        return self

    def excess(self, value):
        """How far ``value`` is past the bound (<= 0 when it holds): pymoo's ``G``."""
        return value - self.at_most if self.at_most is not None else self.at_least - value


class Objective(Strict):
    outcome: str
    sense: Literal["minimize", "maximize"] = "minimize"

    @model_validator(mode="after")
    def _known(self):
        check_outcomes([self.outcome])
        return self


class Optimize(Exploration):
    """NSGA-II over the levers: ``population`` candidates a generation, ``evaluations`` in all."""

    preset: str = "baseline"
    fixed: dict[str, Any] = {}
    baseline: str = Field("baseline", description="preset run with the same seeds, which the maps compare against")
    population: StrictInt = Field(20, ge=4, le=10_000)
    evaluations: StrictInt = Field(200, ge=4, le=1_000_000)


class OptimizeFile(Strict):
    optimize: Optimize
    levers: dict[str, tuple[StrictFloat, StrictFloat] | Choices] = Field(min_length=1)
    objectives: list[Objective] = Field(min_length=1, max_length=10)
    constraints: list[Bound] = []

    @model_validator(mode="after")
    def _levers_searchable(self):
        for name, space in self.levers.items():
            if isinstance(space, tuple):
                LeverRanges(levers=[name], bounds={name: space})
            elif name not in Policy.model_fields:
                raise ValueError(f"unknown lever {name!r}; allowed levers: {', '.join(Policy.model_fields)}")
            if name in self.optimize.fixed:
                raise ValueError(f"{name} is both searched ([levers]) and fixed (optimize.fixed)")
        names = [o.outcome for o in self.objectives]
        if len(set(names)) < len(names):
            raise ValueError(f"objectives must differ; repeated: {', '.join(sorted({n for n in names if names.count(n) > 1}))}")
        if self.optimize.evaluations < self.optimize.population:
            raise ValueError(f"evaluations ({self.optimize.evaluations}) must be at least the population "
                             f"({self.optimize.population})")
        return self


def parameter_names() -> list[str]:
    """The behavioural parameters a discovery may vary: the real-valued fields of EconomyParams."""
    return [f.name for f in dataclasses.fields(EconomyParams) if isinstance(f.default, float)]


class UncertainShock(Strict):
    """A shock in every run, each of its year, size and duration fixed or a [low, high] range."""

    kind: Literal["coastal_demand", "corridor_disruption", "regional_disaster"] = "coastal_demand"
    year: StrictInt | tuple[StrictInt, StrictInt]
    size: StrictFloat | tuple[StrictFloat, StrictFloat] = 0.3
    duration: StrictInt | tuple[StrictInt, StrictInt] = 2
    regions: list[str] = []

    @model_validator(mode="after")
    def _valid_at_both_ends(self):
        for field in ("year", "size", "duration"):
            value = getattr(self, field)
            if isinstance(value, tuple) and not value[0] < value[1]:
                raise ValueError(f"{field}: the range [{value[0]}, {value[1]}] must be increasing")
        for end in (0, 1):
            Shock(kind=self.kind, regions=self.regions, **{f: self.end(f, end) for f in ("year", "size", "duration")})
        return self

    def end(self, field: str, which: int):
        value = getattr(self, field)
        return value[which] if isinstance(value, tuple) else value

    @property
    def uncertain(self) -> dict[str, tuple]:
        """``shock_<field>`` -> (low, high) of the fields given as ranges."""
        return {f"shock_{f}": getattr(self, f) for f in ("year", "size", "duration") if isinstance(getattr(self, f), tuple)}


class Levers(Strict):
    """A policy: a preset with some levers changed."""

    preset: str = "baseline"
    levers: dict[str, Any] = {}


class Failure(Strict):
    """When a point counts as a failure of the policy: its measure of an outcome, averaged over
    the seeds, at least or at most a value. ``final``: the outcome; ``change``: its final minus
    its start-year value; ``difference``: the policy's minus the reference policy's."""

    outcome: str
    measure: Literal["final", "change", "difference"] = "final"
    at_least: StrictFloat | StrictInt | None = None
    at_most: StrictFloat | StrictInt | None = None

    @model_validator(mode="after")
    def _well_defined(self):
        check_outcomes([self.outcome])
        if (self.at_most is None) == (self.at_least is None):
            raise ValueError("give exactly one of at_least and at_most")
        if self.measure == "change" and self.outcome not in INDICATORS:
            raise ValueError(f"{self.outcome} has no start-year value; 'change' needs a yearly indicator")
        return self

    def fails(self, value):
        return value >= self.at_least if self.at_least is not None else value <= self.at_most


class PrimSettings(Strict):
    peel_alpha: StrictFloat = Field(0.05, gt=0, lt=0.5, description="share of the points peeled off a step")
    min_mass: StrictFloat = Field(0.05, gt=0, lt=1, description="smallest share of the points a box may hold")
    threshold: StrictFloat = Field(0.8, gt=0, le=1, description="density the chosen box should reach")
    boxes: StrictInt = Field(2, ge=1, le=10, description="most boxes found one after the other")


class Discover(Exploration):
    seeds: StrictInt = Field(1, ge=1, le=100)
    method: Literal["latin", "sobol"] = "latin"
    samples: StrictInt = Field(64, ge=8, le=100_000, description="Latin hypercube points, or Sobol base samples")
    policy: Levers = Levers()
    reference: Levers | None = None
    uncertain: dict[str, tuple[StrictFloat, StrictFloat]] = {}
    shock: UncertainShock | None = None
    failure: Failure
    prim: PrimSettings = PrimSettings()

    @model_validator(mode="after")
    def _well_posed(self):
        allowed = parameter_names()
        for name, (low, high) in self.uncertain.items():
            if name not in allowed:
                raise ValueError(f"uncertain.{name}: not a behavioural parameter; allowed: {', '.join(allowed)}")
            if not low < high:
                raise ValueError(f"uncertain.{name}: the range [{low}, {high}] must be increasing")
            for value in (low, high):
                try:
                    EconomyParams(**{name: value})
                except ValueError as error:
                    raise ValueError(f"uncertain.{name}: {error}") from None
        if not self.uncertain and not (self.shock and self.shock.uncertain):
            raise ValueError("nothing is uncertain: give [discover.uncertain] ranges or a shock field as a range")
        if self.failure.measure == "difference" and self.reference is None:
            raise ValueError("failure.measure 'difference' needs a [discover.reference] policy")
        if self.method == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(f"samples must be a power of 2 for the Sobol method, got {self.samples}")
        return self

    @property
    def ranges(self) -> dict[str, tuple[float, float]]:
        """Every uncertain input and its range: parameters, then the shock's fields."""
        shock = self.shock.uncertain if self.shock else {}
        return {**self.uncertain, **{k: (float(a), float(b)) for k, (a, b) in shock.items()}}


class DiscoverFile(Strict):
    discover: Discover


KINDS = {"sweep": SweepFile, "sensitivity": SensitivityFile, "scenario": ScenarioFile, "optimize": OptimizeFile,
         "discover": DiscoverFile}
COMMANDS = {"sweep": "transfer-sim sweep", "sensitivity": "transfer-sim sensitivity",
            "scenario": "transfer-sim run --scenario", "optimize": "transfer-sim optimize",
            "discover": "transfer-sim discover"}


def load(path: str | Path, expected: str | None = None, **overrides):
    """Read and validate an experiment file (of the ``expected`` kind, if given);
    ``overrides`` that are not None replace fields of its settings table."""
    path = Path(path)
    raw = read_toml(path)
    kinds = [k for k in KINDS if k in raw]
    if len(kinds) != 1:
        raise UserError(f"{path}: expected exactly one of the tables [{'], ['.join(KINDS)}], found "
                        f"{', '.join(f'[{k}]' for k in kinds) or 'none'}")
    kind = kinds[0]
    if expected and kind != expected:
        raise UserError(f"{path}: is {_a(kind)} file, not {_a(expected)} file; run it with '{COMMANDS[kind]}'")
    if kind == "sweep":
        raw["scenarios"] = [_include(entry, path, i) for i, entry in enumerate(raw.get("scenarios", []))]
    given = {k: v for k, v in overrides.items() if v is not None}
    if given:
        if kind == "scenario":
            raise UserError(f"{path}: a scenario file takes no {', '.join(given)}; pass them to 'run'")
        raw[kind] = {**raw[kind], **given}
    try:
        return KINDS[kind].model_validate(raw)
    except ValidationError as error:
        raise UserError(f"{path}: {describe(error)}") from None


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def read_toml(path: Path) -> dict:
    """A TOML file of at most MOST_FILE_BYTES as a dict, or a UserError saying why not."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MOST_FILE_BYTES + 1)
        if len(data) > MOST_FILE_BYTES:
            raise UserError(f"{path}: larger than {MOST_FILE_BYTES // 2**20} MiB; not an experiment file")
        return tomllib.loads(data.decode("utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not an experiment file") from None
    except PermissionError:
        raise UserError(f"{path}: not readable (permission denied)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: malformed TOML: {error}") from None


def _include(entry: Any, spec: Path, index: int) -> Any:
    """A ``[[scenarios]]`` entry with ``file = "..."``: that scenario file, fields overridden."""
    if not isinstance(entry, dict) or "file" not in entry:
        return entry
    if not isinstance(entry["file"], str):
        raise UserError(f"{spec}: scenarios[{index}].file: expected the name of a scenario file, got {entry['file']!r}")
    path = spec.parent / entry["file"]
    included = read_toml(path).get("scenario")
    if not isinstance(included, dict):
        raise UserError(f"{path}: has no [scenario] table")
    return {**included, **{k: v for k, v in entry.items() if k != "file"}}
