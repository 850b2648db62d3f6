"""The start year reproduces the data: provincial and macro-regional GDP shares."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import transfer_sim as ts
from transfer_sim.calibration import apportion

DATA = pd.read_csv(
    __import__("importlib.resources").resources.files("transfer_sim") / "data" / "provinces.csv",
    dtype={"code": str},
)


def start_year(model):
    return model.results.regions.query("year == @model.start_year").set_index("region_code")


@pytest.mark.parametrize(("n_firms", "seed"), [(20_000, 1), (2_000, 7), (250, 3)])
def test_province_gdp_and_secondary_shares_match_the_data(n_firms, seed):
    start = start_year(ts.TransferModel(n_firms=n_firms, seed=seed))
    data = DATA.set_index("code")
    gdp_share = start["gdp"] / start["gdp"].sum()
    assert (gdp_share - data["gdp_2023_bn_cny"] / data["gdp_2023_bn_cny"].sum()).abs().max() * 100 < 1.0
    secondary = (start["industry_va"] + start["construction_va"]) / start["gdp"] * 100
    assert (secondary - data["secondary_share_2023"]).abs().max() < 1.0


def test_gdp_is_the_sum_of_its_sectors_in_every_year():
    model = ts.TransferModel(n_firms=3_000, seed=2, policy=ts.Policy.preset("cage_and_nest")).run(4)
    regions = model.results.regions
    parts = regions[["industry_va", "construction_va", "services_va", "agriculture_va"]].sum(axis=1)
    np.testing.assert_allclose(regions["gdp"], parts, rtol=1e-12)
    np.testing.assert_array_equal(regions["industry_va"], regions["value_added"])
    summary = model.results.summary.set_index("year")
    np.testing.assert_allclose(summary["gdp"], regions.groupby("year")["gdp"].sum(), rtol=1e-12)


def test_services_and_agriculture_weights_scale_only_their_sectors():
    """A national turn to services: W_s scales every province's services and W_a its agriculture;
    industry and construction, and where construction and services are, stay as they were."""
    model = ts.TransferModel(n_firms=3_000, seed=5).run(2)
    before = model.accounts(model.earnings)
    model.services_weight = 1.5
    services_only = model.accounts(model.earnings)
    model.agriculture_weight = 0.8
    after = model.accounts(model.earnings)
    np.testing.assert_array_equal(after.industry, before.industry)
    np.testing.assert_array_equal(after.construction, before.construction)
    np.testing.assert_allclose(after.services, 1.5 * before.services, rtol=1e-12)
    np.testing.assert_allclose(after.agriculture, 0.8 * before.agriculture, rtol=1e-12)
    # the east holds more of the services than of GDP, so services weighing more raise its GDP share
    east = model.geography.macro_region == "east"
    share = lambda a: a.gdp[east].sum() / a.gdp.sum()
    assert before.services[east].sum() / before.services.sum() > share(before)
    assert share(services_only) > share(before)


def test_macro_region_gdp_matches_data():
    start = start_year(ts.TransferModel(n_firms=5_000, seed=2))
    shares = start.groupby("macro_region")["gdp"].sum() / start["gdp"].sum()
    target = DATA.groupby("macro_region")["gdp_2023_bn_cny"].sum()
    target = target / target.sum()
    assert ((shares - target).abs() * 100 < 0.5).all()
    assert shares["east"] == pytest.approx(0.52, abs=0.01)  # the east holds about half of GDP


def test_national_accounts_of_the_start_year():
    """GDP is the data's; industry is its secondary sector less construction; exports and
    industrial profits are near their national shares of GDP (2023: 18.9 % and 6.1 %)."""
    model = ts.TransferModel(n_firms=3_000, seed=4)
    start = model.results.summary.iloc[0]
    regions = start_year(model)
    assert start["gdp"] == pytest.approx(DATA["gdp_2023_bn_cny"].sum(), rel=1e-9)
    assert regions["exports"].sum() / start["gdp"] == pytest.approx(0.189, abs=0.005)
    assert model.firms.profit.sum() / start["gdp"] == pytest.approx(0.061, abs=0.01)
    assert start["value_added"] / start["gdp"] == pytest.approx(0.383 - 0.068, abs=0.01)


@pytest.mark.parametrize(("year", "exports"), [(2005, 0.334), (2019, 0.175)])
def test_an_earlier_start_has_that_years_exports(year, exports):
    model = ts.TransferModel(geography=ts.Geography.china(year=year), start_year=year, n_firms=3_000, seed=1)
    start = model.results.regions.query("year == @year")
    assert start["exports"].sum() / start["gdp"].sum() == pytest.approx(exports, abs=0.005)


def test_productivity_does_not_stand_in_for_market_access():
    """Productivity is 1 up to the finite draw, so what a province's firms sell follows its
    market access (and unit costs), and its output is carried by its number of firms."""
    model = ts.TransferModel(n_firms=20_000, seed=5)
    c = model.calibration
    assert np.abs(np.log(c.productivity)).max() < 0.05
    start = start_year(model)
    assert start["firms"].sum() == 20_000 and (start["firms"] >= 1).all()
    revenue_per_firm = start["output"] / start["firms"]
    assert np.corrcoef(np.log(revenue_per_firm), np.log(c.market_access))[0, 1] > 0.8


def test_calibration_exposes_productivity_and_market_access():
    c = ts.TransferModel(n_firms=20_000, seed=1).calibration
    assert c.productivity.shape == c.market_access.shape == (31,)
    assert np.exp(np.mean(np.log(c.productivity))) == pytest.approx(1.0)
    assert np.exp(np.mean(np.log(c.market_access))) == pytest.approx(1.0)
    assert 0.5 < c.productivity.min() and c.productivity.max() < 2.0


def test_apportion_is_exact_and_proportional():
    counts = apportion(100, np.array([1.0, 2.0, 7.0]), minimum=0)
    assert counts.tolist() == [10, 20, 70]
    assert apportion(10, np.array([0.001, 1.0]), minimum=1).tolist() == [1, 9]
    with pytest.raises(ValueError, match="at least 3 firms"):
        apportion(2, np.ones(3))


def test_baseline_starts_near_its_stationary_state():
    """Location constants make the status quo calm: macro shares drift little in 15 years."""
    model = ts.TransferModel(n_firms=20_000, seed=1).run(15)
    regions = model.results.regions
    shares = regions.groupby(["year", "macro_region"])["firms"].sum().unstack()
    shares = shares.div(shares.sum(axis=1), axis=0)
    assert (shares.iloc[-1] - shares.iloc[0]).abs().max() < 0.02
    yearly = model.results.summary["relocations"].iloc[1:] / model.results.summary["firms"].iloc[:-1].to_numpy()
    assert yearly.between(0.002, 0.01).all()  # well under 1 % of firms move across provinces a year
    firms = model.results.summary["firms"]
    assert abs(firms.iloc[-1] / firms.iloc[0] - 1) < 0.03  # no drift in the number of firms


@pytest.mark.parametrize("change", [{"move_cost_fixed": 1.0}, {"move_cost_fixed": 3.0}, {"barrier_move_cost": 0.0}],
                         ids=["moving cost 1", "moving cost 3", "no barrier cost"])
def test_moving_costs_alone_move_no_macro_region(change):
    """The stationary start does not lock moving costs in: with profits untouched, changing a
    moving-cost parameter moves no macro-region's share of industry by as much as half a point."""
    def shares(params, seed):
        model = ts.TransferModel(n_firms=20_000, seed=seed, params=params).run(15)
        last = model.results.regions.query("year == @model.year")
        return last.groupby("macro_region")["industry_va"].sum() / last["industry_va"].sum()
    base = ts.EconomyParams()
    changed = replace(base, **change)
    difference = sum(shares(changed, seed) - shares(base, seed) for seed in (1, 2, 3)) / 3
    assert (100 * difference).abs().max() < 0.5, difference


