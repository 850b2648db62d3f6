"""Figure builders: tidy frames in, Plotly figures out, with the numbers they were given."""

from __future__ import annotations

import numpy as np
import pandas as pd
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


def test_macro_shares_add_up_to_100_each_year(run):
    fig = viz.macro_share_figure(run.regions)
    output = [t for t in fig.data if t.xaxis == "x"]
    assert {t.name for t in output} == {"east", "central", "west", "northeast"}
    totals = np.sum([np.asarray(t.y) for t in output], axis=0)
    np.testing.assert_allclose(totals, 100)


def test_real_income_is_each_macro_regions_real_gdp_per_head(run):
    fig = viz.real_income_figure(run.regions)
    lines = {t.name: np.asarray(t.y) for t in fig.data}
    assert set(lines) == {"east", "central", "west", "northeast"}
    east = run.regions.query("macro_region == 'east'")
    expected = (east["real_income_per_capita"] * east["population"]).groupby(east["year"]).sum() \
        / east.groupby("year")["population"].sum()
    np.testing.assert_allclose(lines["east"], expected.to_numpy())
    assert lines["east"][0] > lines["west"][0] > 0  # the east is richer


def test_inequality_stacks_within_and_between_to_the_total(run):
    fig = viz.inequality_figure(run.summary)
    within, between = fig.data[0].y, fig.data[1].y
    np.testing.assert_allclose(np.add(within, between), run.summary["theil_total"])


@pytest.mark.parametrize("years", [1, 5])
def test_inequality_axes_start_at_zero_even_for_one_year(run, years):
    summary = run.summary.head(years)
    fig = viz.inequality_figure(summary)
    low, high = fig.layout.yaxis2.range  # the coefficient of variation: never below zero, so no -0.58
    assert low == 0 and summary["cv_gdp_per_capita"].max() < high < 1.2 * summary["cv_gdp_per_capita"].max()
    assert fig.layout.yaxis.rangemode == "tozero"
    assert fig.layout.yaxis2.tickmode == "auto"  # round ticks of its own, not 0.068, 0.137 … from the left grid


@pytest.mark.parametrize("build", [
    lambda r: viz.macro_share_figure(r.regions), lambda r: viz.inequality_figure(r.summary),
    lambda r: viz.activity_figure(r.summary), lambda r: viz.fiscal_figure(r.fiscal),
    lambda r: viz.local_competition_figure(r.local_policy, r.regions), lambda r: viz.concentration_figure(r.sectors),
    lambda r: viz.macro_share_difference([(r.regions, r.regions)]),
    lambda r: viz.summary_difference([(r.summary, r.summary)])])
def test_year_axes_tick_whole_years_without_separators(run, build):
    axes = [a for name, a in build(run).layout.to_plotly_json().items() if name.startswith("xaxis")]
    assert axes and all(a["tickformat"] == "d" and a["dtick"] >= 1 and a["tickmode"] == "linear" for a in axes)
    first_years = viz.inequality_figure(run.summary.head(2)).layout.xaxis
    assert (first_years.tick0, first_years.dtick, tuple(first_years.range)) == (2025, 1, (2024.5, 2026.5))


def test_fiscal_figure_shows_paid_levers_only_and_revenue_below_zero(run):
    fig = viz.fiscal_figure(run.fiscal)
    bars = {t.name: np.asarray(t.y) for t in fig.data}
    assert "Cage fee" in bars and "Nest investment" in bars and "Frontier sector subsidy" not in bars
    assert (bars["Cage fee"] <= 0).all()
    baseline = run.fiscal.assign(cost=0.0)
    assert viz.fiscal_figure(baseline).layout.annotations[0].text.startswith("No fiscal cost")


def test_local_competition_is_each_macro_regions_gdp_weighted_terms(run):
    fig = viz.local_competition_figure(run.local_policy, run.regions)
    rebates = {t.name: np.asarray(t.y) for t in fig.data if t.xaxis == "x"}
    assert set(rebates) == {"east", "central", "west", "northeast"} and len(fig.data) == 8
    west = run.regions.query("macro_region == 'west'")[["year", "region", "gdp"]]
    rebate = run.local_policy.query("instrument == 'tax_rebate'").merge(west, on=["year", "region"])
    expected = (rebate["value"] * rebate["gdp"]).groupby(rebate["year"]).sum() / rebate.groupby("year")["gdp"].sum()
    np.testing.assert_allclose(rebates["west"], 100 * expected.to_numpy())
    assert ((0 <= rebates["east"]) & (rebates["east"] <= 25)).all()  # the grid's rebates reach 0.25 of profit


