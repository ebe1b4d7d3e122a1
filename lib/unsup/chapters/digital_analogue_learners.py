"""The chapter 'Digital and analogue learners': its experiments, one seed at a time.

Every claim of the chapter on a trained or sampled result is measured here, by the code the
notebook calls, so that the multi-seed tests (``tests/seeds/test_digital_analogue_learners.py``)
and the chapter measure the same quantities. Each experiment has

- a function that runs it for one seed and returns the trained or sampled objects the
  notebook draws (cached where a run is shared between cells), and
- a function ``name(seed) -> dict[str, float]`` with the measured quantity of each claim for
  that seed, under the keys the notebook passes to ``check`` and to ``spreads[...]``.

Seeds. The library's experiments seed two generators, with ``seed`` and ``seed + 1`` (initial
weights and minibatches, or initial weights and random directions). Seed ``s`` of this module
passes :func:`run_seed` ``(s) = 2s``, so that no generator is shared between two of the seeds
a spread is measured over; seed 0, the one the chapter shows, is the library's seed 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from .. import learners as ln
from ..figures.learners import LOCAL_STEPS, STEPS, TRANSFER_SIZES, copies_grid, parallel_run
from ..seeds import torch_seeded

__all__ = [
    "ACCURACY_TOLERANCE",
    "COPIES_MAIN",
    "FEATURES",
    "HIDDEN",
    "LINEAR_RUNS",
    "LINEAR_STEPS",
    "LR_BACKPROP",
    "LR_FORWARD",
    "METHODS",
    "N_CHECKED",
    "N_TANGENTS",
    "TRANSFER_MAIN",
    "WIDTHS",
    "GradientNoise",
    "LinearRates",
    "MlpRuns",
    "accuracy_se",
    "averaged_accuracy",
    "chi2_bound",
    "copies_grid_claims",
    "crossing",
    "gradient_noise",
    "gradient_noise_claims",
    "linear_rates",
    "linear_rates_claims",
    "mlp_claims",
    "mlp_runs",
    "rounds",
    "run_seed",
    "sharing_claims",
    "sharing_runs",
]

COPIES_MAIN, TRANSFER_MAIN = 8, 100
"""K copies and T transfer examples of the main parallel-copies experiment."""

METHODS = ("weight sharing, every step", "weight averaging, every 10 steps",
           f"distillation, T = {TRANSFER_MAIN}", "isolated")
"""The four ways of sharing of the main experiment, in the order the chapter shows them."""

HIDDEN = (1, 2, 8, 32, 128)
"""Hidden widths of the MLPs whose forward-gradient error is measured (d = 19 to 2305)."""

FEATURES = (4, 16, 64, 128)
"""Input features of the whitened linear models (d = features + 1 parameters)."""

LINEAR_RUNS, LINEAR_STEPS = 64, 400
"""Forward-gradient runs per linear model (independent directions), and their steps."""

WIDTHS = (2, 8, 32, 128)
"""Hidden widths of the MLPs trained with backprop and with forward gradients."""

LR_BACKPROP = np.geomspace(0.03, 3.0, 9)
LR_FORWARD = np.geomspace(1e-4, 0.3, 12)
"""Learning-rate grids; each method and width keeps its best rate (lowest final loss)."""


N_TANGENTS, N_CHECKED = 4000, 200
"""Random directions per width for the forward gradient's error, and how many of them are
also taken by forward mode and by weight perturbation."""

ACCURACY_TOLERANCE = 0.03
"""Two final test accuracies count as the same when they differ by at most this: about three
binomial standard errors (:func:`accuracy_se`) of an accuracy near 0.96 on the 359 test
digits."""


def accuracy_se(accuracy: float, n_test: int) -> float:
    """Binomial standard error :math:`\\sqrt{p(1 - p)/n}` of a test accuracy ``p`` on
    ``n_test`` examples."""
    if not 0.0 <= accuracy <= 1.0:
        raise ValueError(f"accuracy must lie in [0, 1], got {accuracy!r}")
    if n_test < 1:
        raise ValueError(f"n_test must be a positive integer, got {n_test!r}")
    return float(np.sqrt(accuracy * (1.0 - accuracy) / n_test))


def chi2_bound(sizes: int, level: float = 0.999) -> float:
    """The ``level`` quantile of the chi-square distribution with ``sizes`` degrees of freedom:
    the bound on a sum of ``sizes`` squared independent z-scores that holds with probability
    ``level`` when every measured mean equals its prediction."""
    from scipy.stats import chi2

    return float(chi2.ppf(level, sizes))


def run_seed(seed: int) -> int:
    """The library seed of this module's ``seed``: ``2 * seed`` (see the module docstring)."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return 2 * int(seed)