def test_sector_mix_follows_the_stylised_regional_profile():
    model = ts.TransferModel(n_firms=20_000, seed=1)
    sectors = model.results.sectors.query("year == 2025").merge(
        model.results.regions.query("year == 2025")[["region", "macro_region"]], on="region")
    mix = sectors.groupby(["macro_region", "sector"])["firms"].sum().unstack()
    mix = mix.div(mix.sum(axis=1), axis=0)
    assert mix.loc["east", "frontier_tech"] > 2 * mix.loc["west", "frontier_tech"]
    assert mix.loc["west", "resource_processing"] > mix.loc["east", "resource_processing"]


def test_an_earlier_start_year_reproduces_that_years_shares():
    panel = pd.read_csv(
        __import__("importlib.resources").resources.files("transfer_sim") / "data" / "history_panel.csv",
        dtype={"code": str},
    ).query("year == 2005")
    model = ts.TransferModel(geography=ts.Geography.china(year=2005), start_year=2005, n_firms=3_000, seed=1)
    start = start_year(model)
    shares = start.groupby("macro_region")["gdp"].sum() / start["gdp"].sum()
    target = panel.groupby("macro_region")["gdp_bn_cny"].sum()
    assert ((shares - target / target.sum()).abs() * 100 < 0.5).all()
    assert shares["east"] == pytest.approx(0.5534, abs=0.001)  # the east's GDP share in 2005
    with pytest.raises(ValueError, match="year must be between 2004 and 2023"):
        ts.Geography.china(year=1999)
