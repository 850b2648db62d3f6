"""Theory in the full economy: on a two-region geography China mode's economy (seven sectors,
costs, demography, factor markets) starts at the market equilibrium and reproduces both results
of Martin & Rogers (1995); on China's geography it moves with the textbook economy."""

import numpy as np
import pytest

import transfer_sim as ts
from transfer_sim.economics import home_market_share

#: a rich and a poor region; trade within the poor one is costlier than within the rich one
TWO = ts.Geography.abstract([0.6, 0.4], [[0.8, 0.3], [0.3, 0.6]], names=["Rich", "Poor"])
CHINA = ts.Geography.china()
SEEDS = (1, 2, 3)


def poor_share(policy: ts.Policy, seed: int, geography=TWO) -> float:
    """The poor region's share of firms after 20 years."""
    model = ts.TransferModel(geography=geography, policy=policy, n_firms=6_000, seed=seed).run(20)
    last = model.results.regions.query("year == @model.year").set_index("region")["firms"]
    return 100 * last["Poor"] / last.sum()


def effect(policy: ts.Policy) -> np.ndarray:
    return np.array([poor_share(policy, seed) - poor_share(ts.Policy(), seed) for seed in SEEDS])


def test_an_abstract_start_is_the_home_market_equilibrium():
    """Without data, firms start where a unit of size earns the same everywhere (productivity 1)."""
    geography = ts.Geography.abstract([0.6, 0.4], [[1, 0.3], [0.3, 1]], names=["Rich", "Poor"])
    model = ts.TransferModel(geography=geography, n_firms=10_000, seed=1)
    firms = model.results.regions.set_index("region")["firms"]
    assert firms["Rich"] / firms.sum() == pytest.approx(home_market_share(0.6, 0.3), abs=0.02)
    np.testing.assert_allclose(model.calibration.productivity, 1.0)


def test_better_links_between_the_regions_draw_firms_to_the_rich_one():
    difference = effect(ts.Policy(digital_infrastructure=1.0))
    assert (difference < 0).all() and difference.mean() < -0.5, difference


def test_better_infrastructure_inside_the_poor_region_draws_firms_to_it():
    difference = effect(ts.Policy(nest_investment=1_000.0, nest_regions=["Poor"]))
    assert (difference > 0).all() and difference.mean() > 0.2, difference


def west_share(economy: dict, policy: ts.Policy, seed: int, years: int) -> float:
    model = ts.TransferModel(geography=CHINA, policy=policy, n_firms=6_000, seed=seed, **economy).run(years)
    last = model.results.regions.query("year == @model.year")
    return 100 * last.loc[last["macro_region"] == "west", "firms"].sum() / last["firms"].sum()


def test_on_chinas_geography_weaker_distance_decay_moves_industry_as_in_the_textbook_economy():
    """Cutting the distance mark-up everywhere helps the remote west in the footloose-capital
    economy on the same geography (remote provinces gain access to every market at once); the
    full economy, with productivity 1 in every province, agrees: the effect is the geography's,
    not the calibration's."""
    digital = ts.Policy(digital_infrastructure=1.0)
    textbook, full = ({"economy": "footloose_capital"}, 60), ({}, 20)
    for seed in SEEDS:
        for economy, years in (textbook, full):
            gain = west_share(economy, digital, seed, years) - west_share(economy, ts.Policy(), seed, years)
            assert gain > 1.0, (economy, seed, gain)


def sorting(policy: ts.Policy, seed: int, classes: int = 4) -> tuple[float, float]:
    """After 30 years on the two regions (20,000 firms): the rich region's mean log productivity
    minus the poor one's, and the mean log productivity of the firms that moved from the poor
    region to the rich one minus that of the poor region's firms that never moved."""
    params = ts.EconomyParams(productivity_classes=classes)
    model = ts.TransferModel(geography=TWO, policy=policy, n_firms=20_000, seed=seed, params=params).run(30)
    table = model.firm_table()
    log_size = np.log(table["productivity"])
    rich, poor = table["region"] == "Rich", table["region"] == "Poor"
    moves = model.firms.relocation_log()
    rows = model.firms.positions(moves[(moves[:, 2] == 1) & (moves[:, 3] == 0), 1])
    movers = np.log(model.firms.size[rows[rows >= 0]])
    return (log_size[rich].mean() - log_size[poor].mean(),
            movers.mean() - log_size[poor & (table["relocations"] == 0)].mean())


def test_the_more_productive_firms_sort_into_the_larger_market():
    """Baldwin & Okubo (2006): when better links make the rich region's market access worth more,
    the most productive firms gain most from it and move (and enter) there first. With one
    productivity class every firm decides alike, and only exit selects (the poor region's
    weakest firms close), so the gap widens less or not at all."""
    digital = ts.Policy(digital_infrastructure=1.0)
    for seed in SEEDS:
        gap, movers_over_stayers = sorting(digital, seed)
        widening = gap - sorting(ts.Policy(), seed)[0]
        alike = sorting(digital, seed, classes=1)[0] - sorting(ts.Policy(), seed, classes=1)[0]
        assert widening > 0.01 and widening > alike + 0.01, (seed, widening, alike)
        assert movers_over_stayers > 0.0, (seed, movers_over_stayers)
