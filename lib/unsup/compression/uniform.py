r"""Simulating uniform convergence for a finite class of threshold classifiers.

Inputs :math:`x \sim U[0, 1]`, labels :math:`y = 1[x > 1/2]` flipped with probability
:math:`\eta`. The class is :math:`F = \{f_\theta(x) = 1[x > \theta]\}` for :math:`|F|`
thresholds evenly spaced in :math:`[0, 1]`; the true (test) risk is known exactly,

.. math:: R(f_\theta) = \eta + (1 - 2\eta)\,|\theta - 1/2| .

For each simulated training set :math:`S` of size :math:`n` we record the largest one-sided
gap :math:`\max_{f \in F} \bigl(R(f) - \hat R_S(f)\bigr)`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

CHUNK = 100_000
"""Training sets simulated at once by :func:`max_gaps` (fewer repeats: a single draw)."""


def threshold_risks(thresholds: NDArray[np.float64], noise: float) -> NDArray[np.float64]:
    """True risk :math:`\\eta + (1 - 2\\eta)|\\theta - 1/2|` of each threshold classifier."""
    return noise + (1 - 2 * noise) * np.abs(np.asarray(thresholds, float) - 0.5)


def max_gaps(n: int, class_size: int, repeats: int, noise: float = 0.2,
             seed: int = 0) -> NDArray[np.float64]:
    r"""``repeats`` draws of :math:`\max_{f\in F}(R(f) - \hat R_S(f))` for samples of size ``n``."""
    for name, value, low in (("n", n, 1), ("class_size", class_size, 1), ("repeats", repeats, 1)):
        if not (isinstance(value, (int, np.integer)) and value >= low):
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if not 0 <= noise < 0.5:
        raise ValueError(f"noise must lie in [0, 0.5), got {noise!r}")
    rng = np.random.default_rng(seed)
    thresholds = np.linspace(0, 1, class_size) if class_size > 1 else np.array([0.5])
    risks = threshold_risks(thresholds, noise)
    # Simulated in chunks of at most CHUNK training sets (each chunk draws its inputs, then
    # its label flips), so that a million repeats fit in memory.
    out = np.empty(repeats)
    for start in range(0, repeats, CHUNK):
        m = min(CHUNK, repeats - start)
        x = np.sort(rng.random((m, n)), axis=1)
        y = (x > 0.5) ^ (rng.random((m, n)) < noise)
        # f_theta errs on x <= theta with y = 1 and on x > theta with y = 0.
        ones_below = np.concatenate([np.zeros((m, 1)), np.cumsum(y, axis=1)], axis=1)
        below = (x[:, :, None] <= thresholds).sum(axis=1)  # points at or under each theta
        ones_under = np.take_along_axis(ones_below, below, axis=1)
        zeros_over = (n - below) - (ones_below[:, -1:] - ones_under)
        out[start:start + m] = np.max(risks - (ones_under + zeros_over) / n, axis=1)
    return out
