"""Multi-seed tests of the chapter 'Rethinking generalization and inductive bias'.

Each test runs one experiment of :mod:`unsup.chapters.rethinking_generalization` for the
seeds 0..4 and checks every claim the notebook makes on it with the notebook's own rule,
demanding that it hold for every seed with the seed mean three standard deviations inside.
"""

from __future__ import annotations

from unsup.chapters import rethinking_generalization as rg
from unsup.seeds import assert_room
from unsup.sprites import digits

CHAPTER = "rethinking_generalization"


def test_label_noise(spreads):
    s = spreads(CHAPTER, rg.label_noise)
    assert_room(s["real_train_error"], 0.0, atol=0)
    assert_room(s["random_train_error"], 0.0, atol=0)
    assert_room(s["real_test_accuracy"], 0.9, relation=">=")
    tolerance = rg.chance_tolerance(len(digits(binarize=False).test_labels))
    assert_room(s["random_test_accuracy"], 0.1, atol=tolerance)
    assert_room(s["random_over_real_epochs"], 2.0, relation=">=")
    assert_room(s["rademacher_correlation"], 1.0, atol=0)
    assert_room(s["largest_final_train_error"], 0.0, atol=0)
    assert_room(s["largest_accuracy_increase"], 0.0, relation="<")
    assert_room(s["corruption_slowdown"], 1.0, relation=">")
    assert_room(s["smallest_peak_lead_over_nn"], 0.0, relation=">")
    assert_room(s["smallest_peak_drop"], 0.05, relation=">=")


def test_memorizer(spreads):
    s = spreads(CHAPTER, rg.memorizer)
    assert_room(s["largest_deviation"], 0.0, atol=0.02)


def test_interpolants(spreads):
    s = spreads(CHAPTER, rg.interpolants)
    assert_room(s["gd_zero_distance"], 0.0, atol=1e-10)
    assert_room(s["pinv_formula_error"], 0.0, atol=1e-8)
    assert_room(s["null_drift"], 0.0, atol=1e-12)
    assert_room(s["gd_start_distance"], 0.0, atol=1e-10)
    assert_room(s["largest_train_mse"], 0.0, atol=1e-20)
    assert_room(s["log10_test_mse_ratio"], 3.0, relation=">=")
    assert_room(s["shortest_minus_min_norm"], 0.0, atol=0)
    assert_room(s["smallest_log_increase"], 0.0, relation=">")
    assert_room(s["log10_oracle_over_min_norm"], 0.0, relation="<")


def test_init_scale(spreads):
    s = spreads(CHAPTER, rg.init_scale)
    assert_room(s["scales_largest_final_train_error"], 0.0, atol=0)
    assert_room(s["accuracy_gap_1_32"], 0.0, relation=">")


def test_conjunction_sliver(spreads):
    s = spreads(CHAPTER, rg.conjunction_sliver)
    assert_room(s["all_functions_deviation"], 0.0, atol=0)
    assert_room(s["find_s_lead"], 0.0, relation=">")
    assert_room(s["find_s_plus_anti"], 1.0, atol=1e-12)
