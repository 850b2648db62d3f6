"""The start year: drawing the firm population and calibrating what is not observed.

Firms are industry (see :mod:`transfer_sim.accounts`). The data give each province's industrial
value added, not how it splits into a number of firms and what each sells. The identifying
assumption: a unit of firm size is equally productive everywhere (productivity 1, apart from
innovation capacity in innovative sectors). A firm then sells what market access and local unit
costs let it sell -- wages and rents enter the unit cost, so a high-wage province is less
competitive unless market access makes up for it (the wage equation of new economic geography;
Redding & Venables 2004) -- and the number of firms in a province is its industrial value added
over that. Firms in high-access provinces are larger in revenue; productivity does not stand in
for market access.

1. Firms per province (:func:`firms_for_output`) are those that, with productivity 1 and the
   expected sector mix, produce every province's industrial value added (largest remainders, at
   least one firm each); each firm's sector is drawn from the national demand shares tilted by a
   stylised macro-regional location quotient and, for innovative sectors, by the province's
   innovation capacity; its size (a^(sigma-1)) is lognormal with mean 1.
2. Costs (:func:`cost_shares`): wages and rents enter the unit cost, so a firm's price is a
   mark-up on unit cost over productivity; the national operating margin matches industrial
   profits in the national accounts.
3. Region productivity A_r (in units of a^(sigma-1)) is solved so that every province's share of
   industrial value added equals the data with the firms drawn: a correction, within a few per
   cent of 1, for the finite draw. Total demand is scaled so that industrial value added equals
   the data, and foreign demand so that exports are the data's share of GDP. Where the geography
   has no industry data (an abstract geography), productivity is 1 and the start is the market
   equilibrium (:func:`free_entry_shares`).
4. Foreign competitors are sized so that China holds a fixed share of each external market.
5. Labour, land and capital requirements per unit of size are set from sector cost shares at
   each region's start-year revenue, so that every province starts at the national margin.
6. Location constants (one per sector, productivity class and region) are solved so that the
   start-year distribution of every class is the stationary distribution of relocation, entry
   and exit under the status-quo policy: the baseline is calm and every change comes from a
   lever or an endogenous force. Firms of every class are spread alike at the start (sizes are
   drawn independently of the province); they sort when a lever or a force changes what
   locations pay, larger firms the most. Migration constants do the same for people.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from .economics import (
    logit_probabilities, market_access, price_index, relocation_hazard, spending, stationary_shares,
    transition_matrix,
)
from .params import SIGMA
from .geography import EXTERNAL_MARKETS, MACRO_REGIONS, Geography
from .params import EconomyParams
from .sectors import SectorTable
from .state import CostShares, Markets

CNY_PER_BN = 1e9
BASE_LAND_RENT = 300_000.0  # CNY per hectare and year at the national mean density


def apportion(total: int, weights: np.ndarray, minimum: int = 1) -> np.ndarray:
    """Integer counts summing to ``total`` in proportion to weights (largest remainders),
    each at least ``minimum``: regions below it are topped up from the largest ones."""
    if total < minimum * len(weights):
        raise ValueError(f"need at least {minimum * len(weights)} firms for {len(weights)} regions, got {total}")
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(int)
    counts[np.argsort(counts - exact, kind="stable")[: total - counts.sum()]] += 1
    while (short := np.flatnonzero(counts < minimum)).size:
        counts[short] = minimum
        excess = counts.sum() - total
        donors = np.argsort(-counts, kind="stable")[:excess]
        counts[donors] -= 1
    return counts


def innovation_capacity(geography: Geography) -> np.ndarray:
    """GDP per head relative to the national figure: where innovation factors concentrate."""
    per_head = geography.gdp / geography.population
    national = geography.gdp.sum() / geography.population.sum()
    return per_head / national


def sector_weights(geography: Geography, sectors: SectorTable, innovation: np.ndarray) -> np.ndarray:
    """(K, R) probabilities of a firm's sector given its region."""
    lq = np.ones((sectors.count, geography.n))
    for j, macro in enumerate(MACRO_REGIONS):
        lq[:, geography.macro_region == macro] = sectors.location_quotient[:, [j]]
    w = sectors.demand_share[:, None] * lq * innovation[None, :] ** sectors.innovation_intensity[:, None]
    return w / w.sum(axis=0, keepdims=True)


