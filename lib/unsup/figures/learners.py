"""Explorers of the chapter 'Digital and analogue learners'."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from .. import learners
from ..interactive import Choice, Slider, explorer
from ..plotting import PALETTE, label, new_figure

COPIES = (2, 4, 8, 16)
TRANSFER_SIZES = (20, 100, 400)
STEPS = 300  # local SGD steps of every copy, in every run
LOCAL_STEPS = 10  # distillation: steps between two exchanges of predictions


@lru_cache(maxsize=None)
def parallel_run(method: str, copies: int, transfer_size: int = 0, by_label: bool = True,
                 sync_every: int = 1, seed: int = 0) -> learners.ParallelRun:
    """One seeded run of ``copies`` learners on the digits, cached.

    ``method``: ``"weight sharing"`` (averaging every ``sync_every`` steps), ``"distillation"``
    (predictions on ``transfer_size`` transfer examples exchanged every ``LOCAL_STEPS``
    steps) or ``"isolated"`` (no communication). All runs take ``STEPS`` steps per copy."""
    data = learners.sharded_digits(copies, transfer_size, seed=seed, by_label=by_label)
    if method == "weight sharing":
        return learners.train_weight_sharing(data, steps=STEPS, sync_every=sync_every,
                                             seed=seed)
    rounds = STEPS // LOCAL_STEPS
    if method == "distillation":
        return learners.train_distillation(data, rounds=rounds, local_steps=LOCAL_STEPS,
                                           seed=seed)
    if method == "isolated":
        return learners.train_distillation(data, rounds=rounds, local_steps=LOCAL_STEPS,
                                           alpha=0.0, seed=seed)
    raise ValueError(f"method must be 'weight sharing', 'distillation' or 'isolated', "
                     f"got {method!r}")


@lru_cache(maxsize=None)
def copies_grid(seed: int = 0) -> dict[str, np.ndarray]:
    """Final mean test accuracy over the grid COPIES x TRANSFER_SIZES (shards by label), for
    the runs of :func:`parallel_run` with ``seed``: ``"distillation"`` has shape
    (len(COPIES), len(TRANSFER_SIZES)); ``"weight sharing"`` and ``"isolated"`` have shape
    (len(COPIES),)."""
    return {
        "distillation": np.array([[parallel_run("distillation", k, t, seed=seed).final_accuracy
                                   for t in TRANSFER_SIZES] for k in COPIES]),
        "weight sharing": np.array([parallel_run("weight sharing", k, seed=seed).final_accuracy
                                    for k in COPIES]),
        "isolated": np.array([parallel_run("isolated", k, seed=seed).final_accuracy
                              for k in COPIES]),
    }


@explorer(
    "learners_copies",
    caption="K copies on digits shards sorted by label. Left: accuracy against bits sent for "
            "weight sharing (gradients averaged every step) and distillation on a transfer set "
            "of T examples. Right: final accuracy against K (precomputed grid).",
    copies=Choice(tuple(str(k) for k in COPIES), "8", label="copies K"),
    transfer=Choice(tuple(str(t) for t in TRANSFER_SIZES), "100", label="transfer set T"),
)
def learners_copies(copies: str, transfer: str) -> Figure:
    k, t = int(copies), int(transfer)
    grid = copies_grid()
    ws = parallel_run("weight sharing", k)
    di = parallel_run("distillation", k, t)
    iso = parallel_run("isolated", k)
    fig = new_figure(ncols=2, width=7.5, height=3.6)
    fig.subplots_adjust(bottom=0.27)
    left, right = fig.axes
    left.semilogx(ws.bits[1:], ws.accuracy[1:], color=PALETTE[0], label="weight sharing")
    left.semilogx(di.bits[2:], di.accuracy[2:], "o-", ms=3, color=PALETTE[1],
                  label=f"distillation, T = {t}")
    left.axhline(iso.final_accuracy, color=PALETTE[6], ls=":", label="isolated (0 bits)")
    left.set_xlim(1e4, 1e9)
    left.set_xticks([1e4, 1e5, 1e6, 1e7, 1e8, 1e9],
                    ["10⁴", "10⁵", "10⁶", "10⁷", "10⁸", "10⁹"])  # no mathtext: faster
    left.set_ylim(0.0, 1.0)
    left.set_yticks([0.0, 0.5, 1.0])
    left.minorticks_off()
    fig.legend(*left.get_legend_handles_labels(), loc="lower center", ncol=3)
    label(left, "bits sent (log scale)", "mean test accuracy", f"K = {k} copies")
    j = TRANSFER_SIZES.index(t)
    right.semilogx(COPIES, grid["weight sharing"], "o-", base=2, color=PALETTE[0],
                   label="weight sharing")
    right.semilogx(COPIES, grid["distillation"][:, j], "s-", base=2, color=PALETTE[1],
                   label=f"distillation, T = {t}")
    right.semilogx(COPIES, grid["isolated"], "^:", base=2, color=PALETTE[6], label="isolated")
    right.plot([k], [grid["distillation"][COPIES.index(k), j]], "o", ms=12, mfc="none",
               color="k")
    right.set_xticks(COPIES, [str(c) for c in COPIES])
    right.set_ylim(0.0, 1.0)
    right.set_yticks([0.0, 0.5, 1.0])
    right.minorticks_off()
    label(right, "copies K (each sees 1/K of the data)", "final test accuracy",
          f"after {STEPS} steps per copy")
    return fig


LOG2_DIMS = tuple(range(0, 15))
N_DRAWS = 20_000


ERROR_BINS = np.logspace(-4, 5.5, 58)
SCALED_COSINE_BINS = np.linspace(0.0, 4.0, 41)


@lru_cache(maxsize=1)
def error_samples() -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """For every ``log2_d`` in LOG2_DIMS, ``N_DRAWS`` normalized squared errors and cosines
    of forward gradients in dimension ``2**log2_d`` (closed-form sampling, seeded)."""
    return {k: (learners.sample_normalized_error(2 ** k, N_DRAWS, seed=k),
                learners.sample_cosine(2 ** k, N_DRAWS, seed=100 + k)) for k in LOG2_DIMS}


@lru_cache(maxsize=1)
def error_histograms() -> dict[int, tuple[np.ndarray, np.ndarray, float, float]]:
    """Histogram counts of :func:`error_samples` (errors on ERROR_BINS, cosines times
    :math:`\\sqrt d` on SCALED_COSINE_BINS) and their sample means, for every ``log2_d``."""
    out = {}
    for k, (err, cos) in error_samples().items():
        scaled = np.clip(cos * np.sqrt(2 ** k), 0.0, SCALED_COSINE_BINS[-1])
        out[k] = (np.histogram(np.clip(err, ERROR_BINS[0], ERROR_BINS[-1]), ERROR_BINS)[0],
                  np.histogram(scaled, SCALED_COSINE_BINS)[0], float(err.mean()),
                  float(cos.mean()))
    return out


def _count_ticks(highest: float) -> list[float]:
    """Two round ticks for a histogram's count axis (few labels keep the update fast)."""
    nice = [c for c in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000)
            if c <= highest]
    return [0, nice[-1] if nice else highest]


