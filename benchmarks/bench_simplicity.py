"""Simplicity and rate-distortion: network sampling, LZ complexity and Blahut-Arimoto speed."""

from __future__ import annotations

import time

import numpy as np
from scipy.stats import norm

from unsup import ratedistortion as rd
from unsup.simplicity import binary_inputs, lz_complexity, random_network_functions


def _seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(table) -> None:
    x = binary_inputs(7)
    strings = np.random.default_rng(0).integers(0, 2, size=(1000, 128))
    step = 0.1
    grid = np.arange(-6, 6 + step / 2, step)
    p, d = rd.discretize(norm.pdf(grid), step), rd.squared_error(grid, grid)
    betas = np.geomspace(0.55, 15, 10)
    rows = [
        ["10,000 random perceptrons on 7 bits",
         f"{_seconds(lambda: random_network_functions(x, 10_000, (), True, 0)):.2f}"],
        ["10,000 random ReLU nets (16, 16) on 7 bits",
         f"{_seconds(lambda: random_network_functions(x, 10_000, (16, 16), True, 0)):.2f}"],
        ["LZ complexity of 1,000 random 128-bit tables",
         f"{_seconds(lambda: [lz_complexity(s) for s in strings]):.2f}"],
        ["Blahut-Arimoto, N(0,1) on 121 points, 10 slopes",
         f"{_seconds(lambda: rd.rate_distortion_curve(p, d, betas)):.2f}"],
    ]
    dist, rate = rd.rate_distortion_curve(p, d, betas)
    rows.append(["max |BA - closed form| (nats)",
                 f"{np.max(np.abs(rate - rd.gaussian_rate_distortion(dist))):.1e}"])
    table("Simplicity bias and rate-distortion (1 core)", ["operation", "seconds / value"], rows)
