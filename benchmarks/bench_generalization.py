"""Speed of unsup.generalization: the digits network step, GD vs the pseudo-inverse, NFL counts."""

from __future__ import annotations

import time

import numpy as np
import torch
from timing import best_time

from unsup import generalization as gen
from unsup.sprites import digits


def run(table) -> None:
    torch.set_num_threads(1)
    data = digits(binarize=False)
    rows = []
    # warm up torch's kernels, so the first timed run is not charged for them
    gen.fit_until_interpolation(data.train, data.train_labels, data.test, data.test_labels,
                                max_epochs=5)
    start = time.perf_counter()
    real = gen.fit_until_interpolation(data.train, data.train_labels, data.test, data.test_labels)
    seconds = time.perf_counter() - start
    rows.append(["64-256-10 net, real labels, to zero training error",
                 f"{seconds:.2f}", f"{real.epochs_to_fit} epochs, "
                 f"{1e3 * seconds / max(real.epochs_to_fit, 1):.1f} ms/epoch"])
    labels = gen.corrupt_labels(data.train_labels, 1.0, seed=1)
    start = time.perf_counter()
    rand = gen.fit_until_interpolation(data.train, labels, data.test, data.test_labels)
    seconds = time.perf_counter() - start
    rows.append(["64-256-10 net, random labels, to zero training error",
                 f"{seconds:.2f}", f"{rand.epochs_to_fit} epochs, "
                 f"{1e3 * seconds / max(rand.epochs_to_fit, 1):.1f} ms/epoch"])

    problem = gen.interpolation_problem()
    phi, y = problem.phi_train, problem.y_train
    gd = best_time(lambda: gen.gradient_descent(phi, y, steps=5000), repeat=3)
    pinv = best_time(lambda: gen.min_norm_solution(phi, y), repeat=20)
    lstsq = best_time(lambda: np.linalg.lstsq(phi, y, rcond=None), repeat=20)
    gap = np.linalg.norm(gen.gradient_descent(phi, y, steps=5000).weights
                         - np.linalg.lstsq(phi, y, rcond=None)[0])
    rows.append(["gradient descent, 5,000 steps (10 x 200 features)", f"{gd:.3f}",
                 f"distance to numpy lstsq {gap:.1e}"])
    rows.append(["pseudo-inverse solution (ours) / numpy lstsq", f"{pinv:.5f}",
                 f"lstsq {lstsq:.5f} s"])

    tables = gen.all_truth_tables(4)
    idx = np.arange(6)
    nfl = best_time(lambda: gen.off_training_set_accuracy(gen.find_s, tables, 4, idx), repeat=3)
    rows.append(["Find-S on all 65,536 functions of 4 bits (off-training-set count)",
                 f"{nfl:.3f}", ""])
    table("Generalization: memorization, interpolants, no-free-lunch counts (1 core)",
          ["operation", "seconds", "note"], rows)
