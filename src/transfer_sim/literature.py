"""The levers beside published quasi-experimental estimates.

Each published effect is set beside the model's own experiment: a lever against its
counterfactual with the same seed (common random numbers), in China mode from today's start,
never a parameter tuned to the estimate. For every measure the model's number is the mean of
the paired effects d_s over the n seeds, with the 95 % interval

    mean(d) +/- t(0.975, n - 1) sd(d) / sqrt(n).

Percentage effects are 100 x the log difference (lever's run over counterfactual's), the unit
of the published difference-in-differences coefficients on logs. ``validation.write_page``
puts :func:`literature_section` into docs/validation.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from scipy.stats import t as student_t

from .model import TransferModel
from .policy import CAGE_AND_NEST, PRESETS, Policy
from .validation import SEEDS, YEARS, markdown, paired_runs

#: firms of every run: a province's job decomposition needs this many to rise above the noise
#: of its few large firms (the whole set runs in well under a minute)
FIRMS = 20_000
#: the inland province of the development-zone experiment, and its prefecture-level cities (to
#: scale a city's zone effect to the province)
ZONE_PROVINCE, ZONE_PROVINCE_CITIES = "Henan", 17


# ------------------------------------------------------------------ the published estimates
@dataclass(frozen=True)
class Published:
    """A published estimate: its range ``low``-``high`` (equal for a point estimate; ``high``
    None for a lower bound only), its unit, what it measures, the study and its design."""

    finding: str
    low: float
    high: float | None
    unit: str
    source: str
    design: str

    def size(self) -> str:
        """The estimate as text: "+13.1 %", "+1.2 to +1.8 pp" or "> 0 pp"."""
        if self.high is None:
            return f"> {self.low:.3g} {self.unit}"
        if self.low == self.high:
            return f"{self.low:+.3g} {self.unit}"
        return f"{self.low:+.3g} to {self.high:+.3g} {self.unit}"

    def scaled(self, factor: float, finding: str) -> Published:
        """The same estimate times ``factor`` (what it implies for a larger unit), with ``finding``
        saying what it now measures."""
        high = None if self.high is None else self.high * factor
        return Published(finding, self.low * factor, high, self.unit, self.source, self.design)


_CITY_ZONES = Published(
    "GDP of a prefecture-level city that gets a state-level development zone", 20.0, 20.0, "%",
    "Alder, Shao & Zilibotti (2016), *J. Econ. Growth* 21(4)",
    "difference in differences on a panel of 276 prefecture-level cities, 1988-2010: cities with a "
    "state-level zone against those without, before and after it was set up (a level effect)")
#: every estimate the model is set beside, by the name its measure refers to
PUBLISHED: dict[str, Published] = {
    "railway": Published(
        "China's exports to the European countries the China-Europe Railway Express reaches", 13.1, 13.1, "%",
        "Zhang & Zhong (2021), *Economic Geography* 41(12)",
        "difference in differences on a panel of China's exports to 28 European countries, 2009-2019: "
        "countries the express reaches against the others, before and after it opened"),
    "zones": _CITY_ZONES,
    "zones_province": _CITY_ZONES.scaled(
        1 / ZONE_PROVINCE_CITIES, f"the city estimate as a share of {ZONE_PROVINCE}: one zone raising one of its "
        f"{ZONE_PROVINCE_CITIES} prefecture-level cities of average size"),
    "ftz": Published(
        "Shanghai's per-capita GDP growth in 2014, the first year of its pilot free trade zone", 1.2, 1.8, "pp",
        "Cai, Xin & Zhou (2021), *J. Management Science and Engineering* 6",
        "panel-data counterfactual of Shanghai's growth from the other provinces' (a dynamic panel model "
        "beside Hsiao, Ching & Wan's method); the zone opened at the end of 2013 and the gain came mostly "
        "from the tertiary sector"),
    "entry": Published(
        "development zones raise employment through new firms more than through incumbents and relocation",
        0.0, None, "pp",
        "Lu, Wang & Zhu (2019), *AEJ: Economic Policy* 11(3)",
        "firm censuses with areas paired across zone boundaries, before and after a zone was set up; "
        "firm births and deaths explain more of the effect than incumbents and relocations"),
}


# ------------------------------------------------------------------ what the model measures
#: (lever's run, counterfactual's run) -> one effect
Metric = Callable[[TransferModel, TransferModel], float]


def last_year(model: TransferModel, region: str, column: str) -> float:
    """A region's ``column`` of ``results.regions`` in the last year simulated."""
    frame = model.results.regions
    return float(frame.loc[(frame["year"] == model.year) & (frame["region"] == region), column].iloc[0])


