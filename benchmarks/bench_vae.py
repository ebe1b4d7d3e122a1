"""Digits VAE: training throughput and held-out ELBO / importance-weighted log-likelihood."""

from __future__ import annotations

import time

import torch

from unsup import vae
from unsup.figures.vae import DIGITS_VAE
from unsup.sprites import digits


def run(table) -> None:
    torch.set_num_threads(1)
    data = digits()
    rows = []
    for latent_dim in (2, 8):
        config = DIGITS_VAE | {"latent_dim": latent_dim}
        start = time.perf_counter()
        model, history = vae.train_vae(data.train, progress=False, **config)
        seconds = time.perf_counter() - start
        throughput = len(data.train) * config["epochs"] / seconds
        test_elbo = vae.elbo(model, data.test, n_samples=64).mean()
        test_iw = vae.iw_log_likelihood(model, data.test, 1000).mean()
        rows.append([str(latent_dim), str(config["epochs"]), f"{seconds:.1f}", f"{throughput:,.0f}",
                     f"{history.elbo[-1]:.2f}", f"{test_elbo:.2f}", f"{test_iw:.2f}"])
    table("Digits VAE (binarized 8x8, Bernoulli decoder, hidden 64, 1 thread)",
          ["latent dim", "epochs", "train s", "samples / s", "train ELBO", "test ELBO",
           "test log p(x), IW K=1000"], rows)
