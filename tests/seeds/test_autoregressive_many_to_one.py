"""Multi-seed tests of the chapter 'Autoregressive models are many-to-one'.

Each test runs one experiment of :mod:`unsup.chapters.autoregressive_many_to_one` for the
seeds 0..4 and checks every claim the notebook makes on it with the notebook's own rule,
demanding that it hold for every seed with the seed mean three standard deviations inside.
One seed of :func:`~unsup.chapters.autoregressive_many_to_one.gru_seeds` is a group of
networks trained on their own samples of P, so these tests train five groups.
"""

from __future__ import annotations

from unsup.chapters import autoregressive_many_to_one as arm
from unsup.seeds import assert_room

CHAPTER = "autoregressive_many_to_one"


def test_rule_samples(spreads):
    s = spreads(CHAPTER, arm.rule_samples)
    assert_room(s["differing_samples"], 0, atol=0)


def test_gru_seeds(spreads):
    s = spreads(CHAPTER, arm.gru_seeds)
    assert_room(s["nll_gap_worst"], arm.NLL_GAP_MAX, relation="<")
    assert_room(s["p_in_min"], arm.P_IN_MIN, relation=">")
    assert_room(s["disagreement_log10"], arm.DISAGREEMENT_MIN, relation=">")