def europe_exports(model: TransferModel) -> float:
    """National exports to the Europe market in the last year simulated (bn CNY)."""
    frame = model.results.exports
    return float(frame.loc[(frame["year"] == model.year) & (frame["market"] == "europe"), "value"].sum())


def first_year_growth(model: TransferModel, region: str, column: str = "gdp_per_capita") -> float:
    """100 (x_1 / x_0 - 1): a region's growth of ``column`` over the first simulated year, %."""
    frame = model.results.regions
    values = frame.loc[frame["region"] == region].sort_values("year")[column].to_numpy()
    return 100.0 * (values[1] / values[0] - 1.0)


def log_effect(value: Callable[[TransferModel], float]) -> Metric:
    """100 ln(value(lever's run) / value(counterfactual's)), in %."""
    return lambda lever, counterfactual: 100.0 * math.log(value(lever) / value(counterfactual))


def difference(value: Callable[[TransferModel], float]) -> Metric:
    """value(lever's run) - value(counterfactual's)."""
    return lambda lever, counterfactual: value(lever) - value(counterfactual)


def jobs_gain(lever: TransferModel, counterfactual: TransferModel, region: str) -> pd.Series:
    """component -> the lever's effect on a region's industrial workers from that component,
    Delta_c = sum over the simulated years of c(lever's run) - c(counterfactual's)
    (``results.decomposition``: entry, exit, growth, relocation)."""
    def by_component(model: TransferModel) -> pd.Series:
        frame = model.results.decomposition
        return frame[frame["region"] == region].groupby("component")["employment"].sum()
    return by_component(lever) - by_component(counterfactual)


def jobs_share(component: str, region: str) -> Metric:
    """100 Delta_component / sum_c Delta_c: a component's share of the lever's net job gain, %."""
    def share(lever: TransferModel, counterfactual: TransferModel) -> float:
        gain = jobs_gain(lever, counterfactual, region)
        return 100.0 * gain[component] / gain.sum()
    return share


def share_gap(first: str, second: str, region: str) -> Metric:
    """The share of the net job gain from ``first`` minus that from ``second``, pp."""
    return lambda lever, counterfactual: (jobs_share(first, region)(lever, counterfactual)
                                          - jobs_share(second, region)(lever, counterfactual))


def programme_cost(model: TransferModel, levers: tuple[str, ...]) -> float:
    """What some levers cost the public purse over the simulated years (bn CNY, ``results.fiscal``)."""
    fiscal = model.results.fiscal
    return float(fiscal.loc[fiscal["lever"].isin(levers), "cost"].sum())


# ------------------------------------------------------------------ the experiments
@dataclass(frozen=True)
class Measure:
    """One number an experiment reports: ``effect`` of a seed's pair of runs, in ``unit``;
    ``published`` names the estimates in :data:`PUBLISHED` it stands beside, a row of the table
    each (none: a scale for the text)."""

    name: str
    label: str
    unit: str
    effect: Metric
    published: tuple[str, ...] = ()


