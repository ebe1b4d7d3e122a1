r"""Neural tangent kernels, from one gradient step to wide networks.

A *parametric model* here is a function ``f(theta, x)`` of a parameter vector ``theta``
(a 1-D float64 tensor) and inputs ``x`` (a 1-D tensor), returning ``f_theta(x)`` with the
shape of ``x``. For such a model

- the **finite-step kernel** is
  :math:`\tilde k_\eta(x, x')
  = [f(x; \theta + \eta \nabla_\theta f(x'; \theta)) - f(x; \theta)] / \eta`,
- the **tangent kernel** is its limit :math:`\eta \to 0`,
  :math:`k_\theta(x, x') = \langle \nabla_\theta f(x; \theta), \nabla_\theta f(x'; \theta)\rangle`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
import torch
from torch import Tensor
from torch.func import functional_call, jacfwd, jacrev

Model = Callable[[Tensor, Tensor], Tensor]

LOOKUP_LOW, LOOKUP_HIGH = -10, 20
#: The integers on which the essay draws every function: -10, ..., 20.
GRID = torch.arange(LOOKUP_LOW, LOOKUP_HIGH + 1, dtype=torch.float64)
BUMP_WIDTH = 30.0
#: The two-bump parameters as listed in the essay, read in the order of its formula.
TWO_BUMPS_AS_LISTED = (4.0, -10.0, 25.0, 10.0, 50.0)
#: The same five numbers read as (centre, amplitude) pairs: a valley of depth 10 at x = 4
#: and a bump of height 10 at x = 25, written in the formula's order (a1, c1, a2, c2, b).
TWO_BUMPS_VALLEY = (-10.0, 4.0, 10.0, 25.0, 50.0)


def _tensor(values, name: str) -> Tensor:
    t = torch.as_tensor(values, dtype=torch.float64)
    if not torch.isfinite(t).all():
        raise ValueError(f"{name} must contain only finite values")
    return t


def _check_theta(theta: Tensor, size: int, model: str) -> None:
    if theta.ndim != 1 or theta.numel() != size:
        raise ValueError(f"theta of the {model} must be a vector of {size} parameters, "
                         f"got shape {tuple(theta.shape)}")


def lookup_table(theta: Tensor, x: Tensor) -> Tensor:
    r"""One parameter per integer of [-10, 20]: :math:`f(i) = \theta_{i+10}`."""
    _check_theta(theta, LOOKUP_HIGH - LOOKUP_LOW + 1, "lookup table")
    index = x - LOOKUP_LOW
    if not torch.all((index == torch.round(index)) & (index >= 0)
                     & (index <= LOOKUP_HIGH - LOOKUP_LOW)):
        raise ValueError(f"x of the lookup table must be integers in [{LOOKUP_LOW}, {LOOKUP_HIGH}]")
    return theta[index.long()]


def linear_model(bias_scale: float = 1.0) -> Model:
    r"""The line :math:`f(x) = \theta_1 x + s\,\theta_2` with bias scale ``s``."""
    if not bias_scale > 0:
        raise ValueError(f"bias_scale must be > 0, got {bias_scale}")

    def linear(theta: Tensor, x: Tensor) -> Tensor:
        _check_theta(theta, 2, "linear model")
        x = torch.as_tensor(x, dtype=theta.dtype)
        return theta[0] * x + bias_scale * theta[1]

    return linear


def two_bumps(theta: Tensor, x: Tensor) -> Tensor:
    r"""Two bumps and an offset:
    :math:`f(x) = \theta_1 e^{-(x-\theta_2)^2/30} + \theta_3 e^{-(x-\theta_4)^2/30} + \theta_5`."""
    _check_theta(theta, 5, "two-bump model")
    x = torch.as_tensor(x, dtype=theta.dtype)  # float32 inputs would demote the result
    bump = lambda amplitude, centre: amplitude * torch.exp(-(x - centre) ** 2 / BUMP_WIDTH)
    return bump(theta[0], theta[1]) + bump(theta[2], theta[3]) + theta[4]


def param_jacobian(f: Model, theta, x) -> Tensor:
    r"""The Jacobian :math:`J_{ij} = \partial f(x_i; \theta) / \partial \theta_j`, shape (n, p)."""
    theta, x = _tensor(theta, "theta"), torch.atleast_1d(_tensor(x, "x"))
    # Forward mode costs one pass per parameter, reverse mode one per input: take the cheaper.
    jacobian = jacfwd if theta.numel() <= x.numel() else jacrev
    with warnings.catch_warnings():  # torch's forward-mode rules still use torch.jit.script
        warnings.filterwarnings("ignore", message=".*torch.jit.script", category=DeprecationWarning)
        return jacobian(lambda t: f(t, x))(theta)


def tangent_kernel(f: Model, theta, x, x2) -> Tensor:
    r"""The tangent kernel
    :math:`k_\theta(x_i, x'_j) = \langle \nabla_\theta f(x_i), \nabla_\theta f(x'_j) \rangle`."""
    return param_jacobian(f, theta, x) @ param_jacobian(f, theta, x2).T


def finite_step_kernel(f: Model, theta, x, x_prime: float, eta: float) -> Tensor:
    r"""The change per unit step,
    :math:`[f(x; \theta + \eta \nabla f(x')) - f(x; \theta)] / \eta`."""
    if not eta > 0:
        raise ValueError(f"eta must be > 0, got {eta}")
    theta, x = _tensor(theta, "theta"), torch.atleast_1d(_tensor(x, "x"))
    direction = param_jacobian(f, theta, [float(x_prime)])[0]
    return (f(theta + eta * direction, x) - f(theta, x)) / eta


def squared_error_step(f: Model, theta, x_prime: float, y: float, lr: float) -> Tensor:
    r"""One gradient step on :math:`(f(x'; \theta) - y)^2`:
    :math:`\theta - 2\,\mathrm{lr}\,(f(x') - y)\,\nabla_\theta f(x')`."""
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    theta = _tensor(theta, "theta")
    x = torch.tensor([float(x_prime)], dtype=torch.float64)
    residual = f(theta, x)[0] - y
    return theta - 2 * lr * residual * param_jacobian(f, theta, x)[0]


def gradient_ascent(f: Model, theta, x_prime: float, lr: float, steps: int) -> list[Tensor]:
    r"""``steps`` steps of :math:`\theta \leftarrow \theta + \mathrm{lr}\,\nabla_\theta f(x')`;
    returns the parameters before and after every step (``steps + 1`` vectors)."""
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    path = [_tensor(theta, "theta")]
    for _ in range(steps):
        path.append(path[-1] + lr * param_jacobian(f, path[-1], [float(x_prime)])[0])
    return path


# --- wide networks --------------------------------------------------------------------------


class ReLUNet(torch.nn.Module):
    r"""A ReLU network in the NTK parametrization (weights :math:`\mathcal N(0, 1)`):

    :math:`h_0 = x`, :math:`h_{l} = \mathrm{relu}(W_l h_{l-1} / \sqrt{n_{l-1}})`,
    :math:`f(x) = w^\top h_L / \sqrt{n_L}`. No biases, float64, seeded.
    """

    def __init__(self, d_in: int, width: int, depth: int = 1, seed: int = 0) -> None:
        super().__init__()
        if d_in < 1 or width < 1 or depth < 1:
            raise ValueError(f"d_in, width and depth must be >= 1, got {d_in}, {width}, {depth}")
        gen = torch.Generator().manual_seed(seed)
        sizes = [d_in] + [width] * depth + [1]
        self.weights = torch.nn.ParameterList(
            torch.nn.Parameter(torch.randn(n_out, n_in, generator=gen, dtype=torch.float64))
            for n_in, n_out in zip(sizes[:-1], sizes[1:]))

    def forward(self, x: Tensor) -> Tensor:
        h = x
        for i, w in enumerate(self.weights):
            h = h @ w.T / math.sqrt(w.shape[1])
            if i < len(self.weights) - 1:
                h = torch.relu(h)
        return h[:, 0]


def empirical_ntk(model: torch.nn.Module, x1: Tensor, x2: Tensor | None = None) -> Tensor:
    r"""The empirical NTK :math:`\Theta(x_i, x'_j) = \sum_p \partial_p f(x_i)\, \partial_p f(x'_j)`
    of a scalar-output torch model, over all its parameters; shape (n1, n2)."""
    params = {k: v.detach() for k, v in model.named_parameters()}
    if not params:
        raise ValueError("model must have parameters")

    def jac(x: Tensor) -> Tensor:
        j = jacrev(lambda p: functional_call(model, p, (x,)))(params)
        return torch.cat([v.reshape(x.shape[0], -1) for v in j.values()], dim=1)

    j1 = jac(x1)
    return j1 @ (j1 if x2 is None else jac(x2)).T


def _arccos_parts(x1: np.ndarray, x2: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x1, x2 = np.atleast_2d(x1), np.atleast_2d(x2)
    d = x1.shape[1]
    dot = x1 @ x2.T / d
    norms = np.outer(np.linalg.norm(x1, axis=1), np.linalg.norm(x2, axis=1)) / d
    angle = np.arccos(np.clip(dot / norms, -1.0, 1.0))
    return dot, norms, angle


def relu_nngp(x1, x2) -> np.ndarray:
    r"""Covariance of :math:`f(x)` at initialization, one hidden ReLU layer, width to infinity:
    :math:`\Sigma(x, x') = \frac{\|x\|\|x'\|}{2\pi d}(\sin\phi + (\pi - \phi)\cos\phi)`."""
    _, norms, angle = _arccos_parts(np.asarray(x1, float), np.asarray(x2, float))
    return norms / (2 * np.pi) * (np.sin(angle) + (np.pi - angle) * np.cos(angle))


def relu_ntk(x1, x2) -> np.ndarray:
    r"""The limiting NTK of the same network:
    :math:`\Theta(x, x') = \Sigma(x, x') + \frac{x^\top x'}{d}\,\frac{\pi - \phi}{2\pi}`
    (the first term from the output layer, the second from the hidden layer)."""
    dot, _, angle = _arccos_parts(np.asarray(x1, float), np.asarray(x2, float))
    return relu_nngp(x1, x2) + dot * (np.pi - angle) / (2 * np.pi)


def train_full_batch(model: torch.nn.Module, x: Tensor, y: Tensor, lr: float,
                     steps: int) -> list[float]:
    r"""Gradient descent on :math:`\frac12 \sum_i (f(x_i) - y_i)^2`, in place;
    returns the losses."""
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    losses = []
    for _ in range(steps):
        model.zero_grad()
        loss = 0.5 * ((model(x) - y) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
        losses.append(loss.item())
    return losses


def relu_outputs_at_init(x, width: int, n_nets: int, seed: int) -> np.ndarray:
    r"""Outputs :math:`f(x) = a^\top \mathrm{relu}(W x / \sqrt d) / \sqrt m` of ``n_nets``
    independent one-hidden-layer ReLU networks (all weights :math:`\mathcal N(0,1)`);
    shape (n_nets, n_points). Their covariance over networks tends to :func:`relu_nngp`."""
    if width < 1 or n_nets < 1:
        raise ValueError(f"width and n_nets must be >= 1, got {width}, {n_nets}")
    x = np.atleast_2d(np.asarray(x, float))
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((n_nets, width, x.shape[1]))
    a = rng.standard_normal((n_nets, width))
    hidden = np.maximum(np.einsum("nd,smd->smn", x, w) / np.sqrt(x.shape[1]), 0.0)
    return np.einsum("sm,smn->sn", a, hidden) / np.sqrt(width)
