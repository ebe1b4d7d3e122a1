"""Explorers of the chapter 'Neural tangent kernels, one step at a time'."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
from matplotlib.figure import Figure

from ..dynamics import ntk
from ..interactive import Choice, Slider, explorer
from ..plotting import PALETTE, label, new_figure

TARGET_Y = 50.0
MODELS = {
    "lookup table": (ntk.lookup_table, tuple((3 * ntk.GRID + 2).tolist())),
    "linear": (ntk.linear_model(1.0), (3.0, 1.0)),
    "linear, 10·θ₂": (ntk.linear_model(10.0), (3.0, 0.1)),
    "two bumps": (ntk.two_bumps, ntk.TWO_BUMPS_VALLEY),
}


@lru_cache(maxsize=256)
def one_step(model: str, x_prime: int, lr: float) -> tuple[np.ndarray, np.ndarray]:
    """Function values on the grid before and after one squared-error step towards (x', 50)."""
    f, theta = MODELS[model]
    theta = torch.tensor(theta, dtype=torch.float64)
    new = ntk.squared_error_step(f, theta, float(x_prime), TARGET_Y, lr)
    with torch.no_grad():
        return f(theta, ntk.GRID).numpy(), f(new, ntk.GRID).numpy()


@explorer(
    "ntk_one_step",
    caption="One gradient step on the squared error at the observation (x', 50): the arrows "
            "show how every function value moves.",
    model=Choice(tuple(MODELS), "two bumps", label="model"),
    x_prime=Slider(10, -10, 20, 1, label="observed x'", integer=True),
    lr=Slider(0.1, 0.005, 0.3, 0.005, label="learning rate η"),
)
def ntk_one_step(model: str, x_prime: int, lr: float) -> Figure:
    before, after = one_step(model, int(x_prime), float(lr))
    x = ntk.GRID.numpy()
    fig = new_figure()
    ax = fig.axes[0]
    ax.plot(x, before, "o", color="k", ms=3.5)
    moved = np.abs(after - before) > 1e-9
    # Arrows drawn as shafts plus triangle heads: much cheaper to render than quiver.
    ax.vlines(x[moved], before[moved], after[moved], color=PALETTE[1], lw=1.5)
    up, down = moved & (after > before), moved & (after < before)
    ax.plot(x[up], after[up], "^", color=PALETTE[1], ms=5)
    ax.plot(x[down], after[down], "v", color=PALETTE[1], ms=5)
    ax.plot([x_prime], [TARGET_Y], "x", color=PALETTE[0], ms=10, mew=2.5)
    change = after[x == x_prime][0] - before[x == x_prime][0]
    label(ax, "x", "f(x)", f"{model}: one step towards the cross moves f(x') by {change:+.3g}")
    return fig
