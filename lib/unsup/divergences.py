r"""Divergences and distances between probability distributions.

Discrete distributions are numpy arrays whose LAST axis indexes the outcomes;
``p`` and ``q`` broadcast against each other over the leading (batch) axes, so
``kl(P, q)`` with ``P`` of shape ``(n, k)`` and ``q`` of shape ``(k,)`` returns
``n`` values. Results are in nats; functions with a ``base`` argument divide
by :math:`\log(\text{base})` (``base=2`` gives bits).

Discrete: :func:`kl`, :func:`tv`, :func:`js`, :func:`hellinger`, :func:`chi2`
and the general :func:`f_divergence` with the generators in
:data:`F_GENERATORS`.

Continuous: :func:`kl_gaussian` (closed form, univariate or multivariate),
:func:`tv_gaussian` (exact, univariate), and two sample-based distances,
:func:`mmd` (Gaussian kernel) and :func:`wasserstein1` (1-D).

Conventions worth remembering:

- ``hellinger`` is :math:`H = \sqrt{1 - \sum_x \sqrt{p(x) q(x)}}`, in [0, 1]
  (the version with the 1/2 factor, :math:`H^2 = \tfrac12 \sum (\sqrt p - \sqrt q)^2`).
- ``kl_gaussian`` with scalar means takes VARIANCES; ``tv_gaussian`` takes
  STANDARD DEVIATIONS.
- ``mmd`` returns the SQUARED MMD (unbiased by default, so it can be slightly
  negative).

Infinite divergences (support mismatch) come back as ``inf``, never ``nan``.
Invalid input raises ``ValueError`` naming the argument and the rule broken.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.linalg import solve_triangular
from scipy.spatial.distance import cdist
from scipy.special import erf, ndtr, rel_entr, xlogy

from unsup._validation import (
    as_float_array,
    positive,
    positive_definite,
    probability_vector,
    same_shape,
    samples_1d,
    samples_2d,
)

__all__ = [
    "F_GENERATORS",
    "chi2",
    "f_divergence",
    "hellinger",
    "js",
    "kl",
    "kl_gaussian",
    "mmd",
    "tv",
    "tv_gaussian",
    "wasserstein1",
]

FloatOrArray = float | NDArray[np.float64]


# --------------------------------------------------------------------------- helpers
def _pair(p: ArrayLike, q: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate two probability arrays with the same number of outcomes."""
    p_arr = probability_vector(p, "p")
    q_arr = probability_vector(q, "q")
    if p_arr.shape[-1] != q_arr.shape[-1]:
        raise ValueError(
            f"p and q must have the same number of outcomes along the last axis, "
            f"got {p_arr.shape[-1]} and {q_arr.shape[-1]}"
        )
    same_shape(p_arr, q_arr, "p", "q")
    return p_arr, q_arr


def _log_base(base: float | None) -> float:
    """Return the divisor that converts nats to units of ``base``."""
    if base is None:
        return 1.0
    b = as_float_array(base, "base")
    if b.ndim != 0 or b <= 0 or b == 1:
        raise ValueError(f"base must be a positive scalar different from 1, got {base!r}")
    return float(np.log(b))


def _out(x: NDArray[np.float64]) -> FloatOrArray:
    """Return 0-d results as numpy scalars, arrays unchanged."""
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


# --------------------------------------------------------------------------- discrete
def kl(p: ArrayLike, q: ArrayLike, base: float | None = None) -> FloatOrArray:
    r"""Kullback-Leibler divergence :math:`\mathrm{KL}(p\|q) = \sum_x p(x)\log\frac{p(x)}{q(x)}`.

    Terms with :math:`p(x)=0` contribute 0; the result is ``inf`` where some
    :math:`p(x)>0` has :math:`q(x)=0`. Not symmetric. Divided by
    :math:`\log(\text{base})` when ``base`` is given.
    """
    p_arr, q_arr = _pair(p, q)
    return _out(rel_entr(p_arr, q_arr).sum(axis=-1) / _log_base(base))


def tv(p: ArrayLike, q: ArrayLike) -> FloatOrArray:
    r"""Total variation distance :math:`\mathrm{TV}(p,q) = \tfrac12 \sum_x |p(x)-q(x)|`.

    Symmetric, in [0, 1]; equals 1 exactly for disjoint supports.
    """
    p_arr, q_arr = _pair(p, q)
    return _out(0.5 * np.abs(p_arr - q_arr).sum(axis=-1))


