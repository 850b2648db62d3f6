"""Provincial governments as agents: best responses, budgets, the central levers acting on and
through them, overrides (processes/local_government.py)."""

from dataclasses import replace

import numpy as np
import pytest

import transfer_sim as ts
from transfer_sim.levers import resolve
from transfer_sim.processes import local_government as lg
from transfer_sim.sectors import footloose_sector
from transfer_sim.state import BaseBooks, LocalPolicy

PARAMS = ts.EconomyParams()
FIRMS, YEARS, SEEDS = 5_000, 8, (1, 2, 3)


def one_sector_market(n: int = 3) -> lg.Prospects:
    """One sector and class, ``n`` provinces alike: 100 entrants a year, each with 1 bn of profit,
    0.2 bn of land rent and 4 bn of value added, and a profit scale of 2 bn."""
    shape = (1, 1, n)
    return lg.Prospects(entrants=np.full((1, 1), 100.0), utility=np.zeros(shape), profit=np.ones(shape),
                        land_rent=np.full(shape, 0.2), value_added=np.full(shape, 4.0), land=np.ones(shape),
                        scale=np.full(1, 2.0), committed=np.zeros(n))


def best_rebate(rival_rebate: float) -> float:
    """Province 0's best response when province 1 offers ``rival_rebate`` and province 2 nothing."""
    prospects = one_sector_market()
    params = replace(PARAMS, government=replace(PARAMS.government, adjustment=1.0, steps=41, max_rebate=1.0,
                                                      max_discount=0.0))
    last = replace(LocalPolicy.none(1, 3), tax_rebate=np.array([0.0, rival_rebate, 0.0]))
    seen = replace(prospects, utility=prospects.utility + lg.instrument_utility(last, prospects, params))
    geography = ts.Geography.abstract([0.4, 0.3, 0.3], np.full((3, 3), 0.5), names=["A", "B", "C"])
    sectors = footloose_sector()
    land = lg.LandOutlook(np.full(3, 1e9), np.full(3, np.inf))
    chosen = lg.choose(last, seen, np.full(3, 1e9), resolve(ts.Policy(), geography, sectors), sectors, np.ones(3),
                       land, params)
    return float(chosen.tax_rebate[0])


def test_a_province_answers_a_rivals_higher_rebate_with_a_higher_one():
    """Strategic complements, as in logit price competition: a rival that offers more takes entrants,
    so fewer of the province's newcomers would have come without its rebate, and winning one costs
    it less in rebates paid to those who would have come anyway."""
    answers = [best_rebate(rival) for rival in (0.0, 0.5, 1.0)]
    assert answers[0] > 0 and answers[0] < 1.0, answers  # an interior best response
    assert answers[0] < answers[1] < answers[2], answers


def run(policy=ts.Policy(), seed=1, params=None, years=YEARS, firms=FIRMS) -> ts.TransferModel:
    return ts.TransferModel(policy=policy, n_firms=firms, seed=seed, params=params).run(years)


def attraction_spending(model) -> float:
    fiscal = model.results.fiscal
    return float(fiscal[fiscal["lever"].isin(["tax_rebate", "land_discount", "park_investment"])]["cost"].sum())


def test_a_cap_on_preferential_policies_cuts_attraction_spending_and_subsidy_chasing_moves():
    for seed in SEEDS:
        free, capped, banned = (run(ts.Policy(preferential_policy_cap=cap), seed) for cap in (None, 0.1, 0.0))
        spending = [attraction_spending(m) for m in (free, capped, banned)]
        moves = [int(m.results.summary["cross_province_relocations"].sum()) for m in (free, capped, banned)]
        assert spending[0] > spending[1] > spending[2] >= 0, (seed, spending)
        assert moves[0] > moves[2], (seed, moves)
        local = banned.results.local_policy
        assert local.loc[local["instrument"].isin(["tax_rebate", "land_discount"]) & (local["year"] > 2025),
                         "value"].max() == 0.0


def test_no_government_spends_beyond_its_revenue_transfers_and_borrowing_limit():
    model = run(ts.Policy.preset("fifteenth_plan"), years=10)
    books = model.results.budgets.merge(model.results.regions[["year", "region", "gdp"]], on=["year", "region"])
    limit = PARAMS.government.borrowing_limit
    assert (books["debt"] <= limit * books["gdp"] + 1e-6).all()
    books = books.sort_values(["region", "year"])
    previous = books.groupby("region")["debt"].shift(1)
    later = books["year"] > books["year"].min()
    over = books["spending"] - books["revenue"] - books["transfers"] - (limit * books["gdp"] - previous)
    assert (over[later] <= 1e-6).all()
    np.testing.assert_allclose(books["balance"], books["revenue"] + books["transfers"] - books["spending"])


def allotted_share(model) -> float:
    """The share of the emerging sectors' new plants built in the provinces national coordination
    allots them to (the ``coordination_slots`` of highest innovation capacity)."""
    slots = PARAMS.government.coordination_slots
    allotted = [model.geography.names[i] for i in np.argsort(-model.regions.innovation, kind="stable")[:slots]]
    table = model.firm_table()
    born = table[table["sector"].isin(["new_energy", "frontier_tech"]) & (model.firms.birth_year > model.start_year)]
    return float(born["region"].isin(allotted).mean())


