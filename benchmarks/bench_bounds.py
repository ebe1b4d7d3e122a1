"""Benchmarks of unsup.bounds and unsup.gibbs: accuracy and speed against closed forms."""

from __future__ import annotations

import time

import numpy as np
from scipy.stats import norm

from unsup import bounds as b
from unsup import gibbs as g


def _ms(fn, repeat: int = 5) -> float:
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return 1000 * best


def run(table) -> None:
    train_cloud = b.sgd_reachable([-1.1, 0.35, 1.6], 0.5, 3)
    test_cloud = b.sgd_reachable([-0.83, 0.12, 1.27], 0.5, 3)
    rows = []
    for std in (0.01, 0.1, 0.5):
        js = b.cloud_js(train_cloud, test_cloud, std)
        mc, se = b.coin_flip_mi_monte_carlo(train_cloud, test_cloud, std, samples=100_000)
        rows.append([f"{std:g}", f"{js:.4f}", f"{mc:.4f} ± {se:.4f}",
                     f"{_ms(lambda: b.cloud_js(train_cloud, test_cloud, std)):.1f}"])
    table("bounds.cloud_js (grid) against a Monte Carlo estimate of I(Y; W)",
          ["noise std", "JS on grid (nats)", "Monte Carlo", "grid ms"], rows)

    grid = np.linspace(-6, 8, 4001)
    prior = norm.pdf(grid, 0, np.sqrt(2.0))
    prior /= prior.sum()
    rows = []
    for n in (10, 100, 1000):
        x = np.random.default_rng(n).normal(1.0, 1.0, n)
        post = g.gibbs_posterior(grid, x, g.gaussian_log_loss(1.0), 1.0, prior)
        mean, var = g.gibbs_gaussian(x, 1.0, 0.0, 2.0)
        got_mean, got_sd = g.grid_mean_sd(grid, post)
        def update():
            return g.gibbs_posterior(grid, x, g.gaussian_log_loss(1.0), 1.0, prior)

        rows.append([str(n), f"{abs(got_mean - mean):.1e}",
                     f"{abs(got_sd / np.sqrt(var) - 1):.1e}", f"{_ms(update, 3):.1f}"])
    table("gibbs.gibbs_posterior on a 4001-point grid against the conjugate normal posterior",
          ["n", "abs. mean error", "relative sd error", "ms"], rows)
