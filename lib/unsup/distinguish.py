r"""Telling two distributions apart from samples.

- One sample, a fair coin chooses :math:`p` or :math:`q`: the best guess is
  ":math:`p` iff :math:`p(x) > q(x)`", and it is right with probability
  :math:`\tfrac12 + \tfrac12 \Delta_{TV}(p, q)`.
- Many samples from :math:`p`: the sequential likelihood-ratio test stops at the
  first :math:`N` with :math:`\sum_{i \le N} \log p(x_i)/q(x_i) \ge \log(1/\alpha)`,
  which rules :math:`q` out at error level :math:`\alpha`. Wald's identity gives
  :math:`\mathbb E[N]\, \Delta_{KL}(p\|q) = \mathbb E[S_N] \ge \log(1/\alpha)`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import probability_vector


def guessing_accuracy(p: ArrayLike, q: ArrayLike, trials: int, seed: int) -> float:
    """Simulated success rate of the best one-sample guesser of 'p or q' under a fair coin."""
    p = probability_vector(p, "p")
    q = probability_vector(q, "q")
    if p.shape != q.shape or p.ndim != 1:
        raise ValueError(f"p and q must be 1-D of one length, got {p.shape} and {q.shape}")
    if trials < 1:
        raise ValueError(f"trials must be >= 1, got {trials}")
    rng = np.random.default_rng(seed)
    from_p = rng.random(trials) < 0.5
    x = np.where(from_p, rng.choice(p.size, trials, p=p), rng.choice(q.size, trials, p=q))
    guess_p = p[x] > q[x]
    return float(np.mean(guess_p == from_p))


def sprt_stopping_times(
    p: ArrayLike, q: ArrayLike, alpha: float, trials: int, seed: int, max_samples: int = 10**6
) -> NDArray[np.int64]:
    r"""Samples drawn from :math:`p` until the log-likelihood ratio reaches :math:`\log(1/\alpha)`.

    Returns one stopping time per trial. Requires :math:`\Delta_{KL}(p\|q) > 0`
    and :math:`q > 0` wherever :math:`p > 0`.
    """
    p = probability_vector(p, "p")
    q = probability_vector(q, "q")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha}")
    if trials < 1:
        raise ValueError(f"trials must be >= 1, got {trials}")
    if np.any((p > 0) & (q == 0)):
        raise ValueError("q must be positive wherever p is (otherwise one sample can rule q out)")
    with np.errstate(divide="ignore"):
        step = np.where(p > 0, np.log(p / np.where(q > 0, q, 1.0)), 0.0)
    if np.dot(p, step) <= 0:
        raise ValueError("p and q must differ: the test needs KL(p||q) > 0")
    threshold = np.log(1 / alpha)
    rng = np.random.default_rng(seed)
    total = np.zeros(trials)
    stopped = np.zeros(trials, dtype=np.int64)
    drawn = 0
    block = min(max(16, int(4 * threshold / np.dot(p, step))), max_samples, 10**5)
    while (stopped == 0).any():
        if drawn >= max_samples:
            raise RuntimeError(f"some trials did not stop within max_samples={max_samples}")
        size = min(block, max_samples - drawn)
        active = np.flatnonzero(stopped == 0)
        paths = total[active, None] + np.cumsum(step[rng.choice(p.size, (active.size, size), p=p)], axis=1)
        crossed = paths >= threshold
        hit = crossed.any(axis=1)
        stopped[active[hit]] = drawn + 1 + crossed[hit].argmax(axis=1)
        total[active] = paths[:, -1]
        drawn += size
    return stopped
