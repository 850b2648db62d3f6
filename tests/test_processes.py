"""Each yearly process against a case computed by hand: three firms, two regions."""

from dataclasses import replace

import numpy as np
import pytest

import transfer_sim as ts
from transfer_sim.economics import annuity
from transfer_sim.levers import resolve
from transfer_sim.population import NO_WINDOW, FirmPopulation
from transfer_sim.processes import demography, environment, labour_market, production, relocation
from transfer_sim.sectors import sector_table
from transfer_sim.accounts import RegionAccounts
from transfer_sim.state import (Calibration, CostShares, Earnings, EntryTerms, FirmUniforms, LocationUtility, Markets,
                                RegionState, YearDraws)

PARAMS = ts.EconomyParams()
TWO = ts.Geography.abstract([0.5, 0.5], [[1, 0.5], [0.5, 1]])
NO_REDRAW = YearDraws(0, 2026).land(0)
SECTORS = sector_table()
LOW = SECTORS.index("labour_intensive")


def three_firms(sector=(0, 0, 0), region=(0, 1, 1), n_sectors=1) -> FirmPopulation:
    firms = FirmPopulation(n_sectors, 2)
    firms.add(2025, np.array(sector), np.array(region), np.ones(3), np.array([10.0, 20.0, 30.0]),
              np.array([1.0, 2.0, 3.0]))
    return firms


def region_state(**changes) -> RegionState:
    values = dict(population=np.array([100.0, 100.0]), wage=np.array([2.0, 1.0]), rent=np.ones(2),
                  land_cap=np.full(2, np.inf), innovation=np.ones(2), productivity=np.ones(2),
                  demand_share=np.array([0.5, 0.5]), infrastructure=np.zeros(2), export_access=np.ones(2))
    return RegionState(**{**values, **changes})


def calibration(n_sectors=1, **changes) -> Calibration:
    k = (n_sectors, 2)
    values = dict(
        markets=Markets(1.0, np.ones(n_sectors), np.zeros((n_sectors, 4)), np.zeros((n_sectors, 4))),
        labour_unit=np.full(k, 10.0), land_unit=np.full(k, 1.0), location_constants=np.zeros((n_sectors, 1, 2)),
        class_sizes=np.ones(1), typical_size=1.0,
        migration_constants=np.zeros(2), start_margin=np.full(n_sectors, 0.1),
        start_industry_share=np.full(2, 0.5), start_population=np.array([100.0, 100.0]),
        start_wage=np.array([2.0, 1.0]), start_rent=np.ones(2), start_land_used=np.array([1.0, 5.0]),
        start_land_cap=np.full(2, np.inf),
        start_demand_share=np.array([0.5, 0.5]), start_labour_demand=np.array([10.0, 50.0]),
        costs=CostShares.none(n_sectors), capital_unit=np.zeros(k), start_accounts=RegionAccounts.industry_only(np.ones(2)),
        start_sector_firms=np.full(n_sectors, 3.0), start_unit_variable=np.ones(n_sectors),
        start_price_index=np.ones(n_sectors), cost_reference=(1.5, 1.0), industry_weight=1.0,
        productivity=np.ones(2), market_access=np.ones(2))
    return Calibration(**{**values, **changes})


def earnings(profit_cells, revenue_cells, value_added=(1.0, 1.0)) -> Earnings:
    cells = np.asarray(revenue_cells, float)
    return Earnings(profit=np.zeros(3), size_cells=cells, revenue_cells=cells, value_added_cells=np.array([value_added]),
                    profit_cells=np.asarray(profit_cells, float), unit_revenue=cells, unit_gross=cells,
                    export_cells=0 * cells, export_markets=np.zeros((2, 4)), price_index=np.ones_like(cells), move_value=np.zeros((1, 2, 1, 2)), entry_value=np.zeros((1, 1, 2)), newcomer_value=None,
                    entry_terms=EntryTerms(np.zeros((1, 1, 2)), np.zeros((1, 1, 2)), np.ones(1)), fiscal={})


