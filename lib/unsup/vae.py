r"""Variational autoencoders and beta-VAEs (torch), with the estimators the book checks.

Model: prior :math:`p(z) = \mathcal N(0, I_r)`, Gaussian encoder
:math:`q(z|x) = \mathcal N(\mu(x), \operatorname{diag}\sigma^2(x))`, and a Bernoulli
decoder :math:`p(x|z) = \prod_i \mathrm{Bern}(x_i; \pi_i(z))` or a Gaussian one
:math:`\mathcal N(x; m(z), s^2 I)` with a fixed scale :math:`s`. Training minimizes the
beta-weighted negative ELBO

.. math:: \mathcal L_\beta(x) = -\mathbb E_{q(z|x)} \log p(x|z) + \beta\,
          \mathrm{KL}(q(z|x) \,\Vert\, p(z)),

with one reparametrized sample :math:`z = \mu + \sigma \odot \epsilon`; ``beta = 1`` is the VAE.

Evaluation: the ELBO, the importance-weighted estimate of :math:`\log p(x)`, the aggregate
posterior :math:`q(z) = \frac1N \sum_n q(z|x_n)`, the mutual information :math:`I(X; Z)`
under :math:`q(z|x)\,p_{\mathcal D}(x)` and the mutual information gap (MIG) against known
factors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch
from numpy.typing import ArrayLike, NDArray
from torch import nn

from ._nets import mlp

LIKELIHOODS = ("bernoulli", "gaussian")
LOG_2PI = math.log(2 * math.pi)


# --- validation ---------------------------------------------------------------------------


def _check_latent_dim(latent_dim: int) -> None:
    if not isinstance(latent_dim, (int, np.integer)) or latent_dim < 1:
        raise ValueError(f"latent_dim must be an integer >= 1, got {latent_dim!r}")


def _check_beta(beta: float) -> None:
    if not (np.isfinite(beta) and beta >= 0):
        raise ValueError(f"beta must be a finite number >= 0, got {beta}")


def as_data(x: ArrayLike | torch.Tensor, input_dim: int | None = None, name: str = "x",
            dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Check that ``x`` is a finite ``(n, input_dim)`` batch and return it as a tensor."""
    t = torch.as_tensor(np.asarray(x) if not isinstance(x, torch.Tensor) else x).to(dtype)
    if t.ndim != 2 or t.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array (n, input_dim), "
                         f"got shape {tuple(t.shape)}")
    if input_dim is not None and t.shape[1] != input_dim:
        raise ValueError(f"{name} must have {input_dim} columns (the model's input_dim), "
                         f"got {t.shape[1]}")
    if not torch.isfinite(t).all():
        raise ValueError(f"{name} must contain only finite values (found NaN or inf)")
    return t


# --- the model ----------------------------------------------------------------------------


