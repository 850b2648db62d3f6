"""Every lever moves its metric the way economics says.

Each check runs the lever and its counterfactual with the same seeds (common random
numbers) and asks that the mean paired difference exceed three standard errors.
"""

import numpy as np
import pytest

import transfer_sim as ts
from transfer_sim.metrics import resilience

SEEDS = range(5)
FIRMS = 3000
YEARS = 10
EAST = ts.Geography.china().regions_in("east")
CE_HUBS = ["Chongqing", "Sichuan", "Shaanxi", "Henan", "Hubei", "Xinjiang"]
LAND_SEA_HUBS = ["Chongqing", "Sichuan", "Guizhou", "Yunnan", "Gansu", "Guangxi"]
EXPORT_ORIENTED = ["electronics", "labour_intensive"]


def run(policy: ts.Policy, seed: int, years: int = YEARS, firms: int = FIRMS) -> ts.TransferModel:
    return ts.TransferModel(policy=policy, n_firms=firms, seed=seed).run(years)


def paired(metric, treated: ts.Policy, control: ts.Policy, years: int = YEARS, firms: int = FIRMS) -> np.ndarray:
    """metric(treated run) - metric(control run), one value per seed."""
    return np.array([metric(run(treated, s, years, firms)) - metric(run(control, s, years, firms)) for s in SEEDS])


def assert_positive(differences: np.ndarray) -> None:
    se = differences.std(ddof=1) / np.sqrt(len(differences))
    assert differences.mean() > 3 * se, f"mean {differences.mean():.4g} vs 3 SE {3 * se:.4g}: {differences}"
    assert differences.mean() > 0


# metrics on the last simulated year -------------------------------------------------
def last(frame):
    return frame[frame["year"] == frame["year"].max()]


def firm_share(regions=None, sectors=None):
    """Share of (some sectors') firms located in some regions in the last year."""
    def metric(model):
        table = last(model.results.sectors)
        chosen = table if sectors is None else table[table["sector"].isin(sectors)]
        inside = chosen if regions is None else chosen[chosen["region"].isin(regions)]
        return inside["firms"].sum() / (table["firms"].sum() if regions is None else chosen["firms"].sum())
    return metric


def output_share(regions, sectors, year=None):
    """Share of national output made by some sectors in some regions (default: last year)."""
    def metric(model):
        table = model.results.sectors
        table = table[table["year"] == (year or table["year"].max())]
        inside = table[table["region"].isin(regions) & table["sector"].isin(sectors)]
        return inside["output"].sum() / table["output"].sum()
    return metric


def summary_total(column):
    return lambda model: model.results.summary[column].iloc[1:].sum()


BASE = ts.Policy()


def test_higher_barriers_mean_fewer_cross_province_moves():
    assert_positive(paired(summary_total("cross_province_relocations"), BASE, ts.Policy(admin_barrier=0.4)))


def test_removing_barriers_raises_cross_province_moves():
    assert_positive(paired(summary_total("cross_province_relocations"), ts.Policy(barrier_removal_rate=0.3), BASE))


def test_digital_infrastructure_helps_remote_regions():
    west = ts.Geography.china().regions_in("west")
    assert_positive(paired(firm_share(regions=west), ts.Policy(digital_infrastructure=1.0), BASE))


def test_cage_fee_moves_low_end_industry_out_of_the_east():
    low_end = ["labour_intensive", "resource_processing"]
    metric = firm_share(regions=EAST, sectors=low_end)
    assert_positive(paired(metric, BASE, ts.Policy(cage_fee=0.02)))


def test_upgrade_subsidy_raises_upgrading():
    assert_positive(paired(summary_total("upgrades"), ts.Policy(upgrade_subsidy=0.5), BASE))


def test_nest_investment_raises_the_target_regions_share():
    policy = ts.Policy(nest_investment=200.0, nest_regions=["Henan"], nest_build_lag=1)
    assert_positive(paired(firm_share(regions=["Henan"]), policy, BASE))


def test_nest_subsidy_attracts_firms_to_the_target_regions():
    policy = ts.Policy(nest_subsidy=0.3, nest_regions=["Guizhou", "Yunnan"])
    assert_positive(paired(firm_share(regions=["Guizhou", "Yunnan"]), policy, BASE))


def test_nest_investment_builds_land_after_the_lag():
    model = run(ts.Policy(nest_investment=100.0, nest_regions=["Anhui"], nest_build_lag=3), 0, years=5)
    cap = model.results.regions.query("region == 'Anhui'").set_index("year")["land_cap"]
    assert cap.loc[2028] == cap.loc[2025] < cap.loc[2029] < cap.loc[2030]


def test_corridors_raise_hub_provinces_export_oriented_firms():
    metric = firm_share(regions=CE_HUBS, sectors=EXPORT_ORIENTED)
    corridors = ts.Policy(corridor_capacity=5.0, corridor_discount=0.9)
    assert_positive(paired(metric, corridors, BASE, years=15, firms=10_000))


def test_closing_the_china_europe_express_hurts_its_hubs():
    metric = output_share(CE_HUBS, EXPORT_ORIENTED, year=2026)  # the first year, before anyone moves
    assert_positive(paired(metric, BASE, ts.Policy(china_europe_express=False), years=1))


def test_closing_the_land_sea_corridor_hurts_its_hubs():
    metric = output_share(LAND_SEA_HUBS, EXPORT_ORIENTED, year=2026)
    assert_positive(paired(metric, BASE, ts.Policy(land_sea_corridor=False), years=1))


