"""Firms earn: prices, revenue, operating profit, levers' taxes and subsidies, and what each location pays.

Per unit of size a^(sigma-1) in sector k and region r, with efficiency e[k, r] (productivity,
innovation, shocks) and market access M[k, r] (:func:`~transfer_sim.economics.market_access`):

    revenue  = e M
    variable = revenue (1 - redundancy markdown) / sigma
    gross    = variable + (FTZ export subsidy x export share - cage fee) x revenue

and a firm's operating profit is size x gross minus its fixed costs (wage x labour + rent x land
+ capital price x capital), plus the profit subsidies, which pay a share of positive profit.
Efficiency includes the unit cost (wages and rents), so variable costs are in ``variable``:
revenue / sigma is what is left of revenue after them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..calibration import CNY_PER_BN
from ..economics import annuity, market_access, price_index
from ..levers import PolicyArrays
from ..params import SIGMA, EconomyParams
from ..policy import Policy
from ..population import FirmPopulation
from ..sectors import SectorTable
from ..state import Calibration, CostShares, Earnings, EntryTerms, Environment, LocalPolicy, RegionState


#: the lowest domestic price index P^(1 - sigma), as a share of the start year's: an empty market's
EMPTY_MARKET = 1e-3


def earn(env: Environment, firms: FirmPopulation, sectors: SectorTable, regions: RegionState,
         calibration: Calibration, params: EconomyParams, *, year: int, prospects: bool = False) -> Earnings:
    """Revenue and operating profit of every firm, and what each location would pay.

    Also stores each firm's revenue and profit on ``firms`` (what a Firm view shows). With
    ``prospects`` only what each location would pay is worked out, per cell: no firm's profit
    (``profit`` and ``profit_cells`` are None) and nothing stored on ``firms``.
    """
    policy, levers = env.levers.policy, env.levers
    n, k_count = regions.wage.size, sectors.count
    size_sums = firms.cell_sums("size")
    supply = size_sums * env.efficiency
    prices = price_index(supply, env.phi, env.foreign)
    # a market nobody supplies is valued as if a small firm served it, so that entrants see its value
    floor = EMPTY_MARKET * calibration.start_price_index[:, None]
    prices[:, :n] = np.maximum(prices[:, :n], floor)
    unit_revenue = env.efficiency * market_access(env.spending, prices, env.phi)

    # per unit of size: variable profit, the cage fee and the FTZ export subsidy
    markdown = redundancy_markdown(supply, policy, sectors, params.redundancy_penalty)
    unit_variable = unit_revenue * (1.0 - markdown)[:, None] / SIGMA
    fee_rate = policy.cage_fee * np.outer(levers.cage_sectors, levers.cage_regions)
    export_share = export_shares(env, prices, unit_revenue, n)
    ftz_rate = policy.ftz_export_subsidy * export_share * levers.ftz_regions[None, :]
    unit_gross = unit_variable + (ftz_rate - fee_rate) * unit_revenue
    lever_rates = {lever: rate for lever, rate in subsidy_rates(levers, sectors, regions.innovation).items()
                   if rate.any()}
    fiscal = {"cage_fee": -float((fee_rate * unit_revenue * size_sums).sum()),
              "ftz_export_subsidy": float((ftz_rate * unit_revenue * size_sums).sum())}
    newcomer = NewcomerTerms.of(policy, levers, regions.local, params, year, k_count)
    profit = profit_cells = None
    local_payments = {}
    if not prospects:
        profit = firm_profits(firms, regions, env.capital_price, unit_revenue, unit_gross, lever_rates, newcomer,
                              fiscal, local_payments)
        profit_cells = firms.by_cell(profit)
    revenue_cells = unit_revenue * size_sums
    subsidy_rate = sum(lever_rates.values(), np.zeros((k_count, n)))
    move_value, entry_value, newcomer_value, entry_terms = location_values(
        regions, calibration, env.capital_price, unit_gross, unit_variable, size_sums, subsidy_rate,
        newcomer if newcomer.offered else None, remaining_weights(params)[-1], params.scale_elasticity)
    return Earnings(profit, size_sums, revenue_cells, revenue_cells * sectors.value_added_ratio[:, None], profit_cells,
                    unit_revenue, unit_gross, export_share * revenue_cells, exports_by_market(env, supply, prices, n),
                    prices[:, :n], move_value, entry_value, newcomer_value, entry_terms, fiscal, local_payments)


def remaining_weights(params: EconomyParams) -> np.ndarray:
    """(n + 1,) what r more years of the newcomer subsidy are worth against a permanent one,
    A_r / A_H for r = 0 .. newcomer_years (:func:`~transfer_sim.economics.annuity`)."""
    survival = 1.0 - params.death_rate
    horizon = annuity(params.planning_horizon, params.discount_rate, survival)
    return np.array([annuity(r, params.discount_rate, survival) for r in range(params.newcomer_years + 1)]) / horizon


@dataclass(frozen=True)
class NewcomerTerms:
    """What a firm receives within ``years`` of the start of its newcomer window (entry, or a
    move that is not a hop within the last window): the central nest subsidy, a share of its
    positive operating profit in the nest regions at this year's rate ((K, R) per book); and the
    terms its province of arrival offered it, which it keeps for its window (its contract: the
    population's ``rebate`` and ``land_discount``); this year's offers are ``rebate`` and
    ``land_discount``, (K, R)."""

    central: dict[str, np.ndarray]
    rebate: np.ndarray
    land_discount: np.ndarray
    year: int
    years: int

    @classmethod
    def of(cls, policy: Policy, levers: PolicyArrays, local: LocalPolicy | None, params: EconomyParams, year: int,
           n_sectors: int) -> NewcomerTerms:
        n = levers.nest_regions.size
        nest = np.broadcast_to(policy.nest_subsidy * levers.nest_regions, (n_sectors, n))
        if local is None:
            rebate, discount = np.zeros((n_sectors, n)), np.zeros((n_sectors, n))
        else:
            rebate, discount = local.rebates(params.government.emerging_rebate), local.discounts()
        return cls({"nest_subsidy": nest} if nest.any() else {}, rebate, discount, year, params.newcomer_years)

    @property
    def offered(self) -> bool:
        return bool(self.central) or bool(self.rebate.any()) or bool(self.land_discount.any())

    @property
    def central_rate(self) -> np.ndarray:
        """(K, R) the shares of profit of the central books together."""
        return sum(self.central.values(), np.zeros_like(self.rebate))

    def in_window(self, firms: FirmPopulation) -> np.ndarray:
        """The rows of the firms whose window is running this year."""
        return firms.in_window(self.year, self.years)


def firm_profits(firms: FirmPopulation, regions: RegionState, capital_price: float, unit_revenue, unit_gross,
                 lever_rates, newcomer: NewcomerTerms, fiscal: dict[str, float],
                 local_payments: dict[str, np.ndarray]) -> np.ndarray:
    """profit_i = size_i gross[k, r] - (w_r labour_i + rent_r land_i) / 1e9 - capital price x capital_i,
    plus subsidy rates x max(profit, 0); a newcomer also gets the central newcomer rates x
    max(profit, 0), and its contract: rebate_i x max(profit, 0) + land discount_i x rent_r land_i / 1e9.

    Adds what each subsidy pays to ``fiscal``, and what the provinces' own instruments pay in
    each province to ``local_payments``; stores revenue and profit on ``firms``.
    """
    profit = operating_profits(firms, regions, capital_price, unit_gross)
    window = newcomer.in_window(firms) if newcomer.offered else None
    window_positive = None if window is None else np.maximum(profit[window], 0.0)  # before the levers' subsidies
    if lever_rates:
        profit += lever_subsidies(firms, profit, lever_rates, fiscal)
    if window is not None:
        profit[window] += newcomer_payments(firms, window, window_positive, regions.rent, newcomer, fiscal,
                                            local_payments)
    revenue = firms.revenue
    np.take(unit_revenue.ravel(), firms.cell, out=revenue, mode="clip")  # clip: no buffer, cells are valid
    revenue *= firms.size
    firms.profit[:] = profit
    return profit


def operating_profits(firms: FirmPopulation, regions: RegionState, capital_price: float, unit_gross) -> np.ndarray:
    """Every firm's operating profit before subsidies, size_i gross[k, r] - w_r / 1e9 labour_i
    - rent_r / 1e9 land_i - capital price x capital_i, worked out in two arrays of the firms' length."""
    k_count, n = unit_gross.shape
    cell = firms.cell
    profit = np.take(unit_gross.ravel(), cell)
    profit *= firms.size
    cost = np.empty_like(profit)
    for price, factor in ((regions.wage, firms.labour), (regions.rent, firms.land)):
        np.take(np.broadcast_to(price / CNY_PER_BN, (k_count, n)).ravel(), cell, out=cost, mode="clip")
        cost *= factor
        profit -= cost
    profit -= np.multiply(firms.capital, capital_price, out=cost)
    return profit


def lever_subsidies(firms: FirmPopulation, profit: np.ndarray, lever_rates: dict[str, np.ndarray],
                    fiscal: dict[str, float]) -> np.ndarray:
    """What the profit-subsidy levers pay every firm, their rates x max(profit, 0); adds what each
    pays in all to ``fiscal``."""
    positive = np.maximum(profit, 0.0)
    positive_cells = firms.by_cell(positive)
    fiscal.update({lever: float((rate * positive_cells).sum()) for lever, rate in lever_rates.items()})
    k_count, n = positive_cells.shape
    return sum(lever_rates.values(), np.zeros((k_count, n))).ravel()[firms.cell] * positive


def newcomer_payments(firms: FirmPopulation, window: np.ndarray, positive: np.ndarray, rent: np.ndarray,
                      newcomer: NewcomerTerms, fiscal: dict[str, float],
                      local_payments: dict[str, np.ndarray]) -> np.ndarray:
    """What the firms in ``window`` (rows whose newcomer window runs) receive: the central newcomer
    rates x their positive profit ``positive``, and their contracts, rebate x positive profit + land
    discount x rent x land / 1e9. Adds what each book pays in all to ``fiscal``, and what the
    provinces' own books pay in each province to ``local_payments``."""
    region = firms.region[window].astype(np.intp)
    cell = firms.cell[window] if newcomer.central else None
    paid = {book: rate.ravel()[cell] * positive for book, rate in newcomer.central.items()}
    contract = {"tax_rebate": firms.rebate[window] * positive,
                "land_discount": firms.land_discount[window] * rent[region] * firms.land[window] / CNY_PER_BN}
    for book, payment in contract.items():
        if payment.any():
            paid[book] = payment
            local_payments[book] = np.bincount(region, weights=payment, minlength=rent.size)
    for book, payment in paid.items():
        fiscal[book] = float(payment.sum())
    return sum(paid.values(), np.zeros(window.size))


def location_values(regions: RegionState, calibration: Calibration, capital_price: float, unit_gross,
                    unit_variable, size_sums, subsidy_rate, newcomer: NewcomerTerms | None, newcomer_weight: float,
                    scale_elasticity: float) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, EntryTerms]:
    """What each location would pay a firm of each productivity class, relative to the profit
    scale of its sector's typical firm: (K, from, C, to) for movers, (K, C, R) for entrants,
    what a year of the central and of the local newcomer terms add at each destination,
    (2, K, from, C, to) (None when nothing is offered), and an entrant's yearly positive profit and land rent in money
    (:class:`~transfer_sim.state.EntryTerms`, what a local government weighs).

    These are annualised present values: with this year's prices expected to last, the present
    value of a location over the planning horizon H is A_H x its yearly profit, and a subsidy paid
    for n years only adds A_n x its payment. Divided by A_H, a permanent subsidy counts in full and
    the newcomer terms (:class:`NewcomerTerms`), paid for a new window of n years to an arrival, by
    ``newcomer_weight`` A_n / A_H (:func:`remaining_weights`): a year of them is worth
    (central rate + rebate)[k, d] max(profit, 0) + land discount_d rent_d s_c^theta land[k, o] / 1e9.

    A firm of class c has size s_c (revenue scales with it) and fixed costs that grow with s_c^theta:

    value[k, o, c, d] = (s_c gross[k, d] - s_c^theta ((w_d labour[k, o] + rent_d land[k, o]) / 1e9
                         + p_K capital[k, o])) (1 + subsidies) / (s_typical x mean variable profit of k)

    and arrivals add the newcomer subsidy. Larger firms gain more from a better location, while the
    one-off costs of moving are the same for every firm (:func:`~.relocation.move_cost`), so they
    are the first to move towards markets (Baldwin & Okubo 2006). Where a sector earns nothing (its
    firms gone, or a disaster), the scale is its start-year mean variable profit grown with the
    capital price.
    """
    n = regions.wage.size
    unit_fixed = ((calibration.labour_unit[:, :, None] * regions.wage[None, None, :]
                   + calibration.land_unit[:, :, None] * regions.rent[None, None, :]) / CNY_PER_BN
                  + calibration.capital_unit[:, :, None] * capital_price)
    size = calibration.class_sizes[None, None, :, None]
    profit = size * unit_gross[:, None, None, :] - size**scale_elasticity * unit_fixed[:, :, None, :]
    weight = size_sums.sum(axis=1)
    mean_variable = np.divide((size_sums * unit_variable).sum(axis=1), weight, out=np.zeros(weight.size),
                              where=weight > 0)
    fallback = calibration.start_unit_variable * capital_price
    scale = np.where(mean_variable > 1e-6 * fallback, mean_variable, fallback) * calibration.typical_size
    scale = np.maximum(scale, 1e-300)[:, None, None, None]
    positive = np.maximum(profit, 0.0)
    move_value = (profit + subsidy_rate[:, None, None, :] * positive) / scale
    diagonal = np.arange(n)

    def at_home(values):  # (K, from, C, to) -> (K, C, R): the entrant's own technique
        return values[:, diagonal, :, diagonal].transpose(1, 2, 0)

    land_rent = (size**scale_elasticity * calibration.land_unit[:, :, None, None] * regions.rent / CNY_PER_BN)
    terms = EntryTerms(at_home(positive), at_home(np.broadcast_to(land_rent, positive.shape)), scale.ravel())
    entry_value = at_home(move_value)
    if newcomer is None:
        return move_value, entry_value, None, terms
    newcomer_value = np.stack([newcomer.central_rate[:, None, None, :] * positive,
                               newcomer.rebate[:, None, None, :] * positive
                               + newcomer.land_discount[:, None, None, :] * land_rent]) / scale
    arrival = newcomer_weight * newcomer_value.sum(axis=0)
    entry_value = entry_value + at_home(arrival)
    arrival[:, diagonal, :, diagonal] = 0.0  # staying opens no window
    return move_value + arrival, entry_value, newcomer_value, terms


