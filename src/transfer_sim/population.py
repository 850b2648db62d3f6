"""Firm state as compact numpy columns, so that every decision is vectorized over firms.

Rows 0 .. count-1 of every column are the firms alive now: an exit moves the last row into
the hole it leaves (work in proportion to exits, not to firms), so no step pays for dead
firms. A firm's lasting identity is its ``id``; ``positions`` finds its row.
"""

from __future__ import annotations

import numpy as np

_COLUMNS = {
    "id": np.int64,
    "sector": np.int16,
    "region": np.int16,
    "cell": np.intp,  # sector * regions + region: the (sector, region) cell for bincounts
    "size_class": np.int8,  # productivity class: which of the classes' size bands holds ``size``
    "choice_cell": np.intp,  # cell * classes + size_class: whose location choice the firm shares
    "origin": np.int16,  # region of birth
    "size": np.float64,  # a^(sigma-1): the firm's productivity draw, scales revenue
    "labour": np.float64,  # workers
    "land": np.float64,  # hectares of industrial land
    "capital": np.float64,  # fixed capital cost, bn CNY a year at start-year prices
    "birth_year": np.int16,
    "arrival_year": np.int16,  # year the firm arrived in its current region
    "newcomer_since": np.int16,  # first year of its newcomer-subsidy window; NO_WINDOW for incumbents
    "rebate": np.float64,  # share of profit its province of arrival returns to it in its window (its contract)
    "land_discount": np.float64,  # share of land rent its province of arrival waives in its window
    "moves": np.int16,
    "loss_years": np.int16,  # consecutive years with an operating loss
    "profit": np.float64,  # last year's operating profit, bn CNY
    "revenue": np.float64,  # last year's revenue (output), bn CNY
}


#: ``newcomer_since`` of a firm that has no newcomer window: the start year's incumbents
NO_WINDOW = np.iinfo(np.int16).min

#: the columns kept of the firms that exit or move in a year, as they were before (jobs accounting)
SNAPSHOT = ("id", "region", "sector", "labour", "revenue")


