"""Accounting invariants that must hold for any seed, population size and lever setting.

Every property draws a seed, a number of firms, a number of years and a handful of policy
levers, runs the China model and checks books that have to balance:

* firms are conserved: start + entries - exits = end, nationally and per region with
  relocations in and out;
* a relocation moves a firm with its jobs, it never copies or loses one: the relocation
  log, the ``flows`` frame and the per-region columns tell the same story, and every job
  change of a region is explained by moves, entries and exits;
* the zoning cap on industrial land is never exceeded;
* wages, rents and population stay positive and finite;
* heavy polluters never newly settle in an ecological zone.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import transfer_sim as ts

ECOLOGICAL = ["Tibet", "Qinghai", "Yunnan"]
COASTAL_SHOCK = ts.Shock(kind="coastal_demand", year=2027, size=0.3)
PROPERTY = settings(max_examples=12, deadline=None)

shares = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def policies(draw) -> ts.Policy:
    return ts.Policy(
        cage_fee=draw(st.floats(0.0, 0.05, allow_nan=False)),
        upgrade_subsidy=draw(shares),
        nest_investment=draw(st.floats(0.0, 200.0, allow_nan=False)),
        nest_build_lag=draw(st.integers(0, 3)),
        nest_subsidy=draw(shares),
        land_headroom=draw(st.floats(0.0, 0.5, allow_nan=False)),
        barrier_removal_rate=draw(shares),
        hinterland_subsidy=draw(shares),
        ecological_zones=draw(st.lists(st.sampled_from(ECOLOGICAL), unique=True, max_size=3)),
        shocks=draw(st.sampled_from([[], [COASTAL_SHOCK]])),
    )


def firm_table(model: ts.TransferModel) -> pd.DataFrame:
    """The firms alive now, indexed by firm id."""
    firms = model.firms
    columns = ("region", "sector", "labour", "land", "birth_year", "origin", "arrival_year")
    return pd.DataFrame({c: getattr(firms, c).copy() for c in columns}, index=firms.id.copy())


@st.composite
def runs(draw) -> tuple[ts.TransferModel, int, dict]:
    """A model after its run, the number of years run and, per simulated year, the table of
    the firms alive just before that year's step (exited firms leave the model's arrays)."""
    seed = draw(st.integers(0, 2**32 - 1))
    n_firms = draw(st.integers(300, 1500))
    years = draw(st.integers(3, 8))
    model = ts.TransferModel(policy=draw(policies()), n_firms=n_firms, seed=seed)
    before = {}
    for _ in range(years):
        before[model.year + 1] = firm_table(model)
        model.step()
    return model, years, before


def by_region(model: ts.TransferModel, column: str) -> pd.DataFrame:
    """year x region table of one column of ``results.regions``, regions in model order."""
    table = model.results.regions.pivot(index="year", columns="region", values=column)
    return table[list(model.geography.names)]


# conservation of firms ---------------------------------------------------------------------
@PROPERTY
@given(runs())
def test_firms_are_conserved_nationally(run):
    model, years, _ = run
    summary = model.results.summary
    assert summary["year"].tolist() == list(range(model.start_year, model.start_year + years + 1))
    start = summary.iloc[0]
    assert start["entries"] == start["exits"] == start["relocations"] == 0  # the start year is a state, not a step
    firms = summary["firms"].to_numpy()
    assert firms[0] + summary["entries"].sum() - summary["exits"].sum() == firms[-1]
    # and year by year, not only over the whole run
    np.testing.assert_array_equal(np.diff(firms), (summary["entries"] - summary["exits"]).to_numpy()[1:])
    assert firms[-1] == model.firms.count
    # the regional table adds up to the national one
    regions = model.results.regions.groupby("year")[["firms", "entries", "exits", "employment"]].sum()
    np.testing.assert_array_equal(regions["firms"].to_numpy(), firms)
    np.testing.assert_array_equal(regions["entries"].to_numpy(), summary["entries"].to_numpy())
    np.testing.assert_array_equal(regions["exits"].to_numpy(), summary["exits"].to_numpy())
    np.testing.assert_allclose(regions["employment"].to_numpy(), summary["employment"].to_numpy(), rtol=1e-9)


@PROPERTY
@given(runs())
def test_firms_are_conserved_per_region(run):
    model, _, _ = run
    firms = by_region(model, "firms")
    change = (by_region(model, "entries") + by_region(model, "relocations_in")
              - by_region(model, "relocations_out") - by_region(model, "exits"))
    expected = firms.shift(1) + change
    pd.testing.assert_frame_equal(firms.iloc[1:], expected.iloc[1:], check_exact=True, check_dtype=False)
    assert (firms.to_numpy() >= 0).all()


# relocation moves a firm and its jobs --------------------------------------------------------
@PROPERTY
@given(runs())
def test_relocation_log_flows_and_region_columns_agree(run):
    model, _, before = run
    firms, names = model.firms, np.array(model.geography.names, dtype=object)
    log = firms.relocation_log().astype(np.int64)
    summary = model.results.summary.set_index("year")
    flows = model.results.flows
    regions = model.results.regions.set_index("year")
    if len(log):
        assert log[:, 0].min() > model.start_year and log[:, 0].max() <= model.year

    for year in summary.index[1:]:
        rows = log[log[:, 0] == year]
        moved, origin, destination = rows[:, 1], rows[:, 2], rows[:, 3]
        movers = before[year].loc[moved]  # only firms alive before this year's step can move
        n_moves = int(summary.loc[year, "relocations"])
        # every moved firm appears once a year and really changes region, from where it was
        assert len(rows) == n_moves
        assert len(np.unique(moved)) == len(moved)
        assert (origin != destination).all()
        np.testing.assert_array_equal(movers["region"].to_numpy(), origin)
        assert int(summary.loc[year, "cross_province_relocations"]) == n_moves
        assert (movers["birth_year"] < year).all()

        # the flows frame counts the same moves, pair by pair, with the movers' jobs
        year_flows = flows[flows["year"] == year]
        assert year_flows["firms"].sum() == n_moves
        assert (year_flows["firms"] > 0).all()
        assert (year_flows["origin"] != year_flows["destination"]).all()
        logged = Counter(zip(names[origin], names[destination]))
        recorded = dict(zip(zip(year_flows["origin"], year_flows["destination"]), year_flows["firms"]))
        assert recorded == dict(logged)
        np.testing.assert_allclose(year_flows["jobs"].sum(), movers["labour"].sum(), rtol=1e-9)

        # relocations in and out per region: one out for every in
        here = regions.loc[[year]]
        assert here["relocations_in"].sum() == here["relocations_out"].sum() == n_moves
        n = model.geography.n
        np.testing.assert_array_equal(here["relocations_in"].to_numpy(), np.bincount(destination, minlength=n))
        np.testing.assert_array_equal(here["relocations_out"].to_numpy(), np.bincount(origin, minlength=n))


@PROPERTY
@given(runs())
def test_each_firm_history_is_a_chain_of_moves(run):
    """A firm's moves start where it was born, each starts where the last ended, and the
    last ends where the firm is now: no move is lost, doubled or invented."""
    model, _, before = run
    firms = model.firms
    ever = pd.concat([firm_table(model), *before.values()])
    origin = ever[~ever.index.duplicated()]["origin"]
    log = firms.relocation_log().astype(np.int64)
    log = log[np.lexsort((log[:, 0], log[:, 1]))]  # by firm, then year
    moved_ids, counts = np.unique(log[:, 1], return_counts=True)
    alive_moves = pd.Series(counts, index=moved_ids).reindex(firms.id, fill_value=0).to_numpy()
    np.testing.assert_array_equal(alive_moves, firms.moves)
    for firm_id in moved_ids:
        history = log[log[:, 1] == firm_id]
        assert len(np.unique(history[:, 0])) == len(history)  # at most one move a year
        assert history[0, 2] == origin[firm_id]
        np.testing.assert_array_equal(history[1:, 2], history[:-1, 3])
        row = firms.positions([firm_id])[0]
        if row >= 0:
            assert history[-1, 3] == firms.region[row]
            assert firms.arrival_year[row] == history[-1, 0]
    unmoved = firms.moves == 0
    np.testing.assert_array_equal(firms.region[unmoved], firms.origin[unmoved])


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1), n_firms=st.integers(300, 1500), years=st.integers(3, 8),
       policy=policies())
def test_jobs_change_only_by_moves_entries_and_exits(seed, n_firms, years, policy):
    """Stepping year by year: each region's fixed workforce changes by the jobs that moved in,
    minus those that moved out, plus the entrants' and minus the leavers' jobs (variable labour
    follows output)."""
    model = ts.TransferModel(policy=policy, n_firms=n_firms, seed=seed)
    firms, n = model.firms, model.geography.n
    for _ in range(years):
        table = firm_table(model)
        workforce_before = np.bincount(table["region"].to_numpy(int), weights=table["labour"], minlength=n)
        model.step()
        year = model.year
        rows = firms.relocation_log()
        rows = rows[rows[:, 0] == year]
        table.loc[rows[:, 1], "region"] = rows[:, 3].astype(np.int16)  # where each firm was after the moves
        died = table.loc[table.index.difference(firms.id)]
        born_rows = firms.birth_year == year
        born = pd.DataFrame({"region": firms.region[born_rows], "labour": firms.labour[born_rows]},
                            index=firms.id[born_rows])
        if len(born):
            assert born.index.min() > table.index.max()  # new firms get new ids
        assert set(firms.id) == (set(table.index) - set(died.index)) | set(born.index)  # nobody comes back

        frame = model.results.regions
        now = frame[frame["year"] == year]
        flows = model.results.flows
        flows = flows[flows["year"] == year]
        index = {name: i for i, name in enumerate(model.geography.names)}
        jobs_in = np.bincount(flows["destination"].map(index).to_numpy(dtype=int),
                              weights=flows["jobs"].to_numpy(), minlength=n)
        jobs_out = np.bincount(flows["origin"].map(index).to_numpy(dtype=int),
                               weights=flows["jobs"].to_numpy(), minlength=n)
        # leavers are counted where they were when they left, after this year's moves
        jobs_born = np.bincount(born["region"].to_numpy(int), weights=born["labour"], minlength=n)
        jobs_died = np.bincount(died["region"].to_numpy(int), weights=died["labour"], minlength=n)
        expected = workforce_before + jobs_in - jobs_out + jobs_born - jobs_died
        workforce = np.bincount(firms.region, weights=firms.labour, minlength=n)
        np.testing.assert_allclose(workforce, expected, rtol=0, atol=1e-9 * workforce.sum())
        assert (now["employment"].to_numpy() >= workforce * (1 - 1e-12)).all()  # plus variable labour
        # the same for firm counts, from the firm arrays alone
        np.testing.assert_array_equal(now["firms"].to_numpy(), np.bincount(firms.region, minlength=n))
        np.testing.assert_array_equal(now["exits"].to_numpy(), np.bincount(died["region"].to_numpy(int), minlength=n))
        np.testing.assert_array_equal(now["entries"].to_numpy(), np.bincount(born["region"].to_numpy(int), minlength=n))


# caps and prices ------------------------------------------------------------------------------
@PROPERTY
@given(runs())
def test_land_use_never_exceeds_the_zoning_cap(run):
    model, _, _ = run
    used, cap = by_region(model, "land_used").to_numpy(), by_region(model, "land_cap").to_numpy()
    assert np.isfinite(used).all() and np.isfinite(cap).all()
    assert (used >= 0).all()
    over = used > cap * (1 + 1e-9)
    assert not over.any(), f"land above the cap in {int(over.sum())} region-years, worst ratio {np.max(used / cap):.6f}"
    # the cap itself never shrinks: zoning only adds land (nest building)
    assert (np.diff(cap, axis=0) >= -1e-9 * cap[1:]).all()


@PROPERTY
@given(runs())
def test_prices_and_population_stay_positive_and_finite(run):
    model, _, _ = run
    regions = model.results.regions
    for column in ("wage", "rent", "population"):
        values = regions[column].to_numpy()
        assert np.isfinite(values).all(), column
        assert (values > 0).all(), f"{column} not positive: min {values.min()}"
    for column in ("employment", "output", "value_added", "gdp_per_capita"):
        values = regions[column].to_numpy()
        assert np.isfinite(values).all(), column
        assert (values >= 0).all(), column
    summary = model.results.summary
    assert np.isfinite(summary.drop(columns="year").to_numpy(dtype=float)).all()
    # people migrate between provinces; they are not created or destroyed
    total = regions.groupby("year")["population"].sum().to_numpy()
    np.testing.assert_allclose(total, total[0], rtol=1e-9)


# zones ----------------------------------------------------------------------------------------
@PROPERTY
@given(runs())
def test_heavy_polluters_never_settle_in_an_ecological_zone(run):
    model, _, before = run
    sectors, firms = model.sectors, model.firms
    polluting = sectors.pollution_class >= 2
    # a firm's current sector tells whether it polluted heavily when it settled only if no
    # upgrade leads into a heavily polluting sector
    upgrades = sectors.upgrade_to[sectors.upgrade_to >= 0]
    assert not polluting[upgrades].any()
    zones = model.geography.mask(model.policy.ecological_zones)
    settled_later = firms.arrival_year > model.start_year
    offenders = polluting[firms.sector] & zones[firms.region] & settled_later
    assert not offenders.any(), f"{int(offenders.sum())} heavy polluters settled in {model.policy.ecological_zones}"
    log = firms.relocation_log()
    for year, table in before.items():
        rows = log[log[:, 0] == year]
        sector = table.loc[rows[:, 1], "sector"].to_numpy()  # sectors change only after the moves
        assert not (zones[rows[:, 3]] & polluting[sector]).any()


def test_a_sector_closed_everywhere_gets_no_entrants():
    geography = ts.Geography.china()
    model = ts.TransferModel(policy=ts.Policy(ecological_zones=list(geography.names)), n_firms=2000, seed=1)
    model.run(5)
    firms = model.firms
    entrants = np.flatnonzero(firms.birth_year > model.start_year)
    polluting = model.sectors.pollution_class >= 2
    assert not polluting[firms.sector[entrants]].any(), (
        "heavy polluters entered although every region is an ecological zone: "
        f"{Counter(geography.names[r] for r in firms.region[entrants][polluting[firms.sector[entrants]]])}")


@pytest.mark.parametrize("seed", range(20))
def test_the_smallest_accepted_population_gives_finite_results(seed):
    model = ts.TransferModel(n_firms=217, seed=seed).run(15)  # the least the China geography accepts
    for table in ("summary", "regions", "sectors"):
        values = getattr(model.results, table).select_dtypes("number").to_numpy()
        assert np.isfinite(values).all(), table
    assert len(model.results.summary) == 16 and model.firms.count > 0


def test_an_impossible_start_year_is_a_clear_error():
    """A small region holding half of all firm size in a sector of its own cannot be held
    to 1 % of value added: the calibration says so instead of returning NaN."""
    from transfer_sim.calibration import calibrate_productivity
    from transfer_sim.params import EconomyParams
    from transfer_sim.sectors import sector_table

    geography = ts.Geography.abstract([0.99, 0.01], [[1, 0.5], [0.5, 1]])
    sectors = sector_table()
    size_sums = np.zeros((sectors.count, 2))
    size_sums[1:, 0] = 1.0
    size_sums[0, 1] = 6.0  # region 2 alone makes sector 0
    with pytest.raises(ValueError, match="cannot reproduce every province's industrial output"):
        calibrate_productivity(geography, sectors, size_sums, np.ones_like(size_sums), geography.freeness,
                               np.zeros((2, 4)), EconomyParams(), industry=geography.gdp, exports_to_gdp=None)


# the textbook economy ------------------------------------------------------------------------
@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_firms=st.integers(300, 1500), years=st.integers(3, 8),
       s_e=st.floats(0.5, 0.8), phi=st.floats(0.05, 1.0))
def test_footloose_economy_only_moves_firms(seed, n_firms, years, s_e, phi):
    geography = ts.Geography.abstract([s_e, 1 - s_e], [[1, phi], [phi, 1]])
    model = ts.TransferModel(geography=geography, economy="footloose_capital", n_firms=n_firms, seed=seed)
    model.run(years)
    summary = model.results.summary
    assert (summary["firms"] == n_firms).all()
    assert (summary["entries"] == 0).all() and (summary["exits"] == 0).all()
    firms = by_region(model, "firms")
    moved = by_region(model, "relocations_in") - by_region(model, "relocations_out")
    pd.testing.assert_frame_equal(firms.iloc[1:], (firms.shift(1) + moved).iloc[1:], check_exact=True,
                                  check_dtype=False)
    flows = model.results.flows
    per_year = flows.groupby("year")["firms"].sum().reindex(summary["year"], fill_value=0)
    np.testing.assert_array_equal(per_year.to_numpy(), summary["relocations"].to_numpy())
    assert len(model.firms.relocation_log()) == summary["relocations"].sum()