def test_free_trade_zone_trade_cost_cut_draws_exporters():
    policy = ts.Policy(ftz_regions=["Sichuan", "Henan"], ftz_trade_cost_cut=0.5)
    metric = firm_share(regions=["Sichuan", "Henan"], sectors=EXPORT_ORIENTED)
    assert_positive(paired(metric, policy, BASE))


def test_free_trade_zone_export_subsidy_draws_exporters():
    policy = ts.Policy(ftz_regions=["Sichuan", "Henan"], ftz_export_subsidy=0.05)
    metric = firm_share(regions=["Sichuan", "Henan"], sectors=EXPORT_ORIENTED)
    assert_positive(paired(metric, policy, BASE))


def test_hinterland_subsidy_moves_strategic_sectors_inland():
    inland = ts.Geography.china().regions_in("central", "west")
    strategic = ["resource_processing", "equipment", "new_energy", "frontier_tech"]
    assert_positive(paired(firm_share(regions=inland, sectors=strategic), ts.Policy(hinterland_subsidy=0.3), BASE))


def test_frontier_subsidy_grows_emerging_sectors():
    emerging = ["new_energy", "frontier_tech"]
    assert_positive(paired(firm_share(sectors=emerging), ts.Policy(frontier_subsidy=0.3), BASE))


def test_national_coordination_raises_returns_of_emerging_sectors():
    def emerging_margin(model):
        firms = model.firms
        emerging = np.isin(firms.sector, [model.sectors.index("new_energy"), model.sectors.index("frontier_tech")])
        return firms.profit[emerging].sum() / firms.revenue[emerging].sum()
    assert_positive(paired(emerging_margin, ts.Policy(national_coordination=True), BASE))


def test_more_zoning_headroom_lets_more_firms_settle():
    def settled(model):
        return model.results.summary["firms"].iloc[-1]
    assert_positive(paired(settled, ts.Policy(land_headroom=1.0), ts.Policy(land_headroom=0.0)))


def test_ecological_zones_bar_heavy_polluters():
    zones = ["Inner Mongolia", "Ningxia", "Qinghai"]
    metric = firm_share(regions=zones, sectors=["resource_processing"])
    assert_positive(paired(metric, BASE, ts.Policy(ecological_zones=zones)))


def test_profit_subsidy_draws_firms_to_the_region():
    assert_positive(paired(firm_share(regions=["Gansu"]), ts.Policy(profit_subsidy={"Gansu": 0.3}), BASE))


def test_coastal_shock_cuts_output_while_it_lasts():
    shock = ts.Shock(kind="coastal_demand", year=2028, size=0.3, duration=3)
    def output_2029(model):
        return model.results.summary.set_index("year").loc[2029, "output"]
    assert_positive(paired(output_2029, BASE, ts.Policy(shocks=[shock])))


def test_regional_disaster_cuts_the_regions_output():
    shock = ts.Shock(kind="regional_disaster", year=2027, size=0.5, duration=2, regions=["Sichuan"])
    def sichuan_2027(model):
        return model.results.regions.query("region == 'Sichuan' and year == 2027")["output"].iloc[0]
    assert_positive(paired(sichuan_2027, BASE, ts.Policy(shocks=[shock])))


def test_corridor_disruption_hurts_corridor_hubs():
    shock = ts.Shock(kind="corridor_disruption", year=2026, size=1.0, duration=10)
    metric = output_share(CE_HUBS + LAND_SEA_HUBS, EXPORT_ORIENTED)
    assert_positive(paired(metric, BASE, ts.Policy(shocks=[shock])))


def test_strategic_hinterland_reduces_output_loss_under_a_coastal_shock():
    shock_year = 2028
    def loss(policy_with_shock: ts.Policy, seed: int) -> float:
        shocked = run(policy_with_shock, seed, firms=10_000).results.summary
        reference = run(policy_with_shock.with_changes(shocks=[]), seed, firms=10_000).results.summary
        return resilience(shocked, reference, shock_year)["impact"]
    differences = np.array([
        loss(ts.Policy.preset("coastal_shock"), s) - loss(ts.Policy.preset("hinterland_shock"), s) for s in SEEDS
    ])
    assert_positive(differences)


@pytest.mark.parametrize("name", list(ts.PRESETS))
def test_every_preset_runs_and_reports_its_fiscal_cost(name):
    model = run(ts.Policy.preset(name), 0, years=3)
    fiscal = model.results.fiscal
    assert set(fiscal["year"]) == {2025, 2026, 2027, 2028}
    spends = name in {"cage_and_nest", "hinterland_shock", "fifteenth_plan"}
    assert (model.results.summary["fiscal_cost"].iloc[1:] > 0).all() == spends


def test_levers_can_change_during_a_run():
    """set_policy takes effect from the next year; a changed-midway run differs from then on."""
    steady = run(BASE, 1, years=3)
    switched = ts.TransferModel(n_firms=FIRMS, seed=1).run(1)
    switched.set_policy(ts.Policy(cage_fee=0.05))
    switched.run(2)
    a, b = steady.results.summary.set_index("year"), switched.results.summary.set_index("year")
    assert a.loc[:2026].equals(b.loc[:2026])
    east_low_end = firm_share(regions=EAST, sectors=["labour_intensive", "resource_processing"])
    assert east_low_end(switched) < east_low_end(steady)
    with pytest.raises(ts.PolicyError, match="Atlantis"):
        switched.set_policy(ts.Policy(profit_subsidy={"Atlantis": 0.1}))
    assert switched.policy.cage_fee == 0.05  # a refused policy changes nothing