def test_local_competition_says_when_there_are_no_local_governments(run):
    fig = viz.local_competition_figure(run.local_policy.iloc[:0], run.regions, lang="zh")
    assert not fig.data and fig.layout.annotations[0].text.startswith("本经济中没有地方政府")


def test_activity_figure_skips_the_start_year(run):
    fig = viz.activity_figure(run.summary)
    assert min(fig.data[0].x) == 2026
    assert viz.activity_figure(run.summary.head(1)).layout.annotations


def test_relocations_across_provinces_get_a_line_only_when_they_differ(run):
    assert (run.summary["relocations"] == run.summary["cross_province_relocations"]).all()
    same = viz.activity_figure(run.summary)
    assert [t.name for t in same.data] == ["relocations (all between provinces)", "entries", "exits"]
    within = run.summary.assign(relocations=run.summary["relocations"] + 7)
    apart = {t.name: t for t in viz.activity_figure(within).data}
    assert apart["of which across provinces"].line.dash == "dash" and apart["relocations"].line.dash == "solid"


def test_sankey_conserves_relocations(run):
    fig = viz.sankey_figure(run.flows, run.regions, "macro")
    sankey = fig.data[0]
    assert sum(sankey.link.value) == run.flows["firms"].sum()
    assert all(label.endswith(("(from)", "(to)")) for label in sankey.node.label)
    top = viz.sankey_figure(run.flows, run.regions, "province", top=7).data[0]
    assert len(top.link.value) == 7
    macro = run.regions.drop_duplicates("region").set_index("region")["macro_region"]
    origins = [top.node.label[i].removesuffix(" (from)") for i in top.link.source]
    expected = [viz._translucent(viz.MACRO_COLOURS[macro[o]]) for o in origins]
    assert list(top.link.color) == expected and len(set(sankey.link.color)) > 1  # coloured by origin
    assert viz.sankey_figure(run.flows.head(0), run.regions).layout.annotations[0].text.startswith("No relocations")
    with pytest.raises(ValueError, match="level"):
        viz.sankey_figure(run.flows, run.regions, "county")


def test_sector_heatmap_columns_are_shares_of_each_sector(run):
    fig = viz.sector_heatmap(run.sectors, 2029)
    z = np.asarray(fig.data[0].z, dtype=float)
    assert z.shape == (31, len(ts.SECTORS))
    assert "Agri-food processing" in fig.data[0].x
    np.testing.assert_allclose(np.nansum(z, axis=0), 100)


def test_concentration_is_a_herfindahl_between_1_over_n_and_1(run):
    fig = viz.concentration_figure(run.sectors)
    assert len(fig.data) == len(ts.SECTORS)
    values = np.concatenate([np.asarray(t.y) for t in fig.data])
    assert ((values >= 1 / 31 - 1e-12) & (values <= 1)).all()


def test_difference_charts_are_zero_for_identical_runs_and_signed_otherwise(run):
    same = viz.summary_difference([(run.summary, run.summary)])
    assert all(np.allclose(t.y, 0) for t in same.data)
    more = run.summary.assign(theil_total=run.summary["theil_total"] + 0.01)
    gap = viz.summary_difference([(run.summary, more)]).data[0]
    np.testing.assert_allclose(gap.y, 0.01)
    assert gap.error_y.array is None  # one seed: no interval
    shares = viz.macro_share_difference([(run.regions, run.regions)])
    assert all(np.allclose(t.y, 0) for t in shares.data)


def test_differences_over_seeds_are_their_mean_with_a_95_percent_band(run):
    """Three seeds' gaps of 0.01, 0.02 and 0.03: mean 0.02, half-width t(0.975, 2) · s / √3."""
    pairs = [(run.summary, run.summary.assign(theil_total=run.summary["theil_total"] + g)) for g in (0.01, 0.02, 0.03)]
    fig = viz.summary_difference(pairs)
    bars = fig.data[0]
    half = 4.302652729911275 * 0.01 / np.sqrt(3)
    np.testing.assert_allclose(bars.y, 0.02)
    np.testing.assert_allclose(bars.error_y.array, half)
    np.testing.assert_allclose(bars.error_y.arrayminus, half)
    assert "mean of 3 seeds, 95 % band" in fig.layout.title.text
    shifted = run.regions.assign(value_added=np.where(run.regions["macro_region"] == "west",
                                                      run.regions["value_added"] * 1.1, run.regions["value_added"]))
    shares = viz.macro_share_difference([(run.regions, run.regions), (run.regions, shifted)])
    west = [t for t in shares.data if t.legendgroup == "west"]
    assert len(west) == 3 and west[1].fill == "tonexty"  # the band's edges, then the mean line
    assert (np.asarray(west[2].y) > 0).all() and (np.asarray(west[0].y) > np.asarray(west[2].y)).all()


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