def rounds(name: str) -> int:
    """Communication rounds R of a way of sharing over the ``STEPS`` local steps: every step,
    every 10 steps, one exchange of predictions per ``LOCAL_STEPS`` steps except the last
    (whose predictions would never be used), or none."""
    if name not in METHODS:
        raise ValueError(f"name must be one of {METHODS}, got {name!r}")
    if "every step" in name:
        return STEPS
    if "10 steps" in name:
        return STEPS // 10
    if "distillation" in name:
        return STEPS // LOCAL_STEPS - 1
    return 0


# --- pillar one: K copies that share weights or predictions -------------------------------


def sharing_runs(seed: int = 0) -> dict[bool, dict[str, ln.ParallelRun]]:
    """The main experiment: ``COPIES_MAIN`` copies on shuffled (key ``False``) and
    label-sorted (``True``) shards, for each way of sharing in :data:`METHODS` (cached runs
    of :func:`unsup.figures.learners.parallel_run`)."""
    s = run_seed(seed)
    runs: dict[bool, dict[str, ln.ParallelRun]] = {}
    with torch_seeded(s):
        for by_label in (False, True):
            k = COPIES_MAIN
            runs[by_label] = {
                METHODS[0]: parallel_run("weight sharing", k, by_label=by_label, seed=s),
                METHODS[1]: parallel_run("weight sharing", k, by_label=by_label, sync_every=10,
                                         seed=s),
                METHODS[2]: parallel_run("distillation", k, TRANSFER_MAIN, by_label=by_label,
                                         seed=s),
                METHODS[3]: parallel_run("isolated", k, by_label=by_label, seed=s),
            }
    return runs


def averaged_accuracy(run: ln.ParallelRun, by_label: bool, seed: int = 0) -> float:
    """Test accuracy of the average of the weights of separately grown copies (``run``: the
    isolated copies of :func:`sharing_runs` with the same ``by_label`` and ``seed``)."""
    data = ln.sharded_digits(run.copies, TRANSFER_MAIN, seed=run_seed(seed), by_label=by_label)
    return float(ln.copies_accuracy(ln.average_copies(run.params), data.test_x,
                                    data.test_y).mean())


def _bits_ratio(run: ln.ParallelRun, reference: ln.ParallelRun) -> float:
    """Bits ``run`` sent to reach the final accuracy of ``reference``, over the bits
    ``reference`` itself sent to reach it (``inf`` if ``run`` never reached it)."""
    target = reference.final_accuracy
    return run.bits_to_reach(target) / reference.bits_to_reach(target)


def sharing_claims(seed: int) -> dict[str, float]:
    """The measured quantities of the claims on the main parallel-copies experiment.

    Accuracies are mean test accuracies of the copies after ``STEPS`` steps. Keys: for each
    layout (``shuffled``, ``sorted``) the accuracy of weight sharing minus distillation
    (``*_sharing_minus_distillation``), of distillation minus isolated copies
    (``*_distillation_minus_isolated``), and log2 of the bits data-parallel SGD needs to
    reach distillation's final accuracy as a multiple of distillation's
    (``*_log2_bits_ratio``; it spans a factor of about 2 over seeds, so its spread is taken
    on a log scale);
    ``shuffled_averaging_bits_ratio``, the same for weight averaging every 10 steps;
    ``gain_sorted_minus_shuffled``, distillation's gain over isolation with sorted shards
    minus with shuffled ones; ``sharing_sorted_minus_shuffled``, weight sharing's final
    accuracy with sorted minus shuffled shards; ``shuffled_averaged_minus_isolated``, the
    accuracy of the averaged weights of isolated copies minus a copy alone; and
    ``averaged_minus_sharing``, the larger over both layouts of the averaged copies'
    accuracy minus weight sharing's."""
    runs = sharing_runs(seed)
    out: dict[str, float] = {}
    gain, averaged = {}, {}
    for by_label, group in runs.items():
        where = "sorted" if by_label else "shuffled"
        ws, wa, di, iso = (group[m] for m in METHODS)
        out[f"{where}_sharing_minus_distillation"] = ws.final_accuracy - di.final_accuracy
        out[f"{where}_distillation_minus_isolated"] = di.final_accuracy - iso.final_accuracy
        out[f"{where}_log2_bits_ratio"] = float(np.log2(_bits_ratio(ws, di)))
        if not by_label:
            out["shuffled_averaging_bits_ratio"] = _bits_ratio(wa, di)
        gain[by_label] = di.final_accuracy - iso.final_accuracy
        averaged[by_label] = averaged_accuracy(iso, by_label, seed)
    out["gain_sorted_minus_shuffled"] = gain[True] - gain[False]
    out["sharing_sorted_minus_shuffled"] = (runs[True][METHODS[0]].final_accuracy
                                            - runs[False][METHODS[0]].final_accuracy)
    out["shuffled_averaged_minus_isolated"] = (averaged[False]
                                               - runs[False][METHODS[3]].final_accuracy)
    out["averaged_minus_sharing"] = max(averaged[b] - runs[b][METHODS[0]].final_accuracy
                                        for b in runs)
    return out


