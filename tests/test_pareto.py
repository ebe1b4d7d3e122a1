"""Pareto fronts, supported points and weighted-sum scalarization."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from unsup.pareto import convex_pair, dented_pair, pareto_mask, supported_mask, weighted_argmin

LAMS = np.concatenate([[0.0], np.geomspace(1e-4, 1e4, 20_000), [np.inf]])


def brute_pareto(a, b):
    """i is Pareto iff no j is <= in both objectives and < in one (O(n^2))."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    le = (a[None, :] <= a[:, None]) & (b[None, :] <= b[:, None])
    lt = (a[None, :] < a[:, None]) | (b[None, :] < b[:, None])
    return ~(le & lt).any(axis=1)


def brute_supported(a, b):
    """Pareto points for which some lam in [0, inf] makes a + lam b minimal (exact for small ints).

    i minimizes a + lam b iff a_i - a_j <= lam (b_j - b_i) for every j: an interval of lam.
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    out = np.zeros(a.size, bool)
    for i in np.flatnonzero(brute_pareto(a, b)):
        lo, hi, feasible = 0.0, np.inf, True
        for j in range(a.size):
            da, db = a[i] - a[j], b[j] - b[i]
            if db > 0:
                lo = max(lo, da / db)
            elif db < 0:
                hi = min(hi, da / db)
            elif da > 0:
                feasible = False
        out[i] = feasible and lo <= hi
    return out


def sweep_hits(l1, l2, lams=LAMS):
    """Indices returned by weighted_argmin, in the order of increasing lam."""
    return np.array([weighted_argmin(l1, l2, lam) for lam in lams])


int_points = st.integers(1, 40).flatmap(
    lambda n: st.tuples(st.lists(st.integers(0, 6), min_size=n, max_size=n),
                        st.lists(st.integers(0, 6), min_size=n, max_size=n))
)
float_points = st.integers(1, 60).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=n, max_size=n),
        st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=n, max_size=n),
    )
)


# --- Pareto and supported masks against brute force --------------------------------------


@given(int_points)
def test_pareto_mask_matches_brute_force_with_ties(points):
    a, b = points
    np.testing.assert_array_equal(pareto_mask(a, b), brute_pareto(a, b))


@given(float_points)
def test_pareto_mask_matches_brute_force_floats(points):
    a, b = points
    np.testing.assert_array_equal(pareto_mask(a, b), brute_pareto(a, b))


@pytest.mark.parametrize("seed", range(5))
def test_pareto_mask_random_clouds(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(2, 500))
    mask = pareto_mask(a, b)
    np.testing.assert_array_equal(mask, brute_pareto(a, b))
    assert 1 <= mask.sum() < 500


def test_exact_duplicates_of_a_front_point_are_both_on_the_front():
    mask = pareto_mask([0.0, 1.0, 1.0, 2.0, 1.0], [2.0, 1.0, 1.0, 0.0, 1.5])
    np.testing.assert_array_equal(mask, [True, True, True, True, False])


@given(int_points)
def test_supported_mask_matches_brute_force(points):
    a, b = points
    supported = supported_mask(a, b)
    assert not (supported & ~pareto_mask(a, b)).any(), "supported points must be Pareto points"
    np.testing.assert_array_equal(supported, brute_supported(a, b))


@given(int_points, st.one_of(st.just(0.0), st.just(np.inf), st.floats(0, 1e3)))
def test_weighted_argmin_lands_on_a_supported_point(points, lam):
    a, b = points
    i = weighted_argmin(a, b, lam)
    assert supported_mask(a, b)[i], f"lam={lam} picked {i}, which is not a supported Pareto point"
    if np.isfinite(lam):
        s = np.asarray(a, float) + lam * np.asarray(b, float)
        assert s[i] == s.min()


def test_supported_points_of_a_concave_front():
    # (1, 1.9) lies above the chord from (0, 2) to (2, 0): Pareto but unsupported.
    a, b = [0.0, 1.0, 2.0], [2.0, 1.9, 0.0]
    np.testing.assert_array_equal(pareto_mask(a, b), [True, True, True])
    np.testing.assert_array_equal(supported_mask(a, b), [True, False, True])
    # Collinear points are supported (the whole segment minimizes lam = 1).
    np.testing.assert_array_equal(supported_mask([0.0, 1.0, 2.0], [2.0, 1.0, 0.0]), [True] * 3)


def test_weighted_argmin_breaks_ties_towards_the_front():
    # lam = 0 ties on L1: the point with the smaller L2 is the Pareto one.
    assert weighted_argmin([0.0, 0.0, 1.0], [2.0, 1.0, 0.0], 0.0) == 1
    # lam = inf ties on L2: the smaller L1 wins.
    assert weighted_argmin([3.0, 1.0, 0.0], [0.0, 0.0, 5.0], np.inf) == 1


# --- the convex example -------------------------------------------------------------------

W_CONVEX = np.linspace(-2.0, 2.0, 801)
W_DENTED = np.linspace(0.0, 1.0, 801)


def test_convex_pair_values():
    l1, l2 = convex_pair([-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(l1, [4.0, 1.0, 0.0])
    np.testing.assert_array_equal(l2, [0.0, 1.0, 4.0])


def test_convex_front_is_minus_one_to_one_and_fully_supported():
    l1, l2 = convex_pair(W_CONVEX)
    front, supported = pareto_mask(l1, l2), supported_mask(l1, l2)
    np.testing.assert_array_equal(front, np.abs(W_CONVEX) <= 1 + 1e-9)
    np.testing.assert_array_equal(supported, front)


@pytest.mark.parametrize("lam", [0.0, 0.05, 0.3, 1.0, 2.0, 7.5, 100.0])
def test_convex_weighted_argmin_matches_closed_form(lam):
    l1, l2 = convex_pair(W_CONVEX)
    spacing = W_CONVEX[1] - W_CONVEX[0]
    w_star = (1 - lam) / (1 + lam)
    assert abs(W_CONVEX[weighted_argmin(l1, l2, lam)] - w_star) <= spacing / 2 + 1e-12


def test_convex_weighted_argmin_at_infinity_is_minus_one():
    l1, l2 = convex_pair(W_CONVEX)
    assert W_CONVEX[weighted_argmin(l1, l2, np.inf)] == pytest.approx(-1.0)


def test_convex_lambda_sweep_hits_every_supported_point():
    l1, l2 = convex_pair(W_CONVEX)
    hits = sweep_hits(l1, l2)
    assert set(hits) == set(np.flatnonzero(supported_mask(l1, l2)))
    # As lam grows the minimizer moves monotonically from w = 1 to w = -1.
    assert np.all(np.diff(W_CONVEX[hits]) <= 0)


# --- the dented example -------------------------------------------------------------------


def test_dented_front_has_unsupported_points():
    l1, l2 = dented_pair(W_DENTED)
    front, supported = pareto_mask(l1, l2), supported_mask(l1, l2)
    unsupported = front & ~supported
    assert unsupported.sum() >= 50
    assert not (supported & ~front).any()


def test_dented_lambda_sweep_jumps_over_the_dent():
    l1, l2 = dented_pair(W_DENTED)
    hits = sweep_hits(l1, l2)
    supported = supported_mask(l1, l2)
    assert supported[hits].all(), "a weighted sum only ever finds supported points"
    jumps = np.abs(np.diff(W_DENTED[hits]))
    assert jumps.max() > 0.3
    # The unsupported Pareto points lie inside the jump.
    lo, hi = np.sort(W_DENTED[hits][np.argmax(jumps): np.argmax(jumps) + 2])
    unsupported_w = W_DENTED[pareto_mask(l1, l2) & ~supported]
    assert np.all((unsupported_w > lo) & (unsupported_w < hi))


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "l1, l2",
    [([1.0, 2.0], [1.0]), ([], []), ([[1.0, 2.0]], [[1.0, 2.0]]), ([1.0], [[1.0]])],
)
@pytest.mark.parametrize(
    "fn",
    [pareto_mask, supported_mask, lambda a, b: weighted_argmin(a, b, 1.0)],
    ids=["pareto_mask", "supported_mask", "weighted_argmin"],
)
def test_objectives_validation(fn, l1, l2):
    with pytest.raises(ValueError, match="l1 and l2 must be non-empty 1-D arrays of one length"):
        fn(l1, l2)


@pytest.mark.parametrize(
    "l1, l2, name", [([np.nan, 1.0], [1.0, 2.0], "l1"), ([1.0], [np.inf], "l2")]
)
def test_objectives_must_be_finite(l1, l2, name):
    with pytest.raises(ValueError, match=f"{name} must contain only finite values"):
        pareto_mask(l1, l2)


@pytest.mark.parametrize("lam", [-1e-9, -1.0, -np.inf, np.nan])
def test_weighted_argmin_rejects_negative_lam(lam):
    with pytest.raises(ValueError, match="lam must be >= 0"):
        weighted_argmin([0.0, 1.0], [1.0, 0.0], lam)
