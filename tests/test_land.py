"""Industrial land: a claim refused land takes its next-best region with land; nobody vanishes."""

import numpy as np

import transfer_sim as ts
from transfer_sim.processes.land import settle

FIRST = lambda attempt, count: np.zeros(count)  # noqa: E731  (redraws pick the first open region)


def options(probabilities, need):
    """Claims' choice probabilities and land needs by region, as settle asks for them."""
    return lambda claims: (probabilities[claims], need[claims])


def test_a_refused_claim_takes_the_next_region_with_land():
    destination = settle(np.array([1, 1]), np.ones(2), np.array([5.0, 1.0]), np.array([0.1, 0.2]),
                         options(np.full((2, 2), 0.5), np.ones((2, 2))), np.array([-1, -1]), FIRST)
    assert destination.tolist() == [1, 0]  # the first in priority gets region 1, the second region 0


def test_a_refused_mover_may_stay_without_new_land_and_an_entrant_with_nowhere_to_go_is_not_born():
    free = np.array([0.0, 1.0])  # region 0 is full
    anywhere = options(np.full((2, 2), 0.5), np.ones((2, 2)))
    mover = settle(np.array([1, 1]), np.ones(2), free, np.array([0.1, 0.2]), anywhere, np.array([0, 0]), FIRST)
    assert mover.tolist() == [1, 0]  # the second stays home
    entrant = settle(np.array([1, 1]), np.ones(2), free, np.array([0.1, 0.2]), anywhere, np.array([-1, -1]), FIRST)
    assert entrant.tolist() == [1, -1]


def test_claims_never_exceed_free_land():
    rng = np.random.default_rng(3)
    choice = rng.integers(0, 4, 200)
    need = rng.uniform(0.5, 2.0, (200, 4))
    free = np.array([20.0, 5.0, 60.0, 0.0])
    destination = settle(choice, need[np.arange(200), choice], free, rng.random(200),
                         options(np.full((200, 4), 0.25), need), np.full(200, -1), lambda attempt, count: rng.random(count))
    placed = destination >= 0
    used = np.bincount(destination[placed], weights=need[np.flatnonzero(placed), destination[placed]], minlength=4)
    assert (used <= free + 1e-9).all() and used[3] == 0


def test_a_strong_subsidy_where_land_is_scarce_loses_no_firms():
    """A profit subsidy of 1.0 in one province with little headroom: its land fills, and the
    entrants it turns away build elsewhere, so the national firm count stays the baseline's."""
    def firms(policy):
        return ts.TransferModel(n_firms=6_000, seed=1, policy=policy).run(10).results.summary["firms"].iloc[-1]
    tight = ts.Policy(land_headroom=0.1)
    assert abs(firms(tight.with_changes(profit_subsidy={"Guizhou": 1.0})) / firms(tight) - 1) < 0.02
