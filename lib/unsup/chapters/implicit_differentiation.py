r"""The chapter 'Many hyperparameters by implicit differentiation': its seeded experiments.

Every experiment of the chapter runs on sampled data or from a random start, and each is a
function ``experiment(seed) -> dict[str, float]`` returning, for one seed, the measured
quantity of every claim the notebook checks on it. The notebook and the multi-seed test
(``tests/seeds/test_implicit_differentiation.py``) call the same cached runs, so the claim
table and the stored spreads measure the same thing. Seed 0 is the run the chapter shows.

- :func:`ridge_claims` -- per-feature ridge regression on the synthetic data of
  :func:`unsup.figures.implicit_differentiation.ridge_problem` (drawn with the seed): the
  implicit hypergradient against its closed form, the convergence of conjugate gradients,
  of the Neumann series and of unrolling, the essay's divergent series, and tuning 20 weight
  decays by hypergradient descent;
- :func:`distillation` -- the digits split into validation and test sets by a seeded
  permutation; one synthetic image per class learned through the closed-form ridge fit;
- :func:`flat_valley` -- unrolled hypergradients from two random starts in a loss with a
  flat direction.

All torch work runs inside :func:`unsup.seeds.torch_seeded`, so a run is bit-identical on
one machine and leaves no global setting changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import torch
from sklearn.datasets import load_digits

from ..dynamics import hypergrad as hg
from ..figures.implicit_differentiation import ridge_problem, ridge_truth
from ..seeds import torch_seeded

__all__ = [
    "DECAY",
    "DistillRun",
    "FlatRun",
    "KS",
    "RATE_WINDOW",
    "RidgeRun",
    "distillation",
    "distillation_run",
    "flat_hypergradient_prediction",
    "flat_valley",
    "flat_valley_run",
    "ridge_claims",
    "ridge_run",
]

KS = np.arange(0, 201, 5)
"""Numbers of Hessian-vector products (or unrolled steps) compared."""

ESSAY_TERMS = (10, 20, 40)
"""Terms of the essay's series whose size is compared."""

RATE_WINDOW = (1e-12, 1e-6)
"""Range of Neumann errors over which the log rate is fitted."""

TUNING_STEPS = 300
"""Steps of hypergradient descent on the 20 log weight decays (step size 2)."""

DECAY = 0.1
"""Ridge penalty of the distillation experiment."""

FLAT_LAM = 1.0
"""Hyperparameter of the flat-valley loss."""


@dataclass(frozen=True)
class RidgeRun:
    """Everything the chapter computes on the per-feature ridge problem of one seed."""

    closed_form: torch.Tensor
    implicit: torch.Tensor
    finite_diff: np.ndarray
    scale: float
    eig: torch.Tensor
    alpha: float
    err_cg: np.ndarray
    err_neumann: np.ndarray
    err_unrolled: np.ndarray
    neumann_40: torch.Tensor
    from_optimum: torch.Tensor
    rate: float
    essay_sizes: np.ndarray
    correct: torch.Tensor
    essay: torch.Tensor
    essay_predicted: torch.Tensor
    history: np.ndarray
    lam: torch.Tensor
    shared_best: float
    bayes: float


