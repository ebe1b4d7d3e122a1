"""Explorers of the chapter 'Information-theoretic generalization bounds'."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from .. import bounds as b
from ..interactive import Slider, explorer
from ..plotting import PALETTE, label, new_figure


def _title(ax, text: str) -> None:
    """A title at a fixed height (the automatic placement costs a tick layout per update)."""
    ax.set_title(text, y=1.0)

DATA_STD, KERNEL_WIDTH = 1.0, 1.0
LOG_TAUS = np.linspace(-2.5, 1.0, 141)
SIZES = np.unique(np.geomspace(1, 200, 40).round().astype(int))  # dense where curves bend

# The tiny data sets of the SGD example: three training and three test points.
TRAIN_POINTS = np.array([-1.1, 0.35, 1.6])
TEST_POINTS = np.array([-0.83, 0.12, 1.27])
SGD_LR, SGD_STEPS = 0.5, 3


def noisy_mean_curves(n: int, taus: np.ndarray) -> dict[str, np.ndarray]:
    """Exact gap, MI bound and individual-sample bound of the noisy mean (kernel loss in [0, 1])."""
    train, test = b.gaussian_mean_losses(n, DATA_STD, taus, KERNEL_WIDTH)
    single = np.asarray(b.gaussian_mean_single_mi(n, DATA_STD, taus))
    return {
        "gap": np.asarray(test - train),
        "bound": np.asarray(b.mi_bound_bounded_loss(b.gaussian_mean_mi(n, DATA_STD, taus), n)),
        "individual": np.sqrt(2 * 0.25 * single),
    }


@explorer(
    "mi_bound_noisy_mean",
    caption="W = mean of n points + N(0, τ²), scored with a loss in [0, 1]: the exact expected "
            "generalization gap against the mutual-information bound √(I(W;D)/(2n)).",
    n=Slider(10, 1, 200, 1, label="sample size n", integer=True),
    log10_noise=Slider(-1.0, -2.5, 1.0, 0.05, label="log₁₀ noise τ"),
)
def mi_bound_noisy_mean(n: int, log10_noise: float) -> Figure:
    tau = 10.0**log10_noise
    fig = new_figure(ncols=2)
    left, right = fig.axes
    curves = noisy_mean_curves(n, 10.0**LOG_TAUS)
    left.plot(LOG_TAUS, curves["bound"], label="MI bound")
    left.plot(LOG_TAUS, curves["individual"], "--", label="individual-sample bound")
    left.plot(LOG_TAUS, curves["gap"], color="k", label="exact gap")
    left.axvline(log10_noise, color="0.5", lw=0.8)
    left.set(ylim=(0, 0.6), xticks=[-2, -1, 0, 1], yticks=[0, 0.2, 0.4, 0.6])
    label(left, "log₁₀ noise τ", "expected gap / bound")
    _title(left, f"n = {n}")
    left.legend(loc="upper right")
    by_n = [noisy_mean_curves(int(m), np.array([tau])) for m in SIZES]
    right.plot(SIZES, [c["bound"][0] for c in by_n], label="MI bound")
    right.plot(SIZES, [c["individual"][0] for c in by_n], "--", label="individual-sample")
    right.plot(SIZES, [c["gap"][0] for c in by_n], color="k", label="exact gap")
    right.axvline(n, color="0.5", lw=0.8)
    right.set(ylim=(0, 0.6), xticks=[0, 50, 100, 150, 200], yticks=[0, 0.2, 0.4, 0.6])
    label(right, "sample size n", "expected gap / bound")
    _title(right, f"τ = {tau:.3g}")
    return fig


@lru_cache(maxsize=1)
def sgd_clouds() -> tuple[np.ndarray, np.ndarray]:
    """Endpoints of 3 SGD steps (lr 0.5) from w = 0 on the training set and on the test set."""
    return (b.sgd_reachable(TRAIN_POINTS, SGD_LR, SGD_STEPS),
            b.sgd_reachable(TEST_POINTS, SGD_LR, SGD_STEPS))


NOISE_CURVE = np.linspace(0.0, 0.3, 61)


@lru_cache(maxsize=1)
def information_curve() -> np.ndarray:
    """I(Y; W + ξ) over NOISE_CURVE (the first entry, ξ = 0, is plain SGD)."""
    a, c = sgd_clouds()
    return np.array([b.cloud_js(a, c, s) for s in NOISE_CURVE])


@explorer(
    "sgd_noise_clouds",
    caption="Where three SGD steps can end when trained on the training set (blue) or on the "
            "test set (orange), smoothed by Gaussian noise: how much W + ξ reveals the coin flip.",
    noise_std=Slider(0.02, 0.0, 0.3, 0.005, label="noise std of ξ"),
)
def sgd_noise_clouds(noise_std: float) -> Figure:
    a, c = sgd_clouds()
    fig = new_figure(ncols=2)
    left, right = fig.axes
    if noise_std == 0:
        left.vlines(a, 0, 1, color=PALETTE[0], label="trained on D_train")
        left.vlines(c, 0, 0.7, color=PALETTE[1], label="trained on D_test")
        left.set(ylim=(0, 1.6), yticks=[0, 1])
        label(left, "parameter w", "(atoms of W)")
        _title(left, "plain SGD: I(Y; W) = log 2")
    else:
        x = np.linspace(-1.5, 1.9, 1500)  # fine enough for the narrowest bumps
        for pts, colour, name in ((a, PALETTE[0], "D_train"), (c, PALETTE[1], "D_test")):
            z = (x[:, None] - pts) / noise_std
            density = np.exp(-0.5 * z**2).mean(axis=1) / (noise_std * np.sqrt(2 * np.pi))
            left.plot(x, density, color=colour, label=f"trained on {name}")
        info = b.cloud_js(a, c, noise_std)
        left.set_ylim(0, 1.3 * left.get_ylim()[1])
        label(left, "parameter w", "density of W + ξ")
        _title(left, f"I(Y; W + ξ) = {info:.3f} nats")
    left.set_xticks([-1, 0, 1, 2])
    left.plot(a, np.zeros_like(a), "|", color=PALETTE[0], ms=10)
    left.plot(c, np.zeros_like(c), "|", color=PALETTE[1], ms=10)
    left.legend(loc="upper left")
    curve = information_curve()
    right.plot(NOISE_CURVE, curve, color=PALETTE[2])
    right.axhline(np.log(2), color="0.5", ls="--", lw=0.8)
    right.plot([noise_std], [np.interp(noise_std, NOISE_CURVE, curve)], "o", color=PALETTE[1])
    right.set(ylim=(0, 0.75), xticks=[0, 0.1, 0.2, 0.3], yticks=[0, 0.2, 0.4, 0.6])
    label(right, "noise std of ξ", "I(Y; W + ξ) (nats)")
    _title(right, "dashed: log 2 (coin fully revealed)")
    return fig
