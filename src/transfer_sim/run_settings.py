"""The size of a run, with its defaults and bounds in one place.

The Python API, ``python -m transfer_sim``, ``transfer-sim``, the dashboard, the batch
files and the back-cast all read their defaults and limits from :class:`RunSettings`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: fewer firms per province and the start year cannot match every province's GDP share
MIN_FIRMS_PER_REGION = 7
CHINA_PROVINCES = 31
FEWEST_FIRMS = MIN_FIRMS_PER_REGION * CHINA_PROVINCES
MOST_FIRMS = 5_000_000  # about 1.5 GB of firm columns at the model's peak
MOST_YEARS = 200
Economy = Literal["full", "footloose_capital"]


class RunSettings(BaseModel):
    """Years, firms, seed, start year and economy of one run (China geography)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    years: int = Field(15, ge=1, le=MOST_YEARS, description="years to simulate")
    n_firms: int = Field(20_000, ge=FEWEST_FIRMS, le=MOST_FIRMS, description="firm agents at the start")
    seed: int = Field(1, ge=0, description="random seed: the same seed gives identical results")
    start_year: int = Field(2025, ge=1900, le=2200, description="calendar year of the initial state")
    economy: Economy = Field("full", description="'full' (China mode) or 'footloose_capital' (the textbook economy)")


def default(field: str):
    """The default of one :class:`RunSettings` field."""
    return RunSettings.model_fields[field].default


def bounds(field: str) -> tuple[int, int | None]:
    """(lowest, highest) allowed value of a whole-number field; None where unbounded."""
    metadata = RunSettings.model_fields[field].metadata
    low = next(m.ge for m in metadata if hasattr(m, "ge"))
    high = next((m.le for m in metadata if hasattr(m, "le")), None)
    return low, high