@cache
def ridge_run(seed: int) -> RidgeRun:
    """The ridge experiments of the chapter on ``ridge_problem(seed)``, at lambda = -1."""
    problem = ridge_problem(seed)
    d = problem.x.shape[1]
    with torch_seeded(seed):
        lam0 = torch.full((d,), -1.0, dtype=torch.float64)
        theta_star = problem.optimum(lam0)
        closed_form = problem.hypergradient(lam0)
        implicit = hg.implicit_hypergradient(problem.train_loss, problem.val_loss, theta_star,
                                             lam0, "exact")
        finite_diff = hg.finite_difference_gradient(problem.val_at_optimum, lam0.numpy())

        hvp = hg.hessian_vector_product(problem.train_loss, theta_star, lam0)
        eig = torch.linalg.eigvalsh(hg.dense_hessian(hvp, d))
        alpha = 1 / eig.max().item()

        def rel_error(g: torch.Tensor) -> float:
            return ((g - closed_form).norm() / closed_form.norm()).item()

        def ift(method: str, k: int, **kw: float) -> torch.Tensor:
            return hg.implicit_hypergradient(problem.train_loss, problem.val_loss, theta_star,
                                             lam0, method, iters=int(k), **kw)

        err_cg = np.array([rel_error(ift("cg", k)) for k in KS])
        err_neumann = np.array([rel_error(ift("neumann", k, alpha=alpha)) for k in KS])
        err_unrolled = np.array([rel_error(hg.unrolled_hypergradient(
            problem.train_loss, problem.val_loss, torch.zeros(d, dtype=torch.float64), lam0,
            alpha, int(k))[0]) for k in KS])
        neumann_40 = ift("neumann", 40, alpha=alpha)
        from_optimum = hg.unrolled_hypergradient(problem.train_loss, problem.val_loss,
                                                 theta_star, lam0, alpha, 40)[0]
        # Fit where the error is past the first transient and above the rounding floor.
        window = (err_neumann > RATE_WINDOW[0]) & (err_neumann < RATE_WINDOW[1])
        rate = float(np.polyfit(KS[window], np.log(err_neumann[window]), 1)[0])
        essay_sizes = np.array([ift("essay_neumann", k).abs().max().item() for k in ESSAY_TERMS])

        lam_max = eig.max().item()

        def scaled_loss(theta: torch.Tensor, lam: torch.Tensor) -> torch.Tensor:
            return problem.train_loss(theta, lam) / lam_max

        correct = hg.implicit_hypergradient(scaled_loss, problem.val_loss, theta_star, lam0,
                                            "neumann", iters=2000, alpha=1.0)
        essay = hg.implicit_hypergradient(scaled_loss, problem.val_loss, theta_star, lam0,
                                          "essay_neumann", iters=2000)
        v = problem.xv.T @ (problem.xv @ theta_star - problem.yv) / problem.xv.shape[0]
        mixed_v = torch.exp(lam0) * theta_star * v / lam_max   # (d2 L_T / d theta d lambda)^T v

        lam = torch.zeros(d, dtype=torch.float64)
        history = [problem.val_at_optimum(lam)]
        for _ in range(TUNING_STEPS):
            lam = lam - 2.0 * problem.hypergradient(lam)
            history.append(problem.val_at_optimum(lam))
        bayes = problem.val_loss(torch.tensor(ridge_truth(seed, d))).item()
        shared_best = min(problem.val_at_optimum(torch.full((d,), g, dtype=torch.float64))
                          for g in np.linspace(-6, 4, 201))
    return RidgeRun(
        closed_form=closed_form, implicit=implicit, finite_diff=np.asarray(finite_diff),
        scale=closed_form.abs().max().item(), eig=eig, alpha=alpha, err_cg=err_cg,
        err_neumann=err_neumann, err_unrolled=err_unrolled,
        neumann_40=neumann_40,
        from_optimum=from_optimum, rate=rate, essay_sizes=essay_sizes, correct=correct,
        essay=essay, essay_predicted=closed_form + mixed_v, history=np.array(history),
        lam=lam, shared_best=float(shared_best), bayes=float(bayes))


