r"""Hypergradients: derivatives of a validation loss through the optimum of a training loss.

For :math:`\theta^*(\lambda) = \arg\min_\theta L_T(\theta, \lambda)` the implicit function
theorem gives

.. math::
    \frac{d L_V(\theta^*(\lambda), \lambda)}{d\lambda}
    = \partial_\lambda L_V
    - \bigl(\partial^2_{\theta\lambda} L_T\bigr)^\top H^{-1} \nabla_\theta L_V,
    \qquad H = \partial^2_{\theta\theta} L_T ,

all at :math:`(\theta^*(\lambda), \lambda)`. The inverse-Hessian-vector product :math:`H^{-1} v` is
computed exactly, by conjugate gradients or by a truncated Neumann series
:math:`\alpha \sum_{i=0}^{K} (I - \alpha H)^i v`. :func:`unrolled_hypergradient` instead
differentiates through ``steps`` steps of gradient descent.

Losses are torch functions ``L(theta, lam)`` of two 1-D float64 tensors returning a scalar.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import Tensor

TorchLoss = Callable[[Tensor, Tensor], Tensor]
HVP = Callable[[Tensor], Tensor]
METHODS = ("exact", "cg", "neumann", "essay_neumann")


def _vec(x, name: str) -> Tensor:
    t = torch.as_tensor(x, dtype=torch.float64).detach()
    if t.ndim != 1 or not torch.isfinite(t).all():
        raise ValueError(f"{name} must be a finite 1-D vector, got shape {tuple(t.shape)}")
    return t


def hessian_vector_product(train_loss: TorchLoss, theta: Tensor, lam: Tensor) -> HVP:
    r"""The map :math:`v \mapsto \partial^2_{\theta\theta} L_T(\theta, \lambda)\, v`,
    by double backpropagation."""
    theta = theta.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(train_loss(theta, lam.detach()), theta, create_graph=True)

    def hvp(v: Tensor) -> Tensor:
        return torch.autograd.grad(grad, theta, v, retain_graph=True)[0].detach()

    return hvp


def dense_hessian(hvp: HVP, size: int) -> Tensor:
    """The Hessian as a dense matrix, one Hessian-vector product per column."""
    return torch.stack([hvp(e) for e in torch.eye(size, dtype=torch.float64)], dim=1)


def conjugate_gradient(hvp: HVP, v: Tensor, iters: int, tol: float = 0.0) -> Tensor:
    r"""Approximate :math:`H^{-1} v` for symmetric positive-definite :math:`H` by ``iters`` steps
    of conjugate gradients from 0 (stops early when the residual norm falls below ``tol``)."""
    if iters < 0:
        raise ValueError(f"iters must be >= 0, got {iters}")
    x = torch.zeros_like(v)
    r = v.clone()
    p = r.clone()
    rr = r @ r
    for _ in range(iters):
        if rr.sqrt() <= tol:
            break
        hp = hvp(p)
        step = rr / (p @ hp)
        x, r = x + step * p, r - step * hp
        rr_new = r @ r
        p, rr = r + rr_new / rr * p, rr_new
    return x


def neumann_inverse(hvp: HVP, v: Tensor, terms: int, alpha: float) -> Tensor:
    r"""Truncated Neumann series :math:`\alpha \sum_{i=0}^{K-1} (I - \alpha H)^i v`,
    ``K = terms``.

    It converges to :math:`H^{-1} v` as :math:`K \to \infty` exactly when the spectral radius of
    :math:`I - \alpha H` is below 1; for positive-definite :math:`H`, when
    :math:`0 < \alpha < 2 / \lambda_{\max}(H)`."""
    if terms < 0:
        raise ValueError(f"terms must be >= 0, got {terms}")
    if not alpha > 0:
        raise ValueError(f"alpha must be > 0, got {alpha}")
    power, total = v.clone(), torch.zeros_like(v)
    for _ in range(terms):
        total = total + power
        power = power - alpha * hvp(power)
    return alpha * total


def essay_neumann(hvp: HVP, v: Tensor, terms: int) -> Tensor:
    r"""The series as the essay writes it, :math:`\sum_{i=1}^{K} (I - H)^i v`: no step size and no
    :math:`i = 0` term. When it converges, its limit is :math:`(H^{-1} - I) v`, not
    :math:`H^{-1} v`."""
    if terms < 0:
        raise ValueError(f"terms must be >= 0, got {terms}")
    power, total = v.clone(), torch.zeros_like(v)
    for _ in range(terms):
        power = power - hvp(power)
        total = total + power
    return total


def implicit_hypergradient(train_loss: TorchLoss, val_loss: TorchLoss, theta_star, lam,
                           method: str = "exact", iters: int = 50, alpha: float = 1.0) -> Tensor:
    r""":math:`\partial_\lambda L_V
    - (\partial^2_{\theta\lambda} L_T)^\top H^{-1}\nabla_\theta L_V` at
    ``theta_star``, with :math:`H^{-1}\nabla_\theta L_V` from ``method`` (one of :data:`METHODS`;
    ``iters`` is the number of CG steps or series terms, ``alpha`` the Neumann step size)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    theta = _vec(theta_star, "theta_star").requires_grad_(True)
    lam = _vec(lam, "lam").requires_grad_(True)
    val = val_loss(theta, lam)
    v_theta, v_lam = torch.autograd.grad(val, (theta, lam), allow_unused=True)
    v_lam = torch.zeros_like(lam) if v_lam is None else v_lam
    hvp = hessian_vector_product(train_loss, theta, lam)
    if method == "exact":
        hess = dense_hessian(hvp, theta.numel())
        solved = torch.linalg.solve(hess, v_theta)
    elif method == "cg":
        solved = conjugate_gradient(hvp, v_theta, iters)
    elif method == "neumann":
        solved = neumann_inverse(hvp, v_theta, iters, alpha)
    else:
        solved = essay_neumann(hvp, v_theta, iters)
    (grad_theta,) = torch.autograd.grad(train_loss(theta, lam), theta, create_graph=True)
    (mixed,) = torch.autograd.grad(grad_theta, lam, solved.detach(), allow_unused=True)
    mixed = torch.zeros_like(lam) if mixed is None else mixed
    return (v_lam - mixed).detach()


