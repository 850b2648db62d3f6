"""The policy levers of the 15th Five-Year Plan as one validated object.

Every lever is a field of :class:`Policy` with the seed essay's phrase, the mechanism in
the model, its unit and its default; ``Policy()`` is the status quo (no new measure).
This module is the one source of truth for lever defaults: the dashboard, the CLI and
the docs read them from here (:func:`lever_table`).
"""

from __future__ import annotations

import difflib
from typing import Literal, NamedTuple

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .geography import CHINA_EUROPE_EXPRESS, LAND_SEA_CORRIDOR
from .sectors import SECTORS

#: Levers that name regions (lists of provinces).
REGION_FIELDS = ("cage_regions", "nest_regions", "ftz_regions", "hinterland_regions", "frontier_regions",
                 "ecological_zones")

MEASURES = {
    "hinterland": "Strategic hinterland",
    "productive_forces": "New quality productive forces",
    "openness": "Regional openness",
    "unified_market": "Unified national market",
    "zones": "Zones and red lines",
    "shocks": "Shocks",
    "fiscal": "Fiscal budget",
}


def lever(default, *, label: str, measure: str, seed: str, mechanism: str, unit: str, **constraints):
    """A policy field that carries its readable name, seed phrase, mechanism, unit and measure group."""
    return Field(
        default,
        description=mechanism,
        json_schema_extra={"label": label, "measure": measure, "seed": seed, "unit": unit},
        **constraints,
    )


#: Strict types: a lever takes a number, a flag, a list or a table as such; True is not 1.0,
#: "off" or 0.0 not False, 2028.0 not a year.
STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)

#: What the shocks that hit everyone hit, for the message that they take no regions.
NATIONAL_SHOCKS = {"coastal_demand": "hits the eastern seaports", "corridor_disruption": "stops every corridor"}


class Shock(BaseModel):
    """An exogenous event in a given calendar year, lasting ``duration`` years."""

    model_config = STRICT

    kind: Literal["coastal_demand", "corridor_disruption", "regional_disaster"] = Field(
        description="coastal_demand: the foreign demand the eastern seaports can serve falls; "
        "corridor_disruption: the freight corridors stop running; regional_disaster: "
        "productivity in the target regions falls"
    )
    year: int = Field(ge=1900, le=2200, description="calendar year the shock starts")
    size: float = Field(0.3, gt=0, le=1, description="share of demand or productivity lost")
    duration: int = Field(2, ge=1, le=50, description="years the shock lasts")
    regions: list[str] = Field(default_factory=list, description="target regions of a regional disaster")

    @model_validator(mode="after")
    def _regions_where_used(self):
        if self.kind in NATIONAL_SHOCKS and self.regions:
            raise ValueError(f"a {self.kind} shock {NATIONAL_SHOCKS[self.kind]} and takes no regions, "
                             f"got {self.regions}")
        if self.kind == "regional_disaster" and not self.regions:
            raise ValueError("a regional_disaster needs the regions it hits (regions = [...])")
        return self