def js(p: ArrayLike, q: ArrayLike, base: float | None = None) -> FloatOrArray:
    r"""Jensen-Shannon divergence :math:`\tfrac12\mathrm{KL}(p\|m) + \tfrac12\mathrm{KL}(q\|m)`.

    Here :math:`m=(p+q)/2`. Symmetric and always finite:
    :math:`0 \le \mathrm{JS} \le \log 2` (1 bit with ``base=2``). This is the
    divergence, not its square root (the JS *distance*).
    """
    p_arr, q_arr = _pair(p, q)
    m = 0.5 * (p_arr + q_arr)
    total = 0.5 * (rel_entr(p_arr, m) + rel_entr(q_arr, m)).sum(axis=-1)
    return _out(total / _log_base(base))


def hellinger(p: ArrayLike, q: ArrayLike) -> FloatOrArray:
    r"""Hellinger distance :math:`H(p,q) = \sqrt{1 - \sum_x \sqrt{p(x)q(x)}}`, in [0, 1].

    Convention: :math:`H^2 = \tfrac12 \sum_x (\sqrt{p(x)} - \sqrt{q(x)})^2`
    (with the factor 1/2, so :math:`H \le 1`, reached for disjoint supports).
    Some texts omit the 1/2 and get values in :math:`[0, \sqrt2]`. It is
    computed from the sum of squares, which is exactly 0 for ``p == q``.
    With this convention :math:`H^2 \le \mathrm{TV} \le H\sqrt{2-H^2}`.
    """
    p_arr, q_arr = _pair(p, q)
    h2 = 0.5 * np.square(np.sqrt(p_arr) - np.sqrt(q_arr)).sum(axis=-1)
    return _out(np.sqrt(np.minimum(h2, 1.0)))


def chi2(p: ArrayLike, q: ArrayLike) -> FloatOrArray:
    r"""Pearson chi-squared divergence :math:`\chi^2(p\|q) = \sum_x \frac{(p(x)-q(x))^2}{q(x)}`.

    Terms with :math:`p(x)=q(x)=0` contribute 0; the result is ``inf`` where
    some :math:`p(x)>0` has :math:`q(x)=0`. Not symmetric.
    """
    p_arr, q_arr = _pair(p, q)
    with np.errstate(divide="ignore", invalid="ignore"):
        limit = np.where(p_arr > 0, np.inf, 0.0)
        terms = np.where(q_arr > 0, np.square(p_arr - q_arr) / q_arr, limit)
    return _out(terms.sum(axis=-1))


# --------------------------------------------------------------------------- f-divergences
def _f_kl(t: NDArray[np.float64]) -> NDArray[np.float64]:
    return xlogy(t, t)


def _f_reverse_kl(t: NDArray[np.float64]) -> NDArray[np.float64]:
    with np.errstate(divide="ignore"):
        return -np.log(t)


def _f_tv(t: NDArray[np.float64]) -> NDArray[np.float64]:
    return 0.5 * np.abs(t - 1.0)


