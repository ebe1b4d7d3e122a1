"""Benchmarks of unsup.learners: time and accuracy of K parallel copies per way of sharing,
and the cost of forward gradients against backprop."""

from __future__ import annotations

import time

from timing import best_time

from unsup import learners as ln


def run(table) -> None:
    rows = []
    for k in (2, 8, 16):
        data = ln.sharded_digits(k, 100, by_label=True)
        for name, fit in (
            ("weight sharing", lambda: ln.train_weight_sharing(data, steps=300)),
            ("distillation, T = 100", lambda: ln.train_distillation(data, rounds=30,
                                                                    local_steps=10)),
            ("isolated", lambda: ln.train_distillation(data, rounds=30, local_steps=10,
                                                       alpha=0.0)),
        ):
            start = time.perf_counter()
            result = fit()
            seconds = time.perf_counter() - start
            rows.append([str(k), name, f"{result.bits[-1] / 1e6:.2f}",
                         f"{result.final_accuracy:.3f}", f"{seconds:.2f}"])
    table("learners: K copies on label-sorted digits shards, 300 steps each",
          ["K", "copies share", "bits (millions)", "final accuracy", "seconds"], rows)

    rows = []
    for hidden in (8, 32, 128):
        for method, lrs in (("backprop", [0.3]), ("forward", [0.01])):
            seconds = best_time(lambda: ln.train_regression(hidden, method, lrs, steps=100),
                                repeat=3)
            rows.append([str(ln.mlp_n_params((16, hidden, 1))), method,
                         f"{1000 * seconds / 100:.2f}"])
    table("learners: one full-batch step of a tanh MLP on 128 examples (best of 3)",
          ["parameters", "method", "ms per step"], rows)
