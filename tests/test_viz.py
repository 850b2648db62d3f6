"""Figure builders: tidy frames in, Plotly figures out, with the numbers they were given."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import transfer_sim as ts
from transfer_sim import viz
from transfer_sim.economics import home_market_share


@pytest.fixture(scope="module")
def run():
    """A short cage-and-nest run: relocations, fiscal cost and sector change to draw."""
    model = ts.TransferModel(policy=ts.Policy.preset("cage_and_nest"), n_firms=3_000, seed=3)
    model.run(4)
    return model.results


@pytest.fixture(scope="module")
def capitals():
    g = ts.Geography.china()
    return pd.DataFrame({"region": g.names, "lat": g.lat, "lon": g.lon})


def test_map_draws_the_31_provinces_and_the_three_unmodelled_areas_grey(run):
    values = viz.map_values(run.regions, run.sectors, "output", 2029)
    fig = viz.province_map(values, "Output", "bn CNY")
    provinces, others = fig.data[0], fig.data[1]
    assert isinstance(provinces, go.Choroplethmap)
    assert len(provinces.locations) == 31
    assert set(provinces.locations) == {str(c) for c in ts.Geography.china().codes}
    assert {f["properties"]["name_en"] for f in others.geojson["features"]} == {"Taiwan", "Hong Kong", "Macau"}
    assert len(others.locations) == 3 and others.showscale is False
    assert fig.layout.map.style == "white-bg"  # no tiles: works offline
    feature_codes = {str(f["properties"]["code"]) for f in provinces.geojson["features"]}
    assert set(provinces.locations) <= feature_codes


@pytest.mark.parametrize("metric", list(viz.MAP_METRICS))
def test_every_map_metric_has_a_value_for_every_province(run, metric):
    values = viz.map_values(run.regions, run.sectors, metric, 2029, sector="electronics")
    assert len(values) == 31
    assert np.isfinite(values["value"]).all()


def test_map_values_are_the_frame_numbers(run):
    now = run.regions[run.regions["year"] == 2028]
    land = viz.map_values(run.regions, run.sectors, "land_use", 2028)
    np.testing.assert_allclose(land["value"], 100 * now["land_used"] / now["land_cap"])
    net = viz.map_values(run.regions, run.sectors, "net_relocations", 2028)
    np.testing.assert_allclose(net["value"], now["relocations_in"] - now["relocations_out"])
    assert net["value"].sum() == 0  # every move leaves one province and enters another
    share = viz.map_values(run.regions, run.sectors, "sector_share", 2028, sector="agri_food")
    by = run.sectors[run.sectors["year"] == 2028]
    beijing = by[by["region"] == "Beijing"]
    expected = 100 * beijing.loc[beijing["sector"] == "agri_food", "output"].sum() / beijing["output"].sum()
    assert share.set_index("region").loc["Beijing", "value"] == pytest.approx(expected)


def test_map_rejects_unknown_metric_year_and_sector(run):
    with pytest.raises(ValueError, match="unknown map metric 'gdp'"):
        viz.map_values(run.regions, run.sectors, "gdp", 2028)
    with pytest.raises(ValueError, match="no results for the year 1999"):
        viz.map_values(run.regions, run.sectors, "output", 1999)
    with pytest.raises(ValueError, match="unknown sector 'steel'"):
        viz.map_values(run.regions, run.sectors, "sector_share", 2028, sector="steel")


def test_flow_arrows_are_the_largest_flows_and_point_at_the_destination(run, capitals):
    top = viz.top_flows(run.flows, capitals, 2029, n=5)
    pairs = run.flows.groupby(["origin", "destination"])["firms"].sum().sort_values(ascending=False)
    assert top["firms"].tolist() == pairs.head(5).tolist()
    fig = viz.province_map(viz.map_values(run.regions, run.sectors, "firms", 2029), "t", "firms", flows=top)
    arrows = [t for t in fig.data if t.legendgroup == "flows"]
    assert len(arrows) == 5
    first = top.iloc[0]
    assert arrows[0].lon[1] == pytest.approx(first.d_lon) and arrows[0].lat[1] == pytest.approx(first.d_lat)
    assert arrows[0].line.width >= arrows[-1].line.width


def test_corridors_run_to_their_border_exits_and_ports(run):
    corridors = viz.corridor_table()
    fig = viz.province_map(viz.map_values(run.regions, run.sectors, "firms", 2029), "t", "firms", corridors=corridors)
    names = {t.name for t in fig.data}
    assert {"China-Europe Railway Express", "Western Land-Sea New Corridor", "border exits and ports"} <= names
    ends = next(t for t in fig.data if t.name == "border exits and ports")
    assert any("Alashankou" in text for text in ends.text) and any("Qinzhou" in text for text in ends.text)


def test_macro_shares_add_up_to_100_each_year(run):
    fig = viz.macro_share_figure(run.regions)
    output = [t for t in fig.data if t.xaxis == "x"]
    assert {t.name for t in output} == {"east", "central", "west", "northeast"}
    totals = np.sum([np.asarray(t.y) for t in output], axis=0)
    np.testing.assert_allclose(totals, 100)


def test_inequality_stacks_within_and_between_to_the_total(run):
    fig = viz.inequality_figure(run.summary)
    within, between = fig.data[0].y, fig.data[1].y
    np.testing.assert_allclose(np.add(within, between), run.summary["theil_total"])


def test_fiscal_figure_shows_paid_levers_only_and_revenue_below_zero(run):
    fig = viz.fiscal_figure(run.fiscal)
    bars = {t.name: np.asarray(t.y) for t in fig.data}
    assert "cage_fee" in bars and "nest_investment" in bars and "frontier_subsidy" not in bars
    assert (bars["cage_fee"] <= 0).all()
    baseline = run.fiscal.assign(cost=0.0)
    assert viz.fiscal_figure(baseline).layout.annotations[0].text.startswith("No fiscal cost")


def test_activity_figure_skips_the_start_year(run):
    fig = viz.activity_figure(run.summary)
    assert min(fig.data[0].x) == 2026
    assert viz.activity_figure(run.summary.head(1)).layout.annotations


def test_sankey_conserves_relocations(run):
    fig = viz.sankey_figure(run.flows, run.regions, "macro")
    sankey = fig.data[0]
    assert sum(sankey.link.value) == run.flows["firms"].sum()
    assert all(label.endswith(("(from)", "(to)")) for label in sankey.node.label)
    top = viz.sankey_figure(run.flows, run.regions, "province", top=7).data[0]
    assert len(top.link.value) == 7
    assert viz.sankey_figure(run.flows.head(0), run.regions).layout.annotations[0].text.startswith("No relocations")
    with pytest.raises(ValueError, match="level"):
        viz.sankey_figure(run.flows, run.regions, "county")


def test_sector_heatmap_columns_are_shares_of_each_sector(run):
    fig = viz.sector_heatmap(run.sectors, 2029)
    z = np.asarray(fig.data[0].z, dtype=float)
    assert z.shape == (31, len(ts.SECTORS))
    np.testing.assert_allclose(np.nansum(z, axis=0), 100)


def test_concentration_is_a_herfindahl_between_1_over_n_and_1(run):
    fig = viz.concentration_figure(run.sectors)
    assert len(fig.data) == len(ts.SECTORS)
    values = np.concatenate([np.asarray(t.y) for t in fig.data])
    assert ((values >= 1 / 31 - 1e-12) & (values <= 1)).all()


def test_difference_charts_are_zero_for_identical_runs_and_signed_otherwise(run):
    same = viz.summary_difference(run.summary, run.summary)
    assert all(np.allclose(t.y, 0) for t in same.data)
    more = run.summary.assign(theil_total=run.summary["theil_total"] + 0.01)
    gap = viz.summary_difference(run.summary, more).data[0]
    np.testing.assert_allclose(gap.y, 0.01)
    shares = viz.macro_share_difference(run.regions, run.regions)
    assert all(np.allclose(t.y, 0) for t in shares.data)


def test_difference_map_is_centred_on_zero(run):
    values = viz.map_values(run.regions, run.sectors, "output", 2029).assign(value=lambda v: v["value"] - 100)
    fig = viz.province_map(values, "gap", "bn CNY", diverging=True)
    assert fig.data[0].zmid == 0


def test_home_market_figure_draws_the_formula(run):
    points = pd.DataFrame({"s_e": [0.5, 0.6], "share": [0.5, 0.68]})
    fig = viz.home_market_figure(points, 0.3, chosen=0.6)
    line = fig.data[0]
    i = int(np.argmin(np.abs(np.asarray(line.x) - 0.6)))
    assert line.y[i] == pytest.approx(home_market_share(0.6, 0.3))
    assert max(line.y) <= 1.0
    assert list(fig.data[2].x) == [0.6]  # the user's own point is ringed


def test_share_path_figure_shows_the_theory_level():
    model = ts.TransferModel(geography=ts.Geography.abstract([0.6, 0.4], [[1, 0.3], [0.3, 1]]),
                             economy="footloose_capital", n_firms=300, seed=1,
                             params=ts.EconomyParams(logit_beta=200, relocation_rate=0.05))
    model.run(5)
    fig = viz.share_path_figure(model.results.regions, "Region 1", 0.68)
    assert fig.data[0].y[0] == pytest.approx(0.5, abs=0.1)
    assert fig.layout.shapes[0].y0 == pytest.approx(0.68)


def test_outline_simplification_keeps_the_shape_within_tolerance():
    square = [[0, 0], [0.5, 0.001], [1, 0], [1, 1], [0.5, 1.2], [0, 1], [0, 0]]
    simple = viz.simplify_ring(square, 0.05)
    assert simple == [[0, 0], [1, 0], [1, 1], [0.5, 1.2], [0, 1], [0, 0]]  # the 0.001 bump goes, the 0.2 peak stays
    tiny = [[0, 0], [0.01, 0], [0.01, 0.01], [0, 0]]
    assert viz.simplify_ring(tiny, 0.05) == tiny  # never degenerates
