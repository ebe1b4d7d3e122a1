"""Measurements of the chapter 'Self-supervised learning: representations, generation, scale'.

Each function ``something(seed)`` runs one of the chapter's experiments (the cached
experiments of :mod:`unsup.figures.selfsupervised`, with the chapter's arguments) for one
seed and returns the measured quantity of each of its claims, keyed by name. The notebook
checks these very numbers for seed :data:`SEED`; the multi-seed tests
(``tests/seeds/test_self_supervised_learning.py``) run them for several seeds and check that
every claim holds for each seed with room to spare.

Where a claim compares a model with a reference that is itself sampled (the single
Gaussian, another model), the quantity is the ratio or difference to that reference, so that
both sides move with the seed together. A ratio of two noisy MMD² values is compared on a
log scale, where its spread over seeds is symmetric.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.spatial.distance import cdist

from .. import diffusion as dif
from .. import selfsupervised as ss
from ..figures.selfsupervised import (
    BANDWIDTH,
    CONTRASTIVE_BATCH,
    WIDTHS,
    DiffusionFamily,
    GenerativeComparison,
    InterpolationResult,
    LabelBudgetResult,
    diffusion_family,
    generative_comparison,
    interpolation_experiment,
    label_budget_experiment,
    ring_data,
)

__all__ = [
    "CHAINS",
    "CHAIN_STEPS",
    "SEED",
    "contrastive",
    "contrastive_quantities",
    "forward_chain_rows",
    "forward_chains",
    "generation",
    "generation_quantities",
    "interpolation",
    "interpolation_quantities",
    "last_epoch_full_batches",
    "mmd_null_sd",
    "noise_floor",
    "scale",
    "scale_fits",
    "scale_quantities",
]

#: The seed whose run the chapter shows.
SEED = 0
#: Number of chains of one-step noisings, and the steps at which they are compared.
CHAINS = 20_000
CHAIN_STEPS = (10, 30, 100)
#: Starting point of the chains.
CHAIN_START = (2.0, 0.0)


# --- representations ------------------------------------------------------------------------


def last_epoch_full_batches(losses: list[float], n: int, batch_size: int = CONTRASTIVE_BATCH) -> list[float]:
    """The losses of the last epoch's full batches (of ``batch_size`` images; an epoch over
    ``n`` images ends with a smaller batch when ``batch_size`` does not divide ``n``).

    A smaller batch has fewer candidates per view, so its InfoNCE loss is lower for that
    reason alone (chance level is log of the batch size); comparing full batches with full
    batches keeps the loss's fall a measure of what training did.
    """
    if n <= 0 or batch_size <= 0:
        raise ValueError(f"n and batch_size must be positive, got {n} and {batch_size}")
    per_epoch = math.ceil(n / batch_size)
    full = n // batch_size
    if full == 0:
        raise ValueError(f"no full batch of {batch_size} in an epoch of {n} images")
    if len(losses) < per_epoch or len(losses) % per_epoch:
        raise ValueError(f"{len(losses)} losses are not whole epochs of {per_epoch} steps")
    return list(losses[-per_epoch:][:full])


def contrastive_quantities(result: LabelBudgetResult, n_train: int) -> dict[str, float]:
    """The contrastive section's measured quantities, from one run of the label budget.

    - ``infonce_first``: InfoNCE loss (nats) of the untrained encoder, first training step;
    - ``infonce_drop``: that first loss minus the mean loss of the last epoch's full batches;
    - ``probe_10``: test accuracy of the linear probe with 10 labels (mean over the draws);
    - ``probe_minus_scratch_10``: probe minus network from scratch, 10 labels;
    - ``scratch_minus_probe_all``: network from scratch minus probe, all labels.
    """
    probe, scratch = result.probe.mean(1), result.scratch.mean(1)
    return {
        "infonce_first": float(result.losses[0]),
        "infonce_drop": float(result.losses[0]
                              - np.mean(last_epoch_full_batches(result.losses, n_train))),
        "probe_10": float(probe[0]),
        "probe_minus_scratch_10": float(probe[0] - scratch[0]),
        "scratch_minus_probe_all": float(scratch[-1] - probe[-1]),
    }


def contrastive(seed: int) -> dict[str, float]:
    """Contrastive training and the label budget for one seed: see
    :func:`contrastive_quantities`."""
    from ..sprites import digits

    return contrastive_quantities(label_budget_experiment(seed=seed),
                                  len(digits(binarize=False).train))


# --- the forward process, by Monte Carlo ---------------------------------------------------


def forward_chain_rows(seed: int) -> list[tuple[int, float, float, float, float,
                                                 np.ndarray, np.ndarray]]:
    r""":data:`CHAINS` chains of one-step noisings from :data:`CHAIN_START`, compared at each
    step in :data:`CHAIN_STEPS` with the closed form :math:`q(x_t | x_0)`.

    One row per step: ``(t, closed-form mean of x_1, chains' mean of x_1, closed-form
    variance, chains' variance (mean over both coordinates), z-scores of the two coordinates'
    sample means, z-scores of their sample variances)``. A z-score is the difference from the
    closed form in standard errors: :math:`\sqrt{v/n}` for a mean, :math:`v\sqrt{2/(n-1)}` for
    the variance of a Gaussian sample. Chain seeds are ``t + 1000 * seed``.
    """
    sch = ring_data().schedule
    x0 = np.array(CHAIN_START)
    rows = []
    for t in CHAIN_STEPS:
        xt = dif.noise_iteratively(np.tile(x0, (CHAINS, 1)), t, sch, seed=t + 1000 * seed)
        mean_coef, var = dif.forward_closed_form(sch, t)
        n = len(xt)
        z_mean = (xt.mean(0) - mean_coef * x0) / np.sqrt(var / n)
        z_var = (xt.var(0, ddof=1) - var) / (var * np.sqrt(2 / (n - 1)))
        rows.append((t, mean_coef * x0[0], float(xt[:, 0].mean()), var,
                     float(xt.var(0, ddof=1).mean()), z_mean, z_var))
    return rows


def forward_chains(seed: int) -> dict[str, float]:
    """The largest |z-score| over steps and coordinates of the chains' sample means
    (``chains_z_mean``) and sample variances (``chains_z_var``); see
    :func:`forward_chain_rows`."""
    rows = forward_chain_rows(seed)
    return {"chains_z_mean": float(max(np.abs(r[5]).max() for r in rows)),
            "chains_z_var": float(max(np.abs(r[6]).max() for r in rows))}


# --- generation: DDPM against the autoregressive model --------------------------------------


def mmd_null_sd(x: ArrayLike, y: ArrayLike, bandwidth: float) -> float:
    r"""Standard deviation of the unbiased MMD² of two samples of size :math:`n` from one
    distribution, estimated from one such pair ``x``, ``y`` (both ``(n, d)``).

    Under the null the unbiased MMD² is a degenerate U-statistic,
    :math:`\frac{1}{n(n-1)}\sum_{i \ne j} h_{ij}` with :math:`h_{ij} = k(x_i,x_j) + k(y_i,y_j)
    - k(x_i,y_j) - k(x_j,y_i)`, whose variance is :math:`\frac{2}{n(n-1)}\,\mathbb E h^2`
    to leading order (Gretton et al. 2012); :math:`\mathbb E h^2` is estimated by the mean of
    :math:`h_{ij}^2` over the :math:`n(n-1)` pairs. Gaussian kernel of width ``bandwidth``,
    as in :func:`unsup.divergences.mmd`.
    """
    x_arr, y_arr = np.asarray(x, float), np.asarray(y, float)
    if x_arr.ndim != 2 or x_arr.shape != y_arr.shape or len(x_arr) < 2:
        raise ValueError(f"x and y must be (n, d) with the same shape and n >= 2, got "
                         f"{x_arr.shape} and {y_arr.shape}")
    if not bandwidth > 0:
        raise ValueError(f"bandwidth must be positive, got {bandwidth}")
    n = len(x_arr)

    def gram(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.exp(-cdist(a, b, "sqeuclidean") / (2.0 * bandwidth**2))

    kxy = gram(x_arr, y_arr)
    h = gram(x_arr, x_arr) + gram(y_arr, y_arr) - kxy - kxy.T
    np.fill_diagonal(h, 0.0)
    return float(np.sqrt(2.0 / (n * (n - 1)) * (h**2).sum() / (n * (n - 1))))


@functools.lru_cache(maxsize=1)
def noise_floor() -> float:
    """The MMD² noise floor at the chapter's sample size: three standard deviations of the
    MMD² between two samples of the true distribution (:func:`mmd_null_sd` of the two
    held-out samples). A model's |MMD²| below it cannot be told from sampling noise."""
    data = ring_data()
    return 3.0 * mmd_null_sd(data.test, data.test2, BANDWIDTH)


