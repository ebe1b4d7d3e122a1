r"""Two tiny generative models of 2-D data: a diffusion model and an autoregressive model.

The data are a seeded ring of Gaussians (:class:`Ring`), whose density is known exactly.

**Diffusion (DDPM, Ho et al. 2020).** A fixed forward process adds Gaussian noise in
:math:`T` steps, :math:`q(x_t | x_{t-1}) = \mathcal N(\sqrt{1-\beta_t}\, x_{t-1}, \beta_t I)`,
so that in closed form :math:`q(x_t | x_0) = \mathcal N(\sqrt{\bar\alpha_t}\, x_0,
(1-\bar\alpha_t) I)` with :math:`\bar\alpha_t = \prod_{s \le t} (1-\beta_s)`. A network
:math:`\epsilon_\theta(x_t, t)` learns to predict the noise of
:math:`x_t = \sqrt{\bar\alpha_t}\, x_0 + \sqrt{1-\bar\alpha_t}\,\epsilon` (the "simple" loss
:math:`\lVert \epsilon - \epsilon_\theta \rVert^2`), and ancestral sampling runs the learned
reverse process from :math:`x_T \sim \mathcal N(0, I)` down to :math:`x_0`.

**Autoregressive.** :math:`p(x_1, x_2) = p(x_1)\, p(x_2 | x_1)`, each factor a categorical
distribution over equal bins of an interval with a uniform density inside a bin (a
piecewise-constant density), :math:`p(x_2|x_1)` given by an MLP of :math:`x_1`. Its
log-likelihood is exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import ArrayLike, NDArray
from scipy.special import logsumexp
from torch import nn

from ._nets import mlp
from ._validation import as_float_array, positive_int
from .progress import tqdm


def _points(x: ArrayLike, name: str = "x") -> NDArray[np.float64]:
    arr = as_float_array(x, name)
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty array of 2-D points, shape (n, 2), "
                         f"got {arr.shape}")
    return arr


# --- data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ring:
    r"""An equal-weight mixture of ``modes`` isotropic Gaussians of standard deviation ``sd``
    whose means sit evenly on a circle of radius ``radius``."""

    modes: int = 8
    radius: float = 2.0
    sd: float = 0.15

    def __post_init__(self) -> None:
        positive_int(self.modes, "modes")
        if not (self.radius >= 0 and self.sd > 0):
            raise ValueError(f"radius must be >= 0 and sd > 0, got {self.radius}, {self.sd}")

    def centres(self) -> NDArray[np.float64]:
        """The ``(modes, 2)`` component means."""
        angle = 2 * np.pi * np.arange(self.modes) / self.modes
        return self.radius * np.stack([np.cos(angle), np.sin(angle)], 1)

    def sample(self, n: int, seed: int) -> NDArray[np.float64]:
        """``n`` independent points, reproducible from ``seed``."""
        if not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"n must be an integer >= 0, got {n!r}")
        rng = np.random.default_rng(seed)
        component = rng.integers(0, self.modes, size=n)
        return self.centres()[component] + self.sd * rng.standard_normal((n, 2))

    def logpdf(self, x: ArrayLike) -> NDArray[np.float64]:
        r"""The exact :math:`\log p(x)` of every point (log-sum-exp over components)."""
        pts = _points(x)
        sq = ((pts[:, None, :] - self.centres()[None]) ** 2).sum(-1)
        log_comp = -0.5 * sq / self.sd**2 - np.log(2 * np.pi * self.sd**2)
        return logsumexp(log_comp, axis=1) - np.log(self.modes)

    def binned_logpdf(self, x: ArrayLike, bins: int, low: float, high: float
                      ) -> NDArray[np.float64]:
        r"""The best log-density a :class:`BinnedAR` with these bins can reach:
        :math:`\log P(b_1) + \log P(b_2 | x_1) - 2 \log w`, with the true probability
        :math:`P(b_1)` of the bin of :math:`x_1`, the true conditional probability
        :math:`P(b_2 | x_1)` of the bin of :math:`x_2` given :math:`x_1`, and the bin width
        :math:`w`. Its mean over data is the model family's ceiling (the network can only
        approximate :math:`P(b_2 | x_1)`)."""
        from scipy.stats import norm

        pts = _points(x)
        positive_int(bins, "bins")
        width = (high - low) / bins
        idx = np.clip(np.floor((pts - low) / width), 0, bins - 1)
        lo, hi = low + idx * width, low + (idx + 1) * width
        c = self.centres()

        def mass(j):  # (n, modes): probability of the bin of coordinate j under each component
            return (norm.cdf((hi[:, j, None] - c[None, :, j]) / self.sd)
                    - norm.cdf((lo[:, j, None] - c[None, :, j]) / self.sd))

        p_b1 = mass(0).mean(1)
        log_w = norm.logpdf(pts[:, 0, None], c[None, :, 0], self.sd)   # posterior of k given x1
        w = np.exp(log_w - logsumexp(log_w, axis=1, keepdims=True))
        p_b2 = (w * mass(1)).sum(1)
        inside = ((pts >= low) & (pts < high)).all(1)
        with np.errstate(divide="ignore"):
            out = np.log(p_b1) + np.log(p_b2) - 2 * np.log(width)
        return np.where(inside, out, -np.inf)


#: The data set of the chapter: 8 Gaussians of sd 0.15 on a circle of radius 2.
RING = Ring()


def fit_gaussian(x: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Maximum-likelihood mean and covariance of the points (the trivial baseline model)."""
    pts = _points(x)
    return pts.mean(0), np.cov(pts.T, bias=True)


