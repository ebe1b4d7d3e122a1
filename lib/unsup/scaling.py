r"""The data-and-parameters scaling law of Kaplan et al. (2020).

.. math::
    L(N, D) = \Bigl[\Bigl(\frac{N_c}{N}\Bigr)^{\alpha_N/\alpha_D}
              + \frac{D_c}{D}\Bigr]^{\alpha_D}

with the fitted constants of their Table 2 (loss in nats per token, N non-embedding
parameters, D tokens). Measuring data in units of ``unit`` tokens rescales :math:`D_c`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import as_float_array


@dataclass(frozen=True)
class ScalingLaw:
    """Constants of :math:`L(N, D)`; ``d_c`` is in tokens."""

    alpha_n: float = 0.076
    alpha_d: float = 0.103
    n_c: float = 6.4e13
    d_c: float = 1.8e13

    def _args(self, n: ArrayLike, d: ArrayLike, unit: float):
        na, da = as_float_array(n, "n"), as_float_array(d, "d")
        if np.any(na <= 0) or np.any(da <= 0):
            raise ValueError("n and d must be positive")
        if not np.isfinite(unit) or unit <= 0:
            raise ValueError(f"unit must be a positive number of tokens, got {unit}")
        return na, da

    def loss(self, n: ArrayLike, d: ArrayLike, unit: float = 1.0) -> NDArray[np.float64]:
        """L(N, D) with D counted in units of ``unit`` tokens (so D_c becomes d_c / unit)."""
        na, da = self._args(n, d, unit)
        model_term = (self.n_c / na) ** (self.alpha_n / self.alpha_d)
        return (model_term + self.d_c / unit / da) ** self.alpha_d

    def loss_of_n(self, n: ArrayLike) -> NDArray[np.float64]:
        """The limit D -> infinity: :math:`L(N) = (N_c/N)^{\\alpha_N}`."""
        na, _ = self._args(n, 1.0, 1.0)
        return (self.n_c / na) ** self.alpha_n

    def loss_of_d(self, d: ArrayLike, unit: float = 1.0) -> NDArray[np.float64]:
        """The limit N -> infinity: :math:`L(D) = (D_c/D)^{\\alpha_D}`."""
        _, da = self._args(1.0, d, unit)
        return (self.d_c / unit / da) ** self.alpha_d

    def balanced_data(self, n: ArrayLike, unit: float = 1.0) -> NDArray[np.float64]:
        r"""The D at which both terms are equal, :math:`D = D_c (N/N_c)^{\alpha_N/\alpha_D}`,
        in units of ``unit`` tokens: the "diagonal" of the contour plot."""
        na, _ = self._args(n, 1.0, unit)
        return self.d_c / unit * (na / self.n_c) ** (self.alpha_n / self.alpha_d)


KAPLAN = ScalingLaw()
"""Kaplan et al. (2020), Table 2: alpha_N = 0.076, alpha_D = 0.103, N_c = 6.4e13, D_c = 1.8e13."""
