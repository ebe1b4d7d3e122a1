"""Explorers of the chapters 'Markov factorizations, interventions and SEMs' and
'Causally correct partial models'."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from ..causal import PartialModelPOMDP
from ..causal.mechanisms import (
    ALTITUDE_LEVELS,
    altitude_distribution,
    conditional_kl,
    factors,
    temperature_given_altitude,
)
from ..interactive import Slider, explorer
from ..plotting import PALETTE, label, new_figure

HOME_MEAN_ALTITUDE = 1.0
FACTOR_NAMES = ("p(A)", "p(T|A)", "p(T)", "p(A|T)")


def factor_shift(mean_level: float) -> dict[str, float]:
    """KL from the home country's version of each factor to the other country's (weighted by
    the other country's marginal of the conditioning variable)."""
    p_ta = temperature_given_altitude()
    home = factors(altitude_distribution(HOME_MEAN_ALTITUDE)[:, None] * p_ta)
    away = factors(altitude_distribution(mean_level)[:, None] * p_ta)
    return {"p(A)": conditional_kl(away["p(A)"], home["p(A)"], 1.0),
            "p(T|A)": conditional_kl(away["p(T|A)"], home["p(T|A)"], away["p(A)"]),
            "p(T)": conditional_kl(away["p(T)"], home["p(T)"], 1.0),
            "p(A|T)": conditional_kl(away["p(A|T)"], home["p(A|T)"], away["p(T)"])}


@explorer(
    "icm_altitude",
    caption="Move the second country's altitudes: the causal conditional p(T|A) never moves, "
            "while both anti-causal factors p(T) and p(A|T) do.",
    mean_altitude=Slider(3.5, 0.0, 5.0, 0.1, label="mean altitude level of country 2"),
)
def icm_altitude(mean_altitude: float) -> Figure:
    fig = new_figure(ncols=2)
    left, right = fig.axes
    levels = np.arange(ALTITUDE_LEVELS) * 500
    left.plot(levels, altitude_distribution(HOME_MEAN_ALTITUDE), "o-", label="country 1")
    left.plot(levels, altitude_distribution(mean_altitude), "s-", label="country 2")
    left.set_ylim(0, 0.45)
    left.set_xticks([0, 1000, 2000])
    left.set_yticks([0, 0.2, 0.4])
    label(left, "altitude (m)", "p(A)", "altitude distributions")
    left.legend(loc="upper right")
    shift = factor_shift(mean_altitude)
    colours = [PALETTE[0], PALETTE[0], PALETTE[1], PALETTE[1]]
    heights = [shift[n] for n in FACTOR_NAMES]
    right.bar(range(4), heights, color=colours)
    for x, h in enumerate(heights):
        right.text(x, h + 0.05, f"{h:.2f}", ha="center", fontsize=8)
    right.set_xticks(range(4), FACTOR_NAMES)
    right.set_ylim(0, 4.5)
    right.set_yticks([0, 2, 4])
    label(right, "factor (blue: causal, orange: anti-causal)", "KL country 2 ‖ country 1 (nats)",
          "which factors move")
    return fig


PM_FOLLOW_GRID = np.round(np.arange(0.05, 0.951, 0.05), 2)
PM_EPISODES, PM_DATASETS, PM_SEED = 2000, 200, 0
PM_MODEL = PartialModelPOMDP()


def partial_model_sweep(seed: int = PM_SEED) -> dict[str, np.ndarray]:
    """Truth and the three estimators over PM_FOLLOW_GRID, each estimator on PM_DATASETS
    independent data sets of the behaviour policy drawn from ``seed``: arrays of shape
    (grid,) or (grid, datasets). The chapter and this explorer show ``PM_SEED``; the
    chapter's multi-seed tests run other seeds. Cached per seed."""
    return _partial_model_sweep(int(seed))


@lru_cache(maxsize=2)
def _partial_model_sweep(seed: int) -> dict[str, np.ndarray]:
    data = PM_MODEL.collect(PM_EPISODES, PM_DATASETS, seed)
    out = {"truth": np.array([PM_MODEL.true_value(f) for f in PM_FOLLOW_GRID])}
    for name, method in (("naive", PM_MODEL.naive_estimate),
                         ("backdoor", PM_MODEL.backdoor_estimate),
                         ("importance", PM_MODEL.importance_estimate)):
        out[name] = np.array([method(data, f) for f in PM_FOLLOW_GRID])
    return out


PM_STYLE = {"naive": (PALETTE[1], "naive q(r | a₀, a₁)"),
            "backdoor": (PALETTE[2], "bottleneck z + backdoor"),
            "importance": (PALETTE[3], "importance sampling")}


@explorer(
    "partial_models",
    caption="Off-policy evaluation as the new policy moves away from the behaviour policy "
            "(follow = 0.8): the naive partial model drifts off the truth; backdoor and "
            "importance sampling stay on it, importance sampling with a wider spread.",
    follow=Slider(0.2, 0.05, 0.95, 0.05, label="new policy: P(a = z)"),
)
def partial_models(follow: float) -> Figure:
    sweep = partial_model_sweep()
    i = int(np.argmin(np.abs(PM_FOLLOW_GRID - follow)))
    fig = new_figure(ncols=2)
    left, right = fig.axes
    left.plot(PM_FOLLOW_GRID, sweep["truth"], color="k", label="truth")
    for name, (colour, text) in PM_STYLE.items():
        mean, sd = sweep[name].mean(axis=1), sweep[name].std(axis=1)
        left.plot(PM_FOLLOW_GRID, mean, color=colour, label=text)
        left.fill_between(PM_FOLLOW_GRID, mean - sd, mean + sd, color=colour, alpha=0.15)
    left.axvline(PM_FOLLOW_GRID[i], color="0.5", lw=0.8)
    left.axvline(PM_MODEL.behaviour_follow, color="0.5", lw=0.8, ls=":")
    left.set_ylim(0.25, 0.65)
    # Few fixed ticks: building tick objects is most of the drawing time.
    left.set_xticks([0.2, 0.5, 0.8])
    left.set_yticks([0.3, 0.4, 0.5, 0.6])
    label(left, "new policy P(a = z)", "estimated E[r]", "mean ± 1 sd over data sets")
    left.legend(loc="lower right", fontsize=7)
    bins = np.linspace(0.2, 0.7, 41)
    centres = 0.5 * (bins[1:] + bins[:-1])
    for name, (colour, text) in PM_STYLE.items():
        counts, _ = np.histogram(sweep[name][i], bins=bins)
        right.step(centres, counts, where="mid", color=colour, label=text)
    right.axvline(sweep["truth"][i], color="k", lw=1.2, label="truth")
    right.set_ylim(0, PM_DATASETS * 0.6)
    right.set_xticks([0.3, 0.5, 0.7])
    right.set_yticks([0, 50, 100])
    label(right, "estimate of E[r]", "data sets", f"P(a = z) = {PM_FOLLOW_GRID[i]:.2f}")
    return fig
