r"""The chapter 'Scale invariance and exponential learning rates': its seeded experiments.

Most of the chapter is deterministic arithmetic (gradient descent from the essay's start,
the exact and the off-by-one schedules) and needs no seeds. Two experiments do depend on
chance, and each is a function ``experiment(seed) -> dict[str, float]`` returning, for one
seed, the measured quantity of every claim the notebook checks on it. The notebook and the
multi-seed test (``tests/seeds/test_exponential_learning_rates.py``) call the same
functions, so the claim table and the stored spreads measure the same thing.

- :func:`gradient_identities` -- the two facts about gradients of a scale-invariant loss
  and the closed-form gradient, checked at :data:`N_POINTS` random points: each quantity is
  the worst case over the points, so it depends on which points were drawn.
- :func:`rounding_gaps` -- the exact schedule reproduces the weight-decay path to rounding
  level; how small that level is depends on the rounding errors of one run, so we measure it
  from the essay's start (seed 0) and from starts perturbed by a relative :data:`JITTER`
  (seeds 1, 2, ...), each a different pattern of rounding errors, as on another processor.
- :func:`chaotic_horizons` -- in the chaotic regime (:math:`\lambda = 1`) the exact schedule
  and the weight-decay path separate once rounding errors, amplified by the dynamics, reach
  :data:`GAP`. When that happens depends on the last bits of every float, i.e. on the
  processor: a single run's horizon is one draw from a wide distribution. We therefore
  measure the horizons over :data:`N_STARTS` starting points that differ from the essay's
  by a relative :data:`JITTER` (each a different pattern of rounding errors) and claim
  only ensemble means.

Seed 0 is the run the chapter shows.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

from ..dynamics import scale as sc

__all__ = [
    "GAP",
    "JITTER",
    "LOSS",
    "LR",
    "N_POINTS",
    "N_STARTS",
    "START",
    "WILD",
    "WILD_STEPS",
    "CALM",
    "CALM_STEPS",
    "chaotic_horizons",
    "finite_difference_grad",
    "gradient_identities",
    "horizon_ratio_prediction",
    "jittered_starts",
    "rounding_gaps",
    "schedule_gaps",
]

LOSS = sc.AngularLoss()
r"""The scale-invariant loss :math:`f(\phi) = \sin 3\phi + \tfrac12\cos 5\phi`."""

START: tuple[float, float] = (-0.7, 0.7)
"""The essay's starting point."""

LR = 0.1
"""Learning rate of every run in the chapter."""

N_POINTS = 1000
"""Random points at which the gradient identities are checked."""

FD_STEP = 1e-6
"""Step of the central finite differences."""

CALM = 0.1
"""Weight decay of the calm regime."""

CALM_STEPS = 3000
"""Steps run in the calm regime."""

WILD = 1.0
"""Weight decay of the chaotic regime."""

WILD_STEPS = 400
"""Steps run in the chaotic regime."""

GAP = 1e-3
"""Angle gap (rad) at which two paths count as separated."""

N_STARTS = 16
"""Jittered starting points per seed in :func:`chaotic_horizons`."""

JITTER = 1e-9
"""Relative size of the perturbation of the essay's start."""


def finite_difference_grad(w: NDArray, h: float = FD_STEP) -> NDArray:
    """Central finite differences of the loss at points ``w`` (shape (n, 2)), step ``h``."""
    if not h > 0:
        raise ValueError(f"h must be > 0, got {h}")
    w = np.asarray(w, dtype=float)
    return np.stack([(LOSS.value(w + h * e) - LOSS.value(w - h * e)) / (2 * h)
                     for e in np.eye(w.shape[-1])], axis=-1)


def gradient_identities(seed: int, n_points: int = N_POINTS) -> dict[str, float]:
    r"""Worst cases, over ``n_points`` standard normal points, of four gradient identities.

    - ``fd_relative_error``: largest :math:`\|g_\mathrm{fd} - \nabla L\|_\infty/\|\nabla L\|`,
      the closed-form gradient against central finite differences (step :data:`FD_STEP`);
    - ``orthogonality``: largest :math:`|\cos\angle(\nabla L(w), w)|`;
    - ``scaling_tolerance_used``: largest :math:`|\nabla L(cw) - \nabla L(w)/c|` per component
      as a fraction of the tolerance :math:`10^{-12} + 10^{-9}|\nabla L(w)/c|`, with
      :math:`c` uniform in [0.1, 10];
    - ``norm_relative_error``: largest relative error of
      :math:`\|\nabla L(w)\| = |f'(\phi)|/\|w\|`.
    """
    rng = np.random.default_rng(seed)
    points = rng.normal(size=(n_points, 2))
    scales = rng.uniform(0.1, 10, size=(n_points, 1))
    grads = LOSS.grad(points)
    radii = np.linalg.norm(points, axis=1)
    grad_norms = np.linalg.norm(grads, axis=1)
    cosines = np.sum(grads * points, axis=1) / (grad_norms * radii)
    fd_error = np.abs(finite_difference_grad(points) - grads).max(axis=1) / grad_norms
    expected = grads / scales
    scaling = np.abs(LOSS.grad(scales * points) - expected) / (1e-12 + 1e-9 * np.abs(expected))
    angles = np.arctan2(points[:, 1], points[:, 0])
    norm_formula = np.abs(LOSS.slope(angles)) / radii
    return {
        "fd_relative_error": float(fd_error.max()),
        "orthogonality": float(np.abs(cosines).max()),
        "scaling_tolerance_used": float(scaling.max()),
        "norm_relative_error": float((np.abs(grad_norms - norm_formula) / norm_formula).max()),
    }