def test_national_coordination_limits_how_many_provinces_back_and_build_each_emerging_sector():
    """"Clarify regional division of labor, avoid following the trend and redundant construction":
    only the allotted provinces may back an emerging sector or offer it terms, and more of its new
    plants are built there."""
    coordinated = ts.Policy(national_coordination=True)
    slots = PARAMS.government.coordination_slots
    for seed in SEEDS:
        on, off = run(coordinated, seed, firms=20_000), run(ts.Policy(), seed, firms=20_000)
        backing = on.regions.local.backing[on.sectors.emerging]
        assert (backing.sum(axis=1) <= slots).all()
        assert off.regions.local.backing[off.sectors.emerging].sum() > backing.sum()
        assert allotted_share(on) > allotted_share(off) + 0.02, seed


def test_the_no_policy_baseline_stays_stationary_with_local_competition():
    model = run(years=15, firms=10_000)
    local = model.results.local_policy.pivot_table(index="year", columns=["instrument", "region"], values="value")
    start, end = local.iloc[0], local.iloc[-1]
    for instrument in ("tax_rebate", "land_discount"):
        assert np.abs(end[instrument] - start[instrument]).mean() < 0.05, instrument
    books = model.results.budgets.groupby("year")[["balance", "revenue"]].sum()
    assert (np.abs(books["balance"]) < 0.05 * books["revenue"]).all()
    regions = model.results.regions
    east = regions[regions["macro_region"] == "east"].groupby("year")["gdp"].sum() / regions.groupby("year")["gdp"].sum()
    assert abs(east.iloc[-1] - east.iloc[0]) < 0.01


def test_an_override_holds_for_its_year_and_the_others_respond_after_it():
    params = replace(PARAMS, government=replace(PARAMS.government, output_weight=0.0))
    free = run(params=params, years=1)
    fixed = run(params=params, years=1)
    fixed.set_local_policy("Jiangsu", year=2027, tax_rebate=0.0, land_discount=0.0)
    free.run(3)
    fixed.run(3)
    a, b = (m.results.local_policy.set_index(["year", "instrument", "region"])["value"] for m in (free, fixed))
    assert b.loc[(2027, "tax_rebate", "Jiangsu")] == 0.0 and b.loc[(2027, "land_discount", "Jiangsu")] == 0.0
    assert a.loc[(2027, "tax_rebate", "Jiangsu")] > 0.0  # its own choice would have been a rebate
    others = [r for r in free.geography.names if r != "Jiangsu"]
    np.testing.assert_array_equal(a.loc[2027].drop("Jiangsu", level="region"), b.loc[2027].drop("Jiangsu", level="region"))
    assert b.loc[(2028, "tax_rebate", "Jiangsu")] > 0.0  # the year after, Jiangsu's government chooses again
    assert not np.allclose(a.loc[2029].loc[:, others], b.loc[2029].loc[:, others])  # and the others have responded


def test_an_override_from_now_on_holds_every_year():
    model = run(years=1)
    model.set_local_policy("Henan", land_discount=0.2, park_investment=50.0)
    model.run(3)
    local = model.results.local_policy.set_index(["year", "instrument", "region"])["value"]
    for year in (2027, 2028, 2029):
        assert local.loc[(year, "land_discount", "Henan")] == pytest.approx(0.2)
        assert local.loc[(year, "park_investment", "Henan")] == pytest.approx(50.0)
    assert model.region_agents[model.geography.index("Henan")].policy["park_investment"] == pytest.approx(50.0)


@pytest.mark.parametrize("arguments, message", [
    ({"tax_rebate": 1.5}, "tax_rebate must be a number from 0 to 1"),
    ({"rebate": 0.1}, "unknown instrument 'rebate'"),
    ({}, "name at least one instrument"),
    ({"tax_rebate": 0.1, "year": 2020}, "year must be a year still to simulate"),
])
def test_overrides_refuse_bad_input_with_a_readable_message(arguments, message):
    model = run(years=0, firms=3_000)
    with pytest.raises(ValueError, match=message):
        model.set_local_policy("Henan", **arguments)
    with pytest.raises(ValueError, match="unknown region 'Atlantis'"):
        model.set_local_policy("Atlantis", tax_rebate=0.1)


def test_a_red_line_caps_the_land_the_provinces_can_supply():
    model = run(ts.Policy(land_red_line=1.0, land_headroom=0.0, nest_investment=500.0), years=8)
    regions = model.results.regions
    start = regions[regions["year"] == model.start_year].set_index("region")["land_used"]
    last = regions[regions["year"] == model.year].set_index("region")["land_cap"]
    assert (last <= start * 1.0 + 1e-6).all()


def test_the_textbook_economy_has_no_local_governments():
    model = ts.TransferModel(economy="footloose_capital", n_firms=500, seed=1).run(2)
    assert model.results.local_policy.empty and model.results.budgets.empty
    assert model.region_agents[0].policy is None and model.region_agents[0].budget is None
    with pytest.raises(ValueError, match="no local governments"):
        model.set_local_policy(model.geography.names[0], tax_rebate=0.1)