def _f_chi2(t: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.square(t - 1.0)


def _f_squared_hellinger(t: NDArray[np.float64]) -> NDArray[np.float64]:
    return 0.5 * np.square(np.sqrt(t) - 1.0)


def _f_js(t: NDArray[np.float64]) -> NDArray[np.float64]:
    return xlogy(0.5 * t, 2.0 * t / (t + 1.0)) + 0.5 * np.log(2.0 / (t + 1.0))


#: Vectorized convex generators :math:`f` with :math:`f(1)=0`, keyed by name;
#: ``f_divergence(p, q, F_GENERATORS[name])`` equals the dedicated function
#: (``"reverse_kl"`` is ``kl(q, p)``, ``"squared_hellinger"`` is ``hellinger(p, q)**2``).
F_GENERATORS: dict[str, Callable[[NDArray[np.float64]], NDArray[np.float64]]] = {
    "kl": _f_kl,  # t log t
    "reverse_kl": _f_reverse_kl,  # -log t
    "tv": _f_tv,  # |t - 1| / 2
    "chi2": _f_chi2,  # (t - 1)^2
    "squared_hellinger": _f_squared_hellinger,  # (sqrt t - 1)^2 / 2
    "js": _f_js,  # t/2 log(2t/(t+1)) + 1/2 log(2/(t+1))
}


def _slope_at_infinity(f: Callable[[NDArray[np.float64]], NDArray[np.float64]]) -> float:
    """Estimate :math:`\\lim_{t\\to\\infty} f(t)/t`; ``inf`` if it keeps growing."""
    t = np.array([1e100, 1e200, 1e300])
    with np.errstate(all="ignore"):
        g = np.asarray(f(t), dtype=float) / t
    if np.any(np.isnan(g)) or np.any(g == np.inf):
        return np.inf
    d1, d2 = g[1] - g[0], g[2] - g[1]
    if d2 > 1e-9 * max(1.0, abs(g[2])) and d2 > 0.5 * d1:
        return np.inf
    return float(g[2])


def _check_generator(f: Callable) -> None:
    if not callable(f):
        raise TypeError(f"f must be a callable generator, got {type(f).__name__}")
    probe = np.array([0.5, 1.0, 2.0])
    with np.errstate(all="ignore"):
        values = np.asarray(f(probe), dtype=float)
    if values.shape != probe.shape:
        raise ValueError(
            f"f must be vectorized: on an array of shape {probe.shape} "
            f"it returned shape {values.shape}"
        )
    if not abs(values[1]) <= 1e-12:
        raise ValueError(f"f must satisfy f(1) = 0, got f(1) = {values[1]:.3g}")


def f_divergence(
    p: ArrayLike,
    q: ArrayLike,
    f: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    *,
    slope_at_infinity: float | None = None,
) -> FloatOrArray:
    r"""f-divergence :math:`D_f(p\|q) = \sum_x q(x)\, f\!\left(\frac{p(x)}{q(x)}\right)`.

    ``f`` must be convex with :math:`f(1)=0` (only :math:`f(1)=0` is checked)
    and VECTORIZED: it is called once on a numpy array of ratios and must
    return an array of the same shape (use ``np.log``, not ``math.log``).
    It may be evaluated at ``t = 0``. Terms with :math:`q(x)=0<p(x)` use the
    limit :math:`p(x)\lim_{t\to\infty} f(t)/t`; that slope is estimated from
    :math:`f(t)/t` at :math:`t=10^{100},10^{200},10^{300}` (``inf`` if it still
    grows) unless given as ``slope_at_infinity``. Terms with
    :math:`p(x)=q(x)=0` contribute 0. See :data:`F_GENERATORS`.
    """
    p_arr, q_arr = _pair(p, q)
    _check_generator(f)
    p_arr, q_arr = np.broadcast_arrays(p_arr, q_arr)
    q_pos = q_arr > 0
    orphan = ~q_pos & (p_arr > 0)
    slope = 0.0
    if np.any(orphan):
        slope = _slope_at_infinity(f) if slope_at_infinity is None else float(slope_at_infinity)
    with np.errstate(all="ignore"):
        t = np.where(q_pos, p_arr / np.where(q_pos, q_arr, 1.0), 1.0)
        terms = np.where(q_pos, q_arr * np.asarray(f(t), dtype=float), 0.0)
        terms = terms + np.where(orphan, p_arr * slope, 0.0)
    return _out(terms.sum(axis=-1))


# --------------------------------------------------------------------------- Gaussians
def _kl_gaussian_1d(mu0: NDArray, var0: NDArray, mu1: NDArray, var1: NDArray) -> float:
    x = var0 / var1 - 1.0  # x - log1p(x) = var0/var1 - 1 - log(var0/var1), stable near 0
    return float(0.5 * ((x - np.log1p(x)) + (mu1 - mu0) ** 2 / var1))


def _cholesky(cov: NDArray[np.float64], name: str) -> NDArray[np.float64]:
    try:
        return np.linalg.cholesky(cov)
    except np.linalg.LinAlgError as err:
        raise ValueError(f"{name} must be positive definite (Cholesky failed)") from err


def kl_gaussian(mu0: ArrayLike, cov0: ArrayLike, mu1: ArrayLike, cov1: ArrayLike) -> float:
    r"""KL divergence between Gaussians, :math:`\mathrm{KL}(\mathcal N_0\|\mathcal N_1)`.

    .. math::
        \tfrac12\Big[\operatorname{tr}(\Sigma_1^{-1}\Sigma_0)
        + (\mu_1-\mu_0)^\top\Sigma_1^{-1}(\mu_1-\mu_0) - d
        + \ln\det\Sigma_1 - \ln\det\Sigma_0\Big]

    Two forms: scalar ``mu0``, ``mu1`` with scalar ``cov0``, ``cov1`` that are
    VARIANCES :math:`\sigma^2` (not standard deviations); or length-``d`` mean
    vectors with ``(d, d)`` symmetric positive-definite covariance matrices.
    Computed with Cholesky factors. Result in nats.
    """
    m0, m1 = as_float_array(mu0, "mu0"), as_float_array(mu1, "mu1")
    if m0.ndim == 0 and m1.ndim == 0:
        for name, c in (("cov0", cov0), ("cov1", cov1)):
            if np.ndim(c) != 0:
                raise ValueError(
                    f"{name} must be a scalar variance when mu0 and mu1 are scalars, "
                    f"got shape {np.shape(c)}"
                )
        return _kl_gaussian_1d(m0, positive(cov0, "cov0"), m1, positive(cov1, "cov1"))
    for name, m in (("mu0", m0), ("mu1", m1)):
        if m.ndim > 1 or (m.ndim == 1 and m.size == 0):
            raise ValueError(
                f"{name} must be a scalar or a non-empty 1-D mean vector, got shape {m.shape}"
            )
    if m0.shape != m1.shape:
        raise ValueError(f"mu0 and mu1 have shapes {m0.shape} and {m1.shape}, which do not match")
    d = m0.size
    s0, s1 = positive_definite(cov0, "cov0"), positive_definite(cov1, "cov1")
    for name, s in (("cov0", s0), ("cov1", s1)):
        if s.shape != (d, d):
            raise ValueError(f"{name} must have shape {(d, d)} to match mu0, got shape {s.shape}")
    l0, l1 = _cholesky(s0, "cov0"), _cholesky(s1, "cov1")
    a = solve_triangular(l1, l0, lower=True)  # tr(S1^-1 S0) = ||L1^-1 L0||_F^2
    b = solve_triangular(l1, m1 - m0, lower=True)
    logdet = 2.0 * (np.log(np.diag(l1)).sum() - np.log(np.diag(l0)).sum())
    return float(0.5 * (np.sum(a * a) + b @ b - d + logdet))


def _interval_mass(a: NDArray, b: NDArray) -> NDArray:
    """Standard normal mass of [a, b], accurate in either tail."""
    return np.where(a > 0, ndtr(-a) - ndtr(-b), ndtr(b) - ndtr(a))


def tv_gaussian(
    mu0: ArrayLike, sigma0: ArrayLike, mu1: ArrayLike, sigma1: ArrayLike
) -> FloatOrArray:
    r"""Exact total variation between two univariate normal distributions.

    :math:`\mathrm{TV}(\mathcal N(\mu_0,\sigma_0^2), \mathcal N(\mu_1,\sigma_1^2))`.

    Takes STANDARD DEVIATIONS. Equal sigmas:
    :math:`2\Phi(|\mu_1-\mu_0|/(2\sigma)) - 1`. Unequal sigmas: the densities
    cross at two points :math:`z_\pm`; with :math:`\sigma_0<\sigma_1` (the
    distance is symmetric) :math:`\mathrm{TV} = P_0([z_-,z_+]) - P_1([z_-,z_+])`,
    evaluated with normal CDFs. Arguments broadcast as numpy arrays.
    """
    m0, m1 = as_float_array(mu0, "mu0"), as_float_array(mu1, "mu1")
    s0, s1 = positive(sigma0, "sigma0"), positive(sigma1, "sigma1")
    named = {"mu0": m0, "sigma0": s0, "mu1": m1, "sigma1": s1}
    for (na, a), (nb, b) in combinations(named.items(), 2):
        same_shape(a, b, na, nb)
    narrow, wide = np.minimum(s0, s1), np.maximum(s0, s1)
    # Standardise on the narrow density N(0, 1); the wide one is N(d, r^2), r >= 1.
    mu_narrow = np.where(s0 <= s1, m0, m1)
    d = (np.where(s0 <= s1, m1, m0) - mu_narrow) / narrow
    r = wide / narrow
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # Crossings solve (r^2-1) z^2 + 2 d z - (d^2 + 2 r^2 log r) = 0 (stable root pair).
        a_coef, c_coef = r * r - 1.0, -(d * d + 2.0 * r * r * np.log(r))
        root = -(d + np.where(d >= 0, 1.0, -1.0) * r * np.sqrt(d * d + a_coef * 2.0 * np.log(r)))
        z1, z2 = root / a_coef, c_coef / root
        lo, hi = np.minimum(z1, z2), np.maximum(z1, z2)
        unequal = _interval_mass(lo, hi) - _interval_mass((lo - d) / r, (hi - d) / r)
    equal = erf(np.abs(d) / (2.0 * np.sqrt(2.0)))  # = 2 Phi(|d|/2) - 1
    return _out(np.clip(np.where(r == 1.0, equal, unequal), 0.0, 1.0))


# --------------------------------------------------------------------------- samples
def mmd(x: ArrayLike, y: ArrayLike, bandwidth: float, *, unbiased: bool = True) -> float:
    r"""Squared maximum mean discrepancy with a Gaussian kernel, from samples.

    :math:`k(a,b) = \exp(-\|a-b\|^2 / (2h^2))`, :math:`h` = ``bandwidth``;
    :math:`\mathrm{MMD}^2 = \mathbb E k(x,x') + \mathbb E k(y,y') - 2\mathbb E k(x,y)`.
    ``x`` is ``(n,)`` or ``(n, d)``, ``y`` is ``(m,)`` or ``(m, d)``. With
    ``unbiased=True`` (default) the within-sample means skip the diagonal
    (U-statistic, needs n, m >= 2, can be slightly negative); otherwise all
    pairs are averaged (biased V-statistic, always >= 0).
    """
    x_arr, y_arr = samples_2d(x, "x"), samples_2d(y, "y")
    if x_arr.shape[1] != y_arr.shape[1]:
        raise ValueError(
            f"x and y must have the same dimension, got x with d={x_arr.shape[1]} "
            f"and y with d={y_arr.shape[1]}"
        )
    h = positive(bandwidth, "bandwidth")
    if h.ndim != 0:
        raise ValueError(f"bandwidth must be a scalar, got shape {h.shape}")
    if unbiased:
        for name, arr in (("x", x_arr), ("y", y_arr)):
            if arr.shape[0] < 2:
                raise ValueError(f"{name} needs at least 2 samples for the unbiased estimate")

    def gram(a: NDArray, b: NDArray) -> NDArray:
        return np.exp(-cdist(a, b, "sqeuclidean") / (2.0 * h * h))

    kxx, kyy, kxy = gram(x_arr, x_arr), gram(y_arr, y_arr), gram(x_arr, y_arr)
    if not unbiased:
        return float(kxx.mean() + kyy.mean() - 2.0 * kxy.mean())
    n, m = x_arr.shape[0], y_arr.shape[0]
    exx = (kxx.sum() - np.trace(kxx)) / (n * (n - 1))
    eyy = (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
    return float(exx + eyy - 2.0 * kxy.mean())


def wasserstein1(x: ArrayLike, y: ArrayLike) -> float:
    r"""1-Wasserstein distance between the empirical distributions of 1-D samples.

    :math:`W_1 = \int_{-\infty}^{\infty} |F_x(t) - F_y(t)|\,dt` with the
    empirical CDFs :math:`F_x, F_y`; exact for any sample sizes (same value as
    ``scipy.stats.wasserstein_distance`` without weights).
    """
    x_arr, y_arr = np.sort(samples_1d(x, "x")), np.sort(samples_1d(y, "y"))
    grid = np.sort(np.concatenate([x_arr, y_arr]))
    fx = np.searchsorted(x_arr, grid[:-1], side="right") / x_arr.size
    fy = np.searchsorted(y_arr, grid[:-1], side="right") / y_arr.size
    return float(np.sum(np.abs(fx - fy) * np.diff(grid)))