@dataclass(frozen=True)
class Experiment:
    """A lever (``treated``) against its counterfactual (``control``), run ``years`` years."""

    lever: str
    treated: Policy
    control: Policy
    years: int
    measures: tuple[Measure, ...]

    def __post_init__(self):
        if isinstance(self.years, bool) or not isinstance(self.years, int) or self.years < 1:
            raise ValueError(f"an experiment runs at least one year (a whole number), got years={self.years!r}")


#: the development-zone programme: the cage-and-nest preset's nest levers in one inland province
ZONE_LEVERS = ("nest_investment", "nest_subsidy")
ZONE = Policy(**{lever: CAGE_AND_NEST[lever] for lever in ZONE_LEVERS}, nest_regions=[ZONE_PROVINCE])
FTZ_PROVINCE = "Shanghai"
#: the free trade zone: the 15th-plan preset's trade-cost cut, in Shanghai alone
FTZ = Policy(ftz_regions=[FTZ_PROVINCE], ftz_trade_cost_cut=PRESETS["fifteenth_plan"]["ftz_trade_cost_cut"])


def _zone_gdp_gain(lever: TransferModel, counterfactual: TransferModel) -> float:
    """The province's GDP in the last year, lever's run minus counterfactual's (bn CNY)."""
    return last_year(lever, ZONE_PROVINCE, "gdp") - last_year(counterfactual, ZONE_PROVINCE, "gdp")


def _zone_gdp_per_bn(lever: TransferModel, counterfactual: TransferModel) -> float:
    """The province's GDP gain in the last year per bn CNY the programme cost over the years."""
    return _zone_gdp_gain(lever, counterfactual) / programme_cost(lever, ZONE_LEVERS)


def _zone_cost_pct_gdp(lever: TransferModel, counterfactual: TransferModel) -> float:
    """The programme's cost over the years as a share of the province's GDP over the same years
    (counterfactual run), %."""
    regions = counterfactual.results.regions
    simulated = (regions["region"] == ZONE_PROVINCE) & (regions["year"] > counterfactual.start_year)
    return 100.0 * programme_cost(lever, ZONE_LEVERS) / regions.loc[simulated, "gdp"].sum()


def _zone_measures() -> tuple[Measure, ...]:
    """The zone's GDP effect, its scale and where its industrial jobs came from."""
    shares = tuple(Measure(f"{component}_share", f"{component}'s share of the industrial job gain", "%",
                           jobs_share(component, ZONE_PROVINCE))
                   for component in ("entry", "exit", "growth", "relocation"))
    return (
        Measure("zone_gdp", f"{ZONE_PROVINCE}'s GDP after {YEARS} years", "%",
                log_effect(lambda model: last_year(model, ZONE_PROVINCE, "gdp")), ("zones", "zones_province")),
        Measure("zone_gdp_bn", f"{ZONE_PROVINCE}'s GDP gain in the last year", "bn CNY", _zone_gdp_gain),
        Measure("zone_gdp_per_bn", "GDP gain in the last year per bn CNY spent", "", _zone_gdp_per_bn),
        Measure("zone_cost_pct_gdp", "programme cost", "% of the province's GDP", _zone_cost_pct_gdp),
        *shares,
        Measure("entry_over_relocation", f"entry's minus relocation's share of {ZONE_PROVINCE}'s industrial "
                f"job gain over {YEARS} years", "pp", share_gap("entry", "relocation", ZONE_PROVINCE), ("entry",)),
    )


EXPERIMENTS = (
    Experiment("China-Europe Railway Express on vs off", Policy(), Policy(china_europe_express=False), YEARS,
               (Measure("railway", f"national exports to the Europe market after {YEARS} years", "%",
                        log_effect(europe_exports), ("railway",)),)),
    Experiment(f"nest building in {ZONE_PROVINCE} vs none", ZONE, Policy(), YEARS, _zone_measures()),
    Experiment(f"free trade zone in {FTZ_PROVINCE} vs none", FTZ, Policy(), 1,
               (Measure("ftz", f"{FTZ_PROVINCE}'s per-capita GDP growth in the first year", "pp",
                        difference(lambda model: first_year_growth(model, FTZ_PROVINCE)), ("ftz",)),)),
)


