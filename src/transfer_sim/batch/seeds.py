"""Run seeds from :class:`numpy.random.SeedSequence`, fixed by the design alone.

A run's seed depends on the experiment's seed and the run's (scenario, replicate) key, never
on how many workers there are or in which order runs finish. With common random numbers
(the default) the scenario is left out of the key: replicate r of every scenario then starts
from the same firms and draws, so differences between scenarios are due to their levers.
"""

from __future__ import annotations

import numpy as np


def run_seed(base: int, replicate: int, scenario: int, common_random_numbers: bool = True) -> int:
    """A non-negative 63-bit integer seed for the model."""
    key = (replicate,) if common_random_numbers else (scenario, replicate)
    state = np.random.SeedSequence(base, spawn_key=key).generate_state(1, dtype=np.uint64)
    return int(state[0] >> np.uint64(1))
