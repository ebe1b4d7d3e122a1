"""Explorers of the chapter 'Theorem proving is a tame problem'."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from .. import search
from ..interactive import Slider, explorer
from ..plotting import PALETTE, label, new_figure

DEPTHS = list(range(2, 9))
WEIGHTS = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
N_TARGETS = 30
"""Theorems searched for at each depth (all of them where the depth has fewer). With 6 the
node-count ratio at depth 6 swung from 0.12 to 0.62 between target draws; 30 keeps every
claim of the chapter several spreads inside its bound over seeds 0 to 4."""
MAX_LEN = 20


@lru_cache(maxsize=8)
def search_runs(seed: int = 0) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Nodes expanded and proof length of :func:`unsup.search.best_first` for every target.

    For each depth in :data:`DEPTHS`, the theorems of that depth drawn by
    :func:`unsup.search.sample_targets` with ``seed`` (:data:`N_TARGETS` of them, or the
    whole level where it is smaller) are searched for at every weight in :data:`WEIGHTS`.
    Returns two tuples (expanded nodes, proof lengths) with one integer array of shape
    ``(len(WEIGHTS), targets at that depth)`` per depth. The search itself is exact integer
    work; only the choice of targets depends on the seed.
    """
    expanded, length = [], []
    for d in DEPTHS:
        targets = search.sample_targets(d, N_TARGETS, seed, MAX_LEN)
        runs = [[search.best_first(t, w, MAX_LEN) for t in targets] for w in WEIGHTS]
        expanded.append(np.array([[r.expanded for r in row] for row in runs]))
        length.append(np.array([[len(r.proof) for r in row] for row in runs]))
    return tuple(expanded), tuple(length)


@lru_cache(maxsize=8)
def search_grid(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Mean expanded nodes and mean proof lengths over DEPTHS x WEIGHTS, averaged over the
    targets of :func:`search_runs` for ``seed``."""
    expanded, length = search_runs(seed)
    return (np.array([e.mean(axis=1) for e in expanded]),
            np.array([n.mean(axis=1) for n in length]))


@explorer(
    "miu_search",
    caption="Nodes expanded to prove MIU theorems whose shortest proof has the given depth: "
            "breadth-first search against best-first search on g + w·h.",
    depth=Slider(6, 2, 8, 1, label="proof depth", integer=True),
    weight=Slider(1.0, 0.0, 3.0, 0.5, label="heuristic weight w"),
)
def miu_search(depth: int, weight: float) -> Figure:
    expanded, length = search_grid()
    j = int(np.argmin(np.abs(np.array(WEIGHTS) - weight)))
    i = DEPTHS.index(int(depth))
    fig = new_figure(width=5.5, height=3.4)
    ax = fig.axes[0]
    ax.plot(DEPTHS, expanded[:, 0], "o-", color=PALETTE[0], label="breadth-first (w = 0)")
    ax.plot(DEPTHS, expanded[:, j], "s-", color=PALETTE[1], label=f"best-first, w = {WEIGHTS[j]:g}")
    ax.plot([depth], [expanded[i, j]], "o", ms=12, mfc="none", color="k")
    label(ax, "depth of the shortest proof", f"nodes expanded (mean of <= {N_TARGETS})",
          f"depth {depth}: {expanded[i, 0]:.0f} vs {expanded[i, j]:.0f} nodes, "
          f"proofs {length[i, j]:.1f} steps long")
    ax.legend(loc="upper left")
    return fig
