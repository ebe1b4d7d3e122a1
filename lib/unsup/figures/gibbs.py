"""Explorers of the chapter 'Belief updates without belief: Gibbs posteriors'."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure
from scipy.stats import norm

from .. import gibbs as g
from ..interactive import Choice, Slider, explorer
from ..plotting import PALETTE, label, new_figure

GRID = np.linspace(-3.0, 4.0, 1401)
PRIOR_MEAN, PRIOR_VAR, NOISE_VAR = 0.0, 4.0, 1.0
DATA_SEED, MAX_N = 17, 100


@lru_cache(maxsize=1)
def observations() -> np.ndarray:
    """A fixed seeded sample: Student-t (3 degrees of freedom) shifted to median 1."""
    return 1.0 + np.random.default_rng(DATA_SEED).standard_t(3, MAX_N)


@lru_cache(maxsize=1)
def prior_masses() -> np.ndarray:
    mass = norm.pdf(GRID, PRIOR_MEAN, np.sqrt(PRIOR_VAR))
    return mass / mass.sum()


@lru_cache(maxsize=128)
def bootstrap_sd(n: int) -> float:
    return float(g.bootstrap_medians(observations()[:n], 1000, seed=n).std())


@explorer(
    "gibbs_learning_rate",
    caption="Gibbs posterior exp(−w Σ loss) × prior after n observations of a heavy-tailed "
            "sample: the learning rate w sets how fast it concentrates.",
    log10_w=Slider(0.0, -1.5, 1.0, 0.05, label="log₁₀ learning rate w"),
    n=Slider(20, 1, MAX_N, 1, label="observations n", integer=True),
    loss=Choice(("squared", "absolute"), "absolute", label="loss"),
)
def gibbs_learning_rate(log10_w: float, n: int, loss: str) -> Figure:
    w = 10.0**log10_w
    x = observations()[:n]
    fn = g.gaussian_log_loss(NOISE_VAR) if loss == "squared" else g.absolute_loss
    post = g.gibbs_posterior(GRID, x, fn, w, prior_masses())
    step = GRID[1] - GRID[0]
    fig = new_figure()
    ax = fig.axes[0]
    ax.plot(GRID, prior_masses() / step, color="0.5", label="prior N(0, 4)")
    ax.plot(GRID, post / step, color=PALETTE[0], label=f"Gibbs posterior, w = {w:.3g}")
    mean, sd = g.grid_mean_sd(GRID, post)
    if loss == "squared":
        m, v = g.gibbs_gaussian(x, NOISE_VAR, PRIOR_MEAN, PRIOR_VAR, w)
        ax.plot(GRID, norm.pdf(GRID, m, np.sqrt(v)), ":", color="k", lw=2, label="closed form")
        target, spread = "sample mean", float(np.std(x, ddof=1) / np.sqrt(n))
        centre = float(np.mean(x))
    else:
        target, spread, centre = "sample median", bootstrap_sd(n), float(np.median(x))
    ax.axvline(centre, color=PALETTE[1], lw=1, label=target)
    ax.plot(x, np.zeros_like(x), "|", color=PALETTE[1], ms=8)
    label(ax, "θ", "density")
    ax.set_title(f"posterior sd {sd:.3f}   vs   frequentist sd of the {target} {spread:.3f}", y=1.0)
    ax.set(xlim=(GRID[0], GRID[-1]), xticks=np.arange(-3, 5))
    ax.legend(loc="upper left")
    return fig