class FirmPopulation:
    """The firms alive now, one column per attribute, plus the log of all moves.

    Columns are read as attributes (``firms.region``) and are views of length ``count``.
    """

    def __init__(self, n_sectors: int, n_regions: int, capacity: int = 1024, class_edges=()):
        self.n_sectors, self.n_regions = n_sectors, n_regions
        self.class_edges = np.asarray(class_edges, dtype=float)  # sizes where a productivity class ends
        self.n_classes = self.class_edges.size + 1
        self.count = 0
        self.next_id = 0
        self._capacity = max(int(capacity), 16)
        self._data = {name: np.zeros(self._capacity, dtype=dtype) for name, dtype in _COLUMNS.items()}
        self._row_of = np.full(self._capacity, -1, dtype=np.intp)  # firm id -> row, -1 once exited
        self._log: list[np.ndarray] = []  # per year: rows (year, firm id, from, to)
        self._exits: tuple[int | None, dict] = (None, {})  # the last exits' year and the leavers as they were
        self._moves: tuple[int | None, dict] = (None, {})  # the same for the last moves, before them
        # per-cell firm counts and sums of columns, kept up to date by every change of the firms
        # once first asked for (:meth:`cell_sums`)
        self._kept: dict[str, np.ndarray] = {}

    def __getattr__(self, name: str) -> np.ndarray:
        data = self.__dict__.get("_data")
        if data is None or name not in data:
            raise AttributeError(name)
        return data[name][: self.count]

    def add(self, year: int, sector, region, size, labour, land, capital=0.0, newcomers: bool = True,
            rebate=0.0, land_discount=0.0) -> np.ndarray:
        """Append new firms; returns their ids. Entrants are newcomers, with the ``rebate`` and
        ``land_discount`` their province offers them; the start year's firms (``newcomers=False``)
        are incumbents without a newcomer window."""
        n = len(sector)
        self._reserve(self.count + n)
        new = slice(self.count, self.count + n)
        ids = np.arange(self.next_id, self.next_id + n)
        self._row_of = _grown(self._row_of, self.next_id + n, fill=-1)
        self._row_of[ids] = np.arange(self.count, self.count + n)
        self.count += n
        self.next_id += n
        size_class = self.classify(np.broadcast_to(size, (n,)))
        cell = np.asarray(sector) * self.n_regions + np.asarray(region)
        values = {"id": ids, "sector": sector, "region": region, "origin": region, "size": size,
                  "labour": labour, "land": land, "capital": capital, "birth_year": year, "arrival_year": year, "newcomer_since": year,
                  "cell": cell, "size_class": size_class, "choice_cell": cell * self.n_classes + size_class,
                  "rebate": rebate, "land_discount": land_discount}
        if not newcomers:
            values["newcomer_since"] = NO_WINDOW
        for name, column in self._data.items():
            column[new] = values.get(name, 0)
        self._tally(new, 1)
        return ids

    def remove(self, leaving: np.ndarray, year: int) -> tuple[np.ndarray, np.ndarray]:
        """Drop the firms flagged in the boolean mask ``leaving`` (one entry per row) in ``year``.

        Survivors from the tail fill the holes: returns (holes, tail), the rows filled and
        the rows they came from, so that arrays aligned with the rows can follow with
        ``array[holes] = array[tail]`` and keep their first ``count`` entries.
        """
        gone = np.flatnonzero(leaving)
        self._tally(gone, -1)
        remaining = self.count - gone.size
        holes = gone[gone < remaining]
        tail = remaining + np.flatnonzero(~leaving[remaining:self.count])
        self._exits = (year, self._snapshot(gone))
        self._row_of[self._exits[1]["id"]] = -1
        for column in self._data.values():
            column[holes] = column[tail]
        self._row_of[self._data["id"][holes]] = holes
        self.count = remaining
        return holes, tail

    def relocate(self, year: int, positions: np.ndarray, destinations: np.ndarray, window: int,
                 offers: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """Move firms (with their jobs and land) and log the moves.

        A mover opens a new newcomer window of ``window`` years unless its last one is still
        running: moving on does not earn a second subsidy. A mover with a new window takes the
        destination's ``offers``, (K, R) rebates and land discounts; one moving on loses the
        terms of the province it leaves.
        """
        self._moves = (year, self._snapshot(positions))
        since = self.newcomer_since[positions]
        fresh = (since == NO_WINDOW) | (year - since.astype(int) >= window)
        self.newcomer_since[positions] = np.where(fresh, year, since)
        rebate, discount = offers if offers is not None else (None, None)
        self.rebate[positions] = 0.0 if rebate is None else np.where(fresh, rebate[self.sector[positions], destinations], 0.0)
        self.land_discount[positions] = (0.0 if discount is None
                                         else np.where(fresh, discount[self.sector[positions], destinations], 0.0))
        self._log.append(np.column_stack([np.full(positions.size, year), self.id[positions],
                                          self.region[positions], destinations]))
        self._tally(positions, -1)
        self.region[positions] = destinations
        self.cell[positions] = self.sector[positions] * self.n_regions + destinations
        self._tally(positions, 1)
        self._choice_cells(positions)
        self.arrival_year[positions] = year
        self.moves[positions] += 1

    def in_window(self, year: int, years: int) -> np.ndarray:
        """The rows of the firms whose newcomer window of ``years`` years runs in ``year``:
        since + years > year, compared in the column's 16 bits (``NO_WINDOW`` is far enough in the past)."""
        return np.flatnonzero(self.newcomer_since > year - years)

    def window_left(self, rows: np.ndarray, year: int, years: int) -> np.ndarray:
        """The years the running newcomer windows of the firms in ``rows`` (:meth:`in_window`) still
        run, this one included: since + years - year."""
        return self.newcomer_since[rows].astype(np.intp) + (years - year)

    def upgrade(self, positions: np.ndarray, sectors: np.ndarray, gain: float) -> None:
        """Firms move into ``sectors`` and their size a^(sigma-1) grows by the factor ``gain``."""
        self._tally(positions, -1)
        self.sector[positions] = sectors
        self.cell[positions] = sectors * self.n_regions + self.region[positions]
        self.size[positions] *= gain
        self.size_class[positions] = self.classify(self.size[positions])
        self._choice_cells(positions)
        self._tally(positions, 1)

    def set_fixed_inputs(self, labour: np.ndarray, land: np.ndarray, capital: np.ndarray) -> None:
        """Replace every live firm's workforce, land and capital."""
        self.labour[:], self.land[:], self.capital[:] = labour, land, capital
        for column in ("labour", "land", "capital"):
            self._kept.pop(column, None)

    def classify(self, size: np.ndarray) -> np.ndarray:
        """The productivity class of each size: the number of class edges at or below it (a
        comparison with each of the few edges)."""
        size_class = np.zeros(np.shape(size), dtype=np.int8)
        for edge in self.class_edges:
            size_class += size >= edge
        return size_class

    def _choice_cells(self, positions: np.ndarray) -> None:
        self.choice_cell[positions] = self.cell[positions] * self.n_classes + self.size_class[positions]

    def by_cell(self, weights: np.ndarray | None = None) -> np.ndarray:
        """Sum of a firm column (firm counts without one) per (sector, region) cell, as (K, R)."""
        if weights is None:
            return self.cell_sums("count")
        k_count, n = self.n_sectors, self.n_regions
        return np.bincount(self.cell, weights=weights, minlength=k_count * n).reshape(k_count, n).astype(float, copy=False)

    def cell_sums(self, column: str) -> np.ndarray:
        """(K, R) the firms' ``column`` (or ``"count"``: the number of firms) summed by cell.

        Kept up to date by every entry, exit, move and upgrade once first asked for, so that a
        year does not sum over every firm each time; a cell with no firms sums to exactly 0.
        """
        if column not in self._kept:
            cells = self.n_sectors * self.n_regions
            self._kept.setdefault("count", np.bincount(self.cell, minlength=cells).astype(float))
            self._kept[column] = np.bincount(self.cell, weights=None if column == "count" else self._data[column][: self.count],
                                             minlength=cells).astype(float)
        return self._kept[column].reshape(self.n_sectors, self.n_regions).copy()

    def land_by_region(self) -> np.ndarray:
        """Hectares of industrial land the firms use in each region."""
        return self.cell_sums("land").sum(axis=0)

    def _tally(self, rows, sign: int) -> None:
        """Add (sign 1) or take away (-1) the firms in ``rows`` from the kept sums."""
        if not self._kept:
            return
        cells = self._data["cell"][rows]
        size = self._kept["count"].size
        counts = self._kept["count"]
        counts += sign * np.bincount(cells, minlength=size)
        empty = counts == 0
        for column, sums in self._kept.items():
            if column != "count":
                sums += sign * np.bincount(cells, weights=self._data[column][rows], minlength=size)
                sums[empty] = 0.0

    def by_region(self, weights: np.ndarray) -> np.ndarray:
        """Sum of a firm column per region (through the cells: bincount on intp is fastest)."""
        return self.by_cell(weights).sum(axis=0)

    def positions(self, ids) -> np.ndarray:
        """The rows of the firms with these ids; -1 for firms that have exited."""
        return self._row_of[np.asarray(ids, dtype=np.intp)]

    def exits_in(self, year: int) -> dict[str, np.ndarray]:
        """The firms that exited in ``year``, as they were when they left (the :data:`SNAPSHOT`
        columns); empty unless ``year`` is the last year firms exited."""
        return self._snapshot_of(self._exits, year)

    def moves_in(self, year: int) -> dict[str, np.ndarray]:
        """The firms that moved in ``year``, as they were before they moved (``region``: where
        from); empty unless ``year`` is the last year firms moved."""
        return self._snapshot_of(self._moves, year)

    def _snapshot(self, rows) -> dict[str, np.ndarray]:
        return {name: self._data[name][rows] for name in SNAPSHOT}

    def _snapshot_of(self, record, year: int) -> dict[str, np.ndarray]:
        when, rows = record
        return rows if when == year else self._snapshot(np.empty(0, dtype=np.intp))

    def relocation_log(self) -> np.ndarray:
        """All moves so far as rows (year, firm id, from region, to region)."""
        if not self._log:
            return np.empty((0, 4), dtype=np.int64)
        return np.concatenate(self._log).astype(np.int64)

    def _reserve(self, needed: int) -> None:
        if needed > self._capacity:
            self._capacity = max(needed, int(self._capacity * 1.5))
            self._data = {name: _grown(column, self._capacity) for name, column in self._data.items()}


def _grown(array: np.ndarray, needed: int, fill=0) -> np.ndarray:
    """``array`` with room for at least ``needed`` entries (amortised: grows by half)."""
    if needed <= array.size:
        return array
    grown = np.full(max(needed, int(array.size * 1.5)), fill, dtype=array.dtype)
    grown[: array.size] = array
    return grown
