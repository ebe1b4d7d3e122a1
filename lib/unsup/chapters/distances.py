r"""Experiments of the chapter 'Distances between distributions' that sample.

Serves ``notebooks/lecture/distances.ipynb``. Every Monte Carlo experiment of the chapter
is a function of one seed, and has a function ``<experiment>_claims(seed) -> dict[str,
float]`` returning the measured quantity of each claim check made on it. The notebook
checks the values for :data:`NOTEBOOK_SEED`; the multi-seed test
(``tests/seeds/test_distances.py``) runs the same functions for seeds 0 to 4 and stores
the spread the chapter quotes.

Two kinds of randomness are kept apart:

- a *problem instance* (the pair of distributions whose TV is simulated, the covariance
  :math:`V`) is drawn once from a fixed generator (:data:`INSTANCE_SEED`), so that the
  predicted value of a claim is one number;
- the *samples* of a Monte Carlo estimate come from the experiment's seed, so the spread
  over seeds is the estimate's own sampling spread, which is what a run on another
  processor looks like.

Where a Monte Carlo claim is an agreement within a number of standard errors, the
standard error is computed exactly from the model (not estimated from the same samples),
so that the tolerance does not move with the seed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from scipy import integrate
from scipy.special import logsumexp
from scipy.stats import norm

from .. import divergences as dv
from ..density import memorizer_nll
from ..distinguish import guessing_accuracy, sprt_stopping_times
from ..figures.distances import BANDWIDTHS, KDE_N_TRAIN, kde_experiment
from ..seeds import SE_TOLERANCE

__all__ = [
    "COVARIANCE_SAMPLES",
    "GUESS_TRIALS",
    "INSTANCE_SEED",
    "KDE_N_TRAIN",
    "MLE_MEANS",
    "MLE_SCALES",
    "NOTEBOOK_SEED",
    "SE_TOLERANCE",
    "SHIFT_MU",
    "SMOOTHING_SIGMAS",
    "SPRT_EPSILONS",
    "SmoothedKL",
    "Sprt",
    "all_tests",
    "block_mmd",
    "covariance_claims",
    "covariance_kl_se",
    "covariance_monte_carlo",
    "guessing_claims",
    "ipm_claims",
    "kde_claims",
    "mle_claims",
    "mle_grids",
    "mle_loglik_se",
    "mmd_closed_form",
    "random_covariance",
    "random_pair",
    "shift_claims",
    "shift_kl_se",
    "shift_monte_carlo",
    "shift_tv_se",
    "smoothed_claims",
    "smoothed_kl",
    "smoothed_log_density",
    "smoothing_atoms",
    "sprt",
    "sprt_claims",
]

NOTEBOOK_SEED = 0
"""The seed of every sampled experiment the notebook shows (one of the seeds 0 to 4)."""
INSTANCE_SEED = 2021
"""Seed of the fixed random problem instances (a pair of distributions, a covariance)."""
# --- total variation: every test, and the guessing game -----------------------------------

TV_OUTCOMES = 10
GUESS_TRIALS = 400_000


def random_pair(n_outcomes: int = TV_OUTCOMES, seed: int = INSTANCE_SEED
                ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Two distributions on ``n_outcomes`` points, drawn from a flat Dirichlet (fixed seed)."""
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(n_outcomes)), rng.dirichlet(np.ones(n_outcomes))


def all_tests(n_outcomes: int) -> NDArray[np.int64]:
    """Every yes/no test :math:`f: D \\to \\{0, 1\\}` on ``n_outcomes`` points, one per row."""
    if n_outcomes < 1:
        raise ValueError(f"n_outcomes must be >= 1, got {n_outcomes}")
    return np.array(list(itertools.product([0, 1], repeat=n_outcomes)), dtype=np.int64)


def guessing_claims(seed: int) -> dict[str, float]:
    """``accuracy``: how often the best one-sample guesser of 'p or q' is right, simulated
    with ``GUESS_TRIALS`` fair-coin trials (seed ``seed``) on the fixed :func:`random_pair`.
    Predicted :math:`\\tfrac12 + \\tfrac12\\Delta_{TV}`, binomial standard error at most
    :math:`\\sqrt{1/(4 \\cdot \\text{trials})}`."""
    p, q = random_pair()
    return {"accuracy": guessing_accuracy(p, q, trials=GUESS_TRIALS, seed=seed)}


# --- KL as the cost of ruling q out: the sequential likelihood-ratio test -----------------

