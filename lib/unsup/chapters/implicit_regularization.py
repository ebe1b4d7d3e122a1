r"""The chapter 'The implicit regularizer of gradient descent': its sampled experiments, per seed.

The orders of convergence of gradient descent and of the mean SGD epoch are deterministic
(exact averages over the orders of an epoch, flows solved to a tight tolerance) and need no
seeds. Two experiments sample, and each is a function ``experiment(seed) -> dict[str,
float]`` returning, for one seed, the measured quantity of every claim the notebook checks
on it. The notebook and the multi-seed test (``tests/seeds/test_implicit_regularization.py``)
call the same functions, so the claim table and the stored spreads measure the same thing.

- :func:`variance_identity` -- at :data:`N_PROBES` random points, the SGD-modified loss minus
  the GD-modified loss against :math:`\frac\epsilon4` times the variance of the minibatch
  gradients, and against the essay's literal formula;
- :func:`two_minima` -- :data:`N_RUNS` runs of SGD with random reshuffling and of full-batch
  descent on :class:`unsup.dynamics.flows.TwoMinima`, from random starts around the barrier,
  at the step sizes :data:`RATES`: which minimum they end in, and how well the basin boundary
  of the SGD-modified loss predicts it.

Seed 0 is the run the chapter shows. The runs are cached, so claims and figures share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq

from ..dynamics import flows as fl

__all__ = [
    "N_PROBES",
    "N_RUNS",
    "PROBE_EPS",
    "PREDICTED_RATES",
    "RATES",
    "RUN_TIME",
    "TILTS",
    "TwoMinimaRuns",
    "basin_boundary",
    "probe_points",
    "probe_terms",
    "run_seeds",
    "share_se",
    "two_minima",
    "two_minima_runs",
    "valley_batches",
    "variance_identity",
]

TILTS: tuple[tuple[float, ...], ...] = ((0.5, -0.3, 0.8), (-0.2, 0.6, -0.5), (-0.3, -0.3, -0.3))
r"""Rows :math:`(a_k, b_k, d_k)` of the three minibatch losses
:math:`\hat C_k = C + a_k x + b_k y + d_k xy` of the valley (each column sums to zero)."""

N_PROBES = 50
"""Random points at which the variance identity is checked."""

PROBE_EPS = 0.1
"""Step size at which the modified losses are compared."""

RATES: tuple[float, ...] = (0.05, 0.1, 0.2)
"""Step sizes of the two-minima runs."""

PREDICTED_RATES: tuple[float, ...] = (0.05, 0.1)
"""Step sizes at which the basin boundary of the SGD-modified loss is claimed to predict
where SGD ends (at 0.2 it is known to be optimistic)."""

N_RUNS = 4000
"""Runs per step size, started uniformly in [-0.5, 0.5]."""

RUN_TIME = 40.0
"""Time (step size times number of steps) every run is trained for."""


def valley_batches() -> list[fl.Loss]:
    """The three minibatch losses of :data:`TILTS` (:func:`unsup.dynamics.flows.valley_minibatches`)."""
    return fl.valley_minibatches(np.array(TILTS))


def probe_points(seed: int) -> NDArray[np.float64]:
    """:data:`N_PROBES` points uniform in [-1.5, 1.5]², drawn with numpy seed ``seed``."""
    return np.random.default_rng(seed).uniform(-1.5, 1.5, size=(N_PROBES, 2))


def probe_terms(seed: int) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    r"""At the probe points of ``seed``: :math:`\tilde C_{SGD} - \tilde C_{GD}` at step
    :data:`PROBE_EPS`, the minibatch gradient variance
    :math:`\frac1m\sum_k \lVert\nabla\hat C_k - \nabla C\rVert^2`, and the essay's literal
    form :math:`\frac1m\sum_k \lVert\nabla\hat C_k - C\rVert^2` (a loss value subtracted
    from every gradient component)."""
    batches = valley_batches()
    full = fl.mean_loss(batches)
    probe = probe_points(seed)
    extra = np.array([fl.sgd_modified_value(batches, PROBE_EPS, w)
                      - fl.gd_modified_value(full, PROBE_EPS, w) for w in probe])
    variance = np.array([fl.minibatch_gradient_variance(batches, w) for w in probe])
    essay_form = np.array([np.mean([np.sum((b.grad(w) - full.value(w)) ** 2) for b in batches])
                           for w in probe])
    return extra, variance, essay_form


def variance_identity(seed: int) -> dict[str, float]:
    r"""The claims of the probe experiment for one seed, both relative to the largest
    :math:`|\tilde C_{SGD} - \tilde C_{GD}|` over the probe points:

    - ``identity_error``: the largest gap between :math:`\tilde C_{SGD} - \tilde C_{GD}` and
      :math:`\frac\epsilon4` times the minibatch gradient variance (rounding error only);
    - ``essay_form_log10_gap``: :math:`\log_{10}` of the largest gap when the essay's literal
      form replaces the variance (on a log scale, because the largest gap over random points
      varies over seeds by a factor of several).
    """
    extra, variance, essay_form = probe_terms(seed)
    scale = np.abs(extra).max()
    return {
        "identity_error": float(np.abs(PROBE_EPS / 4 * variance - extra).max() / scale),
        "essay_form_log10_gap": float(np.log10(np.abs(PROBE_EPS / 4 * essay_form - extra).max()
                                               / scale)),
    }


def run_seeds(seed: int) -> tuple[int, int]:
    """Two independent integer seeds derived from ``seed`` (numpy ``SeedSequence``): one for
    the starts, one for the SGD orders."""
    starts_seed, order_seed = np.random.SeedSequence(seed).generate_state(2)
    return int(starts_seed), int(order_seed)


def share_se(n: int) -> float:
    """The largest standard error of a share estimated from ``n`` independent runs,
    :math:`\\sqrt{1/4 / n}` (binomial, at a share of 1/2)."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    return float(np.sqrt(0.25 / n))