# ------------------------------------------------------------------------------------ exit
def test_exit_after_losses_or_by_chance():
    firms = three_firms()
    firms.loss_years[:] = [2, 0, 0]
    firms.profit[:] = [-1.0, 2.0, 3.0]  # what they earned last year
    exits = demography.exit_firms(firms, FirmUniforms.by_row([0.5, 0.01, 0.9]), PARAMS, 2026)
    # firm 0: third loss year in a row; firm 1: the death draw 0.01 < 0.03; firm 2 survives
    assert exits.tolist() == [1.0, 1.0]
    assert firms.count == 1 and firms.id.tolist() == [2]


def test_a_profit_resets_the_loss_count():
    firms = three_firms()
    firms.loss_years[:] = [2, 2, 0]
    firms.profit[:] = [1.0, -1.0, -1.0]
    exits = demography.exit_firms(firms, FirmUniforms.by_row(np.full(3, 0.5)), PARAMS, 2026)
    assert exits.tolist() == [0.0, 1.0]  # firm 1's third loss year in a row
    assert firms.id.tolist() == [0, 2] and firms.loss_years.tolist() == [0, 1]


# ----------------------------------------------------------------------------------- entry
def test_entry_rate_follows_the_sector_margin():
    params = replace(PARAMS, entry_rate=0.03, entry_elasticity=2.0)
    c = calibration()
    same = earnings([[5.0, 5.0]], [[50.0, 50.0]])  # margin 0.1 = the start
    higher = earnings([[7.5, 7.5]], [[50.0, 50.0]])  # margin 0.15: +50 %
    assert demography.entry_rates(same, c.start_margin, params) == pytest.approx([0.03])
    assert demography.entry_rates(higher, c.start_margin, params) == pytest.approx([0.03 * np.exp(2 * 0.5)])


def test_entrants_get_the_local_technique_and_land_is_rationed():
    firms = three_firms()  # land used: 1 in region 0, 5 in region 1
    params = replace(PARAMS, entry_rate=1.0, entry_elasticity=0.0, size_dispersion=1e-9, scale_elasticity=1.0)
    c = calibration(labour_unit=np.array([[10.0, 30.0]]), land_unit=np.array([[1.0, 1.0]]))
    utility = LocationUtility(move=np.zeros((1, 2, 1, 2)), entry=np.array([[[0.0, -np.inf]]]))  # all enter region 0
    regions = region_state(land_cap=np.array([2.5, 5.0]))  # room for one entrant of one hectare... and a half
    entries = demography.enter_firms(firms, *[earnings([[5.0, 5.0]], [[50.0, 50.0]])] * 2, utility, c, regions, 1.0,
                                     YearDraws(7, 2026), params)
    assert entries.tolist() == [1.0, 0.0]  # 3 would-be entrants (rate 1), land for one
    assert firms.count == 4 and firms.region[3] == 0 and firms.birth_year[3] == 2026
    assert firms.labour[3] == pytest.approx(10.0) and firms.land[3] == pytest.approx(1.0)


def test_no_entry_where_every_region_is_closed():
    firms = three_firms()
    utility = LocationUtility(move=np.zeros((1, 2, 1, 2)), entry=np.full((1, 1, 2), -np.inf))
    entries = demography.enter_firms(firms, *[earnings([[5.0, 5.0]], [[50.0, 50.0]])] * 2, utility, calibration(),
                                     region_state(), 1.0, YearDraws(7, 2026), replace(PARAMS, entry_rate=1.0))
    assert entries.tolist() == [0.0, 0.0] and firms.count == 3


def test_an_entrant_that_would_lose_money_does_not_enter():
    firms = three_firms()
    params = replace(PARAMS, entry_rate=1.0, entry_elasticity=0.0, size_dispersion=1e-9, scale_elasticity=1.0)
    utility = LocationUtility(move=np.zeros((1, 2, 1, 2)), entry=np.array([[[0.0, -np.inf]]]))
    # gross 0.5 per unit of size against fixed wages 2 x 10 workers / 1e9 and capital 1 bn: a loss
    poor = replace(earnings([[5.0, 5.0]], [[50.0, 50.0]]), unit_gross=np.full((1, 2), 0.5))
    c = calibration(capital_unit=np.ones((1, 2)))
    entries = demography.enter_firms(firms, poor, poor, utility, c, region_state(), 1.0, YearDraws(7, 2026), params)
    assert entries.tolist() == [0.0, 0.0] and firms.count == 3
    entries = demography.enter_firms(firms, poor, poor, utility, c, region_state(), 0.1, YearDraws(7, 2026), params)
    assert entries.tolist() == [3.0, 0.0]  # capital at a tenth of the price: each makes 0.4 bn


