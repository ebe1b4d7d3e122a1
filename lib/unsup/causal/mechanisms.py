"""Independent causal mechanisms: altitude causes temperature.

Altitude :math:`A` and temperature :math:`T` take a few discrete levels. Every country has
its own altitude distribution :math:`p(A)` but shares the physics :math:`p(T \\mid A)`.
The joint factorizes two ways,

.. math:: p(A)\\,p(T \\mid A) = p(T)\\,p(A \\mid T),

and only the causal factors stay put when the country changes.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["ALTITUDE_LEVELS", "TEMPERATURE_LEVELS", "altitude_distribution",
           "temperature_given_altitude", "factors", "fitted_factors", "conditional_kl",
           "sample_country"]

ALTITUDE_LEVELS = 6      # 0, 500, ..., 2500 m
TEMPERATURE_LEVELS = 6   # coldest .. warmest


def altitude_distribution(mean_level: float, spread: float = 1.2) -> NDArray[np.float64]:
    """:math:`p(A = a) \\propto \\exp(-(a - m)^2 / (2 s^2))` over the altitude levels."""
    if spread <= 0:
        raise ValueError(f"spread must be > 0, got {spread}")
    a = np.arange(ALTITUDE_LEVELS)
    w = np.exp(-0.5 * ((a - mean_level) / spread) ** 2)
    return w / w.sum()


def temperature_given_altitude(lapse: float = 0.9, spread: float = 0.9) -> NDArray[np.float64]:
    """:math:`p(T = t \\mid A = a) \\propto \\exp(-(t - (5 - \\text{lapse}\\cdot a))^2 / (2 s^2))`:
    higher means colder. Rows are altitudes."""
    a = np.arange(ALTITUDE_LEVELS)[:, None]
    t = np.arange(TEMPERATURE_LEVELS)[None, :]
    w = np.exp(-0.5 * ((t - (TEMPERATURE_LEVELS - 1 - lapse * a)) / spread) ** 2)
    return w / w.sum(axis=1, keepdims=True)


def factors(joint: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
    """The four factors of a joint table ``joint[a, t]``: causal ``p(A)``, ``p(T|A)`` (rows a)
    and anti-causal ``p(T)``, ``p(A|T)`` (rows t)."""
    p_a, p_t = joint.sum(axis=1), joint.sum(axis=0)
    return {"p(A)": p_a, "p(T|A)": joint / p_a[:, None],
            "p(T)": p_t, "p(A|T)": (joint / p_t[None, :]).T}


def sample_country(mean_level: float, n: int, seed: int) -> tuple[NDArray, NDArray]:
    """``n`` (altitude, temperature) pairs from a country with the given mean altitude level."""
    rng = np.random.default_rng(seed)
    a = rng.choice(ALTITUDE_LEVELS, size=n, p=altitude_distribution(mean_level))
    cum = np.cumsum(temperature_given_altitude()[a], axis=1)
    t = np.minimum((cum < rng.random((n, 1))).sum(axis=1), TEMPERATURE_LEVELS - 1)
    return a, t


def fitted_factors(a: NDArray, t: NDArray, pseudocount: float = 0.5) -> dict[str, NDArray]:
    """The four factors estimated from samples (counts plus a pseudocount in every cell)."""
    counts = np.full((ALTITUDE_LEVELS, TEMPERATURE_LEVELS), pseudocount)
    np.add.at(counts, (a, t), 1.0)
    return factors(counts / counts.sum())


def conditional_kl(true_cond: NDArray, model_cond: NDArray, weights: NDArray) -> float:
    """:math:`\\sum_u w(u)\\, \\mathrm{KL}(p(\\cdot \\mid u) \\,\\Vert\\, q(\\cdot \\mid u))` for
    conditionals with rows u (a plain KL when both are vectors and ``weights`` is 1)."""
    p, q = np.atleast_2d(true_cond), np.atleast_2d(model_cond)
    terms = np.where(p > 0, p * (np.log(np.where(p > 0, p, 1)) - np.log(q)), 0.0)
    return float(np.sum(np.atleast_1d(weights) * terms.sum(axis=1)))
