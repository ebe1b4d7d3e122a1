"""Unit tests of unsup.chapters.simplicity_scaling_rate_distortion (small, fast sizes)."""

from __future__ import annotations

import numpy as np
import pytest

from unsup import ratedistortion as rd
from unsup.chapters import simplicity_scaling_rate_distortion as smp


def test_stream_separates_keys_and_seeds_and_is_repeatable():
    seeds = {smp.stream(s, k) for s in range(3) for k in (5, 6, 2021)}
    assert len(seeds) == 9
    assert smp.stream(1, 5) == smp.stream(1, 5)


def test_unpatch_inverts_image_patches():
    images = np.arange(3 * 64, dtype=float).reshape(3, 64)
    blocks = rd.image_patches(images, 8, 2)
    for image, b in zip(images, blocks):
        np.testing.assert_array_equal(smp.unpatch(b), image.reshape(8, 8))
    big = np.arange(2 * 144, dtype=float).reshape(2, 144)
    np.testing.assert_array_equal(smp.unpatch(rd.image_patches(big, 12, 3)[1], 12, 3),
                                  big[1].reshape(12, 12))


@pytest.mark.parametrize("blocks, side, patch", [(np.zeros(63), 8, 2), (np.zeros(64), 8, 3),
                                                 (np.zeros(64), 8, 0)])
def test_unpatch_rejects_wrong_shapes(blocks, side, patch):
    with pytest.raises(ValueError, match="blocks must hold"):
        smp.unpatch(blocks, side, patch)


def test_all_ones_tolerance_is_four_binomial_standard_errors():
    p = 2.0**-7
    assert smp.all_ones_tolerance(100) == pytest.approx(4 * np.sqrt(p * (1 - p) / 100))
    assert smp.all_ones_tolerance(400) == pytest.approx(smp.all_ones_tolerance(100) / 2)


def test_bias_free_tables_are_repeatable_and_one_hot_is_fair_coins():
    a = smp.bias_free_tables(3, "one-hot", 500)
    b = smp.bias_free_tables.__wrapped__(3, "one-hot", 500)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (500, 128)
    assert abs(a.mean() - 0.5) < 0.01  # 64,000 fair coins: sd 0.002
    with pytest.raises(ValueError, match="encoding must be one of"):
        smp.bias_free_tables(0, "gray code", 10)


def test_all_ones_fraction_is_the_fraction_of_all_positive_weight_vectors():
    tables = smp.bias_free_tables(1, "binary", 2000)
    # input 0 (all zeros) is always 0; the unit vectors 64, 32, ..., 1 give the weight signs
    assert not tables[:, 0].any()
    unit = tables[:, [2**k for k in range(7)]]
    expected = unit.all(axis=1).mean()
    assert smp.all_ones_claims(1, 2000)["all_ones"] == expected


def test_encoding_claims_are_consistent_with_the_rows():
    rows = smp.encoding_rows(2, 300)
    claims = smp.encoding_claims(2, 300, 300)
    assert [r.architecture for r in rows] == [smp.LINEAR, smp.RELU]
    relu = rows[1]
    assert claims["relu_one_hot_to_bits"] == relu.variance_one_hot / relu.variance_bits
    assert claims["relu_one_hot_variance"] == relu.variance_one_hot
    assert claims["relu_share_removed"] == pytest.approx(
        (relu.variance_bits - relu.variance_one_hot) / (relu.variance_bits - 1))
    assert set(claims) == {"plain_one_hot_variance", "linear_one_hot_to_bits",
                           "relu_one_hot_to_bits", "linear_one_hot_variance",
                           "relu_one_hot_variance", "relu_share_removed"}


def test_bias_claims_on_a_small_sample():
    c = smp.bias_claims(4, 400, 50)
    assert set(c) == {"constant_log10_excess", "lz_ratio", "variance_ratio"}
    assert all(np.isfinite(v) for v in c.values())
    assert 0 < c["lz_ratio"] < 1


def test_random_table_complexity_is_near_the_maximum_for_random_strings():
    # A random binary string of length 128 parses into about n / log2(n) phrases.
    value = smp.random_table_complexity(0, 40)
    assert 0.7 * 128 < value < 1.6 * 128


def test_patch_codes_shapes_and_ratio():
    pc = smp.patch_codes(0, n_codes=8, n_iter=3)
    assert pc.codebook.shape == (8, 4)
    assert pc.codes.shape == (pc.test.shape[0], 16)
    assert pc.recon.shape == (pc.test.shape[0], 16, 4)
    assert pc.mse_vq < pc.mse_mean
