"""Speed of unsup.dynamics: the empirical NTK and the inverse-Hessian-vector products."""

from __future__ import annotations

from timing import best_time

import numpy as np
import torch

from unsup.dynamics import hypergrad as hg
from unsup.dynamics import ntk


def _loop_ntk(model: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    rows = []
    for i in range(x.shape[0]):
        model.zero_grad()
        model(x[i:i + 1])[0].backward()
        rows.append(torch.cat([p.grad.flatten() for p in model.parameters()]))
    g = torch.stack(rows)
    return g @ g.T


def run(table) -> None:
    torch.set_num_threads(1)
    x = torch.randn(16, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    rows = []
    for width in (256, 4096):
        model = ntk.ReLUNet(2, width, seed=0)
        ours = best_time(lambda: ntk.empirical_ntk(model, x), repeat=3)
        loop = best_time(lambda: _loop_ntk(model, x), repeat=3)
        agree = torch.allclose(ntk.empirical_ntk(model, x), _loop_ntk(model, x), atol=1e-10)
        rows.append([str(width), f"{ours * 1e3:.1f}", f"{loop * 1e3:.1f}", f"{loop / ours:.1f}",
                     str(agree)])
    table("Empirical NTK of a ReLU net, 16 inputs (jacrev vs per-example backward loop)",
          ["width", "jacrev ms", "loop ms", "speed-up", "agree"], rows)

    rng = np.random.default_rng(0)
    x_train, x_val = rng.normal(size=(40, 20)), rng.normal(size=(200, 20))
    problem = hg.PerFeatureRidge(x_train, x_train[:, 0], x_val, x_val[:, 0])
    lam = torch.full((20,), -1.0, dtype=torch.float64)
    star, exact = problem.optimum(lam), problem.hypergradient(lam)
    rows = []
    for method, kwargs in [("exact", {}), ("cg", {"iters": 20}),
                           ("neumann", {"iters": 200, "alpha": 0.3})]:
        fn = lambda: hg.implicit_hypergradient(problem.train_loss, problem.val_loss, star, lam,
                                               method, **kwargs)
        err = ((fn() - exact).norm() / exact.norm()).item()
        rows.append([method, str(kwargs), f"{best_time(fn, repeat=3) * 1e3:.1f}", f"{err:.1e}"])
    table("Hypergradient of 20-feature ridge regression, by inverse-Hessian method",
          ["method", "settings", "ms", "relative error"], rows)
