"""The province map: outlines drawn as plain SVG shapes, values, colours, corridors and arrows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import transfer_sim as ts
from transfer_sim import province_map as pm


@pytest.fixture(scope="module")
def run():
    """A short cage-and-nest run: relocations and sector change to draw."""
    model = ts.TransferModel(policy=ts.Policy.preset("cage_and_nest"), n_firms=3_000, seed=3)
    model.run(4)
    return model.results


@pytest.fixture(scope="module")
def capitals():
    g = ts.Geography.china()
    return pd.DataFrame({"region": g.names, "lat": g.lat, "lon": g.lon})


def provinces(fig):
    return [t for t in fig.data if t.legendgroup == "provinces"]


def test_map_draws_the_31_provinces_and_the_three_unmodelled_areas_grey(run):
    values = pm.map_values(run.regions, run.sectors, "output", 2029)
    fig = pm.province_map(values, "Output", "bn CNY")
    drawn = provinces(fig)
    assert {t.meta for t in drawn} == {str(c) for c in ts.Geography.china().codes}
    assert all(t.fill == "toself" and t.hoveron == "fills" for t in drawn)
    others = [t for t in fig.data if t.legendgroup == "not modelled"]
    assert {t.name for t in others} == {"Taiwan", "Hong Kong", "Macau"}
    assert {t.fillcolor for t in others} == {pm.NOT_MODELLED_GREY}
    assert not any(t.type.endswith("map") or t.type.startswith("choropleth") for t in fig.data)  # SVG only


def test_every_province_is_named_on_hover_and_the_large_ones_on_the_map(run):
    values = pm.map_values(run.regions, run.sectors, "output", 2029)
    fig = pm.province_map(values, "Output", "bn CNY", value_format=",.0f")
    sichuan = next(t for t in provinces(fig) if t.name == "Sichuan")
    expected = values.set_index("region").at["Sichuan", "value"]
    assert sichuan.text == f"Sichuan<br>bn CNY: {expected:,.0f}"
    names = next(t for t in fig.data if t.name == "province names")
    assert {"Sichuan", "Xinjiang", "Inner Mongolia", "Gansu"} <= set(names.text)
    assert "Shanghai" not in names.text  # too small to hold its name
    gansu = next(t for t in provinces(fig) if t.name == "Gansu")
    x, y = names.x[names.text.index("Gansu")], names.y[names.text.index("Gansu")]
    outline = [(a, b) for a, b in zip(gansu.x, gansu.y) if a is not None]
    assert pm.inside(outline + outline[:1], np.array([x]), np.array([y]))[0]  # inside its crescent


def test_colours_follow_a_fixed_range(run):
    early = pm.map_values(run.regions, run.sectors, "output", 2025)
    late = pm.map_values(run.regions, run.sectors, "output", 2029)
    fixed = pm.common_range([early, late])
    both = pd.concat([early, late])["value"]
    assert fixed == (both.min(), both.max())
    one = pm.province_map(early, "t", "bn CNY", colour_range=fixed)
    two = pm.province_map(early.assign(value=early["value"] * 0 + fixed[0]), "t", "bn CNY", colour_range=fixed)
    bar = next(t for t in one.data if t.marker.showscale)
    assert (bar.marker.cmin, bar.marker.cmax) == fixed
    assert {t.fillcolor for t in provinces(two)} == {"rgb(68, 1, 84)"}  # the bottom of Viridis
    assert pm.common_range([early.assign(value=early["value"] - 5)], centred=True)[0] < 0


def test_net_relocations_read_in_and_out_apart_from_the_red_arrows(run):
    net = pm.map_values(run.regions, run.sectors, "net_relocations", 2028)
    fig = pm.province_map(net, "Net", "firms", scale="moves")
    bar = next(t for t in fig.data if t.marker.showscale)
    assert bar.marker.cmin == -bar.marker.cmax
    ticks = bar.marker.colorbar.ticktext
    assert ticks[0].endswith("more out") and ticks[-1].endswith("more in")
    reds = {"rgb(214,39,40)", "rgb(214, 39, 40)"}
    assert not {c for _, c in bar.marker.colorscale} & reds
    with pytest.raises(ValueError, match="unknown scale"):
        pm.province_map(net, "Net", "firms", scale="rainbow")


@pytest.mark.parametrize("metric", list(pm.MAP_METRICS))
def test_every_map_metric_has_a_value_for_every_province(run, metric):
    values = pm.map_values(run.regions, run.sectors, metric, 2029, sector="electronics",
                           local_policy=run.local_policy, budgets=run.budgets)
    assert len(values) == 31
    assert np.isfinite(values["value"]).all()


def test_map_values_are_the_frame_numbers(run):
    now = run.regions[run.regions["year"] == 2028]
    land = pm.map_values(run.regions, run.sectors, "land_use", 2028)
    np.testing.assert_allclose(land["value"], 100 * now["land_used"] / now["land_cap"])
    net = pm.map_values(run.regions, run.sectors, "net_relocations", 2028)
    np.testing.assert_allclose(net["value"], now["relocations_in"] - now["relocations_out"])
    assert net["value"].sum() == 0  # every move leaves one province and enters another
    share = pm.map_values(run.regions, run.sectors, "sector_share", 2028, sector="agri_food")
    by = run.sectors[run.sectors["year"] == 2028]
    beijing = by[by["region"] == "Beijing"]
    expected = 100 * beijing.loc[beijing["sector"] == "agri_food", "output"].sum() / beijing["output"].sum()
    assert share.set_index("region").loc["Beijing", "value"] == pytest.approx(expected)


def test_the_provinces_terms_and_debt_are_the_frame_numbers(run):
    local = dict(local_policy=run.local_policy, budgets=run.budgets)
    rebate = pm.map_values(run.regions, run.sectors, "tax_rebate", 2028, **local).set_index("region")["value"]
    terms = run.local_policy.query("year == 2028 and instrument == 'tax_rebate'").set_index("region")["value"]
    pd.testing.assert_series_equal(rebate, 100 * terms.reindex(rebate.index), check_names=False)
    debt = pm.map_values(run.regions, run.sectors, "debt_share", 2028, **local).set_index("region")["value"]
    books = run.budgets.query("year == 2028").set_index("region")["debt"]
    gdp = run.regions.query("year == 2028").set_index("region")["gdp"]
    np.testing.assert_allclose(debt, (100 * books / gdp).reindex(debt.index))
    with pytest.raises(ValueError, match="'land_discount' needs the local_policy table"):
        pm.map_values(run.regions, run.sectors, "land_discount", 2028)


def test_map_rejects_unknown_metric_year_and_sector(run):
    with pytest.raises(ValueError, match="unknown map metric 'gdp'"):
        pm.map_values(run.regions, run.sectors, "gdp", 2028)
    with pytest.raises(ValueError, match="no results for the year 1999"):
        pm.map_values(run.regions, run.sectors, "output", 1999)
    with pytest.raises(ValueError, match="unknown sector 'steel'"):
        pm.map_values(run.regions, run.sectors, "sector_share", 2028, sector="steel")


def test_flow_arrows_are_the_largest_flows_and_point_at_the_destination(run, capitals):
    top = pm.top_flows(run.flows, capitals, 2029, n=5)
    pairs = run.flows.groupby(["origin", "destination"])["firms"].sum().sort_values(ascending=False)
    assert top["firms"].tolist() == pairs.head(5).tolist()
    fig = pm.province_map(pm.map_values(run.regions, run.sectors, "firms", 2029), "t", "firms", flows=top)
    arrows = [t for t in fig.data if t.legendgroup == "flows"]
    assert len(arrows) == 5
    first = top.iloc[0]
    assert arrows[0].x[1] == pytest.approx(first.d_lon) and arrows[0].y[1] == pytest.approx(first.d_lat)
    assert arrows[0].line.width >= arrows[-1].line.width


def test_corridors_run_to_their_border_exits_and_ports(run):
    corridors = pm.corridor_table()
    fig = pm.province_map(pm.map_values(run.regions, run.sectors, "firms", 2029), "t", "firms", corridors=corridors)
    names = {t.name for t in fig.data}
    assert {"China-Europe Railway Express", "Western Land-Sea New Corridor", "border exits and ports"} <= names
    ends = next(t for t in fig.data if t.name == "border exits and ports")
    assert any("Alashankou" in text for text in ends.text) and any("Qinzhou" in text for text in ends.text)


def test_difference_map_is_centred_on_zero(run):
    values = pm.map_values(run.regions, run.sectors, "output", 2029).assign(value=lambda v: v["value"] - 100)
    fig = pm.province_map(values, "gap", "bn CNY", scale="difference")
    bar = next(t for t in fig.data if t.marker.showscale)
    assert bar.marker.cmin == -bar.marker.cmax


def test_outline_simplification_keeps_the_shape_within_tolerance():
    square = [[0, 0], [0.5, 0.001], [1, 0], [1, 1], [0.5, 1.2], [0, 1], [0, 0]]
    simple = pm.simplify_ring(square, 0.05)
    assert simple == [[0, 0], [1, 0], [1, 1], [0.5, 1.2], [0, 1], [0, 0]]  # the 0.001 bump goes, the 0.2 peak stays
    tiny = [[0, 0], [0.01, 0], [0.01, 0.01], [0, 0]]
    assert pm.simplify_ring(tiny, 0.05) == tiny  # never degenerates
