"""Multi-seed tests of the chapter 'Markov factorizations, interventions and SEMs'.

Each test runs one sampled experiment of :mod:`unsup.chapters.markov_factorizations` for the
seeds 0..4 and checks every claim the notebook makes on it with the notebook's own rule,
demanding that it hold for every seed with the seed mean three standard deviations inside.
"""

from __future__ import annotations

from unsup.chapters import markov_factorizations as mf
from unsup.figures.causal import factor_shift
from unsup.seeds import assert_room

CHAPTER = "markov_factorizations"


def test_chain_rule_orders(spreads):
    s = spreads(CHAPTER, mf.chain_rule_orders)
    assert_room(s["worst_joint_error"], 0.0, atol=1e-12)
    assert_room(s["fewest_edges"], 6, atol=0)


def test_transfer(spreads):
    s = spreads(CHAPTER, mf.transfer)
    assert_room(s["causal_ratio"], 1.0, relation="<")
    assert_room(s["causal_kl"], 0.01, relation="<")
    assert_room(s["anticausal_kl"], factor_shift(mf.AWAY_MEAN_ALTITUDE)["p(A|T)"], rtol=0.05)
    assert_room(s["worst_ratio"], 5.0, relation=">")
    assert_room(s["largest_ratio"], 100.0, relation=">")


def test_gaussian_sems(spreads):
    s = spreads(CHAPTER, mf.gaussian_sems)
    assert_room(s["ks_statistic"], mf.ks_critical(), relation="<")
