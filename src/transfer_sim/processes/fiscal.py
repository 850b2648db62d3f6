"""The public books: who pays for each lever, and what the levers not paid per firm cost.

Taxes and subsidies paid per firm are booked where firms earn (:mod:`.production`) and the
upgrade subsidy where firms upgrade (:mod:`.demography`); this module books the public
investment and programme costs of the other levers. Costs are bn CNY a year; revenue, such
as the cage fee, is a negative cost. Unit costs: :class:`transfer_sim.params.FiscalCosts`.
"""

from __future__ import annotations

from ..levers import PolicyArrays
from ..params import FiscalCosts
from ..policy import switched_on_corridors
from ..state import LocalPolicy

#: Who pays: the central government (national programmes, transfers) or the local governments
#: (their own investment attraction and the eastern provinces' upgrading).
PAYER = {
    "cage_fee": "local", "upgrade_subsidy": "local", "profit_subsidy": "local", "nest_subsidy": "local",
    "frontier_subsidy": "local", "corridor_discount": "local", "tax_rebate": "local", "land_discount": "local",
    "park_investment": "local",
    "nest_investment": "central", "hinterland_subsidy": "central", "ftz_export_subsidy": "central",
    "ftz_trade_cost_cut": "central", "digital_infrastructure": "central",
}


#: the books of the provincial governments' own instruments (not levers of the central government)
LOCAL_INSTRUMENT_BOOKS = ("tax_rebate", "land_discount", "park_investment")


def programme_costs(levers: PolicyArrays, costs: FiscalCosts, *, elapsed: int,
                    corridors_running: bool, local: LocalPolicy | None = None) -> dict[str, float]:
    """This year's cost of the levers not paid per firm.

    nest investment = bn per region x nest regions (from the first simulated year);
    park investment = what the provinces put into parks of their own (``local``);
    corridor discount = discount x capacity x freight bill of each running corridor;
    FTZ trade-cost cut = cut x FTZ provinces x cost per province; digital = level x cost.
    """
    policy, book = levers.policy, {}
    if elapsed > 0 and policy.nest_investment > 0:
        book["nest_investment"] = policy.nest_investment * float(levers.nest_regions.sum())
    if local is not None and local.park_investment.any():
        book["park_investment"] = float(local.park_investment.sum())
    running = switched_on_corridors(policy) if corridors_running else []
    if policy.corridor_discount > 0 and running:
        bill = sum(costs.corridor_freight_bn[name] for name in running)
        book["corridor_discount"] = policy.corridor_discount * policy.corridor_capacity * bill
    if policy.ftz_trade_cost_cut > 0 and levers.ftz_regions.any():
        book["ftz_trade_cost_cut"] = policy.ftz_trade_cost_cut * float(levers.ftz_regions.sum()) * costs.ftz_bn_per_region
    if policy.digital_infrastructure > 0:
        book["digital_infrastructure"] = policy.digital_infrastructure * costs.digital_bn
    return book
