r"""Small generative-model experiments of the lecture's second half (torch and numpy).

- :func:`train_linear_autoencoder`: a linear autoencoder fitted by gradient descent (finds
  the top principal subspace).
- :func:`gradient_estimators`: reparametrization and score-function estimates of
  :math:`\nabla_\mu \mathbb E_{z\sim\mathcal N(\mu,\sigma^2)} f(z)`.
- :func:`soft_attention`: :math:`\sum_i \alpha_i v_i` with
  :math:`\alpha = \operatorname{softmax}(\langle w, v_i\rangle / T)`.
- :class:`FullyVisibleSBN`, :func:`train_autoregressive`: an autoregressive model of binary
  vectors, :math:`g(x) = \prod_i g(x_i | x_{<i})`, each factor a logistic regression.
- :func:`sinh_flow_logpdf`, :func:`coupling_flow`: densities of invertible maps by the
  change-of-variables formula.
- :func:`infonce_bound`: the InfoNCE lower bound on :math:`I(X;Y)` with :math:`K` candidates.
- :func:`ipm_gan`: a generator trained against best-response critics of a function class.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch
from numpy.typing import ArrayLike, NDArray
from torch import nn

from .vae import as_data


def _positive_int(value: int, name: str) -> None:
    if not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")


def _decay(opt: torch.optim.Optimizer, lr: float, lr_final: float | None,
           steps: int) -> torch.optim.lr_scheduler.LRScheduler | None:
    """An exponential learning-rate decay from ``lr`` to ``lr_final`` over ``steps`` steps
    (``None``: a constant rate)."""
    if lr_final is None:
        return None
    if not 0 < lr_final <= lr:
        raise ValueError(f"lr_final must lie in (0, lr = {lr}], got {lr_final}")
    return torch.optim.lr_scheduler.ExponentialLR(opt, gamma=(lr_final / lr) ** (1 / steps))


# --- linear autoencoder -------------------------------------------------------------------


@torch.enable_grad()
def train_linear_autoencoder(x: ArrayLike, rank: int, steps: int = 3000, lr: float = 0.02,
                             seed: int = 0, lr_final: float | None = None,
                             ) -> tuple[NDArray, NDArray, list[float]]:
    r"""Minimize :math:`\frac1n \sum_i \lVert x_i - D E x_i \rVert^2` over
    :math:`E \in \mathbb R^{r\times d}`, :math:`D \in \mathbb R^{d\times r}` with full-batch Adam.

    The loss equals :math:`\operatorname{tr}\bigl((I - DE)\, C\, (I - DE)^\top\bigr)` with
    :math:`C = \frac1n \sum_i x_i x_i^\top`, which is what is evaluated (same gradients, a
    :math:`d \times d` matrix instead of :math:`n` rows). ``x`` should be centred.
    With ``lr_final`` the learning rate decays exponentially from ``lr`` to it, so that the
    last steps settle instead of jittering at the scale of ``lr``.
    Returns ``E``, ``D`` and the loss per step.
    """
    data = as_data(x, dtype=torch.float64)
    _positive_int(rank, "rank")
    _positive_int(steps, "steps")
    n, d = data.shape
    if rank >= d:
        raise ValueError(f"rank must be < the dimension {d}, got {rank}")
    second_moment = data.T @ data / n
    torch.manual_seed(seed)
    enc = (torch.randn(rank, d, dtype=torch.float64) / math.sqrt(d)).requires_grad_()
    dec = (torch.randn(d, rank, dtype=torch.float64) / math.sqrt(rank)).requires_grad_()
    opt = torch.optim.Adam([enc, dec], lr=lr)
    schedule = _decay(opt, lr, lr_final, steps)
    eye = torch.eye(d, dtype=torch.float64)
    losses = []
    for _ in range(steps):
        residual = eye - dec @ enc
        loss = torch.trace(residual @ second_moment @ residual.T)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if schedule is not None:
            schedule.step()
        losses.append(loss.item())
    return enc.detach().numpy(), dec.detach().numpy(), losses


# --- gradient estimators ------------------------------------------------------------------


@torch.enable_grad()
def gradient_estimators(f: Callable[[torch.Tensor], torch.Tensor], mu: ArrayLike,
                        sigma: ArrayLike, n: int, seed: int = 0) -> tuple[NDArray, NDArray]:
    r"""``n`` single-sample estimates of
    :math:`\nabla_\mu \mathbb E_{z \sim \mathcal N(\mu, \sigma^2)} f(z)`.

    Reparametrization: :math:`\nabla_z f(\mu + \sigma\epsilon)`. Score function (REINFORCE):
    :math:`f(z)\,\nabla_\mu \log q(z) = f(z)\,(z - \mu)/\sigma^2`. Both are unbiased.
    ``f`` maps a batch ``(n, r)`` to ``(n,)``. Returns two arrays ``(n, r)``.
    """
    _positive_int(n, "n")
    mu_t = torch.as_tensor(np.atleast_1d(mu), dtype=torch.float64)
    sigma_t = torch.as_tensor(np.atleast_1d(sigma), dtype=torch.float64)
    if (sigma_t <= 0).any():
        raise ValueError("sigma must be > 0")
    eps = torch.randn((n, mu_t.numel()), generator=torch.Generator().manual_seed(seed),
                      dtype=torch.float64)
    z = (mu_t + sigma_t * eps).requires_grad_()
    values = f(z)
    (reparam,) = torch.autograd.grad(values.sum(), z)
    score = values.detach()[:, None] * (z.detach() - mu_t) / sigma_t**2
    return reparam.numpy(), score.numpy()


# --- vector quantization and soft attention -----------------------------------------------


def soft_attention(query: ArrayLike, codebook: ArrayLike,
                   temperature: float) -> tuple[NDArray, NDArray]:
    r"""Weights :math:`\alpha = \operatorname{softmax}(\langle w, v_i \rangle / T)` and the
    combination :math:`\sum_i \alpha_i v_i`; as :math:`T \to 0` it tends to the codeword
    :math:`\arg\max_i \langle w, v_i\rangle` (vector quantization)."""
    w, v = np.asarray(query, float), np.atleast_2d(np.asarray(codebook, float))
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    if w.shape != v.shape[1:]:
        raise ValueError(f"query must have shape {v.shape[1:]} (a codeword's), got {w.shape}")
    logits = v @ w / temperature
    alpha = np.exp(logits - logits.max())
    alpha /= alpha.sum()
    return alpha, alpha @ v


def vector_quantize(query: ArrayLike, codebook: ArrayLike) -> NDArray:
    r"""The codeword :math:`\arg\max_{v \in S} \langle w, v\rangle`."""
    v = np.atleast_2d(np.asarray(codebook, float))
    return v[np.argmax(v @ np.asarray(query, float))]


# --- autoregressive model -----------------------------------------------------------------


class FullyVisibleSBN(nn.Module):
    r"""Autoregressive model of binary vectors:
    :math:`g(x_i = 1 | x_{<i}) = \sigma(b_i + \sum_{j<i} W_{ij} x_j)`."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        _positive_int(dim, "dim")
        self.dim = dim
        self.weight = nn.Parameter(torch.zeros(dim, dim))
        self.bias = nn.Parameter(torch.zeros(dim))
        self.register_buffer("mask", torch.tril(torch.ones(dim, dim), diagonal=-1))

    def conditional_logits(self, x: torch.Tensor) -> torch.Tensor:
        """Logits of :math:`g(x_i = 1 | x_{<i})` for every position, ``(n, dim)``."""
        return x @ (self.weight * self.mask).T + self.bias

    def conditional_log_probs(self, x: torch.Tensor) -> torch.Tensor:
        r""":math:`\log g(x_i | x_{<i})` for every position, ``(n, dim)``."""
        return -nn.functional.binary_cross_entropy_with_logits(
            self.conditional_logits(x), x, reduction="none")

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        r""":math:`\log g(x) = \sum_i \log g(x_i | x_{<i})` (the chain rule)."""
        return self.conditional_log_probs(x).sum(-1)