def generation_quantities(comp: GenerativeComparison) -> dict[str, float]:
    """The generation section's quantities, from one comparison.

    - ``ddpm_mmd_over_gaussian``, ``ar_mmd_over_gaussian``: MMD² over the single Gaussian's;
    - ``ddpm_minus_ar_mmd_over_floor``: the DDPM's MMD² minus the autoregressive model's, in
      units of the :func:`noise_floor`;
    - ``ar_abs_mmd_over_floor``: the autoregressive model's |MMD²| over the noise floor;
    - ``log10_ddpm_mmd_over_floor``: log10 of the DDPM's MMD² over the noise floor;
    - ``exact_mmd_over_ddpm``: MMD² of the same sampler with the exact denoiser over the
      trained DDPM's;
    - ``ar_loglik_minus_best``, ``ar_loglik_minus_gaussian``: held-out log-likelihood of the
      autoregressive model (nats per point) minus the best model with the same bins, and
      minus the Gaussian's.
    """
    floor = noise_floor()
    m, ll = comp.mmd, comp.loglik
    return {
        "ddpm_mmd_over_gaussian": float(m["DDPM"] / m["Gaussian"]),
        "ar_mmd_over_gaussian": float(m["autoregressive"] / m["Gaussian"]),
        "ddpm_minus_ar_mmd_over_floor": float((m["DDPM"] - m["autoregressive"]) / floor),
        "ar_abs_mmd_over_floor": float(abs(m["autoregressive"]) / floor),
        "log10_ddpm_mmd_over_floor": float(np.log10(m["DDPM"] / floor)),
        "exact_mmd_over_ddpm": float(m["DDPM, exact denoiser"] / m["DDPM"]),
        "ar_loglik_minus_best": float(ll["autoregressive model"]
                                      - ll["best 48-bin autoregressive model"]),
        "ar_loglik_minus_gaussian": float(ll["autoregressive model"] - ll["Gaussian"]),
    }