def draw_firms(rng: np.random.Generator, geography: Geography, sectors: SectorTable, n_firms: int,
               innovation: np.ndarray, params: EconomyParams, weights: np.ndarray):
    """Initial (sector, region, size) of every firm, firms per region in proportion to ``weights``;
    see the module docstring, step 1."""
    counts = apportion(n_firms, weights)
    region = np.repeat(np.arange(geography.n), counts)
    cdf = np.cumsum(sector_weights(geography, sectors, innovation), axis=0)[:, region]
    u = rng.random(n_firms)
    sector = np.minimum((cdf < u[None, :]).sum(axis=0), sectors.count - 1)
    return sector, region, draw_sizes(rng, n_firms, params.size_dispersion)


def draw_sizes(rng: np.random.Generator, n: int, dispersion: float) -> np.ndarray:
    """Lognormal firm sizes with mean 1."""
    return rng.lognormal(-0.5 * dispersion**2, dispersion, n)


def class_edges(dispersion: float, classes: int) -> np.ndarray:
    """The sizes that split the lognormal size distribution of :func:`draw_sizes` into ``classes``
    productivity classes of equal probability: exp(-d^2 / 2 + d z_j), z_j = Phi^-1(j / C), j = 1 .. C-1.
    No edges (one class) without dispersion."""
    if dispersion <= 0 or classes <= 1:
        return np.empty(0)
    quantiles = norm.ppf(np.arange(1, classes) / classes)
    return np.exp(-0.5 * dispersion**2 + dispersion * quantiles)


def class_sizes(size: np.ndarray, size_class: np.ndarray, dispersion: float, classes: int) -> np.ndarray:
    """(C,) the size a class's location choice is made for: the mean size of the start-year firms
    in it; for a class with none, the lognormal's mean within the class,
    E[s | z_(j-1) < z < z_j] = C (Phi(z_j - d) - Phi(z_(j-1) - d))."""
    counts = np.bincount(size_class, minlength=classes)
    means = np.bincount(size_class, weights=size, minlength=classes) / np.maximum(counts, 1)
    bounds = np.concatenate([[-np.inf], norm.ppf(np.arange(1, classes) / classes), [np.inf]])
    within = classes * np.diff(norm.cdf(bounds - dispersion))
    return np.where(counts > 0, means, within)


def typical_size(size: np.ndarray) -> float:
    """The output-weighted mean firm size, sum s^2 / sum s: the firm whose choice the logit's
    sharpness ``logit_beta`` is stated for."""
    return float((size**2).sum() / size.sum())


def cell_sums(values, sector, region, n_sectors, n_regions) -> np.ndarray:
    """Sum of ``values`` per (sector, region) cell as a (K, R) array."""
    flat = np.bincount(sector * n_regions + region, weights=values, minlength=n_sectors * n_regions)
    return flat.reshape(n_sectors, n_regions)


def export_spending(sectors: SectorTable, sector_share: np.ndarray, params: EconomyParams,
                    domestic_total: float) -> np.ndarray:
    """(K, M) foreign spending such that China's exports to m are export_share[m] of domestic
    spending, split over sectors by export orientation, when China holds its market share."""
    tilt = sector_share * sectors.export_orientation
    tilt = tilt / tilt.sum()
    shares = np.array([params.export_share[m] for m in EXTERNAL_MARKETS])
    return domestic_total * tilt[:, None] * shares[None, :] / params.china_share_abroad


