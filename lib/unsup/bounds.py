r"""Generalization bounds: uniform convergence and information-theoretic bounds.

Uniform convergence for a finite class. Let every :math:`f \in F` have a loss in
:math:`[0, 1]` and let :math:`S` be :math:`n` i.i.d. examples. Hoeffding's inequality
bounds the gap between the empirical and the true risk of one fixed :math:`f`,
:math:`\Pr[|\hat R_S(f) - R(f)| > t] \le 2 e^{-2 n t^2}`, and a union bound over the
class gives

.. math:: \Pr\bigl[\exists f \in F:\ |\hat R_S(f) - R(f)| > t\bigr] \le 2\,|F|\, e^{-2 n t^2}.

(One-sided deviations drop the factor 2.)

Mutual information. If :math:`\ell(w, Z)` is :math:`\sigma`-sub-Gaussian under
:math:`Z \sim P` for every :math:`w`, an algorithm mapping :math:`n` i.i.d. examples
:math:`D` to a (random) :math:`W` has

.. math:: |\mathbb E\,\mathrm{gen}| \le \sqrt{2\sigma^2 I(W; D)/n}

(Russo and Zou; Xu and Raginsky): :func:`mi_generalization_bound`,
:func:`mi_bound_bounded_loss`, :func:`individual_sample_bound`. Closed forms for the
noisy Gaussian mean (:func:`gaussian_mean_mi`, :func:`gaussian_mean_losses`), the
coin-flip game :math:`I(Y; W) = \mathrm{JS}` (:func:`cloud_js`,
:func:`coin_flip_mi_monte_carlo`), a plug-in estimator from samples
(:func:`plugin_mi`), SGD's reachable set (:func:`sgd_reachable`) and a PAC-Bayes bound
(:func:`catoni_bound`). Information is in nats.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr, xlogy

from unsup import divergences as dv
from unsup._validation import probability_vector


def _check_sample_and_class(n: int, class_size: int) -> None:
    if not (isinstance(n, (int, np.integer)) and n >= 1):
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    if not (isinstance(class_size, (int, np.integer)) and class_size >= 1):
        raise ValueError(f"class_size must be an integer >= 1, got {class_size!r}")


def uniform_convergence_bound(n: int, t: float, class_size: int, two_sided: bool = True) -> float:
    r"""Union + Hoeffding bound on :math:`\Pr[\exists f: \text{gap} > t]`, capped at 1.

    :math:`\min\bigl(1,\ c\,|F|\,e^{-2 n t^2}\bigr)` with :math:`c = 2` for
    :math:`|\hat R - R| > t` and :math:`c = 1` for a one-sided deviation.
    """
    _check_sample_and_class(n, class_size)
    if not (np.isfinite(t) and t >= 0):
        raise ValueError(f"t must be a finite number >= 0, got {t!r}")
    factor = 2 if two_sided else 1
    return float(min(1.0, factor * class_size * np.exp(-2.0 * n * t**2)))


def uniform_convergence_epsilon(n: int, class_size: int, delta: float,
                                two_sided: bool = True) -> float:
    r"""The gap :math:`t` that holds for all :math:`f` with probability :math:`\ge 1 - \delta`.

    Solving :math:`c\,|F|\,e^{-2 n t^2} = \delta`:
    :math:`t = \sqrt{\log(c\,|F| / \delta) / (2 n)}`.
    """
    _check_sample_and_class(n, class_size)
    if not 0 < delta < 1:
        raise ValueError(f"delta must lie in (0, 1), got {delta!r}")
    factor = 2 if two_sided else 1
    return float(np.sqrt(np.log(factor * class_size / delta) / (2.0 * n)))


# ============================================================================ information bounds


def _check_n(n: int) -> None:
    if not (isinstance(n, (int, np.integer)) and n >= 1):
        raise ValueError(f"n must be an integer >= 1, got {n!r}")


def _check_mi(mutual_information: ArrayLike) -> NDArray[np.float64]:
    mi = np.asarray(mutual_information, dtype=float)
    if np.isnan(mi).any() or np.any(mi < 0):
        raise ValueError("mutual_information must be >= 0 (it is never negative), "
                         f"got {mutual_information!r}")
    return mi


def _check_positive(value: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = np.asarray(value, dtype=float)
    if not (np.all(np.isfinite(arr)) and np.all(arr > 0)):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return arr


def _out(x: NDArray[np.float64]) -> float | NDArray[np.float64]:
    return float(x) if np.ndim(x) == 0 else x


def mi_generalization_bound(mutual_information: ArrayLike, n: int,
                            sigma: ArrayLike) -> float | NDArray:
    r"""The bound :math:`|\mathbb E\,\mathrm{gen}| \le \sqrt{2\sigma^2 I(W;D)/n}`.

    ``mutual_information`` in nats; ``sigma`` is the sub-Gaussian constant of the loss
    (:math:`\mathbb E e^{\lambda(\ell - \mathbb E\ell)} \le e^{\lambda^2\sigma^2/2}`).
    ``inf`` information gives an ``inf`` (vacuous) bound.
    """
    _check_n(n)
    mi = _check_mi(mutual_information)
    s = _check_positive(sigma, "sigma")
    return _out(np.sqrt(2.0 * s**2 * mi / n))


def mi_bound_bounded_loss(mutual_information: ArrayLike, n: int, low: float = 0.0,
                          high: float = 1.0) -> float | NDArray:
    r"""The bound for a loss with values in :math:`[a, b]`: :math:`\sigma = (b - a)/2`.

    Hoeffding's lemma makes a loss in :math:`[a, b]` :math:`(b-a)/2`-sub-Gaussian, so for
    a loss in [0, 1] the bound is :math:`\sqrt{I(W;D)/(2n)}`. (The form
    :math:`\sqrt{I/n}` is the case :math:`\sigma^2 = 1/2`: a factor :math:`\sqrt 2` looser.)
    """
    if not (np.isfinite(low) and np.isfinite(high) and high > low):
        raise ValueError(f"high must be > low (both finite), got low={low!r}, high={high!r}")
    return mi_generalization_bound(mutual_information, n, (high - low) / 2.0)


def individual_sample_bound(single_mis: ArrayLike, sigma: float) -> float:
    r"""The individual-sample bound :math:`\frac1n\sum_i \sqrt{2\sigma^2 I(W; Z_i)}` (Bu et al.).

    ``single_mis`` holds :math:`I(W; Z_i)` for :math:`i = 1..n`; never looser than
    :func:`mi_generalization_bound` for i.i.d. data.
    """
    mi = _check_mi(single_mis).ravel()
    if mi.size == 0:
        raise ValueError("single_mis must hold one value per example (got none)")
    s = float(_check_positive(sigma, "sigma"))
    return float(np.mean(np.sqrt(2.0 * s**2 * mi)))


def gaussian_mean_mi(n: int, data_std: float, noise_std: ArrayLike) -> float | NDArray:
    r""":math:`I(W; D)` for the noisy mean :math:`W = \bar Z + \xi`.

    Here :math:`Z_i \sim \mathcal N(\mu, s^2)` and :math:`\xi \sim \mathcal N(0, \tau^2)`.

    :math:`W` depends on :math:`D` only through :math:`\bar Z \sim \mathcal N(\mu, s^2/n)`, so
    :math:`I(W;D) = I(W;\bar Z) = \tfrac12\log\bigl(1 + s^2/(n\tau^2)\bigr)` nats.
    """
    _check_n(n)
    s = _check_positive(data_std, "data_std")
    tau = _check_positive(noise_std, "noise_std")
    return _out(0.5 * np.log1p(s**2 / (n * tau**2)))


def gaussian_mean_single_mi(n: int, data_std: float, noise_std: ArrayLike) -> float | NDArray:
    r"""One example's information in the noisy mean.

    :math:`I(W; Z_i) = \tfrac12\log\frac{s^2/n + \tau^2}{s^2(n-1)/n^2 + \tau^2}`.
    """
    _check_n(n)
    s = _check_positive(data_std, "data_std")
    tau = _check_positive(noise_std, "noise_std")
    return _out(0.5 * np.log((s**2 / n + tau**2) / (s**2 * (n - 1) / n**2 + tau**2)))


def gaussian_mean_losses(n: int, data_std: float, noise_std: ArrayLike,
                         width: float = 1.0) -> tuple[float | NDArray, float | NDArray]:
    r"""Exact expected training and test loss of :math:`W = \bar Z + \xi` under the kernel loss.

    The loss :math:`\ell(w, z) = 1 - \exp(-(w - z)^2 / (2h^2))` lies in [0, 1]. For
    :math:`U \sim \mathcal N(0, v)`, :math:`\mathbb E e^{-U^2/(2h^2)} = h/\sqrt{h^2 + v}`, and
    :math:`W - Z_i` (a training point) has variance :math:`s^2(1 - 1/n) + \tau^2` while
    :math:`W - Z'` (a fresh point) has :math:`s^2(1 + 1/n) + \tau^2`. Returns
    ``(train, test)``; the expected generalization gap is ``test - train``. ``noise_std``
    may be 0 (the plain sample mean).
    """
    _check_n(n)
    s = _check_positive(data_std, "data_std")
    tau = np.asarray(noise_std, dtype=float)
    if not (np.all(np.isfinite(tau)) and np.all(tau >= 0)):
        raise ValueError(f"noise_std must be a finite number >= 0, got {noise_std!r}")
    h = _check_positive(width, "width")
    train_var = s**2 * (1 - 1 / n) + tau**2
    test_var = s**2 * (1 + 1 / n) + tau**2
    return _out(1 - h / np.sqrt(h**2 + train_var)), _out(1 - h / np.sqrt(h**2 + test_var))


def simulate_gaussian_mean_gap(n: int, data_std: float, noise_std: float, width: float = 1.0,
                               trials: int = 20_000, seed: int = 0) -> tuple[float, float]:
    r"""Monte Carlo estimate of the expected gap of :func:`gaussian_mean_losses`.

    Draws ``trials`` training sets of size ``n`` from :math:`\mathcal N(0, s^2)`, runs the
    noisy mean, and scores it on its training set and on a fresh set of size ``n``.
    Returns ``(mean gap, standard error)``.
    """
    _check_n(n)
    s = float(_check_positive(data_std, "data_std"))
    tau = float(_check_positive(noise_std, "noise_std"))
    h = float(_check_positive(width, "width"))
    rng = np.random.default_rng(seed)
    train = rng.normal(0.0, s, (trials, n))
    test = rng.normal(0.0, s, (trials, n))
    w = train.mean(axis=1, keepdims=True) + rng.normal(0.0, tau, (trials, 1))

    def loss(z: NDArray) -> NDArray:
        return 1 - np.exp(-((w - z) ** 2) / (2 * h**2))

    gaps = loss(test).mean(axis=1) - loss(train).mean(axis=1)
    return float(gaps.mean()), float(gaps.std(ddof=1) / np.sqrt(trials))


# ---------------------------------------------------------------- the coin-flip game
def mutual_information_table(joint: ArrayLike) -> float:
    r""":math:`I(X;Y) = \mathrm{KL}(p_{XY} \,\|\, p_X p_Y)` from a joint table (nats)."""
    p = probability_vector(np.asarray(joint, dtype=float).ravel(), "joint")
    table = p.reshape(np.shape(joint))
    if table.ndim != 2:
        raise ValueError(f"joint must be a 2-D table, got shape {table.shape}")
    independent = np.outer(table.sum(axis=1), table.sum(axis=0))
    return float(dv.kl(table.ravel(), independent.ravel()))


def _atoms(points_a: NDArray, points_b: NDArray, decimals: int = 10) -> tuple[NDArray, NDArray]:
    """The distributions of two equally weighted point clouds on their joint set of atoms."""
    support, inverse = np.unique(np.round(np.concatenate([points_a, points_b]), decimals),
                                 return_inverse=True)
    mass_a = np.bincount(inverse[: points_a.size], minlength=support.size) / points_a.size
    mass_b = np.bincount(inverse[points_a.size:], minlength=support.size) / points_b.size
    return mass_a, mass_b


def _points(points: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = np.asarray(points, dtype=float).ravel()
    if arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be a non-empty array of finite parameter values")
    return arr


def cloud_js(points_a: ArrayLike, points_b: ArrayLike, noise_std: float = 0.0,
             points_per_std: int = 12) -> float:
    r"""JS divergence between two point clouds, each smoothed by :math:`\mathcal N(0, \sigma^2)`.

    Each cloud is the equally weighted mixture :math:`\frac1K\sum_k \mathcal N(c_k, \sigma^2)`
    (its atoms when ``noise_std`` is 0). This is :math:`I(Y; W)` in the coin-flip game where
    a fair coin :math:`Y` picks the cloud. With noise the densities are discretized on a grid
    with ``points_per_std`` points per standard deviation and passed to
    :func:`unsup.divergences.js` (the discretized JS is a lower bound that converges).
    """
    a, b = _points(points_a, "points_a"), _points(points_b, "points_b")
    if not (np.isfinite(noise_std) and noise_std >= 0):
        raise ValueError(f"noise_std must be a finite number >= 0, got {noise_std!r}")
    if noise_std == 0:
        return float(dv.js(*_atoms(a, b)))
    grid = _grid(np.concatenate([a, b]), noise_std, points_per_std)
    return float(dv.js(_mixture_mass(a, noise_std, grid), _mixture_mass(b, noise_std, grid)))


MAX_GRID_POINTS = 400_000


def _grid(centres: NDArray, std: float, points_per_std: int) -> NDArray:
    lo, hi = centres.min() - 8 * std, centres.max() + 8 * std
    size = int(np.ceil((hi - lo) / std * points_per_std)) + 1
    if size > MAX_GRID_POINTS:
        smallest = points_per_std * (hi - lo) / MAX_GRID_POINTS
        raise ValueError(f"noise_std must be at least {smallest:.2g} for these points (the grid "
                         f"would exceed {MAX_GRID_POINTS} points); use noise_std = 0 for the atoms")
    return np.linspace(lo, hi, size)


def _mixture_density(centres: NDArray, std: float, x: NDArray) -> NDArray:
    z = (x[..., None] - centres) / std
    return np.exp(-0.5 * z**2).mean(axis=-1) / (std * np.sqrt(2 * np.pi))


def _mixture_mass(centres: NDArray, std: float, grid: NDArray) -> NDArray:
    density = _mixture_density(centres, std, grid)
    return density / density.sum()


def coin_flip_mi_monte_carlo(points_a: ArrayLike, points_b: ArrayLike, noise_std: float,
                             samples: int = 100_000, seed: int = 0) -> tuple[float, float]:
    r"""Monte Carlo :math:`I(Y;W) = \log 2 - \mathbb E[H(Y \mid W)]` in the coin-flip game.

    Flips a fair coin :math:`Y`, draws :math:`W` from the chosen smoothed cloud, and averages
    the entropy of the exact posterior :math:`P(Y \mid W)`. Returns ``(estimate, standard error)``.
    Independent of the grid used by :func:`cloud_js`.
    """
    a, b = _points(points_a, "points_a"), _points(points_b, "points_b")
    std = float(_check_positive(noise_std, "noise_std"))
    rng = np.random.default_rng(seed)
    y = rng.random(samples) < 0.5
    centres = np.where(y, rng.choice(a, samples), rng.choice(b, samples))
    w = centres + rng.normal(0.0, std, samples)
    pa, pb = _mixture_density(a, std, w), _mixture_density(b, std, w)
    post = pa / (pa + pb)
    entropy = -(xlogy(post, post) + xlogy(1 - post, 1 - post))
    info = np.log(2) - entropy
    return float(info.mean()), float(info.std(ddof=1) / np.sqrt(samples))


def plugin_mi(labels: ArrayLike, values: ArrayLike, edges: ArrayLike) -> float:
    r"""Plug-in estimate of :math:`I(Y; W)` from samples.

    Bins :math:`W` at ``edges`` and applies :func:`mutual_information_table`.

    Biased upwards by about :math:`(|Y|-1)(B-1)/(2N)` for :math:`B` bins and :math:`N`
    samples (Miller-Madow), on top of the downward bias of binning itself.
    """
    y = np.asarray(labels).ravel()
    w = np.asarray(values, dtype=float).ravel()
    if y.size != w.size or y.size == 0:
        raise ValueError("labels and values must be non-empty and of equal length, "
                         f"got {y.size} and {w.size}")
    cats, y_idx = np.unique(y, return_inverse=True)
    bins = np.searchsorted(np.asarray(edges, float), w, side="right") - 1
    bins = np.clip(bins, 0, len(edges) - 2)
    joint = np.zeros((cats.size, len(edges) - 1))
    np.add.at(joint, (y_idx, bins), 1.0)
    return mutual_information_table(joint / y.size)


def binned_cloud_mi(points_a: ArrayLike, points_b: ArrayLike, noise_std: float,
                    edges: ArrayLike) -> float:
    r"""Exact :math:`I(Y; \mathrm{bin}(W))` in the coin-flip game, the target of :func:`plugin_mi`.
    """
    a, b = _points(points_a, "points_a"), _points(points_b, "points_b")
    std = float(_check_positive(noise_std, "noise_std"))
    e = np.asarray(edges, dtype=float).copy()
    e[0], e[-1] = -np.inf, np.inf

    def bin_mass(c: NDArray) -> NDArray:
        return np.diff(ndtr((e[:, None] - c) / std).mean(axis=1))

    return mutual_information_table(0.5 * np.vstack([bin_mass(a), bin_mass(b)]))


# ---------------------------------------------------------------- SGD and SGLD on a tiny data set
def sgd_reachable(data: ArrayLike, lr: float, steps: int,
                  start: float = 0.0) -> NDArray[np.float64]:
    r"""Every endpoint of ``steps`` single-example SGD steps on :math:`\tfrac12(w - z)^2`.

    One step is :math:`w \leftarrow w - \eta (w - z_b) = (1-\eta) w + \eta z_b`; with
    :math:`K` examples there are :math:`K^T` equally likely index sequences, returned as an
    array of :math:`K^T` endpoints (with repeats, one per sequence).
    """
    z = _points(data, "data")
    if not 0 < lr <= 1:
        raise ValueError(f"lr must lie in (0, 1], got {lr!r}")
    if not (isinstance(steps, (int, np.integer)) and 1 <= steps <= 12):
        raise ValueError(f"steps must be an integer in [1, 12], got {steps!r}")
    w = np.array([float(start)])
    for _ in range(steps):
        w = ((1 - lr) * w[:, None] + lr * z[None, :]).ravel()
    return w


def sgld_noise_std(lr: float, steps: int, temperature: float) -> float:
    r"""Standard deviation of the noise SGLD adds to the SGD endpoint on :math:`\tfrac12(w-z)^2`.

    SGLD adds :math:`\sqrt{2\eta T}\,\varepsilon_t` each step; the affine map carries it to
    :math:`W_T` with total variance :math:`2\eta T \sum_{k<T_{steps}} (1-\eta)^{2k}`.
    """
    if not 0 < lr <= 1:
        raise ValueError(f"lr must lie in (0, 1], got {lr!r}")
    _check_n(steps)
    t = float(_check_positive(temperature, "temperature"))
    return float(np.sqrt(2 * lr * t * np.sum((1 - lr) ** (2 * np.arange(steps)))))


# ---------------------------------------------------------------- PAC-Bayes
def catoni_bound(gibbs_risk: float, kl: float, n: int, lam: float, delta: float = 0.05) -> float:
    r"""A PAC-Bayes bound for a loss in [0, 1] (Catoni's form with a fixed :math:`\lambda > 0`).

    With probability at least :math:`1-\delta` over the sample, simultaneously for every
    posterior :math:`\nu`,
    :math:`\mathbb E_\nu R \le \mathbb E_\nu \hat R
    + \frac{\mathrm{KL}(\nu\|\pi) + \log(1/\delta)}{\lambda} + \frac{\lambda}{8n}`.
    The right side is minimized over :math:`\nu` by the Gibbs posterior with learning rate
    :math:`w = \lambda / n` on the summed loss.
    """
    _check_n(n)
    lam_ = float(_check_positive(lam, "lam"))
    if not 0 < delta < 1:
        raise ValueError(f"delta must lie in (0, 1), got {delta!r}")
    if not kl >= 0:
        raise ValueError(f"kl must be >= 0, got {kl!r}")
    return float(gibbs_risk + (kl + np.log(1 / delta)) / lam_ + lam_ / (8 * n))