def literature_effects(seeds=SEEDS, firms: int = FIRMS, experiments=EXPERIMENTS) -> pd.DataFrame:
    """One row per experiment, measure and seed: the paired effect (columns experiment, measure,
    seed, firms, value)."""
    rows = []
    for experiment in experiments:
        for seed in seeds:
            lever, counterfactual = paired_runs(experiment.treated, experiment.control, seed,
                                                experiment.years, firms)
            rows += [{"experiment": experiment.lever, "measure": m.name, "seed": seed, "firms": firms,
                      "value": m.effect(lever, counterfactual)} for m in experiment.measures]
    return pd.DataFrame(rows)


def estimates(effects: pd.DataFrame) -> pd.DataFrame:
    """measure -> mean, low, high: the mean paired effect over seeds and its 95 % interval
    mean +/- t(0.975, n - 1) sd / sqrt(n) (NaN bounds with a single seed)."""
    if effects.empty:
        raise ValueError("no effects to summarise: run literature_effects with at least one seed")

    def interval(values: pd.Series) -> pd.Series:
        n = len(values)
        half = student_t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n) if n > 1 else math.nan
        return pd.Series({"mean": values.mean(), "low": values.mean() - half, "high": values.mean() + half})
    return effects.groupby("measure", sort=False)["value"].apply(interval).unstack()


def beside(low: float, high: float, published: Published) -> str:
    """Where the model's interval [low, high] lies against the published range: "below",
    "above" or "overlaps"."""
    if high < published.low:
        return "below"
    if published.high is not None and low > published.high:
        return "above"
    return "overlaps"


#: the columns of :func:`literature_table`
TABLE_COLUMNS = ("lever (the model's experiment)", "model measures", "model", "95 % interval", "published",
                 "source", "model beside published")


def literature_table(effects: pd.DataFrame, experiments=EXPERIMENTS) -> pd.DataFrame:
    """One row per measure set beside a published estimate: the lever, what the model measures,
    its mean and 95 % interval, the published estimate, its source and where the model lies."""
    found = estimates(effects)
    rows = []
    for experiment in experiments:
        for m, key in ((m, key) for m in experiment.measures for key in m.published):
            published, (mean, low, high) = PUBLISHED[key], found.loc[m.name, ["mean", "low", "high"]]
            rows.append((experiment.lever, m.label, f"{mean:+.1f} {m.unit}", f"{low:+.1f} to {high:+.1f}",
                         f"{published.size()}: {published.finding}", published.source, beside(low, high, published)))
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