SPRT_ALPHA = 0.01
SPRT_EPSILONS = (0.2, 0.1, 0.07, 0.05)
SPRT_TRIALS = 3000


@dataclass(frozen=True)
class Sprt:
    """Stopping times of the SPRT for coins ``Bernoulli(1/2 + eps)`` against ``Bernoulli(1/2)``.

    ``kls[i]`` is :math:`\\Delta_{KL}(p\\|q)` for ``SPRT_EPSILONS[i]``, ``mean_n[i]`` and
    ``se_n[i]`` the mean stopping time over ``SPRT_TRIALS`` runs and its standard error,
    ``slope`` the least-squares slope of :math:`\\log E[N]` against :math:`\\log \\Delta_{KL}`.
    """

    kls: NDArray[np.float64]
    mean_n: NDArray[np.float64]
    se_n: NDArray[np.float64]
    slope: float

    @property
    def threshold(self) -> float:
        return float(np.log(1 / SPRT_ALPHA))

    @property
    def wald_ratio(self) -> NDArray[np.float64]:
        """:math:`E[N]\\,\\Delta_{KL} / \\log(1/\\alpha)` per coin (Wald: about 1, at least 1)."""
        return self.mean_n * self.kls / self.threshold

    @property
    def wald_upper_ratio(self) -> NDArray[np.float64]:
        """The same ratio with :math:`E[N]` raised by four standard errors."""
        return (self.mean_n + 4 * self.se_n) * self.kls / self.threshold


@lru_cache(maxsize=8)
def sprt(seed: int) -> Sprt:
    """Run the SPRT ``SPRT_TRIALS`` times for every coin in ``SPRT_EPSILONS`` (seed ``seed``)."""
    kls, mean_n, se_n = [], [], []
    for eps in SPRT_EPSILONS:
        coin_p, coin_q = np.array([0.5 + eps, 0.5 - eps]), np.array([0.5, 0.5])
        stops = sprt_stopping_times(coin_p, coin_q, alpha=SPRT_ALPHA, trials=SPRT_TRIALS, seed=seed)
        kls.append(float(dv.kl(coin_p, coin_q)))
        mean_n.append(stops.mean())
        se_n.append(stops.std(ddof=1) / np.sqrt(SPRT_TRIALS))
    kls_a, mean_a, se_a = map(np.array, (kls, mean_n, se_n))
    slope = float(np.polyfit(np.log(kls_a), np.log(mean_a), 1)[0])
    return Sprt(kls_a, mean_a, se_a, slope)


def sprt_claims(seed: int) -> dict[str, float]:
    """``wald_ratio_worst``: the ratio :math:`E[N]\\Delta_{KL}/\\log(1/\\alpha)` farthest from 1
    over the coins; ``wald_upper_ratio_min``: the smallest ratio with :math:`E[N]` raised by
    four standard errors (Wald: at least 1); ``slope``: of :math:`\\log E[N]` on
    :math:`\\log \\Delta_{KL}` (predicted -1)."""
    run = sprt(seed)
    ratio = run.wald_ratio
    return {
        "wald_ratio_worst": float(ratio[np.argmax(np.abs(ratio - 1))]),
        "wald_upper_ratio_min": float(run.wald_upper_ratio.min()),
        "slope": run.slope,
    }


# --- a small shift in 5 dimensions: Monte Carlo KL and TV ---------------------------------

SHIFT_MU = (0.3, -0.2, 0.1, 0.25, 0.0)
SHIFT_SAMPLES = 400_000


@lru_cache(maxsize=8)
def shift_monte_carlo(seed: int) -> tuple[float, float]:
    r"""Monte Carlo KL and TV between :math:`p = N(0, I_5)` and :math:`q = N(\mu, I_5)`.

    From ``SHIFT_SAMPLES`` draws of :math:`p` (seed ``seed``): KL as the mean of
    :math:`\log p(x)/q(x)`, TV as the mean of :math:`(1 - q(x)/p(x))_+`.
    """
    mu = np.asarray(SHIFT_MU)
    x = np.random.default_rng(seed).standard_normal((SHIFT_SAMPLES, mu.size))
    log_ratio = (-0.5 * (x**2).sum(1)) - (-0.5 * ((x - mu) ** 2).sum(1))  # log p(x) - log q(x)
    return float(log_ratio.mean()), float(np.mean(np.clip(1 - np.exp(-log_ratio), 0, None)))