class Policy(BaseModel):
    """All policy levers; ``Policy()`` is the status quo. Regions are English province names."""

    model_config = ConfigDict(**STRICT, validate_default=True)

    # -- unified national market -------------------------------------------------------
    admin_barrier: float | None = lever(
        None, ge=0, le=1, label="Administrative barrier", measure="unified_market",
        seed="Break down administrative barriers",
        mechanism="tariff-equivalent mark-up on trade between provinces and a utility cost "
        "on cross-province relocation; by default today's level between China's "
        "provinces (0.15)",
        unit="share of the trade cost",
    )
    barrier_removal_rate: float = lever(
        0.0, ge=0, le=1, label="Barrier removal rate", measure="unified_market",
        seed="deepening the construction of a unified national market",
        mechanism="share of the remaining administrative barrier removed each year",
        unit="share per year",
    )
    digital_infrastructure: float = lever(
        0.0, ge=0, le=1, label="Digital infrastructure", measure="unified_market",
        seed="overcome spatial distance barriers through ... digitization, networking, and intelligence",
        mechanism="weakens the distance decay of trade costs (up to 40 % of the distance mark-up)",
        unit="level 0-1",
    )
    # -- cage for bird exchange / nest building -------------------------------------------
    cage_fee: float = lever(
        0.0, ge=0, le=0.1, label="Cage fee", measure="unified_market",
        seed='"cage for bird exchange" in the eastern region',
        mechanism="levy on the revenue of low-end sectors in the cage regions, paid by incumbents "
        "and newcomers alike; the land low-end firms free there goes to whoever settles next",
        unit="share of revenue",
    )
    cage_regions: list[str] | None = lever(
        None, label="Cage regions", measure="unified_market", seed='"cage for bird exchange" in the eastern region',
        mechanism="where the levy applies; by default the eastern provinces", unit="regions",
    )
    cage_sectors: list[str] | None = lever(
        None, label="Cage sectors", measure="unified_market", seed='"cage for bird exchange"',
        mechanism="sectors charged; by default the low-end sectors (labour-intensive, resource processing)",
        unit="sectors",
    )
    upgrade_subsidy: float = lever(
        0.0, ge=0, le=1, label="Upgrade subsidy", measure="productive_forces",
        seed='"old trees developing new branches"',
        mechanism="share of the cost of upgrading a low-end firm paid by the state in the cage "
        "regions; raises the yearly upgrading chance up to fivefold",
        unit="share of upgrade cost",
    )
    nest_investment: float = lever(
        0.0, ge=0, le=2000, label="Nest investment", measure="unified_market",
        seed='"nest building and phoenix attraction" in the central, western, and northeastern regions',
        mechanism="yearly investment in each target region; after the build lag it adds "
        "industrial-park land to the zoning cap and lowers the region's trade costs",
        unit="bn CNY per region per year",
    )
    nest_regions: list[str] | None = lever(
        None, label="Nest regions", measure="unified_market", seed='"nest building and phoenix attraction"',
        mechanism="target regions; by default the central, western and northeastern provinces",
        unit="regions",
    )
    nest_build_lag: int = lever(
        2, ge=0, le=10, label="Nest build lag", measure="unified_market", seed='"nest building"',
        mechanism="years before an investment is usable", unit="years",
    )
    nest_subsidy: float = lever(
        0.0, ge=0, le=1, label="Nest subsidy", measure="unified_market", seed='"phoenix attraction"',
        mechanism="share of operating profit paid to firms that arrive in a target region, "
        "during their first five years there",
        unit="share of operating profit",
    )
    # -- regional openness ------------------------------------------------------------------
    china_europe_express: bool = lever(
        True, label="China–Europe Railway Express", measure="openness",
        seed="Optimize and upgrade the operational networks of China Europe freight trains",
        mechanism="rail routes from the hub provinces to the border exits towards Europe and Russia",
        unit="on/off",
    )
    land_sea_corridor: bool = lever(
        True, label="Western Land–Sea New Corridor", measure="openness", seed="the Western Land Sea New Corridor",
        mechanism="rail-sea routes from the western hubs to the Beibu Gulf ports towards ASEAN",
        unit="on/off",
    )
    corridor_capacity: float = lever(
        1.0, ge=0.1, le=5, label="Corridor capacity", measure="openness",
        seed="enhance the collection and distribution capacity of hub nodes",
        mechanism="service capacity relative to 2023; the corridor leg cost falls with capacity^0.3",
        unit="multiple of 2023",
    )
    corridor_discount: float = lever(
        0.0, ge=0, le=0.9, label="Corridor tariff discount", measure="openness", seed='"freight train+industry" model',
        mechanism="tariff discount on the corridor leg of the trade cost", unit="share of leg cost",
    )
    ftz_regions: list[str] | None = lever(
        None, label="Free trade zone provinces", measure="openness",
        seed="Deepen the reform and innovation of the pilot free trade zone",
        mechanism="provinces with a pilot free trade zone; by default the 22 that have one", unit="regions",
    )
    ftz_trade_cost_cut: float = lever(
        0.0, ge=0, le=0.9, label="Free trade zone trade-cost cut", measure="openness",
        seed="expand the institutional opening pilot",
        mechanism="cut of the trade-cost margin to external markets from FTZ provinces",
        unit="share of the margin",
    )
    ftz_export_subsidy: float = lever(
        0.0, ge=0, le=0.2, label="Free trade zone export subsidy", measure="openness",
        seed="improve the level of inland opening",
        mechanism="subsidy on the export revenue of firms in FTZ provinces", unit="share of export revenue",
    )
    # -- strategic hinterland ------------------------------------------------------------------
    hinterland_subsidy: float = lever(
        0.0, ge=0, le=1, label="Hinterland subsidy", measure="hinterland",
        seed="Strengthen the construction of national strategic hinterland",
        mechanism="share of operating profit paid to firms of strategic sectors in the hinterland",
        unit="share of operating profit",
    )
    hinterland_regions: list[str] | None = lever(
        None, label="Hinterland provinces", measure="hinterland",
        seed="deep regions such as the central and western regions",
        mechanism="the hinterland; by default the central and western provinces", unit="regions",
    )
    # -- new quality productive forces ------------------------------------------------------
    frontier_subsidy: float = lever(
        0.0, ge=0, le=1, label="Frontier sector subsidy", measure="productive_forces",
        seed="develop new quality productivity according to local conditions",
        mechanism="share of operating profit paid to emerging-sector firms (new energy, frontier "
        "technology) in the frontier regions",
        unit="share of operating profit",
    )
    frontier_regions: list[str] | None = lever(
        None, label="Frontier provinces", measure="productive_forces",
        seed="Regions that lay out new quality productivity",
        mechanism="where local governments subsidise emerging sectors; by default every province",
        unit="regions",
    )
    national_coordination: bool = lever(
        False, label="National coordination", measure="productive_forces",
        seed="avoid following the trend and redundant construction",
        mechanism="off: emerging sectors spread over many regions lose returns to homogeneous "
        "competition; on: no such loss, and frontier subsidies go only where innovation "
        "capacity is at least the national average",
        unit="on/off",
    )
    # -- zones and red lines -------------------------------------------------------------------
    land_headroom: float = lever(
        0.3, ge=0, le=3, label="Land headroom", measure="zones", seed='"three zones and three lines" ... a "ceiling"',
        mechanism="zoning cap on industrial land as start-year use times (1 + headroom); "
        "no region's industrial land may exceed it",
        unit="share of start-year land",
    )
    ecological_zones: list[str] = lever(
        [], label="Ecological zones", measure="zones", seed="building a strong national ecological security barrier",
        mechanism="regions closed to heavily polluting sectors (no entry, no relocation in)",
        unit="regions",
    )
    land_red_line: float | None = lever(
        None, ge=1, le=10, label="Red line on industrial land", measure="zones",
        seed='set an insurmountable "ceiling" for national development',
        mechanism="the most industrial land a province may zone, as a multiple of its start-year use: "
        "parks the provinces build beyond it add no land; none: no such line",
        unit="multiple of start-year land",
    )
    # -- local governments -----------------------------------------------------------------------
    preferential_policy_cap: float | None = lever(
        None, ge=0, le=1, label="Cap on local preferential policies", measure="unified_market",
        seed="promote the unified connection of infrastructure, rules, standards, and policies",
        mechanism="the largest newcomer tax rebate and land discount a provincial government may offer "
        "(0 bans them); none: each province sets its own",
        unit="share of profit or rent",
    )
    # -- building block ------------------------------------------------------------------------
    profit_subsidy: dict[str, float] = lever(
        {}, label="Local profit subsidy", measure="unified_market", seed="local governments compete for firms",
        mechanism="share of operating profit paid to every firm located in the region",
        unit="share of operating profit per region",
    )
    shocks: list[Shock] = lever(
        [], label="Shocks", measure="shocks", seed="calmly respond to the unprecedented changes in the world",
        mechanism="external demand drops, corridor disruptions, regional disasters", unit="events",
    )

    # -- the public purse ------------------------------------------------------------------
    fiscal_budget_pct_gdp: float = lever(
        2.0, ge=0, le=100, label="Fiscal budget", measure="fiscal", seed="promote efficient allocation of resources",
        mechanism="the most the levers together should cost a year; a run that costs more is "
        "flagged (about 2 %: what all of China's industrial policy is estimated to cost)",
        unit="% of GDP",
    )

    @model_validator(mode="before")
    @classmethod
    def _known_levers(cls, data):
        if isinstance(data, dict):
            for key in data:
                if key not in cls.model_fields:
                    close = difflib.get_close_matches(str(key), cls.model_fields, n=1)
                    hint = f" (did you mean '{close[0]}'?)" if close else ""
                    raise ValueError(
                        f"unknown lever '{key}'{hint}; allowed levers: {', '.join(cls.model_fields)}"
                    )
        return data

    @field_validator("profit_subsidy")
    @classmethod
    def _rates_are_shares(cls, value: dict[str, float]):
        for region, rate in value.items():
            if not 0 <= rate <= 1:
                raise ValueError(f"rate for {region!r} is {rate}; a profit subsidy is a share in [0, 1]")
        return value

    @field_validator("cage_sectors")
    @classmethod
    def _known_sectors(cls, value):
        for s in value or []:
            if s not in SECTORS:
                raise ValueError(f"unknown sector {s!r}; allowed sectors: {', '.join(SECTORS)}")
        return value

    def region_fields(self) -> dict[str, list[str]]:
        """Every region named by this policy, by field, for checking against a geography."""
        named = {f: getattr(self, f) for f in REGION_FIELDS if getattr(self, f)}
        if self.profit_subsidy:
            named["profit_subsidy"] = list(self.profit_subsidy)
        for i, shock in enumerate(self.shocks):
            if shock.regions:
                named[f"shocks[{i}].regions"] = shock.regions
        return named

    def with_changes(self, **changes) -> Policy:
        """A copy with some levers changed, validated like a new policy."""
        return Policy(**{**self.model_dump(exclude_unset=True), **changes})

    @classmethod
    def preset(cls, name: str) -> Policy:
        """A named scenario: one of :data:`PRESETS`."""
        try:
            return cls(**PRESETS[name])
        except KeyError:
            raise ValueError(f"unknown preset {name!r}; allowed presets: {', '.join(PRESETS)}") from None


