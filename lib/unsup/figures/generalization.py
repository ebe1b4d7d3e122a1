"""Explorers of the chapter 'Rethinking generalization and inductive bias'."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from .. import generalization as gen
from ..chapters.rethinking_generalization import FRACTIONS, label_noise_sweep  # noqa: F401
from ..interactive import Choice, Slider, explorer
from ..plotting import PALETTE, label, new_figure

FRACTION_STEP = 0.2
DIRECTIONS = ("largest effect", "random", "toward the best interpolant")
T_MAX = 4.0


def label_noise_experiment(seed: int = 0, progress: bool = True) -> gen.NoiseSweep:
    """The 64-256-10 network trained to zero training error on the digits with each fraction
    of :data:`FRACTIONS` of its labels corrupted (:func:`unsup.chapters.rethinking_generalization.
    label_noise_sweep`; its runs are cached, about 2,000 full-batch Adam steps in all).
    Fraction 0 is the real labels, fraction 1 random labels."""
    return label_noise_sweep(seed, progress=progress)


@explorer(
    "label_noise",
    caption="A 64-256-10 network trained by full-batch Adam until it fits every training label of "
            "the digits, with a fraction of the labels replaced by random classes: its learning "
            "curves at that fraction (left; real labels in grey) and its test accuracy once it "
            "interpolates, against the fraction (right; the 1-nearest-neighbour memorizer and "
            "chance for reference).",
    fraction=Slider(0.6, 0.0, 1.0, FRACTION_STEP, label="fraction of random labels"),
)
def label_noise(fraction: float) -> Figure:
    sweep = label_noise_experiment()
    i = round(float(fraction) / FRACTION_STEP)
    hist = sweep.histories[i]
    fig = new_figure(ncols=2, width=8.4, height=3.0)
    ax, ax_acc = fig.axes
    clean = sweep.histories[0]
    ax.plot(1 - clean.train_error, color="0.75", lw=1.2, label="train, real labels")
    ax.plot(1 - hist.train_error, color=PALETTE[0], label="train")
    ax.plot(hist.test_accuracy, color=PALETTE[1], label="test")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, 1.05 * np.nanmax(sweep.epochs_to_fit))
    label(ax, "epoch (full-batch step)", "accuracy",
          f"p = {sweep.fractions[i]:.1f}: fitted in {int(sweep.epochs_to_fit[i])} epochs")
    ax.legend(loc="center right", fontsize=8)

    f = np.array(sweep.fractions)
    ax_acc.plot(f, sweep.test_accuracy, "o-", color=PALETTE[1], label="network")
    ax_acc.plot(f, sweep.nearest_neighbour, "s--", color=PALETTE[2], ms=4, label="1-NN")
    ax_acc.axhline(0.1, color="0.5", lw=0.8, ls=":", label="chance")
    ax_acc.plot([f[i]], [sweep.test_accuracy[i]], "o", ms=11, mfc="none", color="k")
    ax_acc.set_ylim(0, 1.02)
    label(ax_acc, "fraction of random labels", "test accuracy at zero train error",
          f"network {sweep.test_accuracy[i]:.3f}, 1-NN {sweep.nearest_neighbour[i]:.3f}")
    ax_acc.legend(loc="upper right", fontsize=8)
    for a in fig.axes:
        a.locator_params(nbins=4)  # fewer tick labels: text layout dominates each update
    return fig


@dataclass(frozen=True)
class NullSpaceSetup:
    """Everything the null-space explorer draws, computed once."""

    problem: gen.InterpolationProblem
    vectors: dict[str, np.ndarray]
    x_plot: np.ndarray
    min_norm_plot: np.ndarray
    direction_plot: dict[str, np.ndarray]
    test_residual: np.ndarray  # Φ_test w† - y_test
    test_direction: dict[str, np.ndarray]  # Φ_test v
    train_mse_max: float
    min_norm: float
    direction_norm: dict[str, float]


@lru_cache(maxsize=8)
def null_space_setup(seed: int = 0) -> NullSpaceSetup:
    r"""Interpolants :math:`w(t) = w^\dagger + t v` of the chapter's random-features regression,
    :math:`v` in the null space of :math:`\Phi`: the null direction that moves the test
    predictions most (top right singular vector of :math:`\Phi_{\text{test}} N`, :math:`N` a
    null-space basis) or a random one, both of norm :math:`\lVert w^\dagger\rVert`; or the
    step to the best interpolant (:func:`unsup.generalization.best_interpolant`). ``seed``
    seeds the problem (:func:`unsup.generalization.interpolation_problem`) and the random
    direction; the explorer shows seed 0."""
    problem = gen.interpolation_problem(seed=seed)
    w_mn = gen.min_norm_solution(problem.phi_train, problem.y_train)
    basis = gen.null_space_basis(problem.phi_train)
    norm = np.linalg.norm(w_mn)
    random_v = basis @ np.random.default_rng((seed, 7)).standard_normal(basis.shape[1])
    largest = basis @ np.linalg.svd(problem.phi_test @ basis, full_matrices=False)[2][0]
    vectors = {"largest effect": norm * largest / np.linalg.norm(largest),
               "random": norm * random_v / np.linalg.norm(random_v),
               "toward the best interpolant": gen.best_interpolant(problem) - w_mn}
    x_plot = np.linspace(-1, 1, 400)
    phi_plot = problem.features(x_plot)
    residual = problem.phi_test @ w_mn - problem.y_test
    train_mse = 0.0
    for v in vectors.values():
        for t in (-T_MAX, T_MAX):
            train_mse = max(train_mse, gen.mse(problem.phi_train, w_mn + t * v, problem.y_train))
    return NullSpaceSetup(problem, vectors, x_plot, phi_plot @ w_mn,
                          {k: phi_plot @ v for k, v in vectors.items()}, residual,
                          {k: problem.phi_test @ v for k, v in vectors.items()}, train_mse,
                          float(np.linalg.norm(w_mn)),
                          {k: float(np.linalg.norm(v)) for k, v in vectors.items()})


@explorer(
    "null_space_interpolants",
    caption="Interpolants w(t) = w† + t·v of ten points with 200 random Fourier features: w† is "
            "the minimum-norm solution that gradient descent from zero finds, v a null-space "
            "direction of the training features, so every w(t) fits the ten points exactly. "
            "Left: the functions; right: the test error along the line, a parabola.",
    t=Slider(2.0, -T_MAX, T_MAX, 0.1, label="null-space coefficient t"),
    direction=Choice(DIRECTIONS, "largest effect", label="direction v"),
)
def null_space_interpolants(t: float, direction: str) -> Figure:
    s = null_space_setup()
    p = s.problem
    residual, moved = s.test_residual, s.test_direction[direction]

    def test_mse(ts: np.ndarray) -> np.ndarray:
        # the test MSE of w† + t v, mean((r + t Φ_test v)²): a parabola in t
        return np.maximum(np.mean((residual + np.multiply.outer(ts, moved)) ** 2, axis=-1),
                          1e-32)

    fig = new_figure(ncols=2, width=8.4, height=3.0)
    ax, ax_err = fig.axes
    ax.plot(s.x_plot, gen.smooth_target(s.x_plot), color="0.6", lw=3,
            label="target f*")
    ax.plot(s.x_plot, s.min_norm_plot, "--", color=PALETTE[0], lw=1.2, label="min-norm w†")
    ax.plot(s.x_plot, s.min_norm_plot + t * s.direction_plot[direction], color=PALETTE[1],
            label=f"w({t:.2f})")
    ax.plot(p.x_train, p.y_train, "o", color="k", ms=5, label="training points")
    ax.set_ylim(-3, 3)
    norm_t = np.hypot(s.min_norm, t * s.direction_norm[direction])  # w† ⟂ v
    label(ax, "x", "f(x)", f"‖w(t)‖ = {norm_t:.2f} (‖w†‖ = {s.min_norm:.2f})")
    ax.legend(loc="upper left", fontsize=8, ncols=2)

    ts = np.linspace(-T_MAX, T_MAX, 161)
    here = float(test_mse(np.array(float(t))))
    ax_err.plot(ts, np.log10(test_mse(ts)), color=PALETTE[1], label="w(t)")
    ax_err.axhline(np.log10(test_mse(np.array(0.0))), color=PALETTE[0], ls="--", lw=1.0,
                   label="w† (t = 0)")
    ax_err.plot([t], [np.log10(here)], "o", color="k")
    label(ax_err, "null-space coefficient t", "log₁₀ test mean squared error",
          f"test MSE {here:.1e}; train MSE ≤ {s.train_mse_max:.0e}")
    ax_err.legend(loc="lower right", fontsize=8)
    for a in fig.axes:
        a.locator_params(nbins=4)  # fewer tick labels: text layout dominates each update
    return fig
