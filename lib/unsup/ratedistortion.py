r"""Rate-distortion functions by the Blahut-Arimoto algorithm, and their closed forms.

For a source :math:`p(x)` on a finite grid, a reconstruction grid :math:`y_j` and a
distortion :math:`d(x, y)`, the rate-distortion function is

.. math:: R(D) = \min_{Q(y|x):\ \mathbb E\, d(X, Y) \le D} I(X; Y).

Blahut-Arimoto fixes a slope :math:`\beta > 0` and alternates
:math:`Q(y|x) \propto q(y) e^{-\beta d(x, y)}` and :math:`q(y) = \sum_x p(x) Q(y|x)`;
the fixed point is the point of the curve where :math:`dR/dD = -\beta`. Rates are in nats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import logsumexp

from ._validation import as_float_array, probability_vector


@dataclass(frozen=True)
class RDPoint:
    """One point of a rate-distortion curve: rate (nats), distortion, and the output marginal."""

    rate: float
    distortion: float
    q: NDArray[np.float64]


def squared_error(x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    """The matrix :math:`d_{ij} = (x_i - y_j)^2`."""
    xa, ya = as_float_array(x, "x").ravel(), as_float_array(y, "y").ravel()
    return (xa[:, None] - ya[None, :]) ** 2


def blahut_arimoto(p: ArrayLike, distortion: ArrayLike, beta: float, n_iter: int = 2000,
                   tol: float = 1e-10) -> RDPoint:
    """The point of slope ``-beta`` on the rate-distortion curve of source ``p``.

    ``distortion`` is the ``(len(p), n_outputs)`` matrix d(x_i, y_j). Stops when the
    output marginal changes by less than ``tol`` (max absolute change) or after ``n_iter``.
    """
    px = probability_vector(p, "p")
    d = as_float_array(distortion, "distortion")
    if px.ndim != 1:
        raise ValueError(f"p must be a 1-D probability vector, got shape {px.shape}")
    if d.ndim != 2 or d.shape[0] != px.size:
        raise ValueError(f"distortion must have shape (len(p), n_outputs), got {d.shape}")
    if np.any(d < 0):
        raise ValueError("distortion must be non-negative")
    if not np.isfinite(beta) or beta <= 0:
        raise ValueError(f"beta must be a positive finite number, got {beta}")
    if n_iter < 1:
        raise ValueError(f"n_iter must be at least 1, got {n_iter}")
    log_q = np.full(d.shape[1], -np.log(d.shape[1]))
    for _ in range(n_iter):
        log_cond = log_q[None, :] - beta * d
        log_cond -= logsumexp(log_cond, axis=1, keepdims=True)
        new_log_q = logsumexp(log_cond + np.log(np.maximum(px, 1e-300))[:, None], axis=0)
        done = np.max(np.abs(np.exp(new_log_q) - np.exp(log_q))) < tol
        log_q = new_log_q
        if done:
            break
    log_cond = log_q[None, :] - beta * d
    log_cond -= logsumexp(log_cond, axis=1, keepdims=True)
    joint = px[:, None] * np.exp(log_cond)
    rate = float(np.sum(joint * (log_cond - log_q[None, :])))
    return RDPoint(max(rate, 0.0), float(np.sum(joint * d)), np.exp(log_q))


def rate_distortion_curve(p: ArrayLike, distortion: ArrayLike, betas: ArrayLike,
                          n_iter: int = 2000) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Distortions and rates (nats) of the Blahut-Arimoto points for each slope in ``betas``."""
    b = as_float_array(betas, "betas").ravel()
    if b.size == 0:
        raise ValueError("betas must not be empty")
    points = [blahut_arimoto(p, distortion, beta, n_iter) for beta in b]
    return np.array([pt.distortion for pt in points]), np.array([pt.rate for pt in points])


def gaussian_rate_distortion(distortion: ArrayLike, variance: float = 1.0) -> NDArray[np.float64]:
    r"""Closed form for a Gaussian source under squared error:
    :math:`R(D) = \max(0, \tfrac12 \log(\sigma^2 / D))` nats."""
    dd = as_float_array(distortion, "distortion")
    if np.any(dd <= 0):
        raise ValueError("distortion must be positive")
    if not np.isfinite(variance) or variance <= 0:
        raise ValueError(f"variance must be positive, got {variance}")
    return np.maximum(0.0, 0.5 * np.log(variance / dd))


