r"""Gibbs (generalized Bayes) posteriors on a grid and in closed form.

For a loss :math:`\ell(\theta, x)`, a learning rate :math:`w > 0` and a prior :math:`\pi`,
the Gibbs posterior of Bissiri, Holmes and Walker is

.. math::
    \pi_w(\theta \mid x_{1:n}) \propto
    \exp\Bigl(-w \sum_{i=1}^n \ell(\theta, x_i)\Bigr)\,\pi(\theta).

With the log loss :math:`\ell = -\log p(x \mid \theta)` and :math:`w = 1` it is Bayes' rule.
It minimizes :math:`\mathbb E_\nu[w \sum_i \ell(\theta, x_i)] + \mathrm{KL}(\nu \,\|\, \pi)` over
distributions :math:`\nu`, with minimum :math:`-\log Z`. Priors and posteriors here are
probability vectors over the points of a parameter grid (masses, not densities).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import logsumexp

from unsup import divergences as dv
from unsup._validation import as_float_array, probability_vector

Loss = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]

__all__ = [
    "absolute_loss",
    "bootstrap_medians",
    "gaussian_log_loss",
    "gibbs_gaussian",
    "gibbs_objective",
    "gibbs_posterior",
    "grid_mean_sd",
    "loss_matrix",
    "max_pooled_posterior",
]


def gaussian_log_loss(noise_var: float = 1.0) -> Loss:
    r"""The log loss of the model :math:`x \sim \mathcal N(\theta, s^2)`.

    :math:`\ell(\theta, x) = \frac{(x-\theta)^2}{2s^2} + \tfrac12\log(2\pi s^2)`.
    """
    s2 = _positive(noise_var, "noise_var")

    def loss(theta: NDArray, x: NDArray) -> NDArray:
        return (x - theta) ** 2 / (2 * s2) + 0.5 * np.log(2 * np.pi * s2)

    return loss


def absolute_loss(theta: NDArray, x: NDArray) -> NDArray:
    r"""The absolute loss :math:`|x - \theta|`, whose risk is minimized by the median."""
    return np.abs(x - theta)


def _positive(value: float, name: str) -> float:
    if not (np.ndim(value) == 0 and np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _grid(theta: ArrayLike) -> NDArray[np.float64]:
    grid = as_float_array(theta, "theta")
    if grid.ndim != 1 or grid.size < 2:
        raise ValueError("theta must be a 1-D grid of at least 2 parameter values, "
                         f"got shape {grid.shape}")
    return grid


def _prior(prior: ArrayLike | None, size: int) -> NDArray[np.float64]:
    if prior is None:
        return np.full(size, 1.0 / size)
    p = probability_vector(prior, "prior")
    if p.shape != (size,):
        raise ValueError(f"prior must have one mass per grid point ({size}), got shape {p.shape}")
    return p


def loss_matrix(theta: ArrayLike, data: ArrayLike, loss: Loss) -> NDArray[np.float64]:
    r"""The table :math:`\ell(\theta_j, x_i)`, shape (grid points, examples)."""
    grid = _grid(theta)
    x = as_float_array(data, "data").ravel()
    if x.size == 0:
        raise ValueError("data must hold at least one observation")
    table = np.asarray(loss(grid[:, None], x[None, :]), dtype=float)
    if table.shape != (grid.size, x.size):
        raise ValueError(f"loss must return one value per (theta, x) pair, shape "
                         f"{(grid.size, x.size)}, got {table.shape}")
    if np.isnan(table).any() or np.any(table == -np.inf):
        raise ValueError("loss returned NaN or -inf")
    return table


def _normalize(log_weights: NDArray) -> NDArray[np.float64]:
    return np.exp(log_weights - logsumexp(log_weights))


def gibbs_posterior(theta: ArrayLike, data: ArrayLike, loss: Loss, w: float = 1.0,
                    prior: ArrayLike | None = None) -> NDArray[np.float64]:
    r"""The Gibbs posterior on a grid.

    Masses :math:`\propto \exp(-w\sum_i \ell(\theta_j, x_i))\,\pi_j`.

    ``prior`` is a probability vector over the grid (uniform if ``None``). Updating the
    result on more data, with it as the prior, equals updating on all data at once.
    """
    rate = _positive(w, "w")
    table = loss_matrix(theta, data, loss)
    p = _prior(prior, table.shape[0])
    with np.errstate(divide="ignore"):
        return _normalize(np.log(p) - rate * table.sum(axis=1))


def max_pooled_posterior(theta: ArrayLike, data: ArrayLike, loss: Loss, w: float = 1.0,
                         prior: ArrayLike | None = None) -> NDArray[np.float64]:
    r"""A permutation-invariant alternative that pools losses with the maximum.

    Masses :math:`\propto \exp(-w\max_i \ell(\theta_j, x_i))\,\pi_j`.

    Order-free (any permutation of ``data`` gives the same result), but not sequential:
    feeding its output back in as a prior does not give the update on the pooled data.
    """
    rate = _positive(w, "w")
    table = loss_matrix(theta, data, loss)
    p = _prior(prior, table.shape[0])
    with np.errstate(divide="ignore"):
        return _normalize(np.log(p) - rate * table.max(axis=1))


def gibbs_objective(nu: ArrayLike, prior: ArrayLike, total_loss: ArrayLike,
                    w: float = 1.0) -> float:
    r"""The objective :math:`F(\nu) = w\,\mathbb E_\nu[L] + \mathrm{KL}(\nu\|\pi)` on a grid.

    ``total_loss`` holds :math:`L(\theta_j) = \sum_i \ell(\theta_j, x_i)`. The Gibbs posterior
    minimizes it, and :math:`F(\nu) - F(\pi_w) = \mathrm{KL}(\nu \| \pi_w)`.
    """
    rate = _positive(w, "w")
    n = probability_vector(nu, "nu")
    p = probability_vector(prior, "prior")
    total = as_float_array(total_loss, "total_loss")
    if not (n.shape == p.shape == total.shape and n.ndim == 1):
        raise ValueError(f"nu, prior and total_loss must be 1-D of one shape, got "
                         f"{n.shape}, {p.shape}, {total.shape}")
    return float(rate * n @ total + dv.kl(n, p))


def gibbs_gaussian(data: ArrayLike, noise_var: float, prior_mean: float, prior_var: float,
                   w: float = 1.0) -> tuple[float, float]:
    r"""Closed-form Gibbs posterior for the loss :math:`(x-\theta)^2/(2s^2)` and a normal prior.

    Precision :math:`1/v_0 + w n / s^2`, mean
    :math:`\bigl(m_0 / v_0 + w \sum_i x_i / s^2\bigr) / \text{precision}`. With :math:`w = 1`
    this is the conjugate Bayesian posterior of :math:`x \sim \mathcal N(\theta, s^2)`.
    Returns ``(mean, variance)``.
    """
    x = as_float_array(data, "data").ravel()
    s2, v0 = _positive(noise_var, "noise_var"), _positive(prior_var, "prior_var")
    rate = _positive(w, "w")
    precision = 1 / v0 + rate * x.size / s2
    return float((prior_mean / v0 + rate * x.sum() / s2) / precision), float(1 / precision)


def grid_mean_sd(theta: ArrayLike, masses: ArrayLike) -> tuple[float, float]:
    """Mean and standard deviation of a distribution given by masses on a grid."""
    grid = _grid(theta)
    p = probability_vector(masses, "masses")
    mean = float(p @ grid)
    return mean, float(np.sqrt(p @ (grid - mean) ** 2))


def bootstrap_medians(data: ArrayLike, reps: int = 2000, seed: int = 0) -> NDArray[np.float64]:
    """Medians of ``reps`` bootstrap resamples of ``data`` (seeded)."""
    x = as_float_array(data, "data").ravel()
    if x.size == 0:
        raise ValueError("data must hold at least one observation")
    if not (isinstance(reps, (int, np.integer)) and reps >= 1):
        raise ValueError(f"reps must be an integer >= 1, got {reps!r}")
    rng = np.random.default_rng(seed)
    return np.median(rng.choice(x, (reps, x.size)), axis=1)