def copies_grid_claims(seed: int) -> dict[str, float]:
    """The measured quantities of the claims on the grid of K copies and T transfer examples
    (label-sorted shards; :func:`unsup.figures.learners.copies_grid`).

    ``grid_sharing_minus_distillation``: the smallest accuracy gap between weight sharing and
    distillation over every T and every K >= 4; ``grid_sharing_minus_distillation_k2``: the
    smallest gap at K = 2 (where distillation with T = 400 comes close; not a claim);
    ``grid_t400_minus_t20``: the smallest gain of distillation from T = 20 to T = 400 over
    K; ``grid_distillation_k16_minus_k2``: distillation's accuracy (T = 100) with 16 copies
    minus with 2; ``grid_sharing_range``: the range of weight sharing's final accuracy over
    K."""
    s = run_seed(seed)
    with torch_seeded(s):
        grid = copies_grid(s)
    t100 = TRANSFER_SIZES.index(100)
    gap = grid["weight sharing"][:, None] - grid["distillation"]
    return {
        "grid_sharing_minus_distillation": float(gap[1:].min()),
        "grid_sharing_minus_distillation_k2": float(gap[0].min()),
        "grid_t400_minus_t20": float((grid["distillation"][:, -1]
                                      - grid["distillation"][:, 0]).min()),
        "grid_distillation_k16_minus_k2": float(grid["distillation"][-1, t100]
                                                - grid["distillation"][0, t100]),
        "grid_sharing_range": float(np.ptp(grid["weight sharing"])),
    }


# --- pillar two: the forward gradient's error ----------------------------------------------


@dataclass(frozen=True)
class GradientNoise:
    """Forward-gradient errors of tanh MLPs of the widths in :data:`HIDDEN` at their initial
    weights, for one seed (``errors[i]``: width ``HIDDEN[i]``)."""

    errors: list[ln.GradientErrors]

    @property
    def dims(self) -> NDArray[np.float64]:
        return np.array([e.n_params for e in self.errors], dtype=float)

    @property
    def mse(self) -> NDArray[np.float64]:
        """Mean of ``||g_hat - g||^2 / ||g||^2`` over the tangents, per width."""
        return np.array([e.forward_mse for e in self.errors])

    @property
    def se(self) -> NDArray[np.float64]:
        """Standard error of :attr:`mse`, per width."""
        return np.array([e.forward_mse_se for e in self.errors])

    @property
    def perturbation(self) -> NDArray[np.float64]:
        """Mean squared error of weight perturbation on the checked tangents, per width."""
        return np.array([e.perturbation_sq_errors.mean() for e in self.errors])

    @property
    def forward_checked(self) -> NDArray[np.float64]:
        """Mean squared error of the forward gradient on the same checked tangents."""
        return np.array([e.forward_sq_errors[:len(e.perturbation_sq_errors)].mean()
                         for e in self.errors])


@cache
def gradient_noise(seed: int = 0, n_tangents: int = N_TANGENTS,
                   n_checked: int = N_CHECKED) -> GradientNoise:
    """Forward gradients of every width in :data:`HIDDEN`: ``n_tangents`` random directions,
    the first ``n_checked`` also by forward mode and by weight perturbation (cached)."""
    s = run_seed(seed)
    with torch_seeded(s):
        return GradientNoise([ln.gradient_errors(h, n_tangents=n_tangents,
                                                 n_checked=n_checked, seed=s) for h in HIDDEN])


