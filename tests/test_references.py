"""The benchmark references compute what the model computes (benchmarks/references.py)."""

import sys
from pathlib import Path

import numpy as np
import pytest

import transfer_sim as ts
from transfer_sim.processes.relocation import choose_locations
from transfer_sim.state import FirmUniforms

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from references import WITHOUT_LOCAL_GOVERNMENTS, PerAgentModel, bare_kernel, snapshot  # noqa: E402


@pytest.fixture(scope="module")
def case():
    model = ts.TransferModel(n_firms=3_000, seed=3, params=WITHOUT_LOCAL_GOVERNMENTS).run(2)
    draw = np.random.default_rng(11).random(model.firms.count)
    inputs = snapshot(model)
    earnings = model.earn()
    return model, earnings, inputs, draw


def test_bare_kernel_matches_the_model(case):
    model, earnings, inputs, draw = case
    profit, looked, choice = bare_kernel(inputs, draw)
    slots, destination, *_ = choose_locations(model.location_utility(earnings), model.firms,
                                              FirmUniforms.by_row(draw), model.params, model.year)
    np.testing.assert_allclose(profit, earnings.profit, rtol=1e-10)
    np.testing.assert_array_equal(looked, slots)
    np.testing.assert_array_equal(choice, destination)
    assert len(slots) > 10 and (destination != model.firms.region[slots]).any()  # a real test case


def test_per_agent_way_matches_the_model(case):
    model, earnings, inputs, draw = case
    reference = PerAgentModel(inputs, draw)
    reference.step()
    profit, looked, choice = reference.decisions()
    slots, destination, *_ = choose_locations(model.location_utility(earnings), model.firms,
                                              FirmUniforms.by_row(draw), model.params, model.year)
    np.testing.assert_allclose(profit, earnings.profit, rtol=1e-10)
    np.testing.assert_array_equal(looked, slots)
    np.testing.assert_array_equal(choice, destination)


def test_references_refuse_other_policies():
    model = ts.TransferModel(policy=ts.Policy(cage_fee=0.01), n_firms=300, seed=1)
    with pytest.raises(ValueError, match="status-quo policy"):
        snapshot(model)
    with pytest.raises(ValueError, match="without local governments"):
        snapshot(ts.TransferModel(n_firms=300, seed=1))

