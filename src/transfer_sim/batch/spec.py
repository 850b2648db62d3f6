"""Experiment files: scenarios, sweeps and sensitivity designs as validated TOML.

A file holds exactly one of three top-level tables:

- ``[scenario]``: a preset plus lever overrides (``transfer-sim run --scenario FILE``);
- ``[sweep]`` with ``[[scenarios]]``, ``[grid]`` and/or ``[sample]``: runs × replicates;
- ``[sensitivity]``: a Morris or Sobol design over lever ranges.

pydantic checks the shape and the types here; :mod:`.design` then builds every policy, so
an unknown lever, preset or region is reported before anything is written.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from annotated_types import Ge, Le
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, ValidationError, model_validator

from ..policy import Policy
from ..run_settings import FEWEST_FIRMS, MOST_FIRMS, MOST_YEARS, bounds, default
from .errors import UserError, describe
from .outcomes import DEFAULT_OUTCOMES, check_outcomes

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


KINDS = {"sweep": SweepFile, "sensitivity": SensitivityFile, "scenario": ScenarioFile}
COMMANDS = {"sweep": "transfer-sim sweep", "sensitivity": "transfer-sim sensitivity",
            "scenario": "transfer-sim run --scenario"}


def load(path: str | Path, expected: str | None = None, **overrides) -> SweepFile | SensitivityFile | ScenarioFile:
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
        raise UserError(f"{path}: is a {kind} file, not a {expected} file; run it with '{COMMANDS[kind]}'")
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
