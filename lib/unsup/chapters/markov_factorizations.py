r"""The chapter 'Markov factorizations, interventions and SEMs': its sampled experiments, per seed.

Every experiment that samples is a function ``experiment(seed) -> dict[str, float]``
returning, for one seed, the measured quantity of each claim the notebook checks on it.
The notebook and the multi-seed test (``tests/seeds/test_markov_factorizations.py``) call
the same functions, so the claim table and the stored spreads measure the same thing.

- :func:`chain_rule_orders` -- the 24 chain-rule factorizations of a random joint of four
  variables (a Dirichlet draw): how far each multiplies back from the joint, and the fewest
  arrows any order needs;
- :func:`transfer` -- the four factors of the altitude/temperature joint fitted by counting
  on data from country 1 and scored on country 2 (held-out conditional KL), averaged over
  :data:`DATASETS` independent data sets at each size in :data:`SIZES`;
- :func:`gaussian_sems` -- samples of the two Gaussian SEMs :math:`Y := X + \epsilon` and
  :math:`Y := X + \operatorname{sign}(X)\,\epsilon`: the two-sample Kolmogorov-Smirnov
  statistic between their residuals :math:`y - x`.

Seed 0 is the run the chapter shows. Each experiment draws from its own generator, made
from the seed and a tag of the experiment, so no generator state is shared between cells.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from scipy.stats import ks_2samp

from ..causal import BayesNet, all_chain_rule_factorizations
from ..causal.mechanisms import (
    altitude_distribution,
    conditional_kl,
    factors,
    fitted_factors,
    sample_country,
    temperature_given_altitude,
)
from ..figures.causal import FACTOR_NAMES, HOME_MEAN_ALTITUDE

__all__ = [
    "AWAY_MEAN_ALTITUDE",
    "DATASETS",
    "JOINT_NAMES",
    "JOINT_SHAPE",
    "KS_LEVEL",
    "N_KS",
    "N_POINTS",
    "SIZES",
    "away_factors",
    "chain_rule_orders",
    "gaussian_sem_samples",
    "gaussian_sems",
    "joint_orders",
    "ks_critical",
    "random_joint",
    "transfer",
    "transfer_curves",
]

JOINT_NAMES: tuple[str, ...] = ("a", "b", "c", "d")
JOINT_SHAPE: tuple[int, ...] = (2, 3, 2, 2)
"""Variables and numbers of states of the random joint whose chain-rule orders are checked."""

AWAY_MEAN_ALTITUDE = 3.5
"""Mean altitude level of country 2 (country 1 has ``HOME_MEAN_ALTITUDE``)."""

SIZES: tuple[int, ...] = (1000, 4000, 16000, 64000)
"""Numbers of (altitude, temperature) pairs from country 1 the factors are fitted on."""

DATASETS = 64
"""Independent data sets per size over which the held-out KL is averaged. The causal KL of
one data set is a chi-square-like estimation error (relative spread about one half), so with
one data set per size the anti-causal/causal ratios moved by a third between seeds; the
average estimates the expected held-out error at each size."""

N_POINTS = 1500
"""Samples of each Gaussian SEM shown in the figure (the first of :data:`N_KS`)."""

N_KS = 20000
"""Samples of each Gaussian SEM compared by the two-sample KS test."""

KS_LEVEL = 1e-5
"""Significance level of the KS check. The statistic of equal laws varies from seed to seed
as the Kolmogorov distribution does (mean 0.87, sd 0.26 in units of sqrt(2/n)); its 0.1%
point lies only four of those sds above the mean, too close for a claim that every seed on
every machine must pass with three sds to spare. At 1e-5 the critical value is 2.47
sqrt(2/n), six sds above the mean, and with N_KS samples it still flags laws that differ by
more than 0.025 in KS distance."""

# Tags that keep the generators of different experiments apart for the same seed.
_JOINT, _TRANSFER, _GAUSSIAN = 1, 2, 3


def _rng(seed: int, tag: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), tag])


# --- chain-rule orders of a random joint ---------------------------------------------------


def random_joint(seed: int) -> NDArray[np.float64]:
    """A joint table of shape :data:`JOINT_SHAPE`, flat Dirichlet(1, ..., 1) over its cells."""
    return _rng(seed, _JOINT).dirichlet(np.ones(math.prod(JOINT_SHAPE))).reshape(JOINT_SHAPE)


@lru_cache(maxsize=8)
def joint_orders(seed: int) -> tuple[NDArray[np.float64], dict[tuple[str, ...], BayesNet]]:
    """The random joint of ``seed`` and its chain-rule network for every order of the names."""
    joint = random_joint(seed)
    return joint, all_chain_rule_factorizations(joint, list(JOINT_NAMES))


def chain_rule_orders(seed: int) -> dict[str, float]:
    """Chain-rule factorizations of one random joint.

    ``worst_joint_error``: the largest absolute difference between the joint and any
    order's network multiplied out (floating-point rounding only). ``fewest_edges``: the
    fewest arrows over the orders; a generic joint has no conditional independences, so
    every order needs the complete DAG with n(n-1)/2 arrows.
    """
    joint, by_order = joint_orders(seed)
    return {
        "worst_joint_error": float(max(np.abs(net.joint() - joint).max()
                                       for net in by_order.values())),
        "fewest_edges": float(min(len(net.edges()) for net in by_order.values())),
    }


# --- transfer of fitted factors between countries ----------------------------------------


def away_factors() -> dict[str, NDArray[np.float64]]:
    """The true four factors in country 2."""
    joint = altitude_distribution(AWAY_MEAN_ALTITUDE)[:, None] * temperature_given_altitude()
    return factors(joint)


@lru_cache(maxsize=8)
def transfer_curves(seed: int) -> dict[str, NDArray[np.float64]]:
    """Held-out error in country 2 of each factor fitted in country 1, per size in :data:`SIZES`.

    For a conditional the error is the KL of country 2's conditional from the fitted one,
    averaged over country 2's distribution of the conditioning variable; for a marginal it
    is the plain KL. Each entry is the mean over :data:`DATASETS` independent data sets of
    that size, every data set with its own seed drawn from ``seed``.
    """
    away = away_factors()
    weights = {"p(A)": 1.0, "p(T|A)": away["p(A)"], "p(T)": 1.0, "p(A|T)": away["p(T)"]}
    states = _rng(seed, _TRANSFER).integers(2**32, size=(len(SIZES), DATASETS))
    out = {k: np.zeros(len(SIZES)) for k in FACTOR_NAMES}
    for i, n in enumerate(SIZES):
        for state in states[i]:
            fit = fitted_factors(*sample_country(HOME_MEAN_ALTITUDE, n, seed=int(state)))
            for k in FACTOR_NAMES:
                out[k][i] += conditional_kl(away[k], fit[k], weights[k]) / DATASETS
    return out


def transfer(seed: int) -> dict[str, float]:
    """What the chapter claims about the held-out errors of :func:`transfer_curves`.

    ``causal_ratio``: causal p(T|A) error at the largest size over that at the smallest.
    ``causal_kl``: causal error at the largest size (nats). ``anticausal_kl``: anti-causal
    p(A|T) error at the largest size (nats), to compare with the population shift.
    ``worst_ratio``: smallest anti-causal/causal ratio over the sizes. ``largest_ratio``:
    that ratio at the largest size.
    """
    curves = transfer_curves(seed)
    causal, anticausal = curves["p(T|A)"], curves["p(A|T)"]
    return {
        "causal_ratio": float(causal[-1] / causal[0]),
        "causal_kl": float(causal[-1]),
        "anticausal_kl": float(anticausal[-1]),
        "worst_ratio": float((anticausal / causal).min()),
        "largest_ratio": float(anticausal[-1] / causal[-1]),
    }


# --- two Gaussian SEMs with one conditional ----------------------------------------------


def gaussian_sem_samples(seed: int, n: int = N_KS) -> dict[str, NDArray[np.float64]]:
    r"""Samples of SEM A, :math:`Y := X + \epsilon`, and SEM B, :math:`Y := X +
    \operatorname{sign}(X)\,\epsilon`, on the same :math:`X \sim \mathcal N(0, 1)` with
    independent noises, and each point's counterfactual had :math:`X` been :math:`-x`.

    Abduction recovers :math:`\epsilon = y - x` in A and :math:`\epsilon =
    \operatorname{sign}(x)(y - x)` in B; prediction recomputes :math:`y'` at :math:`x' = -x`.
    """
    rng = _rng(seed, _GAUSSIAN)
    x = rng.standard_normal(n)
    eps_a, eps_b = rng.standard_normal((2, n))
    y_a, y_b = x + eps_a, x + np.sign(x) * eps_b
    x_new = -x
    return {"x": x, "y_a": y_a, "y_b": y_b, "x_new": x_new,
            "cf_a": x_new + (y_a - x),
            "cf_b": x_new + np.sign(x_new) * np.sign(x) * (y_b - x)}


def ks_critical(n: int = N_KS, level: float = KS_LEVEL) -> float:
    r"""Asymptotic critical value of the two-sample KS statistic at significance ``level``
    for two samples of size ``n``: :math:`c(\alpha)\sqrt{2/n}` with
    :math:`c(\alpha) = \sqrt{-\ln(\alpha/2)/2}` (1.95 at 0.1%, 2.47 at 1e-5)."""
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    return math.sqrt(-math.log(level / 2) / 2) * math.sqrt(2 / n)


def gaussian_sems(seed: int) -> dict[str, float]:
    """``ks_statistic``: the two-sample KS statistic between the residuals y - x of SEMs A
    and B on :data:`N_KS` samples each (same law, so below :func:`ks_critical` but for a
    :data:`KS_LEVEL` chance)."""
    s = gaussian_sem_samples(seed)
    return {"ks_statistic": float(ks_2samp(s["y_a"] - s["x"], s["y_b"] - s["x"]).statistic)}
