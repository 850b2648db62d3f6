"""The start year reproduces the data: provincial and macro-regional GDP shares."""

import numpy as np
import pandas as pd
import pytest

import transfer_sim as ts
from transfer_sim.calibration import apportion

DATA = pd.read_csv(
    __import__("importlib.resources").resources.files("transfer_sim") / "data" / "provinces.csv",
    dtype={"code": str},
)


def start_shares(model):
    start = model.results.regions.query("year == @model.start_year")
    return start.assign(share=start["value_added"] / start["value_added"].sum())


@pytest.mark.parametrize(("n_firms", "seed"), [(20_000, 1), (2_000, 7), (250, 3)])
def test_province_value_added_matches_gdp_share(n_firms, seed):
    shares = start_shares(ts.TransferModel(n_firms=n_firms, seed=seed)).set_index("region_code")["share"]
    target = DATA.set_index("code")["gdp_2023_bn_cny"]
    target = target / target.sum()
    assert (shares - target).abs().max() * 100 < 1.0


def test_macro_region_value_added_matches_data():
    shares = start_shares(ts.TransferModel(n_firms=5_000, seed=2)).groupby("macro_region")["share"].sum()
    target = DATA.groupby("macro_region")["gdp_2023_bn_cny"].sum()
    target = target / target.sum()
    assert ((shares - target).abs() * 100 < 0.5).all()
    assert shares["east"] == pytest.approx(0.52, abs=0.01)  # the east holds about half of GDP


def test_national_value_added_is_national_gdp():
    model = ts.TransferModel(n_firms=3_000, seed=4)
    start = model.results.summary.iloc[0]
    assert start["value_added"] == pytest.approx(DATA["gdp_2023_bn_cny"].sum(), rel=1e-6)


def test_firms_are_spread_like_gdp_with_at_least_one_each():
    model = ts.TransferModel(n_firms=1_000, seed=5)
    firms = model.results.regions.query("year == 2025").set_index("region_code")["firms"]
    assert firms.sum() == 1_000 and (firms >= 1).all()
    expected = DATA.set_index("code")["gdp_2023_bn_cny"] / DATA["gdp_2023_bn_cny"].sum() * 1_000
    assert (firms - expected).abs().max() <= 1.5


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
    assert yearly.between(0.005, 0.04).all()  # a few percent of firms move each year


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
    shares = start_shares(model).groupby("macro_region")["share"].sum()
    target = panel.groupby("macro_region")["gdp_bn_cny"].sum()
    assert ((shares - target / target.sum()).abs() * 100 < 0.5).all()
    assert shares["east"] == pytest.approx(0.5534, abs=0.001)  # the east's GDP share in 2005
    with pytest.raises(ValueError, match="year must be between 2004 and 2023"):
        ts.Geography.china(year=1999)