def test_a_sector_that_has_vanished_can_come_back():
    """Would-be entrants never fall below a share of the sector's start-year firms."""
    firms = FirmPopulation(1, 2)  # no incumbents at all
    params = replace(PARAMS, entry_rate=1.0, entry_elasticity=0.0, entry_pool_floor=0.5)
    c = calibration(start_sector_firms=np.array([8.0]))
    utility = LocationUtility(move=np.zeros((1, 2, 1, 2)), entry=np.zeros((1, 1, 2)))
    assert demography.entry_pool(firms, c, params).tolist() == [4.0]
    entries = demography.enter_firms(firms, *[earnings([[5.0, 5.0]], [[50.0, 50.0]])] * 2, utility, c, region_state(),
                                     1.0, YearDraws(7, 2026), params)
    assert entries.sum() == 4.0 and firms.count == 4


# ------------------------------------------------------------------------------- upgrading
def test_upgrading_needs_a_draw_below_the_chance():
    firms = three_firms(sector=(LOW, LOW, SECTORS.index("frontier_tech")), n_sectors=SECTORS.count)
    levers = resolve(ts.Policy(), TWO, SECTORS)  # status quo: no upgrade subsidy
    params = replace(PARAMS, upgrade_rate=0.1, death_rate=0.0)
    innovation = np.array([1.0, 2.0])  # chance 0.1 in region 0, 0.2 in region 1
    fate = np.array([0.15, 0.15, 0.0])  # above the chance in 0, below it in 1; frontier has nowhere to go
    upgrades, paid = demography.upgrade_firms(firms, FirmUniforms.by_row(fate), upgrade_earnings(), SECTORS, levers, innovation, params)
    assert upgrades == 1 and paid == 0.0  # no upgrade subsidy
    assert firms.sector.tolist() == [LOW, SECTORS.upgrade_to[LOW], SECTORS.index("frontier_tech")]
    assert firms.cell[1] == SECTORS.upgrade_to[LOW] * 2 + 1
    # an upgrade raises the firm's productivity, not only its label
    assert firms.size.tolist() == [1.0, params.upgrade_productivity_gain, 1.0]


def test_a_firm_that_dies_this_year_does_not_upgrade():
    firms = three_firms(sector=(LOW, LOW, LOW), n_sectors=SECTORS.count)
    levers = resolve(ts.Policy(), TWO, SECTORS)
    params = replace(PARAMS, upgrade_rate=1.0, death_rate=0.1)
    fate = np.array([0.05, 0.5, 0.2])  # firm 0 dies by chance; the others survive and upgrade (chance 1)
    upgrades, _ = demography.upgrade_firms(firms, FirmUniforms.by_row(fate), upgrade_earnings(), SECTORS, levers, np.ones(2), params)
    assert upgrades == 2 and firms.sector[0] == LOW


def test_the_upgrade_subsidy_pays_its_share_of_the_investment():
    firms = three_firms(sector=(LOW, LOW, LOW), n_sectors=SECTORS.count)
    levers = resolve(ts.Policy(upgrade_subsidy=0.5, cage_regions=["Region 1"]), TWO, SECTORS)
    params = replace(PARAMS, upgrade_rate=1.0, death_rate=0.0)
    upgrades, paid = demography.upgrade_firms(firms, FirmUniforms.by_row(np.zeros(3)), upgrade_earnings(), SECTORS, levers, np.ones(2),
                                              params)
    # all three upgrade; only firm 0 is in a cage region: 0.5 x 0.5 x its revenue (unit revenue 3 x size 1)
    assert upgrades == 3
    assert paid == pytest.approx(0.5 * params.fiscal.upgrade_investment_revenue_share * 3.0)


def upgrade_earnings() -> Earnings:
    unit_revenue = np.full((SECTORS.count, 2), 3.0)
    return replace(earnings([[0, 0]], [[0, 0]]), unit_revenue=unit_revenue)


