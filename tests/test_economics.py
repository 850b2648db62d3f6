"""Each kernel against a case computed by hand."""

import numpy as np
import pytest

from transfer_sim import economics as ec
from transfer_sim.metrics import coefficient_of_variation, resilience, theil_decomposition


def test_freeness_and_cost_are_inverse():
    tau = np.array([1.0, 1.25, 2.0])
    phi = ec.freeness_from_cost(tau, 5.0)
    assert phi == pytest.approx([1.0, 1.25**-4, 2.0**-4])
    assert ec.cost_from_freeness(phi, 5.0) == pytest.approx(tau)


def test_price_index_and_market_access_two_regions():
    supply = np.array([[3.0, 1.0]])  # one sector, 3 units in region 0, 1 in region 1
    phi = np.array([[1.0, 0.5], [0.5, 1.0]])
    price = ec.price_index(supply, phi)
    assert price == pytest.approx(np.array([[3.5, 2.5]]))  # 3 + 0.5*1, 0.5*3 + 1
    spending = np.array([[60.0, 40.0]])
    access = ec.market_access(spending, price, phi)
    assert access[0, 0] == pytest.approx(60 / 3.5 + 0.5 * 40 / 2.5)
    assert access[0, 1] == pytest.approx(0.5 * 60 / 3.5 + 40 / 2.5)
    # all spending is earned by someone: sum of supply x access = total spending
    assert (supply * access).sum() == pytest.approx(100.0)


def test_logit_probabilities_and_blocked_alternatives():
    p = ec.logit_probabilities(np.array([[0.0, np.log(3.0), -np.inf]]))
    assert p == pytest.approx(np.array([[0.25, 0.75, 0.0]]))
    assert ec.logit_probabilities(np.array([[-np.inf, -np.inf]])).tolist() == [[0.0, 0.0]]
    assert ec.logit_probabilities(np.array([[1000.0, 1000.0]])) == pytest.approx(np.array([[0.5, 0.5]]))


def test_draws_from_shared_rows_equal_draws_from_a_row_per_chooser():
    rng = np.random.default_rng(3)
    weights = rng.random((50, 31)) * (rng.random((50, 31)) < 0.7)  # closed alternatives repeat a CDF value
    weights[7] = 0.0  # a group nobody may join
    cdf = np.cumsum(weights, axis=1) / np.maximum(weights.sum(axis=1, keepdims=True), 1e-300)
    group, uniforms = rng.integers(0, 50, 100_000), rng.random(100_000)
    uniforms[:50] = np.concatenate([[0.0, 1.0 - 1e-16], cdf[group[2:50], 5]])  # the ends, and draws on a row's values
    assert np.array_equal(ec.draw_in_groups(cdf, group, uniforms), ec.draw_choices(cdf[group], uniforms))


def test_draw_choices_inverts_the_cdf():
    cdf = np.array([[0.2, 0.7, 1.0], [0.2, 0.7, 1.0], [0.2, 0.7, 1.0]])
    assert ec.draw_choices(cdf, np.array([0.1, 0.5, 0.99])).tolist() == [0, 1, 2]


def test_hazard_rises_with_the_chance_of_moving():
    hazard = ec.relocation_hazard(0.02, 0.1, np.array([1.0, 0.5, 0.0]))
    assert hazard == pytest.approx([0.02, 0.07, 0.12])


def test_stationary_shares_of_a_two_state_chain():
    t = np.array([[0.9, 0.1], [0.2, 0.8]])
    assert ec.stationary_shares(t, np.array([0.5, 0.5]), 0.0) == pytest.approx([2 / 3, 1 / 3])
    # with turnover: s = (1-d) s T + d e
    s = ec.stationary_shares(t, np.array([1.0, 0.0]), 0.5)
    assert s == pytest.approx(0.5 * s @ t + 0.5 * np.array([1.0, 0.0]))


def test_wage_and_rent_levels():
    assert ec.wage_level(np.array([100.0]), 1.1, np.array([120.0]), np.array([100.0]), 0.5) == pytest.approx(
        [100 * 1.1 * 1.2**0.5])
    no_cap = np.array([np.inf])
    assert ec.rent_level(np.array([10.0]), 1.0, np.array([50.0]), np.array([100.0]), 1.0, no_cap, no_cap,
                         0.5) == pytest.approx([5.0])
    assert ec.wage_level(np.array([100.0]), 1.0, np.array([0.0]), np.array([100.0]), 0.3)[0] > 0


def test_rent_rises_steeply_as_land_use_nears_the_zoning_cap():
    """At start-year use the rent is the start rent; halving the free share of the cap raises it
    by 2^mu; a full cap counts as 5 % free."""
    def rent(used, cap=np.array([150.0])):
        return ec.rent_level(np.array([10.0]), 1.0, np.array([used]), np.array([100.0]), 0.0, cap,
                             np.array([150.0]), 0.5)[0]
    assert rent(100.0) == pytest.approx(10.0)
    assert rent(125.0) == pytest.approx(10.0 * 2**0.5)  # free share 1/3 -> 1/6
    assert rent(150.0) == pytest.approx(10.0 * (1 / 3 / ec.MIN_FREE_LAND) ** 0.5)
    assert rent(125.0, cap=np.array([250.0])) < rent(100.0)  # more headroom, cheaper land


def test_ration_by_capacity_respects_free_land_in_priority_order():
    destination = np.array([0, 0, 0, 1])
    demand = np.array([2.0, 2.0, 1.0, 5.0])
    priority = np.array([0.3, 0.1, 0.2, 0.5])
    accepted = ec.ration_by_capacity(destination, demand, np.array([3.0, 10.0]), priority)
    # region 0 takes claims by priority 0.1 (2), 0.2 (1) -> 3 fits; 0.3 (2) does not
    assert accepted.tolist() == [False, True, True, True]


def test_home_market_share_formula():
    assert ec.home_market_share(0.6, 0.2) == pytest.approx(0.5 + 1.2 / 0.8 * 0.1)
    assert ec.home_market_share(0.3, 0.6) == 0.0


def test_theil_decomposition_adds_up():
    output = np.array([4.0, 1.0, 3.0, 2.0])
    people = np.array([1.0, 2.0, 3.0, 4.0])
    groups = np.array(["a", "a", "b", "b"])
    total, within, between = theil_decomposition(output, people, groups)
    y, p = output / 10, people / 10
    assert total == pytest.approx(np.sum(y * np.log(y / p)))
    assert between == pytest.approx(0.5 * np.log(0.5 / 0.3) + 0.5 * np.log(0.5 / 0.7))
    assert within + between == pytest.approx(total)
    assert theil_decomposition(people, people, groups) == pytest.approx((0.0, 0.0, 0.0))


def test_coefficient_of_variation():
    assert coefficient_of_variation(np.array([1.0, 3.0])) == pytest.approx(0.5)


def test_resilience_against_a_reference_run():
    import pandas as pd

    reference = pd.DataFrame({"year": [1, 2, 3, 4, 5], "output": [100.0] * 5})
    shocked = pd.DataFrame({"year": [1, 2, 3, 4, 5], "output": [100.0, 90.0, 95.0, 99.5, 100.0]})
    assert resilience(shocked, reference, 2) == {"impact": pytest.approx(0.10), "loss": pytest.approx(0.10),
                                                 "years_to_recover": 2}
    assert resilience(shocked, reference, 3)["impact"] == pytest.approx(0.05)
    assert resilience(reference, reference, 2)["loss"] == 0.0
