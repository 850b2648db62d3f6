"""The footloose-capital oracle: the simulated firm share against theory.

Two regions, one sector, expenditure fixed at s_E, trade freeness phi between them.
At a sharp logit the time-averaged share of firms in the larger market must be the
home-market-effect share s_n = 1/2 + ((1+phi)/(1-phi)) (s_E - 1/2); at a moderate
logit it must be the logit (quantal-response) equilibrium of the same profits, solved
from the textbook formulas (transfer_sim.validation), independently of the model's kernels.
"""

import numpy as np
import pytest

import transfer_sim as ts
from transfer_sim.validation import footloose_profits, quantal_response_share, simulated_share

GRID = [(s_e, phi) for s_e in (0.5, 0.55, 0.6) for phi in (0.1, 0.3, 0.5)]


def test_textbook_formula():
    assert ts.home_market_share(0.6, 0.5) == pytest.approx(0.8)
    assert ts.home_market_share(0.5, 0.3) == pytest.approx(0.5)
    assert ts.home_market_share(0.7, 0.5) == 1.0  # clipped: full agglomeration
    # the formula is where profits are equal
    pi1, pi2 = footloose_profits(ts.home_market_share(0.55, 0.3), 0.55, 0.3)
    assert pi1 == pytest.approx(pi2)


def test_logit_equilibrium_is_a_fixed_point_of_the_logit():
    s = quantal_response_share(0.6, 0.3, 8.0)
    pi1, pi2 = footloose_profits(s, 0.6, 0.3)
    mean = s * pi1 + (1 - s) * pi2
    assert s == pytest.approx(1 / (1 + np.exp(8.0 * (pi2 - pi1) / mean)), abs=1e-9)


@pytest.mark.parametrize(("s_e", "phi"), GRID)
def test_sharp_logit_reproduces_home_market_effect(s_e, phi):
    assert simulated_share(s_e, phi, beta=200.0, rate=0.02) == pytest.approx(ts.home_market_share(s_e, phi), abs=0.02)


@pytest.mark.parametrize(("s_e", "phi"), [(0.55, 0.5), (0.6, 0.3), (0.6, 0.5)])
def test_moderate_logit_matches_quantal_response_equilibrium(s_e, phi):
    beta = 8.0
    expected = quantal_response_share(s_e, phi, beta)
    theory = ts.home_market_share(s_e, phi)
    assert simulated_share(s_e, phi, beta=beta, rate=0.05) == pytest.approx(expected, abs=0.01)
    assert abs(expected - theory) > 0.02  # the test tells the two equilibria apart


def test_settles_from_even_start_at_default_settings():
    geography = ts.Geography.abstract([0.6, 0.4], [[1, 0.3], [0.3, 1]])
    model = ts.TransferModel(geography=geography, economy="footloose_capital", n_firms=4000, seed=2)
    model.run(120)
    share = model.results.regions.query("region == 'Region 1'").set_index("year")["firms"] / 4000
    assert share.iloc[0] == 0.5
    late = share.loc[model.start_year + 100:]
    expected = quantal_response_share(0.6, 0.3, model.params.logit_beta)
    assert late.mean() == pytest.approx(expected, abs=0.01)
    assert late.std() < 0.01  # settled: no drift, no oscillation
    # updating does not oscillate: year-on-year changes do not alternate in sign early on
    steps = np.diff(share.loc[: model.start_year + 10].to_numpy())
    assert np.all(steps >= -0.005)


def test_subsidy_shifts_firms_to_the_subsidised_region():
    """A profit subsidy works like a bigger market: with equal markets it draws firms in."""
    geography = ts.Geography.abstract([0.5, 0.5], [[1, 0.3], [0.3, 1]])
    policy = ts.Policy(profit_subsidy={"Region 2": 0.1})
    model = ts.TransferModel(geography=geography, policy=policy, economy="footloose_capital",
                             n_firms=4000, seed=1, params=ts.EconomyParams(logit_beta=50.0, relocation_rate=0.05))
    model.run(80)
    assert model.firm_shares()["Region 2"] > 0.55