def shannon_lower_bound(distortion: ArrayLike, differential_entropy: float) -> NDArray[np.float64]:
    r"""Shannon's lower bound for squared error: :math:`R(D) \ge h(X) - \tfrac12\log(2\pi e D)`,
    clipped at zero; equal to the Gaussian curve when :math:`h(X)` is a Gaussian's entropy."""
    dd = as_float_array(distortion, "distortion")
    if np.any(dd <= 0):
        raise ValueError("distortion must be positive")
    return np.maximum(0.0, differential_entropy - 0.5 * np.log(2 * np.pi * np.e * dd))


def discretize(density: ArrayLike, step: float) -> NDArray[np.float64]:
    """Cell probabilities from density values on a uniform grid of spacing ``step``."""
    f = as_float_array(density, "density")
    if np.any(f < 0):
        raise ValueError("density must be non-negative")
    if not np.isfinite(step) or step <= 0:
        raise ValueError(f"step must be positive, got {step}")
    mass = f * step
    if mass.sum() <= 0:
        raise ValueError("density must have positive mass on the grid")
    return mass / mass.sum()


def grid_differential_entropy(p: ArrayLike, step: float) -> float:
    r"""Differential entropy estimated from grid cell probabilities:
    :math:`h \approx H(p) + \log(\text{step})` nats."""
    px = probability_vector(p, "p")
    if not np.isfinite(step) or step <= 0:
        raise ValueError(f"step must be positive, got {step}")
    nz = px[px > 0]
    return float(-np.sum(nz * np.log(nz)) + np.log(step))


def image_patches(images: ArrayLike, side: int, patch: int) -> NDArray[np.float64]:
    """Cut flattened ``side x side`` images into non-overlapping ``patch x patch`` blocks.

    Returns ``(n_images, (side // patch) ** 2, patch * patch)``, blocks in row-major order.
    """
    x = as_float_array(images, "images")
    if x.ndim != 2 or x.shape[1] != side * side:
        raise ValueError(f"images must have shape (n, side*side) = (n, {side * side}), "
                         f"got {x.shape}")
    if patch < 1 or side % patch:
        raise ValueError(f"patch must be a positive divisor of side={side}, got {patch}")
    g = side // patch
    blocks = x.reshape(-1, g, patch, g, patch).transpose(0, 1, 3, 2, 4)
    return blocks.reshape(x.shape[0], g * g, patch * patch)


def kmeans_codebook(vectors: ArrayLike, n_codes: int, n_iter: int = 30,
                    seed: int = 0) -> NDArray[np.float64]:
    """A vector-quantization codebook by Lloyd's algorithm (k-means), seeded from the data."""
    v = as_float_array(vectors, "vectors")
    if v.ndim != 2:
        raise ValueError(f"vectors must be 2-D, got shape {v.shape}")
    if not 1 <= n_codes <= v.shape[0]:
        raise ValueError(f"n_codes must lie in [1, {v.shape[0]}] (number of vectors), "
                         f"got {n_codes}")
    rng = np.random.default_rng(seed)
    codebook = v[rng.choice(v.shape[0], n_codes, replace=False)].copy()
    for _ in range(n_iter):
        codes = quantize(v, codebook)
        for j in range(n_codes):
            members = v[codes == j]
            if len(members):
                codebook[j] = members.mean(axis=0)
    return codebook


def quantize(vectors: ArrayLike, codebook: ArrayLike) -> NDArray[np.int64]:
    """Index of the nearest codebook entry (squared error) for every vector (last axis)."""
    v, c = as_float_array(vectors, "vectors"), as_float_array(codebook, "codebook")
    if c.ndim != 2 or v.shape[-1] != c.shape[1]:
        raise ValueError(f"codebook must be 2-D with {v.shape[-1]} columns, got shape {c.shape}")
    d = (v**2).sum(-1)[..., None] - 2 * v @ c.T + (c**2).sum(-1)
    return np.argmin(d, axis=-1)
