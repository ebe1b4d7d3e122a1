"""Explorers of the chapter 'Many hyperparameters by implicit differentiation'."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
from matplotlib.figure import Figure

from ..dynamics import hypergrad as hg
from ..interactive import Slider, explorer
from ..plotting import PALETTE, label, new_figure

MAX_TERMS = 200


def _true_weights(rng: np.random.Generator, d: int) -> np.ndarray:
    w = np.zeros(d)
    w[:5] = 2 * rng.normal(size=5)
    return w


def ridge_truth(seed: int = 0, d: int = 20) -> np.ndarray:
    """The true weights behind ``ridge_problem(seed, d)``: 5 nonzero, the rest 0."""
    return _true_weights(np.random.default_rng(seed), d)


def ridge_problem(seed: int = 0, d: int = 20, n: int = 40, n_val: int = 200) -> hg.PerFeatureRidge:
    """Sparse linear regression: 5 of the d features matter, noise standard deviation 0.5."""
    rng = np.random.default_rng(seed)
    w = _true_weights(rng, d)
    x, x_val = rng.normal(size=(n, d)), rng.normal(size=(n_val, d))
    return hg.PerFeatureRidge(x, x @ w + 0.5 * rng.normal(size=n),
                              x_val, x_val @ w + 0.5 * rng.normal(size=n_val))


@lru_cache(maxsize=1)
def spectrum() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eigenvalues of the training Hessian at lambda = -1, the right-hand side v = grad L_V in
    the eigenbasis, and the exact solution H^{-1} v there."""
    p = ridge_problem()
    lam = torch.full((20,), -1.0, dtype=torch.float64)
    theta = p.optimum(lam)
    v = (p.xv.T @ (p.xv @ theta - p.yv) / p.xv.shape[0]).numpy()
    eig, vecs = np.linalg.eigh(p.hessian(lam).numpy())
    coef = vecs.T @ v
    return eig, coef, coef / eig


def log_relative_errors(eig: np.ndarray, coef: np.ndarray, exact: np.ndarray, alpha: float,
                        essay: bool) -> np.ndarray:
    """log10 relative error of the partial sums k = 0..MAX_TERMS, computed in the eigenbasis."""
    ratio = 1 - (1.0 if essay else alpha) * eig
    k = np.arange(MAX_TERMS + 1)[:, None]
    with np.errstate(over="ignore", invalid="ignore"):
        if essay:  # sum_{i=1}^{k} r^i = r (1 - r^k) / (1 - r)
            partial = coef * ratio * (1 - ratio**k) / (1 - ratio)
        else:      # alpha sum_{i=0}^{k-1} r^i = (1 - r^k) / eig
            partial = coef * (1 - ratio**k) / eig
        err = np.linalg.norm(partial - exact, axis=1) / np.linalg.norm(exact)
    return np.log10(np.clip(np.nan_to_num(err, nan=1e300, posinf=1e300), 1e-16, 1e300))


@explorer(
    "neumann_series",
    caption="Relative error of the truncated Neumann series for H⁻¹v, against the number of "
            "terms, for a step α = scale / λmax, next to the essay's form without a step size.",
    scale=Slider(1.0, 0.1, 2.4, 0.05, label="α · λmax(H)"),
    terms=Slider(100, 5, MAX_TERMS, 5, label="terms shown", integer=True),
)
def neumann_series(scale: float, terms: int) -> Figure:
    eig, coef, exact = spectrum()
    alpha = scale / eig.max()
    k = np.arange(int(terms) + 1)
    ours = log_relative_errors(eig, coef, exact, alpha, essay=False)[: k.size]
    essay = log_relative_errors(eig, coef, exact, 1.0, essay=True)[: k.size]
    fig = new_figure()
    ax = fig.axes[0]
    ax.plot(k, np.minimum(ours, 6), color=PALETTE[0],
            label=f"α Σ_(i≥0) (I − αH)^i v, α = {alpha:.3f}")
    ax.plot(k, np.minimum(essay, 6), "--", color=PALETTE[1],
            label="essay: Σ_(i≥1) (I − H)^i v")
    ax.axhline(0, color="0.5", lw=0.8)
    ax.set_ylim(-16.5, 6.5)
    verdict = "converges" if scale < 2 else "diverges"
    label(ax, "number of terms K", "log₁₀ relative error (capped at 6)",
          f"λmax = {eig.max():.2f}, λmin = {eig.min():.2f}: "
          f"with α·λmax = {scale:.2f} the series {verdict}")
    ax.legend(loc="lower left", fontsize=8)
    return fig
