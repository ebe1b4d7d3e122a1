r"""Experiments of the chapter 'Latent-variable and generative models', one seed at a time.

Every claim of the chapter that rests on training or on random sampling is measured here by
a function ``experiment(seed) -> dict[str, float]``; the chapter calls the same functions
(or the cached functions under them, with the same arguments) for seed 0, and the
multi-seed tests (``tests/seeds/test_latent_variable_models.py``) run them for seeds 0..4 to
find out how much room each claim has.

Each experiment derives the seeds of its parts from one ``seed`` by :func:`sub_seed`
(``10_000 * seed + offset``), so seed 0 keeps the offsets the chapter always used. Torch
training runs inside :func:`unsup.seeds.torch_seeded`: bit-identical run after run on one
machine, and no global generator or thread count left changed.

Measured quantities are stated so that their rule has a fixed boundary: a claim that compares
two seed-dependent numbers is measured as their difference, ratio or z-score, so that the
spread over seeds of one number says how far the claim is from failing.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
from numpy.typing import NDArray
from scipy.linalg import subspace_angles

from .. import generative as gen
from .. import vae
from ..figures.vae import DIGITS_VAE, digits_vae
from ..seeds import torch_seeded
from ..sprites import digits

__all__ = [
    "AR_EPOCHS",
    "INFONCE_BATCH_SIZES",
    "IW_SAMPLES",
    "autoregressive",
    "autoregressive_run",
    "blur",
    "blur_run",
    "flow_1d_samples",
    "flow_samples",
    "gan",
    "gan_runs",
    "greyness",
    "infonce",
    "infonce_run",
    "iw_group_estimates",
    "linear_autoencoder",
    "linear_autoencoder_run",
    "quadratic_estimators",
    "quadratic_estimators_run",
    "sub_seed",
    "trained_vae",
    "vae_bounds",
    "vae_bounds_run",
    "vae_gradients",
    "vae_gradients_run",
    "vae_quadrature",
    "vae_quadrature_run",
    "z_score",
]

IW_SAMPLES: tuple[int, ...] = (1, 10, 100, 1000)
INFONCE_BATCH_SIZES: tuple[int, ...] = (2, 4, 16, 64, 256, 1024)
AR_EPOCHS = 30


def sub_seed(seed: int, offset: int) -> int:
    """The seed of one part of an experiment: ``10_000 * seed + offset`` (``0 <= offset < 10_000``).

    Seed 0 gives the offset itself, the seed the chapter used before it had several.
    """
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    if not 0 <= offset < 10_000:
        raise ValueError(f"offset must lie in [0, 10000), got {offset}")
    return 10_000 * int(seed) + int(offset)


def z_score(a: NDArray, b: NDArray | None = None) -> float:
    r"""How many standard errors separate the mean of ``a`` from that of ``b`` (or from 0).

    With independent samples :math:`(\bar a - \bar b) / \sqrt{s_a^2/n_a + s_b^2/n_b}`; the
    sample standard deviations use ``ddof = 1``.
    """
    a = np.asarray(a, float)
    if a.ndim != 1 or len(a) < 2:
        raise ValueError(f"a must be a 1-D array of at least 2 values, got shape {a.shape}")
    var = a.var(ddof=1) / len(a)
    diff = a.mean()
    if b is not None:
        b = np.asarray(b, float)
        if b.ndim != 1 or len(b) < 2:
            raise ValueError(f"b must be a 1-D array of at least 2 values, got shape {b.shape}")
        var += b.var(ddof=1) / len(b)
        diff -= b.mean()
    if not var > 0:
        raise ValueError("the standard error is zero: the samples are constant")
    return float(diff / math.sqrt(var))


# --- linear autoencoder = PCA -------------------------------------------------------------


@dataclass(frozen=True)
class LinearAutoencoderRun:
    """A linear autoencoder trained on the centred grey digits, with the PCA it should find."""

    enc: NDArray
    dec: NDArray
    losses: list[float]
    eigvals: NDArray
    top: NDArray
    centred: NDArray


@lru_cache(maxsize=8)
def linear_autoencoder_run(seed: int, rank: int = 5, steps: int = 1500, lr: float = 0.05,
                           lr_final: float = 1e-4) -> LinearAutoencoderRun:
    """Train ``E, D`` by full-batch Adam from a random start (``seed``) and diagonalize ``C``.

    The learning rate decays from ``lr`` to ``lr_final``: at the old constant rate 0.03 the
    last step's distance from PCA depended on the start (largest principal angle 0.0004
    degrees for seed 0 but 0.12 for seed 1, beyond the claims' tolerances).
    """
    grey = digits(binarize=False)
    centred = (grey.train - grey.train.mean(0)).astype(np.float64)
    with torch_seeded(seed):
        enc, dec, losses = gen.train_linear_autoencoder(centred, rank, steps=steps, lr=lr,
                                                        seed=seed, lr_final=lr_final)
    cov = centred.T @ centred / len(centred)
    eigvals, eigvecs = np.linalg.eigh(cov)
    eigvals, eigvecs = eigvals[::-1], eigvecs[:, ::-1]
    return LinearAutoencoderRun(enc, dec, losses, eigvals, eigvecs[:, :rank], centred)


def linear_autoencoder(seed: int) -> dict[str, float]:
    """The linear autoencoder's distance from PCA, for one random start.

    - ``max_angle_deg``: largest principal angle between span(D) and the top-5 eigenvectors;
    - ``max_projection_error``: :math:`\\max |DEx - Px|` over the data and pixels;
    - ``max_ed_minus_identity``: :math:`\\max |ED - I_5|`;
    - ``loss_over_discarded``: final loss / sum of the discarded eigenvalues (1 at the optimum).
    """
    run = linear_autoencoder_run(seed)
    rank = run.top.shape[1]
    angles = np.degrees(subspace_angles(run.dec, run.top))
    projector = run.top @ run.top.T
    return {
        "max_angle_deg": float(angles.max()),
        "max_projection_error": float(
            np.abs(run.centred @ (run.dec @ run.enc - projector).T).max()),
        "max_ed_minus_identity": float(np.abs(run.enc @ run.dec - np.eye(rank)).max()),
        "loss_over_discarded": float(run.losses[-1] / run.eigvals[rank:].sum()),
    }


# --- the digits VAE -----------------------------------------------------------------------


@lru_cache(maxsize=8)
def trained_vae(seed: int) -> tuple[vae.VAE, vae.History]:
    """The chapter's 2-D digits VAE (:data:`unsup.figures.vae.DIGITS_VAE`) trained with ``seed``."""
    return digits_vae(**{**DIGITS_VAE, "seed": int(seed)})


