"""Seeded synthetic data sets (nothing is downloaded)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import logsumexp

from ._validation import as_float_array, positive, probability_vector


@dataclass(frozen=True)
class GaussianMixture1D:
    r"""A 1-D Gaussian mixture :math:`p(x) = \sum_k w_k\, \mathcal N(x; m_k, s_k^2)`."""

    weights: tuple[float, ...]
    means: tuple[float, ...]
    sds: tuple[float, ...]

    def __post_init__(self) -> None:
        probability_vector(self.weights, "weights")
        positive(self.sds, "sds")
        if not len(self.weights) == len(self.means) == len(self.sds):
            raise ValueError("weights, means and sds must have the same length")

    def sample(self, n: int, seed: int) -> NDArray[np.float64]:
        """``n`` independent draws, reproducible from ``seed``."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        rng = np.random.default_rng(seed)
        component = rng.choice(len(self.weights), size=n, p=self.weights)
        return rng.normal(np.take(self.means, component), np.take(self.sds, component))

    def logpdf(self, x: ArrayLike) -> NDArray[np.float64]:
        r""":math:`\log p(x)`, computed stably with log-sum-exp over components."""
        x = as_float_array(x, "x")[..., None]
        sds = np.asarray(self.sds)
        log_comp = -0.5 * ((x - np.asarray(self.means)) / sds) ** 2 - np.log(sds * np.sqrt(2 * np.pi))
        return logsumexp(log_comp + np.log(self.weights), axis=-1)


#: The two-bump density used by the kernel-density experiments.
BIMODAL = GaussianMixture1D(weights=(0.6, 0.4), means=(-1.5, 1.5), sds=(0.6, 0.9))
