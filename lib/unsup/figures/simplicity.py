"""Explorers of the chapter 'Simplicity bias, scaling laws, and rate-distortion'."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from matplotlib.figure import Figure
from scipy.stats import binom

from ..interactive import Choice, Slider, explorer
from ..plotting import PALETTE, label, new_figure
from ..scaling import KAPLAN
from ..simplicity import (binary_inputs, constant_probability, function_counts, lz_complexity,
                          one_hot_inputs, random_network_functions)

N_BITS = 7
N_POINTS = 2**N_BITS
ARCHITECTURES = {"linear": (), "ReLU, 2 hidden layers of 16": (16, 16)}
ENCODINGS = ("binary", "one-hot")


@dataclass(frozen=True)
class SimplicityRun:
    """Truth tables of sampled networks, their distinct functions and LZ complexities."""

    tables: np.ndarray
    functions: np.ndarray
    counts: np.ndarray

    @cached_property
    def complexity(self) -> np.ndarray:
        """LZ complexity of each distinct function, computed on first use (it is the slow part)."""
        return np.array([lz_complexity(f) for f in self.functions])


@lru_cache(maxsize=16)
def simplicity_run(encoding: str, architecture: str, bias: bool = True,
                   n_samples: int = 10_000, seed: int = 0) -> SimplicityRun:
    """Sample networks on the 128 inputs of 7 bits, encoded as bit vectors or one-hot."""
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {ENCODINGS}, got {encoding!r}")
    if architecture not in ARCHITECTURES:
        raise ValueError(f"architecture must be one of {tuple(ARCHITECTURES)}, "
                         f"got {architecture!r}")
    x = binary_inputs(N_BITS) if encoding == "binary" else one_hot_inputs(N_POINTS)
    tables = random_network_functions(x, n_samples, ARCHITECTURES[architecture], bias, seed)
    functions, counts = function_counts(tables)
    return SimplicityRun(tables, functions, counts)


@lru_cache(maxsize=1)
def explorer_runs() -> dict[tuple[str, str, bool], SimplicityRun]:
    """Every combination the explorer offers, small enough to compute once at first display."""
    return {(e, a, b): simplicity_run(e, a, b, n_samples=2000)
            for e in ENCODINGS for a in ARCHITECTURES for b in (True, False)}


def draw_ones_histogram(run: SimplicityRun, hist_ax, title: str) -> None:
    """The number of inputs mapped to 1 by the sampled networks, against the binomial."""
    k = np.arange(N_POINTS + 1)
    ones = run.tables.sum(axis=1)
    hist_ax.stairs(np.bincount(ones, minlength=N_POINTS + 1) / len(ones),
                   np.arange(-0.5, N_POINTS + 1),
                   fill=True, color=PALETTE[0], label="random networks")
    hist_ax.plot(k, binom.pmf(k, N_POINTS, 0.5), color="k", lw=1.0, label="counting measure")
    hist_ax.set_ylim(0, 0.2)
    label(hist_ax, "number of inputs mapped to 1 (of 128)", "probability", title)
    hist_ax.legend(loc="upper right")


def draw_simplicity(run: SimplicityRun, axes, title: str) -> None:
    """Fraction-of-ones histogram against the binomial, and complexity against frequency."""
    hist_ax, lz_ax = axes
    draw_ones_histogram(run, hist_ax, title)
    log_freq = np.log10(run.counts / len(run.tables))
    # Many functions share a (complexity, frequency) pair: draw each pair once.
    pairs = np.unique(np.round(np.c_[run.complexity, log_freq], 6), axis=0)
    lz_ax.plot(pairs[:, 0], pairs[:, 1], ".", ms=4, color=PALETTE[1])
    lz_ax.set_xlim(0, 160)
    lz_ax.set_ylim(np.log10(1 / len(run.tables)) - 0.3, 0.1)
    label(lz_ax, "Lempel-Ziv complexity of the truth table", "log₁₀ frequency",
          "simple functions are frequent")


@explorer(
    "simplicity_bias",
    caption="Random networks on the 128 inputs of 7 bits: the distribution of the number of "
            "inputs mapped to 1, against the binomial of the counting measure, for bit-vector "
            "and one-hot encodings; the title gives the probability of a constant function "
            "and the mean LZ complexity of the sampled truth tables.",
    encoding=Choice(ENCODINGS, "binary", label="input encoding"),
    network=Choice(tuple(ARCHITECTURES), "linear", label="network"),
    bias=Choice(("with biases", "no biases"), "with biases", label="biases"),
)
def simplicity_bias(encoding: str, network: str, bias: str) -> Figure:
    run = explorer_runs()[(encoding, network, bias == "with biases")]
    fig = new_figure()
    mean_lz = np.average(run.complexity, weights=run.counts)
    draw_ones_histogram(run, fig.axes[0], f"{network}, {encoding} inputs: P(constant) = "
                        f"{constant_probability(run.tables):.3f}, mean LZ = {mean_lz:.0f}")
    return fig


LOG_N = np.linspace(3, 16, 120)
LOG_D = np.linspace(5, 17, 120)


@lru_cache(maxsize=1)
def _token_loss_grid() -> np.ndarray:
    return KAPLAN.loss(10.0 ** LOG_N[:, None], 10.0 ** LOG_D[None, :])


@explorer(
    "scaling_units",
    caption="Kaplan et al.'s L(N, D) as contours, with data counted in units of 10^k tokens. "
            "Changing the unit slides the picture along the data axis: the contours and the "
            "law are the same, the 'diagonal' D = N is not.",
    log10_unit=Slider(0.0, 0.0, 4.0, 0.25, label="log₁₀ tokens per data unit"),
)
def scaling_units(log10_unit: float) -> Figure:
    fig = new_figure(height=3.6)
    ax = fig.axes[0]
    # In units of u tokens, D_unit = D_tokens / u: the same surface shifted by log10(u).
    shifted = LOG_D - log10_unit
    # An image with banded colours shows the contours at a fraction of contourf's cost.
    bands = np.floor(_token_loss_grid() / 0.3) * 0.3
    ax.imshow(bands, origin="lower", aspect="auto", cmap="Blues_r", vmin=0.6, vmax=6.0,
              extent=(shifted[0], shifted[-1], LOG_N[0], LOG_N[-1]), interpolation="nearest")
    balanced = np.log10(KAPLAN.balanced_data(10.0**LOG_N, unit=10.0**log10_unit))
    ax.plot(balanced, LOG_N, color=PALETTE[1], lw=2, label="both terms equal")
    ax.plot(LOG_N, LOG_N, "k--", lw=1, label="D = N in these units")
    ax.set_xlim(LOG_D[0] - 4, LOG_D[-1])
    ax.set_ylim(LOG_N[0], LOG_N[-1])
    label(ax, f"log₁₀ D (data units of 10^{log10_unit:g} tokens)", "log₁₀ N (parameters)",
          "loss contours: L(D) top left, L(N) bottom right")
    ax.legend(loc="lower right")
    return fig
