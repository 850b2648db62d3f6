"""Mesa agents: firms and regions as views on the model's arrays.

The model decides for all firms at once with numpy; these agents let a user inspect any
firm or region through ``model.agents`` without holding state of their own.
"""

from __future__ import annotations

import mesa
import numpy as np

from .processes.production import workers


class Firm(mesa.Agent):
    """One firm: a view on its row in the model's :class:`FirmPopulation`."""

    def __init__(self, model, firm_id: int):
        super().__init__(model)
        self.firm_id = firm_id

    def _get(self, column: str):
        firms = self.model.firms
        position = firms.positions([self.firm_id])[0]
        if position < 0:
            raise LookupError(f"firm {self.firm_id} has exited")
        return getattr(firms, column)[position]

    @property
    def sector(self) -> str:
        return self.model.sectors.names[self._get("sector")]

    @property
    def region(self) -> str:
        return self.model.geography.names[self._get("region")]

    @property
    def origin(self) -> str:
        """Region where the firm was born."""
        return self.model.geography.names[self._get("origin")]

    @property
    def productivity(self) -> float:
        """a^(sigma-1): scales the firm's revenue at given market access."""
        return float(self._get("size"))

    @property
    def employment(self) -> float:
        """Workers: the fixed workforce plus variable labour at the firm's last revenue."""
        model = self.model
        return float(workers(self._get("labour"), model.calibration.costs.variable_labour[self._get("sector")],
                             self._get("revenue"), model.regions.wage[self._get("region")]))

    @property
    def land(self) -> float:
        """Industrial land in hectares."""
        return float(self._get("land"))

    @property
    def age(self) -> int:
        return int(self.model.year - self._get("birth_year"))

    @property
    def profit(self) -> float:
        """Last year's operating profit, bn CNY."""
        return float(self._get("profit"))

    @property
    def output(self) -> float:
        """Last year's revenue, bn CNY."""
        return float(self._get("revenue"))

    @property
    def relocations(self) -> list[tuple[int, str, str]]:
        """The firm's moves as (year, from region, to region)."""
        log = self.model.firms.relocation_log()
        names = self.model.geography.names
        mine = log[log[:, 1] == self.firm_id]
        return [(int(y), names[a], names[b]) for y, _, a, b in mine]

    def __repr__(self) -> str:
        return f"Firm({self.unique_id}, {self.sector}, {self.region})"


class Region(mesa.Agent):
    """One region (a province): a view on the model's region arrays."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index

    @property
    def name(self) -> str:
        return self.model.geography.names[self.index]

    @property
    def code(self) -> str:
        return self.model.geography.codes[self.index]

    @property
    def macro_region(self) -> str:
        return str(self.model.geography.macro_region[self.index])

    @property
    def population(self) -> float:
        return float(self.model.regions.population[self.index])

    @property
    def wage(self) -> float:
        """CNY per worker and year."""
        return float(self.model.regions.wage[self.index])

    @property
    def rent(self) -> float:
        """Land rent, CNY per hectare and year."""
        return float(self.model.regions.rent[self.index])

    @property
    def land_cap(self) -> float:
        return float(self.model.regions.land_cap[self.index])

    @property
    def innovation(self) -> float:
        """Innovation capacity relative to the national average."""
        return float(self.model.regions.innovation[self.index])

    @property
    def policy(self) -> dict[str, float] | None:
        """Its government's instruments this year (tax_rebate and land_discount as shares of a
        newcomer's profit and land rent, park_investment in bn CNY, emerging_backed: the emerging
        sectors it backs); None in an economy without local governments."""
        local = self.model.regions.local
        if local is None:
            return None
        values = {name: float(column[self.index]) for name, column in
                  (("tax_rebate", local.tax_rebate), ("land_discount", local.land_discount),
                   ("park_investment", local.park_investment))}
        sectors = self.model.sectors.names
        return {**values, "emerging_backed": [sectors[k] for k in np.flatnonzero(local.backing[:, self.index])]}

    @property
    def budget(self) -> dict[str, float] | None:
        """Its government's books of the last year, bn CNY (revenue, transfers, spending, balance,
        debt); None without local governments."""
        books = self.model.regions.budgets
        if books is None:
            return None
        return {name: float(getattr(books, name)[self.index])
                for name in ("revenue", "transfers", "spending", "balance", "debt")}

    @property
    def firm_count(self) -> int:
        return int((self.model.firms.region == self.index).sum())

    def __repr__(self) -> str:
        return f"Region({self.name})"