@torch.enable_grad()
def train_autoregressive(x: ArrayLike, epochs: int = 40, lr: float = 0.02, l2: float = 1e-3,
                         seed: int = 0) -> FullyVisibleSBN:
    """Maximum likelihood (with a small weight penalty) by full-batch Adam."""
    data = as_data(x)
    if not torch.all((data == 0) | (data == 1)):
        raise ValueError("x must be binary (entries 0 or 1)")
    _positive_int(epochs, "epochs")
    torch.manual_seed(seed)
    model = FullyVisibleSBN(data.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs * 10):
        loss = -model.log_prob(data).mean() + l2 * (model.weight**2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model.eval()


# --- flows --------------------------------------------------------------------------------


def sinh_flow_logpdf(x: ArrayLike, a: float, b: float) -> NDArray:
    r"""Density of :math:`x = f(u) = \sinh(a u + b)`, :math:`u \sim \mathcal N(0,1)`, :math:`a > 0`:
    :math:`\log q(x) = \log \varphi(f^{-1}(x)) - \log |f'(f^{-1}(x))|`, where
    :math:`f^{-1}(x) = (\operatorname{arsinh} x - b)/a` and :math:`f'(u) = a\cosh(au+b)`."""
    if not a > 0:
        raise ValueError(f"a must be > 0, got {a}")
    x = np.asarray(x, float)
    u = (np.arcsinh(x) - b) / a
    return -0.5 * u**2 - 0.5 * np.log(2 * np.pi) - np.log(a * np.sqrt(1 + x**2))


def coupling_flow(u: torch.Tensor, scale: float = 0.8,
                  angle: float = 0.6) -> tuple[torch.Tensor, torch.Tensor]:
    r"""A 2-D invertible map: an affine coupling
    :math:`(u_1, u_2) \mapsto (u_1,\; u_2 e^{s \sin u_1} + u_1^2/2)` followed by a rotation.
    Returns :math:`x` and :math:`\log |\det J_f(u)| = s \sin u_1` (a rotation has determinant 1)."""
    u1, u2 = u[..., 0], u[..., 1]
    log_det = scale * torch.sin(u1)
    v = torch.stack([u1, u2 * log_det.exp() + 0.5 * u1**2], -1)
    c, s = math.cos(angle), math.sin(angle)
    rot = torch.tensor([[c, -s], [s, c]], dtype=u.dtype)
    return v @ rot.T, log_det


def coupling_flow_inverse(x: torch.Tensor, scale: float = 0.8, angle: float = 0.6) -> torch.Tensor:
    """The inverse of :func:`coupling_flow`."""
    c, s = math.cos(angle), math.sin(angle)
    v = x @ torch.tensor([[c, -s], [s, c]], dtype=x.dtype)
    u1 = v[..., 0]
    u2 = (v[..., 1] - 0.5 * u1**2) * torch.exp(-scale * torch.sin(u1))
    return torch.stack([u1, u2], -1)


def coupling_flow_logpdf(x: torch.Tensor, scale: float = 0.8, angle: float = 0.6) -> torch.Tensor:
    r""":math:`\log q(x) = \log \mathcal N(f^{-1}(x); 0, I) - \log|\det J_f(f^{-1}(x))|`."""
    u = coupling_flow_inverse(x, scale, angle)
    _, log_det = coupling_flow(u, scale, angle)
    return -0.5 * (u**2).sum(-1) - math.log(2 * math.pi) - log_det


# --- contrastive learning -----------------------------------------------------------------


def correlated_gaussians(n: int, dim: int, rho: float, seed: int = 0) -> tuple[NDArray, NDArray]:
    r"""``n`` pairs with :math:`y = \rho x + \sqrt{1-\rho^2}\,\xi` coordinate-wise, so that
    :math:`I(X;Y) = -\tfrac{d}{2}\log(1-\rho^2)`."""
    if not -1 < rho < 1:
        raise ValueError(f"rho must lie in (-1, 1), got {rho}")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, dim))
    return x, rho * x + np.sqrt(1 - rho**2) * rng.standard_normal((n, dim))