def basin_boundary(problem: fl.TwoMinima, eps: float) -> float:
    r"""The root :math:`w^\star` in (-1, 1.5) of the derivative of the SGD-modified loss: the
    point where the basins of :math:`\tilde C_{SGD}` meet."""
    return float(brentq(lambda w: problem.sgd_modified_grad(w, eps), -1.0, 1.5))


@dataclass(frozen=True)
class TwoMinimaRuns:
    """The runs of one seed; dicts are keyed by step size (the entries of :data:`RATES`)."""

    starts: NDArray[np.float64]
    ends_sgd: dict[float, NDArray[np.float64]]
    ends_gd: dict[float, NDArray[np.float64]]
    predicted: dict[float, float]
    """Share of starts left of the basin boundary of the SGD-modified loss."""

    def share_sgd(self) -> NDArray[np.float64]:
        """Share of SGD runs ending in the agreeing minimum (w < 0), per step size."""
        return np.array([np.mean(self.ends_sgd[lr] < 0) for lr in RATES])

    def share_gd(self) -> NDArray[np.float64]:
        """Share of full-batch runs ending at w < 0, per step size."""
        return np.array([np.mean(self.ends_gd[lr] < 0) for lr in RATES])


@cache
def two_minima_runs(seed: int = 0) -> TwoMinimaRuns:
    """:data:`N_RUNS` starts uniform in [-0.5, 0.5]; from each, SGD with random reshuffling
    (:func:`unsup.dynamics.flows.reshuffled_sgd`, one epoch = four steps) and full-batch
    descent, both for time :data:`RUN_TIME`, at every step size of :data:`RATES`. Seeds from
    :func:`run_seeds`. Cached per seed."""
    problem = fl.TwoMinima()
    starts_seed, order_seed = run_seeds(seed)
    starts = np.random.default_rng(starts_seed).uniform(-0.5, 0.5, N_RUNS)
    m = len(problem.tilts)
    ends_sgd, ends_gd, predicted = {}, {}, {}
    for lr in RATES:
        ends_sgd[lr] = fl.reshuffled_sgd(problem, starts, lr, epochs=int(RUN_TIME / lr / m),
                                         seed=order_seed)
        ends_gd[lr] = fl.full_batch_gd(problem, starts, lr, steps=int(RUN_TIME / lr))
        predicted[lr] = float(np.mean(starts < basin_boundary(problem, lr)))
    return TwoMinimaRuns(starts, ends_sgd, ends_gd, predicted)


def two_minima(seed: int) -> dict[str, float]:
    """The claims of the two-minima experiment for one seed:

    - ``gd_split_gap``: the largest, over step sizes, difference between the share of
      full-batch runs ending at w < 0 and the share of starts below 0 (0: GD stays in the
      basin it starts in);
    - ``smallest_sgd_lead``: the smallest, over step sizes, excess of the SGD share over the
      GD share, in units of :func:`share_se` of :data:`N_RUNS` runs;
    - ``prediction_gap``: the largest, over :data:`PREDICTED_RATES`, absolute difference
      between the SGD share and the share predicted by the basin boundary.
    """
    runs = two_minima_runs(seed)
    share_sgd, share_gd = runs.share_sgd(), runs.share_gd()
    below = [i for i, lr in enumerate(RATES) if lr in PREDICTED_RATES]
    predicted = np.array([runs.predicted[RATES[i]] for i in below])
    return {
        "gd_split_gap": float(np.abs(share_gd - np.mean(runs.starts < 0)).max()),
        "smallest_sgd_lead": float(((share_sgd - share_gd) / share_se(N_RUNS)).min()),
        "prediction_gap": float(np.abs(share_sgd[below] - predicted).max()),
    }
