"""The industrial sectors of the model, read from the shipped ``sectors.csv``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd

from .geography import MACRO_REGIONS


@dataclass(frozen=True)
class SectorTable:
    """Sector attributes as arrays indexed by sector number (one row per sector)."""

    names: tuple[str, ...]
    labels: tuple[str, ...]
    demand_share: np.ndarray
    labour_cost_share: np.ndarray
    land_cost_share: np.ndarray
    value_added_ratio: np.ndarray
    innovation_intensity: np.ndarray
    pollution_class: np.ndarray
    export_orientation: np.ndarray
    strategic: np.ndarray
    emerging: np.ndarray
    low_end: np.ndarray
    upgrade_to: np.ndarray  # sector index a firm upgrades into, -1 for none
    location_quotient: np.ndarray  # (sector, macro-region) in MACRO_REGIONS order

    @property
    def count(self) -> int:
        return len(self.names)

    def index(self, name: str) -> int:
        return self.names.index(name)

    def mask(self, names) -> np.ndarray:
        """Boolean mask over sectors for an iterable of sector names."""
        chosen = set(names)
        return np.array([n in chosen for n in self.names])


@cache
def sector_table() -> SectorTable:
    df = pd.read_csv(files("transfer_sim") / "data" / "sectors.csv", keep_default_na=False)
    names = tuple(df["sector"])
    upgrade = np.array([names.index(u) if u else -1 for u in df["upgrade_to"]])
    flag = lambda col: df[col].astype(str).eq("True").to_numpy()  # noqa: E731
    return SectorTable(
        names=names,
        labels=tuple(df["label"]),
        demand_share=df["demand_share"].to_numpy(float) / df["demand_share"].sum(),
        labour_cost_share=df["labour_cost_share"].to_numpy(float),
        land_cost_share=df["land_cost_share"].to_numpy(float),
        value_added_ratio=df["value_added_ratio"].to_numpy(float),
        innovation_intensity=df["innovation_intensity"].to_numpy(float),
        pollution_class=df["pollution_class"].to_numpy(int),
        export_orientation=df["export_orientation"].to_numpy(float),
        strategic=flag("strategic"),
        emerging=flag("emerging"),
        low_end=flag("low_end"),
        upgrade_to=upgrade,
        location_quotient=df[[f"lq_{m}" for m in MACRO_REGIONS]].to_numpy(float),
    )


SECTORS: tuple[str, ...] = sector_table().names


def footloose_sector() -> SectorTable:
    """The single sector of the textbook footloose-capital economy: no costs but capital."""
    one = np.ones(1)
    zero = np.zeros(1)
    return SectorTable(
        names=("footloose",), labels=("Footloose-capital industry",), demand_share=one,
        labour_cost_share=zero, land_cost_share=zero, value_added_ratio=one,
        innovation_intensity=zero, pollution_class=np.zeros(1, int), export_orientation=zero,
        strategic=np.zeros(1, bool), emerging=np.zeros(1, bool), low_end=np.zeros(1, bool),
        upgrade_to=np.array([-1]), location_quotient=np.ones((1, len(MACRO_REGIONS))),
    )


def sector_labels() -> dict[str, str]:
    """Each sector's readable name by its key (``agri_food`` -> "Agri-food processing")."""
    table = sector_table()
    return dict(zip(table.names, table.labels))
