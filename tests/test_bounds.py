"""Tests of unsup.bounds: the uniform-convergence bound for a finite class."""

import numpy as np
import pytest

from unsup.bounds import uniform_convergence_bound, uniform_convergence_epsilon


def test_bound_matches_formula_and_caps_at_one():
    expected = 2 * 10 * np.exp(-2 * 100 * 0.04)
    assert uniform_convergence_bound(100, 0.2, 10) == pytest.approx(expected)
    assert uniform_convergence_bound(100, 0.2, 10, two_sided=False) == pytest.approx(
        10 * np.exp(-8.0))
    assert uniform_convergence_bound(1, 0.0, 5) == 1.0


def test_epsilon_inverts_the_bound():
    n, size, delta = 500, 64, 0.05
    t = uniform_convergence_epsilon(n, size, delta)
    assert uniform_convergence_bound(n, t, size) == pytest.approx(delta)
    assert uniform_convergence_bound(n, t, size, two_sided=False) == pytest.approx(delta / 2)


def test_bound_holds_for_a_simulated_finite_class():
    # Threshold classifiers on uniform x with labels 1[x > 0.5] flipped w.p. 0.1.
    rng = np.random.default_rng(0)
    thresholds = np.linspace(0, 1, 21)
    n, t, repeats = 200, 0.08, 2000
    x = rng.random((repeats, n))
    y = (x > 0.5) ^ (rng.random((repeats, n)) < 0.1)
    predictions = x[..., None] > thresholds
    train_error = (predictions != y[..., None]).mean(axis=1)
    true_error = 0.1 + 0.8 * np.abs(thresholds - 0.5)
    frequency = np.mean(np.any(np.abs(train_error - true_error) > t, axis=1))
    assert frequency <= uniform_convergence_bound(n, t, thresholds.size)
    assert frequency > 0  # the event happens: the comparison is not vacuous


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0, "t": 0.1, "class_size": 3}, "n must be an integer >= 1"),
        ({"n": 10, "t": -0.1, "class_size": 3}, "t must be a finite number >= 0"),
        ({"n": 10, "t": 0.1, "class_size": 0}, "class_size must be an integer >= 1"),
        ({"n": 2.5, "t": 0.1, "class_size": 3}, "n must be an integer"),
    ],
)
def test_bound_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        uniform_convergence_bound(**kwargs)


def test_epsilon_validation():
    with pytest.raises(ValueError, match=r"delta must lie in \(0, 1\)"):
        uniform_convergence_epsilon(10, 3, 1.5)