def shift_kl_se() -> float:
    r"""Exact standard error of the Monte Carlo KL: :math:`\log p/q = -\mu\cdot x + |\mu|^2/2`
    has variance :math:`|\mu|^2` under :math:`p`."""
    return float(np.linalg.norm(SHIFT_MU) / np.sqrt(SHIFT_SAMPLES))


def shift_tv_se() -> float:
    r"""Exact standard error of the Monte Carlo TV, by quadrature over :math:`t = \mu\cdot x/|\mu|`.

    The summand is :math:`f(t) = (1 - e^{|\mu| t - |\mu|^2/2})_+` with :math:`t \sim N(0, 1)`;
    its mean is :math:`\Delta_{TV}` and its variance :math:`E f^2 - \Delta_{TV}^2`.
    """
    r = float(np.linalg.norm(SHIFT_MU))
    f = lambda t: max(0.0, 1.0 - np.exp(r * t - r * r / 2))
    mean = integrate.quad(lambda t: f(t) * norm.pdf(t), -np.inf, r / 2)[0]
    second = integrate.quad(lambda t: f(t) ** 2 * norm.pdf(t), -np.inf, r / 2)[0]
    return float(np.sqrt((second - mean**2) / SHIFT_SAMPLES))


def shift_claims(seed: int) -> dict[str, float]:
    """``shift_kl`` and ``shift_tv``: the Monte Carlo estimates of :func:`shift_monte_carlo`."""
    kl, tv = shift_monte_carlo(seed)
    return {"shift_kl": kl, "shift_tv": tv}


# --- a change of covariance in 6 dimensions: Monte Carlo KL -------------------------------

COVARIANCE_DIM = 6
COVARIANCE_SAMPLES = 400_000


def random_covariance(d: int = COVARIANCE_DIM, seed: int = INSTANCE_SEED) -> NDArray[np.float64]:
    """A fixed random covariance :math:`V = A A^T / d + 0.2 I` (Gaussian ``A``, seed ``seed``)."""
    a = np.random.default_rng(seed).standard_normal((d, d))
    return a @ a.T / d + 0.2 * np.eye(d)


@lru_cache(maxsize=8)
def covariance_monte_carlo(seed: int) -> float:
    r"""Monte Carlo :math:`\Delta_{KL}(N(0, I) \| N(0, V))` for :func:`random_covariance`, the
    mean of :math:`\log p(x) - \log q(x)` over ``COVARIANCE_SAMPLES`` draws (seed ``seed``)."""
    v = random_covariance()
    x = np.random.default_rng(seed).standard_normal((COVARIANCE_SAMPLES, v.shape[0]))
    chol = np.linalg.cholesky(v)
    z = np.linalg.solve(chol, x.T)
    log_ratio = -0.5 * (x**2).sum(1) + 0.5 * (z**2).sum(0) + np.log(np.diag(chol)).sum()
    return float(log_ratio.mean())


def covariance_kl_se() -> float:
    r"""Exact standard error of :func:`covariance_monte_carlo`: the summand is
    :math:`\tfrac12 x^T (V^{-1} - I) x` plus a constant, with variance
    :math:`\tfrac12 \operatorname{tr}[(V^{-1} - I)^2]` for :math:`x \sim N(0, I)`."""
    a = np.linalg.inv(random_covariance()) - np.eye(COVARIANCE_DIM)
    return float(np.sqrt(0.5 * np.trace(a @ a) / COVARIANCE_SAMPLES))


def covariance_claims(seed: int) -> dict[str, float]:
    """``covariance_kl``: the Monte Carlo estimate of :func:`covariance_monte_carlo`."""
    return {"covariance_kl": covariance_monte_carlo(seed)}


# --- KL to a smoothed discrete distribution -----------------------------------------------

SMOOTHING_ATOMS = 50
SMOOTHING_SAMPLES = 100_000
SMOOTHING_SIGMAS = (0.3, 0.1, 0.03, 0.01, 0.003)