def gradient_noise_claims(seed: int) -> dict[str, float]:
    """The measured quantities of the claims on the forward gradient's error.

    ``jvp_error``: the largest ``|jvp - g.v| / ||g||`` over the checked directions and widths;
    ``perturbation_deviation``: the largest ``|perturbation error / forward error - 1|``;
    ``sum_z2``: the sum over widths of the squared z-scores ``((measured error - (d + 1)) /
    standard error)^2``, chi-square with ``len(HIDDEN)`` degrees of freedom if the error is
    ``d + 1`` at every width (to compare with :func:`chi2_bound`);
    ``largest_relative_deviation``: the largest ``|measured error / (d + 1) - 1|``;
    ``error_slope``: the log-log slope of the measured error against d."""
    noise = gradient_noise(seed)
    d = noise.dims
    return {
        "jvp_error": max(e.jvp_max_error for e in noise.errors),
        "perturbation_deviation": float(np.abs(noise.perturbation / noise.forward_checked
                                               - 1).max()),
        "sum_z2": float((((noise.mse - (d + 1)) / noise.se) ** 2).sum()),
        "largest_relative_deviation": float(np.abs(noise.mse / (d + 1) - 1).max()),
        "error_slope": ln.loglog_slope(d, noise.mse),
    }


# --- forward-only learning on whitened linear regression ----------------------------------


def crossing(curve: NDArray[np.float64], target: float) -> float:
    """The time at which a positive, decreasing-on-average ``curve`` (one value per step) first
    reaches ``target``, interpolating ``log curve`` linearly between the two steps around the
    crossing; ``inf`` if it never does. Unlike a whole number of steps, this has no rounding
    error of up to one step (7% of the 15 steps the smallest linear model needs)."""
    curve = np.asarray(curve, dtype=float)
    if not target > 0 or np.any(curve <= 0):
        raise ValueError("curve and target must be positive")
    t = ln.steps_to_reach(curve, target)
    if math.isinf(t) or t == 0:
        return t
    i = int(t)
    before, after = np.log(curve[i - 1]), np.log(curve[i])
    return float(i - 1 + (before - np.log(target)) / (before - after))


@dataclass(frozen=True)
class LinearRates:
    """Forward-gradient descent on :func:`unsup.learners.linear_task` for each size ``d`` (a
    key): the mean excess loss of ``LINEAR_RUNS`` runs over the initial one, the exact
    contraction ``rho`` per step, and the fraction of excess one backprop step leaves."""

    excess: dict[int, NDArray[np.float64]]
    rho: dict[int, float]
    backprop_after_one: dict[int, float]

    @property
    def sizes(self) -> NDArray[np.float64]:
        return np.array(list(self.excess), dtype=float)

    def steps_to_tenth(self) -> NDArray[np.float64]:
        """Measured steps until the mean excess falls to 10% of its initial value, interpolated
        between steps (:func:`crossing`)."""
        return np.array([crossing(e, 0.1) for e in self.excess.values()])

    def exact_steps_to_tenth(self) -> NDArray[np.float64]:
        """The same for the exact expectation ``rho ** t``: ``ln 0.1 / ln rho``."""
        return np.array([np.log(0.1) / np.log(r) for r in self.rho.values()])

    def after(self, steps: int) -> NDArray[np.float64]:
        """Measured mean excess (over the initial one) after ``steps`` steps, per size."""
        return np.array([e[steps] for e in self.excess.values()])

    def exact_after(self, steps: int) -> NDArray[np.float64]:
        """Its exact expectation, ``rho ** steps``."""
        return np.array([r ** steps for r in self.rho.values()])


@cache
def linear_rates(seed: int = 0) -> LinearRates:
    """Train the linear models of :data:`FEATURES` features: ``LINEAR_RUNS`` forward-gradient
    runs with the best rate ``1 / (2(d + 2))`` for ``LINEAR_STEPS`` steps, and one backprop
    step with rate 1/2 (cached)."""
    s = run_seed(seed)
    excess, rho, after_one = {}, {}, {}
    with torch_seeded(s):
        for f in FEATURES:
            task = ln.linear_task(f)
            d = f + 1
            fg = ln.train_regression(None, "forward", [1 / (2 * (d + 2))] * LINEAR_RUNS,
                                     steps=LINEAR_STEPS, task=task, seed=s)
            bp = ln.train_regression(None, "backprop", [0.5], steps=1, task=task, seed=s)
            mean = fg.loss.mean(0) - task.min_loss
            excess[d] = mean / mean[0]
            rho[d] = ln.forward_gradient_linear_rate(d)
            after_one[d] = float((bp.loss[0, 1] - task.min_loss) / (bp.loss[0, 0] - task.min_loss))
    return LinearRates(excess, rho, after_one)