def firm_employment(firms: FirmPopulation, costs: CostShares, wage: np.ndarray) -> np.ndarray:
    """Workers of every firm at its last revenue: its fixed workforce plus variable labour, the
    sector's variable labour share of revenue at the local wage.

    jobs_i = labour_i + variable_labour[k] x revenue_i x 1e9 / w_r
    """
    return workers(firms.labour, costs.variable_labour[firms.sector], firms.revenue, wage[firms.region])


def employment_by_cell(firms: FirmPopulation, earnings: Earnings, costs: CostShares, wage: np.ndarray) -> np.ndarray:
    """(K, R) workers: the cells' sums of :func:`firm_employment`, from the cells' revenue."""
    return firms.cell_sums("labour") + workers(0.0, costs.variable_labour[:, None], earnings.revenue_cells,
                                                 wage[None, :])


def workers(labour, variable_labour_share, revenue, wage):
    """labour + variable_labour_share x revenue (bn CNY) x 1e9 / wage; no variable labour at a zero wage."""
    variable = np.asarray(variable_labour_share * revenue * CNY_PER_BN, float)
    return labour + np.divide(variable, wage, out=np.zeros_like(variable), where=np.asarray(wage) > 0)


def exports_by_market(env: Environment, supply: np.ndarray, prices: np.ndarray, n: int) -> np.ndarray:
    """(R, M) revenue each region earns in each market abroad: X[r, m] = sum_k S[k, r] phi[r, m] E[k, m] / P[k, m]."""
    abroad = slice(n, None)
    price, spending = prices[:, abroad], env.spending[:, abroad]
    ratio = np.divide(spending, price, out=np.zeros_like(price), where=price > 0)
    return (supply.T @ ratio) * env.phi[:, abroad]


