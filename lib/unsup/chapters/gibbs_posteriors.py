r"""Experiments of the chapter 'Belief updates without belief: Gibbs posteriors'.

Serves ``notebooks/essays/gibbs_posteriors.ipynb``. Every experiment of the chapter runs on
random data: normal observations for the conjugate check, Student-t samples for the
posterior over the median, small normal samples for coherence, max pooling and the reverse
KL, random perturbations for the variational principle, and 200 samples for the PAC-Bayes
bound. Each experiment draws from its own generator, seeded ``[seed, k]`` with a fixed
``k`` per experiment, so no random state passes from one experiment (or notebook cell) to
the next.

Each experiment has a function ``<experiment>(seed)`` (cached) returning what the chapter
shows for one seed, and ``<experiment>_claims(seed) -> dict[str, float]`` returning the
measured quantity of each claim check on it. The notebook checks seed 0; the multi-seed test
(``tests/seeds/test_gibbs_posteriors.py``) runs the same functions for seeds 0 to 4 and
stores the spreads the chapter quotes. Identities (a grid posterior against a closed form,
two orders of updating) are measured as a deviation that must stay at rounding level for
every seed; statistical claims (spreads of the posterior over the median, the bootstrap,
the reverse KL's incoherence) as a ratio to their prediction or a distance with a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq
from scipy.stats import norm
from scipy.stats import t as student_t

from .. import bounds as b
from .. import divergences as dv
from .. import gibbs as g

__all__ = [
    "F_MEDIAN",
    "GRID",
    "MEDIAN_N",
    "MEDIAN_REPEATS",
    "PB_DELTA",
    "PB_LAMBDA",
    "PB_N",
    "PB_OTHER_RATES",
    "PB_SAMPLES",
    "STEP",
    "W_CALIBRATED",
    "Coherence",
    "MaxPooling",
    "MedianStudy",
    "PacBayes",
    "Variational",
    "clipped_absolute_loss",
    "coherence",
    "coherence_claims",
    "conjugate",
    "conjugate_claims",
    "discretized_normal",
    "limits",
    "limits_claims",
    "max_pooling",
    "max_pooling_claims",
    "median_claims",
    "median_study",
    "pac_bayes",
    "pac_bayes_claims",
    "pb_true_risk",
    "reverse_kl_update",
    "variational",
    "variational_claims",
]

GRID = np.linspace(-4.0, 6.0, 4001)
STEP = float(GRID[1] - GRID[0])


def _rng(seed: int, experiment: int) -> np.random.Generator:
    """The generator of one experiment for one seed (independent of every other pair)."""
    return np.random.default_rng([int(seed), experiment])


def discretized_normal(mean: float, var: float, grid: NDArray = GRID) -> NDArray[np.float64]:
    """Masses of N(mean, var) on ``grid``, proportional to the density and summing to 1."""
    if not (np.isfinite(var) and var > 0):
        raise ValueError(f"var must be a finite number > 0, got {var!r}")
    mass = norm.pdf(grid, mean, np.sqrt(var))
    return mass / mass.sum()


# --- log loss: Bayes' rule and power posteriors --------------------------------------------

CONJUGATE_RATES = (1.0, 0.3, 3.0)


@lru_cache(maxsize=8)
def conjugate(seed: int) -> NDArray[np.float64]:
    """Grid Gibbs posterior with the Gaussian log loss against the conjugate normal posterior.

    25 observations from N(1.3, 1), prior N(0, 4). One row per learning rate of
    CONJUGATE_RATES: grid mean, grid sd, conjugate mean, conjugate sd, and the total
    variation between the grid posterior and the discretized conjugate normal.
    """
    x = _rng(seed, 1).normal(1.3, 1.0, 25)
    prior = discretized_normal(0.0, 4.0)
    rows = []
    for w in CONJUGATE_RATES:
        post = g.gibbs_posterior(GRID, x, g.gaussian_log_loss(1.0), w, prior)
        mean, var = g.gibbs_gaussian(x, 1.0, 0.0, 4.0, w)
        rows.append((*g.grid_mean_sd(GRID, post), mean, np.sqrt(var),
                     dv.tv(post, discretized_normal(mean, var))))
    return np.array(rows)


def conjugate_claims(seed: int) -> dict[str, float]:
    """Deviations of the grid posterior from the closed form (claims: rounding level)."""
    rows = conjugate(seed)
    return {
        "conjugate_mean_error": float(abs(rows[0, 0] - rows[0, 2])),
        "conjugate_sd_relative_error": float(abs(rows[0, 1] - rows[0, 3]) / rows[0, 3]),
        "power_mean_error": float(np.abs(rows[1:, 0] - rows[1:, 2]).max()),
        "conjugate_largest_tv": float(rows[:, 4].max()),
    }


# --- a posterior over the median -----------------------------------------------------------

MEDIAN_N, MEDIAN_REPEATS = 401, 40  # odd n: a unique sample median
MEDIAN_BOOTSTRAP = 1000
MEDIAN_SAMPLING_REPEATS = 2000
F_MEDIAN = float(student_t.pdf(0.0, 3))
"""Density of 1 + Student-t(3) at its median 1."""
W_CALIBRATED = 2 * F_MEDIAN
"""The learning rate at which the posterior sd matches the sampling sd of the median."""


@dataclass(frozen=True)
class MedianStudy:
    """The posterior over the median on MEDIAN_REPEATS samples of 1 + Student-t(3)."""

    samples: NDArray[np.float64]  # (MEDIAN_REPEATS, MEDIAN_N)
    sd_w1: NDArray[np.float64]  # posterior sd with w = 1, per sample
    sd_calibrated: NDArray[np.float64]  # posterior sd with w = 2 f(m), per sample
    bootstrap_sd: NDArray[np.float64]  # bootstrap sd of the sample median, per sample
    modes: NDArray[np.float64]  # posterior mode (w = 1), per sample
    sampling_sd: float  # sd of the sample median over MEDIAN_SAMPLING_REPEATS fresh samples
    first_posteriors: tuple[NDArray[np.float64], NDArray[np.float64]]  # sample 0: w = 1, 2f(m)
    first_bootstrap: NDArray[np.float64]  # sample 0: the bootstrap medians

    @property
    def asymptotic_posterior_sd(self) -> float:
        r""":math:`1/\sqrt{2 w n f(m)}` with :math:`w = 1`."""
        return float(1 / np.sqrt(2 * MEDIAN_N * F_MEDIAN))

    @property
    def asymptotic_median_sd(self) -> float:
        r""":math:`1/(2 f(m)\sqrt n)`, the sampling sd of the sample median."""
        return float(1 / (2 * F_MEDIAN * np.sqrt(MEDIAN_N)))


@lru_cache(maxsize=8)
def median_study(seed: int) -> MedianStudy:
    """Gibbs posteriors with |x - θ| and a flat prior on MEDIAN_REPEATS samples of size 401.

    For each sample: the posterior with w = 1 and with w = 2 f(m) on GRID, its sd and mode,
    and the sd of MEDIAN_BOOTSTRAP bootstrap medians (bootstrap seed
    ``seed * MEDIAN_REPEATS + i`` for sample ``i``). Also the sd of the sample median over
    MEDIAN_SAMPLING_REPEATS fresh samples, the sampling spread the bootstrap estimates.
    """
    rng = _rng(seed, 2)
    flat = np.full(GRID.size, 1 / GRID.size)
    samples = 1.0 + rng.standard_t(3, (MEDIAN_REPEATS, MEDIAN_N))
    sd_w1, sd_cal, boot_sd, modes = [], [], [], []
    first: tuple[NDArray, NDArray, NDArray] | None = None
    for i, x in enumerate(samples):
        post_1 = g.gibbs_posterior(GRID, x, g.absolute_loss, 1.0, flat)
        post_c = g.gibbs_posterior(GRID, x, g.absolute_loss, W_CALIBRATED, flat)
        boot = g.bootstrap_medians(x, reps=MEDIAN_BOOTSTRAP, seed=seed * MEDIAN_REPEATS + i)
        sd_w1.append(g.grid_mean_sd(GRID, post_1)[1])
        sd_cal.append(g.grid_mean_sd(GRID, post_c)[1])
        boot_sd.append(boot.std())
        modes.append(GRID[post_1.argmax()])
        if first is None:
            first = (post_1, post_c, boot)
    assert first is not None
    sampling = np.median(1.0 + rng.standard_t(3, (MEDIAN_SAMPLING_REPEATS, MEDIAN_N)), axis=1)
    return MedianStudy(samples, np.array(sd_w1), np.array(sd_cal), np.array(boot_sd),
                       np.array(modes), float(sampling.std()), first[:2], first[2])


def median_claims(seed: int) -> dict[str, float]:
    """The claims on the posterior over the median, for one seed.

    - ``mode_largest_offset``: largest |posterior mode - sample median| (claim: <= one step);
    - ``posterior_sd_ratio``: mean posterior sd (w = 1) / (1/sqrt(2 n f(m))) (claim: 1 ± 0.1);
    - ``sampling_sd_ratio``: sd of the sample median / (1/(2 f(m) sqrt n)) (claim: 1 ± 0.1);
    - ``bootstrap_sd_ratio``: mean bootstrap sd / (1/(2 f(m) sqrt n)) (claim: 1 ± 0.1);
    - ``calibrated_over_bootstrap``: mean of posterior sd (w = 2 f(m)) / bootstrap sd
      (claim: 1 ± 0.15).
    """
    m = median_study(seed)
    return {
        "mode_largest_offset": float(np.abs(m.modes - np.median(m.samples, axis=1)).max()),
        "posterior_sd_ratio": float(m.sd_w1.mean() / m.asymptotic_posterior_sd),
        "sampling_sd_ratio": m.sampling_sd / m.asymptotic_median_sd,
        "bootstrap_sd_ratio": float(m.bootstrap_sd.mean() / m.asymptotic_median_sd),
        "calibrated_over_bootstrap": float(np.mean(m.sd_calibrated / m.bootstrap_sd)),
    }


# --- the two limits of the learning rate ---------------------------------------------------

LIMIT_POINTS = 15


def limits(seed: int) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """Posteriors with w = 1e-4 and w = 1e3 on the first 15 points of the first median sample.

    Prior N(-1, 4) on GRID, loss |x - θ|. Returns (data, prior, tiny-w posterior,
    huge-w posterior).
    """
    x = median_study(seed).samples[0, :LIMIT_POINTS]
    prior = discretized_normal(-1.0, 4.0)
    tiny = g.gibbs_posterior(GRID, x, g.absolute_loss, 1e-4, prior)
    huge = g.gibbs_posterior(GRID, x, g.absolute_loss, 1e3, prior)
    return x, prior, tiny, huge


def limits_claims(seed: int) -> dict[str, float]:
    """``small_w_tv``: TV(posterior at w = 1e-4, prior) (claim: <= 0.01);
    ``large_w_offset``: |posterior mean at w = 1e3 - sample median| (claim: <= 2 steps)."""
    x, prior, tiny, huge = limits(seed)
    return {
        "small_w_tv": float(dv.tv(tiny, prior)),
        "large_w_offset": float(abs(g.grid_mean_sd(GRID, huge)[0] - np.median(x))),
    }


# --- coherence of the sum rule, and the reverse KL ------------------------------------------

COHERENCE_RATE = 0.8


def reverse_kl_update(data: ArrayLike, belief: NDArray, w: float = COHERENCE_RATE,
                      grid: NDArray = GRID) -> NDArray[np.float64]:
    r"""Minimizer of :math:`w\,\mathbb E_\nu[\sum_i |x_i - \theta|] + \mathrm{KL}(\text{belief}\Vert\nu)`.

    Stationarity gives :math:`\nu_j = \pi_j / (w L_j + \lambda)`, with :math:`\lambda` found
    by root finding so that the masses sum to one (``belief`` must sum to one).
    """
    pi = np.asarray(belief, dtype=float)
    if not np.isclose(pi.sum(), 1.0) or np.any(pi < 0):
        raise ValueError("belief must be a probability vector over the grid")
    loss = w * g.loss_matrix(grid, data, g.absolute_loss).sum(axis=1)

    def excess_mass(lam: float) -> float:
        return float(np.sum(pi / (loss + lam)) - 1.0)

    lam = brentq(excess_mass, -loss.min() + 1e-12, loss.max() + 10.0)
    nu = pi / (loss + lam)
    return nu / nu.sum()


@dataclass(frozen=True)
class Coherence:
    """Sequential, reversed and batch updates on x1 (3 points) and x2 (2 points)."""

    x1: NDArray[np.float64]
    x2: NDArray[np.float64]
    prior: NDArray[np.float64]
    gibbs: tuple[NDArray, NDArray, NDArray]  # x1 then x2, x2 then x1, all at once
    reverse_kl: tuple[NDArray, NDArray, NDArray]  # the same three with the reverse KL


@lru_cache(maxsize=8)
def coherence(seed: int) -> Coherence:
    """The Gibbs update (|x - θ|, w = 0.8) and the reverse-KL update, in three orders.

    x1 (3 points) and x2 (2 points) are drawn from N(0.5, 1); the prior is N(0, 3) on GRID.
    """
    rng = _rng(seed, 3)
    x1, x2 = rng.normal(0.5, 1.0, 3), rng.normal(0.5, 1.0, 2)
    prior = discretized_normal(0.0, 3.0)

    def update(data: NDArray, belief: NDArray) -> NDArray:
        return g.gibbs_posterior(GRID, data, g.absolute_loss, COHERENCE_RATE, belief)

    both = np.concatenate([x1, x2])
    gibbs = (update(x2, update(x1, prior)), update(x1, update(x2, prior)), update(both, prior))
    rk = (reverse_kl_update(x2, reverse_kl_update(x1, prior)),
          reverse_kl_update(x1, reverse_kl_update(x2, prior)),
          reverse_kl_update(both, prior))
    return Coherence(x1, x2, prior, gibbs, rk)


def coherence_claims(seed: int) -> dict[str, float]:
    """Coherence of the sum rule and incoherence of the reverse KL, for one seed.

    - ``order_difference``, ``batch_difference``: largest |mass difference| between x1-then-x2
      and x2-then-x1, and between x1-then-x2 and all at once (claims: <= 1e-14);
    - ``reverse_kl_batch_tv``: TV(x1 then x2, all at once) with the reverse KL (claim: > 0.01);
    - ``reverse_kl_order_tv``: TV(x1 then x2, x2 then x1) with the reverse KL (claim: > 0.001).
    """
    c = coherence(seed)
    then_12, then_21, at_once = c.gibbs
    rk_12, rk_21, rk_once = c.reverse_kl
    return {
        "order_difference": float(np.abs(then_12 - then_21).max()),
        "batch_difference": float(np.abs(then_12 - at_once).max()),
        "reverse_kl_batch_tv": float(dv.tv(rk_12, rk_once)),
        "reverse_kl_order_tv": float(dv.tv(rk_12, rk_21)),
    }


# --- max pooling ---------------------------------------------------------------------------

WIDE_GRID = np.linspace(-40, 40, 16001)
POOLING_SIZES = (2, 10, 100, 1000)


@dataclass(frozen=True)
class MaxPooling:
    """Max-pooled and Gibbs posteriors (|x - θ|, w = 1) on normal data."""

    batch: NDArray[np.float64]  # max pooling on 4 points, prior N(0, 3)
    shuffled: NDArray[np.float64]  # the same 4 points in another order
    sequential: NDArray[np.float64]  # the max rule fed back one point at a time
    sum_rule: NDArray[np.float64]  # the Gibbs posterior on the 4 points
    max_sds: NDArray[np.float64]  # flat prior on WIDE_GRID, sd for each of POOLING_SIZES
    gibbs_sds: NDArray[np.float64]  # the same for the Gibbs posterior


@lru_cache(maxsize=8)
def max_pooling(seed: int) -> MaxPooling:
    """The max-pooling update against the sum rule; data from N(0.5, 1)."""
    rng = _rng(seed, 4)
    x3 = rng.normal(0.5, 1.0, 4)
    prior = discretized_normal(0.0, 3.0)
    batch = g.max_pooled_posterior(GRID, x3, g.absolute_loss, 1.0, prior)
    shuffled = g.max_pooled_posterior(GRID, x3[[2, 0, 3, 1]], g.absolute_loss, 1.0, prior)
    sequential = prior
    for xi in x3:
        sequential = g.max_pooled_posterior(GRID, [xi], g.absolute_loss, 1.0, sequential)
    sum_rule = g.gibbs_posterior(GRID, x3, g.absolute_loss, 1.0, prior)
    flat = np.full(WIDE_GRID.size, 1 / WIDE_GRID.size)
    max_sds = [g.grid_mean_sd(WIDE_GRID, g.max_pooled_posterior(
        WIDE_GRID, rng.normal(0.5, 1.0, m), g.absolute_loss, 1.0, flat))[1] for m in POOLING_SIZES]
    gibbs_sds = [g.grid_mean_sd(WIDE_GRID, g.gibbs_posterior(
        WIDE_GRID, rng.normal(0.5, 1.0, m), g.absolute_loss, 1.0, flat))[1] for m in POOLING_SIZES]
    return MaxPooling(batch, shuffled, sequential, sum_rule, np.array(max_sds),
                      np.array(gibbs_sds))


def max_pooling_claims(seed: int) -> dict[str, float]:
    """What max pooling keeps and breaks, for one seed.

    - ``shuffle_difference``: largest |mass difference| after shuffling (claim: <= 1e-14);
    - ``max_sequential_tv``: TV(fed back one at a time, batch) (claim: > 0.05);
    - ``fed_back_sum_difference``: largest |mass difference| between the max rule fed back
      and the sum rule (claim: <= 1e-12);
    - ``max_sd_relative_error``: largest |sd / sqrt(2) - 1| over n = 2..1000 (claim: <= 1e-3);
    - ``gibbs_sd_ratio``: Gibbs posterior sd at n = 1000 / at n = 2 (claim: < 0.1).
    """
    p = max_pooling(seed)
    return {
        "shuffle_difference": float(np.abs(p.batch - p.shuffled).max()),
        "max_sequential_tv": float(dv.tv(p.sequential, p.batch)),
        "fed_back_sum_difference": float(np.abs(p.sequential - p.sum_rule).max()),
        "max_sd_relative_error": float(np.abs(p.max_sds / np.sqrt(2) - 1).max()),
        "gibbs_sd_ratio": float(p.gibbs_sds[-1] / p.gibbs_sds[0]),
    }


# --- the variational principle -------------------------------------------------------------

VARIATIONAL_RATE = 0.7
PERTURBATION_SCALES = np.repeat([0.01, 0.1, 0.5, 2.0], 125)


@dataclass(frozen=True)
class Variational:
    """The Gibbs objective at the Gibbs posterior and at 500 random perturbations of it."""

    f_gibbs: float
    log_z: float
    excess: NDArray[np.float64]  # F(nu) - F(Gibbs) per candidate
    kl_to_gibbs: NDArray[np.float64]  # KL(nu || Gibbs) per candidate


@lru_cache(maxsize=8)
def variational(seed: int) -> Variational:
    """F(ν) = w E_ν[Σ|x_i - θ|] + KL(ν‖π) for the Gibbs posterior and perturbations of it.

    Data: the first 30 points of the first median sample; prior N(0, 3); w = 0.7. Each
    candidate multiplies the Gibbs masses by exp(scale · N(0, 1)) per grid point and
    renormalizes.
    """
    x = median_study(seed).samples[0, :30]
    prior = discretized_normal(0.0, 3.0)
    total_loss = g.loss_matrix(GRID, x, g.absolute_loss).sum(axis=1)
    gibbs = g.gibbs_posterior(GRID, x, g.absolute_loss, VARIATIONAL_RATE, prior)
    f_gibbs = g.gibbs_objective(gibbs, prior, total_loss, VARIATIONAL_RATE)
    shift = total_loss.min()
    log_z = float(np.log(prior @ np.exp(-VARIATIONAL_RATE * (total_loss - shift)))
                  - VARIATIONAL_RATE * shift)
    rng = _rng(seed, 5)
    excess, kl = [], []
    for scale in PERTURBATION_SCALES:
        nu = gibbs * np.exp(scale * rng.standard_normal(GRID.size))
        nu /= nu.sum()
        excess.append(g.gibbs_objective(nu, prior, total_loss, VARIATIONAL_RATE) - f_gibbs)
        kl.append(dv.kl(nu, gibbs))
    return Variational(float(f_gibbs), log_z, np.array(excess), np.array(kl))


KL_IDENTITY_ATOL, KL_IDENTITY_RTOL = 1e-9, 1e-7


def variational_claims(seed: int) -> dict[str, float]:
    """The variational principle, for one seed.

    - ``log_z_relative_error``: |F(Gibbs) + log Z| / |log Z| (claim: <= 1e-10);
    - ``smallest_excess``: smallest F(ν) - F(Gibbs) over the candidates (claim: > 0);
    - ``kl_identity_worst``: largest |excess - KL(ν‖Gibbs)| as a fraction of its tolerance
      1e-9 + 1e-7 · KL (claim: <= 1).
    """
    v = variational(seed)
    tolerance = KL_IDENTITY_ATOL + KL_IDENTITY_RTOL * np.abs(v.kl_to_gibbs)
    return {
        "log_z_relative_error": abs(v.f_gibbs + v.log_z) / abs(v.log_z),
        "smallest_excess": float(v.excess.min()),
        "kl_identity_worst": float((np.abs(v.excess - v.kl_to_gibbs) / tolerance).max()),
    }


# --- PAC-Bayes -----------------------------------------------------------------------------

PB_N, PB_LAMBDA, PB_DELTA, PB_SAMPLES = 50, 40.0, 0.05, 200
PB_OTHER_RATES = (0.1, 0.4, 1.6, 5.0)
PB_THETA = np.linspace(-3, 5, 401)


def clipped_absolute_loss(theta: NDArray, x: NDArray) -> NDArray:
    """The loss min(|x - θ|, 1), in [0, 1]."""
    return np.minimum(np.abs(x - theta), 1.0)


def _pb_prior() -> NDArray[np.float64]:
    prior = np.exp(-PB_THETA**2 / 8)
    return prior / prior.sum()


def pb_true_risk() -> NDArray[np.float64]:
    """The risk E min(|X - θ|, 1), X ~ N(1, 1), at each θ of PB_THETA (Riemann sum)."""
    u = np.linspace(-8, 10, 3601)
    return clipped_absolute_loss(PB_THETA[:, None], u[None, :]) @ (
        norm.pdf(u, 1.0, 1.0) * (u[1] - u[0]))


@dataclass(frozen=True)
class PacBayes:
    """Catoni's bound for the Gibbs posterior with w = λ/n, over PB_SAMPLES samples."""

    bound: NDArray[np.float64]  # the bound per sample
    true_risk: NDArray[np.float64]  # E_ν R of the Gibbs posterior per sample
    beaten: int  # (sample, other rate) pairs where another rate gives a smaller bound


