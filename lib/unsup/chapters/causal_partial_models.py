r"""The chapter 'Causally correct partial models': its sampled experiments, per seed.

The chapter evaluates new policies of a small POMDP (:class:`unsup.causal.PartialModelPOMDP`)
exactly by enumeration and by sampling. Every sampled experiment is a function
``experiment(seed) -> dict[str, float]`` returning, for one seed, the measured quantity of
each claim the notebook checks on it. The notebook and the multi-seed test
(``tests/seeds/test_causal_partial_models.py``) call the same functions, so the claim table
and the stored spreads measure the same thing.

- :func:`simulation` -- each policy in :data:`FOLLOWS` run for :data:`SIM_EPISODES`
  episodes: the worst z-score of the simulated value against the exact one;
- :func:`sweep` -- :data:`~unsup.figures.causal.PM_DATASETS` data sets of the behaviour
  policy (the explorer's sweep, :func:`unsup.figures.causal.partial_model_sweep`), on which
  the naive partial model, the backdoor model with the bottleneck and importance sampling
  estimate the value of every policy on the grid: their biases and spreads.

Seed 0 is the run the chapter shows. The exact quantities the claims compare with
(:func:`backdoor_value`, :func:`predicted_is_sd`) are here too.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..causal import BayesNet
from ..figures.causal import PM_EPISODES, PM_FOLLOW_GRID, PM_MODEL, partial_model_sweep

__all__ = [
    "BIAS_TOLERANCE",
    "FAR",
    "FOLLOWS",
    "SIM_EPISODES",
    "backdoor_value",
    "behaviour_network",
    "biases",
    "grid_index",
    "predicted_is_sd",
    "simulated_values",
    "simulation",
    "sweep",
    "z_scores",
]

FOLLOWS: tuple[float, ...] = (0.05, 0.2, 0.5, 0.8, 0.95)
"""New policies, P(a = z), whose value is simulated and compared with exact enumeration."""

SIM_EPISODES = 200_000
"""Episodes simulated per policy."""

BIAS_TOLERANCE = 0.02
"""Largest bias, in reward, that the chapter calls unbiased: a fifth of the naive model's
bias at P(a = z) = 0.2, and more than four standard errors of the mean over the data sets
at the policy where that error is largest (importance sampling at P(a = z) = 0.05). A
z-score test of the same bias moved with the whole sample: one seed's data were about three
standard errors off at every policy at once, leaving no room under |z| < 4."""

FAR = 0.3
"""Policies with P(a = z) at most this are 'far' from the behaviour policy."""


# --- exact quantities ----------------------------------------------------------------------


@cache
def behaviour_network() -> BayesNet:
    """The rollout network under the behaviour policy."""
    return PM_MODEL.network(PM_MODEL.behaviour_follow)


def backdoor_value(follow: float) -> float:
    r"""The sequential backdoor formula with the exact conditionals of the behaviour network:
    :math:`\sum p_\pi(z_0)\,\tilde\pi(a_0 \mid z_0)\,p_\pi(z_1 \mid z_0, a_0)\,
    \tilde\pi(a_1 \mid z_1)\,\mathbb E_\pi[r \mid z_0, a_0, z_1, a_1]`."""
    net = behaviour_network()
    p_z0 = net.marginal("z0")
    p_z1 = net.conditional("z1", ["z0", "a0"])
    p_r = net.conditional("y2", ["z0", "a0", "z1", "a1"])[..., 1]
    new = PM_MODEL.policy_table(follow)
    return float(np.einsum("z,za,zaw,wb,zawb->", p_z0, new, p_z1, new, p_r))


def predicted_is_sd(follow: float, n: int = PM_EPISODES) -> float:
    r"""Exact standard deviation of the importance-sampling estimate from ``n`` episodes:
    :math:`\sqrt{(\mathbb E_\pi[w^2 r^2] - V(\tilde\pi)^2)/n}`, with both moments summed over
    the behaviour network."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    observed = behaviour_network().marginal("z0", "a0", "z1", "a1", "y2")
    ratio = PM_MODEL.policy_table(follow) / PM_MODEL.policy_table(PM_MODEL.behaviour_follow)
    w = ratio[:, :, None, None] * ratio[None, None, :, :]  # w(z0, a0, z1, a1)
    second = np.sum(observed[..., 1] * w**2)  # E_pi[w^2 r^2], r in {0, 1}
    return float(np.sqrt((second - PM_MODEL.true_value(follow) ** 2) / n))


