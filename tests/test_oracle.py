"""The footloose-capital oracle: the simulated firm share against theory.

Two regions, one sector, expenditure fixed at s_E, trade freeness phi between them.
At a sharp logit the time-averaged share of firms in the larger market must be the
home-market-effect share s_n = 1/2 + ((1+phi)/(1-phi)) (s_E - 1/2); at a moderate
logit it must be the logit (quantal-response) equilibrium of the same profits, which is
computed here from the textbook formulas, independently of the model's kernels.
"""

import math

import numpy as np
import pytest
from scipy.optimize import brentq

import transfer_sim as ts

GRID = [(s_e, phi) for s_e in (0.5, 0.55, 0.6) for phi in (0.1, 0.3, 0.5)]


def simulate_share(s_e, phi, beta, rate=None, years=150, burn_in=50, n_firms=4000, seed=1):
    geography = ts.Geography.abstract([s_e, 1 - s_e], [[1, phi], [phi, 1]])
    model = ts.TransferModel(geography=geography, economy="footloose_capital", n_firms=n_firms,
                             seed=seed, logit_beta=beta, relocation_rate=rate)
    model.run(years)
    firms = model.results.regions.query("region == 'Region 1'").set_index("year")["firms"]
    return firms / n_firms, burn_in


def fc_profits(s_n, s_e, phi):
    """Operating profit per firm in each region (mu/sigma and E dropped: they cancel)."""
    p1 = s_n + phi * (1 - s_n)  # price-index term of market 1
    p2 = phi * s_n + (1 - s_n)
    return s_e / p1 + phi * (1 - s_e) / p2, phi * s_e / p1 + (1 - s_e) / p2


def quantal_response_share(s_e, phi, beta):
    """Firm share s with s = exp(b v1) / (exp(b v1) + exp(b v2)), v = profit / mean profit."""

    def excess(s):
        pi1, pi2 = fc_profits(s, s_e, phi)
        mean = s * pi1 + (1 - s) * pi2
        return s - 1.0 / (1.0 + math.exp(beta * (pi2 - pi1) / mean))

    return brentq(excess, 1e-9, 1 - 1e-9)


def test_textbook_formula():
    assert ts.home_market_share(0.6, 0.5) == pytest.approx(0.8)
    assert ts.home_market_share(0.5, 0.3) == pytest.approx(0.5)
    assert ts.home_market_share(0.7, 0.5) == 1.0  # clipped: full agglomeration
    # the formula is where profits are equal
    pi1, pi2 = fc_profits(ts.home_market_share(0.55, 0.3), 0.55, 0.3)
    assert pi1 == pytest.approx(pi2)


@pytest.mark.parametrize(("s_e", "phi"), GRID)
def test_sharp_logit_reproduces_home_market_effect(s_e, phi):
    share, burn_in = simulate_share(s_e, phi, beta=200.0, rate=0.02)
    assert share.iloc[burn_in:].mean() == pytest.approx(ts.home_market_share(s_e, phi), abs=0.02)


@pytest.mark.parametrize(("s_e", "phi"), [(0.55, 0.5), (0.6, 0.3), (0.6, 0.5)])
def test_moderate_logit_matches_quantal_response_equilibrium(s_e, phi):
    beta = 8.0
    share, burn_in = simulate_share(s_e, phi, beta=beta, rate=0.05)
    expected = quantal_response_share(s_e, phi, beta)
    theory = ts.home_market_share(s_e, phi)
    assert share.iloc[burn_in:].mean() == pytest.approx(expected, abs=0.01)
    assert abs(expected - theory) > 0.02  # the test tells the two equilibria apart


def test_settles_from_even_start_at_default_settings():
    geography = ts.Geography.abstract([0.6, 0.4], [[1, 0.3], [0.3, 1]])
    model = ts.TransferModel(geography=geography, economy="footloose_capital", n_firms=4000, seed=2)
    model.run(120)
    share = model.results.regions.query("region == 'Region 1'").set_index("year")["firms"] / 4000
    assert share.iloc[0] == 0.5
    late = share.loc[model.start_year + 100:]
    expected = quantal_response_share(0.6, 0.3, model.logit_beta)
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
                             n_firms=4000, seed=1, logit_beta=50.0, relocation_rate=0.05)
    model.run(80)
    assert model.firm_shares()["Region 2"] > 0.55
