"""Relocation (UrbanSim-style): who reconsiders (a hazard), where to (multinomial logit), who gets land."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..economics import draw_in_groups, logit_probabilities, relocation_hazard, row_cdfs
from ..geography import Geography
from ..levers import PolicyArrays
from ..params import EconomyParams
from ..population import FirmPopulation
from ..sectors import SectorTable
from ..state import Earnings, FirmUniforms, LocationUtility
from .land import Redraw, land_free, settle
from .production import remaining_weights


def move_cost(params: EconomyParams, geography: Geography, barrier: float) -> np.ndarray:
    """(R, R) utility cost of moving from o to d: c_fixed + c_km d_od / 1000 + c_barrier x barrier (0 to stay)."""
    cross = ~np.eye(geography.n, dtype=bool)
    return (params.move_cost_fixed + params.move_cost_per_1000km * geography.distance_km / 1000.0
            + params.barrier_move_cost * barrier) * cross


def allowed(sectors: SectorTable, levers: PolicyArrays) -> np.ndarray:
    """(K, R) where a firm may newly locate: ecological zones close heavy polluters out."""
    return ~np.outer(sectors.pollution_class >= 2, levers.ecological_zones)


def location_utility(earnings: Earnings, open_to: np.ndarray, cost: np.ndarray, beta: float,
                     constants: np.ndarray) -> LocationUtility:
    """u_move[k, o, c, d] = beta value[k, o, c, d] - cost[o, d] + xi[k, c, d];
    u_entry[k, c, d] = beta value[k, c, d] + xi[k, c, d], for productivity class c; and beta x a
    year of the newcomer subsidy at each destination, for firms whose window is running.

    ``open_to`` is :func:`allowed`; closed destinations get -inf (staying is always possible).
    """
    n = cost.shape[0]
    move = beta * earnings.move_value - cost[None, :, None, :]
    closed = ~open_to[:, None, None, :] & ~np.eye(n, dtype=bool)[None, :, None, :]
    move = np.where(closed, -np.inf, move)
    newcomer = None if earnings.newcomer_value is None else beta * earnings.newcomer_value
    return LocationUtility(move + constants[:, None, :, :], entry_utility(earnings, open_to, beta, constants), newcomer)


def entry_utility(earnings: Earnings, open_to: np.ndarray, beta: float, constants: np.ndarray) -> np.ndarray:
    """(K, C, R) u_entry[k, c, d] = beta value[k, c, d] + xi[k, c, d]; -inf where ``open_to`` is closed."""
    return np.where(open_to[:, None, :], beta * earnings.entry_value, -np.inf) + constants


def choose_locations(utility: LocationUtility, firms: FirmPopulation, draw: FirmUniforms, params: EconomyParams,
                     year: int):
    """The relocation rule for all firms at once, given one uniform draw per firm.

    A firm looks around when ``draw < hazard``; then ``draw / hazard`` is again uniform
    and picks the region where the logit CDF first exceeds it. Returns the rows of
    the firms that looked (in increasing order), the regions they chose (their own when staying),
    before land is allotted, the choice probabilities of every group of firms that choose alike,
    (groups, R), the group of each firm that looked and its draw. The groups are the (sector x origin x
    productivity class) cells of ``firms.choice_cell``, and for firms whose newcomer window is
    running, those cells by the years left (:func:`window_groups`).
    """
    n = firms.n_regions
    move = utility.move.reshape(-1, n)
    origin = np.arange(move.shape[0]) // firms.n_classes % n
    groups = ChoiceGroups(firms.choice_cell)
    if utility.newcomer is not None:
        move, origin, groups = window_groups(move, origin, groups, utility.newcomer.reshape(2, -1, n), firms, year,
                                             remaining_weights(params))
    choice = logit_probabilities(move)
    stay = choice[np.arange(choice.shape[0]), origin]
    hazard = relocation_hazard(params.relocation_rate, params.hazard_gap, stay)
    candidates, drawn = draw.below(hazard.max(initial=0.0))  # a few per cent of the firms
    group = groups.of(candidates)
    looks = drawn < hazard[group]
    looking, group, drawn = candidates[looks], group[looks], drawn[looks]
    destination = draw_in_groups(row_cdfs(choice), group, drawn / hazard[group])
    return looking, destination, choice, group, drawn


@dataclass(frozen=True)
class ChoiceGroups:
    """The utility row each firm chooses by: its cell's, ``cells`` (``firms.choice_cell``), or for
    the firms in ``window`` (rows in increasing order) their own, ``window_row``
    (:func:`window_groups`). Looked up only for the firms that may look around."""

    cells: np.ndarray
    window: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    window_row: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))

    def of(self, rows: np.ndarray) -> np.ndarray:
        """The groups of the firms in ``rows``."""
        group = self.cells[rows]
        if self.window.size:
            at = np.minimum(np.searchsorted(self.window, rows), self.window.size - 1)
            in_window = self.window[at] == rows
            group[in_window] = self.window_row[at[in_window]]
        return group


def window_groups(move, origin, groups: ChoiceGroups, newcomer, firms: FirmPopulation, year: int, weights: np.ndarray):
    """Utility rows for the firms whose newcomer window is running, with r = 1 .. n years left.

    Such a firm keeps the central subsidy for r more years wherever it is in a nest region,
    staying or moving on, and its province's terms (its contract) only by staying; a move opens
    no new window: u[d] = u_cell[d] + (central[d] (A_r - A_n [d != o]) + local[d] (A_r [d = o]
    - A_n [d != o])) / A_H, with ``weights`` A_r / A_H and ``newcomer`` the (2, cells, R) central
    and local terms (a stayer's contract valued at its province's offer of this year). Returns
    the utility rows with one row appended per (cell, r) among those firms, each row's origin,
    and the :class:`ChoiceGroups` with those firms' rows.
    """
    years = weights.size - 1
    running = firms.in_window(year, years)
    if running.size == 0:
        return move, origin, groups
    keys, rows = dense_keys(groups.cells[running] * (years + 1) + firms.window_left(running, year, years),
                           move.shape[0] * (years + 1))
    cell, remaining = keys // (years + 1), keys % (years + 1)
    moving_on = np.arange(move.shape[1])[None, :] != origin[cell][:, None]
    left_weight, fresh_weight = weights[remaining][:, None], weights[years] * moving_on
    extra = (move[cell] + newcomer[0][cell] * (left_weight - fresh_weight)
             + newcomer[1][cell] * (left_weight * ~moving_on - fresh_weight))
    return (np.vstack([move, extra]), np.concatenate([origin, origin[cell]]),
            ChoiceGroups(groups.cells, running, move.shape[0] + rows))


def dense_keys(key: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``key`` (integers from 0 to ``bound`` - 1) in increasing order, and
    each entry's index among them: ``np.unique(key, return_inverse=True)`` without sorting."""
    present = np.bincount(key, minlength=bound) > 0
    return np.flatnonzero(present), (np.cumsum(present) - 1)[key]