def grid_index(follow: float) -> int:
    """Index of the grid policy nearest to ``follow``."""
    return int(np.argmin(np.abs(PM_FOLLOW_GRID - follow)))


# --- helpers on estimates over data sets ---------------------------------------------------


def biases(estimates: ArrayLike, truth: ArrayLike) -> NDArray[np.float64]:
    """Mean over data sets (last axis) minus the truth, per policy."""
    return np.asarray(estimates, float).mean(axis=-1) - np.asarray(truth, float)


def z_scores(estimates: ArrayLike, truth: ArrayLike) -> NDArray[np.float64]:
    """|mean - truth| in units of the standard error of the mean over data sets (last axis)."""
    estimates = np.asarray(estimates, float)
    if estimates.shape[-1] < 2:
        raise ValueError("z-scores need at least 2 data sets")
    se = estimates.std(axis=-1, ddof=1) / np.sqrt(estimates.shape[-1])
    return np.abs(biases(estimates, truth)) / se


# --- the experiments -----------------------------------------------------------------------


def simulated_values(seed: int) -> NDArray[np.float64]:
    """The value of each policy in :data:`FOLLOWS`, by running it for :data:`SIM_EPISODES`
    episodes (each policy with its own generator made from ``seed``)."""
    return np.array([PM_MODEL.simulated_value(f, SIM_EPISODES, np.random.default_rng([seed, i]))
                     for i, f in enumerate(FOLLOWS)])


def simulation(seed: int) -> dict[str, float]:
    """``simulation_worst_z``: the largest |simulated - exact| over the policies, in units of
    the binomial standard error of a mean of :data:`SIM_EPISODES` rewards."""
    exact = np.array([PM_MODEL.true_value(f) for f in FOLLOWS])
    se = np.sqrt(exact * (1 - exact) / SIM_EPISODES)
    return {"simulation_worst_z": float(np.max(np.abs(simulated_values(seed) - exact) / se))}


def sweep(seed: int) -> dict[str, float]:
    """The claims on the three estimators over the data sets of ``seed``.

    Biases are means over the data sets minus the truth, in reward. ``naive_bias_behaviour``:
    naive model's (signed) bias at the behaviour policy. ``naive_z_far``: its |z-score| at
    P(a = z) = 0.2. ``naive_bias_farthest``: its bias at P(a = z) = 0.05. ``backdoor_worst_bias``,
    ``importance_worst_bias``: largest |bias| over the grid. ``importance_sd_deviation``:
    largest |measured sd / exact sd - 1| of importance sampling over the grid.
    ``importance_spread_ratio``: its sd at 0.05 over its sd at the behaviour policy.
    ``backdoor_over_importance_far``: largest ratio of the backdoor sd to the importance sd
    over the policies with P(a = z) <= :data:`FAR`.
    """
    s = partial_model_sweep(seed)
    truth = s["truth"]
    sd = {k: s[k].std(axis=1, ddof=1) for k in ("naive", "backdoor", "importance")}
    predicted = np.array([predicted_is_sd(f) for f in PM_FOLLOW_GRID])
    far = PM_FOLLOW_GRID <= FAR
    behaviour, near, farthest = (grid_index(f) for f in (PM_MODEL.behaviour_follow, 0.2, 0.05))
    return {
        "naive_bias_behaviour": float(biases(s["naive"], truth)[behaviour]),
        "naive_z_far": float(z_scores(s["naive"], truth)[near]),
        "naive_bias_farthest": float(biases(s["naive"], truth)[farthest]),
        "backdoor_worst_bias": float(np.abs(biases(s["backdoor"], truth)).max()),
        "importance_worst_bias": float(np.abs(biases(s["importance"], truth)).max()),
        "importance_sd_deviation": float(np.abs(sd["importance"] / predicted - 1).max()),
        "importance_spread_ratio": float(sd["importance"][farthest] / sd["importance"][behaviour]),
        "backdoor_over_importance_far": float((sd["backdoor"][far] / sd["importance"][far]).max()),
    }
