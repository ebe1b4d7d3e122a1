"""Unit tests of the chapter module :mod:`unsup.chapters.self_supervised_learning` (the
trained experiments themselves are run over seeds by tests/seeds)."""

import math

import numpy as np
import pytest
import torch

from unsup.chapters import self_supervised_learning as ch
from unsup.divergences import mmd
from unsup.figures.selfsupervised import BANDWIDTH, LabelBudgetResult, cached, ring_data


def test_last_epoch_full_batches_drops_the_short_batch():
    # two epochs of 10 images in batches of 4: steps of 4, 4, 2 images each
    losses = [9.0, 8.0, 7.0, 6.0, 5.0, 1.0]
    assert ch.last_epoch_full_batches(losses, n=10, batch_size=4) == [6.0, 5.0]
    assert ch.last_epoch_full_batches([3.0, 2.0], n=8, batch_size=4) == [3.0, 2.0]
    with pytest.raises(ValueError, match="whole epochs"):
        ch.last_epoch_full_batches(losses[:-1], n=10, batch_size=4)
    with pytest.raises(ValueError, match="no full batch"):
        ch.last_epoch_full_batches([1.0], n=3, batch_size=4)
    with pytest.raises(ValueError, match="positive"):
        ch.last_epoch_full_batches(losses, n=0, batch_size=4)


def test_contrastive_quantities_read_the_right_entries():
    probe = np.array([[0.4, 0.5, 0.6], [0.7, 0.7, 0.7], [0.8, 0.8, 0.8], [0.90, 0.90, 0.90]])
    scratch = np.array([[0.5, 0.5, 0.5], [0.6, 0.6, 0.6], [0.8, 0.8, 0.8], [0.95, 0.95, 0.95]])
    # an epoch of 2 * 256 + 100 images: two full batches and one of 100
    losses = [5.5, 4.0, 4.0, 3.0, 3.5, 1.0]
    q = ch.contrastive_quantities(LabelBudgetResult(losses, probe, scratch), n_train=2 * 256 + 100)
    assert q["infonce_first"] == 5.5
    assert q["infonce_drop"] == pytest.approx(5.5 - 3.25)   # the batch of 100 is left out
    assert q["probe_10"] == pytest.approx(0.5)
    assert q["probe_minus_scratch_10"] == pytest.approx(0.0)
    assert q["scratch_minus_probe_all"] == pytest.approx(0.05)


def test_mmd_null_sd_matches_the_spread_of_mmd_between_samples_of_one_distribution():
    rng = np.random.default_rng(0)
    n, h = 150, 0.5
    values = [mmd(rng.standard_normal((n, 2)), rng.standard_normal((n, 2)), h) for _ in range(400)]
    empirical = np.std(values, ddof=1)          # relative standard error about 4%
    estimates = [ch.mmd_null_sd(rng.standard_normal((n, 2)), rng.standard_normal((n, 2)), h)
                 for _ in range(5)]
    assert np.ptp(estimates) < 0.1 * np.mean(estimates)   # one pair already pins it down
    assert abs(np.mean(estimates) / empirical - 1) < 0.15
    # identical samples: every h_ij is k(x_i,x_j) + k(x_i,x_j) - k(x_i,x_j) - k(x_j,x_i) = 0
    x = rng.standard_normal((20, 2))
    assert ch.mmd_null_sd(x, x, h) == 0.0


@pytest.mark.parametrize("x, y, bandwidth, message", [
    (np.zeros((5, 2)), np.zeros((4, 2)), 0.2, "same shape"),
    (np.zeros(5), np.zeros(5), 0.2, "same shape"),
    (np.zeros((1, 2)), np.zeros((1, 2)), 0.2, "n >= 2"),
    (np.zeros((5, 2)), np.zeros((5, 2)), 0.0, "bandwidth must be positive"),
])
def test_mmd_null_sd_validation(x, y, bandwidth, message):
    with pytest.raises(ValueError, match=message):
        ch.mmd_null_sd(x, y, bandwidth)


def test_noise_floor_is_three_null_sds_of_the_held_out_pair():
    data = ring_data()
    assert ch.noise_floor() == 3 * ch.mmd_null_sd(data.test, data.test2, BANDWIDTH)
    # and the held-out pair's own MMD² lies within it
    assert abs(mmd(data.test, data.test2, BANDWIDTH)) < ch.noise_floor()


def test_forward_chains_are_seeded_and_agree_with_the_closed_form():
    a, b = ch.forward_chain_rows(0), ch.forward_chain_rows(0)
    assert [r[0] for r in a] == list(ch.CHAIN_STEPS)
    for ra, rb in zip(a, b):
        assert ra[:5] == rb[:5] and np.array_equal(ra[5], rb[5]) and np.array_equal(ra[6], rb[6])
        t, mean_closed, mean_mc, var_closed, var_mc, z_mean, z_var = ra
        assert z_mean.shape == z_var.shape == (2,)
        assert mean_mc == pytest.approx(mean_closed, abs=6 * math.sqrt(var_closed / ch.CHAINS))
        assert var_mc == pytest.approx(var_closed, rel=0.05)
    other = ch.forward_chains(1)
    assert other != ch.forward_chains(0)
    assert set(other) == {"chains_z_mean", "chains_z_var"}


def test_cached_experiments_run_seeded_and_leave_no_global_change():
    @cached
    def draw(seed: int = 0, progress: bool = False):
        return torch.rand(3), torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()

    expected = _seeded_rand(7)
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    threads, deterministic_before = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    values, inside_threads, deterministic = draw(seed=7)
    assert inside_threads == 1 and deterministic
    assert torch.equal(values, expected)                 # seeded with the seed argument
    assert not torch.equal(draw(seed=8)[0], values)
    assert torch.equal(torch.rand(1), before)            # the global generator is untouched
    assert torch.get_num_threads() == threads
    assert torch.are_deterministic_algorithms_enabled() == deterministic_before


def _seeded_rand(seed: int) -> torch.Tensor:
    torch.manual_seed(seed)
    return torch.rand(3)
