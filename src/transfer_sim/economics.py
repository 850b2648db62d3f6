"""Pure numpy kernels of the model's economics: no Mesa, no pandas, no state.

Notation (footloose-capital model with Dixit-Stiglitz competition): sectors k, producing
regions r, markets s (the regions, then the external markets); phi[r, s] trade freeness;
E[k, s] spending; a firm's effective productivity enters as a^(sigma-1).
"""

from __future__ import annotations

import numpy as np

from .params import SIGMA


def freeness_from_cost(tau: np.ndarray, sigma: float) -> np.ndarray:
    """phi = tau^(1 - sigma): the share of a sale that survives an iceberg cost tau."""
    return tau ** (1.0 - sigma)


def cost_from_freeness(phi: np.ndarray, sigma: float) -> np.ndarray:
    """tau = phi^(1 / (1 - sigma)), the inverse of :func:`freeness_from_cost`."""
    return phi ** (1.0 / (1.0 - sigma))


def price_index(supply: np.ndarray, phi: np.ndarray, foreign: np.ndarray | float = 0.0) -> np.ndarray:
    """P[k, s] = sum_r supply[k, r] phi[r, s] + foreign[k, s].

    ``supply[k, r]`` sums a^(sigma-1) over the firms of sector k in region r; ``foreign``
    is the same sum for competitors abroad (zero in domestic markets).
    """
    return supply @ phi + foreign


