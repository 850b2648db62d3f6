"""Local governments: every province chooses how it attracts firms and keeps its books.

Instruments of province r (:class:`~transfer_sim.state.LocalPolicy`): a tax rebate rho_r (a share
of newcomers' operating profit, for their newcomer window), an industrial-land discount delta_r
(a share of newcomers' land rent), park investment (bn CNY that matures into park land and
infrastructure like nest building) and the emerging sectors it backs (their newcomers get
``emerging_rebate`` more).

**The choice** (the promotion tournament, Li & Zhou 2005; land-based investment attraction, Tao,
Su, Liu & Cao 2010). A province expects E_kc entrants of sector k and productivity class c this
year, who choose by the entry logit P_kcr = exp(u_kcr) / sum_d exp(u_kcd), the utilities holding
every province's instruments (the others' as they set them last year). A newcomer signs its
province's terms of the year for its newcomer window (its contract). To its government it brings

    A_T omega va_kcr + A_H (tau va_kcr + L_kcr)   and costs   A_n (rho'_kr pi_kcr + delta_r L_kcr)

with va its value added, omega its weight for an official over the term of T years
(``output_weight``, ``tenure``), tau the tax share, L the land rent it pays, pi its positive
operating profit, rho' the rebate with the extra for backed emerging sectors, and A_T, A_n, A_H
the annuities of the term, the newcomer window and the planning horizon in years
(:func:`~transfer_sim.economics.annuity`). The province takes, on a grid of (rho, delta) up to
the cap on preferential policies, the pair that maximises

    U_r = sum_kc E_kc P_kcr [A_T omega va + A_H (tau va + L) - A_n (rho' pi + delta L)]

among those whose cash this year -- what it owes the firms already in their window
(:func:`committed`) and the first year of the newcomers' terms -- its budget room allows, and goes
``adjustment`` of the way there from last year's. The rebate pays more the more profit a newcomer
makes; the land discount suits land-intensive sectors. It backs an emerging sector where that
raises U_r (under national coordination only the ``coordination_slots`` provinces of highest
innovation capacity may); it invests in parks so that its free land covers what the newcomers it
expects over ``land_years`` need, up to the red line on industrial land.

**The books**, bn CNY a year (:func:`close_books`):

    revenue   = tau GDP_r + rent_r x industrial land in use / 1e9   (the province owns the land)
    transfers = transfer share x GDP_r,0 x G_t + central nest-building funds
    spending  = base spending + rebates + land discounts + parks + nest building
    debt_t    = debt_(t-1) - (revenue + transfers - spending)

Base spending is set so that the start year's books balance with the status quo's own
competition in its stationary state, and grows with nominal growth; a province cuts it where
spending would take its debt past ``borrowing_limit`` x GDP_r.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.special import expit

from ..calibration import CNY_PER_BN
from ..economics import annuity
from ..levers import PolicyArrays
from ..params import EconomyParams
from ..population import FirmPopulation
from ..sectors import SectorTable
from ..state import BaseBooks, Budgets, Calibration, Earnings, LocalPolicy, RegionState
from .demography import entry_pool, entry_rates
from .production import remaining_weights

#: the instruments a user may set for a province (:meth:`TransferModel.set_local_policy`) and their range
SETTABLE = {"tax_rebate": (0.0, 1.0), "land_discount": (0.0, 1.0), "park_investment": (0.0, 5_000.0)}


@dataclass(frozen=True)
class Prospects:
    """What the governments know when they choose, from last year: the entrants they expect by
    sector and class (K, C); the entry utilities with last year's instruments (K, C, R); what an
    entrant would earn, pay in rent, add in value added and need in land (K, C, R; bn CNY and
    hectares); each sector's profit scale (K,); what each province owes this year to the firms in
    their window (:func:`committed`; R,)."""

    entrants: np.ndarray
    utility: np.ndarray
    profit: np.ndarray
    land_rent: np.ndarray
    value_added: np.ndarray
    land: np.ndarray
    scale: np.ndarray
    committed: np.ndarray


def committed(firms: FirmPopulation, year: int, window: int, rent: np.ndarray) -> np.ndarray:
    """(R,) what each province owes this year to the firms whose newcomer window runs, on the terms
    they arrived with, at what they earned last: rebate x max(profit, 0) + land discount x rent x land."""
    rows = firms.in_window(year, window)
    region = firms.region[rows]
    owed = (firms.rebate[rows] * np.maximum(firms.profit[rows], 0.0)
            + firms.land_discount[rows] * rent[region] * firms.land[rows] / CNY_PER_BN)
    return np.bincount(region, weights=owed, minlength=firms.n_regions)


@dataclass(frozen=True)
class LandOutlook:
    """The land a province has to offer, hectares: free under its zoning cap or in parks still being
    built, and how much more it may zone before its red line (inf without one)."""

    free: np.ndarray
    below_red_line: np.ndarray


def instrument_utility(local: LocalPolicy, prospects: Prospects, params: EconomyParams) -> np.ndarray:
    """(K, C, R) what the instruments add to the entry utility: beta A_n / A_H (rho' pi + delta L) / scale."""
    per_money = params.logit_beta * remaining_weights(params)[-1] / prospects.scale[:, None, None]
    return per_money * (local.rebates(params.government.emerging_rebate)[:, None, :] * prospects.profit
                        + local.discounts()[:, None, :] * prospects.land_rent)


class EntryMarket:
    """The entry market as each province sees it while the others hold last year's instruments."""

    def __init__(self, prospects: Prospects, last: LocalPolicy, params: EconomyParams):
        weights = remaining_weights(params)
        self.horizon = 1.0 / weights[1]  # A_H, in years of a payment now (A_1 = 1)
        self.window = weights[-1] * self.horizon  # A_n
        survival = 1.0 - params.death_rate
        self.tenure = annuity(params.government.tenure, params.discount_rate, survival)  # A_T
        self.prospects, self.params = prospects, params
        self.per_money = params.logit_beta * weights[-1] / prospects.scale[:, None, None]  # utility per bn a year
        self.open = ~last.barred[:, None, :, None]  # the sectors a province may offer terms to
        top = prospects.utility.max(axis=2, keepdims=True)
        shift = np.where(np.isfinite(top), top, 0.0)  # a sector closed everywhere has no finite utility
        weight = np.exp(prospects.utility - shift)
        others = np.maximum(weight.sum(axis=2, keepdims=True) - weight, 0.0)  # sum over the other provinces
        with np.errstate(divide="ignore", invalid="ignore"):  # no other province open: it wins every entrant
            # log odds of a province's entry utility without its own instruments against the others'
            odds = prospects.utility - instrument_utility(last, prospects, params) - shift - np.log(others)
        self.base_odds = np.nan_to_num(odds, nan=-np.inf)  # closed to entrants everywhere: nobody comes
        self.profit, self.land_rent = (np.where(self.open, amount[..., None], 0.0)
                                       for amount in (prospects.profit, prospects.land_rent))
        g = params.government
        self.benefit = (self.tenure * g.output_weight * prospects.value_added
                        + self.horizon * (g.tax_share * prospects.value_added + prospects.land_rent))

    def payment(self, rho: np.ndarray, delta: np.ndarray) -> np.ndarray:
        """(K, C, R, G) what a newcomer receives a year: rho' pi + delta L, for rho (K, R, G), delta (R, G)
        (nothing in a sector its province is barred from)."""
        return rho[:, None] * self.profit + delta[None, None] * self.land_rent

    def outcome(self, rho: np.ndarray, delta: np.ndarray):
        """For each province and option (rho (K, R, G), delta (R, G)): U_r, this year's cash cost
        and the hectares its newcomers of this year need, each (R, G)."""
        p = self.prospects
        pay = self.payment(rho, delta)
        odds = self.base_odds[..., None] + self.per_money[..., None] * pay
        expected = expit(odds, out=odds)  # P = mine / (others + mine)
        expected *= p.entrants[:, :, None, None]
        first_year = np.einsum("kcrg,kcrg->rg", expected, pay)
        return (np.einsum("kcrg,kcr->rg", expected, self.benefit) - self.window * first_year,
                p.committed[:, None] + first_year, np.einsum("kcrg,kcr->rg", expected, p.land))


def caps(levers: PolicyArrays, params: EconomyParams) -> tuple[float, float]:
    """The largest rebate and discount the provinces may offer: their own limits, or the cap on
    preferential policies where it is lower."""
    g, cap = params.government, levers.policy.preferential_policy_cap
    return (g.max_rebate, g.max_discount) if cap is None else (min(g.max_rebate, cap), min(g.max_discount, cap))


def may_back(sectors: SectorTable, innovation: np.ndarray, levers: PolicyArrays, params: EconomyParams) -> np.ndarray:
    """(K, R) where a province may back an emerging sector: everywhere, or under national
    coordination ("clarify regional division of labor, avoid following the trend and redundant
    construction") only in the ``coordination_slots`` provinces of highest innovation capacity,
    the others barred from offering that sector any terms."""
    allowed = np.outer(sectors.emerging, np.ones(innovation.size, dtype=bool))
    if levers.policy.national_coordination:
        slots = min(params.government.coordination_slots, innovation.size)
        top = np.zeros(innovation.size, dtype=bool)
        top[np.argsort(-innovation, kind="stable")[:slots]] = True
        allowed &= top[None, :]
    return allowed


def choose(last: LocalPolicy, prospects: Prospects, room: np.ndarray, levers: PolicyArrays, sectors: SectorTable,
           innovation: np.ndarray, land: LandOutlook, params: EconomyParams) -> LocalPolicy:
    """This year's instruments of every province: a step towards its best response to the others'
    instruments of last year (module docstring), within ``room`` (R,), the bn CNY it may spend on
    them this year, and with the land it has (:class:`LandOutlook`)."""
    g = params.government
    allowed = may_back(sectors, innovation, levers, params)
    last = replace(last, barred=np.outer(sectors.emerging, np.ones(room.size, dtype=bool)) & ~allowed)
    market = EntryMarket(prospects, last, params)
    max_rebate, max_discount = caps(levers, params)
    grid = np.linspace(0.0, 1.0, g.steps)
    rebate, discount = np.repeat(grid, g.steps) * max_rebate, np.tile(grid, g.steps) * max_discount  # (G,)
    n = room.size
    extra = last.rebates(params.government.emerging_rebate) - last.tax_rebate[None, :]
    gain, cash, _ = market.outcome(rebate[None, None, :] + extra[:, :, None], np.broadcast_to(discount, (n, rebate.size)))
    feasible = (cash <= np.maximum(room, 0.0)[:, None]) | ((rebate == 0) & (discount == 0))[None, :]
    best = np.argmax(np.where(feasible, gain, -np.inf), axis=1)
    tax_rebate = np.minimum(last.tax_rebate + g.adjustment * (rebate[best] - last.tax_rebate), max_rebate)
    land_discount = np.minimum(last.land_discount + g.adjustment * (discount[best] - last.land_discount), max_discount)

    backing = np.zeros_like(last.backing)
    cap = levers.policy.preferential_policy_cap
    room_for_extra = np.full(n, True) if cap is None else tax_rebate + g.emerging_rebate <= cap + 1e-12
    for k in np.flatnonzero(sectors.emerging):
        with_it, without = last.backing.copy(), last.backing.copy()
        with_it[k], without[k] = True, False
        rho = np.stack([tax_rebate[None, :] + g.emerging_rebate * b for b in (with_it, without)], axis=-1)
        gain_k, _, _ = market.outcome(rho, np.stack([land_discount] * 2, axis=-1))
        backing[k] = allowed[k] & room_for_extra & (gain_k[:, 0] > gain_k[:, 1])

    chosen = LocalPolicy(tax_rebate, land_discount, np.zeros(n), backing, last.barred)
    _, cash, needed = market.outcome(chosen.rebates(params.government.emerging_rebate)[:, :, None], land_discount[:, None])
    hectares = np.clip(np.minimum(needed[:, 0] * g.land_years - land.free, land.below_red_line), 0.0, None)
    parks = np.minimum(hectares / params.park_land_ha_per_bn, np.maximum(room - cash[:, 0], 0.0))
    return replace(chosen, park_investment=parks)


def equilibrium(prospects: Prospects, room: np.ndarray, levers: PolicyArrays, sectors: SectorTable,
                innovation: np.ndarray, land: LandOutlook, params: EconomyParams, *, tolerance: float = 1e-4,
                max_rounds: int = 200) -> LocalPolicy:
    """The instruments the provinces settle on when each keeps answering the others' (the status
    quo's competition at the start): :func:`choose` from no instruments until nothing moves by more
    than ``tolerance``. The entry utilities of ``prospects`` are those the start's location
    constants give with the instruments in force, held fixed: the constants are solved again
    afterwards so that the start's shares are what the instruments and the constants together
    give."""
    local = LocalPolicy.none(prospects.profit.shape[0], prospects.committed.size)
    for _ in range(max_rounds):
        chosen = choose(local, prospects, room, levers, sectors, innovation, land, params)
        moved = max(np.abs(chosen.tax_rebate - local.tax_rebate).max(), np.abs(chosen.land_discount - local.land_discount).max())
        settled = moved < tolerance and (chosen.backing == local.backing).all()
        local = chosen
        if settled:
            break
    return local


def close_books(local: LocalPolicy, payments: dict[str, np.ndarray], base: BaseBooks, last_debt: np.ndarray,
                gdp: np.ndarray, land_rent: np.ndarray, nest_funds: np.ndarray, growth_index: float,
                params: EconomyParams) -> Budgets:
    """This year's books of every province (module docstring): base spending is cut where the
    year's spending would take a province's debt past its borrowing limit."""
    g = params.government
    revenue = g.tax_share * gdp + land_rent
    transfers = base.transfers * growth_index + nest_funds
    attraction = sum(payments.values(), np.zeros_like(gdp)) + local.park_investment + nest_funds
    allowed = revenue + transfers + g.borrowing_limit * gdp - last_debt - attraction
    spending = np.clip(base.spending * growth_index, 0.0, np.maximum(allowed, 0.0)) + attraction
    return Budgets(revenue, transfers, spending, last_debt - (revenue + transfers - spending))


def prospects(firms: FirmPopulation, earnings: Earnings, entry_utility: np.ndarray, calibration: Calibration,
              sectors: SectorTable, params: EconomyParams, year: int, rent: np.ndarray) -> Prospects:
    """:class:`Prospects` from what firms earned last (``earnings``) and this year's entry utility:
    the entrants expected per sector (:func:`~.demography.entry_rates` x the entry pool), spread
    evenly over the productivity classes (bands of equal probability)."""
    classes = calibration.class_sizes.size
    expected = entry_rates(earnings, calibration.start_margin, params) * entry_pool(firms, calibration, params)
    size = calibration.class_sizes[None, :, None]
    terms = earnings.entry_terms

    return Prospects(
        entrants=np.repeat(expected[:, None] / classes, classes, axis=1), utility=entry_utility,
        profit=terms.profit, land_rent=terms.land_rent,
        value_added=size * earnings.unit_revenue[:, None, :] * sectors.value_added_ratio[:, None, None],
        land=calibration.land_unit[:, None, :] * size**params.scale_elasticity, scale=terms.scale,
        committed=committed(firms, year, params.newcomer_years, rent))


def land_outlook(regions: RegionState, land_used: np.ndarray, coming: np.ndarray, start_land_used: np.ndarray,
                 red_line: float | None) -> LandOutlook:
    """:class:`LandOutlook` with ``coming`` (R,) hectares of parks still being built."""
    free = regions.land_cap - land_used + coming
    if red_line is None:
        return LandOutlook(free, np.full(free.size, np.inf))
    return LandOutlook(free, red_line * start_land_used - regions.land_cap - coming)


def room(budgets: Budgets, base: BaseBooks, gdp: np.ndarray, growth_index: float, params: EconomyParams) -> np.ndarray:
    """(R,) what each province may spend on its instruments this year, bn CNY: last year's revenue
    and this year's base transfers less base spending, plus what it may still borrow."""
    g = params.government
    return (budgets.revenue + (base.transfers - base.spending) * growth_index
            + g.borrowing_limit * gdp - budgets.debt)


def calibrate(firms: FirmPopulation, earnings: Earnings, entry_utility: np.ndarray, calibration: Calibration,
              sectors: SectorTable, regions: RegionState, levers: PolicyArrays, params: EconomyParams, year: int,
              gdp: np.ndarray) -> tuple[LocalPolicy, BaseBooks, Budgets]:
    """The status quo's competition at the start (:func:`equilibrium`), the base books that make
    the start year balance with it in its stationary state (newcomers of ``newcomer_years`` years
    in their windows), and the start year's books; provinces start owing ``start_debt`` x GDP."""
    g = params.government
    debt = g.start_debt * gdp
    revenue = g.tax_share * gdp + regions.rent * firms.land_by_region() / CNY_PER_BN
    seen = prospects(firms, earnings, entry_utility, calibration, sectors, params, year, regions.rent)
    transfers = g.transfer_share * gdp
    room_now = revenue + g.borrowing_limit * gdp - debt
    land = land_outlook(regions, firms.land_by_region(), np.zeros(gdp.size), calibration.start_land_used,
                        levers.policy.land_red_line)
    local = equilibrium(seen, room_now, levers, sectors, regions.innovation, land, params)
    _, cash, _ = EntryMarket(seen, local, params).outcome(local.rebates(params.government.emerging_rebate)[:, :, None], local.land_discount[:, None])
    attraction = params.newcomer_years * cash[:, 0] + local.park_investment
    return (local, BaseBooks(transfers, revenue + transfers - attraction),
            Budgets(revenue, transfers, revenue + transfers, debt))


def overridden(local: LocalPolicy, overrides: dict[int, tuple[int | None, dict[str, float]]], year: int) -> LocalPolicy:
    """``local`` with the instruments users fixed for ``year`` (or from a year on: ``None``)."""
    values = {name: getattr(local, name).copy() for name in SETTABLE}
    for region, (when, instruments) in overrides.items():
        if when is None or when == year:
            for name, value in instruments.items():
                values[name][region] = value
    return replace(local, **values)
