"""Explorers of the chapter 'Compression is prediction'."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from ..bounds import uniform_convergence_bound
from ..compression import compressed_bits, documentation_text
from ..compression.uniform import max_gaps
from ..interactive import Choice, Slider, explorer
from ..plotting import PALETTE, label, new_figure

JOINT_COMPRESSORS = ("ideal", "zlib", "bz2", "lzma")
MIX_LEVELS = np.round(np.linspace(0.0, 1.0, 11), 2)
JOINT_SLICE = slice(300_000, 303_000)


def mixed_pair(alpha: float, seed: int = 0) -> tuple[bytes, bytes]:
    """X: 3000 bytes of documentation text. Y: each byte copied from X with probability
    ``alpha``, otherwise drawn independently from X's byte frequencies (coupled across alpha)."""
    x = np.frombuffer(documentation_text()[JOINT_SLICE], dtype=np.uint8)
    rng = np.random.default_rng(seed)
    independent = rng.choice(x, size=x.size)
    copy = rng.random(x.size) < alpha
    return x.tobytes(), np.where(copy, x, independent).astype(np.uint8).tobytes()


@lru_cache(maxsize=8)
def joint_gap_curves(seed: int = 0) -> dict[str, np.ndarray]:
    """For each compressor, rows (C(X), C(Y), C(XY)) in bits at every mixing level.

    ``seed`` draws the pairs of :func:`mixed_pair`; the explorer shows seed 0.
    """
    curves = {}
    for name in JOINT_COMPRESSORS:
        rows = []
        for alpha in MIX_LEVELS:
            x, y = mixed_pair(float(alpha), seed)
            rows.append([compressed_bits(d, name) for d in (x, y, x + y)])
        curves[name] = np.array(rows)
    return curves


@explorer(
    "cmp_joint_gap",
    caption="Y copies each byte of X with probability α and is independent otherwise. The gap "
            "C(X) + C(Y) − C(XY) stays near zero for independent data and grows with the "
            "shared structure.",
    alpha=Slider(0.5, 0.0, 1.0, 0.1, label="α (share of Y copied from X)"),
    compressor=Choice(JOINT_COMPRESSORS, "ideal", label="compressor"),
)
def joint_gap(alpha: float, compressor: str) -> Figure:
    curves = joint_gap_curves()
    i = int(np.argmin(np.abs(MIX_LEVELS - alpha)))
    fig = new_figure()
    ax = fig.axes[0]
    for k, name in enumerate(JOINT_COMPRESSORS):
        cx, cy, cxy = curves[name].T / 8
        ax.plot(MIX_LEVELS, cx + cy - cxy, color=PALETTE[k], label=name,
                lw=2.8 if name == compressor else 1.2)
    cx, cy, cxy = curves[compressor][i] / 8
    ax.plot([MIX_LEVELS[i]], [cx + cy - cxy], "o", color="k")
    ax.axhline(0, color="k", lw=0.6)
    label(ax, "α (share of Y copied from X)", "C(X) + C(Y) − C(XY) (bytes)",
          f"{compressor}, α = {MIX_LEVELS[i]:.1f}: C(X) = {cx:.0f}, C(Y) = {cy:.0f}, "
          f"C(XY) = {cxy:.0f} bytes, gap {cx + cy - cxy:.0f}")
    ax.legend(loc="upper left")
    return fig


UC_REPEATS, UC_NOISE = 400, 0.2


@lru_cache(maxsize=64)
def sorted_max_gaps(n: int, class_size: int) -> np.ndarray:
    """Sorted simulated max one-sided gaps for one (|S|, |F|), cached across slider moves."""
    return np.sort(max_gaps(n, class_size, UC_REPEATS, UC_NOISE, seed=n * 1000 + class_size))


@explorer(
    "cmp_uniform_convergence",
    caption="Threshold classifiers: the simulated probability that some f has test − train gap "
            "above t, the union + Hoeffding bound |F| e^(−2|S|t²) and the notes' "
            "|F| e^(−|S|t²).",
    n=Slider(100, 20, 500, 10, label="|S| (training examples)", integer=True),
    t=Slider(0.15, 0.02, 0.4, 0.01, label="t (gap threshold)"),
    class_size=Slider(16, 2, 256, 2, label="|F| (number of thresholds)", integer=True),
)
def uniform_convergence(n: int, t: float, class_size: int) -> Figure:
    gaps = sorted_max_gaps(int(n), int(class_size))
    grid = np.linspace(0.0, 0.4, 161)
    simulated = 1 - np.searchsorted(gaps, grid, side="right") / gaps.size
    hoeffding = np.array([uniform_convergence_bound(int(n), s, int(class_size), two_sided=False)
                          for s in grid])
    notes = np.minimum(1.0, class_size * np.exp(-n * grid**2))
    fig = new_figure()
    ax = fig.axes[0]
    ax.plot(grid, simulated, label="simulated P(max gap > t)", color=PALETTE[0])
    ax.plot(grid, hoeffding, "--", label="union + Hoeffding |F| e^(−2|S|t²)", color=PALETTE[1])
    ax.plot(grid, notes, ":", label="notes' form |F| e^(−|S|t²)", color=PALETTE[2])
    ax.axvline(t, color="0.5", lw=0.8)
    at_t = 1 - np.searchsorted(gaps, t, side="right") / gaps.size
    bound_t = uniform_convergence_bound(int(n), float(t), int(class_size), two_sided=False)
    label(ax, "t (test − train gap)", "probability (bounds capped at 1)",
          f"at t = {t:.2f}: simulated {at_t:.3f}, Hoeffding bound {bound_t:.3f}")
    ax.set_ylim(-0.02, 1.05)
    ax.legend(loc="upper right")
    return fig
