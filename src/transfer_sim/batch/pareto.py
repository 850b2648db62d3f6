"""Pareto dominance over objective vectors (every objective minimised)."""

from __future__ import annotations

import numpy as np


def non_dominated(objectives: np.ndarray) -> np.ndarray:
    """Mask of the rows of an (n, m) array that no other row dominates (the Pareto set).

    Row i is dominated when some row j has ``F_j <= F_i`` in every column and ``F_j < F_i`` in
    one; equal rows do not dominate each other, so both stay.
    """
    objectives = np.asarray(objectives, dtype=float)
    keep = np.ones(len(objectives), dtype=bool)
    for i, row in enumerate(objectives):
        no_worse = np.all(objectives <= row, axis=1)
        better = np.any(objectives < row, axis=1)
        keep[i] = not np.any(no_worse & better)
    return keep
