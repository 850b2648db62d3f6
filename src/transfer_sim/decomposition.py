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
    """The live firms' ids, regions and workers at the end of a year, the ids issued so far and
    the workers by region."""

    id: np.ndarray
    region: np.ndarray
    employment: np.ndarray
    next_id: int
    by_region: np.ndarray

    @classmethod
    def of(cls, firms: FirmPopulation, employment: np.ndarray, by_region: np.ndarray) -> JobsLedger:
        """The ledger of the live ``firms`` with ``employment`` (one value per row) and its sums
        ``by_region``."""
        return cls(firms.id.copy(), firms.region.copy(), employment, firms.next_id, by_region)

    def components(self, now: JobsLedger, firms: FirmPopulation) -> np.ndarray:
        """(4, R) the change from this ledger to ``now`` (the ledger of ``firms`` today), split as in
        the module docstring (rows in the order of :data:`COMPONENTS`). Exit, entry and relocation
        are summed over the firms concerned; growth is the rest of each region's change."""
        n = self.by_region.size
        rows = firms.positions(self.id)  # -1 where a firm has closed
        closed = np.flatnonzero(rows < 0)
        exit_jobs = -np.bincount(self.region[closed], weights=self.employment[closed], minlength=n)
        born = np.flatnonzero(now.id >= self.next_id)
        entry = np.bincount(now.region[born], weights=now.employment[born], minlength=n)
        kept = np.flatnonzero(rows >= 0)
        moved = kept[now.region[rows[kept]] != self.region[kept]]
        jobs = self.employment[moved]
        relocation = (np.bincount(now.region[rows[moved]], weights=jobs, minlength=n)
                      - np.bincount(self.region[moved], weights=jobs, minlength=n))
        growth = now.by_region - self.by_region - entry - exit_jobs - relocation
        return np.vstack([entry, exit_jobs, growth, relocation])
