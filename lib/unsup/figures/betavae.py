"""Explorer of the chapter 'beta-VAE as InfoMax': a sweep of beta-VAEs on the sprites.

Every model of the sweep is trained once per seed, on first use, inside
:func:`unsup.seeds.torch_seeded` (bit-for-bit repeatable on one machine), and cached; moving a
control only re-draws from the cached models and their cached measurements. The explorer
shows the seed-0 sweep; :mod:`unsup.chapters.beta_vae_infomax` measures the chapter's claims
for any seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import torch
from matplotlib.figure import Figure

from .. import vae
from ..interactive import Choice, Slider, explorer
from ..plotting import label, new_figure
from ..seeds import torch_seeded
from ..sprites import FACTOR_NAMES, sprites

BETAS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
SWEEP = {"latent_dim": 6, "hidden": (64,), "epochs": 30, "batch_size": 32, "lr": 3e-3, "seed": 0}


@cache
def sprites_betavae(beta: float, latent_dim: int = 6, hidden: tuple[int, ...] = (64,),
                    epochs: int = 30, batch_size: int = 32, lr: float = 3e-3,
                    seed: int = 0) -> tuple[vae.VAE, vae.History]:
    """A beta-VAE on the full sprites grid, trained once per hyperparameters and seed.

    Training runs inside :func:`unsup.seeds.torch_seeded` (seeded global generator, one
    thread, deterministic algorithms, all restored afterwards), so the same arguments give
    the same model bit for bit on one machine, whatever ran before.
    """
    with torch_seeded(seed):
        return vae.train_vae(sprites().images, latent_dim, beta=beta, hidden=hidden,
                             epochs=epochs, batch_size=batch_size, lr=lr, seed=seed,
                             progress=False)


@dataclass(frozen=True)
class SweepPoint:
    """Measurements of one trained beta-VAE on the sprites (nats per image)."""

    beta: float
    recon: float
    kl: float
    mutual_info: float
    mutual_info_se: float
    aggregate_kl: float
    aggregate_kl_se: float
    mig: float
    mi_matrix: np.ndarray  # I(z_j; v_k), latent j by factor k


@cache
def measure(beta: float, seed: int = 0) -> SweepPoint:
    """Reconstruction and KL (16-sample ELBO terms), I(X; Z), KL(q(z) || p(z)) and MIG.

    ``seed`` is the training seed of the model (the sweep's hyperparameters otherwise); the
    Monte Carlo draws of the estimators use fixed seeds of their own.
    """
    model, _ = sprites_betavae(beta, **(SWEEP | {"seed": seed}))
    data = sprites()
    x = torch.as_tensor(data.images)
    with torch.no_grad():
        recon, kl = vae.elbo_terms(model, x, 16, torch.Generator().manual_seed(1))
    info = vae.info_terms(model, data.images, n_samples=8, seed=2)
    mu, _ = vae.encode_numpy(model, data.images)
    return SweepPoint(beta, float(recon.mean()), float(kl.mean()), info.mutual_info,
                      info.mutual_info_se, info.aggregate_kl, info.aggregate_kl_se,
                      vae.mig(mu, data.factors),
                      vae.mutual_information_matrix(mu, data.factors))


@cache
def sweep_points(seed: int = 0) -> dict[float, SweepPoint]:
    """Measurements of every model of the sweep for one seed (trains them on first use)."""
    return {beta: measure(beta, seed) for beta in BETAS}


@cache
def _reference_code(beta: float) -> np.ndarray:
    """The encoder mean of a mid-sized square in the middle of the canvas."""
    model, _ = sprites_betavae(beta, **SWEEP)
    data = sprites()
    index = np.flatnonzero((data.factors == [0, 1, 3, 3]).all(1))[0]
    return vae.encode_numpy(model, data.images[index:index + 1])[0][0]


@torch.no_grad()
def traversal_images(beta: float, span: float, steps: int = 7) -> np.ndarray:
    """Decoder means along each latent axis through the reference code: (latent, step, h, w)."""
    model, _ = sprites_betavae(beta, **SWEEP)
    ref = _reference_code(beta)
    offsets = np.linspace(-span, span, steps)
    codes = np.repeat(ref[None, None], model.latent_dim, 0).repeat(steps, 1)
    for j in range(model.latent_dim):
        codes[j, :, j] = ref[j] + offsets
    out = model.decoder_mean(torch.as_tensor(codes, dtype=torch.float32)).numpy()
    size = sprites().size
    return out.reshape(model.latent_dim, steps, size, size)


@explorer(
    "betavae_traversal",
    caption="Pick a trained beta-VAE from the sweep: each row moves one latent coordinate of a "
            "reference sprite (left); the right panel shows how much each latent tells about "
            "each true factor.",
    beta=Choice(tuple(f"{b:g}" for b in BETAS), "4", label="β"),
    span=Slider(2.0, 0.5, 3.0, 0.1, label="traversal ± span"),
)
def betavae_traversal(beta: str, span: float) -> Figure:
    b = float(beta)
    sweep = sweep_points()
    point = sweep[b]
    best = max(sweep.values(), key=lambda p: p.mig)
    images = traversal_images(b, span)
    rows, steps, h, w = images.shape
    mosaic = np.ones((rows * (h + 1), steps * (w + 1)))
    for j in range(rows):
        for t in range(steps):
            mosaic[j * (h + 1):j * (h + 1) + h, t * (w + 1):t * (w + 1) + w] = 1 - images[j, t]
    fig = new_figure(ncols=2, width=7.5, height=3.8)
    left, right = fig.axes
    left.imshow(mosaic, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    left.set_yticks(np.arange(rows) * (h + 1) + h / 2, [f"z{j + 1}" for j in range(rows)])
    left.set_xticks([w / 2, (steps - 0.5) * (w + 1) - 1], [f"−{span:.1f}", f"+{span:.1f}"])
    left.grid(False)
    label(left, "offset along the latent axis", "latent coordinate",
          f"β = {b:g}: recon {point.recon:.1f}, KL {point.kl:.2f} nats")
    right.imshow(point.mi_matrix, cmap="viridis", vmin=0, vmax=1.5, aspect="auto",
                 interpolation="nearest")
    right.set_xticks(range(len(FACTOR_NAMES)), FACTOR_NAMES)
    right.set_yticks(range(rows), [f"z{j + 1}" for j in range(rows)])
    right.grid(False)
    label(right, "true factor", "latent coordinate",
          f"I(z_j; v_k): MIG {point.mig:.2f}, best {best.mig:.2f} (β = {best.beta:g})")
    return fig
