"""Explorers of the chapter 'The implicit regularizer of gradient descent'."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from ..dynamics import flows as fl
from ..interactive import Slider, explorer
from ..plotting import PALETTE, label, new_figure

START = (0.25, 1.3)
T_END = 3.0
LOSS = fl.valley_loss()


@lru_cache(maxsize=1)
def contour_lines() -> list[np.ndarray]:
    """Level sets of the loss, computed once (drawing them as lines is cheaper than contour)."""
    import contourpy

    x, y = np.meshgrid(np.linspace(-0.3, 1.5, 80), np.linspace(-0.5, 1.5, 80))
    gen = contourpy.contour_generator(x, y, LOSS.value(np.array([x, y])))
    return [line for level in (0.01, 0.05, 0.15, 0.3, 0.6) for line in gen.lines(level)]


@lru_cache(maxsize=128)
def paths(eps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Time grid, GD iterates, flow of C and flow of the modified loss at the GD times."""
    steps = int(round(T_END / eps))
    times = eps * np.arange(steps + 1)
    gd = fl.gradient_descent(LOSS, START, eps, steps)
    plain = fl.flow(fl.flow_field(LOSS), START, times, rtol=1e-8)
    modified = fl.flow(fl.gd_modified_field(LOSS, eps), START, times, rtol=1e-8)
    return times, gd, plain, modified


@explorer(
    "gd_modified_flow",
    caption="Gradient descent with step ε against the gradient flow of C and the flow of the "
            "modified loss C + (ε/4)‖∇C‖².",
    eps=Slider(0.2, 0.02, 0.5, 0.02, label="step size ε"),
)
def gd_modified_flow(eps: float) -> Figure:
    eps = round(float(eps) / 0.02) * 0.02  # the slider's grid, so every value is cached
    _, gd, plain, modified = paths(eps)
    fig = new_figure(width=6.0, height=3.6)
    ax = fig.axes[0]
    ax.add_collection(LineCollection(contour_lines(), colors="0.8", linewidths=0.8))
    ax.plot(plain[:, 0], plain[:, 1], color="k", lw=1.2, label="flow of C")
    ax.plot(modified[:, 0], modified[:, 1], "--", color=PALETTE[1],
            label="flow of C + (ε/4)‖∇C‖²")
    ax.plot(gd[:, 0], gd[:, 1], "o", color=PALETTE[0], ms=3, label="gradient descent")
    far_plain = np.linalg.norm(gd - plain, axis=1).max()
    far_modified = np.linalg.norm(gd - modified, axis=1).max()
    label(ax, "w₁", "w₂", f"max distance from GD: {far_plain:.3f} (flow of C), "
                         f"{far_modified:.4f} (modified flow)")
    ax.set_xlim(-0.3, 1.5)
    ax.set_ylim(-0.5, 1.5)
    ax.legend(loc="upper right", fontsize=8)
    return fig