# ------------------------------------------------------------------ the page's section
def literature_section(effects: pd.DataFrame) -> str:
    """The markdown section of docs/validation.md: the table and how each design differs."""
    summary = estimates(effects)
    found = summary["mean"]

    def share(component: str) -> str:
        row = summary.loc[f"{component}_share"]
        return f"{row['mean']:.0f} % [{row['low']:.0f}, {row['high']:.0f}]"

    gap = summary.loc["entry_over_relocation"]
    verdict = ("more" if gap["mean"] > 0 else "less") + " than relocation, " + (
        "and the interval of the difference excludes zero" if gap["low"] > 0 or gap["high"] < 0
        else f"but with {effects['seed'].nunique()} seeds the interval of the difference includes zero")

    seeds, firms = effects["seed"].nunique(), int(effects["firms"].iloc[0])
    zones, city_in_province = PUBLISHED["zones"].low, PUBLISHED["zones_province"].low
    designs = "\n".join(f"- {source}: {design}." for source, design in
                        dict.fromkeys((p.source, p.design) for p in PUBLISHED.values()))
    return f"""## 5. The levers beside published estimates

Each published quasi-experimental estimate is set beside the model's own experiment: the lever
against its counterfactual, {seeds} seeds with common random numbers, {firms:,} firms, China mode
from today's start, nothing tuned to the estimate (`src/transfer_sim/literature.py`). The model's
number is the mean paired effect over the seeds and its 95 % interval mean ± t·sd/√n; percentage
effects are 100 × the log difference, the unit of the published difference-in-differences
coefficients. The levers keep the presets' sizes: nest building is the `cage_and_nest` preset's
(`nest_investment` {ZONE.nest_investment:g} bn CNY a year, `nest_subsidy` {ZONE.nest_subsidy:g}) in
{ZONE_PROVINCE} alone, the free trade zone the `fifteenth_plan` preset's `ftz_trade_cost_cut`
({FTZ.ftz_trade_cost_cut:g}) in {FTZ_PROVINCE} alone. The last column says whether the model's
interval lies below or above the published value or range, or overlaps it.

{markdown(literature_table(effects), "")}

The published designs:

{designs}

How the model's experiments differ, and what that means for the comparison:

- **The railway.** The published estimate compares destinations: European countries the express
  reaches against the others, so what is common to all of them (China's costs, world demand, the
  sea route) cancels. The model has one Europe market and switches the whole express off for every
  hub from a start calibrated with it running; its number is China's total exports to Europe, net
  of what moves back to the seaports, {YEARS} years after the closure rather than over the express's
  build-up of 2011-2019. Both are log differences of exports to Europe with and without the express.
- **Development zones, province vs city.** The published effect is on a prefecture-level city,
  the model's on a province, where a zone is a far smaller share of the economy. If one of
  {ZONE_PROVINCE}'s {ZONE_PROVINCE_CITIES} prefecture-level cities of average size grew by the
  published {zones:g} %, the province would grow by about {city_in_province:.1f} % (the table's
  second zone row); the model's programme raises {ZONE_PROVINCE}'s GDP by {found["zone_gdp"]:.1f} %,
  as much as {found["zone_gdp"] / city_in_province:.1f} such zones. It costs
  {found["zone_cost_pct_gdp"]:.2f} % of the province's GDP a year and adds {found["zone_gdp_bn"]:.0f} bn CNY
  to its GDP in the last year, {found["zone_gdp_per_bn"]:.2f} CNY a year for every CNY spent over the
  {YEARS} years. The model has no zone inside a province, so the two can only be set side by side
  at this scale: per province, or per CNY spent. The published
  comparison cities include neighbours that may lose firms to the zone, which a city DID counts as
  part of the effect; the model's counterfactual is the same economy without the programme, the
  other provinces' governments responding.
- **The free trade zone.** The model's lever cuts the trade-cost margin to markets abroad for all
  of {FTZ_PROVINCE}'s industrial firms; the 2013 zone covered a few bonded areas of under 30 km²,
  and its measured gain came mostly from services (finance, trade), which the lever does not
  touch. The model's first year is its first simulated year in today's economy, not 2014, and
  its counterfactual is the same economy without the zone where the published one is built from
  other provinces' growth. The model's number is thus the first-year effect of a province-wide cut
  in export costs, the published one that of an institutional pilot in part of the city.
- **Entry vs relocation.** Of {ZONE_PROVINCE}'s net gain in industrial jobs from the programme over
  {YEARS} years (95 % intervals in brackets), entry contributes {share("entry")}, relocation
  {share("relocation")}, incumbents' growth {share("growth")} and exit {share("exit")} (exit
  counts the jobs closures take away: a negative share means more closures). Entry contributes
  {verdict}. The model's relocation is across provinces only: a move within {ZONE_PROVINCE}
  changes none of its jobs, where the published relocation includes moves into a zone from nearby
  areas of the same city. The nest subsidy pays every arrival, a newcomer or a firm that moves in.
"""