def infonce_bound(scores: ArrayLike) -> float:
    r"""InfoNCE estimate from a ``(B, K, K)`` stack of critic matrices, positives on the diagonal:
    :math:`\frac1K\sum_i \log \frac{e^{f(x_i,y_i)}}{\frac1K\sum_j e^{f(x_i,y_j)}}`, averaged over
    the ``B`` batches. It is a lower bound on :math:`I(X;Y)` and at most :math:`\log K`."""
    from scipy.special import logsumexp

    s = np.asarray(scores, float)
    if s.ndim == 2:
        s = s[None]
    if s.ndim != 3 or s.shape[1] != s.shape[2]:
        raise ValueError(f"scores must have shape (B, K, K), got {s.shape}")
    k = s.shape[1]
    diag = np.diagonal(s, axis1=1, axis2=2)
    return float(np.mean(diag - logsumexp(s, axis=2)) + np.log(k))


def gaussian_critic(x: NDArray, y: NDArray, rho: float) -> NDArray:
    r"""The optimal critic, the log density ratio
    :math:`s(x_i, y_j) = \log \frac{p(y_j|x_i)}{p(y_j)}
    = -\frac{\lVert y_j - \rho x_i\rVert^2}{2(1-\rho^2)} + \frac{\lVert y_j\rVert^2}{2}
    - \frac d2 \log(1-\rho^2)`, for a batch ``(..., K, d)``: returns ``(..., K, K)``."""
    diff = y[..., None, :, :] - rho * x[..., :, None, :]
    dim = x.shape[-1]
    return (-(diff**2).sum(-1) / (2 * (1 - rho**2)) + 0.5 * (y[..., None, :, :] ** 2).sum(-1)
            - 0.5 * dim * np.log(1 - rho**2))