COASTAL_SHOCK = {"kind": "coastal_demand", "year": 2028, "size": 0.3, "duration": 3}
CAGE_AND_NEST = {"cage_fee": 0.01, "upgrade_subsidy": 0.3, "nest_investment": 30.0, "nest_subsidy": 0.1}
CORRIDORS = {"corridor_capacity": 2.0, "corridor_discount": 0.3}
UNIFIED_MARKET = {"barrier_removal_rate": 0.1, "digital_infrastructure": 0.3}
HINTERLAND = {"hinterland_subsidy": 0.2}

#: Named scenarios: lever settings on top of the status quo.
PRESETS: dict[str, dict] = {
    "baseline": {},
    "cage_and_nest": CAGE_AND_NEST,
    "corridors": CORRIDORS,
    "unified_market": UNIFIED_MARKET,
    "coastal_shock": {"shocks": [COASTAL_SHOCK]},
    "hinterland_shock": {**HINTERLAND, "shocks": [COASTAL_SHOCK]},
    "fifteenth_plan": {
        **CAGE_AND_NEST, **CORRIDORS, **UNIFIED_MARKET, **HINTERLAND,
        "frontier_subsidy": 0.2, "national_coordination": True, "ftz_trade_cost_cut": 0.2,
        "ecological_zones": ["Tibet", "Qinghai"],
    },
}