def relocate(firms: FirmPopulation, utility: LocationUtility, draw: FirmUniforms, land_cap: np.ndarray,
             params: EconomyParams, year: int, redraw: Redraw,
             offers: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Who reconsiders (one uniform ``draw`` per firm), where to, who gets land; moves the firms.

    A mover refused land takes its next-best region with land, or stays (:func:`land.settle`,
    with ``redraw`` its draws); a mover with a new window takes its destination's ``offers``
    (:meth:`~transfer_sim.population.FirmPopulation.relocate`). Returns one row per move: (from,
    to, jobs), the jobs being the firm's fixed workforce (its variable labour is hired wherever it
    produces).
    """
    positions, destination, choice, rows, drawn = choose_locations(utility, firms, draw, params, year)
    origins = firms.region[positions].astype(np.intp)
    land = firms.land[positions]

    def options(claims):
        """A refused mover's own choice probabilities; it needs its own land anywhere."""
        probabilities = choice[rows[claims]]
        return probabilities, np.broadcast_to(land[claims, None], probabilities.shape)

    destination = settle(destination, land, land_free(firms, land_cap), drawn, options, origins, redraw)
    moving = destination != origins
    positions, origins, destination = positions[moving], origins[moving], destination[moving]
    firms.relocate(year, positions, destination, params.newcomer_years, offers)
    return np.column_stack([origins, destination, firms.labour[positions]])
