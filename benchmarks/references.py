"""Two references for transfer-sim's yearly relocation rule, to measure it against.

* The per-agent way: the rule written as Mesa's examples write models — every Firm agent
  works out its own profit in each region and its logit choice in ``step()``, and the
  model activates them with ``agents.shuffle_do("step")``.
* The bare kernel: only the numpy computation of every firm's profit and logit choice,
  with no agents, no bookkeeping and no recording.

Both start from a :class:`KernelInputs` snapshot of a :class:`TransferModel` under the
status-quo policy without local governments (:data:`WITHOUT_LOCAL_GOVERNMENTS`: nobody pays
taxes or subsidies) and take the same uniform draw per firm as the model, so a test can
check that all three compute the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import mesa
import numpy as np

from transfer_sim.calibration import CNY_PER_BN
from transfer_sim.params import EconomyParams
from transfer_sim.params import SIGMA
from transfer_sim.processes.relocation import move_cost


@dataclass(frozen=True)
class KernelInputs:
    """What the relocation rule reads in one year (status-quo policy: no taxes or subsidies)."""

    sector: np.ndarray
    region: np.ndarray
    size: np.ndarray
    labour: np.ndarray
    land: np.ndarray
    capital: np.ndarray  # bn CNY at start-year prices
    phi: np.ndarray  # (R, R + M)
    spending: np.ndarray  # (K, R + M)
    foreign: np.ndarray  # (K, R + M)
    efficiency: np.ndarray  # (K, R)
    wage: np.ndarray
    rent: np.ndarray
    labour_unit: np.ndarray  # (K, R) technique of each region
    land_unit: np.ndarray
    capital_unit: np.ndarray
    capital_price: float
    constants: np.ndarray  # (K, C, R) location constants per productivity class
    size_class: np.ndarray  # each firm's productivity class
    class_sizes: np.ndarray  # (C,) the size each class decides for
    typical_size: float  # the value scale's firm size
    scale_elasticity: float  # fixed costs grow with size^this
    move_cost: np.ndarray  # (R, R)
    beta: float
    base_rate: float
    gap_rate: float
    penalty: np.ndarray  # (K,) redundancy penalty, zero for sectors that are not emerging


#: the parameters of a model the references can describe: China's, with no local governments
WITHOUT_LOCAL_GOVERNMENTS = replace(EconomyParams(), government=replace(EconomyParams().government, active=False))


def snapshot(model) -> KernelInputs:
    """The inputs of the relocation rule in the model's current year."""
    if model.policy != type(model.policy)() or model.regions.local is not None:
        raise ValueError("the references cover the status-quo policy without local governments only")
    firms, env, p = model.firms, model.environment, model.params
    return KernelInputs(
        sector=firms.sector.astype(np.intp), region=firms.region.astype(np.intp),
        size=firms.size.copy(), size_class=firms.size_class.astype(np.intp), labour=firms.labour.copy(), land=firms.land.copy(), capital=firms.capital.copy(),
        phi=env.phi, spending=env.spending, foreign=env.foreign, efficiency=env.efficiency,
        wage=model.regions.wage, rent=model.regions.rent,
        labour_unit=model.calibration.labour_unit, land_unit=model.calibration.land_unit,
        capital_unit=model.calibration.capital_unit, capital_price=env.capital_price,
        constants=model.calibration.location_constants, class_sizes=model.calibration.class_sizes,
        typical_size=model.calibration.typical_size, scale_elasticity=p.scale_elasticity,
        move_cost=move_cost(model.params, model.geography, env.barrier), beta=p.logit_beta,
        base_rate=p.relocation_rate, gap_rate=p.hazard_gap,
        penalty=p.redundancy_penalty * model.sectors.emerging,
    )


