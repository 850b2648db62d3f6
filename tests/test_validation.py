"""Bad input fails early, with a message that names the field, the value and what is allowed.

Valid values at the edges of each range are accepted, so the checks are not merely strict.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from pydantic import ValidationError

import transfer_sim as ts

PHI = [[1, 0.3], [0.3, 1]]


def only_error(excinfo) -> dict:
    errors = excinfo.value.errors()
    assert len(errors) == 1, errors
    return errors[0]


# policy levers -------------------------------------------------------------------------------
def test_unknown_lever_is_named_with_a_suggestion_and_the_allowed_levers():
    with pytest.raises(ValidationError, match=r"unknown lever 'cage_feee' \(did you mean 'cage_fee'\?\)") as excinfo:
        ts.Policy(cage_feee=0.1)
    message = str(excinfo.value)
    assert "allowed levers:" in message
    for lever in ("cage_fee", "nest_investment", "land_headroom", "shocks"):
        assert lever in message


def test_unknown_lever_without_a_close_match_still_lists_the_levers():
    with pytest.raises(ValidationError, match=r"unknown lever 'xyz'; allowed levers: admin_barrier, ") as excinfo:
        ts.Policy(xyz=1)
    assert "did you mean" not in str(excinfo.value)


def test_a_misspelt_lever_in_with_changes_is_caught_too():
    with pytest.raises(ValidationError, match=r"unknown lever 'nest_subsidyy'.*did you mean 'nest_subsidy'"):
        ts.Policy.preset("cage_and_nest").with_changes(nest_subsidyy=0.1)


@pytest.mark.parametrize(("lever", "value", "bound", "kind"), [
    ("cage_fee", 0.5, 0.1, "less_than_equal"),
    ("cage_fee", -0.01, 0, "greater_than_equal"),
    ("nest_investment", 2500.0, 2000, "less_than_equal"),
    ("land_headroom", -0.1, 0, "greater_than_equal"),
    ("barrier_removal_rate", 1.5, 1, "less_than_equal"),
    ("corridor_capacity", 0.05, 0.1, "greater_than_equal"),
    ("nest_build_lag", 11, 10, "less_than_equal"),
])
def test_out_of_range_lever_names_field_value_and_bound(lever, value, bound, kind):
    with pytest.raises(ValidationError) as excinfo:
        ts.Policy(**{lever: value})
    error = only_error(excinfo)
    assert error["loc"] == (lever,)
    assert error["type"] == kind
    assert error["input"] == value
    assert list(error["ctx"].values()) == [bound]
    message = str(excinfo.value)
    assert re.search(rf"^{lever}$", message, re.MULTILINE)
    assert f"input_value={value}" in message
    assert re.search(rf"(less|greater) than or equal to {bound}\b", message)


def test_cage_fee_above_its_cap_message():
    with pytest.raises(ValidationError, match=r"(?s)cage_fee\n.*less than or equal to 0\.1.*input_value=0\.5"):
        ts.Policy(cage_fee=0.5)


@pytest.mark.parametrize("lever", ["cage_fee", "nest_subsidy", "land_headroom"])
def test_nan_is_not_a_lever_value(lever):
    with pytest.raises(ValidationError, match=rf"(?s){lever}\n.*input_value=nan"):
        ts.Policy(**{lever: float("nan")})


def test_edges_of_the_ranges_are_accepted():
    policy = ts.Policy(cage_fee=0.1, nest_investment=2000, land_headroom=0, barrier_removal_rate=1,
                       nest_build_lag=10, corridor_capacity=0.1, profit_subsidy={"Beijing": 1.0})
    assert policy.cage_fee == 0.1 and policy.nest_build_lag == 10


def test_wrong_type_names_the_field_the_value_and_the_expected_type():
    with pytest.raises(ValidationError, match=r"(?s)nest_build_lag\n.*valid integer.*input_value='soon'") as excinfo:
        ts.Policy(nest_build_lag="soon")
    error = only_error(excinfo)
    assert error["loc"] == ("nest_build_lag",) and error["type"] == "int_type"
    with pytest.raises(ValidationError, match=r"(?s)national_coordination\n.*valid boolean.*input_value='maybe'"):
        ts.Policy(national_coordination="maybe")
    with pytest.raises(ValidationError, match=r"(?s)ecological_zones\n.*valid list.*input_value='Tibet'"):
        ts.Policy(ecological_zones="Tibet")


def test_profit_subsidy_rate_outside_zero_one():
    with pytest.raises(ValidationError, match=r"profit_subsidy\n.*rate for 'Beijing' is 1\.5; .* share in \[0, 1\]"):
        ts.Policy(profit_subsidy={"Beijing": 1.5})


def test_unknown_sector_in_cage_sectors():
    with pytest.raises(ValidationError, match=r"(?s)cage_sectors\n.*unknown sector 'steel'; allowed sectors: ") as excinfo:
        ts.Policy(cage_sectors=["labour_intensive", "steel"])
    for sector in ts.SECTORS:
        assert sector in str(excinfo.value)
    assert ts.Policy(cage_sectors=["labour_intensive"]).cage_sectors == ["labour_intensive"]


def test_unknown_preset_lists_the_presets():
    with pytest.raises(ValueError, match=r"unknown preset 'fifteenth-plan'; allowed presets: ") as excinfo:
        ts.Policy.preset("fifteenth-plan")
    for name in ts.PRESETS:
        assert name in str(excinfo.value)
    for name in ts.PRESETS:  # and every listed preset is a valid policy
        assert isinstance(ts.Policy.preset(name), ts.Policy)


def test_shock_fields_are_checked():
    with pytest.raises(ValidationError, match=r"(?s)kind\n.*'coastal_demand', 'corridor_disruption' or "
                                              r"'regional_disaster'.*input_value='flood'"):
        ts.Shock(kind="flood", year=2027)
    with pytest.raises(ValidationError, match=r"(?s)size\n.*less than or equal to 1.*input_value=1\.5"):
        ts.Shock(kind="coastal_demand", year=2027, size=1.5)
    with pytest.raises(ValidationError, match=r"(?s)shocks\.0\.duration\n.*greater than or equal to 1"):
        ts.Policy(shocks=[{"kind": "coastal_demand", "year": 2027, "duration": 0}])


# regions, checked against the geography when the model is built ------------------------------
def test_unknown_region_in_profit_subsidy():
    policy = ts.Policy(profit_subsidy={"Atlantis": 0.1})  # a policy does not know its geography
    with pytest.raises(ts.PolicyError, match=r"profit_subsidy: unknown region 'Atlantis'; allowed regions: ") as excinfo:
        ts.TransferModel(policy=policy, n_firms=300)
    assert isinstance(excinfo.value, ValueError)
    message = str(excinfo.value)
    for region in ("Beijing", "Guangdong", "Xinjiang"):
        assert region in message


@pytest.mark.parametrize(("policy", "field"), [
    (ts.Policy(nest_regions=["Sichuan", "Szechuan"]), "nest_regions"),
    (ts.Policy(ecological_zones=["Tibet", "Atlantis"]), "ecological_zones"),
    (ts.Policy(shocks=[{"kind": "regional_disaster", "year": 2027, "regions": ["Atlantis"]}]), r"shocks\[0\]\.regions"),
])
def test_unknown_region_in_any_region_field(policy, field):
    with pytest.raises(ts.PolicyError, match=rf"{field}: unknown region '(Szechuan|Atlantis)'; allowed regions: .*Beijing"):
        ts.TransferModel(policy=policy, n_firms=300)


def test_regions_are_checked_against_the_geography_in_use():
    geography = ts.Geography.abstract([0.6, 0.4], PHI, names=["North", "South"])
    with pytest.raises(ts.PolicyError, match=r"ecological_zones: unknown region 'Tibet'; allowed regions: North, South"):
        ts.TransferModel(geography=geography, policy=ts.Policy(ecological_zones=["Tibet"]), n_firms=300)
    # codes are accepted as well as names
    assert ts.TransferModel(policy=ts.Policy(profit_subsidy={"11": 0.1}), n_firms=300, seed=1).levers.profit_subsidy[0] == 0.1


# model arguments ------------------------------------------------------------------------------
@pytest.mark.parametrize(("kwargs", "pattern"), [
    ({"economy": "x"}, r"economy must be one of full, footloose_capital; got 'x'"),
    ({"n_firms": 5}, r"n_firms must be a whole number >= 217 .*got 5$"),
    ({"n_firms": 1000.0}, r"n_firms must be a whole number .*got 1000\.0$"),
    ({"n_firms": True}, r"n_firms must be a whole number .*got True$"),
    ({"seed": -3}, r"seed must be a whole number >= 0 or None, got -3$"),
    ({"seed": 1.5}, r"seed must be a whole number >= 0 or None, got 1\.5$"),
    ({"start_year": 1800}, r"start_year must be a calendar year between 1900 and 2200, got 1800$"),
])
def test_bad_model_arguments(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        ts.TransferModel(**{"n_firms": 300, **kwargs})


@pytest.mark.parametrize(("kwargs", "pattern"), [
    ({"logit_beta": -1}, r"logit_beta must be a positive number, got -1$"),
    ({"logit_beta": 0}, r"logit_beta must be a positive number, got 0$"),
    ({"logit_beta": float("inf")}, r"logit_beta must be a positive number, got inf$"),
    ({"relocation_rate": 2}, r"relocation_rate must be a share in \[0, 1\], got 2$"),
    ({"relocation_rate": -0.1}, r"relocation_rate must be a share in \[0, 1\], got -0\.1$"),
    ({"relocation_rate": True}, r"relocation_rate must be a share in \[0, 1\], got True"),
])
def test_bad_behavioural_parameters(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        ts.EconomyParams(**kwargs)


def test_params_must_be_economy_params():
    with pytest.raises(TypeError, match=r"params must be a transfer_sim\.EconomyParams, got dict"):
        ts.TransferModel(n_firms=300, params={"logit_beta": 5})


def test_n_firms_bound_follows_the_geography():
    geography = ts.Geography.abstract([0.5, 0.3, 0.2], np.full((3, 3), 0.5))
    with pytest.raises(ValueError, match=r"n_firms must be a whole number >= 3 .*got 2$"):
        ts.TransferModel(geography=geography, economy="footloose_capital", n_firms=2)
    assert ts.TransferModel(geography=geography, economy="footloose_capital", n_firms=3).firms.count == 3


@pytest.mark.parametrize(("kwargs", "pattern"), [
    ({"geography": "china"}, r"geography must be a transfer_sim\.Geography, got str"),
    ({"policy": {"cage_fee": 0.01}}, r"policy must be a transfer_sim\.Policy .*got dict"),
])
def test_wrong_object_types(kwargs, pattern):
    with pytest.raises(TypeError, match=pattern):
        ts.TransferModel(n_firms=300, **kwargs)


# one firm per region is accepted; its calibration overflows (see test_invariants, small populations)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_edge_arguments_are_accepted():
    model = ts.TransferModel(n_firms=217, seed=0, params=ts.EconomyParams(relocation_rate=1, logit_beta=1e-3))
    assert model.firms.count == 217
    model = ts.TransferModel(n_firms=np.int64(300), seed=7, params=ts.EconomyParams(relocation_rate=0))
    assert model.run(0) is model and model.results.years == [model.start_year]
    assert model.run(np.int64(1)).year == model.start_year + 1


def test_numpy_integer_seed_is_accepted():
    model = ts.TransferModel(n_firms=300, seed=np.int64(7))
    assert model.firms.count == 300


@pytest.mark.parametrize(("years", "shown"), [(-1, "-1"), (1.5, "1.5"), ("3", "'3'"), (True, "True")])
def test_bad_years_in_run(years, shown):
    model = ts.TransferModel(n_firms=300, seed=1)
    with pytest.raises(ValueError, match=rf"years must be a whole number >= 0, got {re.escape(shown)}$"):
        model.run(years)
    assert model.year == model.start_year  # nothing was simulated


# abstract geographies ------------------------------------------------------------------------
def test_abstract_geography_shape_mismatch():
    with pytest.raises(ValueError, match=r"freeness must be a 2x2 matrix for 2 regions, got shape \(2, 3\)"):
        ts.Geography.abstract([0.6, 0.4], [[1, 0.3, 0.2], [0.3, 1, 0.2]])
    with pytest.raises(ValueError, match=r"freeness must be a 3x3 matrix for 3 regions, got shape \(2, 2\)"):
        ts.Geography.abstract([0.5, 0.3, 0.2], PHI)


@pytest.mark.parametrize("phi", [0.0, -0.2, 1.2, float("nan")])
def test_abstract_geography_freeness_outside_zero_one(phi):
    with pytest.raises(ValueError, match=r"trade freeness must lie in \(0, 1\]"):
        ts.Geography.abstract([0.6, 0.4], [[1, phi], [phi, 1]])


def test_abstract_geography_freeness_error_shows_the_value():
    with pytest.raises(ValueError, match=r"1\.2"):
        ts.Geography.abstract([0.6, 0.4], [[1, 1.2], [1.2, 1]])


def test_abstract_geography_needs_two_regions():
    with pytest.raises(ValueError, match=r"expenditure must list at least 2 regional demand shares, got \[1\.0\]"):
        ts.Geography.abstract([1.0], [[1.0]])
    with pytest.raises(ValueError, match=r"at least 2 regional demand shares"):
        ts.Geography.abstract([[0.5, 0.5]], PHI)


def test_abstract_geography_other_checks_and_edges():
    with pytest.raises(ValueError, match=r"expenditure shares must be positive numbers, got \[0\.6, -0\.4\]"):
        ts.Geography.abstract([0.6, -0.4], PHI)
    with pytest.raises(ValueError, match=r"names must be 2 distinct region names, got \('A', 'A'\)"):
        ts.Geography.abstract([0.6, 0.4], PHI, names=["A", "A"])
    with pytest.raises(ValueError, match=r"names must be 2 distinct region names, got \('A',\)"):
        ts.Geography.abstract([0.6, 0.4], PHI, names=["A"])
    geography = ts.Geography.abstract([3, 2], [[1, 1], [1, 1]], names=["A", "B"])  # phi = 1 and unnormalised
    assert geography.names == ("A", "B") and np.allclose(geography.gdp_share, [0.6, 0.4])


def test_numpy_scalars_are_accepted_for_numbers():
    params = ts.EconomyParams(logit_beta=np.int64(10), relocation_rate=np.float32(0.5))
    model = ts.TransferModel(n_firms=300, seed=1, params=params).run(1)
    assert model.params.logit_beta == 10 and model.params.relocation_rate == 0.5
    default = ts.TransferModel(n_firms=300, seed=1).run(1)
    assert model.results.summary["relocations"].iloc[-1] > 3 * default.results.summary["relocations"].iloc[-1]


def test_run_settings_bounds_are_the_models():
    """The firm bound every interface reads is the one the model enforces for China."""
    low, _ = ts.run_settings.bounds("n_firms")
    assert low == ts.fewest_firms(ts.Geography.china())
    ts.TransferModel(n_firms=low, seed=1)
    with pytest.raises(ValueError, match=rf">= {low} "):
        ts.TransferModel(n_firms=low - 1, seed=1)
    with pytest.raises(ValueError, match="n_firms"):
        ts.RunSettings(n_firms=low - 1)
    assert ts.RunSettings().model_dump() == {"years": 15, "n_firms": 20_000, "seed": 1, "start_year": 2025,
                                             "economy": "full"}



@pytest.mark.parametrize(("levers", "where"), [
    ({"upgrade_subsidy": True}, "upgrade_subsidy"),
    ({"nest_build_lag": True}, "nest_build_lag"),
    ({"nest_build_lag": 2.0}, "nest_build_lag"),
    ({"profit_subsidy": {"Tibet": True}}, "profit_subsidy.Tibet"),
    ({"china_europe_express": "off"}, "china_europe_express"),
    ({"china_europe_express": 0.0}, "china_europe_express"),
    ({"national_coordination": 1}, "national_coordination"),
    ({"shocks": [{"kind": "coastal_demand", "year": 2028.0}]}, "shocks.0.year"),
    ({"shocks": [{"kind": "coastal_demand", "year": 2028, "size": True}]}, "shocks.0.size"),
])
def test_levers_take_their_own_type_and_nothing_that_merely_converts(levers, where):
    with pytest.raises(ValidationError) as excinfo:
        ts.Policy(**levers)
    assert ".".join(map(str, only_error(excinfo)["loc"])) == where
    assert ts.Policy(upgrade_subsidy=1, nest_investment=30, profit_subsidy={"Tibet": 1}).upgrade_subsidy == 1.0


@pytest.mark.parametrize(("shock", "phrase"), [
    ({"kind": "coastal_demand", "year": 2028, "regions": ["Tibet"]},
     "a coastal_demand shock hits the eastern seaports and takes no regions, got ['Tibet']"),
    ({"kind": "corridor_disruption", "year": 2028, "regions": ["Sichuan"]},
     "a corridor_disruption shock stops every corridor and takes no regions, got ['Sichuan']"),
    ({"kind": "regional_disaster", "year": 2028}, "a regional_disaster needs the regions it hits"),
])
def test_a_shock_takes_regions_exactly_when_it_uses_them(shock, phrase):
    with pytest.raises(ValidationError, match=re.escape(phrase)):
        ts.Shock(**shock)
    assert ts.Shock(kind="regional_disaster", year=2028, regions=["Sichuan"]).regions == ["Sichuan"]


@pytest.mark.parametrize(("expenditure", "freeness", "phrase"), [
    ([1e308, 1e308], PHI, "expenditure must sum to a finite number"),
    ([1e-320, 1], PHI, "expenditure share of region 1 is 1e-320 of the total"),
    ([float("inf"), 1], PHI, "expenditure shares must be positive numbers"),
    ([0.5, 0.5], [[1, 0.3], [0.3]], "freeness must be a 2x2 matrix for 2 regions, got a ragged list"),
    ([[0.5, 0.5]], PHI, "expenditure must list at least 2 regional demand shares"),
    (["a", "b"], PHI, "expenditure must list at least 2 regional demand shares"),
])
def test_an_abstract_geography_needs_normalisable_shares_and_a_square_matrix(expenditure, freeness, phrase):
    with pytest.raises(ValueError, match=re.escape(phrase)):
        ts.Geography.abstract(expenditure, freeness)
    geography = ts.Geography.abstract([1e-6, 1], PHI)  # small but normal shares are fine
    assert np.isfinite(geography.gdp_share).all()
