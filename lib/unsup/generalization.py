"""Generalization in the interpolation regime: random labels, many global minima, no free lunch.

Three small experiments behind the chapter 'Rethinking generalization and inductive bias':

- **Memorization.** A one-hidden-layer network trained by full-batch Adam reaches zero
  training error on scikit-learn's digits with their real labels and with labels replaced
  by uniformly random classes (:func:`corrupt_labels`, :func:`fit_until_interpolation`,
  :func:`label_noise_sweep`), after Zhang et al. (2017).
- **Many global minima.** Least squares on more random features than data points has a
  whole affine space of interpolants; gradient descent started at :math:`w_0` converges to
  :math:`\\Phi^+ y + (I - \\Phi^+\\Phi) w_0` (:func:`gradient_descent`, :func:`gd_limit`),
  the minimum-norm interpolant when :math:`w_0 = 0`.
- **No free lunch, counted.** Truth tables of all boolean functions on a few bits, the
  completions consistent with a training set, and learners evaluated off the training set
  (:func:`all_truth_tables`, :func:`off_training_set_accuracy`, :func:`find_s`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import ArrayLike, NDArray
from torch import nn

from ._threads import single_thread
from ._validation import positive_int
from .progress import tqdm


def _check_fraction(value: float, name: str) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got {value}")
    return value


# --- memorization: real and random labels ---------------------------------------------------


def corrupt_labels(labels: ArrayLike, fraction: float, n_classes: int = 10,
                   seed: int = 0) -> NDArray[np.int64]:
    """Zhang et al.'s partially corrupted labels: independently with probability ``fraction``,
    each label is replaced by a class drawn uniformly from ``0 .. n_classes - 1`` (which may
    happen to equal the true one). ``fraction = 1`` gives fully random labels.

    With one ``seed`` the corrupted sets are nested: the labels corrupted at a smaller
    fraction are also corrupted, with the same random classes, at every larger one.
    """
    y = np.asarray(labels)
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"labels must be a non-empty 1-D array, got shape {y.shape}")
    positive_int(n_classes, "n_classes")
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= n_classes:
        raise ValueError(f"labels must be integers in [0, {n_classes - 1}]")
    fraction = _check_fraction(fraction, "fraction")
    rng = np.random.default_rng(seed)
    corrupt = rng.random(y.size) < fraction
    random_classes = rng.integers(0, n_classes, y.size)
    return np.where(corrupt, random_classes, y).astype(np.int64)


def mlp(input_dim: int = 64, hidden: int = 256, n_classes: int = 10, init_scale: float = 1.0,
        seed: int = 0) -> nn.Sequential:
    """``input_dim``-``hidden``-``n_classes`` ReLU network with PyTorch's default initialization
    (seeded by ``seed``), every weight and bias then multiplied by ``init_scale``."""
    for value, name in ((input_dim, "input_dim"), (hidden, "hidden"), (n_classes, "n_classes")):
        positive_int(value, name)
    if not (np.isfinite(init_scale) and init_scale > 0):
        raise ValueError(f"init_scale must be a positive number, got {init_scale}")
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(input_dim, hidden), nn.ReLU(), nn.Linear(hidden, n_classes))
    if init_scale != 1.0:
        with torch.no_grad():
            for p in net.parameters():
                p.mul_(init_scale)
    return net


@dataclass(frozen=True)
class FitHistory:
    """One training run, recorded before every full-batch update (row ``k``: after ``k`` updates).

    ``epochs_to_fit`` is the number of updates after which the training error first was zero
    (``None`` if that did not happen within the budget); one update is one epoch.
    ``train_predictions`` and ``test_predictions`` are the final network's predicted classes.
    """

    train_error: NDArray[np.float64]
    train_loss: NDArray[np.float64]
    test_accuracy: NDArray[np.float64]
    epochs_to_fit: int | None
    train_predictions: NDArray[np.int64]
    test_predictions: NDArray[np.int64]

    @property
    def final_train_error(self) -> float:
        return float(self.train_error[-1])

    @property
    def final_test_accuracy(self) -> float:
        return float(self.test_accuracy[-1])


def _as_xy(x: ArrayLike, y: ArrayLike, name: str) -> tuple[torch.Tensor, torch.Tensor]:
    xt = torch.as_tensor(np.asarray(x, dtype=np.float32))
    yt = torch.as_tensor(np.asarray(y, dtype=np.int64))
    if xt.ndim != 2 or yt.ndim != 1 or len(xt) != len(yt) or len(xt) == 0:
        raise ValueError(f"{name}: x must be 2-D with one row per label, got shapes "
                         f"{tuple(xt.shape)} and {tuple(yt.shape)}")
    return xt, yt


def fit_until_interpolation(x_train: ArrayLike, y_train: ArrayLike, x_test: ArrayLike,
                            y_test: ArrayLike, *, hidden: int = 256, lr: float = 1e-2,
                            max_epochs: int = 3000, init_scale: float = 1.0, seed: int = 0,
                            n_classes: int | None = None, progress: bool = False,
                            desc: str = "epochs") -> FitHistory:
    """Full-batch Adam on the cross-entropy of an :func:`mlp` until the training error
    :math:`\\frac1n\\sum_i \\mathbb 1[\\arg\\max_k f_k(x_i) \\ne y_i]` is exactly zero.

    Returns the training error, training loss and test accuracy after every update.
    ``n_classes`` defaults to the largest label (train or test) plus one; ``progress``
    shows a bar counting the epochs. Training runs on one torch thread (the matrices are
    small; a second thread gains little and, on a busy machine, can cost a factor of ten),
    which also makes the run the same wherever it is called from.
    """
    xt, yt = _as_xy(x_train, y_train, "training set")
    xs, ys = _as_xy(x_test, y_test, "test set")
    if xs.shape[1] != xt.shape[1]:
        raise ValueError(f"x_test has {xs.shape[1]} columns, x_train {xt.shape[1]}")
    positive_int(max_epochs, "max_epochs")
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr}")
    if n_classes is None:
        n_classes = max(int(max(yt.max(), ys.max())) + 1, 2)
    positive_int(n_classes, "n_classes")
    if min(int(yt.min()), int(ys.min())) < 0 or max(int(yt.max()), int(ys.max())) >= n_classes:
        raise ValueError(f"labels must lie in [0, {n_classes - 1}]")
    with single_thread():
        return _fit(xt, yt, xs, ys, hidden, lr, max_epochs, init_scale, seed, n_classes,
                    progress, desc)


def _fit(xt: torch.Tensor, yt: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor, hidden: int,
         lr: float, max_epochs: int, init_scale: float, seed: int, n_classes: int,
         progress: bool, desc: str) -> FitHistory:
    net = mlp(xt.shape[1], hidden, n_classes, init_scale, seed)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    errors, losses, accuracies = [], [], []
    fitted = None
    bar = tqdm(desc=desc, unit="epoch", disable=not progress, leave=False)
    for epoch in range(max_epochs + 1):
        out = net(xt)
        loss = F.cross_entropy(out, yt)
        train_pred = out.argmax(1)
        errors.append((train_pred != yt).double().mean().item())
        losses.append(loss.item())
        with torch.no_grad():
            test_pred = net(xs).argmax(1)
        accuracies.append((test_pred == ys).double().mean().item())
        if errors[-1] == 0.0:
            fitted = epoch
            break
        if epoch == max_epochs:
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
        bar.update()
    bar.close()
    return FitHistory(np.array(errors), np.array(losses), np.array(accuracies), fitted,
                      train_pred.numpy().astype(np.int64), test_pred.numpy().astype(np.int64))


def nearest_neighbour_index(x_train: ArrayLike, x_test: ArrayLike) -> NDArray[np.int64]:
    """For every test row, the index of the closest training row (Euclidean distance; ties
    to the lower index). It does not depend on the labels."""
    a = _matrix(x_train, "x_train")
    b = _matrix(x_test, "x_test")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"x_test has {b.shape[1]} columns, x_train {a.shape[1]}")
    d2 = (b**2).sum(1)[:, None] - 2 * b @ a.T + (a**2).sum(1)[None, :]
    return d2.argmin(1)


def nearest_neighbour_accuracy(x_train: ArrayLike, y_train: ArrayLike, x_test: ArrayLike,
                               y_test: ArrayLike) -> float:
    r"""Test accuracy of the 1-nearest-neighbour rule, the plainest memorizer: it predicts the
    training label of the closest training input, so it has zero training error on any
    labels of distinct inputs. If a fraction :math:`p` of the training labels is replaced
    by uniform random classes out of :math:`K`, its expected test accuracy is
    :math:`(1 - p)\,a_0 + p/K`, with :math:`a_0` its accuracy on the clean labels."""
    y = np.asarray(y_train)
    idx = nearest_neighbour_index(x_train, x_test)
    if y.shape != (np.asarray(x_train).shape[0],):
        raise ValueError(f"y_train must have one label per training row, got shape {y.shape}")
    y_test = np.asarray(y_test)
    if y_test.shape != idx.shape:
        raise ValueError(f"y_test must have one label per test row, got shape {y_test.shape}")
    return float(np.mean(y[idx] == y_test))


@dataclass(frozen=True)
class NoiseSweep:
    """Training runs of :func:`label_noise_sweep`, one per fraction of corrupted labels."""

    fractions: tuple[float, ...]
    histories: tuple[FitHistory, ...]
    nearest_neighbour: NDArray[np.float64]
    train_labels: tuple[NDArray[np.int64], ...]

    @property
    def test_accuracy(self) -> NDArray[np.float64]:
        return np.array([h.final_test_accuracy for h in self.histories])

    @property
    def epochs_to_fit(self) -> NDArray[np.float64]:
        """Epochs to zero training error (NaN where the budget ran out)."""
        return np.array([np.nan if h.epochs_to_fit is None else h.epochs_to_fit
                         for h in self.histories], dtype=float)


def label_noise_sweep(x_train: ArrayLike, y_train: ArrayLike, x_test: ArrayLike,
                      y_test: ArrayLike, fractions: tuple[float, ...], *, label_seed: int = 1,
                      net_seed: int = 0, progress: bool = False, **fit_kwargs) -> NoiseSweep:
    """:func:`fit_until_interpolation` on labels with each fraction corrupted
    (:func:`corrupt_labels` with one ``label_seed``, so the corrupted sets are nested), the
    network initialized identically (``net_seed``) every time; plus 1-NN test accuracies.
    ``progress`` shows one bar over the fractions."""
    if len(fractions) == 0:
        raise ValueError("fractions must not be empty")
    fractions = tuple(_check_fraction(f, "fractions") for f in fractions)
    histories, knn, labels = [], [], []
    for f in tqdm(fractions, desc="label-noise fractions", disable=not progress):
        y = corrupt_labels(y_train, f, seed=label_seed)
        labels.append(y)
        histories.append(fit_until_interpolation(x_train, y, x_test, y_test, seed=net_seed,
                                                 **fit_kwargs))
        knn.append(nearest_neighbour_accuracy(x_train, y, x_test, y_test))
    return NoiseSweep(fractions, tuple(histories), np.array(knn), tuple(labels))


def binomial_interval(n: int, p: float, level: float = 0.999) -> tuple[float, float]:
    """Central ``level`` interval of an accuracy :math:`K/n` with :math:`K \\sim
    \\mathrm{Binomial}(n, p)`: what chance-level guessing on ``n`` test points can score."""
    from scipy.stats import binom

    positive_int(n, "n")
    p = _check_fraction(p, "p")
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    low, high = binom.interval(level, n, p)
    return float(low) / n, float(high) / n


def parity_signs(labels: ArrayLike) -> NDArray[np.int64]:
    """:math:`\\sigma_i = (-1)^{y_i}`. For labels uniform on an even number of classes these
    are independent uniform signs: a draw of the Rademacher vector."""
    y = np.asarray(labels)
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError("labels must be integers")
    return np.where(y % 2 == 0, 1, -1).astype(np.int64)


# --- many global minima: interpolating least squares ------------------------------------------


@dataclass(frozen=True)
class RandomFourierFeatures:
    r"""Random Fourier features :math:`\phi_j(x) = \sqrt{2/d}\cos(\omega_j x + b_j)` of a scalar
    input, :math:`\omega_j \sim \mathcal N(0, s^2)`, :math:`b_j \sim U[0, 2\pi)` (Rahimi and
    Recht, 2007); :math:`\phi(x)^\top\phi(x') \to \exp(-s^2 (x - x')^2 / 2)` as
    :math:`d \to \infty`."""

    n_features: int = 200
    scale: float = 5.0
    seed: int = 0

    def __post_init__(self) -> None:
        positive_int(self.n_features, "n_features")
        if not (np.isfinite(self.scale) and self.scale > 0):
            raise ValueError(f"scale must be a positive number, got {self.scale}")

    def _params(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        rng = np.random.default_rng(self.seed)
        omega = rng.normal(0.0, self.scale, self.n_features)
        return omega, rng.uniform(0.0, 2 * np.pi, self.n_features)

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        x = np.asarray(x, dtype=float)
        if x.ndim != 1:
            raise ValueError(f"x must be a 1-D array of scalar inputs, got shape {x.shape}")
        omega, b = self._params()
        return np.sqrt(2.0 / self.n_features) * np.cos(np.outer(x, omega) + b)


def smooth_target(x: ArrayLike) -> NDArray[np.float64]:
    """The regression target of the chapter, :math:`f^*(x) = \\sin 3x + x/2`."""
    x = np.asarray(x, dtype=float)
    return np.sin(3 * x) + 0.5 * x


@dataclass(frozen=True)
class InterpolationProblem:
    """Training and test inputs, targets and feature matrices of a regression with more
    features than training points (``phi_train`` is ``(n, d)`` with ``n < d``)."""

    x_train: NDArray[np.float64]
    y_train: NDArray[np.float64]
    x_test: NDArray[np.float64]
    y_test: NDArray[np.float64]
    phi_train: NDArray[np.float64]
    phi_test: NDArray[np.float64]
    features: RandomFourierFeatures


def interpolation_problem(n_train: int = 10, n_features: int = 200, scale: float = 5.0,
                          n_test: int = 1001, seed: int = 0,
                          target: Callable[[ArrayLike], NDArray] = smooth_target
                          ) -> InterpolationProblem:
    """``n_train`` inputs on a jittered grid of :math:`[-1, 1]` (each point moved by up to
    30% of the spacing), ``target`` without noise, random Fourier features, and a test grid
    of ``n_test`` evenly spaced points of :math:`[-1, 1]`."""
    positive_int(n_train, "n_train")
    positive_int(n_test, "n_test")
    if n_train < 2:
        raise ValueError(f"n_train must be at least 2, got {n_train}")
    if n_train >= n_features:
        raise ValueError(f"n_train ({n_train}) must be smaller than n_features ({n_features}) "
                         "for the interpolants to form more than one point")
    rng = np.random.default_rng(seed)
    spacing = 2.0 / (n_train - 1)
    x = np.linspace(-1, 1, n_train) + rng.uniform(-0.3, 0.3, n_train) * spacing
    x = np.clip(x, -1, 1)
    x_test = np.linspace(-1, 1, n_test)
    feats = RandomFourierFeatures(n_features, scale, seed)
    return InterpolationProblem(x, target(x), x_test, target(x_test), feats(x), feats(x_test),
                                feats)


def _matrix(phi: ArrayLike, name: str = "phi") -> NDArray[np.float64]:
    a = np.asarray(phi, dtype=float)
    if a.ndim != 2 or 0 in a.shape:
        raise ValueError(f"{name} must be a non-empty 2-D matrix, got shape {a.shape}")
    if not np.isfinite(a).all():
        raise ValueError(f"{name} must contain only finite values")
    return a


def _vector(v: ArrayLike, length: int, name: str) -> NDArray[np.float64]:
    a = np.asarray(v, dtype=float)
    if a.shape != (length,):
        raise ValueError(f"{name} must have shape ({length},), got {a.shape}")
    return a


def min_norm_solution(phi: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    r"""The pseudo-inverse solution :math:`w^\dagger = \Phi^+ y`. When :math:`\Phi` has full
    row rank it equals :math:`\Phi^\top(\Phi\Phi^\top)^{-1}y`, the interpolant
    (:math:`\Phi w = y`) of smallest Euclidean norm."""
    a = _matrix(phi)
    return np.linalg.pinv(a) @ _vector(y, a.shape[0], "y")


def null_space_basis(phi: ArrayLike, rtol: float = 1e-10) -> NDArray[np.float64]:
    """Orthonormal columns spanning :math:`\\{v: \\Phi v = 0\\}` (from the SVD; singular values
    below ``rtol`` times the largest count as zero). Adding any combination of them to an
    interpolant gives another interpolant."""
    a = _matrix(phi)
    _, s, vt = np.linalg.svd(a)
    rank = int(np.sum(s > rtol * s[0])) if s.size else 0
    return vt[rank:].T


def row_space_projector(phi: ArrayLike) -> NDArray[np.float64]:
    r""":math:`\Phi^+\Phi`, the orthogonal projection onto the row space of :math:`\Phi`."""
    a = _matrix(phi)
    return np.linalg.pinv(a) @ a


def mse(phi: ArrayLike, w: ArrayLike, y: ArrayLike) -> float:
    r"""Mean squared error :math:`\frac1n\lVert\Phi w - y\rVert^2`."""
    a = _matrix(phi)
    return float(np.mean((a @ _vector(w, a.shape[1], "w") - _vector(y, a.shape[0], "y"))**2))


@dataclass(frozen=True)
class GDRun:
    """Gradient descent on least squares: the final weights, the training loss
    :math:`\\frac{1}{2n}\\lVert\\Phi w_k - y\\rVert^2` and the null-space drift
    :math:`\\lVert(I - \\Phi^+\\Phi)(w_k - w_0)\\rVert` after every step ``k = 0 .. steps``."""

    weights: NDArray[np.float64]
    loss: NDArray[np.float64]
    null_drift: NDArray[np.float64]
    lr: float


def gradient_descent(phi: ArrayLike, y: ArrayLike, w0: ArrayLike | None = None,
                     steps: int = 5000, lr: float | None = None) -> GDRun:
    r"""Plain gradient descent :math:`w_{k+1} = w_k - \eta\,\Phi^\top(\Phi w_k - y)/n` on
    :math:`L(w) = \frac{1}{2n}\lVert\Phi w - y\rVert^2`, from ``w0`` (zero by default), with
    step :math:`\eta = n/\lambda_{\max}(\Phi^\top\Phi)` unless ``lr`` is given.

    Every update is a combination of the rows of :math:`\Phi`, so :math:`w_k - w_0` stays in
    the row space: the null-space drift is zero up to rounding.
    """
    a = _matrix(phi)
    n, d = a.shape
    y = _vector(y, n, "y")
    w = np.zeros(d) if w0 is None else _vector(w0, d, "w0").copy()
    positive_int(steps, "steps")
    lam_max = float(np.linalg.eigvalsh(a @ a.T / n)[-1])
    eta = 1.0 / lam_max if lr is None else float(lr)
    if not 0 < eta < 2.0 / lam_max:
        raise ValueError(f"lr must lie in (0, 2/lambda_max) = (0, {2 / lam_max:.4g}) for gradient "
                         f"descent to converge, got {eta}")
    start = w.copy()
    null_proj = np.eye(d) - row_space_projector(a)
    losses, drift = np.empty(steps + 1), np.empty(steps + 1)
    for k in range(steps + 1):
        r = a @ w - y
        losses[k] = 0.5 * float(r @ r) / n
        drift[k] = np.linalg.norm(null_proj @ (w - start))
        if k < steps:
            w -= eta * (a.T @ r) / n
    return GDRun(w, losses, drift, eta)


def gd_limit(phi: ArrayLike, y: ArrayLike, w0: ArrayLike) -> NDArray[np.float64]:
    r"""Where gradient descent (with a convergent step) from ``w0`` ends up:
    :math:`w_\infty = \Phi^+ y + (I - \Phi^+\Phi)\,w_0`, the interpolant closest to
    :math:`w_0`. From :math:`w_0 = 0` it is the minimum-norm solution."""
    a = _matrix(phi)
    w0 = _vector(w0, a.shape[1], "w0")
    return min_norm_solution(a, y) + w0 - row_space_projector(a) @ w0


def best_interpolant(problem: InterpolationProblem) -> NDArray[np.float64]:
    """The interpolant with the smallest test error: the minimum-norm solution plus the
    null-space vector fitted (least squares) to the test residual. It needs the test
    targets, so no learner can compute it; it shows how good an interpolant can be."""
    w_mn = min_norm_solution(problem.phi_train, problem.y_train)
    basis = null_space_basis(problem.phi_train)
    coef = np.linalg.lstsq(problem.phi_test @ basis, problem.y_test - problem.phi_test @ w_mn,
                           rcond=None)[0]
    return w_mn + basis @ coef


# --- no free lunch, counted ---------------------------------------------------------------


def bit_inputs(n_bits: int) -> NDArray[np.uint8]:
    """All :math:`2^n` inputs as rows of bits, row ``i`` being ``i`` in binary (MSB first)."""
    positive_int(n_bits, "n_bits")
    if n_bits > 16:
        raise ValueError(f"n_bits must be at most 16, got {n_bits}")
    return ((np.arange(2**n_bits)[:, None] >> np.arange(n_bits - 1, -1, -1)) & 1).astype(np.uint8)


def all_truth_tables(n_bits: int) -> NDArray[np.uint8]:
    """Every boolean function on ``n_bits`` inputs as a truth table: a
    :math:`(2^{2^n}, 2^n)` array, row ``j`` being ``j`` in binary. Only ``n_bits <= 4``
    (65,536 functions) is allowed."""
    positive_int(n_bits, "n_bits")
    if n_bits > 4:
        raise ValueError(f"n_bits must be at most 4 (2**2**5 tables do not fit), got {n_bits}")
    size = 2**n_bits
    codes = np.arange(2**size, dtype=np.int64)[:, None]
    return ((codes >> np.arange(size - 1, -1, -1)) & 1).astype(np.uint8)


def conjunction_tables(n_bits: int) -> NDArray[np.uint8]:
    """Truth tables of the :math:`3^n` conjunctions of literals (each variable appears
    plain, negated or not at all; the empty conjunction is the constant 1)."""
    x = bit_inputs(n_bits).astype(bool)
    codes = (np.arange(3**n_bits)[:, None] // 3 ** np.arange(n_bits)[None, :]) % 3  # (T, n)
    plain, negated = codes == 1, codes == 2
    ok = (~plain[:, None, :] | x[None]) & (~negated[:, None, :] | ~x[None])
    return ok.all(axis=2).astype(np.uint8)


Learner = Callable[[NDArray[np.uint8], NDArray[np.int64], NDArray[np.uint8]], NDArray[np.uint8]]


def find_s(inputs: NDArray[np.uint8], train_idx: NDArray[np.int64],
           train_labels: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Find-S (Mitchell, 1997): the most specific conjunction consistent with the positive
    examples. A literal is kept when every positive example satisfies it; with no positive
    example the hypothesis is the constant 0. ``train_labels`` is ``(F, m)``, one row per
    labelling; returns predictions on every input, ``(F, 2^n)``."""
    x = inputs.astype(bool)
    xs = x[train_idx]  # (m, n)
    pos = np.atleast_2d(train_labels).astype(bool)  # (F, m)
    keep_plain = ~(pos[:, :, None] & ~xs[None]).any(1)  # (F, n): all positives have x_j = 1
    keep_negated = ~(pos[:, :, None] & xs[None]).any(1)
    pred = ((~keep_plain[:, None, :] | x[None]) & (~keep_negated[:, None, :] | ~x[None])).all(2)
    return (pred & pos.any(1)[:, None]).astype(np.uint8)


