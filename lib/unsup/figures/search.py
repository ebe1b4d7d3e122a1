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


@lru_cache(maxsize=1)
def search_grid() -> tuple[np.ndarray, np.ndarray]:
    """Mean expanded nodes and proof lengths over DEPTHS x WEIGHTS (6 seeded targets each)."""
    return search.node_counts(DEPTHS, WEIGHTS, n_targets=6, seed=0)


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
    label(ax, "depth of the shortest proof", "nodes expanded (mean of 6)",
          f"depth {depth}: {expanded[i, 0]:.0f} vs {expanded[i, j]:.0f} nodes, "
          f"proofs {length[i, j]:.1f} steps long")
    ax.legend(loc="upper left")
    return fig
