"""Explorers of the chapter 'Latent-variable and generative models'."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
from matplotlib.figure import Figure

from .. import vae
from ..generative import soft_attention, vector_quantize
from ..interactive import Slider, explorer
from ..plotting import PALETTE, label, new_figure
from ..seeds import torch_seeded
from ..sprites import digits

DIGITS_VAE = {"latent_dim": 2, "hidden": (64,), "epochs": 60, "batch_size": 64, "lr": 3e-3,
              "seed": 0}


@lru_cache(maxsize=4)
def digits_vae(latent_dim: int = 2, hidden: tuple[int, ...] = (64,), epochs: int = 60,
               batch_size: int = 64, lr: float = 3e-3,
               seed: int = 0) -> tuple[vae.VAE, vae.History]:
    """A VAE with a Bernoulli decoder on binarized digits, trained once per hyperparameters.

    Training runs inside :func:`unsup.seeds.torch_seeded`: repeatable bit for bit on one
    machine, and torch's global generator and thread count are left as they were.
    """
    with torch_seeded(seed):
        return vae.train_vae(digits().train, latent_dim, hidden=hidden, epochs=epochs,
                             batch_size=batch_size, lr=lr, seed=seed, progress=False)


@lru_cache(maxsize=1)
def _test_encodings() -> tuple[np.ndarray, np.ndarray]:
    model, _ = digits_vae(**DIGITS_VAE)
    data = digits()
    mu, _ = vae.encode_numpy(model, data.test)
    return mu, data.test_labels


@torch.no_grad()
def decode_grid(z: np.ndarray) -> np.ndarray:
    """Decoder means of the default digits VAE at latent points ``(n, 2)`` as 8x8 images."""
    model, _ = digits_vae(**DIGITS_VAE)
    return model.decoder_mean(torch.as_tensor(z, dtype=torch.float32)).numpy().reshape(-1, 8, 8)


@explorer(
    "vae_latent_traversal",
    caption="Move through the 2-D latent space of a VAE trained on binarized digits: the "
            "decoder's pixel probabilities at z (right), and where test digits encode (left).",
    z1=Slider(0.0, -3.0, 3.0, 0.1, label="z₁"),
    z2=Slider(0.0, -3.0, 3.0, 0.1, label="z₂"),
)
def vae_latent_traversal(z1: float, z2: float) -> Figure:
    mu, labels = _test_encodings()
    fig = new_figure(ncols=2, width=7.0, height=3.4)
    left, right = fig.axes
    left.scatter(mu[:, 0], mu[:, 1], c=labels, cmap="tab10", s=6, vmin=0, vmax=9)
    left.plot([z1], [z2], "x", color="k", ms=12, mew=2.5)
    left.set_xlim(-3.2, 3.2)
    left.set_ylim(-3.2, 3.2)
    label(left, "z₁", "z₂", "encoder means of test digits (colour = label)")
    image = decode_grid(np.array([[z1, z2]]))[0]
    right.imshow(image, cmap="gray_r", vmin=0, vmax=1)
    right.set_xticks([])
    right.set_yticks([])
    label(right, "pixel column", "pixel row", f"decoder mean at z = ({z1:.1f}, {z2:.1f})")
    return fig


CODEBOOK = np.array([[np.cos(t), np.sin(t)] for t in np.linspace(0, 2 * np.pi, 7)[:-1]])
CODEBOOK = CODEBOOK * np.array([1.0, 1.3, 0.8, 1.1, 0.9, 1.2])[:, None]


@explorer(
    "soft_attention_temperature",
    caption="Soft attention over six codewords: the weights softmax(<w, v_i>/T) and their "
            "average. As the temperature T falls, the average snaps to the argmax codeword.",
    log10_temperature=Slider(0.0, -2.0, 1.0, 0.05, label="log₁₀ T"),
    query_angle=Slider(0.4, 0.0, 6.28, 0.02, label="query angle"),
)
def soft_attention_temperature(log10_temperature: float, query_angle: float) -> Figure:
    w = 1.5 * np.array([np.cos(query_angle), np.sin(query_angle)])
    alpha, mix = soft_attention(w, CODEBOOK, 10.0**log10_temperature)
    hard = vector_quantize(w, CODEBOOK)
    fig = new_figure(ncols=2, width=7.0, height=3.4)
    left, right = fig.axes
    left.scatter(CODEBOOK[:, 0], CODEBOOK[:, 1], s=30 + 300 * alpha, color=PALETTE[0])
    left.plot([0, w[0]], [0, w[1]], color="k", lw=1.2)
    left.plot([hard[0]], [hard[1]], "s", mfc="none", ms=14, color=PALETTE[1])
    left.plot([mix[0]], [mix[1]], "*", ms=14, color=PALETTE[2])
    left.set_xlim(-1.8, 1.8)
    left.set_ylim(-1.8, 1.8)
    left.set_aspect("equal")
    left.set_xticks([-1.5, 0.0, 1.5])  # fixed ticks: locating them is much of an update's time
    left.set_yticks([-1.5, 0.0, 1.5])
    label(left, "coordinate 1", "coordinate 2", "line: query; square: argmax; star: soft")
    right.plot(np.arange(1, 7), alpha, "o-")
    right.set_ylim(-0.05, 1.05)
    right.set_xticks(range(1, 7))
    right.set_yticks([0.0, 0.5, 1.0])
    distance = np.linalg.norm(mix - hard)
    label(right, "codeword i", "weight αᵢ",
          f"T = {10.0**log10_temperature:.3g}, distance to argmax = {distance:.3f}")
    return fig
