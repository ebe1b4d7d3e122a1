"""Explorers of the chapter 'Scale invariance and exponential learning rates'."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from ..dynamics import scale as sc
from ..interactive import Slider, explorer
from ..plotting import PALETTE, label, new_figure

LOSS = sc.AngularLoss()
START = (-0.7, 0.7)
STEPS = 100


@lru_cache(maxsize=1)
def landscape_ring() -> tuple[np.ndarray, np.ndarray]:
    """The loss profile drawn as a ring around the origin (its angle-only dependence)."""
    phi = np.linspace(-np.pi, np.pi, 181)
    return phi, LOSS.profile(phi)


@lru_cache(maxsize=256)
def runs(lr: float, weight_decay: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weight-decay path, plain path, and the rescaled paths of the exact and off-by-one
    schedules."""
    decayed = sc.gd_weight_decay(LOSS, START, lr, weight_decay, STEPS)
    plain = sc.gd_weight_decay(LOSS, START, lr, 0.0, STEPS)
    rescaled = []
    for offset in (1, 0):
        lrs = sc.exponential_schedule(lr, weight_decay, STEPS, offset=offset)
        rescaled.append(sc.renormalize(sc.gd_schedule(LOSS, START, lrs), lr, weight_decay))
    return decayed, plain, rescaled[0], rescaled[1]


@explorer(
    "exponential_lr",
    caption="Gradient descent on a scale-invariant loss with and without weight decay, and the "
            "exponential learning-rate paths mapped back by the factor ρᵗ.",
    lr=Slider(0.1, 0.02, 0.3, 0.02, label="learning rate η"),
    weight_decay=Slider(0.5, 0.0, 2.0, 0.05, label="weight decay λ"),
)
def exponential_lr(lr: float, weight_decay: float) -> Figure:
    lr, weight_decay = round(float(lr), 2), round(float(weight_decay), 2)
    decayed, plain, exact, off = runs(lr, weight_decay)
    fig = new_figure(width=6.2, height=3.8)
    ax = fig.axes[0]
    phi, profile = landscape_ring()
    ring = 1.0 + 0.15 * profile
    ax.plot(ring * np.cos(phi), ring * np.sin(phi), color="0.75", lw=0.8,
            label="loss f(φ) as a ring")
    ax.plot(plain[:, 0], plain[:, 1], color="k", lw=0.8, label="no weight decay")
    ax.plot(decayed[:, 0], decayed[:, 1], "o", color=PALETTE[0], ms=5, mfc="none",
            label=f"weight decay {weight_decay:g}")
    ax.plot(exact[:, 0], exact[:, 1], ".", color=PALETTE[1], ms=3,
            label="η ρ^−(2t+1), rescaled")
    ax.plot(off[:, 0], off[:, 1], "x", color=PALETTE[2], ms=3, label="η ρ^−2t, rescaled")
    ax.set_aspect("equal", adjustable="datalim")
    gap_exact = sc.angle_gap(decayed, exact).max()
    gap_off = sc.angle_gap(decayed, off).max()
    label(ax, "w₁", "w₂", f"largest angle gap over {STEPS} steps: exact {gap_exact:.1e}, "
                         f"off by one {gap_off:.1e}")
    ax.legend(loc="lower left", fontsize=7)
    return fig