def cost_shares(sectors: SectorTable, margin: float, markdown: np.ndarray | None = None) -> CostShares:
    """Each sector's costs as shares of revenue, with an operating margin ``margin`` (step 2).

    Value added = labour + land + capital + profit, with labour and land at the sector table's
    shares of revenue and capital the rest. Variable cost is (sigma - 1) / sigma of revenue:
    intermediate inputs (1 - value-added ratio) and the variable part of every factor; the rest
    of each factor, in the same proportion for all three, is fixed:

        variable part v = (va - 1/sigma) / (va - margin),   fixed costs = (1/sigma - margin) x revenue.

    The unit-cost index's exponents are the variable labour and land shares of variable cost.
    Where emerging sectors lose a ``markdown`` share of variable profit to redundant
    construction, their fixed costs are smaller by as much, so every sector starts at the margin.
    """
    va, labour, land = sectors.value_added_ratio, sectors.labour_cost_share, sectors.land_cost_share
    capital = va - labour - land - margin
    if (capital < 0).any() or not 0 <= margin < 1.0 / SIGMA or (va <= 1.0 / SIGMA).any():
        raise ValueError(f"the sector table's cost shares cannot give an operating margin of {margin:.3f} with "
                         f"sigma = {SIGMA:g}: value added must exceed 1/sigma and labour + land + margin")
    variable = (va - 1.0 / SIGMA) / (va - margin)
    variable_cost = (SIGMA - 1.0) / SIGMA
    fixed = (1 - variable) * ((1.0 - (0.0 if markdown is None else markdown)) / SIGMA - margin) / (1.0 / SIGMA - margin)
    return CostShares(
        labour_exponent=labour * variable / variable_cost, land_exponent=land * variable / variable_cost,
        variable_labour=labour * variable, fixed_labour=labour * fixed, fixed_land=land * fixed,
        fixed_capital=capital * fixed,
    )


def free_entry_shares(geography: Geography, sector_share: np.ndarray, sector_factor: np.ndarray, phi: np.ndarray,
                      tolerance: float = 1e-9, max_iterations: int = 10_000) -> np.ndarray:
    """(R,) each region's share of industry at which a unit of size earns the same revenue everywhere
    with productivity 1: the market equilibrium of the footloose-capital model (home-market effect)
    for the geography's demand, where there are no data on industry to start from.

    Iterates s_r <- s_r (m_r / m_bar)^(1/2), m_r the revenue per unit of size of a firm with the
    national sector mix; a region that cannot hold industry at any share tends to 0.
    """
    share = geography.gdp_share.copy()
    demand = spending(sector_share, 1.0, geography.gdp_share, np.zeros((sector_share.size, 0)))
    for _ in range(max_iterations):
        supply = sector_share[:, None] * share[None, :] * sector_factor
        revenue = (sector_share[:, None] * sector_factor * market_access(demand, price_index(supply, phi), phi)).sum(axis=0)
        gap = revenue / np.average(revenue, weights=share)
        held = share > 1e-9
        if np.max(np.abs(gap[held] - 1.0)) < tolerance:
            break
        share = share * gap**0.5
        share = share / share.sum()
    return share