def ridge_claims(seed: int) -> dict[str, float]:
    r"""The measured quantity of each ridge claim, for the data of one seed.

    Errors against the closed-form hypergradient are largest absolute entries divided by
    ``scale`` (its largest entry): ``ift_error``, ``fd_error``, ``unroll_vs_neumann``,
    ``correct_series_error``, ``essay_limit_error``. Then ``cg_error_20`` (relative error of
    CG after 20 products), ``rate_ratio`` (log rate of the Neumann error, fitted where it lies
    in :data:`RATE_WINDOW`, over :math:`\log(1-\alpha\lambda_\min)`), ``neumann_error_200``, ``unrolled_error_200``,
    ``lambda_max``, ``essay_log_growth`` (smallest log ratio of the essay series' size at
    10, 20, 40 terms), ``essay_relative_error``, ``tuning_rises`` (number of steps of hypergradient descent
    at which the validation loss rose), ``excess_removed`` (the share of
    the best shared weight decay's validation loss above that of the true weights which
    the 20 tuned decays remove), ``decay_separation`` (smallest irrelevant minus
    largest relevant log-decay).
    """
    r = ridge_run(seed)
    scale = r.scale
    return {
        "ift_error": (r.implicit - r.closed_form).abs().max().item() / scale,
        "fd_error": float(np.abs(r.finite_diff - r.closed_form.numpy()).max()) / scale,
        "cg_error_20": float(r.err_cg[KS == 20][0]),
        "rate_ratio": r.rate / float(np.log(1 - r.alpha * r.eig.min().item())),
        "neumann_error_200": float(r.err_neumann[-1]),
        "unroll_vs_neumann": (r.from_optimum - r.neumann_40).abs().max().item() / scale,
        "unrolled_error_200": float(r.err_unrolled[-1]),
        "lambda_max": r.eig.max().item(),
        "essay_log_growth": float(np.diff(np.log(r.essay_sizes)).min()),
        "correct_series_error": (r.correct - r.closed_form).abs().max().item() / scale,
        "essay_limit_error": (r.essay - r.essay_predicted).abs().max().item() / scale,
        "essay_relative_error": ((r.essay - r.closed_form).abs().max() / scale).item(),
        "tuning_rises": float((np.diff(r.history) > 0).sum()),
        "excess_removed": (r.shared_best - r.history[-1]) / (r.shared_best - r.bayes),
        "decay_separation": (r.lam[5:].min() - r.lam[:5].max()).item(),
    }


@dataclass(frozen=True)
class DistillRun:
    """The digits distillation of one seed (the seed permutes the digits)."""

    x_val: torch.Tensor
    y_val: torch.Tensor
    real_ten: torch.Tensor
    through_solve: torch.Tensor
    by_ift: torch.Tensor
    distilled: torch.Tensor
    losses: list[float]
    acc_real: float
    acc_distilled: float
    acc_all: float


@cache
def _digits() -> tuple[torch.Tensor, torch.Tensor]:
    images, labels = load_digits(return_X_y=True)
    return torch.tensor(images / 16.0), torch.tensor(labels)


@cache
def distillation_run(seed: int, steps: int = 300, lr: float = 0.05) -> DistillRun:
    """Split the digits by ``default_rng(seed).permutation``: 600 validation images, the
    last 597 for testing. Start from the first validation image of each class, learn 10
    images by Adam through the closed-form ridge fit, and measure test accuracies."""
    images, labels = _digits()
    order = np.random.default_rng(seed).permutation(len(labels))
    outer, test = order[:600], order[1200:]
    x_val, y_val, x_test, y_test = images[outer], labels[outer], images[test], labels[test]
    one_hot = torch.eye(10, dtype=torch.float64)
    first_of_class = [int(np.flatnonzero(y_val.numpy() == c)[0]) for c in range(10)]
    real_ten = x_val[first_of_class]

    def inner_loss(w_flat: torch.Tensor, pixels_flat: torch.Tensor) -> torch.Tensor:
        w, pixels = w_flat.reshape(64, 10), pixels_flat.reshape(10, 64)
        return 0.5 * ((pixels @ w - one_hot) ** 2).sum() + 0.5 * DECAY * (w**2).sum()

    def outer_loss(w_flat: torch.Tensor, pixels_flat: torch.Tensor | None) -> torch.Tensor:
        return 0.5 * ((x_val @ w_flat.reshape(64, 10) - one_hot[y_val]) ** 2).sum(1).mean()

    with torch_seeded(seed):
        pixels = real_ten.clone().requires_grad_(True)
        outer_loss(hg.ridge_fit(pixels, one_hot, DECAY).flatten(), None).backward()
        through_solve = pixels.grad.flatten()
        w_star = hg.ridge_fit(real_ten, one_hot, DECAY).flatten()
        by_ift = hg.implicit_hypergradient(inner_loss, outer_loss, w_star, real_ten.flatten(),
                                           "cg", iters=300)
        distilled, losses = hg.distill(x_val, y_val, 10, real_ten, DECAY, steps=steps, lr=lr)
        acc_real = hg.accuracy(hg.ridge_fit(real_ten, one_hot, DECAY), x_test, y_test)
        acc_distilled = hg.accuracy(hg.ridge_fit(distilled, one_hot, DECAY), x_test, y_test)
        acc_all = hg.accuracy(hg.ridge_fit(x_val, one_hot[y_val], DECAY), x_test, y_test)
    return DistillRun(x_val, y_val, real_ten, through_solve, by_ift, distilled, losses,
                      acc_real, acc_distilled, acc_all)