@dataclass(frozen=True)
class SmoothedKL:
    r"""Monte Carlo :math:`\Delta_{KL}(p \| q_\sigma)` for :math:`p = N(0, 1)` and
    :math:`q_\sigma` = the uniform distribution on ``atoms`` smoothed by :math:`N(0, \sigma^2)`.

    ``kl[i]`` is the estimate at ``SMOOTHING_SIGMAS[i]``; ``half_mean_sq_distance`` is
    :math:`\tfrac12 E\,r(x)^2`, the mean squared distance to the nearest atom over the same
    samples, which :math:`\sigma^2 \Delta_{KL}` approaches as :math:`\sigma \to 0`.
    """

    kl: NDArray[np.float64]
    half_mean_sq_distance: float

    @property
    def limit_ratio(self) -> float:
        """:math:`\\sigma^2 \\Delta_{KL} / (\\tfrac12 E r^2)` at the smallest sigma (tends to 1)."""
        return float(SMOOTHING_SIGMAS[-1] ** 2 * self.kl[-1] / self.half_mean_sq_distance)


def smoothing_atoms(seed: int = INSTANCE_SEED) -> NDArray[np.float64]:
    """The atoms of the discrete :math:`q`: ``SMOOTHING_ATOMS`` draws of :math:`N(0, 1)`
    (a fixed instance, seed ``seed``)."""
    return np.random.default_rng(seed).standard_normal(SMOOTHING_ATOMS)


def smoothed_log_density(x: NDArray[np.float64], atoms: NDArray[np.float64], sigma: float
                         ) -> NDArray[np.float64]:
    r""":math:`\log q_\sigma(x)` for :math:`q_\sigma = \frac1m \sum_k N(a_k, \sigma^2)`, at each
    of ``x`` (log-sum-exp over the atoms, stable for tiny ``sigma``)."""
    if sigma <= 0:
        raise ValueError(f"sigma must be > 0, got {sigma}")
    log_kernel = -0.5 * ((x[:, None] - atoms[None, :]) / sigma) ** 2
    return logsumexp(log_kernel, axis=1) - np.log(sigma * np.sqrt(2 * np.pi)) - np.log(atoms.size)


@lru_cache(maxsize=8)
def smoothed_kl(seed: int) -> SmoothedKL:
    """KL from ``SMOOTHING_SAMPLES`` draws of :math:`p` (seed ``seed``) against
    :func:`smoothing_atoms` smoothed with every sigma in ``SMOOTHING_SIGMAS``."""
    atoms = smoothing_atoms()
    x = np.random.default_rng(seed).standard_normal(SMOOTHING_SAMPLES)
    nearest_sq = np.min((x[:, None] - atoms[None, :]) ** 2, axis=1)
    log_p = norm.logpdf(x)
    kls = [float(np.mean(log_p - smoothed_log_density(x, atoms, s))) for s in SMOOTHING_SIGMAS]
    return SmoothedKL(np.array(kls), float(nearest_sq.mean() / 2))


def smoothed_claims(seed: int) -> dict[str, float]:
    """``kl_min_step``: the smallest increase of the KL (nats) from one sigma to the next
    smaller one; ``limit_ratio``: :attr:`SmoothedKL.limit_ratio`."""
    run = smoothed_kl(seed)
    return {"kl_min_step": float(np.diff(run.kl).min()), "limit_ratio": run.limit_ratio}


# --- integral probability metrics from samples --------------------------------------------

IPM_SHIFT, IPM_BANDWIDTH = 0.5, 1.0
IPM_SAMPLES = 32_000
"""Draws of each distribution. The Wasserstein distance uses them all; the squared MMD
averages the unbiased estimates of ``IPM_BLOCKS`` disjoint blocks (a kernel matrix of all
32 000 draws would not fit in memory)."""
IPM_BLOCKS = 16


def mmd_closed_form(shift: float = IPM_SHIFT, bandwidth: float = IPM_BANDWIDTH, scale: float = 1.0
                    ) -> float:
    """Squared Gaussian-kernel MMD between :math:`N(0, s^2)` and :math:`N(\\epsilon, s^2)`."""
    h2, s2 = bandwidth**2, scale**2
    return float(2 * np.sqrt(h2 / (h2 + 2 * s2)) * (1 - np.exp(-shift**2 / (2 * (h2 + 2 * s2)))))


def block_mmd(xs: NDArray[np.float64], ys: NDArray[np.float64], bandwidth: float, blocks: int
              ) -> float:
    """Mean of the unbiased squared MMD over ``blocks`` disjoint blocks of ``xs`` and ``ys``
    (still unbiased; its variance falls like 1 / number of draws)."""
    if blocks < 1 or blocks > min(len(xs), len(ys)) // 2:
        raise ValueError(f"blocks must lie in [1, n/2], got {blocks}")
    return float(np.mean([dv.mmd(a, b, bandwidth)
                          for a, b in zip(np.array_split(xs, blocks), np.array_split(ys, blocks))]))