def calibrate_productivity(geography: Geography, sectors: SectorTable, size_sums: np.ndarray,
                           sector_factor: np.ndarray, phi: np.ndarray, phi_ext: np.ndarray,
                           params: EconomyParams, *, industry: np.ndarray, exports_to_gdp: float | None,
                           fit_productivity: bool = True, export_target: np.ndarray | None = None,
                           tolerance: float = 1e-10, max_iterations: int = 2000):
    """Solve A_r so that shares of industrial value added equal ``industry``'s (module docstring, step 3).

    ``sector_factor`` (K, R) multiplies a firm's size besides A_r (innovation, unit costs).
    Spending on each sector is its share of the drawn firms' sizes, so that no sector's market
    is larger than its firms can fill; each region spends in proportion to its GDP. Foreign
    demand is scaled so that exports are ``exports_to_gdp`` of GDP (None: as the parameters
    set it, e.g. for a geography without markets abroad). With ``export_target`` (each
    region's share of exports, NaN where unknown) each region's access to markets abroad is
    solved jointly, so that the known regions' shares of exports match as well: it stands for what
    freeness does not show (ports' hinterlands, trading networks, foreign-invested exporters).
    Without ``fit_productivity`` A_r = 1. Returns (A, Markets, access); raises ValueError when
    the data cannot be met (too few firms: one region then holds too much of a sector).
    """
    target = industry / industry.sum()
    goal = np.zeros(geography.n) if export_target is None else np.nan_to_num(np.asarray(export_target, float))
    fitted = goal > 0
    goal = goal / max(goal.sum(), 1e-300)
    sector_share = size_sums.sum(axis=1) / size_sums.sum()
    external = export_spending(sectors, sector_share, params, 1.0)
    cs = params.china_share_abroad
    gdp = geography.gdp.sum()

    def evaluate(productivity, access, abroad):
        """Value added and exports per region at unit domestic demand, and the competitors abroad."""
        supply = size_sums * sector_factor * productivity[None, :]
        reach = phi_ext * access[:, None]
        phi_all = np.hstack([phi, reach])
        foreign = (supply @ reach) * (1 - cs) / cs
        prices = price_index(supply, phi_all, np.hstack([np.zeros_like(supply), foreign]))
        demand = spending(sector_share, 1.0, geography.gdp_share, external * abroad)
        value_added = (sectors.value_added_ratio[:, None] * supply * market_access(demand, prices, phi_all)).sum(axis=0)
        outside = slice(geography.n, None)
        exports = (supply * market_access(demand[:, outside], prices[:, outside], reach)).sum(axis=0)
        return value_added, exports, foreign

    productivity, access, abroad = np.ones(geography.n), np.ones(geography.n), 1.0
    with np.errstate(all="ignore"):  # an infeasible start shows up as non-finite shares
        for _ in range(max_iterations):
            value_added, exports, _ = evaluate(productivity, access, abroad)
            share = value_added / value_added.sum()
            exported = np.where(fitted, exports, 0.0)
            export_share = exported / exported.sum() if fitted.any() else exported
            export_ratio = exports.sum() * industry.sum() / value_added.sum() / gdp
            export_gap = 0.0 if exports_to_gdp is None else abs(export_ratio / exports_to_gdp - 1.0)
            worst = max(np.max(np.abs(share - target)) if fit_productivity else 0.0,
                        np.max(np.abs(export_share - goal)), export_gap)
            if not np.isfinite(share).all() or worst < tolerance:
                break
            if fit_productivity:
                productivity = productivity * target / share
            if fitted.any():
                access[fitted] *= goal[fitted] / export_share[fitted]
                access[fitted] = geometric_mean_one(access[fitted])  # unfitted regions: average access
            if exports_to_gdp is not None:
                abroad *= exports_to_gdp / export_ratio
    if not (np.isfinite(share).all() and worst < tolerance):
        raise ValueError(f"the start year cannot reproduce every province's industrial output with so few firms "
                         f"({int(round(size_sums.sum()))} units of size); use more firms")
    productivity = geometric_mean_one(productivity)
    value_added, _, foreign = evaluate(productivity, access, abroad)
    scale = industry.sum() / value_added.sum()
    return productivity, Markets(domestic_total=scale, sector_share=sector_share, external=external * abroad * scale,
                                 foreign_supply=foreign), access


def firms_for_output(geography: Geography, sectors: SectorTable, innovation: np.ndarray, n_firms: int,
                     sector_factor: np.ndarray, phi: np.ndarray, phi_ext: np.ndarray, params: EconomyParams, *,
                     industry: np.ndarray, exports_to_gdp: float | None, fit: bool = True,
                     export_target: np.ndarray | None = None) -> np.ndarray:
    """(R,) expected number of firms per province at which, with productivity 1, every province's
    industrial value added is the data's (module docstring, step 1).

    Firm size enters supply as N_r x a^(sigma-1) x A_r, so the productivity that
    :func:`calibrate_productivity` finds for firms in proportion to ``industry`` is, read the
    other way, how many more firms a province needs at productivity 1:
    N_r = n x industry_r A_r / sum_s industry_s A_s. Without ``fit`` (no industry data), in
    proportion to ``industry``.
    """
    expected = sector_weights(geography, sectors, innovation) * industry[None, :]
    expected *= n_firms / expected.sum()
    productivity, _, _ = calibrate_productivity(
        geography, sectors, expected, sector_factor, phi, phi_ext, params, industry=industry,
        exports_to_gdp=exports_to_gdp, fit_productivity=fit, export_target=export_target)
    firms = industry * productivity
    return n_firms * firms / firms.sum()