#: The lever that keeps each freight corridor running (names as in ``geography``'s corridor data).
CORRIDOR_LEVERS = {CHINA_EUROPE_EXPRESS: "china_europe_express", LAND_SEA_CORRIDOR: "land_sea_corridor"}


def switched_on_corridors(policy: Policy) -> list[str]:
    """The corridors whose lever keeps them running."""
    return [name for name, lever in CORRIDOR_LEVERS.items() if getattr(policy, lever)]


def lever_label(name: str) -> str:
    """A lever's readable name (``cage_fee`` -> "Cage fee")."""
    return Policy.model_fields[name].json_schema_extra["label"]


class PresetText(NamedTuple):
    title: str
    description: str


#: Each preset's readable name and what it stands for in one line (its levers are in PRESETS).
PRESET_TEXTS: dict[str, PresetText] = {
    "baseline": PresetText("Baseline", "Today's policies and no new measure: the status quo to compare with."),
    "cage_and_nest": PresetText("Cage and nest", "A levy on low-end industry in the east with help to upgrade, "
                                "and industrial parks with arrival subsidies in the centre, west and northeast."),
    "corridors": PresetText("Freight corridors", "More capacity and lower tariffs on the China–Europe Railway "
                            "Express and the Western Land–Sea New Corridor."),
    "unified_market": PresetText("Unified market", "Administrative barriers between provinces removed year by "
                                 "year, and digital infrastructure that shortens distance."),
    "coastal_shock": PresetText("Coastal shock", "Today's policies, hit by a fall of the foreign demand the "
                                "eastern ports serve."),
    "hinterland_shock": PresetText("Hinterland under a coastal shock", "The coastal shock, with profit "
                                   "subsidies for strategic industry in the central and western hinterland."),
    "fifteenth_plan": PresetText("15th Five-Year Plan", "The plan's measures together: cage and nest, corridors, "
                                 "unified market, hinterland and coordinated frontier subsidies, free trade zones "
                                 "and ecological zones."),
}


def lever_table() -> pd.DataFrame:
    """One row per lever: name, readable label, measure, seed phrase, mechanism, unit and default."""
    rows = []
    for name, f in Policy.model_fields.items():
        extra = f.json_schema_extra or {}
        default = f.get_default(call_default_factory=True)
        rows.append({
            "lever": name,
            "label": extra["label"],
            "measure": MEASURES[extra["measure"]],
            "seed": extra["seed"],
            "mechanism": f.description,
            "unit": extra["unit"],
            "default": default,
        })
    table = pd.DataFrame(rows)
    table["default"] = pd.Series([row["default"] for row in rows], dtype=object)  # keep None as None
    return table