@lru_cache(maxsize=8)
def ipm_claims(seed: int) -> dict[str, float]:
    """``w1``: the Wasserstein-1 distance between the empirical distributions of
    ``IPM_SAMPLES`` draws of :math:`N(0, 1)` and as many of :math:`N(0.5, 1)` (seed ``seed``);
    ``mmd2``: their squared MMD by :func:`block_mmd`."""
    rng = np.random.default_rng(seed)
    xs = rng.standard_normal(IPM_SAMPLES)
    ys = rng.standard_normal(IPM_SAMPLES) + IPM_SHIFT
    return {"w1": dv.wasserstein1(xs, ys), "mmd2": block_mmd(xs, ys, IPM_BANDWIDTH, IPM_BLOCKS)}


# --- maximum likelihood = minimum KL ------------------------------------------------------

MLE_SAMPLES = 100_000
MLE_MEANS = np.linspace(-1, 1, 21)
MLE_SCALES = np.linspace(0.5, 2, 16)


@lru_cache(maxsize=8)
def mle_grids(seed: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Over the grid of models :math:`g = N(m, s^2)` (``MLE_MEANS`` x ``MLE_SCALES``): the exact
    :math:`\Delta_{KL}(N(0,1) \| g)` and the mean :math:`\log g(x)` over ``MLE_SAMPLES`` draws
    of :math:`N(0, 1)` (seed ``seed``)."""
    samples = np.random.default_rng(seed).standard_normal(MLE_SAMPLES)
    kl_grid = np.array([[dv.kl_gaussian(0.0, 1.0, m, s**2) for s in MLE_SCALES] for m in MLE_MEANS])
    loglik_grid = np.array([[norm.logpdf(samples, m, s).mean() for s in MLE_SCALES]
                            for m in MLE_MEANS])
    return kl_grid, loglik_grid


def mle_loglik_se() -> NDArray[np.float64]:
    r"""Exact standard error of each model's mean log-likelihood: under :math:`x \sim N(0,1)`,
    :math:`\log g(x) = -(x - m)^2/(2s^2) + c` has variance :math:`(1/2 + m^2)/s^4`."""
    m, s = MLE_MEANS[:, None], MLE_SCALES[None, :]
    return np.sqrt((0.5 + m**2) / s**4 / MLE_SAMPLES)


def mle_claims(seed: int) -> dict[str, float]:
    r"""``worst_abs_z``: the largest :math:`|\Delta_{KL} + \overline{\log g} + H(p)|` over the
    models, in standard errors of each model's mean log-likelihood; ``argmax_loglik``: the
    grid index (flattened) of the model with the highest sample log-likelihood."""
    kl_grid, loglik_grid = mle_grids(seed)
    neg_entropy = -0.5 * np.log(2 * np.pi * np.e)
    z = (kl_grid + loglik_grid - neg_entropy) / mle_loglik_se()
    return {"worst_abs_z": float(np.abs(z).max()), "argmax_loglik": float(np.argmax(loglik_grid))}


# --- memorizing and kernel density estimates ----------------------------------------------

def kde_claims(seed: int) -> dict[str, float]:
    r"""On :func:`unsup.figures.distances.kde_experiment` for ``seed``:

    - ``memorizer_train_nll``: the memorizing model's training NLL (predicted :math:`\\log n`);
    - ``train_nll_min_step``: the smallest drop of the KDE's training NLL from one bandwidth
      to the next smaller one (positive: it keeps falling);
    - ``log10_test_excess_at_smallest``: :math:`\log_{10}` of the test NLL at the smallest
      bandwidth minus the best test NLL (nats); the excess grows like :math:`r^2 / 2h^2` and
      scatters over a factor of a few between seeds, so its logarithm is the stable quantity;
    - ``best_index_margin``: how many grid points the best test bandwidth lies from the
      nearer end of ``BANDWIDTHS`` (positive: strictly inside).

    The memorizer's infinite test NLL is not a spread (a spread holds finite values).
    """
    train, _, train_nll, test_nll = kde_experiment(seed)
    best = int(np.argmin(test_nll))
    return {
        "memorizer_train_nll": memorizer_nll(train, train),
        "train_nll_min_step": float(np.diff(train_nll).min()),
        "log10_test_excess_at_smallest": float(np.log10(test_nll[0] - test_nll[best])),
        "best_index_margin": float(min(best, len(BANDWIDTHS) - 1 - best)),
    }
