"""Random valid policies over the whole lever space, shocks included: the books stay sound.

Every lever of :class:`transfer_sim.Policy` is drawn within its own declared bounds (a new
lever joins the draw without a change here), with 1-15 years and the smallest accepted
populations. The suite runs a fixed budget of examples; ``make fuzz`` runs many more
(``FUZZ_EXAMPLES``) with fresh random draws.
"""

from __future__ import annotations

import os
import typing
import warnings

import annotated_types
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import transfer_sim as ts
from transfer_sim.results import TABLES
from transfer_sim.run_settings import default

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CHINA = ts.Geography.china()
PROVINCES = list(CHINA.names)
START = default("start_year")
SIGNED = {("fiscal", "cost"), ("summary", "fiscal_cost"), ("summary", "fiscal_cost_pct_gdp"),  # fees: revenue
          ("decomposition", "employment"),  # changes: exits take jobs away
          ("budgets", "balance"), ("budgets", "debt")}  # deficits; a province may save


def bounds(field) -> tuple[float | None, float | None]:
    low = next((m.ge for m in field.metadata if isinstance(m, annotated_types.Ge)), None)
    high = next((m.le for m in field.metadata if isinstance(m, annotated_types.Le)), None)
    return low, high


regions = st.lists(st.sampled_from(PROVINCES), min_size=1, max_size=6, unique=True)
shocks = st.one_of(
    st.builds(ts.Shock, kind=st.sampled_from(["coastal_demand", "corridor_disruption"]),
              year=st.integers(START, START + 16), size=st.floats(0.01, 1.0), duration=st.integers(1, 12)),
    st.builds(ts.Shock, kind=st.just("regional_disaster"), year=st.integers(START, START + 16),
              size=st.floats(0.01, 1.0), duration=st.integers(1, 12), regions=regions),
)


def lever_values(name: str, field):
    """The values a lever may take, read from its declaration."""
    annotation = field.annotation
    optional = type(None) in typing.get_args(annotation)
    low, high = bounds(field)
    if name == "shocks":
        values = st.lists(shocks, max_size=3)
    elif name == "profit_subsidy":
        values = st.dictionaries(st.sampled_from(PROVINCES), st.floats(0.0, 1.0), max_size=4)
    elif name == "cage_sectors":
        values = st.lists(st.sampled_from(list(ts.SECTORS)), min_size=1, unique=True)
    elif "list[str]" in str(annotation):
        values = regions
    elif annotation is bool:
        values = st.booleans()
    elif annotation is int:
        values = st.integers(int(low), int(high))
    else:
        values = st.floats(low if low is not None else 0.0, high if high is not None else 1.0)
    return st.one_of(st.none(), values) if optional else values


@st.composite
def policies(draw) -> ts.Policy:
    """Some levers changed from the status quo, each to a value its declaration allows."""
    names = draw(st.lists(st.sampled_from(list(ts.Policy.model_fields)), max_size=8, unique=True))
    return ts.Policy(**{name: draw(lever_values(name, ts.Policy.model_fields[name])) for name in names})


def tables(model: ts.TransferModel) -> dict:
    r = model.results
    return {name: getattr(r, name) for name in TABLES}


@FUZZ
@given(policy=policies(), years=st.integers(1, 15), n_firms=st.integers(217, 600), seed=st.integers(0, 2**32 - 1))
def test_any_valid_policy_keeps_the_books_sound(policy, years, n_firms, seed):
    model = ts.TransferModel(policy=policy, n_firms=n_firms, seed=seed).run(years)
    for name, frame in tables(model).items():
        for column in frame.select_dtypes("number").columns:
            values = frame[column].to_numpy(float)
            assert np.isfinite(values).all(), f"{name}.{column} is not finite: {policy!r}"
            if (name, column) not in SIGNED:
                assert (values >= -1e-9).all(), f"{name}.{column} is negative: {policy!r}"
    summary, regions = model.results.summary, model.results.regions
    change = model.results.decomposition.groupby(["year", "region"], sort=False)["employment"].sum().to_numpy()
    jobs = regions["employment"].to_numpy().reshape(-1, len(model.geography.names))
    np.testing.assert_allclose(change[len(model.geography.names):], np.diff(jobs, axis=0).ravel(), rtol=1e-7, atol=1e-3)
    # firms are conserved: last year's firms + entries - exits
    assert (summary["firms"].diff().iloc[1:] == (summary["entries"] - summary["exits"]).iloc[1:]).all()
    firms = regions.groupby("year")["firms"].sum().to_numpy()
    assert (firms == summary["firms"].to_numpy()).all()
    if firms[-1] > 0:
        assert abs(model.firm_shares().sum() - 1.0) < 1e-12
    # the books add up: the net fiscal cost is the sum over levers; exports by market add up to each region's
    books = model.results.fiscal.groupby("year")["cost"].sum().reindex(summary["year"], fill_value=0.0)
    np.testing.assert_allclose(summary["fiscal_cost"], books, rtol=1e-9, atol=1e-9)
    assert set(model.results.fiscal["payer"]) <= {"central", "local"}
    by_market = model.results.exports.groupby(["year", "region"], sort=False)["value"].sum().to_numpy()
    np.testing.assert_allclose(by_market, regions["exports"], rtol=1e-9, atol=1e-9)
    # zoning caps hold and land is never negative
    assert (regions["land_used"] <= regions["land_cap"] * (1 + 1e-9) + 1e-9).all()
    # the provinces' books: the balance is revenue and transfers less spending, the rebates and
    # discounts they book are what they paid firms
    books = model.results.budgets
    np.testing.assert_allclose(books["balance"], books["revenue"] + books["transfers"] - books["spending"], atol=1e-6)


@pytest.mark.parametrize("years", [1, 2, 3, 10])
def test_a_total_disaster_leaves_zeros_not_nan(years):
    """Output wiped out everywhere for some years: zeros while it lasts, finite numbers always;
    after a short disaster the economy recovers."""
    disaster = ts.Shock(kind="regional_disaster", year=START + 1, duration=years, size=1.0, regions=PROVINCES)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no 0/0 on the way
        model = ts.TransferModel(policy=ts.Policy(shocks=[disaster]), n_firms=2000, seed=1).run(15)
    for name, frame in tables(model).items():
        assert np.isfinite(frame.select_dtypes("number").to_numpy(float)).all(), name
    summary = model.results.summary.set_index("year")
    assert (summary.loc[START + 1: START + years, "value_added"] == 0).all()
    if years <= 3:
        assert summary.loc[START + years + 1, "value_added"] > 0
