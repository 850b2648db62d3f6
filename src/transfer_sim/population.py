"""Firm state as columns of numpy arrays, so that every decision is vectorized over firms.

A firm keeps its slot for life; exited firms are marked dead, never moved, so the
:class:`~transfer_sim.agents.Firm` views that point at slots stay valid.
"""

from __future__ import annotations

import numpy as np

_COLUMNS = {
    "alive": bool,
    "sector": np.int16,
    "region": np.int16,
    "origin": np.int16,  # region of birth
    "size": np.float64,  # a^(sigma-1): the firm's productivity draw, scales revenue
    "labour": np.float64,  # workers
    "land": np.float64,  # hectares of industrial land
    "birth_year": np.int32,
    "arrival_year": np.int32,  # year the firm arrived in its current region
    "moves": np.int32,
    "loss_years": np.int32,  # consecutive years with an operating loss
    "profit": np.float64,  # last year's operating profit, bn CNY
    "revenue": np.float64,  # last year's revenue (output), bn CNY
}


class FirmPopulation:
    """Columns of firm attributes with amortised growth, plus the relocation log."""

    def __init__(self, capacity: int = 1024):
        self.count = 0  # slots in use (dead firms included)
        self._capacity = max(int(capacity), 16)
        for name, dtype in _COLUMNS.items():
            setattr(self, name, np.zeros(self._capacity, dtype=dtype))
        self._log: list[np.ndarray] = []  # per year: (year, slot, from, to) rows
        self._live: np.ndarray | None = None

    @property
    def live(self) -> np.ndarray:
        """Slots of the firms alive now (cached until firms enter or exit)."""
        if self._live is None:
            self._live = np.flatnonzero(self.alive[: self.count])
        return self._live

    def add(self, year: int, sector, region, size, labour, land) -> np.ndarray:
        """Append new firms; returns their slots."""
        n = len(sector)
        self._reserve(self.count + n)
        slots = np.arange(self.count, self.count + n)
        self.count += n
        self._live = None
        self.alive[slots] = True
        self.sector[slots] = sector
        self.region[slots] = region
        self.origin[slots] = region
        self.size[slots] = size
        self.labour[slots] = labour
        self.land[slots] = land
        self.birth_year[slots] = year
        self.arrival_year[slots] = year
        for name in ("moves", "loss_years", "profit", "revenue"):
            getattr(self, name)[slots] = 0
        return slots

    def remove(self, slots: np.ndarray) -> None:
        self.alive[slots] = False
        self._live = None

    def relocate(self, year: int, slots: np.ndarray, destinations: np.ndarray) -> None:
        """Move firms (with their jobs and land) and log the moves."""
        origins = self.region[slots].copy()
        self._log.append(np.column_stack([np.full(slots.size, year), slots, origins, destinations]))
        self.region[slots] = destinations
        self.arrival_year[slots] = year
        self.moves[slots] += 1

    def relocation_log(self) -> np.ndarray:
        """All moves so far as rows (year, slot, from region, to region)."""
        if not self._log:
            return np.empty((0, 4), dtype=np.int64)
        return np.concatenate(self._log)

    def _reserve(self, needed: int) -> None:
        if needed <= self._capacity:
            return
        new_capacity = max(needed, int(self._capacity * 1.5))
        for name in _COLUMNS:
            old = getattr(self, name)
            grown = np.zeros(new_capacity, dtype=old.dtype)
            grown[: self.count] = old[: self.count]
            setattr(self, name, grown)
        self._capacity = new_capacity
