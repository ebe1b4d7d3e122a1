"""`make bench`: unsup.causal.BayesNet.joint() and do() on random networks of growing size."""

from __future__ import annotations

from timing import best_time

from unsup.causal import random_network

SIZES = (4, 8, 12, 16, 20)


def run(table) -> None:
    rows = []
    for n in SIZES:
        net = random_network(n, seed=n, max_parents=3, max_states=2)
        first = net.names[n // 2]
        states = 2**n
        joint_ms = 1000 * best_time(net.joint, repeat=3 if n >= 18 else 5)
        do_ms = 1000 * best_time(lambda: net.do(**{first: 0}))
        do_joint_ms = 1000 * best_time(lambda: net.do(**{first: 0}).joint(),
                                       repeat=3 if n >= 18 else 5)
        rows.append([str(n), f"{states:,}", str(net.n_parameters()), f"{joint_ms:.2f}",
                     f"{do_ms:.3f}", f"{do_joint_ms:.2f}"])
    table("unsup.causal: BayesNet on random binary networks (best time, ms)",
          ["variables", "joint entries", "parameters", "joint()", "do()", "do().joint()"], rows)