class VAE(nn.Module):
    """Gaussian encoder, Bernoulli or Gaussian decoder, standard normal prior.

    ``hidden`` lists the hidden widths of the encoder (the decoder mirrors them); an empty
    tuple gives linear maps. ``decoder_scale`` is :math:`s` of the Gaussian decoder.
    """

    def __init__(self, input_dim: int, latent_dim: int, hidden: tuple[int, ...] = (64,),
                 likelihood: str = "bernoulli", decoder_scale: float = 0.1) -> None:
        super().__init__()
        if not isinstance(input_dim, (int, np.integer)) or input_dim < 1:
            raise ValueError(f"input_dim must be an integer >= 1, got {input_dim!r}")
        _check_latent_dim(latent_dim)
        if likelihood not in LIKELIHOODS:
            raise ValueError(f"likelihood must be one of {LIKELIHOODS}, got {likelihood!r}")
        if not decoder_scale > 0:
            raise ValueError(f"decoder_scale must be > 0, got {decoder_scale}")
        self.input_dim, self.latent_dim = int(input_dim), int(latent_dim)
        self.likelihood, self.decoder_scale = likelihood, float(decoder_scale)
        self.encoder = mlp([input_dim, *hidden, 2 * latent_dim], nn.Tanh)
        self.decoder = mlp([latent_dim, *reversed(hidden), input_dim], nn.Tanh)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean and log-variance of :math:`q(z|x)`, each ``(n, latent_dim)``."""
        mu, logvar = self.encoder(x).chunk(2, dim=-1)
        return mu, logvar.clamp(-12.0, 8.0)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Bernoulli logits or Gaussian means of :math:`p(x|z)`."""
        return self.decoder(z)

    def decoder_mean(self, z: torch.Tensor) -> torch.Tensor:
        """:math:`\\mathbb E[x | z]`: the probabilities (Bernoulli) or the means (Gaussian)."""
        out = self.decode(z)
        return torch.sigmoid(out) if self.likelihood == "bernoulli" else out

    def log_px_given_z(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """:math:`\\log p(x|z)` summed over pixels; ``z`` may carry leading sample axes."""
        out = self.decode(z)
        if self.likelihood == "bernoulli":
            out, target = torch.broadcast_tensors(out, x)
            return -nn.functional.binary_cross_entropy_with_logits(
                out, target, reduction="none").sum(-1)
        s = self.decoder_scale
        return (-0.5 * ((x - out) / s) ** 2 - math.log(s) - 0.5 * LOG_2PI).sum(-1)


def gaussian_log_density(z: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    r""":math:`\log \mathcal N(z; \mu, \operatorname{diag} e^{\text{logvar}})`,
    summed over the last axis."""
    return (-0.5 * ((z - mu) ** 2 / logvar.exp() + logvar + LOG_2PI)).sum(-1)


def kl_to_standard_normal(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    r""":math:`\mathrm{KL}(\mathcal N(\mu, \sigma^2) \Vert \mathcal N(0, I))
    = \tfrac12 \sum_j (\mu_j^2 + \sigma_j^2 - 1 - \log \sigma_j^2)`."""
    return 0.5 * (mu**2 + logvar.exp() - 1.0 - logvar).sum(-1)


def reparametrize(mu: torch.Tensor, logvar: torch.Tensor, n_samples: int | None = None,
                  generator: torch.Generator | None = None) -> torch.Tensor:
    r""":math:`z = \mu + \sigma \odot \epsilon`, :math:`\epsilon \sim \mathcal N(0, I)`
    (a leading axis of ``n_samples`` if given)."""
    shape = mu.shape if n_samples is None else (n_samples, *mu.shape)
    eps = torch.randn(shape, generator=generator, dtype=mu.dtype)
    return mu + (0.5 * logvar).exp() * eps


def elbo_terms(model: VAE, x: torch.Tensor, n_samples: int = 1,
               generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-example reconstruction term :math:`\\mathbb E_q \\log p(x|z)` (Monte Carlo over
    ``n_samples``) and the closed-form :math:`\\mathrm{KL}(q(z|x) \\Vert p(z))`."""
    mu, logvar = model.encode(x)
    z = reparametrize(mu, logvar, n_samples, generator)
    return model.log_px_given_z(x, z).mean(0), kl_to_standard_normal(mu, logvar)


# --- training -----------------------------------------------------------------------------


@dataclass
class History:
    """Per-epoch training averages (nats per example): reconstruction, KL and ELBO."""

    recon: list[float] = field(default_factory=list)
    kl: list[float] = field(default_factory=list)
    elbo: list[float] = field(default_factory=list)


@torch.enable_grad()
def train_vae(x: ArrayLike, latent_dim: int, beta: float = 1.0, hidden: tuple[int, ...] = (64,),
              likelihood: str = "bernoulli", decoder_scale: float = 0.1, epochs: int = 30,
              batch_size: int = 64, lr: float = 3e-3, seed: int = 0,
              progress: bool = True) -> tuple[VAE, History]:
    r"""Fit a (beta-)VAE with Adam on minibatches, minimizing :math:`\mathcal L_\beta`.

    Deterministic on CPU for a given ``seed`` (initialization, shuffling and noise all
    come from it). Returns the model (in eval mode) and the per-epoch :class:`History`.
    """
    from .progress import tqdm

    _check_beta(beta)
    _check_latent_dim(latent_dim)
    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    data = as_data(x)
    if likelihood == "bernoulli" and ((data < 0) | (data > 1)).any():
        raise ValueError("x must lie in [0, 1] for a Bernoulli decoder")
    torch.manual_seed(seed)
    model = VAE(data.shape[1], latent_dim, hidden, likelihood, decoder_scale)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    history = History()
    for _ in tqdm(range(epochs), desc=f"VAE (beta={beta:g})", disable=not progress, leave=False):
        order = torch.randperm(len(data), generator=gen)
        sums = np.zeros(2)
        for start in range(0, len(data), batch_size):
            batch = data[order[start:start + batch_size]]
            recon, kl = elbo_terms(model, batch, generator=gen)
            loss = (-recon + beta * kl).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            sums += [recon.sum().item(), kl.sum().item()]
        recon_avg, kl_avg = sums / len(data)
        history.recon.append(float(recon_avg))
        history.kl.append(float(kl_avg))
        history.elbo.append(float(recon_avg - kl_avg))
    model.eval()
    return model, history


# --- evaluation ---------------------------------------------------------------------------


def _model_data(model: VAE, x: ArrayLike) -> torch.Tensor:
    dtype = next(model.parameters()).dtype
    return as_data(x, model.input_dim, dtype=dtype)


def _check_samples(n_samples: int) -> None:
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"n_samples must be an integer >= 1, got {n_samples!r}")


@torch.no_grad()
def elbo(model: VAE, x: ArrayLike, n_samples: int = 16, seed: int = 0) -> NDArray[np.float64]:
    r"""Per-example :math:`\mathrm{ELBO}(x) = \mathbb E_{q(z|x)} \log p(x|z)
    - \mathrm{KL}(q(z|x)\Vert p(z))`."""
    _check_samples(n_samples)
    data = _model_data(model, x)
    recon, kl = elbo_terms(model, data, n_samples, torch.Generator().manual_seed(seed))
    return (recon - kl).double().numpy()


@torch.no_grad()
def log_weights(model: VAE, x: ArrayLike, n_samples: int, seed: int = 0) -> torch.Tensor:
    r"""Importance weights :math:`\log p(x|z_k) + \log p(z_k) - \log q(z_k|x)`,
    :math:`z_k \sim q(z|x)`, shape ``(n_samples, n)``."""
    _check_samples(n_samples)
    data = _model_data(model, x)
    mu, logvar = model.encode(data)
    z = reparametrize(mu, logvar, n_samples, torch.Generator().manual_seed(seed))
    log_prior = gaussian_log_density(z, torch.zeros_like(z), torch.zeros_like(z))
    return model.log_px_given_z(data, z) + log_prior - gaussian_log_density(z, mu, logvar)


def iw_log_likelihood(model: VAE, x: ArrayLike, n_samples: int = 256,
                      seed: int = 0) -> NDArray[np.float64]:
    r"""Importance-weighted estimate :math:`\log \frac1K \sum_k w_k` of :math:`\log p(x)`.

    Its expectation is a lower bound that rises with :math:`K` to :math:`\log p(x)`
    (Burda et al., 2016); :math:`K = 1` is the ELBO.
    """
    lw = log_weights(model, x, n_samples, seed).double()
    return (torch.logsumexp(lw, 0) - math.log(n_samples)).numpy()


@torch.no_grad()
def encode_numpy(model: VAE, x: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Mean and log-variance of :math:`q(z|x)` as float64 arrays."""
    mu, logvar = model.encode(_model_data(model, x))
    return mu.double().numpy(), logvar.double().numpy()


def _log_q_pairs(z: NDArray, mu: NDArray, logvar: NDArray, chunk: int = 256) -> NDArray:
    """``out[s, m] = log q(z_s | x_m)`` for points ``z (S, r)`` and encodings ``(N, r)``."""
    rows = []
    inv_var = np.exp(-logvar)
    const = -0.5 * (logvar.sum(1) + mu.shape[1] * LOG_2PI)
    for start in range(0, len(z), chunk):
        block = z[start:start + chunk, None, :]
        rows.append(const - 0.5 * (((block - mu) ** 2) * inv_var).sum(-1))
    return np.concatenate(rows)


def log_aggregate_posterior(z: ArrayLike, mu: ArrayLike, logvar: ArrayLike) -> NDArray[np.float64]:
    r""":math:`\log q(z) = \log \frac1N \sum_{n=1}^N q(z | x_n)` (a log-mean-exp over encodings)."""
    from scipy.special import logsumexp

    z, mu, logvar = (np.atleast_2d(np.asarray(a, float)) for a in (z, mu, logvar))
    if mu.shape != logvar.shape or z.shape[1] != mu.shape[1]:
        raise ValueError(f"z, mu and logvar must share the latent axis, got shapes "
                         f"{z.shape}, {mu.shape}, {logvar.shape}")
    return logsumexp(_log_q_pairs(z, mu, logvar), axis=1) - np.log(len(mu))


@dataclass(frozen=True)
class InfoTerms:
    r"""Aggregate-posterior quantities (nats) with Monte Carlo standard errors.

    ``mutual_info`` is :math:`I(X;Z)` with :math:`X` uniform on the data set (so at most
    :math:`\log N`), ``aggregate_kl`` is :math:`\mathrm{KL}(q(z)\Vert p(z))` and
    ``mean_kl`` is :math:`\mathbb E_x \mathrm{KL}(q(z|x)\Vert p(z))` (closed form).
    """

    mutual_info: float
    mutual_info_se: float
    aggregate_kl: float
    aggregate_kl_se: float
    mean_kl: float


def info_terms(model: VAE, x: ArrayLike, n_samples: int = 8, seed: int = 0) -> InfoTerms:
    r"""Estimate :math:`I(X;Z)`, :math:`\mathrm{KL}(q(z)\Vert p(z))` and
    :math:`\mathbb E_x \mathrm{KL}(q(z|x)\Vert p(z))` on the data set ``x``.

    :math:`I(X;Z) = \mathbb E_{x}\mathbb E_{q(z|x)} [\log q(z|x) - \log q(z)]` and
    :math:`\mathrm{KL}(q(z)\Vert p(z)) = \mathbb E_{q(z)} [\log q(z) - \log p(z)]` use two
    independent sets of ``n_samples`` draws per example, so the identity
    :math:`\mathrm{KL}(q(z)\Vert p(z)) = -I(X;Z) + \mathbb E_x \mathrm{KL}(q(z|x)\Vert p(z))`
    is a test of the estimators, not an algebraic tautology.
    """
    _check_samples(n_samples)
    mu, logvar = encode_numpy(model, x)
    rng = np.random.default_rng(seed)
    n, r = mu.shape
    sd = np.exp(0.5 * logvar)

    z = (mu + sd * rng.standard_normal((n_samples, n, r))).reshape(-1, r)
    log_q_cond = _log_q_pairs(z, mu, logvar)
    owner = np.tile(np.arange(n), n_samples)
    mi_terms = log_q_cond[np.arange(len(z)), owner] - log_aggregate_posterior(z, mu, logvar)

    z2 = (mu + sd * rng.standard_normal((n_samples, n, r))).reshape(-1, r)
    log_prior = -0.5 * (z2**2).sum(1) - 0.5 * r * LOG_2PI
    kl_terms = log_aggregate_posterior(z2, mu, logvar) - log_prior
    mean_kl = float(kl_to_standard_normal(torch.from_numpy(mu), torch.from_numpy(logvar)).mean())

    def se(terms: NDArray) -> float:  # samples of one example are independent given x
        return float(terms.reshape(n_samples, n).mean(0).std(ddof=1) / np.sqrt(n))

    return InfoTerms(float(mi_terms.mean()), se(mi_terms), float(kl_terms.mean()), se(kl_terms),
                     mean_kl)


# --- disentanglement ----------------------------------------------------------------------


def discrete_mutual_information(a: ArrayLike, b: ArrayLike) -> float:
    r""":math:`I(A;B) = \sum_{a,b} \hat p(a,b) \log \frac{\hat p(a,b)}{\hat p(a)\hat p(b)}` of
    two integer label arrays (plug-in estimate, nats)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim != 1 or a.shape != b.shape or a.size == 0:
        raise ValueError(f"a and b must be non-empty 1-D arrays of equal length, got shapes "
                         f"{a.shape} and {b.shape}")
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    joint = np.zeros((ai.max() + 1, bi.max() + 1))
    np.add.at(joint, (ai, bi), 1.0)
    joint /= joint.sum()
    outer = joint.sum(1, keepdims=True) * joint.sum(0, keepdims=True)
    nz = joint > 0
    return float(np.sum(joint[nz] * np.log(joint[nz] / outer[nz])))


def discretize(codes: ArrayLike, n_bins: int = 20) -> NDArray[np.int64]:
    """Each column of ``codes (n, r)`` cut into ``n_bins`` equal-width bins."""
    codes = np.asarray(codes, float)
    if codes.ndim != 2:
        raise ValueError(f"codes must be a 2-D array (n, latent_dim), got shape {codes.shape}")
    if n_bins < 2:
        raise ValueError(f"n_bins must be >= 2, got {n_bins}")
    out = np.empty(codes.shape, np.int64)
    for j, col in enumerate(codes.T):
        edges = np.linspace(col.min(), col.max(), n_bins + 1)[1:-1]
        out[:, j] = np.digitize(col, edges)
    return out


def mutual_information_matrix(codes: ArrayLike, factors: ArrayLike,
                              n_bins: int = 20) -> NDArray[np.float64]:
    """``M[j, k]`` = plug-in :math:`I(z_j; v_k)` between binned code ``j`` and factor ``k``."""
    codes, factors = np.asarray(codes, float), np.asarray(factors)
    if factors.ndim != 2 or len(factors) != len(codes):
        raise ValueError(f"factors must be a 2-D array with one row per code, got shape "
                         f"{factors.shape} for {len(codes)} codes")
    binned = discretize(codes, n_bins)
    return np.array([[discrete_mutual_information(binned[:, j], factors[:, k])
                      for k in range(factors.shape[1])] for j in range(binned.shape[1])])


def mig(codes: ArrayLike, factors: ArrayLike, n_bins: int = 20) -> float:
    r"""Mutual information gap (Chen et al., 2018):
    :math:`\frac1K \sum_k \frac{I(z_{j_k}; v_k) - \max_{j \ne j_k} I(z_j; v_k)}{H(v_k)}`,
    where :math:`j_k` is the code most informative about factor :math:`k`. In [0, 1]."""
    m = mutual_information_matrix(codes, factors, n_bins)
    if m.shape[0] < 2:
        raise ValueError("mig needs at least two latent codes")
    factors = np.asarray(factors)
    entropy = np.array([discrete_mutual_information(f, f) for f in factors.T])
    top2 = np.sort(m, axis=0)[-2:]
    return float(np.mean((top2[1] - top2[0]) / entropy))
