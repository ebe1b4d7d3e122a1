"""Digital and analogue learners: copies that share weights against copies that distil,
and backpropagation against forward-only gradient estimates.

Two experiments behind Hinton's argument that digital computation learns more efficiently
than "mortal" analogue computation:

1. **Parallel copies.** ``K`` copies of a small MLP each see their own shard of the digits.
   Digital copies start from the same weights and average their gradients every step
   (data-parallel SGD; with ``sync_every > 1``, local SGD that averages weights). Mortal
   copies cannot read out their weights; they share only their soft predictions on a small
   unlabelled *transfer set* and each distils the average of the others' predictions
   (codistillation). Communication is counted in bits:

   .. math:: B_w = P \\cdot 32 \\cdot R \\cdot K, \\qquad
             B_d = T \\cdot C \\cdot 32 \\cdot R \\cdot K,

   with ``P`` parameters, ``R`` sync rounds, ``T`` transfer examples and ``C`` classes.

2. **Forward-only gradients.** The forward gradient :math:`\\hat g = (g \\cdot v)\\, v` with
   :math:`v \\sim N(0, I_d)` needs only a directional derivative (one forward-mode pass, or
   two loss evaluations for weight perturbation). It is unbiased and its error grows with
   the number of parameters: :math:`E\\|\\hat g - g\\|^2 = (d + 1)\\|g\\|^2`.
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from numpy.typing import ArrayLike, NDArray
from torch.func import jvp, vmap

from ._threads import single_thread
from ._validation import positive_int
from .progress import tqdm

BITS_PER_FLOAT = 32
"""Bits sent per number (float32)."""


def _nonnegative_int(value: int, name: str) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


def _positive_float(value: float, name: str) -> float:
    if not (isinstance(value, (int, float, np.number)) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


# --- communication ------------------------------------------------------------------------


def mlp_n_params(sizes: Sequence[int]) -> int:
    """Number of weights and biases of an MLP with layer widths ``sizes``:
    :math:`\\sum_l (n_{l-1} + 1)\\, n_l`."""
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output width, got {sizes}")
    for s in sizes:
        positive_int(s, "every layer width in sizes")
    return int(sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])))


def weight_sharing_bits(n_params: int, rounds: int, copies: int,
                        bits: int = BITS_PER_FLOAT) -> int:
    """Bits sent when each of ``copies`` copies sends its ``n_params`` gradients (or weights)
    in each of ``rounds`` sync rounds: :math:`B_w = P \\cdot b \\cdot R \\cdot K`."""
    positive_int(n_params, "n_params")
    _nonnegative_int(rounds, "rounds")
    positive_int(copies, "copies")
    positive_int(bits, "bits")
    return n_params * bits * rounds * copies


def distillation_bits(transfer_size: int, n_classes: int, rounds: int, copies: int,
                      bits: int = BITS_PER_FLOAT) -> int:
    """Bits sent when each copy sends its ``n_classes`` predicted probabilities on each of
    ``transfer_size`` transfer examples in each round: :math:`B_d = T \\cdot C \\cdot b \\cdot R
    \\cdot K`."""
    _nonnegative_int(transfer_size, "transfer_size")
    positive_int(n_classes, "n_classes")
    _nonnegative_int(rounds, "rounds")
    positive_int(copies, "copies")
    positive_int(bits, "bits")
    return transfer_size * n_classes * bits * rounds * copies


@dataclass(frozen=True, repr=False)
class Table:
    """A small table of results, shown as HTML in a notebook and as text elsewhere."""

    header: list[str]
    rows: list[list[str]]

    def __post_init__(self) -> None:
        if any(len(r) != len(self.header) for r in self.rows):
            raise ValueError(f"every row must have {len(self.header)} cells")

    def __repr__(self) -> str:
        return str(self)

    def __str__(self) -> str:
        widths = [max(len(str(c)) for c in col) for col in zip(self.header, *self.rows)]
        lines = [" | ".join(str(c).ljust(w) for c, w in zip(r, widths))
                 for r in [self.header, *self.rows]]
        return "\n".join([lines[0], "-+-".join("-" * w for w in widths), *lines[1:]])

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(str(h))}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>"
                       for r in self.rows)
        return f"<table><tr>{head}</tr>{body}</table>"


# --- data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShardedData:
    """Digits split for ``K`` copies: one labelled shard each, an unlabelled transfer pool
    (its first ``T`` rows are the transfer set), and a common test set."""

    shards_x: list[torch.Tensor]
    shards_y: list[torch.Tensor]
    transfer_x: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor

    @property
    def copies(self) -> int:
        return len(self.shards_x)

    @property
    def n_classes(self) -> int:
        return 10

    def pooled(self) -> tuple[torch.Tensor, torch.Tensor]:
        """All shards together (what one model trained on every copy's data sees)."""
        return torch.cat(self.shards_x), torch.cat(self.shards_y)


def sharded_digits(copies: int, transfer_size: int, seed: int = 0, transfer_pool: int = 400,
                   test_fraction: float = 0.2, by_label: bool = False) -> ShardedData:
    """scikit-learn's digits (pixels / 16) split at random with ``seed``: a test set, a
    transfer pool of ``transfer_pool`` rows whose first ``transfer_size`` form the transfer set
    (labels dropped), and the rest dealt into ``copies`` equal shards (remainder dropped).
    The shards do not depend on ``transfer_size``, so runs with different transfer sets see
    the same labelled data. With ``by_label`` the labelled rows are sorted by label before
    they are dealt, so each copy sees only one or two digits (different experiences)."""
    from sklearn.datasets import load_digits

    positive_int(copies, "copies")
    _nonnegative_int(transfer_size, "transfer_size")
    _nonnegative_int(transfer_pool, "transfer_pool")
    if transfer_size > transfer_pool:
        raise ValueError(f"transfer_size must be <= transfer_pool={transfer_pool}, "
                         f"got {transfer_size}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie in (0, 1), got {test_fraction}")
    data = load_digits()
    x = torch.as_tensor(data.data / 16.0, dtype=torch.float32)
    y = torch.as_tensor(data.target, dtype=torch.int64)
    order = torch.as_tensor(np.random.default_rng(seed).permutation(len(x)))
    n_test = int(round(test_fraction * len(x)))
    test, pool, rest = (order[:n_test], order[n_test:n_test + transfer_pool],
                        order[n_test + transfer_pool:])
    if by_label:
        rest = rest[torch.argsort(y[rest], stable=True)]
    per = len(rest) // copies
    if per < 1:
        raise ValueError(f"copies={copies} leaves no labelled example per shard")
    shards = [rest[k * per:(k + 1) * per] for k in range(copies)]
    return ShardedData([x[s] for s in shards], [y[s] for s in shards], x[pool[:transfer_size]],
                       x[test], y[test])


# --- K copies of an MLP, stored as one batch of parameters --------------------------------


Params = list[torch.Tensor]
"""Weights and biases of ``K`` MLP copies: ``[W1 (K, n0, n1), b1 (K, n1), W2 (K, n1, n2), ...]``."""


def init_copies(copies: int, sizes: Sequence[int], seed: int, same_init: bool,
                dtype: torch.dtype = torch.float32) -> Params:
    """``copies`` MLPs with layer widths ``sizes``, weights uniform in
    :math:`\\pm 1/\\sqrt{n_{in}}` (PyTorch's default), biases zero. With ``same_init`` every
    copy starts from the same weights (digital copies); otherwise each has its own."""
    positive_int(copies, "copies")
    mlp_n_params(sizes)
    gen = torch.Generator().manual_seed(seed)
    params: Params = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        n = 1 if same_init else copies
        w = (torch.rand(n, a, b, generator=gen, dtype=dtype) * 2 - 1) / math.sqrt(a)
        params += [w.expand(copies, a, b).clone(), torch.zeros(copies, b, dtype=dtype)]
    return params


def forward(params: Params, x: torch.Tensor) -> torch.Tensor:
    """Outputs of every copy: ``x`` is ``(n, n0)`` (shared) or ``(K, n, n0)`` (one batch per
    copy); the result is ``(K, n, n_out)``. Hidden layers use tanh."""
    h = x
    n_layers = len(params) // 2
    for i in range(n_layers):
        w, b = params[2 * i], params[2 * i + 1]
        h = (torch.einsum("ni,kio->kno", h, w) if h.ndim == 2 else torch.bmm(h, w)) + b[:, None]
        if i < n_layers - 1:
            h = torch.tanh(h)
    return h


def copies_accuracy(params: Params, x: torch.Tensor, y: torch.Tensor) -> NDArray[np.float64]:
    """Test accuracy of each copy, shape ``(K,)``."""
    with torch.no_grad():
        return (forward(params, x).argmax(-1) == y).double().mean(1).numpy()


def average_copies(params: Params) -> Params:
    """Every copy replaced by the average of all copies' weights (what a weight-sharing step
    does)."""
    return [p.mean(0, keepdim=True).expand_as(p).clone() for p in params]


def _batch_from_shards(shards_x: list[torch.Tensor], shards_y: list[torch.Tensor], batch: int,
                       gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    idx = [torch.randint(0, len(s), (batch,), generator=gen) for s in shards_x]
    return (torch.stack([s[i] for s, i in zip(shards_x, idx)]),
            torch.stack([s[i] for s, i in zip(shards_y, idx)]))


def _cross_entropy_per_copy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of each copy, logits ``(K, n, C)`` and labels ``(K, n)``."""
    return -logits.log_softmax(-1).gather(-1, y[..., None]).squeeze(-1).mean(-1)


def _start_copies(data: ShardedData, hidden: int, seed: int,
                  same_init: bool) -> tuple[int, Params, torch.Generator, float]:
    """Parameters per copy, the copies' initial weights (``same_init``: digital copies), the
    generator of their minibatches and their mean test accuracy before training."""
    sizes = (data.test_x.shape[1], positive_int(hidden, "hidden"), data.n_classes)
    params = [p.requires_grad_() for p in init_copies(data.copies, sizes, seed, same_init)]
    accuracy = copies_accuracy(params, data.test_x, data.test_y).mean()
    return mlp_n_params(sizes), params, torch.Generator().manual_seed(seed + 1), accuracy


def _shard_loss(params: Params, data: ShardedData, batch: int,
                gen: torch.Generator) -> torch.Tensor:
    """Each copy's cross-entropy on a minibatch of its own shard, summed over the copies."""
    xb, yb = _batch_from_shards(data.shards_x, data.shards_y, batch, gen)
    return _cross_entropy_per_copy(forward(params, xb), yb).sum()


def _sgd_step(params: Params, loss: torch.Tensor, lr: float) -> None:
    grads = torch.autograd.grad(loss, params)
    with torch.no_grad():
        for p, g in zip(params, grads):
            p -= lr * g


@dataclass(frozen=True)
class ParallelRun:
    """Accuracy of ``copies`` learners against the bits they have sent.

    ``accuracy[r]`` is the mean test accuracy of the copies after ``steps[r]`` local steps,
    when ``bits[r]`` bits had been sent (index 0: before training)."""

    method: str
    copies: int
    n_params: int
    transfer_size: int
    steps: NDArray[np.int64]
    bits: NDArray[np.float64]
    accuracy: NDArray[np.float64]
    params: Params

    @property
    def final_accuracy(self) -> float:
        return float(self.accuracy[-1])

    def bits_to_reach(self, target: float) -> float:
        """Bits sent when the accuracy first reached ``target`` (``inf`` if it never did)."""
        hit = np.nonzero(self.accuracy >= target)[0]
        return float(self.bits[hit[0]]) if hit.size else math.inf


@single_thread()
def train_weight_sharing(data: ShardedData, steps: int = 300, sync_every: int = 1,
                         hidden: int = 32, batch: int = 32, lr: float = 0.5, seed: int = 0,
                         eval_every: int = 10, progress: bool = False) -> ParallelRun:
    """Digital copies: same initial weights; each takes an SGD step on a minibatch of its own
    shard, and every ``sync_every`` steps all copies' weights are replaced by their average
    (each copy sends ``P`` numbers). With ``sync_every = 1`` this is data-parallel SGD:
    averaging weights after one step from common weights is averaging the gradients."""
    steps = positive_int(steps, "steps")
    sync_every = positive_int(sync_every, "sync_every")
    eval_every = positive_int(eval_every, "eval_every")
    batch = positive_int(batch, "batch")
    _positive_float(lr, "lr")
    k = data.copies
    n_params, params, gen, accuracy = _start_copies(data, hidden, seed, same_init=True)
    log_steps, log_bits, log_acc = [0], [0.0], [accuracy]
    rounds = 0
    for t in tqdm(range(1, steps + 1), desc=f"weight sharing, K={k}", disable=not progress,
                  leave=False):
        _sgd_step(params, _shard_loss(params, data, batch, gen), lr)
        if t % sync_every == 0:
            with torch.no_grad():
                for p, a in zip(params, average_copies(params)):
                    p.copy_(a)
            rounds += 1
        if t % eval_every == 0 or t == steps:
            log_steps.append(t)
            log_bits.append(float(weight_sharing_bits(n_params, rounds, k)))
            log_acc.append(copies_accuracy(params, data.test_x, data.test_y).mean())
    return ParallelRun("weight sharing", k, n_params, 0, np.array(log_steps),
                       np.array(log_bits), np.array(log_acc, dtype=float),
                       [p.detach() for p in params])


@single_thread()
def train_distillation(data: ShardedData, rounds: int = 30, local_steps: int = 10,
                       temperature: float = 2.0, alpha: float = 1.0, hidden: int = 32,
                       batch: int = 32, transfer_batch: int = 64, lr: float = 0.5,
                       seed: int = 0, progress: bool = False) -> ParallelRun:
    """Mortal copies: each starts from its own weights and learns only from its shard plus
    what the others tell it. Between rounds every copy sends its tempered predictions
    :math:`\\mathrm{softmax}(f_k(x)/\\tau)` on the ``T`` transfer examples; in the next round
    copy ``k`` minimizes

    .. math:: \\mathrm{CE}(y, f_k(x)) + \\alpha\\,\\tau^2\\,
              \\mathrm{CE}\\bigl(\\bar p_{-k}, \\mathrm{softmax}(f_k(x_T)/\\tau)\\bigr),

    with :math:`\\bar p_{-k}` the average of the other copies' predictions, the second term
    estimated on ``transfer_batch`` transfer examples drawn each step. The first round
    has no targets yet. ``alpha = 0`` or ``T = 0`` gives copies that never communicate."""
    rounds = positive_int(rounds, "rounds")
    local_steps = positive_int(local_steps, "local_steps")
    transfer_batch = positive_int(transfer_batch, "transfer_batch")
    batch = positive_int(batch, "batch")
    _positive_float(temperature, "temperature")
    if not (math.isfinite(alpha) and alpha >= 0):
        raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}")
    _positive_float(lr, "lr")
    k = data.copies
    t_size = data.transfer_x.shape[0]
    talk = alpha > 0 and t_size > 0 and k > 1
    n_params, params, gen, accuracy = _start_copies(data, hidden, seed, same_init=False)
    log_steps, log_bits, log_acc = [0], [0.0], [accuracy]
    targets, exchanges = None, 0
    method = "distillation" if talk else "isolated"
    for r in tqdm(range(rounds), desc=f"{method}, K={k}, T={t_size}", disable=not progress,
                  leave=False):
        for _ in range(local_steps):
            loss = _shard_loss(params, data, batch, gen)
            if targets is not None:
                j = torch.randint(0, t_size, (min(transfer_batch, t_size),), generator=gen)
                logq = (forward(params, data.transfer_x[j]) / temperature).log_softmax(-1)
                agreement = (targets[:, j] * logq).sum(-1).mean(-1).sum()
                loss = loss - alpha * temperature ** 2 * agreement
            _sgd_step(params, loss, lr)
        # log before this round's exchange: the bits counted are those the copies have used
        log_steps.append((r + 1) * local_steps)
        log_bits.append(float(distillation_bits(t_size, data.n_classes, exchanges, k))
                        if talk else 0.0)
        log_acc.append(copies_accuracy(params, data.test_x, data.test_y).mean())
        if talk and r < rounds - 1:  # the last round's predictions would never be used
            with torch.no_grad():
                probs = (forward(params, data.transfer_x) / temperature).softmax(-1)
                targets = (probs.sum(0, keepdim=True) - probs) / (k - 1)
            exchanges += 1
    return ParallelRun(method, k, n_params, t_size if talk else 0, np.array(log_steps),
                       np.array(log_bits), np.array(log_acc, dtype=float),
                       [p.detach() for p in params])


# --- forward-only gradient estimates -------------------------------------------------------


def forward_gradient(g: ArrayLike, v: ArrayLike) -> NDArray[np.float64]:
    """The forward gradient :math:`\\hat g = (g \\cdot v)\\, v` for each row of ``v``
    (``g`` is ``(d,)``, ``v`` is ``(d,)`` or ``(n, d)``)."""
    g = np.asarray(g, dtype=float)
    v = np.asarray(v, dtype=float)
    if g.ndim != 1 or v.shape[-1] != g.shape[0] or v.ndim > 2:
        raise ValueError(f"g must be (d,) and v (d,) or (n, d) with the same d, got "
                         f"{g.shape} and {v.shape}")
    return (v @ g)[..., None] * v


def forward_gradient_mse(d: ArrayLike) -> NDArray[np.float64]:
    """Closed form of :math:`E\\|\\hat g - g\\|^2 / \\|g\\|^2 = d + 1` for
    :math:`v \\sim N(0, I_d)` (from :math:`E[(g\\cdot v)^2 vv^\\top] = \\|g\\|^2 I + 2gg^\\top`)."""
    d = np.asarray(d, dtype=float)
    if np.any(d < 1) or np.any(d != np.round(d)):
        raise ValueError("d must be positive integers")
    return d + 1.0


def forward_gradient_moments_exact(g: ArrayLike) -> tuple[NDArray[np.float64], float]:
    """:math:`E[\\hat g]` and :math:`E\\|\\hat g - g\\|^2` computed exactly by Gauss-Hermite
    quadrature with 3 nodes per axis (exact for polynomials of degree <= 5 in each
    coordinate; the integrands have degree <= 4). Cost :math:`3^d`: ``d <= 8``."""
    g = np.asarray(g, dtype=float)
    if g.ndim != 1 or not 1 <= g.shape[0] <= 8:
        raise ValueError(f"g must be a vector of length 1..8, got shape {g.shape}")
    nodes, weights = np.polynomial.hermite_e.hermegauss(3)  # probabilists': weight e^{-x^2/2}
    weights = weights / weights.sum()
    d = g.shape[0]
    v = np.array(list(itertools.product(nodes, repeat=d)))
    w = np.prod(np.array(list(itertools.product(weights, repeat=d))), axis=1)
    ghat = forward_gradient(g, v)
    return w @ ghat, float(w @ ((ghat - g) ** 2).sum(1))


def sample_normalized_error(d: int, n: int, seed: int = 0) -> NDArray[np.float64]:
    """``n`` draws of :math:`\\|\\hat g - g\\|^2 / \\|g\\|^2` in dimension ``d``. By rotation
    invariance take :math:`g = e_1`: the error is :math:`(v_1^2 - 1)^2 + v_1^2 \\chi^2_{d-1}`."""
    positive_int(d, "d")
    positive_int(n, "n")
    rng = np.random.default_rng(seed)
    v1 = rng.standard_normal(n)
    rest = rng.chisquare(d - 1, n) if d > 1 else np.zeros(n)
    return (v1 ** 2 - 1) ** 2 + v1 ** 2 * rest


def sample_cosine(d: int, n: int, seed: int = 0) -> NDArray[np.float64]:
    """``n`` draws of the cosine between :math:`\\hat g` and :math:`g` (sign of
    :math:`g\\cdot v` times :math:`|v_1| / \\|v\\|` with :math:`g = e_1`): always >= 0, about
    :math:`\\sqrt{2/(\\pi d)}` on average for large ``d``."""
    positive_int(d, "d")
    positive_int(n, "n")
    rng = np.random.default_rng(seed)
    v1 = rng.standard_normal(n)
    rest = rng.chisquare(d - 1, n) if d > 1 else np.zeros(n)
    return np.abs(v1) / np.sqrt(v1 ** 2 + rest)


@dataclass(frozen=True)
class RegressionTask:
    """Inputs ``(n, d_in)`` and targets ``(n, 1)``; ``min_loss`` is the smallest training MSE a
    linear model can reach (``None`` when unknown)."""

    x: torch.Tensor
    y: torch.Tensor
    min_loss: float | None = None


def teacher_task(n: int = 128, d_in: int = 16, teacher_hidden: int = 8, seed: int = 0,
                 dtype: torch.dtype = torch.float32) -> RegressionTask:
    """Gaussian inputs and twice the output of a random tanh teacher MLP
    ``d_in -> teacher_hidden -> 1`` (weights N(0, 1/fan-in)), plus 0.05 Gaussian noise."""
    positive_int(n, "n")
    positive_int(d_in, "d_in")
    positive_int(teacher_hidden, "teacher_hidden")
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d_in, generator=gen, dtype=dtype)
    w1 = torch.randn(d_in, teacher_hidden, generator=gen, dtype=dtype) / math.sqrt(d_in)
    w2 = torch.randn(teacher_hidden, 1, generator=gen, dtype=dtype) / math.sqrt(teacher_hidden)
    y = torch.tanh(x @ w1) @ w2 * 2.0 + 0.05 * torch.randn(n, 1, generator=gen, dtype=dtype)
    return RegressionTask(x, y)