# ------------------------------------------------------------------------------ relocation
def test_relocation_moves_lookers_to_their_choice_within_land_caps():
    firms = three_firms(region=(0, 0, 0))
    params = replace(PARAMS, relocation_rate=0.5, hazard_gap=0.0)
    # region 1 is the only place to be: every firm that looks moves there
    utility = LocationUtility(move=np.array([[[[-np.inf, 0.0]], [[-np.inf, 0.0]]]]), entry=np.zeros((1, 1, 2)))
    draw = np.array([0.1, 0.4, 0.9])  # firms 0 and 1 look (draw < 0.5), firm 2 does not
    land_cap = np.array([np.inf, 2.5])  # firm 0 (1 ha) fits, then firm 1 (2 ha) does not
    moves = relocation.relocate(firms, utility, FirmUniforms.by_row(draw), land_cap, params, 2026, NO_REDRAW)
    assert moves.tolist() == [[0.0, 1.0, 10.0]]
    assert firms.region.tolist() == [1, 0, 0] and firms.arrival_year[0] == 2026 and firms.moves[0] == 1


def test_move_cost_is_zero_for_staying():
    geography = TWO
    cost = relocation.move_cost(PARAMS, geography, barrier=0.1)
    expected = PARAMS.move_cost_fixed + PARAMS.move_cost_per_1000km * geography.distance_km[0, 1] / 1000 \
        + PARAMS.barrier_move_cost * 0.1
    assert cost[0, 0] == cost[1, 1] == 0.0 and cost[0, 1] == pytest.approx(expected)


# ------------------------------------------------------------------- migration, wages, rents
def test_migration_follows_the_logit_on_log_wages():
    params = replace(PARAMS, migration_rate=0.1, migration_beta=1.0)
    regions = region_state()  # wages 2 and 1, equal populations: mean wage 1.5
    population = labour_market.migrate(regions, np.zeros((2, 2)), np.zeros(2), params)
    to_rich = 2.0 / 3.0  # exp(log(2/1.5)) / (exp(log(2/1.5)) + exp(log(1/1.5))) = 2 / 3
    movers = 10.0  # 10 % of each region
    assert population == pytest.approx([100 - movers + 2 * movers * to_rich, 100 - movers + 2 * movers / 3])
    assert population.sum() == pytest.approx(200.0)


def test_wages_follow_labour_demand_and_rents_follow_land_use():
    geography = TWO
    params = replace(PARAMS, migration_rate=0.0, wage_elasticity=0.5, rent_elasticity=0.5, demand_linkage=0.5)
    firms = three_firms()  # labour 10 in region 0 and 50 in region 1; land 1 and 5
    c = calibration(start_labour_demand=np.array([5.0, 50.0]), start_land_used=np.array([1.0, 20.0]))
    new = labour_market.clear(region_state(), firms, c, geography, params,
                              growth_index=1.1, gdp=np.array([3.0, 1.0]), jobs=firms.by_cell(firms.labour))
    # labour demand doubled in region 0: w = 2 x 1.1 x 2^0.5; unchanged in region 1: w = 1 x 1.1
    assert new.wage == pytest.approx([2 * 1.1 * 2**0.5, 1.1])
    # land used 1 of 1 and 5 of 20: rent = 1 x 1.1 x (5 / 20)^0.5 in region 1
    assert new.rent == pytest.approx([1.1, 1.1 * 0.5])
    # demand: half the start share, half the share of GDP (3 : 1)
    assert new.demand_share == pytest.approx([0.5 * 0.5 + 0.5 * 0.75, 0.5 * 0.5 + 0.5 * 0.25])
    assert new.population == pytest.approx([100.0, 100.0])


