r"""Experiments of the chapter 'Information-theoretic generalization bounds' that sample.

Serves ``notebooks/essays/information_bounds.ipynb``. Most of the chapter is exact
(enumerations and closed forms); four of its experiments are Monte Carlo simulations:

- :func:`gaussian_coin`: the coin-flip information :math:`I(Y; W)` between two Gaussian
  mixtures, estimated by flipping coins, against the JS divergence on a grid;
- :func:`noisy_mean_gaps`: the simulated generalization gap of the noisy mean estimator
  against its closed form, in three settings;
- :func:`sgld_information`: the coin-flip information of simulated SGLD runs against the
  JS divergence of the smoothed SGD clouds, at four temperatures;
- :func:`plugin_bias`: the bias of the plug-in (binned) information estimate against the
  number of runs, compared with the first-order (Miller-Madow) prediction.

Each has a cached function that returns everything the chapter shows for one seed, and a
function ``<experiment>_claims(seed) -> dict[str, float]`` that returns the measured
quantity of each claim check on it. The notebook checks seed 0; the multi-seed test
(``tests/seeds/test_information_bounds.py``) runs the same functions for seeds 0 to 4 and
stores the spreads the chapter quotes.

A claim that a Monte Carlo estimate agrees with an exact value is measured as the
deviation in units of the estimate's own standard error, :math:`|\hat I - I| / \mathrm{se}`,
so that its rule (at most 4) has a boundary that does not move with the seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from scipy.special import xlogy

from .. import bounds as b
from ..figures.bounds import SGD_LR, SGD_STEPS, TEST_POINTS, TRAIN_POINTS, sgd_clouds

__all__ = [
    "COIN_SAMPLES",
    "MC_CASES",
    "MC_TRIALS",
    "MILLER_MADOW_COMPARED",
    "PLUGIN_EDGES",
    "PLUGIN_REPEATS",
    "PLUGIN_RUN_COUNTS",
    "PLUGIN_TEMPERATURE",
    "SGLD_RUNS",
    "SGLD_TEMPERATURES",
    "SMOOTHED_A",
    "SMOOTHED_B",
    "SMOOTHED_STD",
    "Z_LIMIT",
    "Agreement",
    "PluginBias",
    "gaussian_coin",
    "gaussian_coin_claims",
    "miller_madow_bias",
    "noisy_mean_claims",
    "noisy_mean_gaps",
    "plugin_bias",
    "plugin_claims",
    "sgld_claims",
    "sgld_information",
    "simulated_sgld_information",
    "standardized_deviation",
]

Z_LIMIT = 4.0
"""Monte Carlo agreement: the estimate lies within this many standard errors of the exact value."""


@dataclass(frozen=True)
class Agreement:
    """Monte Carlo estimates, their standard errors and the exact values they estimate."""

    exact: NDArray[np.float64]
    estimate: NDArray[np.float64]
    se: NDArray[np.float64]

    @property
    def z(self) -> NDArray[np.float64]:
        """Each deviation in units of its own standard error."""
        return standardized_deviation(self.estimate, self.exact, self.se)


def standardized_deviation(estimate: NDArray | float, exact: NDArray | float,
                           se: NDArray | float) -> NDArray[np.float64]:
    r""":math:`|\hat x - x| / \mathrm{se}`: how many standard errors an estimate is off."""
    se_ = np.asarray(se, dtype=float)
    if not np.all(se_ > 0):
        raise ValueError(f"se must be > 0, got {se!r}")
    return np.abs(np.asarray(estimate, dtype=float) - np.asarray(exact, dtype=float)) / se_


# --- the coin flip between two Gaussian mixtures -------------------------------------------

SMOOTHED_A = np.array([0.0, 1.0])
SMOOTHED_B = np.array([0.6, 2.5])
SMOOTHED_STD = 0.5
COIN_SAMPLES = 200_000


@lru_cache(maxsize=8)
def gaussian_coin(seed: int) -> Agreement:
    """Monte Carlo I(Y; W) (``COIN_SAMPLES`` coin flips) against the grid JS divergence.

    The two outputs are the equally weighted mixtures of N(c, 0.5²) around SMOOTHED_A and
    SMOOTHED_B; the estimate averages log 2 - H(Y | W) with the exact posterior.
    """
    exact = b.cloud_js(SMOOTHED_A, SMOOTHED_B, noise_std=SMOOTHED_STD)
    estimate, se = b.coin_flip_mi_monte_carlo(SMOOTHED_A, SMOOTHED_B, SMOOTHED_STD,
                                              samples=COIN_SAMPLES, seed=seed)
    return Agreement(np.array([exact]), np.array([estimate]), np.array([se]))


def gaussian_coin_claims(seed: int) -> dict[str, float]:
    """``gaussian_coin_z``: |Monte Carlo I(Y; W) - JS| in standard errors (claim: <= 4)."""
    return {"gaussian_coin_z": float(gaussian_coin(seed).z[0])}


# --- the noisy mean: simulated against exact gap -------------------------------------------

MC_CASES: tuple[tuple[int, float], ...] = ((1, 0.3), (5, 0.1), (20, 1.0))
"""(sample size n, noise std tau) of the three simulated settings (data std s = 1)."""
MC_TRIALS = 40_000


@lru_cache(maxsize=8)
def noisy_mean_gaps(seed: int) -> Agreement:
    """Simulated expected gap of W = mean + N(0, tau²) (kernel loss) against its closed form.

    Setting ``i`` of MC_CASES draws ``MC_TRIALS`` training and test sets with the generator
    seeded ``100 * seed + i``, so the settings and the seeds are all independent.
    """
    exact, estimate, se = [], [], []
    for i, (n, tau) in enumerate(MC_CASES):
        train, test = b.gaussian_mean_losses(n, 1.0, tau)
        gap, gap_se = b.simulate_gaussian_mean_gap(n, 1.0, tau, trials=MC_TRIALS,
                                                   seed=100 * seed + i)
        exact.append(float(test - train))
        estimate.append(gap)
        se.append(gap_se)
    return Agreement(np.array(exact), np.array(estimate), np.array(se))


def noisy_mean_claims(seed: int) -> dict[str, float]:
    """``mean_gap_worst_z``: largest |simulated - exact gap| in standard errors (claim: <= 4)."""
    return {"mean_gap_worst_z": float(noisy_mean_gaps(seed).z.max())}


# --- SGLD on the tiny data sets ------------------------------------------------------------

SGLD_TEMPERATURES = np.array([1e-4, 1e-3, 1e-2, 1e-1])
SGLD_RUNS = 60_000


def simulated_sgld_information(temperature: float, runs: int = SGLD_RUNS,
                               seed: int = 0) -> tuple[float, float]:
    r"""Simulated :math:`I(Y; W)` of SGLD in the coin-flip game; returns (estimate, se).

    Each run flips a fair coin, picks TRAIN_POINTS or TEST_POINTS, and takes SGD_STEPS SGLD
    steps :math:`w \leftarrow w - \eta (w - z) + \sqrt{2 \eta T}\,\varepsilon` from
    :math:`w = 0` on one random example per step. The information is the average of
    :math:`\log 2 - H(Y \mid W)`, with the posterior of the coin computed from the two SGD
    clouds smoothed by the noise SGLD adds (:func:`unsup.bounds.sgld_noise_std`); this
    simulates the algorithm, not the formula.
    """
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if not (isinstance(runs, (int, np.integer)) and runs >= 2):
        raise ValueError(f"runs must be an integer >= 2, got {runs!r}")
    train_cloud, test_cloud = sgd_clouds()
    gen = np.random.default_rng(seed)
    heads = gen.random(runs) < 0.5
    data = np.where(heads[:, None], TRAIN_POINTS, TEST_POINTS)
    w = np.zeros(runs)
    for _ in range(SGD_STEPS):
        z = data[np.arange(runs), gen.integers(0, data.shape[1], runs)]
        w = w - SGD_LR * (w - z) + np.sqrt(2 * SGD_LR * temperature) * gen.standard_normal(runs)
    std = b.sgld_noise_std(SGD_LR, SGD_STEPS, temperature)

    def density(cloud: NDArray) -> NDArray:
        return np.exp(-0.5 * ((w[:, None] - cloud) / std) ** 2).mean(axis=1)

    dens_train, dens_test = density(train_cloud), density(test_cloud)
    post = dens_train / (dens_train + dens_test)
    info = np.log(2) + xlogy(post, post) + xlogy(1 - post, 1 - post)
    return float(info.mean()), float(info.std(ddof=1) / np.sqrt(runs))


@lru_cache(maxsize=8)
def sgld_information(seed: int) -> Agreement:
    """Simulated SGLD information at each of SGLD_TEMPERATURES against the smoothed-cloud JS.

    Temperature ``i`` uses the generator seeded ``100 * seed + i``.
    """
    train_cloud, test_cloud = sgd_clouds()
    exact, estimate, se = [], [], []
    for i, temperature in enumerate(SGLD_TEMPERATURES):
        std = b.sgld_noise_std(SGD_LR, SGD_STEPS, float(temperature))
        exact.append(b.cloud_js(train_cloud, test_cloud, std))
        info, info_se = simulated_sgld_information(float(temperature), seed=100 * seed + i)
        estimate.append(info)
        se.append(info_se)
    return Agreement(np.array(exact), np.array(estimate), np.array(se))


def sgld_claims(seed: int) -> dict[str, float]:
    """``sgld_worst_z``: largest |simulated - JS| over the temperatures in standard errors."""
    return {"sgld_worst_z": float(sgld_information(seed).z.max())}


# --- bias of the plug-in estimate ----------------------------------------------------------

PLUGIN_TEMPERATURE = 0.05
PLUGIN_EDGES = np.linspace(-1.5, 1.9, 21)
PLUGIN_RUN_COUNTS = np.array([100, 300, 1000, 3000, 10000])
PLUGIN_REPEATS = np.array([200, 200, 400, 1000, 200])
"""Estimates averaged per run count. The standard error of a plug-in estimate falls only
like 1/sqrt(N) while the bias falls like 1/N, so N = 1000 and 3000 (where the bias is
compared with the Miller-Madow prediction to 20%) get more repeats, enough for a standard
error of the bias near 3% of the prediction; at N = 10000 only the sign of the bias is
claimed."""
MILLER_MADOW_COMPARED = slice(1, 4)
"""The run counts (300, 1000, 3000) at which the bias is compared with Miller-Madow."""


def miller_madow_bias(bins: int, runs: NDArray | int, classes: int = 2) -> NDArray[np.float64]:
    r"""First-order upward bias of a plug-in information estimate, :math:`(|Y|-1)(B-1)/(2N)`."""
    if bins < 1 or classes < 1:
        raise ValueError(f"bins and classes must be >= 1, got {bins!r} and {classes!r}")
    n = np.asarray(runs, dtype=float)
    if not np.all(n >= 1):
        raise ValueError(f"runs must be >= 1, got {runs!r}")
    return (classes - 1) * (bins - 1) / (2 * n)


@dataclass(frozen=True)
class PluginBias:
    """Measured bias of the plug-in estimate at each of PLUGIN_RUN_COUNTS, for one seed."""

    exact_binned: float
    exact_full: float
    bias: NDArray[np.float64]
    bias_se: NDArray[np.float64]
    miller_madow: NDArray[np.float64]


@lru_cache(maxsize=8)
def plugin_bias(seed: int) -> PluginBias:
    """Bias of :func:`unsup.bounds.plugin_mi` on the SGLD game at temperature 0.05.

    For each run count N, PLUGIN_REPEATS simulated data sets of N coin flips and SGLD
    endpoints (SGD cloud point plus the SGLD noise) are binned at PLUGIN_EDGES; the bias is
    the mean estimate minus the exact binned information
    (:func:`unsup.bounds.binned_cloud_mi`), with its standard error. One generator seeded
    ``seed`` draws everything.
    """
    train_cloud, test_cloud = sgd_clouds()
    std = b.sgld_noise_std(SGD_LR, SGD_STEPS, PLUGIN_TEMPERATURE)
    exact_binned = b.binned_cloud_mi(train_cloud, test_cloud, std, PLUGIN_EDGES)
    exact_full = b.cloud_js(train_cloud, test_cloud, std)
    rng = np.random.default_rng(seed)
    bias, bias_se = [], []
    for count, repeats in zip(PLUGIN_RUN_COUNTS, PLUGIN_REPEATS):
        estimates = []
        for _ in range(repeats):
            coin = rng.random(count) < 0.5
            w = np.where(coin, rng.choice(train_cloud, count), rng.choice(test_cloud, count))
            estimates.append(b.plugin_mi(coin, w + rng.normal(0, std, count), PLUGIN_EDGES))
        bias.append(np.mean(estimates) - exact_binned)
        bias_se.append(np.std(estimates, ddof=1) / np.sqrt(repeats))
    return PluginBias(exact_binned, exact_full, np.array(bias), np.array(bias_se),
                      miller_madow_bias(PLUGIN_EDGES.size - 1, PLUGIN_RUN_COUNTS))


def plugin_claims(seed: int) -> dict[str, float]:
    """The plug-in bias claims for one seed.

    - ``plugin_smallest_bias``: the smallest bias over the run counts (claim: > 0);
    - ``plugin_worst_mm_ratio_error``: the largest |bias / Miller-Madow - 1| at
      N = 300, 1000, 3000 (claim: <= 0.2);
    - ``plugin_bias_over_information_100``: the bias at N = 100 divided by the exact
      binned information (claim: > 2).
    """
    r = plugin_bias(seed)
    ratio = r.bias[MILLER_MADOW_COMPARED] / r.miller_madow[MILLER_MADOW_COMPARED]
    return {
        "plugin_smallest_bias": float(r.bias.min()),
        "plugin_worst_mm_ratio_error": float(np.abs(ratio - 1).max()),
        "plugin_bias_over_information_100": float(r.bias[0] / r.exact_binned),
    }