@lru_cache(maxsize=8)
def pac_bayes(seed: int) -> PacBayes:
    """PB_SAMPLES samples of 50 points from N(1, 1); prior ∝ exp(-θ²/8) on PB_THETA."""
    rng = _rng(seed, 6)
    prior = _pb_prior()
    risk = pb_true_risk()
    bounds, risks, beaten = [], [], 0
    for _ in range(PB_SAMPLES):
        x = rng.normal(1.0, 1.0, PB_N)
        emp = g.loss_matrix(PB_THETA, x, clipped_absolute_loss).mean(axis=1)

        def bound_of(nu: NDArray, emp: NDArray = emp) -> float:
            return b.catoni_bound(float(nu @ emp), float(dv.kl(nu, prior)), PB_N, PB_LAMBDA,
                                 PB_DELTA)

        gibbs = g.gibbs_posterior(PB_THETA, x, clipped_absolute_loss, PB_LAMBDA / PB_N, prior)
        value = bound_of(gibbs)
        bounds.append(value)
        risks.append(gibbs @ risk)
        others = [g.gibbs_posterior(PB_THETA, x, clipped_absolute_loss, w, prior)
                  for w in PB_OTHER_RATES]
        beaten += sum(bound_of(nu) < value - 1e-12 for nu in others)
    return PacBayes(np.array(bounds), np.array(risks), int(beaten))


def pac_bayes_claims(seed: int) -> dict[str, float]:
    """``violation_rate``: fraction of samples whose true risk exceeds the bound (claim:
    <= δ = 0.05); ``beaten``: how often another learning rate gives a smaller bound (claim: 0).
    """
    p = pac_bayes(seed)
    return {
        "violation_rate": float(np.mean(p.true_risk > p.bound)),
        "beaten": float(p.beaten),
    }