def unrolled_hypergradient(train_loss: TorchLoss, val_loss: TorchLoss, theta0, lam, lr: float,
                           steps: int) -> tuple[Tensor, Tensor]:
    r"""Differentiate :math:`L_V(\theta_K, \lambda)` through ``steps`` = K steps of gradient
    descent :math:`\theta_{k+1} = \theta_k - \mathrm{lr}\,\nabla_\theta L_T(\theta_k, \lambda)` from
    ``theta0``; returns (hypergradient, :math:`\theta_K`)."""
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    lam = _vec(lam, "lam").requires_grad_(True)
    theta = _vec(theta0, "theta0")
    for _ in range(steps):
        theta = theta if theta.requires_grad else theta.requires_grad_(True)
        (g,) = torch.autograd.grad(train_loss(theta, lam), theta, create_graph=True)
        theta = theta - lr * g
    val = val_loss(theta, lam)
    if not val.requires_grad:  # zero steps and a validation loss free of lambda
        return torch.zeros_like(lam), theta.detach()
    (hyper,) = torch.autograd.grad(val, lam, allow_unused=True)
    return (torch.zeros_like(lam) if hyper is None else hyper.detach()), theta.detach()


def finite_difference_gradient(fn: Callable[[np.ndarray], float], x, h: float = 1e-5) -> np.ndarray:
    r"""Central differences :math:`(F(x + h e_j) - F(x - h e_j)) / 2h` for every coordinate."""
    if not h > 0:
        raise ValueError(f"h must be > 0, got {h}")
    x = np.asarray(x, dtype=float)
    return np.array([(fn(x + h * e) - fn(x - h * e)) / (2 * h) for e in np.eye(x.size)])


# --- ridge regression with one weight decay per feature ------------------------------------


