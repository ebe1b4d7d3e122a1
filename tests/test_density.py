"""Kernel density estimates, the memorizing model and the 1-D Gaussian mixture."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from unsup.data import BIMODAL, GaussianMixture1D
from unsup.density import kde_logpdf, kde_nll, kde_nll_curve, memorizer_nll


def direct_kde(train, points, h):
    """g_h(x) = (1/n) sum_i N(x; x_i, h^2), summed term by term."""
    train, points = np.asarray(train, float), np.asarray(points, float)
    z = (points[:, None] - train[None, :]) / h
    return (np.exp(-0.5 * z**2) / (h * np.sqrt(2 * np.pi))).mean(axis=1)


# --- kernel density estimate --------------------------------------------------------------


@pytest.mark.parametrize("h", [0.05, 0.3, 1.0, 4.0])
def test_kde_logpdf_matches_direct_sum(h):
    train = [-1.2, 0.0, 0.4, 3.0]
    points = np.linspace(-2, 4, 37)  # near enough the data that the direct sum does not underflow
    np.testing.assert_allclose(kde_logpdf(train, points, h), np.log(direct_kde(train, points, h)),
                               rtol=1e-12, atol=1e-12)


def test_kde_single_training_point_is_a_normal():
    points = np.linspace(-3, 3, 11)
    np.testing.assert_allclose(kde_logpdf([0.7], points, 0.5), norm.logpdf(points, 0.7, 0.5),
                               rtol=1e-12)


def test_kde_logpdf_is_finite_far_from_the_data():
    """log-sum-exp keeps log g_h finite where g_h itself underflows to 0."""
    value = kde_logpdf([0.0, 1.0], [60.0], 0.1)[0]
    expected = -0.5 * (59.0 / 0.1) ** 2 - np.log(0.1 * np.sqrt(2 * np.pi)) - np.log(2)
    assert np.isfinite(value)
    np.testing.assert_allclose(value, expected, rtol=1e-9)


@pytest.mark.parametrize("h", [0.05, 0.3, 2.0])
def test_kde_integrates_to_one(h):
    train = BIMODAL.sample(25, seed=3)
    grid = np.linspace(-25, 25, 40001)
    assert np.trapezoid(np.exp(kde_logpdf(train, grid, h)), grid) == pytest.approx(1.0, abs=1e-6)


def test_training_nll_decreases_without_bound_as_bandwidth_shrinks():
    train = BIMODAL.sample(40, seed=1)
    spacing = np.diff(np.sort(train)).min()
    bandwidths = np.geomspace(spacing / 4, 1e-8, 25)  # decreasing
    nll = kde_nll_curve(train, train, bandwidths)
    assert np.all(np.diff(nll) < 0), "training NLL must fall monotonically as h -> 0"
    # Once h is far below the spacing, each point sees only its own kernel:
    # NLL -> log n + log(h sqrt(2 pi)) -> -inf.
    limit = np.log(train.size) + np.log(bandwidths[-1] * np.sqrt(2 * np.pi))
    assert nll[-1] == pytest.approx(limit, abs=1e-9)
    assert nll[-1] < -13


def test_test_nll_blows_up_as_bandwidth_shrinks():
    train, test = BIMODAL.sample(40, seed=1), BIMODAL.sample(200, seed=2)
    nll = kde_nll_curve(train, test, [1e-3, 1e-2, 0.3])
    assert nll[0] > nll[1] > nll[2]
    assert nll[0] > 100


def test_kde_nll_is_mean_negative_logpdf():
    train, test = [0.0, 1.0, 2.0], [0.5, 1.5]
    assert kde_nll(train, test, 0.4) == pytest.approx(-np.log(direct_kde(train, test, 0.4)).mean())
    curve = kde_nll_curve(train, test, [0.2, 0.4])
    assert curve.shape == (2,) and curve[1] == pytest.approx(kde_nll(train, test, 0.4))


# --- the memorizer ------------------------------------------------------------------------


def test_memorizer_nll_is_log_n_on_distinct_training_points():
    train = BIMODAL.sample(50, seed=7)
    assert np.unique(train).size == train.size
    assert memorizer_nll(train, train) == pytest.approx(np.log(50), rel=1e-12)


def test_memorizer_nll_is_infinite_off_the_training_set():
    train = BIMODAL.sample(50, seed=7)
    test = BIMODAL.sample(10, seed=8)
    assert memorizer_nll(train, test) == np.inf
    # One unseen point is enough.
    assert memorizer_nll(train, np.append(train[:5], train.max() + 1.0)) == np.inf
    assert memorizer_nll(train, [train.min() - 1.0]) == np.inf


def test_memorizer_counts_repeated_training_points():
    train = [0.0, 0.0, 1.0, 2.0]
    assert memorizer_nll(train, [0.0]) == pytest.approx(np.log(2))
    assert memorizer_nll(train, [1.0, 2.0]) == pytest.approx(np.log(4))


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize("h", [0.0, -0.1, np.inf, np.nan])
def test_kde_rejects_bad_bandwidth(h):
    with pytest.raises(ValueError, match="bandwidth"):
        kde_logpdf([0.0, 1.0], [0.5], h)


@pytest.mark.parametrize(
    "train, points, name",
    [
        ([], [0.0], "train"),
        ([0.0], [], "points"),
        ([[0.0, 1.0]], [0.0], "train"),
        ([0.0, 1.0], [[0.0], [1.0]], "points"),
        ([0.0, np.nan], [0.0], "train"),
        ([0.0], [np.inf], "points"),
    ],
)
def test_kde_rejects_bad_samples(train, points, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        kde_logpdf(train, points, 0.5)


@pytest.mark.parametrize("train, test, name", [([], [0.0], "train"), ([0.0], [], "test"),
                                               ([0.0], np.zeros((2, 2)), "test")])
def test_memorizer_rejects_bad_samples(train, test, name):
    with pytest.raises(ValueError, match=rf"^{name} must be a non-empty 1-D array"):
        memorizer_nll(train, test)


# --- the Gaussian mixture -----------------------------------------------------------------

MIX = GaussianMixture1D(weights=(0.2, 0.5, 0.3), means=(-2.0, 0.0, 3.0), sds=(0.5, 1.0, 2.0))


def test_mixture_sampling_is_seeded():
    a, b, c = MIX.sample(500, seed=11), MIX.sample(500, seed=11), MIX.sample(500, seed=12)
    assert a.shape == (500,)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert MIX.sample(0, seed=1).shape == (0,)


def test_mixture_sample_moments():
    x = MIX.sample(200_000, seed=5)
    w, m, s = (np.asarray(v) for v in (MIX.weights, MIX.means, MIX.sds))
    mean = w @ m
    var = w @ (s**2 + m**2) - mean**2
    assert abs(x.mean() - mean) < 5 * np.sqrt(var / x.size)
    assert x.var() == pytest.approx(var, rel=0.02)
    # Component masses: the fraction of draws in (1, 8) is dominated by the third bump.
    expected = sum(wk * (norm.cdf(8, mk, sk) - norm.cdf(1, mk, sk)) for wk, mk, sk in zip(w, m, s))
    assert np.mean((x > 1) & (x < 8)) == pytest.approx(expected, abs=0.005)


@pytest.mark.parametrize("mixture", [MIX, BIMODAL], ids=["three", "bimodal"])
def test_mixture_logpdf_matches_scipy(mixture):
    x = np.linspace(-12, 14, 301)
    components = zip(mixture.weights, mixture.means, mixture.sds)
    reference = sum(w * norm.pdf(x, m, s) for w, m, s in components)
    np.testing.assert_allclose(mixture.logpdf(x), np.log(reference), rtol=1e-10)


@pytest.mark.parametrize("mixture", [MIX, BIMODAL], ids=["three", "bimodal"])
def test_mixture_logpdf_integrates_to_one(mixture):
    grid = np.linspace(-30, 30, 60001)
    assert np.trapezoid(np.exp(mixture.logpdf(grid)), grid) == pytest.approx(1.0, abs=1e-8)


def test_mixture_logpdf_keeps_shape_and_is_stable_in_tails():
    grid = np.zeros((3, 4))
    assert MIX.logpdf(grid).shape == (3, 4)
    assert np.isfinite(MIX.logpdf([200.0, -200.0])).all()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"weights": (0.5, 0.6)}, "weights must sum to 1"),
        ({"weights": (1.5, -0.5)}, "weights has a negative entry"),
        ({"weights": ()}, "weights must not be empty"),
        ({"sds": (1.0, 0.0)}, "sds must be positive"),
        ({"sds": (1.0, -2.0)}, "sds must be positive"),
        ({"sds": (1.0, np.nan)}, "sds must contain only finite values"),
        ({"means": (0.0,)}, "same length"),
        ({"means": (0.0, 1.0, 2.0), }, "same length"),
    ],
)
def test_mixture_validation(kwargs, message):
    spec = {"weights": (0.5, 0.5), "means": (0.0, 1.0), "sds": (1.0, 1.0)} | kwargs
    with pytest.raises(ValueError, match=message):
        GaussianMixture1D(**spec)


def test_mixture_rejects_negative_n():
    with pytest.raises(ValueError, match="n must be >= 0"):
        MIX.sample(-1, seed=0)