def nearest_neighbour_bits(inputs: NDArray[np.uint8], train_idx: NDArray[np.int64],
                           train_labels: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """1-nearest neighbour in Hamming distance (ties to the first training input)."""
    dist = (inputs[:, None, :] != inputs[train_idx][None]).sum(2)
    return np.atleast_2d(train_labels)[:, dist.argmin(1)].astype(np.uint8)


def constant_zero(inputs: NDArray[np.uint8], train_idx: NDArray[np.int64],
                  train_labels: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Predict 0 everywhere, whatever the data."""
    return np.zeros((np.atleast_2d(train_labels).shape[0], len(inputs)), np.uint8)


def anti(learner: Learner) -> Learner:
    """The learner that agrees with ``learner`` on the training inputs and contradicts it on
    every other input."""
    def flipped(inputs, train_idx, train_labels):
        pred = learner(inputs, train_idx, train_labels).copy()
        off = np.setdiff1d(np.arange(len(inputs)), train_idx)
        pred[:, off] = 1 - pred[:, off]
        return pred
    flipped.__name__ = f"anti_{getattr(learner, '__name__', 'learner')}"
    return flipped


def off_training_set_accuracy(learner: Learner, tables: NDArray[np.uint8], n_bits: int,
                              train_idx: ArrayLike) -> tuple[int, int]:
    """For every target in ``tables``, train ``learner`` on the target's labels at
    ``train_idx`` and count correct predictions on the other inputs. Returns the exact
    integers ``(correct, total)`` summed over all targets, so that the average is a ratio
    of integers (no rounding)."""
    inputs = bit_inputs(n_bits)
    tables = np.asarray(tables, dtype=np.uint8)
    if tables.ndim != 2 or tables.shape[1] != len(inputs):
        raise ValueError(f"tables must have shape (T, {len(inputs)}), got {tables.shape}")
    train_idx = np.unique(np.asarray(train_idx, dtype=np.int64))
    if train_idx.size == 0 or train_idx.min() < 0 or train_idx.max() >= len(inputs):
        raise ValueError(f"train_idx must hold input indices in [0, {len(inputs) - 1}]")
    off = np.setdiff1d(np.arange(len(inputs)), train_idx)
    pred = learner(inputs, train_idx, tables[:, train_idx])
    correct = int((pred[:, off] == tables[:, off]).sum())
    return correct, int(tables.shape[0] * off.size)


def consistent_completions(tables: NDArray[np.uint8], train_idx: ArrayLike,
                           train_labels: ArrayLike) -> NDArray[np.uint8]:
    """The rows of ``tables`` that agree with ``train_labels`` on ``train_idx``."""
    tables = np.asarray(tables, dtype=np.uint8)
    idx = np.asarray(train_idx, dtype=np.int64)
    labels = np.asarray(train_labels, dtype=np.uint8)
    if labels.shape != idx.shape:
        raise ValueError(f"train_labels must have shape {idx.shape}, got {labels.shape}")
    return tables[(tables[:, idx] == labels).all(axis=1)]


def min_prompt_bits(n_tasks: int) -> int:
    """The smallest :math:`L` such that binary strings of length at most :math:`L` can give
    ``n_tasks`` tasks :math:`T` distinct prompts. There are :math:`2^{L+1} - 1` such strings
    (the empty one included), so :math:`L = \\lfloor \\log_2 T \\rfloor`; exact integer
    arithmetic, so :math:`T = 2^{2^n}` is fine."""
    positive_int(n_tasks, "n_tasks")
    return int(n_tasks).bit_length() - 1
