"""A :class:`~transfer_sim.policy.Policy` resolved against a geography: masks and rates as arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .geography import Geography
from .policy import Policy
from .sectors import SectorTable

#: The administrative barrier of today's China (tariff-equivalent mark-up between provinces).
CHINA_BARRIER = 0.15


class PolicyError(ValueError):
    """A policy that does not fit the geography (for example an unknown region)."""


@dataclass(frozen=True)
class PolicyArrays:
    policy: Policy
    barrier: float
    cage_regions: np.ndarray  # bool over regions
    cage_sectors: np.ndarray  # bool over sectors
    nest_regions: np.ndarray
    hinterland_regions: np.ndarray
    frontier_regions: np.ndarray
    ftz_regions: np.ndarray
    ecological_zones: np.ndarray
    profit_subsidy: np.ndarray  # rate per region

    def barrier_in(self, years_elapsed: int) -> float:
        """The administrative barrier after some years of removal."""
        return self.barrier * (1.0 - self.policy.barrier_removal_rate) ** years_elapsed


def resolve(policy: Policy, geography: Geography, sectors: SectorTable) -> PolicyArrays:
    """Check every region the policy names against the geography and build the masks."""
    for field, regions in policy.region_fields().items():
        unknown = [r for r in regions if r not in geography.names and r not in geography.codes]
        if unknown:
            raise PolicyError(
                f"{field}: unknown region {unknown[0]!r}; allowed regions: {', '.join(geography.names)}"
            )

    def regions(value, default) -> np.ndarray:
        return geography.mask(value) if value is not None else default

    macro = geography.macro_region
    is_abstract = geography.kind == "abstract"
    everywhere = np.ones(geography.n, dtype=bool)
    subsidy = np.zeros(geography.n)
    for region, rate in policy.profit_subsidy.items():
        subsidy[geography.index(region)] = rate
    default_barrier = 0.0 if is_abstract else CHINA_BARRIER
    return PolicyArrays(
        policy=policy,
        barrier=default_barrier if policy.admin_barrier is None else policy.admin_barrier,
        cage_regions=regions(policy.cage_regions, everywhere if is_abstract else macro == "east"),
        cage_sectors=sectors.mask(policy.cage_sectors) if policy.cage_sectors is not None else sectors.low_end,
        nest_regions=regions(policy.nest_regions, everywhere if is_abstract else np.isin(macro, ["central", "west", "northeast"])),
        hinterland_regions=regions(policy.hinterland_regions, everywhere if is_abstract else np.isin(macro, ["central", "west"])),
        frontier_regions=regions(policy.frontier_regions, everywhere),
        ftz_regions=regions(
            policy.ftz_regions,
            geography.pilot_ftz if geography.pilot_ftz is not None else np.zeros(geography.n, bool),
        ),
        ecological_zones=geography.mask(policy.ecological_zones),
        profit_subsidy=subsidy,
    )