def factor_requirements(unit_revenue: np.ndarray, wage: np.ndarray, rent: np.ndarray, costs: CostShares,
                        params: EconomyParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fixed labour (workers), land (ha) and capital (bn CNY at start-year prices) per unit of
    size^scale_elasticity, by sector and region.

    Each region's technique fits its start-year prices: in every region a sector's expected
    fixed wage bill, land rent and capital cost are their shares of revenue. A firm keeps its
    technique when it moves, so leaving a high-wage region saves on wages.
    """
    s2, a = params.size_dispersion**2, params.scale_elasticity
    size_ratio = 1.0 / np.exp(a * (a - 1.0) * s2 / 2.0)  # E[size] / E[size^a], lognormal mean 1
    per_unit = unit_revenue * size_ratio
    labour = costs.fixed_labour[:, None] * per_unit * CNY_PER_BN / wage[None, :]
    land = costs.fixed_land[:, None] * per_unit * CNY_PER_BN / rent[None, :]
    return labour, land, costs.fixed_capital[:, None] * per_unit


def land_rent(geography: Geography) -> np.ndarray:
    """Start-year rent per hectare: higher where output per km2 is dense."""
    density = geography.gdp / geography.area_km2
    return BASE_LAND_RENT * np.sqrt(density / density.mean())


def stationary_constants(utility: np.ndarray, entry_utility: np.ndarray, target: np.ndarray, *,
                         base_rate: float, gap_rate: float, exit_rate: float,
                         tolerance: float = 1e-9, max_iterations: int = 500) -> np.ndarray:
    """xi[k, r] such that each group's stationary location shares equal ``target[k]``.

    Agents of group k (a sector of firms, or people) in o look for a new location with
    the hazard of :func:`relocation_hazard` and choose d by logit on
    ``utility[k, o, d] + xi[k, d]`` (moving costs included, staying on the diagonal);
    they exit at ``exit_rate`` and entrants choose by logit on ``entry_utility + xi``.
    """
    xi = np.log(target) - entry_utility
    for _ in range(max_iterations):
        worst = 0.0
        for k in range(utility.shape[0]):
            choice = logit_probabilities(utility[k] + xi[k][None, :])
            hazard = relocation_hazard(base_rate, gap_rate, np.diag(choice))
            entry = logit_probabilities(entry_utility[k] + xi[k])
            s = stationary_shares(transition_matrix(choice, hazard), entry, exit_rate)
            step = np.log(target[k] / s)
            worst = max(worst, np.max(np.abs(step)))
            xi[k] += step
        if worst < tolerance:
            break
    return xi


def mean_unit_variable(earnings, size_sums: np.ndarray) -> np.ndarray:
    """(K,) each sector's variable profit (revenue / sigma) per unit of size."""
    return earnings.revenue_cells.sum(axis=1) / SIGMA / np.maximum(size_sums.sum(axis=1), 1e-300)


def total_factor_productivity(productivity: np.ndarray) -> np.ndarray:
    """A_r^(1 / (sigma - 1)): productivity in units of output per unit of input (geometric mean 1)."""
    return geometric_mean_one(productivity ** (1.0 / (SIGMA - 1.0)))


def mean_market_access(earnings, efficiency: np.ndarray) -> np.ndarray:
    """(R,) market access M[k, r] = revenue per unit of efficient size, averaged over a region's
    sectors with revenue weights (geometric mean 1 over regions)."""
    access = np.divide(earnings.unit_revenue, efficiency, out=np.zeros_like(efficiency), where=efficiency > 0)
    revenue = earnings.revenue_cells
    mean = (revenue * access).sum(axis=0) / np.maximum(revenue.sum(axis=0), 1e-300)
    return geometric_mean_one(mean)


def geometric_mean_one(values: np.ndarray) -> np.ndarray:
    """``values`` scaled so that their geometric mean is 1."""
    return values / np.exp(np.mean(np.log(values)))
