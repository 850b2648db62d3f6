"""results.decomposition: each region's change in industrial jobs is entry + exit + growth + relocation."""

import numpy as np
import pytest

import transfer_sim as ts
from transfer_sim.decomposition import COMPONENTS


def east_components(policy: ts.Policy, seed: int = 1) -> "pd.Series":  # noqa: F821
    model = ts.TransferModel(n_firms=20_000, seed=seed, policy=policy).run(15)
    frame = model.results.decomposition.merge(model.results.regions[["year", "region", "macro_region"]])
    return frame[frame["macro_region"] == "east"].groupby("component")["employment"].sum()


@pytest.fixture(scope="module")
def shocked():
    shock = ts.Shock(kind="regional_disaster", year=2027, size=0.5, duration=2, regions=["Sichuan"])
    return ts.TransferModel(n_firms=4_000, seed=2, policy=ts.Policy.preset("cage_and_nest").with_changes(
        shocks=[shock])).run(6)


def test_the_components_add_up_to_each_regions_change_in_jobs(shocked):
    frame = shocked.results.decomposition
    assert list(frame.columns) == ["year", "region", "component", "employment"]
    assert set(frame["component"]) == set(COMPONENTS)
    total = frame.groupby(["year", "region"])["employment"].sum().unstack()
    jobs = shocked.results.regions.pivot(index="year", columns="region", values="employment")
    np.testing.assert_allclose(total.loc[2026:, jobs.columns], jobs.diff().loc[2026:], rtol=1e-9, atol=1e-6)
    assert (total.loc[2025] == 0).all()  # the start year is a state
    moved = frame[frame["component"] == "relocation"].groupby("year")["employment"].sum()
    np.testing.assert_allclose(moved, 0.0, atol=1e-6)  # relocation only moves jobs
    assert (frame.query("component == 'relocation'")["employment"].abs() > 0).any()


def test_transfer_out_of_the_east_is_led_by_new_plants():
    """cage_and_nest against the baseline, summed over seeds 1-3 (one seed's ratio ranges from about
    1.8 to 3.4): the east loses far more jobs through entry (plants not built there) than through
    relocation (Lu, Wang & Zhu 2019: zones work through new entry)."""
    effect = sum(east_components(ts.Policy.preset("cage_and_nest"), seed) - east_components(ts.Policy(), seed)
                 for seed in (1, 2, 3))
    assert effect["entry"] < 0 and abs(effect["entry"]) > 2 * abs(effect["relocation"]), effect
