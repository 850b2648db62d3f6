"""The shipped China geography and the abstract teaching geographies."""

import numpy as np
import pytest

import transfer_sim as ts
from transfer_sim.geography import EXTERNAL_MARKETS


@pytest.fixture(scope="module")
def china():
    return ts.Geography.china()


def test_china_has_31_provinces_in_four_macro_regions(china):
    assert china.n == 31
    assert len(set(china.names)) == 31 and "Guangdong" in china.names
    counts = {m: int((china.macro_region == m).sum()) for m in ("east", "central", "west", "northeast")}
    assert counts == {"east": 10, "central": 6, "west": 12, "northeast": 3}
    assert set(china.strategies) == {"jjj", "yrd", "gba", "yreb", "yrb"}
    assert china.strategies["yrd"].sum() == 4 and china.pilot_ftz.sum() == 22


def test_trade_freeness_falls_with_distance(china):
    phi = china.freeness
    assert np.all((phi > 0) & (phi <= 1)) and np.allclose(phi, phi.T)
    off_diagonal = phi[~np.eye(31, dtype=bool)].reshape(31, 30)
    assert np.all(np.diag(phi) > np.median(off_diagonal, axis=1))  # trade at home is freest
    bj, tj, xj = china.index("Beijing"), china.index("Tianjin"), china.index("Xinjiang")
    assert phi[bj, tj] > phi[bj, xj]
    assert china.distance_km[bj, xj] == pytest.approx(2400 * 1.25, rel=0.1)


def test_routes_reach_every_external_market(china):
    routes = china.routes
    reached = {EXTERNAL_MARKETS[m] for m in routes.market}
    assert reached == set(EXTERNAL_MARKETS)
    corridors = set(routes.corridor[routes.kind == "corridor"])
    assert corridors == {"China-Europe Railway Express", "Western Land-Sea New Corridor"}
    hubs = {china.names[g] for g in routes.gateway[routes.corridor == "China-Europe Railway Express"]}
    assert {"Chongqing", "Sichuan", "Shaanxi", "Henan"} <= hubs


def test_abstract_geography():
    geo = ts.Geography.abstract([3, 1], [[1, 0.4], [0.4, 1]], names=["Big", "Small"])
    assert geo.names == ("Big", "Small") and geo.gdp_share.tolist() == [0.75, 0.25]
    assert geo.freeness[0, 1] == 0.4 and geo.routes is None
    three = ts.Geography.abstract([0.5, 0.3, 0.2], np.full((3, 3), 0.5) + 0.5 * np.eye(3))
    assert three.names == ("Region 1", "Region 2", "Region 3")


def test_full_economy_runs_on_a_teaching_geography():
    geo = ts.Geography.abstract([0.5, 0.3, 0.2], np.full((3, 3), 0.4) + 0.6 * np.eye(3))
    model = ts.TransferModel(geography=geo, n_firms=600, seed=1).run(5)
    assert model.results.regions["region"].nunique() == 3
    assert model.results.summary["firms"].iloc[-1] > 0


def test_agents_are_views_on_the_model():
    model = ts.TransferModel(n_firms=500, seed=1).run(2)
    firms = model.agents_by_type[ts.Firm]
    regions = model.agents_by_type[ts.Region]
    assert len(regions) == 31 and len(firms) == model.results.summary["firms"].iloc[-1]
    firm = firms.to_list()[0]
    assert firm.region in model.geography.names and firm.sector in ts.SECTORS
    assert firm.employment > 0 and firm.land > 0 and firm.age >= 0
    guangdong = next(r for r in regions if r.name == "Guangdong")
    assert guangdong.code == "44" and guangdong.macro_region == "east" and guangdong.wage > 0
    assert guangdong.firm_count == (model.firm_shares()["Guangdong"] * len(firms)).round()


def test_moved_firms_know_their_history():
    model = ts.TransferModel(n_firms=3000, seed=1).run(3)
    log = model.firms.relocation_log()
    assert len(log) > 0
    year, firm_id, origin, destination = log[0]
    firm = model.firm(int(firm_id))
    if firm is not None:  # it may have exited since
        assert (int(year), model.geography.names[origin], model.geography.names[destination]) in firm.relocations


def test_python_m_is_the_command_line_and_prints_a_summary_table():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "transfer_sim", "run", "--years", "2", "--firms", "400",
                           "--preset", "corridors"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "VA east %" in done.stdout and "2027" in done.stdout
    header = done.stdout.splitlines()[2].split()
    assert header[:4] == ["VA", "east", "%", "VA"]  # the macro-regions in their usual order
    bad = subprocess.run([sys.executable, "-m", "transfer_sim", "run", "--years", "-2"], capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode == 2 and "expected a whole number > 0" in bad.stderr


def test_firm_table_lists_the_live_firms_as_their_agents_show_them():
    model = ts.TransferModel(n_firms=600, seed=2).run(3)
    table = model.firm_table()
    assert len(table) == model.firms.count and table["id"].is_unique
    assert list(table.columns) == ["id", "sector", "region", "productivity", "employment", "land", "arrival_year",
                                   "relocations"]
    row = table.iloc[-1]
    firm = model.firm(int(row["id"]))
    assert (row["sector"], row["region"]) == (firm.sector, firm.region)
    assert row["employment"] == firm.employment and row["relocations"] == len(firm.relocations)
    assert table.groupby("region", observed=False).size().sum() == model.results.summary["firms"].iloc[-1]
