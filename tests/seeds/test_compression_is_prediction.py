"""Multi-seed tests of the chapter 'Compression is prediction'.

Each test runs one of the chapter's trained or sampled experiments for seeds 0 to 4 and
applies the notebook's rule to every claim on it, with room to spare (``assert_room``).
"""

from __future__ import annotations

from unsup.chapters import compression_is_prediction as cip
from unsup.seeds import assert_room

CHAPTER = "compression_is_prediction"


def test_sampled_words_are_mostly_words_of_the_training_text(spreads) -> None:
    s = spreads(CHAPTER, cip.sampled_words_claims)
    assert_room(s["known_word_fraction"], 0.5, relation=">")


def test_joint_compression_gap_over_random_pairs(spreads) -> None:
    s = spreads(CHAPTER, cip.joint_gap_claims)
    assert_room(s["identical_gap_to_cx"], 0.5, relation=">=")
    assert_room(s["independent_gap_adaptive"], 0, relation="<")
    assert_room(s["independent_gap_lzma"], 0, relation=">")
    assert_room(s["independent_to_identical"], 0.15, relation="<=")
    assert_room(s["rank_correlation"], 0.9, relation=">=")


def test_neural_two_part_codes_over_training_seeds(spreads) -> None:
    s = spreads(CHAPTER, cip.neural_claims)
    assert_room(s["data_ratio"], 1.0, relation="<")
    assert_room(s["total_ratio"], 1.0, relation="<")
    assert_room(s["prequential_ratio"], 1.0, relation="<")
    assert_room(s["decoded_differ"], 0, atol=0)
    assert_room(s["coded_minus_nll"], 0, atol=4)
    assert_room(s["heldout_end_to_start"], 0.5, relation="<")
    assert_room(s["half_to_full"], 1.0, rtol=0.005)


def test_uniform_convergence_simulation_over_seeds(spreads) -> None:
    s = spreads(CHAPTER, cip.uniform_claims)
    assert_room(s["simulated_to_hoeffding"], 1.0, relation="<=")
    assert_room(s["simulated_to_notes"], 1.0, relation="<=")
    exact = cip.uniform_tails(0).exact_single
    assert all(cip.uniform_tails(seed).exact_single == exact for seed in s["single_tail"].seeds)
    assert_room(s["single_tail"], exact, rtol=0.05)


def test_masked_and_autoregressive_losses_over_seeds(spreads) -> None:
    s = spreads(CHAPTER, cip.masked_claims)
    assert_room(s["masked_bits"], 1.0, relation="<")
    assert_room(s["autoregressive_bits"], 1.0 - 0.01, relation=">=")


def test_kraft_sums_over_random_joints(spreads) -> None:
    s = spreads(CHAPTER, cip.kraft_claims)
    assert_room(s["kraft_autoregressive"], 1.0, atol=1e-12)
    assert_room(s["kraft_masked_mean"], 1.0, relation=">")
