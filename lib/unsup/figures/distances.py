"""Explorers of the chapter 'Distances between distributions'."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure
from scipy.stats import norm

from .. import pareto
from ..data import BIMODAL
from ..density import kde_logpdf, kde_nll_curve
from ..divergences import kl_gaussian, tv_gaussian
from ..interactive import Choice, Slider, explorer
from ..plotting import PALETTE, label, new_figure

BANDWIDTHS = np.geomspace(1e-3, 3.0, 60)
KDE_N_TRAIN, KDE_N_TEST = 40, 1000


@explorer(
    "gaussian_shift_scale",
    caption="p = N(0, 1) against q = N(shift, scale²): the shaded overlap has area 1 − TV.",
    shift=Slider(1.0, -4.0, 4.0, 0.05, label="shift of q"),
    scale=Slider(1.0, 0.1, 3.0, 0.05, label="scale of q"),
)
def gaussian_shift_scale(shift: float, scale: float) -> Figure:
    fig = new_figure()
    ax = fig.axes[0]
    x = np.linspace(min(-4.5, shift - 4.5 * scale), max(4.5, shift + 4.5 * scale), 600)
    p, q = norm.pdf(x), norm.pdf(x, shift, scale)
    ax.plot(x, p, label="p = N(0, 1)")
    ax.plot(x, q, label=f"q = N({shift:.2f}, {scale:.2f}²)")
    ax.fill_between(x, np.minimum(p, q), color=PALETTE[2], alpha=0.25, label="overlap")
    tv = tv_gaussian(0.0, 1.0, shift, scale)
    kl_pq = kl_gaussian(0.0, 1.0, shift, scale**2)
    kl_qp = kl_gaussian(shift, scale**2, 0.0, 1.0)
    label(ax, "x", "density",
          f"TV = {tv:.3f}    KL(p‖q) = {kl_pq:.3f} nats    KL(q‖p) = {kl_qp:.3f} nats")
    ax.legend(loc="upper right")
    return fig


def kde_seeds(seed: int) -> tuple[int, int]:
    """Seeds of the training and the test draw of experiment ``seed``: ``2 seed + 1`` and
    ``2 seed + 2``, distinct for every seed (seed 0, the explorer's, draws with 1 and 2)."""
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    return 2 * seed + 1, 2 * seed + 2


@lru_cache(maxsize=8)
def kde_experiment(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Train (``KDE_N_TRAIN``) and test (``KDE_N_TEST``) draws from :data:`BIMODAL`, seeded by
    :func:`kde_seeds`, and the KDE's average NLL on each over BANDWIDTHS (nats)."""
    train_seed, test_seed = kde_seeds(seed)
    train = BIMODAL.sample(KDE_N_TRAIN, train_seed)
    test = BIMODAL.sample(KDE_N_TEST, test_seed)
    return train, test, kde_nll_curve(train, train, BANDWIDTHS), kde_nll_curve(train, test, BANDWIDTHS)


@explorer(
    "kde_bandwidth",
    caption="A kernel density estimate from 40 points: small bandwidths memorize the training "
            "set, large ones smooth the two bumps away.",
    log10_bandwidth=Slider(-0.6, -3.0, 0.45, 0.05, label="log₁₀ bandwidth"),
)
def kde_bandwidth(log10_bandwidth: float) -> Figure:
    h = 10.0**log10_bandwidth
    train, _, train_nll, test_nll = kde_experiment()
    fig = new_figure(ncols=2)
    left, right = fig.axes
    x = np.linspace(-5, 5, 300)
    left.plot(x, np.exp(BIMODAL.logpdf(x)), color="k", lw=1.2, label="true density")
    left.plot(x, np.exp(kde_logpdf(train, x, h)), label=f"KDE, h = {h:.3g}")
    left.plot(train, np.zeros_like(train), "|", color=PALETTE[1], ms=12, label="training points")
    left.set_ylim(0, 0.8)
    label(left, "x", "density", "the estimate")
    left.legend(loc="upper right")
    # A linear axis in log10(h): log-scaled axes render their tick labels slowly.
    log_h = np.log10(BANDWIDTHS)
    right.plot(log_h, train_nll, label="training NLL")
    right.plot(log_h, test_nll, label="test NLL")
    right.plot([log10_bandwidth], [np.interp(log10_bandwidth, log_h, test_nll)], "o", color=PALETTE[1])
    right.axvline(log10_bandwidth, color="0.5", lw=0.8)
    right.set_ylim(-4, 8)
    label(right, "log₁₀ bandwidth h", "average NLL (nats)", "likelihood on training vs test data")
    right.legend(loc="upper right")
    for ax in (left, right):
        ax.locator_params(nbins=4)  # fewer tick labels: text layout dominates each update
    return fig


PARETO_GRID = {"convex": np.linspace(-2.0, 2.0, 801), "dented": np.linspace(0.0, 1.0, 801)}
PARETO_PAIRS = {"convex": pareto.convex_pair, "dented": pareto.dented_pair}


@explorer(
    "pareto_lambda",
    caption="The minimizer of L₁ + λ L₂ as λ moves: it covers the whole front in the convex "
            "example and jumps over the dent in the non-convex one.",
    log10_lambda=Slider(0.0, -2.0, 2.0, 0.02, label="log₁₀ λ"),
    example=Choice(("convex", "dented"), "dented", label="objectives"),
)
def pareto_lambda(log10_lambda: float, example: str) -> Figure:
    lam = 10.0**log10_lambda
    l1, l2 = PARETO_PAIRS[example](PARETO_GRID[example])
    front, supported = pareto.pareto_mask(l1, l2), pareto.supported_mask(l1, l2)
    best = pareto.weighted_argmin(l1, l2, lam)
    fig = new_figure(width=5.5, height=3.6)
    ax = fig.axes[0]
    ax.plot(l1, l2, color="0.75", lw=4, label="all candidates")
    ax.plot(l1[front], l2[front], ".", ms=3, color=PALETTE[1], label="Pareto front")
    ax.plot(l1[supported], l2[supported], ".", ms=3, color=PALETTE[0], label="reachable by some λ")
    level = l1[best] + lam * l2[best]
    xs = np.linspace(l1.min(), l1.max(), 2)
    ax.plot(xs, (level - xs) / lam, "--", color="k", lw=1, label=f"L₁ + λL₂ = {level:.3g}")
    ax.plot([l1[best]], [l2[best]], "o", ms=9, color=PALETTE[2], label="minimizer")
    ax.set_xlim(l1.min() - 0.05 * np.ptp(l1), l1.max() + 0.05 * np.ptp(l1))
    ax.set_ylim(l2.min() - 0.05 * np.ptp(l2), l2.max() + 0.05 * np.ptp(l2))
    label(ax, "L₁", "L₂", f"λ = {lam:.3g}")
    ax.legend(loc="upper right", fontsize=8)
    return fig
