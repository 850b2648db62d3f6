"""PRIM, the patient rule induction method (Friedman & Fisher 1999), by peeling.

Given n points x_i in d dimensions and a flag y_i (1: the policy failed at that point), PRIM
looks for a box B = prod_j [l_j, u_j] of the input space where failures are dense. It starts
from the sampled ranges and peels: at each step, for each dimension j, it tries cutting off
the share ``alpha`` of the points in the box with the lowest x_j (raising l_j to their
alpha-quantile) or with the highest (lowering u_j to the (1 - alpha)-quantile), and keeps the
cut whose remaining box has the highest density; ties go to the larger box, then the lower
dimension. It stops before the box would hold less than ``min_mass`` of the points. A cut
that removes no point (tied values, as with whole years) removes every point at the edge
value instead.

Each box on the way is a point of the trade-off curve (the peeling trajectory):

    coverage = sum_{i in B} y_i / sum_i y_i    (the share of all failures inside B)
    density  = sum_{i in B} y_i / |B|          (the share of failures among the points in B)
    mass     = |B| / n                         (the share of all points inside B)

The chosen box is the one of highest coverage among those with density >= ``threshold``,
or the densest box when none reaches it. Covering finds further boxes: the points of the
chosen box are set aside and peeling starts again on the rest (coverage stays relative to
all failures), for at most ``boxes`` boxes, keeping a further box only when it reaches the
threshold. Pasting (widening a box again) is not done.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Box:
    low: np.ndarray  # (d,)
    high: np.ndarray

    def contains(self, x: np.ndarray) -> np.ndarray:
        return np.all((x >= self.low) & (x <= self.high), axis=1)


@dataclass(frozen=True)
class Found:
    """The boxes found, one row per box and dimension, and every box's peeling trajectory."""

    boxes: pd.DataFrame  # box, parameter, low, high, restricted, coverage, density, mass
    trajectory: pd.DataFrame  # box, step, coverage, density, mass, restricted, chosen
    membership: np.ndarray  # (n,): the box each point is in (the first that holds it), -1 for none


def peel(x: np.ndarray, y: np.ndarray, start: Box, alpha: float, min_mass: float, total_points: int) -> list[Box]:
    """The peeling trajectory from ``start``: every box, the first being ``start`` itself.
    Masses count against ``total_points`` (all the points, not only those peeled here)."""
    boxes = [start]
    inside = start.contains(x)
    while True:
        best = None
        for j in range(x.shape[1]):
            values = x[inside, j]
            for side in ("low", "high"):
                keep = _cut(values, side, alpha)
                if keep is None or keep.sum() / total_points < min_mass:
                    continue
                density = y[inside][keep].mean()
                score = (density, keep.sum(), -j)
                if best is None or score > best[0]:
                    best = (score, j, side, values[keep])
        if best is None:
            return boxes
        _, j, side, kept = best
        low, high = boxes[-1].low.copy(), boxes[-1].high.copy()
        if side == "low":
            low[j] = kept.min()
        else:
            high[j] = kept.max()
        boxes.append(Box(low, high))
        inside = boxes[-1].contains(x)


def _cut(values: np.ndarray, side: str, alpha: float) -> np.ndarray | None:
    """Which points stay when the share ``alpha`` at one end is peeled off; None when nothing
    would be left or nothing can be removed."""
    if len(values) == 0 or values.min() == values.max():
        return None
    if side == "low":
        keep = values >= np.quantile(values, alpha)
        if keep.all():
            keep = values > values.min()
    else:
        keep = values <= np.quantile(values, 1 - alpha)
        if keep.all():
            keep = values < values.max()
    return keep if keep.any() else None


def statistics(box: Box, x: np.ndarray, y: np.ndarray, total_points: int, total_failures: float) -> dict:
    inside = box.contains(x)
    failures = float(y[inside].sum())
    return {"coverage": failures / total_failures if total_failures else 0.0,
            "density": failures / inside.sum() if inside.any() else 0.0, "mass": inside.sum() / total_points}


def choose(stats: list[dict], threshold: float) -> int:
    """The index of the box of highest coverage with density >= threshold, else the densest."""
    dense = [i for i, s in enumerate(stats) if s["density"] >= threshold]
    if dense:
        return max(dense, key=lambda i: (stats[i]["coverage"], stats[i]["density"], -i))
    return max(range(len(stats)), key=lambda i: (stats[i]["density"], stats[i]["coverage"], -i))


def find_boxes(points: pd.DataFrame, failed: np.ndarray, ranges: dict[str, tuple[float, float]], *,
               alpha: float = 0.05, min_mass: float = 0.05, threshold: float = 0.8, boxes: int = 1) -> Found:
    """PRIM boxes of ``failed`` over the columns of ``points`` named in ``ranges`` (their sampled ranges)."""
    names = list(ranges)
    x = points[names].to_numpy(dtype=float)
    y = np.asarray(failed, dtype=float)
    n, total = len(x), float(y.sum())
    full = Box(np.array([ranges[k][0] for k in names], dtype=float), np.array([ranges[k][1] for k in names], dtype=float))
    membership = np.full(n, -1)
    box_rows, steps = [], []
    for k in range(boxes):
        rest = membership == -1
        if not y[rest].any():
            break
        trajectory = peel(x[rest], y[rest], full, alpha, min_mass, n)
        stats = [statistics(b, x[rest], y[rest], n, total) for b in trajectory]
        chosen = choose(stats, threshold)
        if k > 0 and stats[chosen]["density"] < threshold:
            break
        box = trajectory[chosen]
        for step, (b, s) in enumerate(zip(trajectory, stats)):
            steps.append({"box": k, "step": step, **s, "restricted": int(_restricted(b, full).sum()),
                          "chosen": step == chosen})
        for j, name in enumerate(names):
            box_rows.append({"box": k, "parameter": name, "low": float(box.low[j]), "high": float(box.high[j]),
                             "restricted": bool(_restricted(box, full)[j]), **stats[chosen]})
        membership[np.flatnonzero(rest)[box.contains(x[rest])]] = k
    return Found(pd.DataFrame(box_rows, columns=["box", "parameter", "low", "high", "restricted", "coverage",
                                                 "density", "mass"]),
                 pd.DataFrame(steps, columns=["box", "step", "coverage", "density", "mass", "restricted", "chosen"]),
                 membership)


def _restricted(box: Box, full: Box) -> np.ndarray:
    return (box.low > full.low) | (box.high < full.high)
