"""Unit tests of unsup.chapters.implicit_differentiation (the chapter's helpers)."""

import numpy as np
import pytest
import torch

from unsup.chapters import implicit_differentiation as ch
from unsup.dynamics import hypergrad as hg
from unsup.figures.implicit_differentiation import ridge_problem, ridge_truth


def test_ridge_truth_is_the_weights_behind_the_problem():
    w = ridge_truth(3)
    assert np.count_nonzero(w) == 5 and np.all(w[5:] == 0)
    p = ridge_problem(3)
    residual = p.y.numpy() - p.x.numpy() @ w   # the noise has standard deviation 0.5
    assert 0.3 < residual.std() < 0.7
    # the true weights fit the validation set far better than zero weights
    assert p.val_loss(torch.tensor(w)).item() < 0.5 * p.val_loss(torch.zeros(20, dtype=torch.float64)).item()


@pytest.mark.parametrize("start", [(0.3, -1.2), (2.0, 0.5), (-0.4, -0.4)])
def test_flat_hypergradient_prediction_matches_unrolling(start):
    s = torch.tensor(start, dtype=torch.float64)
    lam = torch.tensor([ch.FLAT_LAM], dtype=torch.float64)
    g, _ = hg.unrolled_hypergradient(ch.flat_train, ch.flat_val, s, lam, 0.3, 200)
    assert g.item() == pytest.approx(ch.flat_hypergradient_prediction(s), rel=1e-9, abs=1e-12)


def test_flat_prediction_depends_on_the_flat_coordinate_only():
    a = ch.flat_hypergradient_prediction(torch.tensor([1.0, 0.0]))
    b = ch.flat_hypergradient_prediction(torch.tensor([2.0, 1.0]))   # same s0 - s1
    c = ch.flat_hypergradient_prediction(torch.tensor([0.0, 1.0]))
    assert a == b and a != c


def test_flat_valley_seed_zero_uses_generators_0_and_1():
    r = ch.flat_valley_run(0)
    for s, start in zip((0, 1), r.starts):
        assert torch.equal(start, torch.randn(2, generator=torch.Generator().manual_seed(s),
                                              dtype=torch.float64))


def test_distillation_leaves_torch_settings_alone():
    threads = torch.get_num_threads()
    ch.distillation_run.cache_clear()
    ch.distillation_run(0, steps=3)
    assert torch.get_num_threads() == threads
    assert not torch.are_deterministic_algorithms_enabled()


def test_distillation_run_is_repeatable():
    a = ch.distillation_run.__wrapped__(1, steps=5)
    b = ch.distillation_run.__wrapped__(1, steps=5)
    assert torch.equal(a.distilled, b.distilled) and a.losses == b.losses
    assert a.losses[-1] < a.losses[0]
