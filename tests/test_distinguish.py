"""Telling p from q: the one-sample guesser (TV) and the sequential test (KL)."""

from __future__ import annotations

import numpy as np
import pytest

from unsup.distinguish import guessing_accuracy, sprt_stopping_times


def tv(p, q):
    return 0.5 * np.abs(np.asarray(p) - np.asarray(q)).sum()


def kl(p, q):
    p, q = np.asarray(p, float), np.asarray(q, float)
    nz = p > 0
    return float(np.sum(p[nz] * np.log(p[nz] / q[nz])))


PAIRS = {
    "close": ([0.5, 0.5], [0.45, 0.55]),
    "three": ([0.7, 0.2, 0.1], [0.2, 0.3, 0.5]),
    "ties": ([0.25, 0.25, 0.5], [0.25, 0.5, 0.25]),  # equal mass on one outcome
    "disjoint": ([0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5]),
    "equal": ([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]),
}


# --- one sample: accuracy 1/2 + TV/2 ------------------------------------------------------


@pytest.mark.parametrize("name", PAIRS)
def test_guessing_accuracy_is_half_plus_half_tv(name):
    p, q = PAIRS[name]
    trials = 40_000
    expected = 0.5 + 0.5 * tv(p, q)
    accuracy = guessing_accuracy(p, q, trials=trials, seed=3)
    se = max(np.sqrt(expected * (1 - expected) / trials), 1 / trials)
    assert abs(accuracy - expected) <= 3 * se, (accuracy, expected, se)


def test_guessing_accuracy_extremes():
    assert guessing_accuracy(*PAIRS["disjoint"], trials=1000, seed=0) == 1.0
    assert 0.0 <= guessing_accuracy(*PAIRS["close"], trials=1, seed=0) <= 1.0


def test_guessing_accuracy_is_seeded():
    p, q = PAIRS["three"]
    a = guessing_accuracy(p, q, trials=5000, seed=42)
    assert a == guessing_accuracy(p, q, trials=5000, seed=42)
    assert len({guessing_accuracy(p, q, trials=5000, seed=s) for s in range(5)}) > 1


# --- many samples: the sequential likelihood-ratio test ------------------------------------


def test_stopping_times_are_positive_integers():
    times = sprt_stopping_times(*PAIRS["three"], alpha=0.05, trials=300, seed=0)
    assert times.shape == (300,) and np.issubdtype(times.dtype, np.integer)
    assert times.min() >= 1


def test_one_decisive_sample_stops_at_once():
    # log p/q = log 100 on the likelier outcome: one such sample crosses log(1/alpha) = log 10.
    p, q = [0.99, 0.01], [0.0099, 0.9901]
    times = sprt_stopping_times(p, q, alpha=0.1, trials=500, seed=1)
    assert times.min() == 1 and np.mean(times == 1) > 0.9


@pytest.mark.parametrize("name, alpha", [("three", 0.05), ("three", 1e-3), ("close", 0.01)])
def test_wald_lower_bound(name, alpha):
    """E[N] KL(p||q) = E[S_N] >= log(1/alpha)."""
    p, q = PAIRS[name]
    times = sprt_stopping_times(p, q, alpha=alpha, trials=1000, seed=7)
    relative_se = times.std(ddof=1) / times.mean() / np.sqrt(times.size)
    assert times.mean() * kl(p, q) >= np.log(1 / alpha) * (1 - 3 * relative_se)


def test_small_kl_overshoot_is_small():
    """With steps of +-0.1 nats and a threshold of log(100), E[N] KL / log(1/alpha) ~ 1."""
    p, q = PAIRS["close"]
    alpha = 0.01
    times = sprt_stopping_times(p, q, alpha=alpha, trials=1000, seed=11)
    ratio = times.mean() * kl(p, q) / np.log(1 / alpha)
    assert abs(ratio - 1) < 0.1, ratio


def test_smaller_alpha_needs_more_samples():
    p, q = PAIRS["three"]
    loose = sprt_stopping_times(p, q, alpha=0.1, trials=500, seed=2).mean()
    strict = sprt_stopping_times(p, q, alpha=1e-4, trials=500, seed=2).mean()
    assert strict > 2 * loose


def test_zero_mass_outcomes_of_p_are_allowed():
    # q may be positive where p is zero; those outcomes are never drawn.
    times = sprt_stopping_times([0.5, 0.5, 0.0], [0.25, 0.25, 0.5], alpha=0.01, trials=200, seed=0)
    # Every step adds exactly log 2, so N = ceil(log 100 / log 2) = 7 in every trial.
    np.testing.assert_array_equal(times, 7)


def test_sprt_is_seeded():
    p, q = PAIRS["three"]
    a = sprt_stopping_times(p, q, alpha=0.01, trials=200, seed=5)
    np.testing.assert_array_equal(a, sprt_stopping_times(p, q, alpha=0.01, trials=200, seed=5))
    assert not np.array_equal(a, sprt_stopping_times(p, q, alpha=0.01, trials=200, seed=6))


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.0, 1.0, -0.1, 1.5, np.nan])
def test_sprt_rejects_alpha_outside_unit_interval(alpha):
    with pytest.raises(ValueError, match=r"alpha must lie in \(0, 1\)"):
        sprt_stopping_times(*PAIRS["three"], alpha=alpha, trials=10, seed=0)


def test_sprt_rejects_q_zero_where_p_positive():
    with pytest.raises(ValueError, match="q must be positive wherever p is"):
        sprt_stopping_times([0.5, 0.5], [1.0, 0.0], alpha=0.05, trials=10, seed=0)


def test_sprt_rejects_equal_distributions():
    with pytest.raises(ValueError, match=r"p and q must differ"):
        sprt_stopping_times(*PAIRS["equal"], alpha=0.05, trials=10, seed=0)


@pytest.mark.parametrize("trials", [0, -3])
def test_rejects_too_few_trials(trials):
    with pytest.raises(ValueError, match="trials must be >= 1"):
        sprt_stopping_times(*PAIRS["three"], alpha=0.05, trials=trials, seed=0)
    with pytest.raises(ValueError, match="trials must be >= 1"):
        guessing_accuracy(*PAIRS["three"], trials=trials, seed=0)


@pytest.mark.parametrize(
    "p, q, message",
    [
        ([0.5, 0.5], [0.2, 0.3, 0.5], "p and q must be 1-D of one length"),
        ([[0.5, 0.5]], [[0.5, 0.5]], "p and q must be 1-D of one length"),
        ([0.5, 0.6], [0.5, 0.5], "p must sum to 1"),
        ([0.5, 0.5], [1.5, -0.5], "q has a negative entry"),
    ],
)
def test_guessing_accuracy_validation(p, q, message):
    with pytest.raises(ValueError, match=message):
        guessing_accuracy(p, q, trials=10, seed=0)


def test_sprt_validates_probability_vectors():
    with pytest.raises(ValueError, match="p must sum to 1"):
        sprt_stopping_times([0.5, 0.6], [0.5, 0.5], alpha=0.05, trials=10, seed=0)


def test_sprt_raises_when_trials_do_not_stop_within_max_samples():
    with pytest.raises(RuntimeError, match="max_samples=50"):
        sprt_stopping_times([0.51, 0.49], [0.5, 0.5], alpha=0.01, trials=10, seed=0, max_samples=50)