@explorer(
    "forward_gradient_error",
    caption="The error of one forward gradient (g·v)v in d dimensions: the squared error "
            "relative to ||g||² (orange: its mean d + 1; dashed: the sample mean) and the "
            "cosine with the true gradient, scaled by √d (orange: the large-d mean √(2/π)).",
    log2_d=Slider(6, 0, 14, 1, label="log₂ d", integer=True),
)
def forward_gradient_error(log2_d: int) -> Figure:
    d = 2 ** int(log2_d)
    err_counts, cos_counts, err_mean, cos_mean = error_histograms()[int(log2_d)]
    fig = new_figure(ncols=2, width=7.5, height=3.3)
    left, right = fig.axes
    left.stairs(err_counts, ERROR_BINS, fill=True, color=PALETTE[0], alpha=0.8)
    left.set_xscale("log")
    left.set_xticks([1e-4, 1e-2, 1, 1e2, 1e4], ["10⁻⁴", "10⁻²", "1", "10²", "10⁴"])
    left.minorticks_off()
    left.axvline(d + 1, color=PALETTE[1], lw=2)
    left.axvline(err_mean, color="k", ls="--", lw=1.2)
    top = 1.1 * err_counts.max()
    left.set_ylim(0, top)
    left.set_yticks(_count_ticks(err_counts.max()))
    label(left, "‖ĝ − g‖² / ‖g‖² (log scale)", "draws",
          f"d = {d}: mean {err_mean:.4g}, d + 1 = {d + 1}")
    right.stairs(cos_counts, SCALED_COSINE_BINS, fill=True, color=PALETTE[2], alpha=0.8)
    right.set_xticks([0.0, 1.0, 2.0, 3.0, 4.0])
    right.set_yticks(_count_ticks(cos_counts.max()))
    right.axvline(np.sqrt(2 / np.pi) if d > 1 else 1.0, color=PALETTE[1], lw=2)
    label(right, "√d · cosine(ĝ, g)", "draws",
          f"mean cosine {cos_mean:.3g}, √(2/(πd)) = {np.sqrt(2 / (np.pi * d)):.3g}")
    return fig
