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
from .processes.production import workers
from .state import CostShares

COMPONENTS = ("entry", "exit", "growth", "relocation")


@dataclass(frozen=True)
class JobsLedger:
    """What the live firms' workers are made of at the end of a year -- each id's row, and per row
    its region, sector, fixed workforce and revenue, with the wages -- so that any of them can be
    counted later; and the workers by region."""

    row_of: np.ndarray  # by id, -1 for firms that have exited
    region: np.ndarray
    sector: np.ndarray
    labour: np.ndarray
    revenue: np.ndarray
    wage: np.ndarray  # (R,)
    by_region: np.ndarray

    @classmethod
    def of(cls, firms: FirmPopulation, wage: np.ndarray, by_region: np.ndarray) -> JobsLedger:
        """The ledger of the live ``firms`` at ``wage``, with their workers ``by_region``."""
        return cls(firms.position_map(), firms.region.copy(), firms.sector.copy(), firms.labour.copy(),
                   firms.revenue.copy(), wage.copy(), by_region)

    def workers(self, rows: np.ndarray, costs: CostShares) -> np.ndarray:
        """The workers of the firms in ``rows`` (:func:`~transfer_sim.processes.production.workers`)."""
        return workers(self.labour[rows], costs.variable_labour[self.sector[rows]], self.revenue[rows],
                       self.wage[self.region[rows]])

    def components(self, now: JobsLedger, firms: FirmPopulation, year: int, costs: CostShares) -> np.ndarray:
        """(4, R) the change from this ledger to ``now`` (the ledger of ``firms`` after ``year``),
        split as in the module docstring (rows in the order of :data:`COMPONENTS`). Exit, entry and
        relocation are counted over the firms concerned; growth is the rest of each region's change."""
        n = self.by_region.size
        known = self.row_of.size
        closed = self.row_of[firms.exited_in(year)]  # last year's rows of the firms gone
        exit_jobs = -np.bincount(self.region[closed], weights=self.workers(closed, costs), minlength=n)
        born = now.row_of[known:]
        born = born[born >= 0]
        entry = np.bincount(now.region[born], weights=now.workers(born, costs), minlength=n)
        moved = firms.moved_in(year)
        before, after = self.row_of[moved], now.row_of[moved]
        jobs = self.workers(before, costs)
        relocation = (np.bincount(now.region[after], weights=jobs, minlength=n)
                      - np.bincount(self.region[before], weights=jobs, minlength=n))
        growth = now.by_region - self.by_region - entry - exit_jobs - relocation
        return np.vstack([entry, exit_jobs, growth, relocation])
