"""Where a region's industrial jobs came from in a year: entry, exit, growth of incumbents, relocation.

With E_i the workers of firm i (this year t and last year t-1) and r_i its region,

    E_r(t) - E_r(t-1) = entry + exit + growth + relocation,
    entry      =  sum of E_i(t)   over firms born in t that are in r,
    exit       = -sum of E_i(t-1) over firms in r at t-1 that closed in t,
    growth     =  sum of E_i(t) - E_i(t-1) over surviving firms now in r,
    relocation =  sum of E_i(t-1) over firms that moved into r  -  over those that moved out of r.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .population import FirmPopulation

COMPONENTS = ("entry", "exit", "growth", "relocation")


@dataclass(frozen=True)
class JobsLedger:
    """Every firm's workers and region at the end of a year, by firm id (region -1: not alive)."""

    employment: np.ndarray
    region: np.ndarray

    @classmethod
    def of(cls, firms: FirmPopulation, employment: np.ndarray) -> JobsLedger:
        """The ledger of the live ``firms`` with ``employment`` (one value per row)."""
        by_id = np.zeros(firms.next_id)
        region = np.full(firms.next_id, -1, dtype=np.intp)
        by_id[firms.id] = employment
        region[firms.id] = firms.region
        return cls(by_id, region)

    def components(self, now: JobsLedger, n_regions: int) -> np.ndarray:
        """(4, R) the change from this ledger to ``now``, split as in the module docstring
        (rows in the order of :data:`COMPONENTS`)."""
        known = self.region.size
        before_region = np.full(now.region.size, -1, dtype=np.intp)
        before_region[:known] = self.region
        before = np.zeros(now.region.size)
        before[:known] = self.employment
        closed = (self.region >= 0) & (now.region[:known] < 0)  # ids only grow: every old id is in ``now``
        alive, was = now.region >= 0, before_region >= 0
        born, stayed = alive & ~was, alive & was
        moved = stayed & (now.region != before_region)

        def by_region(where, weights):
            return np.bincount(where, weights=weights, minlength=n_regions)

        return np.vstack([
            by_region(now.region[born], now.employment[born]),
            -by_region(self.region[closed], self.employment[closed]),
            by_region(now.region[stayed], now.employment[stayed] - before[stayed]),
            by_region(now.region[moved], before[moved]) - by_region(before_region[moved], before[moved]),
        ])