# ---------------------------------------------------------------------------------- bare kernel
def bare_kernel(x: KernelInputs, draw: np.ndarray):
    """Profit of every firm, and the region each firm that looks around picks.

    A firm looks when ``draw < hazard`` and picks with ``draw / hazard``, as the model does.
    Returns (profit per firm, firms that looked, their chosen regions).
    """
    k_count, n = x.efficiency.shape
    cell = x.sector * n + x.region
    supply = np.bincount(cell, weights=x.size, minlength=k_count * n).reshape(k_count, n) * x.efficiency
    price = supply @ x.phi + x.foreign
    gain = np.divide(x.spending, price, out=np.zeros_like(price), where=price > 0) @ x.phi.T
    unit_revenue = x.efficiency * gain
    shares = supply / np.maximum(supply.sum(axis=1, keepdims=True), 1e-300)
    spread = (1.0 / np.maximum((shares**2).sum(axis=1), 1e-300) - 1.0) / (n - 1.0)
    unit_variable = unit_revenue * (1.0 - x.penalty * spread)[:, None] / SIGMA
    profit = (x.size * unit_variable.ravel()[cell] - x.capital_price * x.capital
              - (x.wage[x.region] * x.labour + x.rent[x.region] * x.land) / CNY_PER_BN)

    # value for a firm of class c with region o's technique in region d, relative to the typical firm
    fixed = ((x.labour_unit[:, :, None] * x.wage + x.land_unit[:, :, None] * x.rent) / CNY_PER_BN
             + x.capital_unit[:, :, None] * x.capital_price)
    weights = supply / x.efficiency
    mean = (weights * unit_variable).sum(axis=1) / weights.sum(axis=1) * x.typical_size
    s = x.class_sizes[None, None, :, None]
    value = (s * unit_variable[:, None, None, :] - s**x.scale_elasticity * fixed[:, :, None, :]) / mean[:, None, None, None]
    utility = x.beta * value + x.constants[:, None, :, :] - x.move_cost[None, :, None, :]
    utility -= utility.max(axis=3, keepdims=True)
    probability = np.exp(utility)
    probability /= probability.sum(axis=3, keepdims=True)
    stay = np.einsum("kici->kic", probability)
    hazard = np.clip(x.base_rate + x.gap_rate * (1.0 - stay), 0.0, 1.0)

    firm_hazard = hazard[x.sector, x.region, x.size_class]
    looks = np.flatnonzero(draw < firm_hazard)
    cdf = np.cumsum(probability, axis=3)[x.sector[looks], x.region[looks], x.size_class[looks]]
    choice = np.minimum((cdf < (draw[looks] / firm_hazard[looks])[:, None]).sum(axis=1), n - 1)
    return profit, looks, choice


# ------------------------------------------------------------------------------- per-agent way
class PerAgentFirm(mesa.Agent):
    """A firm that decides for itself, one agent at a time."""

    def __init__(self, model, row, sector, region, size_class, size, labour, land, capital):
        super().__init__(model)
        self.row, self.sector, self.region, self.size_class = row, sector, region, size_class
        self.size, self.labour, self.land, self.capital = size, labour, land, capital
        self.profit = 0.0
        self.looked = False
        self.choice = region

    def step(self):
        m = self.model
        x = m.inputs
        unit_variable = m.unit_variable[self.sector]  # this sector's variable profit per unit size in each region
        fixed_here = ((x.wage[self.region] * self.labour + x.rent[self.region] * self.land) / CNY_PER_BN
                      + x.capital_price * self.capital)
        self.profit = self.size * unit_variable[self.region] - fixed_here
        fixed_unit = ((x.labour_unit[self.sector, self.region] * x.wage
                       + x.land_unit[self.sector, self.region] * x.rent) / CNY_PER_BN
                      + x.capital_unit[self.sector, self.region] * x.capital_price)
        s = x.class_sizes[self.size_class]
        value = (s * unit_variable - s**x.scale_elasticity * fixed_unit) / (m.sector_mean[self.sector] * x.typical_size)
        utility = x.beta * value + x.constants[self.sector, self.size_class] - x.move_cost[self.region]
        weights = np.exp(utility - utility.max())
        probability = weights / weights.sum()
        hazard = min(max(x.base_rate + x.gap_rate * (1.0 - probability[self.region]), 0.0), 1.0)
        draw = m.draw[self.row]
        self.looked = draw < hazard
        if self.looked:
            below = np.cumsum(probability) < draw / hazard
            self.choice = min(int(below.sum()), len(probability) - 1)


class PerAgentModel(mesa.Model):
    """The same year, agent by agent: aggregates first, then every firm's own decision."""

    def __init__(self, inputs: KernelInputs, draw: np.ndarray, seed: int = 0):
        super().__init__(rng=seed)
        self.inputs, self.draw = inputs, draw
        for i in range(len(inputs.sector)):
            PerAgentFirm(self, i, int(inputs.sector[i]), int(inputs.region[i]), int(inputs.size_class[i]),
                         float(inputs.size[i]), float(inputs.labour[i]), float(inputs.land[i]), float(inputs.capital[i]))

    def step(self):
        x = self.inputs
        k_count, n = x.efficiency.shape
        sizes = np.zeros((k_count, n))
        for firm in self.agents:
            sizes[firm.sector, firm.region] += firm.size
        supply = sizes * x.efficiency
        price = supply @ x.phi + x.foreign
        gain = np.divide(x.spending, price, out=np.zeros_like(price), where=price > 0) @ x.phi.T
        shares = supply / np.maximum(supply.sum(axis=1, keepdims=True), 1e-300)
        spread = (1.0 / np.maximum((shares**2).sum(axis=1), 1e-300) - 1.0) / (n - 1.0)
        self.unit_variable = x.efficiency * gain * (1.0 - x.penalty * spread)[:, None] / SIGMA
        self.sector_mean = (sizes * self.unit_variable).sum(axis=1) / sizes.sum(axis=1)
        self.agents.shuffle_do("step")

    def decisions(self):
        """(profit per firm, firms that looked, their chosen regions), in the model's firm order."""
        firms = sorted(self.agents, key=lambda a: a.row)
        profit = np.array([a.profit for a in firms])
        looked = [a for a in firms if a.looked]
        return profit, np.array([a.row for a in looked], dtype=np.intp), np.array([a.choice for a in looked])