@dataclass(frozen=True)
class VAEBoundsRun:
    """Per-test-digit ELBO (64 samples) and importance-weighted estimates for each K."""

    elbo: NDArray
    iw: dict[int, NDArray]


def iw_group_estimates(log_w: torch.Tensor, ks: tuple[int, ...]) -> dict[int, NDArray]:
    r"""Estimates of :math:`\mathcal L_K` per example from ``N`` log weights ``(N, n)``.

    For each ``K`` (dividing ``N``) the weights are split into ``N / K`` disjoint groups of
    ``K``; each group gives :math:`\log \frac1K \sum_k w_k`, and the groups are averaged. Every
    group is an independent draw of the K-sample estimate, so the average estimates
    :math:`\mathcal L_K` with ``N / K`` times less variance than one group does.
    """
    n_total = log_w.shape[0]
    out = {}
    for k in ks:
        if not 1 <= k <= n_total or n_total % k:
            raise ValueError(f"every K must divide the number of weights {n_total}, got {k}")
        groups = log_w.double().reshape(n_total // k, k, -1)
        out[k] = (torch.logsumexp(groups, 1) - math.log(k)).mean(0).numpy()
    return out


@lru_cache(maxsize=8)
def vae_bounds_run(seed: int) -> VAEBoundsRun:
    """ELBO and IW estimates of the test digits under the VAE trained with ``seed``.

    The IW estimates for every K come from the same ``max(IW_SAMPLES)`` weights per digit,
    grouped by :func:`iw_group_estimates`.
    """
    model, _ = trained_vae(seed)
    x_test = digits().test
    elbo = vae.elbo(model, x_test, n_samples=64, seed=sub_seed(seed, 1))
    log_w = vae.log_weights(model, x_test, max(IW_SAMPLES), seed=sub_seed(seed, 2))
    return VAEBoundsRun(elbo, iw_group_estimates(log_w, IW_SAMPLES))


def vae_bounds(seed: int) -> dict[str, float]:
    """The ELBO / importance-weighting claims for one seed (training and sampling).

    - ``elbo_minus_iw1000``: mean test ELBO minus the mean IW estimate with K = 1000 (<= 0);
    - ``iw_min_rise``: smallest rise of the mean IW estimate between successive K (> 0);
    - ``iw1_vs_elbo_z``: (IW with K = 1 minus ELBO) in standard errors of the test ELBO;
    - ``vae_bpd``: -IW(K = 1000) / (64 ln 2), the VAE's bits per pixel (< 1).
    """
    run = vae_bounds_run(seed)
    means = np.array([run.iw[k].mean() for k in IW_SAMPLES])
    se_elbo = run.elbo.std(ddof=1) / math.sqrt(len(run.elbo))
    d = digits().test.shape[1]
    return {
        "elbo_minus_iw1000": float(run.elbo.mean() - run.iw[1000].mean()),
        "iw_min_rise": float(np.diff(means).min()),
        "iw1_vs_elbo_z": float((run.iw[1].mean() - run.elbo.mean()) / se_elbo),
        "vae_bpd": float(-run.iw[1000].mean() / (d * math.log(2))),
    }


@dataclass(frozen=True)
class VAEQuadratureRun:
    """Grid quadrature of the 2-D latent for the first test digits, and a Monte Carlo ELBO."""

    log_px: NDArray
    kl_q_post: NDArray
    q_mass: NDArray
    elbo_mc: NDArray
    iw1000: NDArray


@lru_cache(maxsize=8)
def vae_quadrature_run(seed: int, n_digits: int = 8, half_width: float = 7.0,
                       points: int = 281, elbo_samples: int = 20000) -> VAEQuadratureRun:
    r"""``log p(x)``, :math:`\mathrm{KL}(q_x \Vert p_x)` and the mass of ``q`` on a square grid.

    The integrals over :math:`z` are sums over a ``points x points`` grid on
    ``[-half_width, half_width]^2`` (float64); the Monte Carlo ELBO uses ``elbo_samples`` draws.
    """
    model, _ = trained_vae(seed)
    x_test = digits().test
    grid_1d = torch.linspace(-half_width, half_width, points, dtype=torch.float64)
    zz = torch.cartesian_prod(grid_1d, grid_1d)
    cell = float(grid_1d[1] - grid_1d[0]) ** 2
    x_few = torch.as_tensor(x_test[:n_digits])
    with torch.no_grad():
        log_lik = model.log_px_given_z(x_few, zz[:, None, :].float()).double()
        log_prior = -0.5 * (zz**2).sum(1) - math.log(2 * math.pi)
        log_joint = log_lik + log_prior[:, None]
        log_px = torch.logsumexp(log_joint, 0) + math.log(cell)
        log_post = log_joint - log_px
        mu_q, logvar_q = (t.double() for t in model.encode(x_few))
        log_q = vae.gaussian_log_density(zz[:, None, :], mu_q, logvar_q)
        kl_q_post = (log_q.exp() * (log_q - log_post)).sum(0) * cell
        q_mass = log_q.exp().sum(0) * cell
    elbo_mc = vae.elbo(model, x_test[:n_digits], n_samples=elbo_samples, seed=sub_seed(seed, 3))
    iw1000 = vae_bounds_run(seed).iw[1000][:n_digits]
    return VAEQuadratureRun(log_px.numpy(), kl_q_post.numpy(), q_mass.numpy(), elbo_mc, iw1000)


def vae_quadrature(seed: int) -> dict[str, float]:
    """The quadrature claims for one seed (worst case over the 8 test digits).

    - ``q_mass_error``: max |mass of q(z|x) on the grid - 1|;
    - ``identity_error``: max |log p(x) - (MC ELBO + KL(q_x || p_x))| in nats;
    - ``min_kl``: smallest KL(q_x || p_x) (>= 0);
    - ``iw1000_error``: max |IW estimate (K = 1000) - quadrature log p(x)| in nats.
    """
    run = vae_quadrature_run(seed)
    return {
        "q_mass_error": float(np.abs(run.q_mass - 1.0).max()),
        "identity_error": float(np.abs(run.log_px - (run.elbo_mc + run.kl_q_post)).max()),
        "min_kl": float(run.kl_q_post.min()),
        "iw1000_error": float(np.abs(run.iw1000 - run.log_px).max()),
    }


# --- gradient estimators ------------------------------------------------------------------


@lru_cache(maxsize=8)
def quadratic_estimators_run(seed: int, n_draws: int = 1_000_000, c: float = 3.0, mu: float = 1.0,
                             sd: float = 0.5) -> tuple[NDArray, NDArray]:
    r"""Reparametrization and score-function samples of :math:`\nabla_\mu \mathbb E (z - c)^2`."""
    return gen.gradient_estimators(lambda z: ((z - c) ** 2).sum(-1), mu, sd, n_draws,
                                   seed=sub_seed(seed, 4))


def quadratic_estimators(seed: int) -> dict[str, float]:
    """Both estimators on the quadratic (10^6 draws), where the gradient is 2(mu - c) = -4.

    - ``reparam_mean`` / ``score_mean``: the sample means of the two estimators;
    - ``variance_ratio``: variance of the score-function samples / reparametrization ones.
    """
    rep, score = quadratic_estimators_run(seed)
    return {
        "reparam_mean": float(rep.mean()),
        "score_mean": float(score.mean()),
        "variance_ratio": float(score.var() / rep.var()),
    }


@lru_cache(maxsize=8)
def vae_gradients_run(seed: int, n_draws: int = 20000) -> tuple[NDArray, NDArray]:
    r"""Both estimators for :math:`f(z) = \log p(x|z)` of the first test digit, at its encoder's
    :math:`\mu, \sigma`, under the VAE trained with ``seed``; arrays ``(n_draws, 2)``."""
    model, _ = trained_vae(seed)
    x_one = torch.as_tensor(digits().test[:1])
    with torch.no_grad():
        mu, logvar = (t.double().numpy()[0] for t in model.encode(x_one))
    decoder_loglik = lambda z: model.log_px_given_z(x_one, z.float()).double()
    return gen.gradient_estimators(decoder_loglik, mu, np.exp(0.5 * logvar), n_draws,
                                   seed=sub_seed(seed, 5))


def vae_gradients(seed: int) -> dict[str, float]:
    """Both estimators on the VAE's reconstruction term, worst of the two latent coordinates.

    - ``max_abs_z``: largest |mean difference| of the two estimators in standard errors;
    - ``min_variance_ratio``: smallest variance ratio score / reparametrization.
    """
    rep, score = vae_gradients_run(seed)
    zs = [abs(z_score(rep[:, j], score[:, j])) for j in range(rep.shape[1])]
    return {
        "max_abs_z": float(max(zs)),
        "min_variance_ratio": float((score.var(0) / rep.var(0)).min()),
    }


# --- blur: decoder means are inverted-posterior averages ----------------------------------


@dataclass(frozen=True)
class BlurRun:
    """Decoder means at prior codes, with the inverted-posterior averages and nearest digits."""

    z_prior: NDArray
    means: NDArray
    to_average: NDArray
    to_nearest: NDArray


def greyness(p: NDArray) -> float:
    """Mean of :math:`p(1 - p)` over pixels: 0 for black-and-white images, 1/4 at p = 1/2."""
    p = np.asarray(p, float)
    return float(np.mean(p * (1 - p)))


@lru_cache(maxsize=8)
def blur_run(seed: int, n_codes: int = 300) -> BlurRun:
    r"""Decode ``n_codes`` draws of :math:`z \sim \mathcal N(0, I)`; compare each decoder mean with
    :math:`\mathbb E_{q(x|z)} x` (training digits weighted by :math:`q(z|x)`) and with its
    nearest training digit, by the mean absolute difference per pixel."""
    model, _ = trained_vae(seed)
    train = digits().train
    z_prior = np.random.default_rng(sub_seed(seed, 16)).standard_normal((n_codes, 2))
    with torch.no_grad():
        means = model.decoder_mean(torch.as_tensor(z_prior, dtype=torch.float32)).double().numpy()
    mu_tr, logvar_tr = vae.encode_numpy(model, train)
    log_w = vae.gaussian_log_density(torch.tensor(z_prior)[:, None], torch.tensor(mu_tr)[None],
                                     torch.tensor(logvar_tr)[None]).numpy()
    weights = np.exp(log_w - log_w.max(1, keepdims=True))
    inverted_average = (weights / weights.sum(1, keepdims=True)) @ train
    to_average = np.abs(means - inverted_average).mean(1)
    to_nearest = np.abs(means[:, None] - train[None]).mean(2).min(1)
    return BlurRun(z_prior, means, to_average, to_nearest)


def blur(seed: int) -> dict[str, float]:
    """Blur claims for one seed (300 prior codes).

    - ``average_over_nearest``: mean distance to the inverted-posterior average / mean
      distance to the nearest training digit (< 1);
    - ``greyness``: mean p(1 - p) of the decoder means (> 0, the data's value).
    """
    run = blur_run(seed)
    return {
        "average_over_nearest": float(run.to_average.mean() / run.to_nearest.mean()),
        "greyness": greyness(run.means),
    }


# --- autoregressive model -----------------------------------------------------------------


@dataclass(frozen=True)
class AutoregressiveRun:
    """Test log-likelihoods of the fitted model and its mass on all 2^prefix prefixes."""

    logp_test: NDArray
    cond_test: NDArray
    prefix_mass: float


@lru_cache(maxsize=8)
def autoregressive_run(seed: int, epochs: int = AR_EPOCHS, prefix: int = 12) -> AutoregressiveRun:
    """Fit the fully visible sigmoid belief net to the binary training digits (``seed``).

    The model starts at zero weights and is fitted by full-batch Adam, so no step is random:
    every seed gives the same model, and its claims vary only with the processor's rounding.
    """
    data = digits()
    with torch_seeded(seed):
        model = gen.train_autoregressive(data.train, epochs=epochs, seed=seed)
    with torch.no_grad():
        x_test = torch.as_tensor(data.test)
        logp = model.log_prob(x_test).double().numpy()
        cond = model.conditional_log_probs(x_test).double().numpy()
        prefixes = torch.tensor(list(itertools.product([0.0, 1.0], repeat=prefix)))
        padded = torch.cat([prefixes, torch.zeros(len(prefixes), data.test.shape[1] - prefix)], 1)
        mass = model.conditional_log_probs(padded)[:, :prefix].sum(1).double().exp().sum()
    return AutoregressiveRun(logp, cond, float(mass))


def autoregressive(seed: int) -> dict[str, float]:
    """The metric claims on the autoregressive model.

    - ``prefix_mass``: total probability of all 2^12 prefixes (1);
    - ``ppl_over_2_bpd``: perplexity / 2^bpd (1);
    - ``log_ppl_over_nll_per_dim``: log perplexity / (NLL / d) (1);
    - ``slides_over_nll_per_dim``: (-log E g(x) / d) / (NLL / d) (< 1, Jensen);
    - ``ar_bpd``: bits per pixel on the test digits (< 1).
    """
    run = autoregressive_run(seed)
    d = run.cond_test.shape[1]
    nll = -run.logp_test.mean()
    bpd = nll / (d * math.log(2))
    ppl = math.exp(-run.cond_test.sum(1).mean() / d)
    slides = -math.log(np.mean(np.exp(run.logp_test))) / d
    return {
        "prefix_mass": run.prefix_mass,
        "ppl_over_2_bpd": float(ppl / 2**bpd),
        "log_ppl_over_nll_per_dim": float(math.log(ppl) / (nll / d)),
        "slides_over_nll_per_dim": float(slides / (nll / d)),
        "ar_bpd": float(bpd),
    }


# --- flows --------------------------------------------------------------------------------


def flow_samples(seed: int, n: int = 2_000_000, a: float = 0.7, b: float = 0.4) -> dict[str, float]:
    r"""Samples of :math:`x = \sinh(au + b)` and the coupling flow's log-determinant.

    - ``below_one_rate``: the fraction of the ``n`` samples at or below x = 1 (to compare
      with :math:`P(f(u) \le 1) = \Phi(f^{-1}(1))`);
    - ``max_logdet_error``: max |autograd log|det J| - sum of log-scales| at 200 random points.
    """
    samples = flow_1d_samples(seed, n, a, b)
    u = torch.randn(200, 2, dtype=torch.float64,
                    generator=torch.Generator().manual_seed(sub_seed(seed, 6)))
    jac = torch.stack([torch.autograd.functional.jacobian(lambda v: gen.coupling_flow(v)[0], v)
                       for v in u])
    _, log_det = gen.coupling_flow(u)
    return {
        "below_one_rate": float(np.mean(samples <= 1.0)),
        "max_logdet_error": float((log_det - torch.linalg.slogdet(jac)[1]).abs().max()),
    }


def flow_1d_samples(seed: int, n: int = 2_000_000, a: float = 0.7, b: float = 0.4) -> NDArray:
    r"""``n`` samples of :math:`\sinh(au + b)`, :math:`u \sim \mathcal N(0, 1)`."""
    return np.sinh(a * np.random.default_rng(sub_seed(seed, 25)).standard_normal(n) + b)


# --- InfoNCE ------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def infonce_run(seed: int, rho: float = 0.9, dim: int = 3,
                pairs: int = 8192) -> tuple[NDArray, NDArray]:
    """InfoNCE estimates for each K in :data:`INFONCE_BATCH_SIZES` (about ``pairs`` pairs,
    at least 4 batches each): the optimal critic's and the bilinear critic's."""
    opt, bilinear = [], []
    for k in INFONCE_BATCH_SIZES:
        batches = max(4, pairs // k)
        xb, yb = gen.correlated_gaussians(batches * k, dim, rho, seed=sub_seed(seed, k))
        xb, yb = xb.reshape(batches, k, dim), yb.reshape(batches, k, dim)
        opt.append(gen.infonce_bound(gen.gaussian_critic(xb, yb, rho)))
        bilinear.append(gen.infonce_bound(rho / (1 - rho**2) * xb @ yb.transpose(0, 2, 1)))
    return np.array(opt), np.array(bilinear)


def infonce(seed: int, rho: float = 0.9, dim: int = 3) -> dict[str, float]:
    """The InfoNCE claims for one seed.

    - ``max_over_log_k``: largest InfoNCE estimate minus log K (<= 0);
    - ``max_over_mi``: largest estimate minus I(X;Y) (<= 0.05, the Monte Carlo allowance);
    - ``k2_gap``: estimate at K = 2 minus log 2;
    - ``k1024_gap``: estimate at K = 1024 minus I(X;Y);
    - ``min_opt_minus_bilinear``: smallest (optimal - bilinear) over K (>= 0).
    """
    opt, bilinear = infonce_run(seed, rho, dim)
    ks = np.array(INFONCE_BATCH_SIZES)
    true_mi = -dim / 2 * math.log(1 - rho**2)
    return {
        "max_over_log_k": float((opt - np.log(ks)).max()),
        "max_over_mi": float((opt - true_mi).max()),
        "k2_gap": float(opt[0] - math.log(2)),
        "k1024_gap": float(opt[-1] - true_mi),
        "min_opt_minus_bilinear": float((opt - bilinear).min()),
    }


# --- GAN as an IPM ------------------------------------------------------------------------

CRITICS: tuple[str, ...] = ("linear", "quadratic", "lipschitz")


@lru_cache(maxsize=8)
def gan_runs(seed: int, steps: int = 400, n_real: int = 4000, lr: float = 0.05,
             lr_final: float = 0.002) -> dict[str, tuple[float, float, list[float]]]:
    """Data N(2, 0.5^2) and a generator trained against each critic class (``seed``).

    The learning rate decays from ``lr`` to ``lr_final``: with fresh fake samples at every
    step, Adam's steps stay of size about ``lr`` near the optimum, and at the old constant
    0.05 the final spread wandered over seeds (0.42 to 0.50 for the quadratic critic).
    """
    real = np.random.default_rng(sub_seed(seed, 31)).normal(2.0, 0.5, n_real)
    return {name: gen.ipm_gan(real, name, steps=steps, lr=lr, seed=sub_seed(seed, 7),
                              lr_final=lr_final)
            for name in CRITICS}


def gan(seed: int) -> dict[str, float]:
    """The fitted generators N(b, a^2), for one seed.

    - ``max_mean_error``: max over critic classes of |b - 2|;
    - ``linear_spread_gap``: ||a| - 0.5| with linear critics;
    - ``quadratic_spread``, ``lipschitz_spread``: |a| with those critics.
    """
    runs = gan_runs(seed)
    return {
        "max_mean_error": float(max(abs(runs[k][1] - 2.0) for k in CRITICS)),
        "linear_spread_gap": float(abs(abs(runs["linear"][0]) - 0.5)),
        "quadratic_spread": float(abs(runs["quadratic"][0])),
        "lipschitz_spread": float(abs(runs["lipschitz"][0])),
    }
