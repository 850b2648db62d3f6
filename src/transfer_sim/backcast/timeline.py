"""A historical timeline as data, and playing it onto a model year by year.

A timeline file (TOML, see ``transfer_sim/data/history_2005_2019.toml``) holds the policy in force
in the start year, dated events that change levers, yearly paths of the exogenous drivers
(nominal growth, foreign demand) and of continuous levers, and reference series that document
how those numbers were made. Every entry names its source and its basis: ``data`` (a shipped
data file), ``computed`` (arithmetic on data and other entries), ``reported`` (a publication),
``memory`` (recalled, not checked against a source) or ``assumption`` (a modelling choice).

Region lists may name macro-regions (``"west"``); they stand for their provinces.
"""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, StrictFloat, StrictInt, ValidationError, model_validator

from ..batch.errors import UserError, describe
from ..batch.spec import Strict, read_toml
from ..geography import MACRO_REGIONS, Geography
from ..levers import PolicyError, resolve
from ..model import TransferModel
from ..params import EconomyParams
from ..policy import REGION_FIELDS, Policy
from ..run_settings import FEWEST_FIRMS, MOST_FIRMS, default
from ..sectors import sector_table

Basis = Literal["data", "computed", "reported", "memory", "assumption"]
DRIVERS = ("nominal_growth", "world_demand")  # paths that set model attributes, not levers; one value a year
#: drivers a timeline may leave out, each with its value before its path starts (a path keeps its latest value)
OPTIONAL_DRIVERS = {"labour_reserve_left": 1.0, "services_weight": 1.0, "agriculture_weight": 1.0}


class Sourced(Strict):
    source: str = Field(min_length=1)
    basis: Basis


class Start(Sourced):
    """The levers in force in the start year: the state the calibration holds as stationary."""

    levers: dict[str, Any] = {}


class Event(Sourced):
    """From ``year`` on, ``set`` replaces levers and ``add`` extends list and table levers."""

    year: StrictInt
    name: str = Field(min_length=1)
    description: str = ""
    set: dict[str, Any] = {}
    add: dict[str, Any] = {}


class Mechanism(Sourced):
    """A part of the model the back-cast relies on that no lever or path shows: what it is, and the
    parameters the calibration estimates for it (documentation, with its source)."""

    description: str = Field(min_length=1)
    parameters: list[str] = []


class Series(Sourced):
    """One number per calendar year (TOML keys are the years)."""

    unit: str = Field(min_length=1)
    values: dict[int, StrictFloat] = Field(min_length=1)


class SectorTrend(Sourced):
    """Structural change: each named sector's yearly change of its spending share before renormalising."""

    rates: dict[str, StrictFloat] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_sectors(self):
        names = sector_table().names
        for name in self.rates:
            if name not in names:
                raise ValueError(f"sector_trend: unknown sector {name!r}; sectors: {', '.join(names)}")
        return self

    def array(self) -> np.ndarray:
        return np.array([self.rates.get(name, 0.0) for name in sector_table().names])


#: What a back-cast can estimate: the logit sharpness and every real-valued behavioural parameter
#: (not nominal growth, which the timeline sets year by year).
CALIBRATABLE = (*(f.name for f in fields(EconomyParams) if f.type in ("float", float) and f.name != "growth"),
                *(f"productivity_trend.{macro}" for macro in MACRO_REGIONS))


def economy_params(values: dict[str, float]) -> EconomyParams:
    """The default parameters with calibrated ``values``; ``productivity_trend.<macro-region>``
    sets that macro-region's entry of the productivity trend."""
    trend = {name.split(".", 1)[1]: value for name, value in values.items() if name.startswith("productivity_trend.")}
    plain = {name: value for name, value in values.items() if "." not in name}
    base = EconomyParams()
    return replace(base, **plain, productivity_trend={**base.productivity_trend, **trend})


class Calibration(Strict):
    """Simulated method of moments: parameter ranges, the budget and the simulations per point."""

    parameters: dict[str, tuple[StrictFloat, StrictFloat]] = Field(min_length=1)
    seed: StrictInt = Field(0, ge=0)
    seeds: StrictInt = Field(3, ge=1, le=100)
    firms: StrictInt = Field(default("n_firms"), ge=FEWEST_FIRMS, le=MOST_FIRMS)
    evaluations: StrictInt = Field(100, ge=2, le=100_000)
    design_points: StrictInt = Field(24, ge=1, le=100_000)

    @model_validator(mode="after")
    def _known_parameters(self):
        for name, (low, high) in self.parameters.items():
            if name not in CALIBRATABLE:
                raise ValueError(f"cannot calibrate {name!r}; calibratable: {', '.join(CALIBRATABLE)}")
            if not low < high:
                raise ValueError(f"range of {name} is [{low}, {high}]; it must be increasing")
        if self.design_points >= self.evaluations:
            raise ValueError(f"design_points ({self.design_points}) must be below evaluations ({self.evaluations})")
        return self


class TimelineInfo(Strict):
    name: str = Field(min_length=1)
    description: str = ""
    start_year: StrictInt = Field(ge=2004, le=2023)
    end_year: StrictInt = Field(ge=2005, le=2023)