def export_shares(env: Environment, prices: np.ndarray, unit_revenue: np.ndarray, n: int) -> np.ndarray:
    """(K, R) share of a firm's revenue earned abroad: e M_abroad / (e M)."""
    abroad = env.efficiency * market_access(env.spending[:, n:], prices[:, n:], env.phi[:, n:])
    return np.divide(abroad, unit_revenue, out=np.zeros_like(abroad), where=unit_revenue > 0)


def redundancy_markdown(supply: np.ndarray, policy: Policy, sectors: SectorTable, penalty: float) -> np.ndarray:
    """Share of variable profit emerging sectors lose to homogeneous competition.

    Without national coordination it grows with the effective number of regions that
    host the sector (1 / Herfindahl): penalty x (1/HHI - 1) / (R - 1), up to ``penalty``
    when spread evenly.
    """
    n = supply.shape[1]
    if policy.national_coordination or n < 2:
        return np.zeros(sectors.count)
    total = supply.sum(axis=1, keepdims=True)
    shares = np.divide(supply, total, out=np.zeros_like(supply), where=total > 0)
    hhi = (shares**2).sum(axis=1)
    effective = np.divide(1.0, hhi, out=np.ones_like(hhi), where=hhi > 0)
    spread = (effective - 1.0) / (n - 1.0)
    return penalty * spread * sectors.emerging


def subsidy_rates(levers: PolicyArrays, sectors: SectorTable, innovation: np.ndarray) -> dict[str, np.ndarray]:
    """(K, R) share of operating profit paid by each profit-subsidy lever."""
    policy = levers.policy
    frontier_regions = levers.frontier_regions
    if policy.national_coordination:  # "according to local conditions"
        frontier_regions = frontier_regions & (innovation >= 1.0)
    return {
        "profit_subsidy": np.broadcast_to(levers.profit_subsidy, (sectors.count, innovation.size)),
        "hinterland_subsidy": policy.hinterland_subsidy * np.outer(sectors.strategic, levers.hinterland_regions),
        "frontier_subsidy": policy.frontier_subsidy * np.outer(sectors.emerging, frontier_regions),
    }
