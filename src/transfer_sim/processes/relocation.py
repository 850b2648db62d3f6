"""Relocation (UrbanSim-style): who reconsiders (a hazard), where to (multinomial logit), who gets land."""

from __future__ import annotations

import numpy as np

from ..economics import draw_choices, logit_probabilities, ration_by_capacity, relocation_hazard
from ..geography import Geography
from ..levers import PolicyArrays
from ..params import EconomyParams
from ..population import FirmPopulation
from ..sectors import SectorTable
from ..state import Earnings, LocationUtility


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
    """u_move[k, o, d] = beta value[k, o, d] - cost[o, d] + xi[k, d]; u_entry[k, d] = beta value[k, d] + xi[k, d].

    ``open_to`` is :func:`allowed`; closed destinations get -inf (staying is always possible).
    """
    n = cost.shape[0]
    move = beta * earnings.move_value - cost[None, :, :]
    closed = ~open_to[:, None, :] & ~np.eye(n, dtype=bool)[None, :, :]
    move = np.where(closed, -np.inf, move)
    entry = np.where(open_to, beta * earnings.entry_value, -np.inf)
    return LocationUtility(move + constants[:, None, :], entry + constants)


def choose_locations(utility: LocationUtility, firms: FirmPopulation, draw: np.ndarray, params: EconomyParams):
    """The relocation rule for all firms at once, given one uniform draw per firm.

    A firm looks around when ``draw < hazard``; then ``draw / hazard`` is again uniform
    and picks the region where the logit CDF first exceeds it. Returns the rows of
    the firms that looked and the regions they chose (their own when staying), before
    land is rationed.
    """
    n = firms.n_regions
    choice = logit_probabilities(utility.move)  # (K, from, to)
    diagonal = np.arange(n)
    hazard = relocation_hazard(params.relocation_rate, params.hazard_gap,
                               choice[:, diagonal, diagonal]).ravel()[firms.cell]
    looking = np.flatnonzero(draw < hazard)
    cdf = np.cumsum(choice, axis=2).reshape(-1, n)[firms.cell[looking]]
    destination = draw_choices(cdf, draw[looking] / hazard[looking])
    return looking, destination


def land_free(firms: FirmPopulation, land_cap: np.ndarray) -> np.ndarray:
    """Hectares each region can still zone for industry."""
    return np.maximum(land_cap - firms.by_region(firms.land), 0.0)


def relocate(firms: FirmPopulation, utility: LocationUtility, draw: np.ndarray, land_cap: np.ndarray,
             params: EconomyParams, year: int) -> np.ndarray:
    """Who reconsiders, where to, who gets land (caps, in the order of the draws); moves the firms.

    Returns one row per move: (from, to, jobs), the jobs being the firm's fixed workforce (its
    variable labour is hired wherever it produces).
    """
    positions, destination = choose_locations(utility, firms, draw, params)
    moving = destination != firms.region[positions]
    positions, destination = positions[moving], destination[moving]
    accepted = ration_by_capacity(destination, firms.land[positions], land_free(firms, land_cap), draw[positions])
    positions, destination = positions[accepted], destination[accepted]
    origins = firms.region[positions].astype(np.intp)
    firms.relocate(year, positions, destination, params.newcomer_years)
    return np.column_stack([origins, destination, firms.labour[positions]])
