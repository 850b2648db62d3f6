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
    """Where a year ended: the ids issued so far, the wages and the workers by region. The firms
    that exit or move during the next year are counted as they were then (the population keeps
    them: :meth:`~transfer_sim.population.FirmPopulation.exits_in` and ``moves_in``)."""

    next_id: int  # firms with an id from here on were born after this ledger
    wage: np.ndarray  # (R,)
    by_region: np.ndarray

    @classmethod
    def of(cls, firms: FirmPopulation, wage: np.ndarray, by_region: np.ndarray) -> JobsLedger:
        """The ledger of the live ``firms`` at ``wage``, with their workers ``by_region``."""
        return cls(firms.next_id, wage.copy(), by_region)

    def components(self, now: JobsLedger, firms: FirmPopulation, year: int, costs: CostShares) -> np.ndarray:
        """(4, R) the change from this ledger to ``now`` (the ledger of ``firms`` after ``year``),
        split as in the module docstring (rows in the order of :data:`COMPONENTS`). Exit, entry and
        relocation are counted over the firms concerned; growth is the rest of each region's change."""
        n = self.by_region.size
        exit_jobs = -self._jobs_by_region(firms.exits_in(year), costs)
        born = firms.positions(np.arange(self.next_id, now.next_id))
        born = born[born >= 0]
        region = firms.region[born]
        entry = np.bincount(region, weights=workers(firms.labour[born], costs.variable_labour[firms.sector[born]],
                                                    firms.revenue[born], now.wage[region]), minlength=n)
        moved = firms.moves_in(year)
        after = firms.region[firms.positions(moved["id"])]
        jobs = self._workers(moved, costs)
        relocation = np.bincount(after, weights=jobs, minlength=n) - np.bincount(moved["region"], weights=jobs, minlength=n)
        growth = now.by_region - self.by_region - entry - exit_jobs - relocation
        return np.vstack([entry, exit_jobs, growth, relocation])

    def _workers(self, rows: dict[str, np.ndarray], costs: CostShares) -> np.ndarray:
        """The workers of firms as they were at this ledger's wages
        (:func:`~transfer_sim.processes.production.workers`)."""
        return workers(rows["labour"], costs.variable_labour[rows["sector"]], rows["revenue"], self.wage[rows["region"]])

    def _jobs_by_region(self, rows: dict[str, np.ndarray], costs: CostShares) -> np.ndarray:
        return np.bincount(rows["region"], weights=self._workers(rows, costs), minlength=self.by_region.size)
