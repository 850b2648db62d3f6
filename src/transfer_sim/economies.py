"""The economies a model can run, as process tables: which start and which yearly processes.

China mode (``"full"``) runs every process. The textbook footloose-capital economy
(``"footloose_capital"``; Martin & Rogers 1995) keeps only market access, competition and
relocation: an even start, one sector, free moves at a constant hazard, no investment,
demography or factor markets. Its table puts processes that do nothing where China's change
the economy, so :class:`~transfer_sim.TransferModel` runs one step for both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from .params import EconomyParams
from .processes import environment, labour_market
from .processes.demography import Renewal, close, renew
from .sectors import SectorTable, footloose_sector, sector_table
from .start import calibrated_china, even_start


@dataclass(frozen=True)
class Economy:
    """One economy's sectors, parameters, start and the processes that differ between economies."""

    name: str
    sectors: Callable[[], SectorTable]
    defaults: EconomyParams  # the parameters when the user gives none
    parameters: Callable[[EconomyParams], EconomyParams]  # the user's parameters as this economy uses them
    start: Callable  # :func:`transfer_sim.start.calibrated_china`'s signature
    invest: Callable  # :func:`transfer_sim.processes.environment.invest`'s signature
    renew: Callable  # :func:`transfer_sim.processes.demography.renew`'s signature
    close: Callable  # :func:`transfer_sim.processes.demography.close`'s signature
    clear_markets: Callable  # :func:`transfer_sim.processes.labour_market.clear`'s signature


def textbook_parameters(params: EconomyParams) -> EconomyParams:
    """A constant relocation hazard and free moves, nothing else (no local governments either)."""
    return replace(params, hazard_gap=0.0, move_cost_fixed=0.0, move_cost_per_1000km=0.0,
                   barrier_move_cost=0.0, death_rate=0.0, entry_rate=0.0, upgrade_rate=0.0,
                   demand_linkage=0.0, redundancy_penalty=0.0, agglomeration=0.0, growth=0.0,
                   government=replace(params.government, active=False))


def no_investment(regions, pipeline, *_):
    return regions, pipeline


def no_renewal(firms, *_) -> Renewal:
    return Renewal(np.zeros(firms.n_regions), 0, {})


def no_exit(firms, *_) -> np.ndarray:
    return np.zeros(firms.n_regions)


def fixed_prices(regions, *_):
    return regions


#: the textbook economy's own default: 2 % of firms look around each year, so that a two-region
#: economy settles at its equilibrium within a century (China mode's firms relocate far less)
TEXTBOOK_DEFAULTS = EconomyParams(relocation_rate=0.02)
CHINA = Economy("full", sector_table, EconomyParams(), lambda params: params, calibrated_china, environment.invest,
                renew, close, labour_market.clear)
FOOTLOOSE_CAPITAL = Economy("footloose_capital", footloose_sector, TEXTBOOK_DEFAULTS, textbook_parameters,
                            even_start, no_investment, no_renewal, no_exit, fixed_prices)
ECONOMIES = {economy.name: economy for economy in (CHINA, FOOTLOOSE_CAPITAL)}
