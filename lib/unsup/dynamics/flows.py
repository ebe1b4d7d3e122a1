r"""Gradient descent, gradient flows and the modified losses of backward error analysis.

Gradient descent :math:`w_{n+1} = w_n - \epsilon \nabla C(w_n)` follows, to :math:`O(\epsilon^2)`
over a fixed time, the gradient flow of the *modified loss*
:math:`\tilde C_{GD} = C + \frac{\epsilon}{4}\lVert\nabla C\rVert^2` (Barrett and Dherin, 2021).
Over one epoch of :math:`m` minibatch steps in random order, the mean iterate follows the flow
of :math:`\tilde C_{SGD} = C + \frac{\epsilon}{4m}\sum_k \lVert\nabla \hat C_k\rVert^2`
(Smith et al., 2021), with :math:`C = \frac1m \sum_k \hat C_k`.

A loss is a :class:`Loss` of numpy callables (value, gradient, Hessian);
:func:`loss_from_torch` builds one from any differentiable torch function.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import solve_ivp

Array = NDArray[np.float64]
Field = Callable[[Array], Array]


@dataclass(frozen=True)
class Loss:
    """A twice-differentiable loss on R^d: its value, gradient and Hessian."""

    value: Callable[[Array], float]
    grad: Callable[[Array], Array]
    hess: Callable[[Array], Array]


def loss_from_torch(fn: Callable[[torch.Tensor], torch.Tensor]) -> Loss:
    """A :class:`Loss` whose gradient and Hessian come from torch autograd (float64)."""

    def as_tensor(w: Array) -> torch.Tensor:
        return torch.as_tensor(np.asarray(w, float), dtype=torch.float64)

    return Loss(
        value=lambda w: float(fn(as_tensor(w))),
        grad=lambda w: torch.func.grad(fn)(as_tensor(w)).numpy(),
        hess=lambda w: _quiet_hessian(fn, as_tensor(w)),
    )


def _quiet_hessian(fn: Callable[[torch.Tensor], torch.Tensor], w: torch.Tensor) -> Array:
    with warnings.catch_warnings():  # torch's forward-mode rules still use torch.jit.script
        warnings.filterwarnings("ignore", message=".*torch.jit.script", category=DeprecationWarning)
        return torch.func.hessian(fn)(w).numpy()


def _vector(w0: ArrayLike, name: str = "w0") -> Array:
    w = np.atleast_1d(np.asarray(w0, dtype=float))
    if w.ndim != 1 or not np.all(np.isfinite(w)):
        raise ValueError(f"{name} must be a finite 1-D vector, got shape {w.shape}")
    return w


def _positive(value: float, name: str) -> None:
    if not value > 0:
        raise ValueError(f"{name} must be > 0, got {value}")


def gradient_descent(loss: Loss, w0: ArrayLike, lr: float, steps: int) -> Array:
    r"""The path :math:`w_{n+1} = w_n - \mathrm{lr}\,\nabla C(w_n)`, shape (steps + 1, d)."""
    _positive(lr, "lr")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    path = [_vector(w0)]
    for _ in range(steps):
        path.append(path[-1] - lr * loss.grad(path[-1]))
    return np.array(path)


def flow_field(loss: Loss) -> Field:
    r"""The gradient flow :math:`\dot w = -\nabla C(w)`."""
    return lambda w: -loss.grad(w)


def gd_modified_value(loss: Loss, eps: float, w: ArrayLike) -> float:
    r""":math:`\tilde C_{GD}(w) = C(w) + \frac{\epsilon}{4}\lVert\nabla C(w)\rVert^2`."""
    w = _vector(w, "w")
    return loss.value(w) + eps / 4 * float(np.sum(loss.grad(w) ** 2))


def gd_modified_field(loss: Loss, eps: float) -> Field:
    r"""The flow of :math:`\tilde C_{GD}`:
    :math:`\dot w = -(\nabla C + \frac{\epsilon}{2} H \nabla C)`."""
    _positive(eps, "eps")

    def field(w: Array) -> Array:
        g = loss.grad(w)
        return -(g + eps / 2 * loss.hess(w) @ g)

    return field


def mean_loss(batches: Sequence[Loss]) -> Loss:
    r"""The full-batch loss :math:`C = \frac1m \sum_k \hat C_k`."""
    if len(batches) == 0:
        raise ValueError("batches must hold at least one minibatch loss")
    m = len(batches)
    return Loss(value=lambda w: sum(b.value(w) for b in batches) / m,
                grad=lambda w: sum(b.grad(w) for b in batches) / m,
                hess=lambda w: sum(b.hess(w) for b in batches) / m)


def sgd_modified_value(batches: Sequence[Loss], eps: float, w: ArrayLike) -> float:
    r""":math:`\tilde C_{SGD}(w) = C(w)
    + \frac{\epsilon}{4m}\sum_k \lVert\nabla\hat C_k(w)\rVert^2`."""
    w = _vector(w, "w")
    norms = [float(np.sum(b.grad(w) ** 2)) for b in batches]
    return mean_loss(batches).value(w) + eps / 4 * float(np.mean(norms))


def sgd_modified_field(batches: Sequence[Loss], eps: float) -> Field:
    r"""The flow of :math:`\tilde C_{SGD}`:
    :math:`\dot w = -(\nabla C + \frac{\epsilon}{2m}\sum_k H_k \nabla \hat C_k)`."""
    _positive(eps, "eps")
    full = mean_loss(batches)

    def field(w: Array) -> Array:
        extra = sum(b.hess(w) @ b.grad(w) for b in batches) / len(batches)
        return -(full.grad(w) + eps / 2 * extra)

    return field


def minibatch_gradient_variance(batches: Sequence[Loss], w: ArrayLike) -> float:
    r"""Total variance of minibatch gradients,
    :math:`\frac1m\sum_k\lVert\nabla\hat C_k - \nabla C\rVert^2`."""
    w = _vector(w, "w")
    grads = np.array([b.grad(w) for b in batches])
    return float(np.mean(np.sum((grads - grads.mean(0)) ** 2, axis=1)))


def sgd_epoch_mean(batches: Sequence[Loss], w0: ArrayLike, lr: float) -> Array:
    r"""The exact mean, over all :math:`m!` orders, of the iterate after one epoch of
    :math:`w \leftarrow w - \mathrm{lr}\,\nabla\hat C_k(w)`, one step per minibatch."""
    _positive(lr, "lr")
    m = len(batches)
    if not 1 <= m <= 7:
        raise ValueError(f"batches must hold 1 to 7 minibatch losses (m! orders), got {m}")
    ends = []
    for order in itertools.permutations(range(m)):
        w = _vector(w0)
        for k in order:
            w = w - lr * batches[k].grad(w)
        ends.append(w)
    return np.mean(ends, axis=0)


def flow(field: Field, w0: ArrayLike, times: ArrayLike, rtol: float = 1e-11) -> Array:
    r"""Solve :math:`\dot w = \mathrm{field}(w)`, :math:`w(0) = w_0`, at the given times
    (increasing, starting at 0); shape (len(times), d). Dormand-Prince 8(5,3)."""
    w0, times = _vector(w0), np.asarray(times, dtype=float)
    if times.ndim != 1 or times.size == 0 or times[0] != 0 or np.any(np.diff(times) <= 0):
        raise ValueError("times must be an increasing 1-D array starting at 0")
    if times.size == 1:
        return w0[None]
    sol = solve_ivp(lambda t, w: field(w), (0.0, times[-1]), w0, method="DOP853",
                    t_eval=times, rtol=rtol, atol=rtol * 1e-2)
    return sol.y.T


# --- two concrete losses -------------------------------------------------------------------


def valley_loss() -> Loss:
    r"""A 2-D non-convex loss with minima at :math:`(\pm 1, 0)`:
    :math:`C(x, y) = \frac14 (x^2 - 1)^2 + \frac12 (1 + x^2)\, y^2`."""

    def value(w):
        x, y = w
        return 0.25 * (x**2 - 1) ** 2 + 0.5 * (1 + x**2) * y**2

    def grad(w):
        x, y = w
        return np.array([x * (x**2 - 1) + x * y**2, (1 + x**2) * y])

    def hess(w):
        x, y = w
        return np.array([[3 * x**2 - 1 + y**2, 2 * x * y], [2 * x * y, 1 + x**2]])

    return Loss(value, grad, hess)


def valley_minibatches(tilts: ArrayLike) -> list[Loss]:
    r"""Minibatch losses :math:`\hat C_k = C + a_k x + b_k y + d_k x y` around :func:`valley_loss`,
    one row :math:`(a_k, b_k, d_k)` of ``tilts`` each; the rows must sum to zero so that the
    mean of the minibatch losses is :math:`C` exactly."""
    tilts = np.asarray(tilts, dtype=float)
    if tilts.ndim != 2 or tilts.shape[1] != 3:
        raise ValueError(f"tilts must have shape (m, 3), got {tilts.shape}")
    if not np.allclose(tilts.sum(0), 0.0, atol=1e-12):
        raise ValueError("tilts must sum to zero over the minibatches (columns sum to 0)")
    base = valley_loss()

    def batch(a: float, b: float, d: float) -> Loss:
        return Loss(value=lambda w: base.value(w) + a * w[0] + b * w[1] + d * w[0] * w[1],
                    grad=lambda w: base.grad(w) + np.array([a + d * w[1], b + d * w[0]]),
                    hess=lambda w: base.hess(w) + np.array([[0.0, d], [d, 0.0]]))

    return [batch(*row) for row in tilts]


# --- two minima, agreeing and disagreeing minibatches (1-D, vectorized over runs) ---------


@dataclass(frozen=True)
class TwoMinima:
    r"""The double well :math:`C(w) = (w^2 - 4)^2/16` (minima at :math:`\pm 2`, equal depth and
    curvature) split into minibatches :math:`\hat C_k = C + c_k\, s(w)` with
    :math:`s(w) = \log(1 + e^{\kappa w})/\kappa` and :math:`\sum_k c_k = 0`. Near :math:`w = -2`,
    :math:`s' \approx 0`: the minibatches agree; near :math:`w = +2`, :math:`s' \approx 1`: each is
    tilted by :math:`c_k`, and they disagree about where the minimum is."""

    tilts: tuple[float, ...] = (-2.0, 2.0, -2.0, 2.0)
    sharpness: float = 4.0

    def __post_init__(self) -> None:
        if len(self.tilts) < 2 or abs(sum(self.tilts)) > 1e-12:
            raise ValueError("tilts must hold at least two values that sum to zero")
        _positive(self.sharpness, "sharpness")

    def loss(self, w: ArrayLike) -> Array:
        return (np.asarray(w, float) ** 2 - 4) ** 2 / 16

    def grad(self, w: ArrayLike) -> Array:
        w = np.asarray(w, float)
        return w * (w**2 - 4) / 4

    def switch(self, w: ArrayLike) -> Array:
        r""":math:`s'(w)`, the logistic function of :math:`\kappa w`."""
        return 1 / (1 + np.exp(-self.sharpness * np.asarray(w, float)))

    def batch_grads(self, w: ArrayLike) -> Array:
        """Gradient of every minibatch loss at every w, shape (m, *w.shape)."""
        c = np.asarray(self.tilts)[(...,) + (None,) * np.ndim(w)]
        return self.grad(w)[None] + c * self.switch(w)[None]

    def gradient_variance(self, w: ArrayLike) -> Array:
        r""":math:`\frac1m \sum_k (\hat C_k' - C')^2 = \overline{c^2}\, s'(w)^2`."""
        return np.mean(np.square(self.tilts)) * self.switch(w) ** 2

    def sgd_modified_grad(self, w: ArrayLike, eps: float) -> Array:
        r"""Derivative of :math:`C + \frac{\epsilon}{4}(C'^2 + \overline{c^2} s'^2)`."""
        w = np.asarray(w, float)
        curvature = (3 * w**2 - 4) / 4
        s1 = self.switch(w)
        s2 = self.sharpness * s1 * (1 - s1)
        return self.grad(w) + eps / 2 * (self.grad(w) * curvature
                                          + np.mean(np.square(self.tilts)) * s1 * s2)


def reshuffled_sgd(problem: TwoMinima, w0: ArrayLike, lr: float, epochs: int, seed: int) -> Array:
    """Final iterates of independent SGD runs from each entry of ``w0``; every epoch visits each
    minibatch once, in a fresh random order per run."""
    _positive(lr, "lr")
    if epochs < 0:
        raise ValueError(f"epochs must be >= 0, got {epochs}")
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    runs, m = np.arange(w.size), len(problem.tilts)
    for _ in range(epochs):
        order = np.argsort(rng.random((w.size, m)), axis=1)
        for i in range(m):
            w = w - lr * problem.batch_grads(w)[order[:, i], runs]
    return w


def full_batch_gd(problem: TwoMinima, w0: ArrayLike, lr: float, steps: int) -> Array:
    """Final iterates of full-batch gradient descent from each entry of ``w0``."""
    _positive(lr, "lr")
    w = np.array(w0, dtype=float)
    for _ in range(steps):
        w = w - lr * problem.grad(w)
    return w