# ------------------------------------------------------------------------------ investment
def test_nest_investment_matures_into_land_and_infrastructure():
    policy = ts.Policy(nest_investment=100.0, nest_build_lag=2)
    levers = resolve(policy, ts.Geography.china(), SECTORS)
    n = levers.nest_regions.size
    regions = replace(region_state(), land_cap=np.zeros(n), infrastructure=np.zeros(n))
    start_land = np.ones(n)
    regions, pipeline = environment.invest(regions, (), policy, levers, 2026, start_land, PARAMS)
    assert pipeline[0][0] == 2028 and regions.infrastructure.max() == 0.0  # nothing usable yet
    regions, pipeline = environment.invest(regions, pipeline, policy, levers, 2028, start_land, PARAMS)
    nest = levers.nest_regions
    # the 2026 investment is usable in 2028: 100 bn in every nest region
    headroom = 1 + policy.land_headroom
    assert regions.land_cap[nest] == pytest.approx(headroom + 100 * PARAMS.park_land_ha_per_bn)
    assert regions.land_cap[~nest] == pytest.approx(headroom)
    gain = PARAMS.infrastructure_gain * (1 - np.exp(-100 / PARAMS.infrastructure_scale_bn))
    assert regions.infrastructure[nest] == pytest.approx(gain) and len(pipeline) == 2


def test_a_mover_opens_a_newcomer_window_once_until_it_has_run_out():
    firms = FirmPopulation(1, 2)
    firms.add(2025, np.zeros(2, int), np.zeros(2, int), np.ones(2), np.ones(2), np.ones(2), newcomers=False)
    firms.add(2026, np.zeros(1, int), np.zeros(1, int), np.ones(1), np.ones(1), np.ones(1))  # an entrant
    assert firms.newcomer_since.tolist()[:2] == [NO_WINDOW, NO_WINDOW] and firms.newcomer_since[2] == 2026
    firms.relocate(2027, np.array([0, 2]), np.array([1, 1]), window=5)
    # the incumbent opens a window; the entrant's own window (2026-2030) still runs: no second one
    assert firms.newcomer_since.tolist() == [2027, NO_WINDOW, 2026]
    firms.relocate(2031, np.array([2]), np.array([0]), window=5)
    assert firms.newcomer_since[2] == 2031  # its window ran out in 2030: a new one


def test_the_nest_subsidy_pays_newcomers_only_and_grows_as_they_arrive():
    model = ts.TransferModel(policy=ts.Policy(nest_subsidy=0.1), n_firms=3000, seed=1).run(6)
    cost = model.results.fiscal.query("lever == 'nest_subsidy'").set_index("year")["cost"]
    # no windfall for the start year's incumbents: only this year's entrants are paid, and more arrive every year
    assert 0.0 < cost.loc[2026] < cost.loc[2027] < cost.loc[2028] < cost.loc[2029] < cost.loc[2030]
    assert cost.loc[2026] < 0.3 * cost.loc[2030]


def test_a_firm_in_its_newcomer_window_keeps_its_subsidy_by_staying_and_gains_none_by_moving_on():
    """Both regions pay the newcomer subsidy, worth 1 a year anywhere. An incumbent would open a
    five-year window by moving; a firm that arrived in 2026 has three years left in 2028 wherever it
    is, so moving on gains it nothing."""
    firms = FirmPopulation(1, 2)
    firms.add(2025, np.zeros(1, int), np.zeros(1, int), np.ones(1), np.ones(1), np.ones(1), newcomers=False)
    firms.add(2026, np.zeros(1, int), np.zeros(1, int), np.ones(1), np.ones(1), np.ones(1))
    weights = production.remaining_weights(PARAMS)
    newcomer = np.stack([np.ones((1, 2, 1, 2)), np.zeros((1, 2, 1, 2))])  # central, local terms
    arrivals = weights[-1] * newcomer[0] * (1.0 - np.eye(2))[None, :, None, :]
    utility = LocationUtility(move=arrivals, entry=np.zeros((1, 1, 2)), newcomer=newcomer)
    looking, _, choice, rows, _ = relocation.choose_locations(utility, firms, FirmUniforms.by_row(np.zeros(2)),
                                                                 PARAMS, 2028)
    np.testing.assert_array_equal(looking, [0, 1])
    np.testing.assert_allclose(choice[rows[1]], [0.5, 0.5])
    incumbent_moves = np.exp(weights[5]) / (1.0 + np.exp(weights[5]))
    assert choice[rows[0]][1] == pytest.approx(incumbent_moves) and incumbent_moves > 0.5
    assert weights[3] == pytest.approx(annuity(3, PARAMS.discount_rate, 1 - PARAMS.death_rate)
                                       / annuity(15, PARAMS.discount_rate, 1 - PARAMS.death_rate))
