r"""Two objectives at once: Pareto fronts and weighted-sum scalarization.

For objectives :math:`L_1, L_2` to be minimized over a finite set of candidates, a
candidate is *Pareto optimal* when no other candidate is at least as good in both
objectives and strictly better in one. Minimizing the weighted sum
:math:`L_1 + \lambda L_2` (:math:`\lambda \ge 0`) always lands on the front, but it
reaches only the *supported* points: those on the front's lower convex hull.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import as_float_array


def _objectives(l1: ArrayLike, l2: ArrayLike) -> tuple[NDArray, NDArray]:
    a, b = as_float_array(l1, "l1"), as_float_array(l2, "l2")
    if a.ndim != 1 or a.shape != b.shape or a.size == 0:
        raise ValueError(f"l1 and l2 must be non-empty 1-D arrays of one length, got {a.shape}, {b.shape}")
    return a, b


def pareto_mask(l1: ArrayLike, l2: ArrayLike) -> NDArray[np.bool_]:
    """True for each candidate that no other candidate dominates (both minimized)."""
    a, b = _objectives(l1, l2)
    order = np.lexsort((b, a))  # by l1, ties broken by l2
    sa, sb = a[order], b[order]
    best_b_before = np.minimum.accumulate(np.concatenate([[np.inf], sb[:-1]]))
    # Exact duplicates do not dominate each other: compare each with what precedes its run.
    new_run = np.concatenate([[True], (sa[1:] != sa[:-1]) | (sb[1:] != sb[:-1])])
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(a.size), 0))
    mask = np.zeros(a.size, bool)
    mask[order] = sb < best_b_before[run_start]
    return mask


def weighted_argmin(l1: ArrayLike, l2: ArrayLike, lam: float) -> int:
    r"""Index of the candidate minimizing :math:`L_1 + \lambda L_2` (:math:`\lambda=\infty`: :math:`L_2`)."""
    a, b = _objectives(l1, l2)
    if not lam >= 0:
        raise ValueError(f"lam must be >= 0, got {lam}")
    if np.isinf(lam):
        return int(np.lexsort((a, b))[0])
    total = a + lam * b
    tied = np.flatnonzero(total == total.min())  # among ties, the least L2 then L1 is Pareto
    return int(tied[np.lexsort((a[tied], b[tied]))[0]])


def supported_mask(l1: ArrayLike, l2: ArrayLike, tol: float = 1e-12) -> NDArray[np.bool_]:
    r"""True for Pareto points that minimize :math:`L_1 + \lambda L_2` for some :math:`\lambda \in [0, \infty]`.

    These are the Pareto points on the lower convex hull of the front (collinear
    points within ``tol`` count as on it).
    """
    a, b = _objectives(l1, l2)
    front = np.flatnonzero(pareto_mask(a, b))
    front = front[np.argsort(a[front])]
    hull: list[int] = []
    for i in front:
        if hull and a[i] == a[hull[-1]] and b[i] == b[hull[-1]]:
            continue  # an exact duplicate shares its twin's verdict (set below)
        while len(hull) >= 2 and _turn(a, b, hull[-2], hull[-1], i) < -tol:
            hull.pop()
        hull.append(i)
    mask = np.zeros(a.size, bool)
    mask[hull] = True
    for prev, i in zip(front[:-1], front[1:]):
        if a[i] == a[prev] and b[i] == b[prev]:
            mask[i] = mask[prev]
    return mask


def _turn(a: NDArray, b: NDArray, i: int, j: int, k: int) -> float:
    """Cross product of (j - i) and (k - i): positive for a left (convex) turn."""
    return (a[j] - a[i]) * (b[k] - b[i]) - (b[j] - b[i]) * (a[k] - a[i])


def convex_pair(w: ArrayLike) -> tuple[NDArray, NDArray]:
    r"""Convex objectives :math:`L_1 = (w-1)^2`, :math:`L_2 = (w+1)^2`.

    The weighted sum has the closed-form minimizer :math:`w^\star = (1-\lambda)/(1+\lambda)`.
    """
    w = as_float_array(w, "w")
    return (w - 1) ** 2, (w + 1) ** 2


def dented_pair(w: ArrayLike) -> tuple[NDArray, NDArray]:
    r"""A non-convex pair on :math:`w \in [0, 1]`: :math:`L_1 = w`,
    :math:`L_2 = (1-w)^2 + 0.1 \sin(2\pi w)`, whose front has a concave dent.
    """
    w = as_float_array(w, "w")
    return w, (1 - w) ** 2 + 0.1 * np.sin(2 * np.pi * w)