class PerFeatureRidge:
    r"""Ridge regression with one weight-decay hyperparameter per feature, on log scale:

    :math:`L_T(\theta, \lambda) = \frac{1}{2n}\lVert X\theta - y\rVert^2
    + \frac12 \sum_j e^{\lambda_j}\theta_j^2`,
    :math:`L_V(\theta) = \frac{1}{2n_v}\lVert X_v\theta - y_v\rVert^2`.

    Closed forms: :math:`\theta^*(\lambda) = (X^\top X/n + D)^{-1} X^\top y/n` with
    :math:`D = \mathrm{diag}(e^\lambda)`, and
    :math:`dL_V/d\lambda = -e^{\lambda}\odot\theta^*\odot (X^\top X/n + D)^{-1}\nabla_\theta L_V`.
    """

    def __init__(self, x_train, y_train, x_val, y_val) -> None:
        self.x, self.y = (torch.as_tensor(a, dtype=torch.float64) for a in (x_train, y_train))
        self.xv, self.yv = (torch.as_tensor(a, dtype=torch.float64) for a in (x_val, y_val))
        if self.x.ndim != 2 or self.xv.ndim != 2 or self.x.shape[1] != self.xv.shape[1]:
            raise ValueError("x_train and x_val must be matrices with the same number of columns")
        if self.y.shape != (self.x.shape[0],) or self.yv.shape != (self.xv.shape[0],):
            raise ValueError("y_train and y_val must be vectors, one entry per row of x")

    def train_loss(self, theta: Tensor, lam: Tensor) -> Tensor:
        resid = self.x @ theta - self.y
        return 0.5 * (resid @ resid) / self.x.shape[0] + 0.5 * (torch.exp(lam) * theta**2).sum()

    def val_loss(self, theta: Tensor, lam: Tensor | None = None) -> Tensor:
        resid = self.xv @ theta - self.yv
        return 0.5 * (resid @ resid) / self.xv.shape[0]

    def hessian(self, lam) -> Tensor:
        lam = _vec(lam, "lam")
        return self.x.T @ self.x / self.x.shape[0] + torch.diag(torch.exp(lam))

    def optimum(self, lam) -> Tensor:
        return torch.linalg.solve(self.hessian(lam), self.x.T @ self.y / self.x.shape[0])

    def hypergradient(self, lam) -> Tensor:
        lam = _vec(lam, "lam")
        theta = self.optimum(lam)
        v = self.xv.T @ (self.xv @ theta - self.yv) / self.xv.shape[0]
        return -torch.exp(lam) * theta * torch.linalg.solve(self.hessian(lam), v)

    def val_at_optimum(self, lam) -> float:
        return float(self.val_loss(self.optimum(lam)))


# --- dataset distillation with a closed-form inner problem ---------------------------------


def ridge_fit(x: Tensor, targets: Tensor, decay: float) -> Tensor:
    r"""Weights of ridge regression from inputs to one-hot targets,
    :math:`W = X^\top (X X^\top + \mathrm{decay}\, I)^{-1} Y` (the minimizer of
    :math:`\frac12\lVert XW - Y\rVert^2 + \frac{\mathrm{decay}}2 \lVert W\rVert^2`)."""
    if not decay > 0:
        raise ValueError(f"decay must be > 0, got {decay}")
    gram = x @ x.T + decay * torch.eye(x.shape[0], dtype=x.dtype)
    return x.T @ torch.linalg.solve(gram, targets)


def distill(x_val: Tensor, y_val: Tensor, n_classes: int, init: Tensor, decay: float,
            steps: int, lr: float) -> tuple[Tensor, list[float]]:
    r"""Learn one synthetic input per class: minimize the validation squared error of
    :func:`ridge_fit` trained on the synthetic points (labels 0..n_classes-1) with Adam;
    the hypergradient flows through the closed-form optimum. Returns (points, losses)."""
    if init.shape[0] != n_classes:
        raise ValueError(f"init must have one row per class ({n_classes}), got {init.shape[0]}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    points = init.clone().requires_grad_(True)
    targets = torch.eye(n_classes, dtype=torch.float64)
    val_targets = targets[y_val]
    opt = torch.optim.Adam([points], lr=lr)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        w = ridge_fit(points, targets, decay)
        loss = 0.5 * ((x_val @ w - val_targets) ** 2).sum(1).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return points.detach(), losses


def accuracy(w: Tensor, x: Tensor, y: Tensor) -> float:
    """Share of rows of x whose largest output x @ w is the label y."""
    return float(((x @ w).argmax(1) == y).double().mean())
