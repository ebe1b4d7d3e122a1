"""Benchmarks of unsup.search: nodes expanded and time of breadth-first and best-first proof search."""

from __future__ import annotations

import time

import numpy as np

from unsup import search as se


def run(table) -> None:
    rows = []
    for depth in (4, 6, 8):
        targets = se.sample_targets(depth, 6, seed=0)
        for weight in (0.0, 1.0, 3.0):
            start = time.perf_counter()
            results = [se.best_first(t, weight, max_len=20) for t in targets]
            ms = 1000 * (time.perf_counter() - start) / len(targets)
            rows.append([str(depth), f"{weight:g}", f"{np.mean([r.expanded for r in results]):.0f}",
                         f"{np.mean([len(r.proof) for r in results]):.2f}", f"{ms:.1f}"])
    table("search: best-first on g + w h in the MIU system (6 theorems per depth; w = 0 is BFS)",
          ["depth", "w", "nodes expanded", "proof length", "ms per search"], rows)
