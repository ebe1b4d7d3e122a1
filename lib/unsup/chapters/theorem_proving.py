r"""Experiments of the chapter 'Theorem proving is a tame problem' that sample.

Serves ``notebooks/essays/theorem_proving.ipynb``. Two of the chapter's experiments depend
on a seed; each is a function ``<experiment>_claims(seed) -> dict[str, float]`` returning
the measured quantity of each claim check made on it. The notebook checks the values for
:data:`NOTEBOOK_SEED`; the multi-seed test (``tests/seeds/test_theorem_proving.py``) runs
the same functions for seeds 0 to 4 and stores the spread the chapter quotes.

- **Random proof attempts** (:func:`sampling_claims`): the fraction of
  :data:`ATTEMPTS` random attempts of depth 3 that end on a fixed depth-3 theorem, against
  its exact probability. The theorem is drawn once (:data:`INSTANCE_SEED`) so the predicted
  value is one number; the attempts come from the experiment's seed.
- **Guided search** (:func:`search_claims`): nodes expanded and proof lengths of
  best-first search over theorems drawn with the seed
  (:func:`unsup.figures.search.search_runs`, the same cached runs the figure and the
  explorer show). The search is exact integer work, so here the seed only chooses which
  theorems are searched for.

Every other claim of the chapter is an exact enumeration and depends on no seed.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .. import search as se
from ..figures.search import DEPTHS, MAX_LEN, WEIGHTS, search_runs
from ..seeds import SE_TOLERANCE

__all__ = [
    "ATTEMPTS",
    "ATTEMPT_DEPTH",
    "CLAIM_DEPTHS",
    "INSTANCE_SEED",
    "NOTEBOOK_SEED",
    "SE_TOLERANCE",
    "attempt_target",
    "exact_success",
    "sampling_claims",
    "search_claims",
]

NOTEBOOK_SEED = 0
"""The seed of every sampled experiment the notebook shows (one of the seeds 0 to 4)."""
INSTANCE_SEED = 0
"""Seed that draws the fixed depth-3 theorem whose random-attempt success rate is sampled."""
ATTEMPT_DEPTH = 3
ATTEMPTS = 20_000
CLAIM_DEPTHS = (6, 7, 8)
"""Depths at which the guided-search claims are made."""
@lru_cache(maxsize=1)
def attempt_target() -> str:
    """The depth-3 theorem whose random-attempt success rate is sampled (fixed instance)."""
    return se.sample_targets(ATTEMPT_DEPTH, 1, seed=INSTANCE_SEED, max_len=MAX_LEN)[0]


def exact_success() -> tuple[float, float]:
    """Exact probability that a random attempt of depth 3 ends on :func:`attempt_target`,
    and the binomial standard error of a rate estimated from :data:`ATTEMPTS` attempts."""
    p = se.attempt_distribution(ATTEMPT_DEPTH, MAX_LEN)[attempt_target()]
    return p, math.sqrt(p * (1 - p) / ATTEMPTS)


@lru_cache(maxsize=8)
def sampling_claims(seed: int) -> dict[str, float]:
    """``success_rate``: the fraction of :data:`ATTEMPTS` random attempts of depth 3
    (uniformly chosen legal steps, generator ``seed``) that end on :func:`attempt_target`."""
    rate = se.random_attempts(attempt_target(), ATTEMPT_DEPTH, ATTEMPTS, seed=seed,
                              max_len=MAX_LEN)
    return {"success_rate": float(rate)}


def search_claims(seed: int) -> dict[str, float]:
    """Guided-search quantities over the theorems that ``seed`` draws at each depth.

    - ``expanded_ratio_d<d>`` for d in :data:`CLAIM_DEPTHS`: mean nodes expanded by
      best-first search at w = 1 divided by those of breadth-first search (w = 0);
    - ``bfs_length_error``: the largest gap, over all depths, between the mean length of the
      breadth-first proofs and the depth (0 when every proof is shortest);
    - ``longer_fraction_w3``: the fraction of the theorems of depths 6 to 8 for which
      best-first search at w = 3 returns a proof longer than the shortest one.
    """
    expanded, length = search_runs(seed)
    w0, w1, w3 = WEIGHTS.index(0.0), WEIGHTS.index(1.0), WEIGHTS.index(3.0)
    out: dict[str, float] = {}
    for d in CLAIM_DEPTHS:
        e = expanded[DEPTHS.index(d)]
        out[f"expanded_ratio_d{d}"] = float(e[w1].mean() / e[w0].mean())
    out["bfs_length_error"] = float(max(abs(n[w0].mean() - d) for d, n in zip(DEPTHS, length)))
    longer = np.concatenate([length[DEPTHS.index(d)][w3] > d for d in CLAIM_DEPTHS])
    out["longer_fraction_w3"] = float(longer.mean())
    return out