def gaussian_logpdf(x: ArrayLike, mean: ArrayLike, cov: ArrayLike) -> NDArray[np.float64]:
    """Log-density of a 2-D Gaussian at every point."""
    pts = _points(x)
    diff = pts - np.asarray(mean, float)
    cov = np.asarray(cov, float)
    sol = np.linalg.solve(cov, diff.T).T
    return -0.5 * (diff * sol).sum(1) - 0.5 * np.log(np.linalg.det(2 * np.pi * cov))


# --- the forward (noising) process ---------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    r"""Noise levels :math:`\beta_1, \dots, \beta_T`, stored as ``betas`` of length
    :math:`T+1` with ``betas[0] = 0`` so that arrays are indexed by the step :math:`t`."""

    betas: NDArray[np.float64]

    def __post_init__(self) -> None:
        b = np.asarray(self.betas, float)
        if b.ndim != 1 or b.size < 2 or b[0] != 0 or np.any(b[1:] <= 0) or np.any(b >= 1):
            raise ValueError("betas must be 1-D with betas[0] = 0 and 0 < betas[t] < 1 for t >= 1")

    @property
    def steps(self) -> int:
        """The number of diffusion steps :math:`T`."""
        return len(self.betas) - 1

    @property
    def alpha_bars(self) -> NDArray[np.float64]:
        r""":math:`\bar\alpha_t = \prod_{s=1}^t (1-\beta_s)` for :math:`t = 0..T`
        (:math:`\bar\alpha_0 = 1`)."""
        return np.cumprod(1.0 - np.asarray(self.betas, float))

    def posterior_variances(self) -> NDArray[np.float64]:
        r""":math:`\tilde\beta_t = \frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}\beta_t`, the variance
        of :math:`q(x_{t-1} | x_t, x_0)` (``[0]`` is 0)."""
        ab = self.alpha_bars
        out = np.zeros_like(ab)
        out[1:] = (1 - ab[:-1]) / (1 - ab[1:]) * np.asarray(self.betas, float)[1:]
        return out


def linear_schedule(steps: int = 100, beta_start: float = 1e-3, beta_end: float = 0.2) -> Schedule:
    r"""Ho et al.'s linear schedule. Theirs runs from :math:`10^{-4}` to 0.02 over 1000 steps,
    so that :math:`\sum_t \beta_t \approx 10`; the defaults keep that sum with 100 steps, which
    leaves :math:`\bar\alpha_T \approx e^{-10.7}`: :math:`x_T` is pure noise."""
    positive_int(steps, "steps")
    if not 0 < beta_start <= beta_end < 1:
        raise ValueError(f"need 0 < beta_start <= beta_end < 1, got {beta_start}, {beta_end}")
    return Schedule(np.concatenate([[0.0], np.linspace(beta_start, beta_end, steps)]))


def _check_step(t: int, schedule: Schedule) -> None:
    if not isinstance(t, (int, np.integer)) or not 0 <= t <= schedule.steps:
        raise ValueError(f"t must be an integer in [0, {schedule.steps}], got {t!r}")


def forward_closed_form(schedule: Schedule, t: int) -> tuple[float, float]:
    r"""Mean coefficient and variance of :math:`q(x_t | x_0)` from the closed form:
    :math:`(\sqrt{\bar\alpha_t},\ 1-\bar\alpha_t)`."""
    _check_step(t, schedule)
    ab = schedule.alpha_bars[t]
    return float(np.sqrt(ab)), float(1 - ab)


def forward_by_iteration(schedule: Schedule, t: int) -> tuple[float, float]:
    r"""The same two numbers by composing :math:`t` one-step kernels: if
    :math:`x_{s-1} \sim \mathcal N(m x_0, v I)` then :math:`x_s = \sqrt{1-\beta_s} x_{s-1}
    + \sqrt{\beta_s}\,\epsilon` has mean :math:`\sqrt{1-\beta_s}\, m x_0` and variance
    :math:`(1-\beta_s) v + \beta_s`."""
    _check_step(t, schedule)
    m, v = 1.0, 0.0
    for beta in np.asarray(schedule.betas, float)[1:t + 1]:
        m, v = np.sqrt(1 - beta) * m, (1 - beta) * v + beta
    return float(m), float(v)


def noise_iteratively(x0: ArrayLike, t: int, schedule: Schedule, seed: int = 0) -> NDArray:
    r"""Draw :math:`x_t` by applying the one-step kernel :math:`q(x_s | x_{s-1})` :math:`t`
    times to every point of ``x0`` (Monte Carlo, float64)."""
    _check_step(t, schedule)
    x = _points(x0, "x0").copy()
    rng = np.random.default_rng(seed)
    for beta in np.asarray(schedule.betas, float)[1:t + 1]:
        x = np.sqrt(1 - beta) * x + np.sqrt(beta) * rng.standard_normal(x.shape)
    return x


def noise_closed_form(x0: ArrayLike, t: int, schedule: Schedule, seed: int = 0) -> NDArray:
    r"""Draw :math:`x_t \sim q(x_t | x_0)` in one step from the closed form."""
    mean_coef, var = forward_closed_form(schedule, t)
    x = _points(x0, "x0")
    return mean_coef * x + np.sqrt(var) * np.random.default_rng(seed).standard_normal(x.shape)


# --- the denoising network -----------------------------------------------------------------


class Denoiser(nn.Module):
    r""":math:`\epsilon_\theta(x_t, t)`: an MLP of the point and a sinusoidal embedding of
    :math:`t/T` (``depth`` hidden layers of ``width`` units)."""

    def __init__(self, steps: int, width: int = 128, depth: int = 2, embed: int = 8) -> None:
        super().__init__()
        for value, name in ((steps, "steps"), (width, "width"), (depth, "depth"),
                            (embed, "embed")):
            positive_int(value, name)
        self.steps = int(steps)
        self.register_buffer("freqs", torch.exp(torch.linspace(0.0, math.log(steps), embed)))
        self.net = mlp([2 + 2 * embed, *[width] * depth, 2], nn.SiLU)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        angle = (t.to(x.dtype)[:, None] / self.steps) * self.freqs[None]
        return self.net(torch.cat([x, torch.sin(angle), torch.cos(angle)], 1))


def n_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _noised(x0: torch.Tensor, t: torch.Tensor, eps: torch.Tensor,
            sqrt_ab: torch.Tensor, sqrt_1mab: torch.Tensor) -> torch.Tensor:
    return sqrt_ab[t, None] * x0 + sqrt_1mab[t, None] * eps


def _ab_tensors(schedule: Schedule) -> tuple[torch.Tensor, torch.Tensor]:
    ab = schedule.alpha_bars
    return (torch.tensor(np.sqrt(ab), dtype=torch.float32),
            torch.tensor(np.sqrt(1 - ab), dtype=torch.float32))


@torch.enable_grad()
def train_ddpm(x: ArrayLike, schedule: Schedule | None = None, width: int = 128, depth: int = 2,
               steps: int = 2000, batch_size: int = 512, lr: float = 3e-3, seed: int = 0,
               progress: bool = True, fused: bool = False) -> tuple[Denoiser, list[float]]:
    r"""Fit :math:`\epsilon_\theta` with Adam on the simple loss
    :math:`\mathbb E_{t, x_0, \epsilon} \lVert \epsilon - \epsilon_\theta(\sqrt{\bar\alpha_t}x_0
    + \sqrt{1-\bar\alpha_t}\epsilon, t) \rVert^2 / 2` (mean over the 2 coordinates), :math:`t`
    uniform on :math:`1..T`, minibatches drawn with replacement; the learning rate decays
    along a cosine to zero. Deterministic on CPU for a given ``seed``. ``fused=True`` uses
    torch's fused Adam kernel (the same algorithm in fewer operations: faster for these small
    networks, with floats that may differ in the last bits)."""
    for value, name in ((steps, "steps"), (batch_size, "batch_size")):
        positive_int(value, name)
    schedule = schedule or linear_schedule()
    data = torch.as_tensor(_points(x), dtype=torch.float32)
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = Denoiser(schedule.steps, width, depth)
    opt = torch.optim.Adam(model.parameters(), lr=lr, fused=True if fused else None)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    sqrt_ab, sqrt_1mab = _ab_tensors(schedule)
    losses = []
    for _ in tqdm(range(steps), desc=f"DDPM (width {width})", disable=not progress, leave=False):
        x0 = data[torch.randint(0, len(data), (batch_size,), generator=gen)]
        t = torch.randint(1, schedule.steps + 1, (batch_size,), generator=gen)
        eps = torch.randn(x0.shape, generator=gen)
        loss = F.mse_loss(model(_noised(x0, t, eps, sqrt_ab, sqrt_1mab), t), eps)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
    return model.eval(), losses


@torch.enable_grad()
def train_ddpm_family(x: ArrayLike, schedule: Schedule | None = None,
                      widths: tuple[int, ...] = (128,), depth: int = 2, steps: int = 2000,
                      batch_size: int = 512, lr: float = 3e-3, seed: int = 0,
                      progress: bool = True,
                      fused: bool = False) -> list[tuple[Denoiser, list[float]]]:
    """One denoiser per width, each trained exactly as :func:`train_ddpm` trains it with the
    same arguments, but all in one loop: the same initial weights (the global generator is
    seeded before each model is built), the same minibatches and noise (one draw per step,
    shared, as separate runs with one seed draw them alike), and one Adam over all the
    parameters. Each model's gradient depends only on its own loss and Adam acts element by
    element, so every model ends as its separate run would; the loop's fixed costs are paid
    once per step instead of once per model. Returns ``(model, losses)`` for each width."""
    for value, name in ((steps, "steps"), (batch_size, "batch_size")):
        positive_int(value, name)
    if len(widths) == 0:
        raise ValueError("widths must not be empty")
    schedule = schedule or linear_schedule()
    data = torch.as_tensor(_points(x), dtype=torch.float32)
    models = []
    for width in widths:
        torch.manual_seed(seed)
        models.append(Denoiser(schedule.steps, width, depth))
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam([p for m in models for p in m.parameters()], lr=lr,
                           fused=True if fused else None)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    sqrt_ab, sqrt_1mab = _ab_tensors(schedule)
    losses: list[list[float]] = [[] for _ in models]
    for _ in tqdm(range(steps), desc=f"DDPMs (widths {', '.join(map(str, widths))})",
                  disable=not progress, leave=False):
        x0 = data[torch.randint(0, len(data), (batch_size,), generator=gen)]
        t = torch.randint(1, schedule.steps + 1, (batch_size,), generator=gen)
        eps = torch.randn(x0.shape, generator=gen)
        xt = _noised(x0, t, eps, sqrt_ab, sqrt_1mab)
        step = torch.stack([F.mse_loss(m(xt, t), eps) for m in models])
        opt.zero_grad()
        step.sum().backward()
        opt.step()
        sched.step()
        for curve, value in zip(losses, step.tolist()):
            curve.append(value)
    return [(m.eval(), curve) for m, curve in zip(models, losses)]


class RingDenoiser(nn.Module):
    r"""The Bayes-optimal noise prediction :math:`\mathbb E[\epsilon | x_t]` for data from a
    :class:`Ring`, in closed form. Given component :math:`k`, :math:`x_t \sim \mathcal N(
    \sqrt{\bar\alpha_t} c_k, v_t I)` with :math:`v_t = \bar\alpha_t s^2 + 1 - \bar\alpha_t`,
    so :math:`\mathbb E[x_0 | x_t, k] = c_k + \sqrt{\bar\alpha_t} s^2 (x_t - \sqrt{\bar
    \alpha_t} c_k) / v_t`; averaging over the posterior of :math:`k` gives :math:`\mathbb
    E[x_0|x_t]` and :math:`\mathbb E[\epsilon|x_t] = (x_t - \sqrt{\bar\alpha_t}\,\mathbb
    E[x_0|x_t]) / \sqrt{1-\bar\alpha_t}`. No network minimizes the loss further."""

    def __init__(self, ring: Ring, schedule: Schedule) -> None:
        super().__init__()
        self.steps = schedule.steps
        self.register_buffer("centres", torch.tensor(ring.centres(), dtype=torch.float64))
        self.register_buffer("alpha_bars", torch.tensor(schedule.alpha_bars, dtype=torch.float64))
        self.sd2 = ring.sd**2

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        xd = x.double()
        ab = self.alpha_bars[t][:, None]
        v = ab * self.sd2 + 1 - ab
        mean = ab.sqrt()[:, :, None] * self.centres[None]          # (n, k, 2)
        diff = xd[:, None, :] - mean
        w = torch.softmax(-(diff**2).sum(-1) / (2 * v), 1)          # posterior of k
        x0_k = self.centres[None] + (ab.sqrt() * self.sd2 / v)[:, :, None] * diff
        x0 = (w[:, :, None] * x0_k).sum(1)
        return ((xd - ab.sqrt() * x0) / (1 - ab).sqrt()).to(x.dtype)


@torch.no_grad()
def denoising_loss(model: nn.Module, x: ArrayLike, schedule: Schedule, draws: int = 8,
                   seed: int = 0) -> float:
    r"""Held-out value of the training loss: ``draws`` pairs :math:`(t, \epsilon)` per point,
    the same for every model given ``seed`` (so that models are compared on equal noise).
    ``model`` may be a :class:`Denoiser` or the exact :class:`RingDenoiser`."""
    positive_int(draws, "draws")
    data = torch.as_tensor(_points(x), dtype=torch.float32).repeat(draws, 1)
    gen = torch.Generator().manual_seed(seed)
    t = torch.randint(1, schedule.steps + 1, (len(data),), generator=gen)
    eps = torch.randn(data.shape, generator=gen)
    sqrt_ab, sqrt_1mab = _ab_tensors(schedule)
    return float(F.mse_loss(model(_noised(data, t, eps, sqrt_ab, sqrt_1mab), t), eps))


@torch.no_grad()
def sample_ddpm(model: nn.Module, n: int, schedule: Schedule, seed: int = 0) -> NDArray[np.float32]:
    r"""Ancestral sampling (Ho et al., Algorithm 2) with the posterior variance
    :math:`\tilde\beta_t`: returns the whole trajectory, an array ``(T+1, n, 2)`` whose entry
    ``[t]`` is :math:`x_t` (``[T]`` is the initial noise, ``[0]`` the samples)."""
    positive_int(n, "n")
    if model.steps != schedule.steps:
        raise ValueError(f"the model was built for {model.steps} steps, the schedule has "
                         f"{schedule.steps}")
    gen = torch.Generator().manual_seed(seed)
    betas = torch.tensor(schedule.betas, dtype=torch.float32)
    ab = torch.tensor(schedule.alpha_bars, dtype=torch.float32)
    sigma = torch.tensor(np.sqrt(schedule.posterior_variances()), dtype=torch.float32)
    x = torch.randn((n, 2), generator=gen)
    out = torch.empty((schedule.steps + 1, n, 2))
    out[schedule.steps] = x
    for t in range(schedule.steps, 0, -1):
        eps = model(x, torch.full((n,), t))
        x = (x - betas[t] / torch.sqrt(1 - ab[t]) * eps) / torch.sqrt(1 - betas[t])
        if t > 1:
            x = x + sigma[t] * torch.randn((n, 2), generator=gen)
        out[t - 1] = x
    return out.numpy()


# --- the autoregressive model --------------------------------------------------------------


class BinnedAR(nn.Module):
    r""":math:`p(x_1)\,p(x_2 | x_1)`, each a categorical over ``bins`` equal bins of
    ``[low, high)`` with a uniform density inside each bin; :math:`p(x_1)` is a free logit
    vector, :math:`p(x_2 | x_1)` an MLP of :math:`x_1`. Points outside the square have
    density zero."""

    def __init__(self, bins: int = 64, low: float = -3.0, high: float = 3.0, width: int = 64,
                 depth: int = 2) -> None:
        super().__init__()
        for value, name in ((bins, "bins"), (width, "width"), (depth, "depth")):
            positive_int(value, name)
        if not low < high:
            raise ValueError(f"need low < high, got {low}, {high}")
        self.bins, self.low, self.high = int(bins), float(low), float(high)
        self.bin_width = (self.high - self.low) / self.bins
        self.marginal_logits = nn.Parameter(torch.zeros(bins))
        self.conditional = mlp([1, *[width] * depth, bins], nn.SiLU)

    def _scaled(self, x1: torch.Tensor) -> torch.Tensor:
        return (2 * (x1 - self.low) / (self.high - self.low) - 1)[:, None]

    def bin_of(self, v: torch.Tensor) -> torch.Tensor:
        """Bin index of every value (clamped into ``0..bins-1``)."""
        idx = torch.floor((v - self.low) / self.bin_width).long()
        return idx.clamp(0, self.bins - 1)

    def conditional_log_probs(self, x1: torch.Tensor) -> torch.Tensor:
        r""":math:`\log P(\text{bin of } x_2 = k | x_1)`, shape ``(n, bins)``."""
        return F.log_softmax(self.conditional(self._scaled(x1)), -1)

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        r"""Exact :math:`\log p(x_1, x_2)` in nats (a density: each factor is a bin
        probability divided by the bin width)."""
        b1, b2 = self.bin_of(x[:, 0]), self.bin_of(x[:, 1])
        lp = (F.log_softmax(self.marginal_logits, -1)[b1]
              + self.conditional_log_probs(x[:, 0]).gather(1, b2[:, None])[:, 0]
              - 2 * math.log(self.bin_width))
        inside = ((x >= self.low) & (x < self.high)).all(1)
        return torch.where(inside, lp, torch.full_like(lp, -math.inf))

    @torch.no_grad()
    def sample(self, n: int, seed: int = 0) -> NDArray[np.float32]:
        """``n`` points: a bin of :math:`x_1`, a uniform point in it, then the same for
        :math:`x_2` given :math:`x_1`."""
        positive_int(n, "n")
        gen = torch.Generator().manual_seed(seed)
        b1 = torch.multinomial(F.softmax(self.marginal_logits, -1), n, replacement=True,
                               generator=gen)
        x1 = self.low + (b1 + torch.rand(n, generator=gen)) * self.bin_width
        b2 = torch.multinomial(self.conditional_log_probs(x1).exp(), 1, generator=gen)[:, 0]
        x2 = self.low + (b2 + torch.rand(n, generator=gen)) * self.bin_width
        return torch.stack([x1, x2], 1).numpy()


@torch.enable_grad()
def train_binned_ar(x: ArrayLike, bins: int = 64, low: float = -3.0, high: float = 3.0,
                    width: int = 64, depth: int = 2, steps: int = 600, lr: float = 1e-2,
                    seed: int = 0, progress: bool = True) -> tuple[BinnedAR, list[float]]:
    """Maximum likelihood (the mean negative log-likelihood in nats) by full-batch Adam."""
    pts = _points(x)
    if pts.min() < low or pts.max() >= high:
        raise ValueError(f"every training point must lie in [{low}, {high}), the model's range")
    positive_int(steps, "steps")
    data = torch.as_tensor(pts, dtype=torch.float32)
    torch.manual_seed(seed)
    model = BinnedAR(bins, low, high, width, depth)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in tqdm(range(steps), desc="autoregressive model", disable=not progress, leave=False):
        loss = -model.log_prob(data).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return model.eval(), losses


@torch.no_grad()
def ar_log_likelihood(model: BinnedAR, x: ArrayLike) -> NDArray[np.float64]:
    """Exact per-point log-likelihood (nats) under the autoregressive model."""
    return model.log_prob(torch.as_tensor(_points(x), dtype=torch.float32)).double().numpy()
