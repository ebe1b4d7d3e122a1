"""Multi-seed tests of the chapter 'Information-theoretic generalization bounds'.

Each test runs one Monte Carlo experiment of :mod:`unsup.chapters.information_bounds` for
the seeds 0..4 and checks every claim the notebook makes on it with the notebook's own
rule, demanding that it hold for every seed with the seed mean three standard deviations
inside.
"""

from __future__ import annotations

from unsup.chapters import information_bounds as ib
from unsup.seeds import assert_room

CHAPTER = "information_bounds"


def test_gaussian_coin(spreads):
    s = spreads(CHAPTER, ib.gaussian_coin_claims)
    assert_room(s["gaussian_coin_z"], ib.Z_LIMIT, relation="<=")


def test_noisy_mean_gaps(spreads):
    s = spreads(CHAPTER, ib.noisy_mean_claims)
    assert_room(s["mean_gap_worst_z"], ib.Z_LIMIT, relation="<=")


def test_sgld_information(spreads):
    s = spreads(CHAPTER, ib.sgld_claims)
    assert_room(s["sgld_worst_z"], ib.Z_LIMIT, relation="<=")


def test_plugin_bias(spreads):
    s = spreads(CHAPTER, ib.plugin_claims)
    assert_room(s["plugin_smallest_bias"], 0.0, relation=">")
    assert_room(s["plugin_worst_mm_ratio_error"], 0.2, relation="<=")
    assert_room(s["plugin_bias_over_information_100"], 2.0, relation=">")
