"""Closed forms and reference implementations for unsup.divergences."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats
import torch
from scipy.integrate import quad
from scipy.spatial.distance import jensenshannon
from scipy.special import rel_entr
from scipy.stats import norm

from unsup.divergences import (
    F_GENERATORS,
    chi2,
    f_divergence,
    hellinger,
    js,
    kl,
    kl_gaussian,
    mmd,
    tv,
    tv_gaussian,
    wasserstein1,
)

LOG2 = np.log(2.0)
P = np.array([0.5, 0.3, 0.2, 0.0])
Q = np.array([0.25, 0.25, 0.25, 0.25])


@pytest.fixture
def batch() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.dirichlet(np.ones(6), size=50), rng.dirichlet(np.ones(6), size=50)


# ----------------------------------------------------------------------------- discrete values
def test_kl_matches_scipy_entropy_and_rel_entr(batch):
    p, q = batch
    np.testing.assert_allclose(kl(p, q), scipy.stats.entropy(p, q, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(kl(P, Q), rel_entr(P, Q).sum(), rtol=1e-12)
    np.testing.assert_allclose(kl(P, Q, base=2), scipy.stats.entropy(P, Q, base=2), rtol=1e-12)


def test_closed_form_values():
    p, q = np.array([0.5, 0.5]), np.array([0.25, 0.75])
    assert kl(p, q) == pytest.approx(0.5 * np.log(2) + 0.5 * np.log(2 / 3))
    assert tv(p, q) == pytest.approx(0.25)
    assert chi2(p, q) == pytest.approx(0.25**2 / 0.25 + 0.25**2 / 0.75)
    bc = np.sqrt(0.125) + np.sqrt(0.375)
    assert hellinger(p, q) == pytest.approx(np.sqrt(1 - bc))
    m = np.array([0.375, 0.625])
    expected = 0.5 * np.sum(p * np.log(p / m)) + 0.5 * np.sum(q * np.log(q / m))
    assert js(p, q) == pytest.approx(expected)


def test_js_matches_scipy_jensenshannon(batch):
    p, q = batch
    expected = jensenshannon(p, q, axis=-1) ** 2
    np.testing.assert_allclose(js(p, q), expected, rtol=1e-9)


def test_base_two_converts_nats_to_bits(batch):
    p, q = batch
    np.testing.assert_allclose(kl(p, q, base=2), kl(p, q) / LOG2, rtol=1e-12)
    np.testing.assert_allclose(js(p, q, base=2), js(p, q) / LOG2, rtol=1e-12)
    assert js([1.0, 0.0], [0.0, 1.0], base=2) == pytest.approx(1.0)
    assert kl([1.0, 0.0], [0.5, 0.5], base=2) == pytest.approx(1.0)


def test_support_mismatch_gives_inf_not_nan():
    p, q = np.array([0.5, 0.5, 0.0]), np.array([1.0, 0.0, 0.0])
    assert kl(p, q) == np.inf
    assert chi2(p, q) == np.inf
    assert np.isfinite(kl(q, p)) and kl(q, p) == pytest.approx(LOG2)
    assert chi2(q, p) == pytest.approx(1.0)  # (0.5^2 + 0.5^2) / 0.5
    for fn in (kl, chi2, js, tv, hellinger):
        assert not np.isnan(fn(p, q))


def test_disjoint_supports_hit_the_upper_bounds():
    p, q = [0.3, 0.7, 0.0, 0.0], [0.0, 0.0, 0.4, 0.6]
    assert js(p, q) == pytest.approx(LOG2)
    assert tv(p, q) == pytest.approx(1.0)
    assert hellinger(p, q) == pytest.approx(1.0)


def test_broadcasting_batch_against_single_q(batch):
    p, _ = batch
    q = np.full(6, 1 / 6)
    for fn in (kl, tv, js, hellinger, chi2):
        out = fn(p, q)
        assert out.shape == (50,)
        np.testing.assert_allclose(out, [fn(row, q) for row in p], rtol=1e-12)
    assert np.ndim(kl(P, Q)) == 0


@pytest.mark.parametrize(
    ("name", "dedicated"),
    [
        ("kl", kl),
        ("reverse_kl", lambda p, q: kl(q, p)),
        ("tv", tv),
        ("chi2", chi2),
        ("squared_hellinger", lambda p, q: hellinger(p, q) ** 2),
        ("js", js),
    ],
)
def test_f_divergence_matches_dedicated_functions(name, dedicated, batch):
    p, q = batch
    f = F_GENERATORS[name]
    np.testing.assert_allclose(f_divergence(p, q, f), dedicated(p, q), rtol=1e-9, atol=1e-14)
    # Zeros in p and/or q, including the q = 0 < p limit terms (finite or inf).
    for a, b in [(P, Q), (Q, P), ([0.5, 0.5, 0.0], [1.0, 0.0, 0.0]), ([0.0, 1.0], [1.0, 0.0])]:
        np.testing.assert_allclose(f_divergence(a, b, f), dedicated(a, b), rtol=1e-9, atol=1e-14)


def test_f_divergence_limit_terms_and_override():
    p, q = [0.5, 0.5], [1.0, 0.0]
    assert f_divergence(p, q, F_GENERATORS["tv"]) == pytest.approx(0.5)
    assert f_divergence(p, q, F_GENERATORS["kl"]) == np.inf
    assert f_divergence(p, q, F_GENERATORS["chi2"]) == np.inf
    # q f(p/q) = 1 * f(0.5) for the first outcome, p * slope = 0.5 * 3 for the second
    got = f_divergence(p, q, F_GENERATORS["kl"], slope_at_infinity=3.0)
    assert got == pytest.approx(0.5 * np.log(0.5) + 1.5)


# ----------------------------------------------------------------------------- Gaussians
@pytest.mark.parametrize(
    ("mu0", "var0", "mu1", "var1"),
    [(0.0, 1.0, 0.0, 1.0), (0.0, 1.0, 1.0, 1.0), (1.5, 0.2, -2.0, 3.0)],
)
def test_kl_gaussian_univariate_matches_torch(mu0, var0, mu1, var1):
    n0 = torch.distributions.Normal(torch.tensor(mu0, dtype=torch.float64), np.sqrt(var0))
    n1 = torch.distributions.Normal(torch.tensor(mu1, dtype=torch.float64), np.sqrt(var1))
    expected = torch.distributions.kl_divergence(n0, n1).item()
    assert kl_gaussian(mu0, var0, mu1, var1) == pytest.approx(expected, rel=1e-10, abs=1e-14)


@pytest.mark.parametrize("d", [1, 2, 5])
def test_kl_gaussian_multivariate_matches_torch(d):
    rng = np.random.default_rng(d)
    a0, a1 = rng.normal(size=(d, d)), rng.normal(size=(d, d))
    s0, s1 = a0 @ a0.T + 0.5 * np.eye(d), a1 @ a1.T + 0.5 * np.eye(d)
    m0, m1 = rng.normal(size=d), rng.normal(size=d)
    mvn = torch.distributions.MultivariateNormal
    expected = torch.distributions.kl_divergence(
        mvn(torch.from_numpy(m0), torch.from_numpy(s0)),
        mvn(torch.from_numpy(m1), torch.from_numpy(s1)),
    ).item()
    assert kl_gaussian(m0, s0, m1, s1) == pytest.approx(expected, rel=1e-9)
    assert kl_gaussian(m0, s0, m0, s0) == pytest.approx(0.0, abs=1e-12)


def test_kl_gaussian_scalar_takes_variances():
    # KL(N(0, 1) || N(0, 4)) = 1/2 (1/4 - 1 + ln 4); sigma would give a different number.
    assert kl_gaussian(0.0, 1.0, 0.0, 4.0) == pytest.approx(0.5 * (0.25 - 1 + np.log(4)))
    as_matrix = kl_gaussian([0.0], [[1.0]], [0.0], [[4.0]])
    assert as_matrix == pytest.approx(kl_gaussian(0.0, 1.0, 0.0, 4.0))


TV_CASES = [
    (0.0, 1.0, 0.0, 1.0),
    (0.0, 1.0, 1.0, 1.0),
    (-1.0, 2.0, 3.0, 2.0),
    (0.0, 1.0, 0.0, 2.0),
    (0.0, 1.0, 3.0, 0.5),
    (2.0, 0.3, -1.0, 4.0),
    (1.0, 1.0, 1.1, 1.01),
]


@pytest.mark.parametrize(("mu0", "s0", "mu1", "s1"), TV_CASES)
def test_tv_gaussian_matches_numerical_integration(mu0, s0, mu1, s1):
    def half_abs_diff(x: float) -> float:
        return 0.5 * abs(norm.pdf(x, mu0, s0) - norm.pdf(x, mu1, s1))

    lo, hi = min(mu0 - 40 * s0, mu1 - 40 * s1), max(mu0 + 40 * s0, mu1 + 40 * s1)
    expected = quad(half_abs_diff, lo, hi, points=[mu0, mu1], limit=500, epsabs=1e-13)[0]
    got = tv_gaussian(mu0, s0, mu1, s1)
    assert got == pytest.approx(expected, rel=1e-7, abs=1e-10)
    assert tv_gaussian(mu1, s1, mu0, s0) == pytest.approx(got, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("eps", [0.0, 0.1, 1.0, 3.0, 10.0])
def test_tv_gaussian_equal_sigma_closed_form(eps):
    assert tv_gaussian(0.0, 1.0, eps, 1.0) == pytest.approx(2 * norm.cdf(eps / 2) - 1, abs=1e-15)
    # location-scale invariance: shift by 5, scale by 3
    assert tv_gaussian(5.0, 3.0, 5.0 + 3 * eps, 3.0) == pytest.approx(2 * norm.cdf(eps / 2) - 1)


def test_tv_gaussian_broadcasts_over_arrays():
    mus, sigmas = np.array([0.0, 1.0, 2.0]), np.array([1.0, 2.0, 0.5])
    out = tv_gaussian(mus, sigmas, 0.5, 1.0)
    assert out.shape == (3,)
    np.testing.assert_allclose(out, [tv_gaussian(m, s, 0.5, 1.0) for m, s in zip(mus, sigmas)])


# ----------------------------------------------------------------------------- samples
def _mmd_loops(x: np.ndarray, y: np.ndarray, h: float, unbiased: bool) -> float:
    x, y = np.atleast_2d(x.T).T, np.atleast_2d(y.T).T

    def k(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.exp(-np.sum((a - b) ** 2) / (2 * h * h)))

    n, m = len(x), len(y)
    sxx = sum(k(x[i], x[j]) for i in range(n) for j in range(n) if not (unbiased and i == j))
    syy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if not (unbiased and i == j))
    sxy = sum(k(x[i], y[j]) for i in range(n) for j in range(m))
    nxx, nyy = (n * (n - 1), m * (m - 1)) if unbiased else (n * n, m * m)
    return sxx / nxx + syy / nyy - 2 * sxy / (n * m)


@pytest.mark.parametrize("unbiased", [True, False])
@pytest.mark.parametrize("shape_x,shape_y", [((7,), (5,)), ((6, 3), (9, 3))])
def test_mmd_matches_double_loop(unbiased, shape_x, shape_y):
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=shape_x), rng.normal(0.5, 1.5, size=shape_y)
    got = mmd(x, y, bandwidth=0.8, unbiased=unbiased)
    assert got == pytest.approx(_mmd_loops(x, y, 0.8, unbiased), rel=1e-10, abs=1e-14)


def test_mmd_defaults_to_unbiased_and_biased_is_larger_for_same_sample():
    x = np.random.default_rng(2).normal(size=20)
    assert mmd(x, x, 1.0) == pytest.approx(_mmd_loops(x, x, 1.0, True))
    assert mmd(x, x, 1.0, unbiased=False) == pytest.approx(0.0, abs=1e-12)
    # U-statistic of a sample against itself: (2/n) (mean off-diagonal k - 1) < 0
    k = np.exp(-((x[:, None] - x[None, :]) ** 2) / 2)
    off_mean = (k.sum() - 20) / (20 * 19)
    assert mmd(x, x, 1.0) == pytest.approx(2 / 20 * (off_mean - 1))
    assert mmd(x, x, 1.0) < 0


@pytest.mark.parametrize(("n", "m"), [(50, 50), (37, 81), (1, 10)])
def test_wasserstein1_matches_scipy(n, m):
    rng = np.random.default_rng(n * m)
    x, y = rng.normal(size=n), rng.exponential(size=m)
    assert wasserstein1(x, y) == pytest.approx(scipy.stats.wasserstein_distance(x, y), rel=1e-12)


def test_wasserstein1_closed_forms():
    assert wasserstein1([0.0, 1.0], [0.0, 1.0]) == 0.0
    assert wasserstein1([0.0], [3.0]) == pytest.approx(3.0)
    assert wasserstein1([0.0, 0.0, 1.0, 1.0], [2.0, 2.0, 3.0, 3.0]) == pytest.approx(2.0)  # shift
    assert wasserstein1([0.0, 1.0], [0.0]) == pytest.approx(0.5)


# ----------------------------------------------------------------------------- validation
@pytest.mark.parametrize("fn", [kl, tv, js, hellinger, chi2])
def test_discrete_validation_names_argument_and_rule(fn):
    with pytest.raises(ValueError, match=r"^p has a negative entry"):
        fn([1.2, -0.2], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"^q has a negative entry"):
        fn([0.5, 0.5], [1.2, -0.2])
    with pytest.raises(ValueError, match=r"^p must sum to 1"):
        fn([0.5, 0.6], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"^q must sum to 1"):
        fn([0.5, 0.5], [0.2, 0.2])
    with pytest.raises(ValueError, match=r"^p must contain only finite values"):
        fn([np.nan, 1.0], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"^q must contain only finite values"):
        fn([0.5, 0.5], [np.inf, 0.5])
    with pytest.raises(ValueError, match=r"p and q must have the same number of outcomes"):
        fn([0.5, 0.5], [1 / 3, 1 / 3, 1 / 3])
    with pytest.raises(ValueError, match=r"p and q must have the same number of outcomes"):
        fn([0.5, 0.5], [1.0])
    with pytest.raises(ValueError, match=r"p and q have shapes \(2, 2\) and \(3, 2\).*not match"):
        fn(np.full((2, 2), 0.5), np.full((3, 2), 0.5))


@pytest.mark.parametrize("fn", [kl, js])
@pytest.mark.parametrize("base", [0.0, -2.0, 1.0])
def test_base_validation(fn, base):
    with pytest.raises(ValueError, match=r"base must be a positive scalar different from 1"):
        fn(P, Q, base=base)


def test_base_must_be_finite():
    with pytest.raises(ValueError, match=r"base must contain only finite values"):
        kl(P, Q, base=np.inf)


def test_f_divergence_validation():
    with pytest.raises(ValueError, match=r"f must satisfy f\(1\) = 0"):
        f_divergence(P, Q, lambda t: t * np.log(t) + 1.0)
    with pytest.raises(ValueError, match=r"f must be vectorized"):
        f_divergence(P, Q, lambda t: 0.0)
    with pytest.raises(TypeError, match=r"f must be a callable"):
        f_divergence(P, Q, "kl")
    with pytest.raises(ValueError, match=r"^q must sum to 1"):
        f_divergence(P, [0.5, 0.1, 0.0, 0.0], F_GENERATORS["kl"])


def test_kl_gaussian_validation():
    with pytest.raises(ValueError, match=r"cov0 must be positive"):
        kl_gaussian(0.0, 0.0, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"cov1 must be positive"):
        kl_gaussian(0.0, 1.0, 0.0, -1.0)
    with pytest.raises(ValueError, match=r"cov1 must be positive definite"):
        kl_gaussian([0.0, 0.0], np.eye(2), [0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match=r"cov0 must be symmetric"):
        kl_gaussian([0.0, 0.0], [[1.0, 0.5], [0.0, 1.0]], [0.0, 0.0], np.eye(2))
    with pytest.raises(ValueError, match=r"mu0 and mu1 have shapes \(2,\) and \(3,\).*not match"):
        kl_gaussian([0.0, 0.0], np.eye(2), [0.0, 0.0, 0.0], np.eye(3))
    with pytest.raises(ValueError, match=r"cov1 must have shape \(2, 2\) to match mu0"):
        kl_gaussian([0.0, 0.0], np.eye(2), [0.0, 0.0], np.eye(3))
    with pytest.raises(ValueError, match=r"cov0 must be a scalar variance"):
        kl_gaussian(0.0, np.eye(2), 0.0, 1.0)
    with pytest.raises(ValueError, match=r"mu1 must be a scalar or a non-empty 1-D mean vector"):
        kl_gaussian(0.0, 1.0, [[0.0]], [[1.0]])
    with pytest.raises(ValueError, match=r"mu0 must contain only finite values"):
        kl_gaussian(np.nan, 1.0, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"cov0 must contain only finite values"):
        kl_gaussian([0.0], [[np.inf]], [0.0], [[1.0]])


def test_tv_gaussian_validation():
    with pytest.raises(ValueError, match=r"sigma0 must be positive"):
        tv_gaussian(0.0, 0.0, 1.0, 1.0)
    with pytest.raises(ValueError, match=r"sigma1 must be positive"):
        tv_gaussian(0.0, 1.0, 1.0, -2.0)
    with pytest.raises(ValueError, match=r"mu1 must contain only finite values"):
        tv_gaussian(0.0, 1.0, np.inf, 1.0)
    with pytest.raises(ValueError, match=r"mu0 and mu1 have shapes \(2,\) and \(3,\).*not match"):
        tv_gaussian(np.zeros(2), 1.0, np.zeros(3), 1.0)


def test_mmd_validation():
    x = np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"x and y must have the same dimension.*d=2.*d=3"):
        mmd(x, np.zeros((4, 3)), 1.0)
    with pytest.raises(ValueError, match=r"bandwidth must be positive"):
        mmd(x, x, 0.0)
    with pytest.raises(ValueError, match=r"bandwidth must be a scalar"):
        mmd(x, x, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"y needs at least 2 samples for the unbiased estimate"):
        mmd(x, np.zeros((1, 2)), 1.0)
    assert np.isfinite(mmd(x, np.zeros((1, 2)), 1.0, unbiased=False))
    with pytest.raises(ValueError, match=r"x must contain only finite values"):
        mmd([np.nan, 1.0], [0.0, 1.0], 1.0)
    with pytest.raises(ValueError, match=r"y must be a non-empty array"):
        mmd([0.0, 1.0], [], 1.0)


def test_wasserstein1_validation():
    with pytest.raises(ValueError, match=r"x must be a non-empty 1-D array"):
        wasserstein1([], [1.0])
    with pytest.raises(ValueError, match=r"y must be a non-empty 1-D array"):
        wasserstein1([1.0], np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"y must contain only finite values"):
        wasserstein1([1.0], [np.inf])