def market_access(expenditure: np.ndarray, price: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """M[k, r] = sum_s phi[r, s] E[k, s] / P[k, s]: revenue per unit of a^(sigma-1) in r.

    Markets without spending or supply contribute nothing.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(price > 0, expenditure / price, 0.0)
    return ratio @ phi.T


def spending(sector_share: np.ndarray, domestic_total: float, demand_share: np.ndarray,
             external: np.ndarray) -> np.ndarray:
    """E[k, s] over the regions then the external markets:
    E[k, r] = domestic_total x sector_share[k] x demand_share[r], then external[k, m]."""
    domestic = domestic_total * sector_share[:, None] * demand_share[None, :]
    return np.hstack([domestic, external])


def unit_cost_index(labour_exponent: np.ndarray, land_exponent: np.ndarray, wage: np.ndarray, rent: np.ndarray,
                    reference_wage: float, reference_rent: float) -> np.ndarray:
    """c[k, r] = (w_r / w_ref)^alpha_L[k] (rent_r / rent_ref)^alpha_T[k]: a sector's unit cost in r
    relative to the reference prices (intermediates and capital have one national price).

    A firm's price is sigma / (sigma - 1) x c / A, so its revenue per unit of size scales with
    c^(1 - sigma)."""
    if not (labour_exponent.any() or land_exponent.any()):
        return np.ones((labour_exponent.size, wage.size))
    return ((wage / reference_wage)[None, :] ** labour_exponent[:, None]
            * (rent / reference_rent)[None, :] ** land_exponent[:, None])


def sector_spending_shares(base: np.ndarray, price: np.ndarray, start_price: np.ndarray,
                           substitution: float) -> np.ndarray:
    """Shares of spending on each sector when sectors substitute with elasticity eta (upper CES tier).

    share_k ∝ base_k (P_k / P_k,0)^(1 - eta), with P_k = X_k^(1 / (1 - sigma)) for the price
    index X_k = P_k^(1 - sigma) the model computes: a sector whose goods became cheaper (more
    or better firms) draws a larger share of spending when eta > 1. A sector with no supply
    (X_k = 0) draws nothing.
    """
    exponent = (1.0 - substitution) / (1.0 - SIGMA)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(start_price > 0, price / start_price, 1.0)
    positive = relative > 0
    weight = base * np.where(positive, np.where(positive, relative, 1.0) ** exponent, 0.0)
    total = weight.sum()
    return weight / total if total > 0 else base / base.sum()


def annuity(years: int, discount_rate: float, survival: float) -> float:
    """Present value of 1 a year for ``years`` years, paid while the firm survives:
    A_n = sum_{t=0}^{n-1} delta^t = (1 - delta^n) / (1 - delta),  delta = survival / (1 + r)."""
    delta = survival / (1.0 + discount_rate)
    return float(years) if delta == 1.0 else (1.0 - delta**years) / (1.0 - delta)


def logit_probabilities(utility: np.ndarray) -> np.ndarray:
    """Multinomial logit P_j = exp(u_j) / sum_l exp(u_l) along the last axis.

    Alternatives with utility -inf are never chosen; rows with no finite alternative
    get all-zero probabilities.
    """
    top = np.max(utility, axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    weights = np.exp(utility - top)
    total = weights.sum(axis=-1, keepdims=True)
    return np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)


def draw_choices(cdf_rows: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Inverse-CDF draw: for each chooser, the first alternative whose CDF exceeds u."""
    choice = (cdf_rows < uniforms[:, None]).sum(axis=1)
    return np.minimum(choice, cdf_rows.shape[1] - 1)


def row_cdfs(probabilities: np.ndarray) -> np.ndarray:
    """``np.cumsum(probabilities, axis=1)``, adding a column at a time: the same sums in the same
    order, faster for many short rows (numpy accumulates along each row separately)."""
    cdf = probabilities.copy()
    for column in range(1, cdf.shape[1]):
        cdf[:, column] += cdf[:, column - 1]
    return cdf


def draw_in_groups(cdf: np.ndarray, group: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """:func:`draw_choices` for choosers who share CDF rows: chooser i draws from row
    ``cdf[group[i]]``, without a copy of its row per chooser.

    The rows, laid end to end with row g raised by 2g, form one sorted sequence in which the
    entries below 2g + u are the g n entries of the rows before g and the entries of row g below u;
    each chooser counts the latter by a binary search in its own row (:func:`count_below`).
    """
    n = cdf.shape[1]
    raised = (cdf + 2.0 * np.arange(cdf.shape[0])[:, None]).ravel()
    return np.minimum(count_below(raised, group * n, n, uniforms + 2.0 * group), n - 1)


def count_below(values: np.ndarray, start: np.ndarray, length: int, key: np.ndarray) -> np.ndarray:
    """For each i, how many of the sorted ``values[start[i] : start[i] + length]`` are below ``key[i]``.

    All searches at once, by binary lifting: the count grows by each power of 2 from the largest
    one up to ``length`` down to 1 wherever the entry it would count last is still below the key
    (log2 length passes over the searches instead of one pass of length comparisons).
    """
    below = np.zeros(key.size, dtype=np.intp)
    step = 1 << (max(length, 1).bit_length() - 1)
    while step:
        count = below + step
        last = values[start + np.minimum(count, length) - 1]
        below += step * ((last < key) & (count <= length))
        step >>= 1
    return below


def relocation_hazard(base_rate: float, gap_rate: float, stay_probability: np.ndarray) -> np.ndarray:
    """Chance to reconsider the location this year: base + gap_rate * P(a search ends in a move).

    1 - P(stay) rises with the utility gap to the best alternatives, so firms far from
    their best location look more often; at the logit equilibrium the flows balance.
    """
    return np.clip(base_rate + gap_rate * (1.0 - stay_probability), 0.0, 1.0)


def transition_matrix(choice: np.ndarray, hazard: np.ndarray) -> np.ndarray:
    """Yearly location transition T[o, d] of a firm in o: it looks with chance hazard[o]."""
    n = choice.shape[-1]
    return (1.0 - hazard)[..., :, None] * np.eye(n) + hazard[..., :, None] * choice


def stationary_shares(transition: np.ndarray, entry: np.ndarray, exit_rate: float) -> np.ndarray:
    """Long-run location shares s = (1 - d) s T + d entry of firms that move by T, exit at rate d
    and enter with location probabilities ``entry`` (one sector: 2-D T, 1-D entry)."""
    n = transition.shape[0]
    if exit_rate > 0:
        a = np.eye(n) - (1.0 - exit_rate) * transition
        s = np.linalg.solve(a.T, exit_rate * entry)
    else:  # no turnover: the left eigenvector of T for eigenvalue 1
        a = (transition - np.eye(n)).T
        a[-1, :] = 1.0
        b = np.zeros(n)
        b[-1] = 1.0
        s = np.linalg.solve(a, b)
    s = np.clip(s, 0.0, None)
    return s / s.sum()


def wage_level(base_wage, growth_index, labour_demand, labour_supply, elasticity) -> np.ndarray:
    """w = w0 * G * (demand / supply)^eta: wages rise where firms want more workers than live there."""
    ratio = np.divide(labour_demand, labour_supply, out=np.ones_like(labour_demand), where=labour_supply > 0)
    return base_wage * growth_index * np.maximum(ratio, 1e-6) ** elasticity


MIN_FREE_LAND = 0.05  # the free share of a zoning cap below which land rents rise no further


def rent_level(base_rent, growth_index, land_used, base_land_used, elasticity, land_cap, base_land_cap,
               scarcity) -> np.ndarray:
    """rent = r0 G (used / used0)^rho ((1 - used0 / cap0) / (1 - used / cap))^mu: land rent rises
    with land use, and steeply as use nears the zoning cap (the free share is floored at 5 %)."""
    ratio = np.divide(land_used, base_land_used, out=np.ones_like(land_used), where=base_land_used > 0)
    free = np.maximum(1.0 - land_used / land_cap, MIN_FREE_LAND)
    base_free = np.maximum(1.0 - base_land_used / base_land_cap, MIN_FREE_LAND)
    return base_rent * growth_index * np.maximum(ratio, 1e-6) ** elasticity * (base_free / free) ** scarcity


def home_market_share(expenditure_share: float, phi: float) -> float:
    """Footloose-capital equilibrium firm share of the larger region, clipped to [0, 1]:
    s_n = 1/2 + ((1 + phi) / (1 - phi)) (s_E - 1/2)."""
    return float(np.clip(0.5 + (1.0 + phi) / (1.0 - phi) * (expenditure_share - 0.5), 0.0, 1.0))


def ration_by_capacity(destination: np.ndarray, demand: np.ndarray, free: np.ndarray,
                       priority: np.ndarray) -> np.ndarray:
    """Accept claims on each destination in priority order while the running total fits.

    Returns a boolean mask over the claims; accepted claims never exceed ``free[d]``.
    """
    if destination.size == 0:
        return np.zeros(0, dtype=bool)
    if np.all(np.bincount(destination, weights=demand, minlength=free.size) <= free):
        return np.ones(destination.size, dtype=bool)  # everyone fits: the usual case
    order = np.lexsort((priority, destination))
    dest, need = destination[order], demand[order]
    running = np.cumsum(need)
    first = np.searchsorted(dest, dest, side="left")
    within = running - (running[first] - need[first])
    accepted = np.empty(destination.size, dtype=bool)
    accepted[order] = within <= free[dest]
    return accepted
