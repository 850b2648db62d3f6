"""Trade freeness in a given year: the geography's costs modified by policy and events.

Barriers raise the iceberg cost between provinces; infrastructure (matured nest-building
investment) and digital infrastructure shrink the distance mark-up; corridors, free trade
zones and disruptions change the routes to external markets.
"""

from __future__ import annotations

import numpy as np

from .economics import cost_from_freeness, freeness_from_cost
from .geography import EXTERNAL_MARKETS, Routes
from .params import SIGMA, TradeCostParams

DIGITAL_DECAY_CUT = 0.4  # share of the distance mark-up that full digital infrastructure removes
CAPACITY_ELASTICITY = 0.3  # corridor leg cost falls with capacity^this


def domestic_freeness(base: np.ndarray, barrier: float, infrastructure: np.ndarray, digital: float) -> np.ndarray:
    """phi between regions this year.

    tau - 1 (the trade-cost margin) shrinks with both regions' infrastructure and with
    digital infrastructure; an administrative barrier multiplies tau between provinces.
    """
    margin = cost_from_freeness(base, SIGMA) - 1.0
    margin = margin * (1.0 - DIGITAL_DECAY_CUT * digital)
    margin = margin * (1.0 - 0.5 * (infrastructure[:, None] + infrastructure[None, :]))
    tau = 1.0 + margin
    tau = tau * np.where(np.eye(len(base), dtype=bool), 1.0, 1.0 + barrier)
    return freeness_from_cost(tau, SIGMA)


def external_freeness(
    routes: Routes | None,
    n_regions: int,
    costs: TradeCostParams,
    *,
    open_corridors: set[str],
    corridor_capacity: float,
    corridor_discount: float,
    ftz_cut: np.ndarray,
    infrastructure: np.ndarray,
    digital: float,
    port_access: float = 1.0,
) -> np.ndarray:
    """phi[r, m] from each region to each external market over its best open route.

    ``ftz_cut[r]`` is the share of the margin removed for exports from region r;
    ``port_access`` scales what the eastern seaports can still carry (a coastal shock).
    """
    out = np.zeros((n_regions, len(EXTERNAL_MARKETS)))
    if routes is None:
        return out
    is_corridor = routes.kind == "corridor"
    leg_factor = np.where(
        is_corridor,
        costs.rail_leg_factor * (1.0 - corridor_discount) * corridor_capacity ** -CAPACITY_ELASTICITY,
        1.0,
    )
    decay = lambda km: costs.per_1000km * (km / 1000.0) ** costs.distance_elasticity  # noqa: E731
    domestic = decay(routes.domestic_km) * (1.0 - infrastructure[:, None])
    margin = (domestic + decay(routes.leg_km * leg_factor)[None, :]) * (1.0 - DIGITAL_DECAY_CUT * digital)
    margin = (margin + routes.foreign_cost[None, :]) * (1.0 - ftz_cut[:, None])
    phi = freeness_from_cost(1.0 + margin, SIGMA)
    phi[:, routes.kind == "port"] *= port_access
    closed = is_corridor & ~np.isin(routes.corridor, list(open_corridors))
    phi[:, closed] = 0.0
    for m in range(len(EXTERNAL_MARKETS)):
        cols = routes.market == m
        if cols.any():
            out[:, m] = phi[:, cols].max(axis=1)
    return out