def distillation(seed: int) -> dict[str, float]:
    """Measured quantities of the distillation claims for one split of the digits.

    ``distill_ift_error``: largest difference between the gradient through the closed form and the
    IFT hypergradient, over the largest entry of the former; ``loss_ratio``: final over
    initial validation loss; ``gain_over_real``: test accuracy of the 10 distilled images
    minus that of the 10 real ones; ``gap_to_all``: test accuracy of a fit on all 600
    validation images minus that of the 10 distilled ones.
    """
    r = distillation_run(seed)
    return {
        "distill_ift_error": ((r.through_solve - r.by_ift).abs().max()
                      / r.through_solve.abs().max()).item(),
        "loss_ratio": r.losses[-1] / r.losses[0],
        "gain_over_real": r.acc_distilled - r.acc_real,
        "gap_to_all": r.acc_all - r.acc_distilled,
    }


@dataclass(frozen=True)
class FlatRun:
    """Unrolled hypergradients from two random starts in the flat valley."""

    starts: tuple[torch.Tensor, torch.Tensor]
    grads: tuple[float, float]
    end: torch.Tensor


def flat_train(theta: torch.Tensor, lam: torch.Tensor) -> torch.Tensor:
    """Training loss with a flat direction: only theta_0 + theta_1 is pinned (to lambda)."""
    return 0.5 * (theta[0] + theta[1] - lam[0]) ** 2


def flat_val(theta: torch.Tensor, lam: torch.Tensor) -> torch.Tensor:
    """Validation loss of the flat valley."""
    return 0.5 * (theta[0] - 2 * theta[1]) ** 2


@cache
def flat_valley_run(seed: int) -> FlatRun:
    """200 unrolled steps (step 0.3) from the standard normal starts drawn by the generators
    seeded ``2 * seed`` and ``2 * seed + 1`` (seed 0: generators 0 and 1)."""
    lam = torch.tensor([FLAT_LAM], dtype=torch.float64)
    starts, grads = [], []
    with torch_seeded(seed):
        for s in (2 * seed, 2 * seed + 1):
            start = torch.randn(2, generator=torch.Generator().manual_seed(s),
                                dtype=torch.float64)
            g, end = hg.unrolled_hypergradient(flat_train, flat_val, start, lam, 0.3, 200)
            starts.append(start)
            grads.append(g.item())
    return FlatRun((starts[0], starts[1]), (grads[0], grads[1]), end)


def flat_hypergradient_prediction(start: torch.Tensor, lam: float = FLAT_LAM) -> float:
    r"""The unrolled hypergradient once gradient descent has converged in the valley.

    Descent fixes :math:`\theta_0 + \theta_1 = \lambda` and keeps the start's flat coordinate
    :math:`p = (s_0 - s_1)/2`, so :math:`\theta = (\lambda/2 + p, \lambda/2 - p)`,
    :math:`d\theta/d\lambda = (1/2, 1/2)` and
    :math:`dL_V/d\lambda = -\tfrac12(\theta_0 - 2\theta_1) = \lambda/4 - 3p/2`.
    """
    p = (float(start[0]) - float(start[1])) / 2
    return lam / 4 - 1.5 * p


def flat_valley(seed: int) -> dict[str, float]:
    """``difference_ratio``: the difference of the two starts' hypergradients over the
    difference predicted by :func:`flat_hypergradient_prediction`."""
    r = flat_valley_run(seed)
    predicted = (flat_hypergradient_prediction(r.starts[0])
                 - flat_hypergradient_prediction(r.starts[1]))
    return {"difference_ratio": (r.grads[0] - r.grads[1]) / predicted}