def generation(seed: int) -> dict[str, float]:
    """The DDPM, the autoregressive model and the Gaussian for one seed: see
    :func:`generation_quantities`."""
    return generation_quantities(generative_comparison(seed=seed))


# --- scale: seven denoisers --------------------------------------------------------------------


def scale_fits(family: DiffusionFamily) -> tuple[ss.PowerLawFit, ss.PowerLawFit]:
    """The power law fitted to the held-out losses of widths 4-128, and to all seven."""
    return (ss.fit_power_law(family.n_params[1:], family.heldout[1:]),
            ss.fit_power_law(family.n_params, family.heldout))


def scale_quantities(family: DiffusionFamily, comp: GenerativeComparison) -> dict[str, float]:
    """The scale section's quantities, from one family of denoisers.

    - ``alpha``: the exponent of the power law fitted to widths 4-128;
    - ``width2_over_extrapolation``: width 2's held-out loss over that fit's value at its
      size (shown with its spread, not claimed: on some seeds width 2 stalls on a plateau);
    - ``widest_over_exact``: the widest denoiser's held-out loss over the exact denoiser's
      (same noise draws), minus 1;
    - ``width2_mmd_over_gaussian``: width 2's MMD² over the single Gaussian's;
    - ``worst_mmd_over_gaussian_from_width8``: the largest such ratio from width 8 on;
    - ``loss_ratio_32_128``: width 32's held-out loss over width 128's;
    - ``log10_mmd_ratio_32_128``: log10 of width 32's MMD² over width 128's.
    """
    fit, _ = scale_fits(family)
    gauss = comp.mmd["Gaussian"]
    i32, i128 = WIDTHS.index(32), WIDTHS.index(128)
    return {
        "alpha": float(fit.alpha),
        "width2_over_extrapolation": float(family.heldout[0] / fit(family.n_params[0])),
        "widest_over_exact": float(family.heldout[-1] / family.bayes_loss - 1.0),
        "width2_mmd_over_gaussian": float(family.mmd[0] / gauss),
        "worst_mmd_over_gaussian_from_width8": float((family.mmd[2:] / gauss).max()),
        "loss_ratio_32_128": float(family.heldout[i32] / family.heldout[i128]),
        "log10_mmd_ratio_32_128": float(np.log10(family.mmd[i32] / family.mmd[i128])),
    }


def scale(seed: int) -> dict[str, float]:
    """The seven denoisers for one seed: see :func:`scale_quantities`."""
    return scale_quantities(diffusion_family(seed=seed), generative_comparison(seed=seed))


# --- interpolation in a VAE's latent space -----------------------------------------------------


def interpolation_quantities(result: InterpolationResult) -> dict[str, float]:
    """The interpolation section's quantities, means over the random pairs, at the midpoint
    of the path (and at its ends):

    - ``midpoint_gap``: distance of the decoded midpoint to the nearer decoded end, over the
      distance between the decoded ends;
    - ``nearest_latent_minus_pixel``: distance to the nearest training image, latent path
      minus pixel path;
    - ``rise_latent_minus_pixel``: the same distance at the midpoint over its mean at the
      ends, latent minus pixel;
    - ``third_class_mid_minus_ends``: share of decoded images the classifier assigns to
      neither end's class, midpoint minus ends;
    - ``third_class_latent_minus_pixel``: that share at the midpoint, latent minus pixel.
    """
    study = result.study
    mid = len(study.lam) // 2
    gap = np.minimum(study.to_start[:, mid], study.to_end[:, mid]) / study.to_end[:, 0]
    rise_latent = study.nearest[:, mid].mean() / study.nearest[:, [0, -1]].mean()
    rise_pixel = study.nearest_pixel[:, mid].mean() / study.nearest_pixel[:, [0, -1]].mean()
    return {
        "midpoint_gap": float(gap.mean()),
        "nearest_latent_minus_pixel": float(study.nearest[:, mid].mean()
                                            - study.nearest_pixel[:, mid].mean()),
        "rise_latent_minus_pixel": float(rise_latent - rise_pixel),
        "third_class_mid_minus_ends": float(study.other[:, mid].mean()
                                            - study.other[:, [0, -1]].mean()),
        "third_class_latent_minus_pixel": float(study.other[:, mid].mean()
                                                - study.other_pixel[:, mid].mean()),
    }


def interpolation(seed: int) -> dict[str, float]:
    """The VAE interpolation study for one seed: see :func:`interpolation_quantities`."""
    return interpolation_quantities(interpolation_experiment(seed=seed))
