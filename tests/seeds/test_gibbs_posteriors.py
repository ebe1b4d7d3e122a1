"""Multi-seed tests of the chapter 'Belief updates without belief: Gibbs posteriors'.

Every experiment of the chapter runs on random data. Each test runs one experiment of
:mod:`unsup.chapters.gibbs_posteriors` for the seeds 0..4 and checks every claim the
notebook makes on it with the notebook's own rule, demanding that it hold for every seed
with the seed mean three standard deviations inside.
"""

from __future__ import annotations

from unsup.chapters import gibbs_posteriors as gp
from unsup.seeds import assert_room

CHAPTER = "gibbs_posteriors"


def test_conjugate(spreads):
    s = spreads(CHAPTER, gp.conjugate_claims)
    assert_room(s["conjugate_mean_error"], 0.0, atol=1e-8)
    assert_room(s["conjugate_sd_relative_error"], 0.0, atol=1e-6)
    assert_room(s["power_mean_error"], 0.0, atol=1e-8)
    assert_room(s["conjugate_largest_tv"], 0.0, atol=1e-8)


def test_median(spreads):
    s = spreads(CHAPTER, gp.median_claims)
    assert_room(s["mode_largest_offset"], gp.STEP, relation="<=")
    assert_room(s["posterior_sd_ratio"], 1.0, atol=0.1)
    assert_room(s["sampling_sd_ratio"], 1.0, atol=0.1)
    assert_room(s["bootstrap_sd_ratio"], 1.0, atol=0.1)
    assert_room(s["calibrated_over_bootstrap"], 1.0, atol=0.15)


def test_limits(spreads):
    s = spreads(CHAPTER, gp.limits_claims)
    assert_room(s["small_w_tv"], 0.0, atol=0.01)
    assert_room(s["large_w_offset"], 0.0, atol=2 * gp.STEP)


def test_coherence(spreads):
    s = spreads(CHAPTER, gp.coherence_claims)
    assert_room(s["order_difference"], 0.0, atol=1e-14)
    assert_room(s["batch_difference"], 0.0, atol=1e-14)
    assert_room(s["reverse_kl_batch_tv"], 0.01, relation=">")
    assert_room(s["reverse_kl_order_tv"], 0.001, relation=">")


def test_max_pooling(spreads):
    s = spreads(CHAPTER, gp.max_pooling_claims)
    assert_room(s["shuffle_difference"], 0.0, atol=1e-14)
    assert_room(s["max_sequential_tv"], 0.05, relation=">")
    assert_room(s["fed_back_sum_difference"], 0.0, atol=1e-12)
    assert_room(s["max_sd_relative_error"], 0.0, atol=1e-3)
    assert_room(s["gibbs_sd_ratio"], 0.1, relation="<")


def test_variational(spreads):
    s = spreads(CHAPTER, gp.variational_claims)
    assert_room(s["log_z_relative_error"], 0.0, atol=1e-10)
    assert_room(s["smallest_excess"], 0.0, relation=">")
    assert_room(s["kl_identity_worst"], 1.0, relation="<=")


def test_pac_bayes(spreads):
    s = spreads(CHAPTER, gp.pac_bayes_claims)
    assert_room(s["violation_rate"], gp.PB_DELTA, relation="<=")
    assert_room(s["beaten"], 0.0, atol=0)
