"""Industrial land: who gets it when claims exceed the zoning cap (UrbanSim's iterative lottery)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..economics import draw_choices, ration_by_capacity
from ..population import FirmPopulation

Redraw = Callable[[int, int], np.ndarray]  # (round, count) -> that round's uniforms
Options = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]  # claims -> (probabilities, land needed), (claims, R)

#: how many times a refused claim draws again among the regions that can still take it
LAND_ROUNDS = 4


def land_free(firms: FirmPopulation, land_cap: np.ndarray) -> np.ndarray:
    """Hectares each region can still zone for industry."""
    return np.maximum(land_cap - firms.land_by_region(), 0.0)


def settle(choice: np.ndarray, need: np.ndarray, free: np.ndarray, priority: np.ndarray, options: Options,
           fallback: np.ndarray, uniforms: Redraw) -> np.ndarray:
    """Where each land claim ends up: a capacity-constrained choice.

    Claim i needs ``need[i]`` hectares in the region it chose. Claims on a region are granted in
    ``priority`` order while its free land lasts. A refused claim draws again from its own choice
    probabilities restricted to the regions that still have the land it needs, up to
    :data:`LAND_ROUNDS` times: ``options(claims)`` gives those claims' probabilities and the land
    they would need in every region (both (claims, R)), ``uniforms(round, count)`` that round's
    draws. A claim whose choice is its ``fallback`` region (a mover's own, which it holds
    already) needs no land; a claim that finds none ends at its fallback (-1: nowhere, for a
    would-be entrant). Returns (C,) regions.
    """
    destination = choice.astype(np.intp).copy()
    need = need.astype(float).copy()
    free = free.astype(float).copy()
    pending = np.flatnonzero(destination != fallback)
    for attempt in range(LAND_ROUNDS + 1):
        granted = ration_by_capacity(destination[pending], need[pending], free, priority[pending])
        free -= np.bincount(destination[pending[granted]], weights=need[pending[granted]], minlength=free.size)
        refused = pending[~granted]
        if refused.size == 0:
            break
        if attempt == LAND_ROUNDS:
            destination[refused] = fallback[refused]
            break
        probabilities, needs = options(refused)
        open_to = free[None, :] >= needs
        own = fallback[refused]
        open_to[np.flatnonzero(own >= 0), own[own >= 0]] = True  # staying needs no new land
        rows = probabilities * open_to
        total = rows.sum(axis=1)
        stuck = total <= 0
        destination[refused[stuck]] = fallback[refused[stuck]]
        keep = ~stuck
        refused, rows, total, needs = refused[keep], rows[keep], total[keep], needs[keep]
        drawn = draw_choices(np.cumsum(rows, axis=1) / total[:, None], uniforms(attempt, refused.size))
        destination[refused] = drawn
        need[refused] = needs[np.arange(refused.size), drawn]
        pending = refused[drawn != fallback[refused]]
    return destination