def linear_rates_claims(seed: int) -> dict[str, float]:
    """The measured quantities of the claims on forward-only learning of linear models.

    ``backprop_left``: the largest fraction of the excess loss one backprop step leaves;
    ``steps_deviation``: the largest ``|measured / exact - 1|`` of the (interpolated) steps to
    10% excess; ``after_100_smallest_increase``: the smallest increase of the excess left
    after 100 steps from one size to the next; ``after_100_deviation``: the largest
    ``|measured / exact - 1|`` of that excess for d >= 65 (for smaller d the mean of
    ``LINEAR_RUNS`` runs is dominated by a tail of slow runs it rarely samples);
    ``steps_slope``: the log-log slope of the measured steps to 10% against d + 2."""
    lin = linear_rates(seed)
    measured, exact = lin.steps_to_tenth(), lin.exact_steps_to_tenth()
    after, exact_after = lin.after(100), lin.exact_after(100)
    large = lin.sizes >= 65
    return {
        "backprop_left": max(abs(v) for v in lin.backprop_after_one.values()),
        "steps_deviation": float(np.abs(measured / exact - 1).max()),
        "after_100_smallest_increase": float(np.diff(after).min()),
        "after_100_deviation": float(np.abs(after[large] / exact_after[large] - 1).max()),
        "steps_slope": ln.loglog_slope(lin.sizes + 2.0, measured),
    }


# --- small MLPs: backprop against the forward gradient ------------------------------------


@dataclass(frozen=True)
class MlpRuns:
    """For each width in :data:`WIDTHS` (a key): backprop and forward-gradient training curves
    (one copy per learning rate) and the tangent-kernel effective dimension at the start."""

    backprop: dict[int, ln.TrainingCurves]
    forward: dict[int, ln.TrainingCurves]
    d_eff: dict[int, float]

    @property
    def dims(self) -> NDArray[np.float64]:
        return np.array([c.n_params for c in self.backprop.values()], dtype=float)

    def final_losses(self, method: str) -> NDArray[np.float64]:
        """Final training MSE with the best rate, per width (``"backprop"`` or ``"forward"``)."""
        curves = self.backprop if method == "backprop" else self.forward
        return np.array([c.best[-1] for c in curves.values()])


@cache
def mlp_runs(seed: int = 0, steps: int = 300) -> MlpRuns:
    """Full-batch training of tanh MLPs of every width in :data:`WIDTHS` on
    :func:`unsup.learners.teacher_task` for ``steps`` steps, each learning rate of
    :data:`LR_BACKPROP` and :data:`LR_FORWARD` (cached)."""
    s = run_seed(seed)
    bp, fg, d_eff = {}, {}, {}
    with torch_seeded(s):
        for h in WIDTHS:
            bp[h] = ln.train_regression(h, "backprop", LR_BACKPROP, steps=steps, seed=s)
            fg[h] = ln.train_regression(h, "forward", LR_FORWARD, steps=steps, seed=s)
            d_eff[h] = ln.ntk_effective_dimension(h, seed=s)
    return MlpRuns(bp, fg, d_eff)


def mlp_claims(seed: int) -> dict[str, float]:
    """The measured quantities of the claims on small MLPs.

    ``log2_ratio_growth``: log2 of the loss ratio (forward gradient / backprop after
    training, each with its best rate) at the largest width over that ratio at the smallest;
    ``forward_span_over_backprop_span``: the forward gradient's final loss, largest over
    smallest across widths, divided by the same span of backprop's final loss;
    ``d_eff_fraction``: effective dimension over d at the largest width."""
    runs = mlp_runs(seed)
    ratio = runs.final_losses("forward") / runs.final_losses("backprop")
    fg, bp = runs.final_losses("forward"), runs.final_losses("backprop")
    widest = WIDTHS[-1]
    return {
        "log2_ratio_growth": float(np.log2(ratio[-1] / ratio[0])),
        "forward_span_over_backprop_span": float((fg.max() / fg.min()) / (bp.max() / bp.min())),
        "d_eff_fraction": runs.d_eff[widest] / runs.backprop[widest].n_params,
    }
