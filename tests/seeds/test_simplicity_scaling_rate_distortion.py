"""Multi-seed tests of the chapter 'Simplicity bias, scaling laws, and rate-distortion'.

Each test runs one sampled experiment of
:mod:`unsup.chapters.simplicity_scaling_rate_distortion` for seeds 0 to 4 and applies the
notebook's rule to every claim on it, demanding that it hold for every seed with the seed
mean three standard deviations inside the boundary (``assert_room``).
"""

from __future__ import annotations

from unsup.chapters import simplicity_scaling_rate_distortion as smp
from unsup.seeds import assert_room

CHAPTER = "simplicity_scaling_rate_distortion"


def test_simplicity_bias_of_random_relu_networks(spreads) -> None:
    s = spreads(CHAPTER, smp.bias_claims)
    assert_room(s["constant_log10_excess"], 30, relation=">=")
    assert_room(s["lz_ratio"], 1.0, relation="<")
    assert_room(s["variance_ratio"], 1.0, relation=">")


def test_bias_free_perceptron_all_ones_frequency(spreads) -> None:
    s = spreads(CHAPTER, smp.all_ones_claims)
    assert_room(s["all_ones"], smp.ALL_ONES, atol=smp.all_ones_tolerance())


def test_one_hot_inputs_reduce_but_keep_the_bias(spreads) -> None:
    s = spreads(CHAPTER, smp.encoding_claims)
    assert_room(s["plain_one_hot_variance"], 1.0, atol=0.1)
    for arch in ("linear", "relu"):
        assert_room(s[f"{arch}_one_hot_to_bits"], 1.0, relation="<")
        assert_room(s[f"{arch}_one_hot_variance"], 1.0, relation=">")
    assert_room(s["relu_share_removed"], 0.1, relation="<")


def test_patch_codebook_keeps_most_of_the_image(spreads) -> None:
    s = spreads(CHAPTER, smp.vq_claims)
    assert_room(s["mse_ratio"], 1.0, relation="<")
