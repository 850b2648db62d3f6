"""Every lever moves its metric the way economics says.

The checks live in ``transfer_sim.validation`` (``make validate`` prints them to
docs/validation.md). Each runs the lever and its counterfactual with the same seeds (common
random numbers) and must show a mean paired difference above three standard errors.
"""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import transfer_sim as ts
from transfer_sim.processes.fiscal import LOCAL_INSTRUMENT_BOOKS
from transfer_sim.validation import CHECKS, SEEDS, STRATEGIC, at, firm_share, output_share, total

FIRMS = 3000
EAST = ts.Geography.china().regions_in("east")
BASE = ts.Policy()


def run(policy: ts.Policy, seed: int, years: int = 10) -> ts.TransferModel:
    return ts.TransferModel(policy=policy, n_firms=FIRMS, seed=seed).run(years)


def test_every_lever_has_a_check():
    checked = {check.lever.split(" ")[0].rstrip(":") for check in CHECKS}
    unchecked = set(ts.Policy.model_fields) - checked - {
        "cage_regions", "cage_sectors", "nest_regions", "nest_build_lag", "corridor_discount", "ftz_regions",
        "hinterland_regions", "frontier_regions",  # where or how much: exercised by the checks of their lever
        "fiscal_budget_pct_gdp",  # a threshold the books are held against: test_the_budget_moves_nothing
    }
    assert not unchecked, f"levers without a directional check: {unchecked}"


@pytest.mark.parametrize("check", CHECKS, ids=[c.lever for c in CHECKS])
def test_lever_moves_its_metric(check):
    differences = np.array([check.difference(seed) for seed in SEEDS])
    se = differences.std(ddof=1) / np.sqrt(len(differences))
    assert differences.mean() > 3 * se and differences.mean() > 0, (
        f"{check.claim}: mean {differences.mean():.4g} vs 3 SE {3 * se:.4g}: {differences}")


def test_nest_investment_builds_land_after_the_lag():
    model = run(ts.Policy(nest_investment=100.0, nest_regions=["Anhui"], nest_build_lag=3), 0, years=5)
    cap = model.results.regions.query("region == 'Anhui'").set_index("year")["land_cap"]
    assert cap.loc[2028] == cap.loc[2025] < cap.loc[2029] < cap.loc[2030]


@pytest.mark.parametrize("name", list(ts.PRESETS))
def test_every_preset_runs_and_reports_its_fiscal_cost(name):
    model = run(ts.Policy.preset(name), 0, years=3)
    fiscal = model.results.fiscal
    assert set(fiscal["year"]) == {2025, 2026, 2027, 2028}
    spends = name in {"cage_and_nest", "corridors", "unified_market", "hinterland_shock", "fifteenth_plan"}
    levers = fiscal[~fiscal["lever"].isin(LOCAL_INSTRUMENT_BOOKS)].groupby("year")["cost"].sum()
    assert (levers.loc[2026:] > 0).all() == spends  # the provinces' own attraction is paid in every run
    assert (fiscal[fiscal["lever"].isin(LOCAL_INSTRUMENT_BOOKS)].groupby("year")["cost"].sum().loc[2026:] > 0).all()


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


def test_the_budget_moves_nothing_and_flags_the_years_above_it():
    policy = ts.Policy.preset("unified_market")  # digital infrastructure: 300 bn CNY a year
    tight = run(policy.with_changes(fiscal_budget_pct_gdp=0.05), 0, years=2)
    loose = run(policy, 0, years=2)
    pd.testing.assert_frame_equal(tight.results.regions, loose.results.regions)
    assert loose.results.over_budget(loose.policy.fiscal_budget_pct_gdp) is None
    message = tight.results.over_budget(tight.policy.fiscal_budget_pct_gdp)
    assert message.startswith("the levers cost up to") and "2 of 2 years: 2026, 2027" in message  # the start year is not a year of policy


INLAND = ts.Geography.china().regions_in("central", "west")
# a subsidy's metric is the output it draws, not the number of firms: where land binds, a larger
# subsidy draws larger firms onto the scarce land, and fewer of them
DOSES = {  # lever: (policy at a dose, its metric, doses, direction)
    "profit_subsidy": (lambda x: ts.Policy(profit_subsidy={"Gansu": x}), output_share(["Gansu"]),
                       [0, 0.1, 0.2, 0.4, 0.8], 1),
    "nest_subsidy": (lambda x: ts.Policy(nest_subsidy=x, nest_regions=["Guizhou", "Yunnan"]),
                     output_share(["Guizhou", "Yunnan"]), [0, 0.1, 0.2, 0.3, 0.5], 1),
    "hinterland_subsidy": (lambda x: ts.Policy(hinterland_subsidy=x), output_share(INLAND, STRATEGIC),
                           [0, 0.1, 0.2, 0.4, 0.8], 1),
    "admin_barrier": (lambda x: ts.Policy(admin_barrier=x), total("cross_province_relocations"),
                      [0, 0.1, 0.25, 0.5, 1.0], -1),
    "land_headroom": (lambda x: ts.Policy(land_headroom=x), at(2035, "firms"), [0, 0.1, 0.3, 1.0, 3.0], 1),
}
#: the provinces build parks where land is short, which makes up for a small headroom; without
#: their parks the headroom is the only land there is
NO_LOCAL_PARKS = {"land_headroom": replace(ts.EconomyParams(), government=ts.GovernmentParams(land_years=0))}


@pytest.mark.parametrize("lever", list(DOSES))
def test_a_stronger_lever_moves_its_metric_further(lever):
    """Dose-response over the lever's range: the mean over five seeds moves one way at every step."""
    policy, metric, doses, direction = DOSES[lever]
    params = NO_LOCAL_PARKS.get(lever)
    means = [np.mean([metric(ts.TransferModel(policy=policy(dose), n_firms=5_000, seed=seed, params=params).run(10))
                      for seed in SEEDS]) for dose in doses]
    assert (direction * np.diff(means) > 0).all(), dict(zip(doses, means))
