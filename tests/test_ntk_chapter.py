"""Unit tests of unsup.chapters.ntk: the helpers and the per-seed experiments' contracts."""

import numpy as np
import pytest
import torch

from unsup.chapters import ntk as chapter
from unsup.dynamics import ntk


def test_circle_data_lies_on_the_circle_with_the_stated_targets():
    angles, x, y = chapter.circle_data(12)
    assert x.shape == (12, 2) and x.dtype == torch.float64
    np.testing.assert_allclose(torch.linalg.norm(x, dim=1).numpy(), 1.0, atol=1e-15)
    np.testing.assert_allclose(y.numpy(), np.cos(2 * angles) + 0.5 * np.sin(angles), atol=1e-15)
    with pytest.raises(ValueError, match="n must be"):
        chapter.circle_data(0)


def test_net_seeds_are_disjoint_across_experiment_seeds():
    assert list(chapter.net_seeds(0)) == list(range(chapter.N_NETS))
    assert set(chapter.net_seeds(1)).isdisjoint(chapter.net_seeds(2))
    with pytest.raises(ValueError, match="seed"):
        chapter.net_seeds(-1)


def test_kernel_spread_is_relative_and_zero_for_identical_kernels():
    k = np.arange(1.0, 5.0).reshape(1, 2, 2)
    assert chapter.kernel_spread(np.repeat(k, 3, axis=0)) == 0.0
    pair = np.stack([k[0], 3 * k[0]])          # entrywise sd = sqrt(2) k, mean = 2 k
    assert chapter.kernel_spread(pair) == pytest.approx(np.sqrt(2) / 2)
    assert chapter.kernel_spread(10 * pair) == pytest.approx(chapter.kernel_spread(pair))
    with pytest.raises(ValueError, match="shape"):
        chapter.kernel_spread(k)


def test_loglog_slope_recovers_a_power_law():
    x = np.array([64.0, 256.0, 1024.0])
    assert chapter.loglog_slope(x, 3 * x**-0.5) == pytest.approx(-0.5)
    with pytest.raises(ValueError, match="positive"):
        chapter.loglog_slope(x, -x)


def test_nngp_covariance_is_the_largest_entry_gap_and_is_repeatable():
    out = chapter.nngp_outputs(0)
    assert out.shape == (chapter.MC_NETS, chapter.N_POINTS) and not out.flags.writeable
    _, x, _ = chapter.circle_data()
    gap = np.abs(out.T @ out / len(out) - ntk.relu_nngp(x.numpy(), x.numpy())).max()
    first = chapter.nngp_covariance(0)
    assert first == {"cov_max_deviation": gap}
    chapter.nngp_outputs.cache_clear()
    assert chapter.nngp_covariance(0) == first
    assert chapter.nngp_covariance(1) != first


def test_wide_networks_is_repeatable_and_leaves_torch_settings_alone():
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    first = chapter.wide_networks(0)
    assert torch.get_num_threads() == threads
    assert torch.are_deterministic_algorithms_enabled() == deterministic
    assert set(first) == {"spread_largest_step", "spread_slope", "moved_largest_step",
                          "moved_slope", "largest_final_loss", "limit_error",
                          "ntk_max_deviation"}
    runs = chapter.wide_network_runs(0)
    assert runs.spread.shape == runs.moved.shape == (len(chapter.WIDTHS),)
    assert runs.mean_kernel.shape == (chapter.N_POINTS, chapter.N_POINTS)
    chapter.wide_network_runs.cache_clear()
    assert chapter.wide_networks(0) == first
