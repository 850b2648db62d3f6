"""Relocation (UrbanSim-style): who reconsiders (a hazard), where to (multinomial logit), who gets land."""

from __future__ import annotations

import numpy as np

from ..economics import draw_choices, logit_probabilities, relocation_hazard
from ..geography import Geography
from ..levers import PolicyArrays
from ..params import EconomyParams
from ..population import FirmPopulation
from ..sectors import SectorTable
from ..state import Earnings, LocationUtility
from .land import Redraw, land_free, settle


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
    u_entry[k, c, d] = beta value[k, c, d] + xi[k, c, d], for productivity class c.

    ``open_to`` is :func:`allowed`; closed destinations get -inf (staying is always possible).
    """
    n = cost.shape[0]
    move = beta * earnings.move_value - cost[None, :, None, :]
    closed = ~open_to[:, None, None, :] & ~np.eye(n, dtype=bool)[None, :, None, :]
    move = np.where(closed, -np.inf, move)
    entry = np.where(open_to[:, None, :], beta * earnings.entry_value, -np.inf)
    return LocationUtility(move + constants[:, None, :, :], entry + constants)


def choose_locations(utility: LocationUtility, firms: FirmPopulation, draw: np.ndarray, params: EconomyParams):
    """The relocation rule for all firms at once, given one uniform draw per firm.

    A firm looks around when ``draw < hazard``; then ``draw / hazard`` is again uniform
    and picks the region where the logit CDF first exceeds it. Returns the rows of
    the firms that looked, the regions they chose (their own when staying), before
    land is allotted, and the choice probabilities of every (sector x origin x productivity
    class) group, (K R C, R), in the order of ``firms.choice_cell``.
    """
    n = firms.n_regions
    choice = logit_probabilities(utility.move).reshape(-1, n)
    diagonal = np.arange(n)
    stay = choice.reshape(firms.n_sectors, n, -1, n)[:, diagonal, :, diagonal].transpose(1, 0, 2)
    hazard = relocation_hazard(params.relocation_rate, params.hazard_gap, stay).ravel()[firms.choice_cell]
    looking = np.flatnonzero(draw < hazard)
    cdf = np.cumsum(choice, axis=1)[firms.choice_cell[looking]]
    destination = draw_choices(cdf, draw[looking] / hazard[looking])
    return looking, destination, choice


def relocate(firms: FirmPopulation, utility: LocationUtility, draw: np.ndarray, land_cap: np.ndarray,
             params: EconomyParams, year: int, redraw: Redraw) -> np.ndarray:
    """Who reconsiders (one uniform ``draw`` per firm), where to, who gets land; moves the firms.

    A mover refused land takes its next-best region with land, or stays (:func:`land.settle`,
    with ``redraw`` its draws). Returns one row per move: (from, to, jobs), the jobs being the
    firm's fixed workforce (its variable labour is hired wherever it produces).
    """
    positions, destination, choice = choose_locations(utility, firms, draw, params)
    origins = firms.region[positions].astype(np.intp)
    land = firms.land[positions]

    def options(claims):
        """A refused mover's own choice probabilities; it needs its own land anywhere."""
        rows = choice[firms.choice_cell[positions[claims]]]
        return rows, np.broadcast_to(land[claims, None], rows.shape)

    destination = settle(destination, land, land_free(firms, land_cap), draw[positions], options, origins, redraw)
    moving = destination != origins
    positions, origins, destination = positions[moving], origins[moving], destination[moving]
    firms.relocate(year, positions, destination, params.newcomer_years)
    return np.column_stack([origins, destination, firms.labour[positions]])
