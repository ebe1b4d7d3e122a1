"""Benchmarks of unsup.sequences: exact KL of the rule models and the cost of enumerating completions."""

from __future__ import annotations

import time

from unsup import sequences as sq


def run(table) -> None:
    rows = []
    for q in (0.3, 0.5, 0.9):
        for name, rule in (("equal counts", sq.equal_counts_next), ("no a after b", sq.no_a_after_b_next)):
            start = time.perf_counter()
            kl, tail = sq.kl_to_target(rule, q, 200)
            ms = 1000 * (time.perf_counter() - start)
            found = sq.completions(rule, "aa", q, max_len=60, min_prob=1e-12)
            rows.append([f"{q:g}", name, f"{kl:.1e}", f"{tail:.1e}", f"{sum(found.values()):.9f}",
                         f"{ms:.1f}"])
    table("sequences: KL(P || rule model) over n <= 200, tail mass, completions of 'aa' (at most 60 letters) summed",
          ["q", "rule", "KL (nats)", "tail mass", "sum of completions", "KL ms"], rows)
