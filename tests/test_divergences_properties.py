"""Hypothesis property tests: the inequalities every divergence must satisfy."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from unsup.divergences import chi2, hellinger, js, kl, kl_gaussian, tv

LOG2 = np.log(2.0)
TOL = 1e-12
SETTINGS = settings(deadline=None, max_examples=100)

weights = st.one_of(st.just(0.0), st.floats(1e-3, 1.0))


def _normalise(w: list[float]) -> np.ndarray:
    arr = np.asarray(w, dtype=float)
    if arr.sum() == 0:
        arr[0] = 1.0
    return arr / arr.sum()


@st.composite
def prob_pair(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Two probability vectors of a common length 2..8, zeros allowed."""
    k = draw(st.integers(2, 8))
    p = _normalise(draw(st.lists(weights, min_size=k, max_size=k)))
    q = _normalise(draw(st.lists(weights, min_size=k, max_size=k)))
    return p, q


@SETTINGS
@given(prob_pair())
def test_nonnegative(pq):
    p, q = pq
    for fn in (kl, tv, js, hellinger, chi2):
        assert fn(p, q) >= -TOL, fn.__name__


@SETTINGS
@given(prob_pair())
def test_zero_on_identical_distributions(pq):
    p, _ = pq
    for fn in (kl, tv, js, hellinger, chi2):
        assert abs(fn(p, p)) <= TOL, fn.__name__


@SETTINGS
@given(prob_pair())
def test_positive_when_distributions_differ(pq):
    p, q = pq
    gap = np.max(np.abs(p - q))
    assume(gap > 1e-3)
    assert tv(p, q) >= gap - TOL  # sum(p - q) = 0, so TV >= max |p - q|
    for fn in (kl, js, hellinger, chi2):
        assert fn(p, q) > 0, fn.__name__


@SETTINGS
@given(prob_pair())
def test_symmetric(pq):
    p, q = pq
    for fn in (tv, js, hellinger):
        assert np.isclose(fn(p, q), fn(q, p), rtol=1e-12, atol=TOL), fn.__name__


@SETTINGS
@given(prob_pair())
def test_upper_bounds(pq):
    p, q = pq
    assert js(p, q) <= LOG2 + TOL
    assert js(p, q, base=2) <= 1 + TOL
    assert tv(p, q) <= 1 + TOL
    assert 0 <= hellinger(p, q) <= 1


@SETTINGS
@given(prob_pair())
def test_pinsker(pq):
    p, q = pq
    assert tv(p, q) <= np.sqrt(kl(p, q) / 2) + 1e-9


@SETTINGS
@given(prob_pair())
def test_le_cam_inequalities(pq):
    p, q = pq
    h, t = hellinger(p, q), tv(p, q)
    assert h**2 <= t + 1e-9
    assert t <= h * np.sqrt(2 - h**2) + 1e-9
    assert t <= np.sqrt(2) * h + 1e-9


@SETTINGS
@given(prob_pair())
def test_js_le_tv_log2_and_kl_le_log1p_chi2(pq):
    p, q = pq
    # JS <= TV log 2 (Lin 1991) and KL <= log(1 + chi2) (Jensen)
    assert js(p, q) <= tv(p, q) * LOG2 + 1e-9
    assert kl(p, q) <= np.log1p(chi2(p, q)) + 1e-9


@st.composite
def gaussian(draw: st.DrawFn, d: int) -> tuple[np.ndarray, np.ndarray]:
    """A mean in [-3, 3]^d and a covariance A A^T + 0.1 I."""
    elems = st.floats(-2.0, 2.0)
    mu = draw(arrays(float, d, elements=st.floats(-3.0, 3.0)))
    a = draw(arrays(float, (d, d), elements=elems))
    return mu, a @ a.T + 0.1 * np.eye(d)


@st.composite
def gaussian_pair(draw: st.DrawFn):
    d = draw(st.integers(1, 4))
    return draw(gaussian(d)), draw(gaussian(d))


@SETTINGS
@given(gaussian_pair())
def test_kl_gaussian_nonnegative_and_zero_on_equal(pair):
    (m0, s0), (m1, s1) = pair
    assert kl_gaussian(m0, s0, m1, s1) >= -1e-9
    assert abs(kl_gaussian(m0, s0, m0, s0)) <= 1e-9
    assert abs(kl_gaussian(m1, s1, m1, s1)) <= 1e-9


@SETTINGS
@given(
    st.floats(-5, 5), st.floats(0.01, 10), st.floats(-5, 5), st.floats(0.01, 10)
)
def test_kl_gaussian_scalar_nonnegative_and_matches_1d_matrix(mu0, var0, mu1, var1):
    got = kl_gaussian(mu0, var0, mu1, var1)
    assert got >= 0
    assert kl_gaussian(mu0, var0, mu0, var0) == 0
    assert np.isclose(got, kl_gaussian([mu0], [[var0]], [mu1], [[var1]]), rtol=1e-9, atol=1e-12)
