r"""Scale-invariant losses and the exponential learning-rate equivalence (Li and Arora, 2019).

A loss is scale invariant if :math:`L(c\,w) = L(w)` for every :math:`c > 0`. Then
:math:`\langle\nabla L(w), w\rangle = 0` and :math:`\nabla L(c\,w) = \nabla L(w)/c`.

Gradient descent with weight decay :math:`\lambda` and learning rate :math:`\eta`,
:math:`w_{t+1} = \rho\, w_t - \eta\nabla L(w_t)` with :math:`\rho = 1 - \eta\lambda`, is the same
path, up to scale, as plain gradient descent with the growing learning rate
:math:`\tilde\eta_t = \eta\,\rho^{-(2t+1)}`: exactly :math:`w_t = \rho^t\,\tilde w_t`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray


@dataclass(frozen=True)
class AngularLoss:
    r"""A loss on the plane that depends on the angle only:
    :math:`L(w) = \sum_k a_k \sin(k\phi) + b_k \cos(k\phi)`,
    :math:`\phi = \operatorname{atan2}(w_2, w_1)`.

    Its gradient is :math:`\nabla L(w) = f'(\phi)\,(-w_2, w_1)/\lVert w\rVert^2`, orthogonal to
    :math:`w` and of norm :math:`|f'(\phi)|/\lVert w\rVert`."""

    sin_terms: tuple[tuple[int, float], ...] = ((3, 1.0),)
    cos_terms: tuple[tuple[int, float], ...] = ((5, 0.5),)

    def profile(self, phi: ArrayLike) -> NDArray:
        """The loss as a function of the angle, f(phi)."""
        phi = np.asarray(phi)
        return (sum(a * np.sin(k * phi) for k, a in self.sin_terms)
                + sum(b * np.cos(k * phi) for k, b in self.cos_terms))

    def slope(self, phi: ArrayLike) -> NDArray:
        """f'(phi)."""
        phi = np.asarray(phi)
        return (sum(k * a * np.cos(k * phi) for k, a in self.sin_terms)
                - sum(k * b * np.sin(k * phi) for k, b in self.cos_terms))

    def value(self, w: ArrayLike) -> NDArray:
        w = np.asarray(w)
        return self.profile(np.arctan2(w[..., 1], w[..., 0]))

    def grad(self, w: ArrayLike) -> NDArray:
        """Gradient at w (shape (..., 2)); the dtype of w is kept, so precision can be chosen."""
        w = np.asarray(w)
        if w.shape[-1] != 2:
            raise ValueError(f"w must have a last axis of length 2, got shape {w.shape}")
        r2 = np.sum(w * w, axis=-1)
        if np.any(r2 == 0):
            raise ValueError("w must not be the origin: the loss is not defined there")
        phi = np.arctan2(w[..., 1], w[..., 0])
        factor = (self.slope(phi) / r2).astype(w.dtype)
        return np.stack([-w[..., 1], w[..., 0]], axis=-1) * factor[..., None]


def _check(lr: float, weight_decay: float, steps: int) -> None:
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    if not 0 <= lr * weight_decay < 1:
        raise ValueError(f"lr * weight_decay must lie in [0, 1), got {lr * weight_decay}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")


def gd_weight_decay(loss: AngularLoss, w0: ArrayLike, lr: float, weight_decay: float, steps: int,
                    dtype: type = np.float64) -> NDArray:
    r"""Path of :math:`w_{t+1} = (1 - \eta\lambda)\,w_t - \eta\nabla L(w_t)`, shape (steps + 1, 2),
    computed in ``dtype`` (e.g. ``np.float32``, ``np.float64``, ``np.longdouble``)."""
    _check(lr, weight_decay, steps)
    w = np.asarray(w0, dtype=dtype)
    rho, eta = dtype(1) - dtype(lr) * dtype(weight_decay), dtype(lr)
    path = [w]
    for _ in range(steps):
        w = rho * w - eta * loss.grad(w)
        path.append(w)
    return np.array(path)


def gd_schedule(loss: AngularLoss, w0: ArrayLike, lrs: Sequence[float] | NDArray,
                dtype: type = np.float64) -> NDArray:
    r"""Path of plain gradient descent :math:`w_{t+1} = w_t - \eta_t\nabla L(w_t)` with the given
    learning rates, shape (len(lrs) + 1, 2)."""
    lrs = np.asarray(lrs, dtype=dtype)
    if lrs.ndim != 1 or np.any(~np.isfinite(lrs)) or np.any(lrs <= 0):
        raise ValueError("lrs must be a 1-D array of finite positive learning rates")
    w = np.asarray(w0, dtype=dtype)
    path = [w]
    for eta in lrs:
        w = w - eta * loss.grad(w)
        path.append(w)
    return np.array(path)


def exponential_schedule(lr: float, weight_decay: float, steps: int, dtype: type = np.float64,
                         offset: int = 1) -> NDArray:
    r"""The learning rates :math:`\tilde\eta_t = \eta\,\rho^{-(2t + \mathrm{offset})}`,
    t = 0..steps-1,
    :math:`\rho = 1 - \eta\lambda`. ``offset = 1`` is the exact equivalent of weight decay;
    ``offset = 0`` is the tempting off-by-one."""
    _check(lr, weight_decay, steps)
    rho = dtype(1) - dtype(lr) * dtype(weight_decay)
    t = np.arange(steps, dtype=dtype)
    return dtype(lr) * rho ** (-(2 * t + offset))


def renormalize(path: NDArray, lr: float, weight_decay: float) -> NDArray:
    r"""Scale step t of a growing-learning-rate path by :math:`\rho^t`
    (:math:`\rho = 1 - \eta\lambda`),
    which maps it onto the weight-decay path when the schedule is exact."""
    dtype = path.dtype.type
    rho = dtype(1) - dtype(lr) * dtype(weight_decay)
    return path * rho ** np.arange(path.shape[0], dtype=dtype)[:, None]


def angle_gap(path_a: NDArray, path_b: NDArray) -> NDArray:
    """Absolute difference of the angles of two paths at each step, wrapped to [0, pi]."""
    if path_a.shape != path_b.shape:
        raise ValueError(f"paths must have the same shape, got {path_a.shape} and {path_b.shape}")
    phi_a = np.arctan2(path_a[:, 1], path_a[:, 0])
    phi_b = np.arctan2(path_b[:, 1], path_b[:, 0])
    diff = np.asarray(phi_a - phi_b, dtype=float)
    return np.abs((diff + np.pi) % (2 * np.pi) - np.pi)


def steps_until(gap: NDArray, threshold: float) -> int:
    """First step at which ``gap`` exceeds ``threshold`` (len(gap) if it never does)."""
    above = np.flatnonzero(np.asarray(gap) > threshold)
    return int(above[0]) if above.size else int(len(gap))