# --- GAN as an integral probability metric ------------------------------------------------


@torch.enable_grad()
def ipm_gan(data: ArrayLike, critic: str, steps: int = 400, lr: float = 0.05, n_fake: int = 2000,
            seed: int = 0, lr_final: float | None = None) -> tuple[float, float, list[float]]:
    r"""Train a generator :math:`G(z) = a z + b` (:math:`z \sim \mathcal N(0,1)`) to minimize
    :math:`\sup_{f \in \mathcal F} |\mathbb E_{G} f - \mathbb E_p f|` against best-response critics.

    ``critic="linear"``: :math:`\mathcal F = \{w x : |w| \le 1\}`, the IPM is the gap in means.
    ``critic="quadratic"``: :math:`\{w_1 x + w_2 x^2 : \lVert w\rVert \le 1\}`, the IPM is the
    Euclidean gap in the first two moments. ``critic="lipschitz"``: 1-Lipschitz functions, the
    IPM is the Wasserstein-1 distance (sorted samples in 1-D). With ``lr_final`` the learning
    rate decays exponentially from ``lr`` to it: Adam's steps on fresh noisy batches are of
    size about ``lr`` whatever the gradient, so a constant rate leaves the final ``a, b``
    jittering at that scale.
    Returns the final ``a``, ``b`` and the IPM per step (at its best-response critic).
    """
    if critic not in ("linear", "quadratic", "lipschitz"):
        raise ValueError(f"critic must be 'linear', 'quadratic' or 'lipschitz', got {critic!r}")
    real = torch.as_tensor(np.sort(np.asarray(data, float)), dtype=torch.float64)
    gen = torch.Generator().manual_seed(seed)
    a = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([a, b], lr=lr)
    schedule = _decay(opt, lr, lr_final, steps)
    history = []
    for _ in range(steps):
        fake = a * torch.randn(n_fake, generator=gen, dtype=torch.float64) + b
        if critic == "linear":
            ipm = (fake.mean() - real.mean()).abs()
        elif critic == "quadratic":
            gap = torch.stack([fake.mean() - real.mean(), (fake**2).mean() - (real**2).mean()])
            ipm = gap.norm()
        else:
            quantiles = torch.linspace(0.5 / n_fake, 1 - 0.5 / n_fake, n_fake, dtype=torch.float64)
            real_q = torch.quantile(real, quantiles)
            ipm = (torch.sort(fake).values - real_q).abs().mean()
        opt.zero_grad()
        ipm.backward()
        opt.step()
        if schedule is not None:
            schedule.step()
        history.append(ipm.item())
    return a.item(), b.item(), history