def schedule_gaps(start: NDArray | tuple[float, float], weight_decay: float, n_steps: int,
                  dtype: type = np.float64, offset: int = 1) -> NDArray:
    r"""Angle gap, step by step, between the weight-decay path and the renormalized path of
    the schedule :math:`\eta\rho^{-(2t + \mathrm{offset})}`, both computed in ``dtype``."""
    decay_path = sc.gd_weight_decay(LOSS, start, LR, weight_decay, n_steps, dtype)
    lrs = sc.exponential_schedule(LR, weight_decay, n_steps, dtype, offset=offset)
    grown = sc.gd_schedule(LOSS, start, lrs, dtype)
    return sc.angle_gap(decay_path, sc.renormalize(grown, LR, weight_decay))


def jittered_starts(seed: int, n_starts: int = N_STARTS, jitter: float = JITTER) -> NDArray:
    """``n_starts`` copies of :data:`START`, each coordinate scaled by 1 + jitter * N(0, 1)."""
    rng = np.random.default_rng(seed)
    return np.asarray(START) * (1 + jitter * rng.standard_normal((n_starts, 2)))


def horizon_ratio_prediction(gap: float = GAP) -> float:
    r"""Predicted ratio of the 80-bit to the float64 horizon.

    If the gap starts at the unit roundoff :math:`u` and grows by a fixed factor per step,
    the horizon is proportional to :math:`\log(\mathrm{gap}/u)`; the ratio of the two
    precisions is :math:`\log(\mathrm{gap}/u_{80})/\log(\mathrm{gap}/u_{64})`.
    """
    u64 = float(np.finfo(np.float64).eps) / 2
    u80 = float(np.finfo(np.longdouble).eps) / 2
    return float(np.log(gap / u80) / np.log(gap / u64))


@cache
def _horizons(start: tuple[float, float]) -> tuple[int, int, int]:
    """Steps until the gap exceeds :data:`GAP` for one start, chaotic regime: exact schedule
    in float64, exact schedule in 80 bits, and the float64 against the 80-bit weight-decay
    path."""
    horizon_64 = sc.steps_until(schedule_gaps(start, WILD, WILD_STEPS, np.float64), GAP)
    horizon_80 = sc.steps_until(schedule_gaps(start, WILD, WILD_STEPS, np.longdouble), GAP)
    repro = sc.angle_gap(sc.gd_weight_decay(LOSS, start, LR, WILD, WILD_STEPS),
                         sc.gd_weight_decay(LOSS, start, LR, WILD, WILD_STEPS, np.longdouble))
    return horizon_64, horizon_80, sc.steps_until(repro, GAP)


def chaotic_horizons(seed: int) -> dict[str, float]:
    r"""Mean separation horizons over :data:`N_STARTS` jittered starts (chaotic regime).

    - ``horizon_float64``: mean steps until the exact schedule's float64 path is
      :data:`GAP` away in angle from the float64 weight-decay path;
    - ``horizon_repro``: mean steps until the float64 weight-decay path is :data:`GAP`
      away from the same path computed in 80-bit arithmetic;
    - ``horizon_ratio``: mean 80-bit horizon of the exact schedule over ``horizon_float64``;
    - ``repro_ratio``: ``horizon_float64 / horizon_repro``.

    Every horizon must stay below :data:`WILD_STEPS`, or it would be censored.
    """
    found = np.array([_horizons(tuple(float(x) for x in s)) for s in jittered_starts(seed)],
                     dtype=float)
    if (found >= WILD_STEPS).any():
        raise RuntimeError(f"a horizon reached the end of the run ({WILD_STEPS} steps)")
    h64, h80, repro = found.mean(axis=0)
    return {
        "horizon_float64": float(h64),
        "horizon_repro": float(repro),
        "horizon_ratio": float(h80 / h64),
        "repro_ratio": float(h64 / repro),
    }


def rounding_gaps(seed: int) -> dict[str, float]:
    r"""Largest angle gaps (rad) between the exact schedule and the weight-decay path, float64.

    Seed 0 starts at :data:`START`; seed ``k > 0`` at ``jittered_starts(k, 1)[0]``.

    - ``calm_gap``: over :data:`CALM_STEPS` steps with weight decay :data:`CALM`;
    - ``wild_gap_50``: over the first 50 steps with weight decay :data:`WILD`.
    """
    start = np.asarray(START) if seed == 0 else jittered_starts(seed, 1)[0]
    return {
        "calm_gap": float(schedule_gaps(start, CALM, CALM_STEPS).max()),
        "wild_gap_50": float(schedule_gaps(start, WILD, 50).max()),
    }
