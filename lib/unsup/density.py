"""Density models for 'matching distributions': Gaussian kernel density estimates.

A kernel density estimate with bandwidth :math:`h` on training points
:math:`x_1, \\dots, x_n` is

.. math:: g_h(x) = \\frac1n \\sum_{i=1}^n \\mathcal N(x; x_i, h^2).

As :math:`h \\to 0` it turns into the memorizing model (uniform on the training
set): its training likelihood grows without bound while every test point that is
not a training point gets density tending to zero.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import logsumexp

from ._validation import positive, samples_1d


def kde_logpdf(train: ArrayLike, points: ArrayLike, bandwidth: float) -> NDArray[np.float64]:
    r""":math:`\log g_h(x)` at each of ``points`` for a 1-D Gaussian KDE on ``train``."""
    train = samples_1d(train, "train")
    points = samples_1d(points, "points")
    h = float(positive(bandwidth, "bandwidth"))
    z = (points[:, None] - train[None, :]) / h
    log_kernel = -0.5 * z**2 - np.log(h * np.sqrt(2 * np.pi))
    return logsumexp(log_kernel, axis=1) - np.log(train.size)


def kde_nll(train: ArrayLike, test: ArrayLike, bandwidth: float) -> float:
    r"""Average negative log-likelihood :math:`-\frac1m\sum_j \log g_h(y_j)` in nats."""
    return float(-kde_logpdf(train, test, bandwidth).mean())


def kde_nll_curve(
    train: ArrayLike, test: ArrayLike, bandwidths: ArrayLike
) -> NDArray[np.float64]:
    """:func:`kde_nll` for each bandwidth in ``bandwidths``."""
    return np.array([kde_nll(train, test, h) for h in np.atleast_1d(bandwidths)])


def memorizer_nll(train: ArrayLike, test: ArrayLike) -> float:
    r"""Average NLL of the memorizing model :math:`g = U(\{x_1, \dots, x_n\})` (probability mass).

    Each training point has mass :math:`\ge 1/n`; a test point that is not a
    training point has mass 0, so its NLL is infinite.
    """
    train = samples_1d(train, "train")
    test = samples_1d(test, "test")
    values, counts = np.unique(train, return_counts=True)
    index = np.searchsorted(values, test).clip(0, values.size - 1)
    mass = np.where(values[index] == test, counts[index] / train.size, 0.0)
    with np.errstate(divide="ignore"):
        return float(-np.log(mass).mean())
