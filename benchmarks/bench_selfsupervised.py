"""Self-supervised chapter: cost of each piece of its generative and scale experiments."""

from __future__ import annotations

import numpy as np
import torch
from timing import best_time

from unsup import diffusion as dif
from unsup.divergences import mmd
from unsup.selfsupervised import fit_power_law


def run(table) -> None:
    torch.set_num_threads(1)
    train, test = dif.RING.sample(5000, seed=0), dif.RING.sample(2000, seed=1)
    sch = dif.linear_schedule()
    dif.train_ddpm(train, sch, width=2, steps=5, progress=False)  # warm up torch.optim
    rows = []
    for width in (2, 32, 128):
        seconds = best_time(lambda: dif.train_ddpm(train, sch, width=width, steps=200,
                                                   lr=5e-3, batch_size=512, progress=False), 2)
        rows.append([f"DDPM training step, width {width}, batch 512", f"{seconds / 200 * 1e3:.2f} ms"])
    model, _ = dif.train_ddpm(train, sch, width=128, steps=10, progress=False)
    rows.append(["DDPM sampling, 2000 points x 100 steps, width 128",
                 f"{best_time(lambda: dif.sample_ddpm(model, 2000, sch), 2):.2f} s"])
    rows.append(["held-out denoising loss, 2000 points x 16 draws, width 128",
                 f"{best_time(lambda: dif.denoising_loss(model, test, sch, draws=16), 2):.2f} s"])
    exact = dif.RingDenoiser(dif.RING, sch)
    rows.append(["exact denoiser sampling, 2000 points x 100 steps",
                 f"{best_time(lambda: dif.sample_ddpm(exact, 2000, sch), 2):.2f} s"])
    rows.append(["autoregressive model, 400 full-batch steps on 5000 points",
                 f"{best_time(lambda: dif.train_binned_ar(train, bins=48, width=32, steps=400, progress=False), 2):.2f} s"])
    rows.append(["MMD², 2000 x 2000 points in 2-D",
                 f"{best_time(lambda: mmd(train[:2000], test, 0.2), 3):.3f} s"])
    n = np.geomspace(50, 20_000, 7)
    loss = 0.25 + (30 / n) ** 0.6
    rows.append(["power-law fit (curve_fit), 7 points",
                 f"{best_time(lambda: fit_power_law(n, loss), 5) * 1e3:.1f} ms"])
    table("Self-supervised chapter: diffusion, autoregressive model, MMD, power law (1 thread)",
          ["operation", "time"], rows)