def linear_task(d: int, n: int = 256, noise: float = 0.1, seed: int = 0) -> RegressionTask:
    """Linear regression with a *whitened, centred* design: :math:`X^\\top X / n = I_d` and
    :math:`X^\\top 1 = 0` exactly, targets :math:`y = X w^* + 0.5 + \\varepsilon` with
    :math:`w^* \\sim N(0, I_d/d)`. For a linear model with a bias (``hidden=None``, ``d + 1``
    parameters ``theta``) the training MSE is exactly
    :math:`L(\\theta) = L^* + \\|\\theta - \\hat\\theta\\|^2`: Hessian :math:`2I`. Float64."""
    positive_int(d, "d")
    positive_int(n, "n")
    if n <= d:
        raise ValueError(f"n must be > d for a whitened, centred design, got n={n}, d={d}")
    if not (math.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    gen = torch.Generator().manual_seed(seed)
    z = torch.randn(n, d, generator=gen, dtype=torch.float64)
    q, _ = torch.linalg.qr(z - z.mean(0))
    x = q * math.sqrt(n)
    w = torch.randn(d, 1, generator=gen, dtype=torch.float64) / math.sqrt(d)
    y = x @ w + 0.5 + noise * torch.randn(n, 1, generator=gen, dtype=torch.float64)
    fit = x @ (x.T @ y / n) + y.mean()
    return RegressionTask(x, y, float(((fit - y) ** 2).mean()))


def _mse_per_copy(params: Params, task: RegressionTask) -> torch.Tensor:
    return ((forward(params, task.x) - task.y) ** 2).mean((1, 2))


def _flat(tensors: Sequence[torch.Tensor]) -> torch.Tensor:
    return torch.cat([t.reshape(t.shape[0], -1) for t in tensors], dim=1)


def _sizes(task: RegressionTask, hidden: int | None) -> tuple[int, ...]:
    if hidden is None:
        return (task.x.shape[1], 1)
    return (task.x.shape[1], positive_int(hidden, "hidden"), 1)


@dataclass(frozen=True)
class GradientErrors:
    """Errors of gradient estimates at one point of a model with ``n_params`` parameters,
    normalized by :math:`\\|g\\|^2`."""

    n_params: int
    forward_sq_errors: NDArray[np.float64]
    """||g_hat - g||^2 / ||g||^2 for each tangent, forward gradient"""
    perturbation_sq_errors: NDArray[np.float64]
    """the same for weight perturbation, on the first ``n_checked`` tangents"""
    jvp_max_error: float
    """max |jvp - g.v| / ||g|| over the checked tangents"""
    bias: float
    """||mean of g_hat - g|| / ||g||; shrinks like sqrt((d + 1) / n_tangents)"""

    @property
    def forward_mse(self) -> float:
        return float(self.forward_sq_errors.mean())

    @property
    def forward_mse_se(self) -> float:
        return float(self.forward_sq_errors.std(ddof=1) / math.sqrt(len(self.forward_sq_errors)))


def gradient_errors(hidden: int | None, n_tangents: int = 4000, n_checked: int = 200,
                    task: RegressionTask | None = None, seed: int = 0,
                    epsilon: float = 1e-5) -> GradientErrors:
    """Forward gradients of the training MSE of a ``d_in -> hidden -> 1`` tanh MLP (a linear
    model if ``hidden`` is None) at its initial weights, in float64.

    The true gradient ``g`` comes from backprop. For the first ``n_checked`` tangents ``v`` the
    directional derivative is taken by forward mode (``torch.func.jvp``, no backward pass) and
    compared with ``g . v``, and weight perturbation
    :math:`\\frac{L(w + \\epsilon v) - L(w - \\epsilon v)}{2\\epsilon}\\, v` (two loss evaluations)
    is recorded. Forward mode returns ``g . v`` to rounding error, so the error statistics over
    all ``n_tangents`` use ``(g . v) v`` directly."""
    n_tangents = positive_int(n_tangents, "n_tangents")
    n_checked = positive_int(n_checked, "n_checked")
    if n_checked > n_tangents:
        raise ValueError(f"n_checked must be <= n_tangents={n_tangents}, got {n_checked}")
    _positive_float(epsilon, "epsilon")
    if task is None:
        task = teacher_task(dtype=torch.float64)
    task = RegressionTask(task.x.double(), task.y.double(), task.min_loss)
    params = init_copies(1, _sizes(task, hidden), seed, same_init=True, dtype=torch.float64)
    for p in params[1::2]:  # non-zero biases, so that no parameter starts with a zero gradient
        p += 0.1
    params = [p.requires_grad_() for p in params]
    with single_thread():
        g = _flat(torch.autograd.grad(_mse_per_copy(params, task).sum(), params))[0].detach()
        d = g.shape[0]
        gen = torch.Generator().manual_seed(seed + 1)
        v = torch.randn(n_tangents, d, generator=gen, dtype=torch.float64)
        shapes = [p.shape for p in params]
        numels = [p.numel() for p in params]
        base = tuple(p.detach() for p in params)

        def unflatten(flat: torch.Tensor) -> tuple[torch.Tensor, ...]:
            return tuple(c.reshape(s) for c, s in zip(torch.split(flat, numels), shapes))

        def loss_fn(*ps: torch.Tensor) -> torch.Tensor:
            return _mse_per_copy(list(ps), task).sum()

        def loss_at(flat: torch.Tensor) -> torch.Tensor:
            return loss_fn(*unflatten(flat))

        checked = v[:n_checked]
        with torch.no_grad():
            directional = vmap(lambda t: jvp(loss_fn, base, unflatten(t))[1])(checked)
            w = _flat(base)[0]
            fd = (vmap(loss_at)(w + epsilon * checked)
                  - vmap(loss_at)(w - epsilon * checked)) / (2 * epsilon)
        gn2 = float(g @ g)
        gv = v @ g
        ghat = gv[:, None] * v
        fwd = (((ghat - g) ** 2).sum(1) / gn2).numpy()
        pert = (((fd[:, None] * checked - g) ** 2).sum(1) / gn2).numpy()
        return GradientErrors(
            n_params=d, forward_sq_errors=fwd, perturbation_sq_errors=pert,
            jvp_max_error=float((directional - gv[:n_checked]).abs().max() / math.sqrt(gn2)),
            bias=float(torch.linalg.norm(ghat.mean(0) - g) / math.sqrt(gn2)))


def loglog_slope(x: ArrayLike, y: ArrayLike) -> float:
    """Least-squares slope of :math:`\\log y` against :math:`\\log x`."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or x.size < 2:
        raise ValueError(f"x and y must be 1-D of the same length >= 2, got {x.shape}, {y.shape}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("x and y must be positive for a log-log fit")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


@dataclass(frozen=True)
class TrainingCurves:
    """Full-batch training of one model with one copy per learning rate.

    ``loss[i, t]`` is the training MSE of copy ``i`` (learning rate ``lrs[i]``) after ``t``
    steps (``inf`` once it diverged); ``best`` is the curve with the lowest final loss."""

    method: str
    n_params: int
    lrs: NDArray[np.float64]
    loss: NDArray[np.float64]

    def _best_index(self) -> int:
        return int(np.argmin(self.loss[:, -1]))

    @property
    def best(self) -> NDArray[np.float64]:
        return self.loss[self._best_index()]

    @property
    def best_lr(self) -> float:
        return float(self.lrs[self._best_index()])


def train_regression(hidden: int | None, method: str, lrs: Sequence[float], steps: int = 300,
                     task: RegressionTask | None = None, seed: int = 0,
                     progress: bool = False) -> TrainingCurves:
    """Full-batch training on ``task`` of a ``d_in -> hidden -> 1`` tanh MLP (a linear model
    if ``hidden`` is None), one copy per entry of ``lrs``, all from the same initial weights.

    ``method="backprop"``: :math:`w \\leftarrow w - \\eta g`. ``method="forward"``:
    :math:`w \\leftarrow w - \\eta (g \\cdot v) v` with a fresh :math:`v \\sim N(0, I)` per copy and
    step, :math:`g \\cdot v` taken by forward mode (``torch.func.jvp``): no backward pass. A copy
    whose loss exceeds 1e6 or is not finite is frozen and reported as ``inf``."""
    if method not in ("backprop", "forward"):
        raise ValueError(f"method must be 'backprop' or 'forward', got {method!r}")
    steps = positive_int(steps, "steps")
    if task is None:
        task = teacher_task()
    dtype = task.x.dtype
    lr = torch.as_tensor(np.asarray(lrs, dtype=float), dtype=dtype)
    if lr.ndim != 1 or len(lr) == 0 or not bool((lr > 0).all()):
        raise ValueError("lrs must be a non-empty list of positive learning rates")
    sizes = _sizes(task, hidden)
    params = init_copies(len(lr), sizes, seed, same_init=True, dtype=dtype)
    gen = torch.Generator().manual_seed(seed + 1)
    losses = np.empty((len(lr), steps + 1))
    alive = torch.ones(len(lr), dtype=torch.bool)

    def loss_fn(*ps: torch.Tensor) -> torch.Tensor:
        return _mse_per_copy(list(ps), task)

    def per_copy(x: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        return x.view(-1, *([1] * (like.ndim - 1)))

    with single_thread():
        for t in tqdm(range(steps + 1), desc=f"{method}, {mlp_n_params(sizes)} parameters",
                      disable=not progress, leave=False):
            if method == "backprop":
                ps = [p.requires_grad_() for p in params]
                loss = loss_fn(*ps)
                grads = torch.autograd.grad(loss.sum(), ps)
                loss = loss.detach()
            else:
                tangents = [torch.randn(p.shape, generator=gen, dtype=dtype) for p in params]
                loss, dloss = jvp(loss_fn, tuple(params), tuple(tangents))
                grads = [per_copy(dloss, v) * v for v in tangents]
            alive &= torch.isfinite(loss) & (loss < 1e6)
            losses[:, t] = np.where(alive.numpy(), loss.numpy(), np.inf)
            if t == steps:
                break
            step = torch.where(alive, lr, torch.zeros_like(lr))
            with torch.no_grad():
                params = [(p - per_copy(step, p) * torch.nan_to_num(g)).detach()
                          for p, g in zip(params, grads)]
    return TrainingCurves(method, mlp_n_params(sizes), lr.double().numpy(), losses)


def forward_gradient_linear_rate(d: int, lr: float | None = None) -> float:
    """Exact contraction of the expected excess loss per forward-gradient step on
    :func:`linear_task` (Hessian :math:`2I`):
    :math:`E[L_{t+1} - L^*] = \\rho\\,(L_t - L^*)` with
    :math:`\\rho = 1 - 4\\eta + 4\\eta^2 (d + 2)`, smallest at :math:`\\eta = 1/(2(d + 2))`
    (the default), where :math:`\\rho = 1 - 1/(d + 2)`. Backprop with :math:`\\eta = 1/2`
    has :math:`\\rho = 0`."""
    positive_int(d, "d")
    eta = 1.0 / (2 * (d + 2)) if lr is None else _positive_float(lr, "lr")
    return 1 - 4 * eta + 4 * eta ** 2 * (d + 2)


def ntk_effective_dimension(hidden: int | None, task: RegressionTask | None = None,
                            seed: int = 0) -> float:
    """:math:`\\mathrm{tr}\\,K / \\lambda_{\\max}(K)` of the empirical tangent kernel
    :math:`K = J J^\\top` (``J``: Jacobian of the ``n`` outputs with respect to the
    parameters) at the initial weights used by :func:`train_regression`. The Gauss-Newton
    part of the loss Hessian is :math:`\\frac{2}{n} J^\\top J`, with the same nonzero
    spectrum as :math:`\\frac{2}{n}K`: this ratio, at most ``min(n, d)``, is the number of
    directions with curvature comparable to the largest."""
    if task is None:
        task = teacher_task()
    params = [p.double() for p in init_copies(1, _sizes(task, hidden), seed, same_init=True,
                                               dtype=task.x.dtype)]
    x = task.x.double()
    with single_thread():
        params = [p.requires_grad_() for p in params]
        out = forward(params, x)[0, :, 0]
        rows = [_flat(torch.autograd.grad(o, params, retain_graph=True))[0] for o in out]
        jac = torch.stack(rows)
        eig = torch.linalg.eigvalsh(jac @ jac.T)
    return float(eig.sum() / eig[-1])


def steps_to_reach(curve: ArrayLike, target: float) -> float:
    """First step at which ``curve`` is at or below ``target`` (``inf`` if never)."""
    curve = np.asarray(curve, dtype=float)
    hit = np.nonzero(curve <= target)[0]
    return float(hit[0]) if hit.size else math.inf