class Timeline(Strict):
    """A validated timeline file; :meth:`policy_in` and :meth:`drivers_in` read it by year."""

    timeline: TimelineInfo
    start: Start
    events: list[Event] = []
    paths: dict[str, Series] = {}
    reference: dict[str, Series] = {}
    mechanisms: dict[str, Mechanism] = {}
    sector_trend: SectorTrend | None = None
    calibration: Calibration

    @model_validator(mode="after")
    def _consistent(self):
        first, last = self.timeline.start_year, self.timeline.end_year
        if last <= first:
            raise ValueError(f"end_year {last} must come after start_year {first}")
        for driver in DRIVERS:
            years = set(self.paths[driver].values) if driver in self.paths else set()
            missing = sorted(set(range(first + 1, last + 1)) - years)
            if missing:
                raise ValueError(f"paths.{driver} has no value for {missing[0]}")
        for name, mechanism in self.mechanisms.items():
            unknown = [p for p in mechanism.parameters if p not in CALIBRATABLE]
            if unknown:
                raise ValueError(f"mechanisms.{name}: {unknown[0]!r} is not a parameter the back-cast can calibrate")
        for event in self.events:
            if not first < event.year <= last:
                raise ValueError(f"event {event.name!r} in {event.year} is outside {first + 1}-{last}")
        for year in range(first, last + 1):
            self.policy_in(year)  # every year's levers must make a valid policy
        return self

    @property
    def years(self) -> range:
        return range(self.timeline.start_year, self.timeline.end_year + 1)

    def levers_in(self, year: int) -> dict[str, Any]:
        """The levers in force in ``year``: the start, every event up to that year, and the latest
        value of each lever path."""
        levers = _expanded(self.start.levers)
        for event in sorted(self.events, key=lambda e: e.year):
            if event.year > year:
                break
            levers.update(_expanded(event.set))
            for name, more in _expanded(event.add).items():
                have = levers.get(name) or ({} if isinstance(more, dict) else [])
                levers[name] = {**have, **more} if isinstance(more, dict) else have + [r for r in more if r not in have]
        for name in self.paths:
            reached = self.latest(name, year)
            if name not in DRIVERS and name not in OPTIONAL_DRIVERS and reached is not None:
                levers[name] = reached  # a lever keeps its latest value
        return levers

    def latest(self, path: str, year: int) -> float | None:
        """The value of ``path`` in ``year`` or the last year before it that it gives (None: none)."""
        series = self.paths.get(path)
        reached = [] if series is None else [value for when, value in sorted(series.values.items()) if when <= year]
        return reached[-1] if reached else None

    def policy_in(self, year: int) -> Policy:
        try:
            policy = Policy(**self.levers_in(year))
            resolve(policy, Geography.china(), sector_table())
        except ValidationError as error:
            raise ValueError(f"levers in {year}: {describe(error)}") from None
        except PolicyError as error:
            raise ValueError(f"levers in {year}: {error}") from None
        return policy

    def drivers_in(self, year: int) -> dict[str, float]:
        """Nominal growth over the previous year, foreign demand (1 = start year), the share of
        the labour reserve left and services' and agriculture's weights against industry in ``year``."""
        optional = {driver: self.latest(driver, year) for driver in OPTIONAL_DRIVERS}
        return {**{driver: self.paths[driver].values[year] for driver in DRIVERS},
                **{driver: before if optional[driver] is None else optional[driver]
                   for driver, before in OPTIONAL_DRIVERS.items()}}


def _expanded(levers: dict[str, Any]) -> dict[str, Any]:
    """Levers with macro-region names in region lists replaced by their provinces."""
    china = Geography.china()
    out = dict(levers)
    for name in REGION_FIELDS:
        if isinstance(out.get(name), list):
            out[name] = [p for r in out[name] for p in (china.regions_in(r) if r in MACRO_REGIONS else [r])]
    return out


def load(path: str | Path) -> Timeline:
    """Read and validate a timeline file; bad input is a :class:`UserError` naming the problem."""
    path = Path(path)
    try:
        return Timeline.model_validate(read_toml(path))
    except ValidationError as error:
        raise UserError(f"{path}: {describe(error)}") from None


def play(model: TransferModel, timeline: Timeline, until: int | None = None) -> TransferModel:
    """Step ``model`` from its current year to ``until`` (default the timeline's end), setting
    each year's levers, nominal growth, foreign demand, the labour reserve left, services' and
    agriculture's weights and (when given) the sector trend before that year is simulated."""
    last = timeline.timeline.end_year if until is None else until
    if not model.year <= last <= timeline.timeline.end_year:
        raise ValueError(f"cannot play the timeline from {model.year} to {last}: it ends in {timeline.timeline.end_year}")
    while model.year < last:
        year = model.year + 1
        drivers = timeline.drivers_in(year)
        model.set_policy(timeline.policy_in(year))
        model.growth_rate = drivers["nominal_growth"]
        model.world_demand = drivers["world_demand"]
        model.labour_reserve_left = drivers["labour_reserve_left"]
        model.services_weight = drivers["services_weight"]
        model.agriculture_weight = drivers["agriculture_weight"]
        if timeline.sector_trend is not None:
            model.sector_trend = timeline.sector_trend.array()
        model.step()
    return model
