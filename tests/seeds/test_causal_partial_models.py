"""Multi-seed tests of the chapter 'Causally correct partial models'.

Each test runs one sampled experiment of :mod:`unsup.chapters.causal_partial_models` for the
seeds 0..4 and checks every claim the notebook makes on it with the notebook's own rule,
demanding that it hold for every seed with the seed mean three standard deviations inside.
"""

from __future__ import annotations

from unsup.chapters import causal_partial_models as cpm
from unsup.seeds import assert_room

CHAPTER = "causal_partial_models"


def test_simulation(spreads):
    s = spreads(CHAPTER, cpm.simulation)
    assert_room(s["simulation_worst_z"], 4.0, relation="<")


def test_sweep(spreads):
    s = spreads(CHAPTER, cpm.sweep)
    assert_room(s["naive_bias_behaviour"], 0.0, atol=cpm.BIAS_TOLERANCE)
    assert_room(s["naive_z_far"], 10.0, relation=">")
    assert_room(s["naive_bias_farthest"], 0.1, relation=">")
    assert_room(s["backdoor_worst_bias"], 0.0, atol=cpm.BIAS_TOLERANCE)
    assert_room(s["importance_worst_bias"], 0.0, atol=cpm.BIAS_TOLERANCE)
    assert_room(s["importance_sd_deviation"], 0.0, atol=0.2)
    assert_room(s["importance_spread_ratio"], 3.0, relation=">")
    assert_room(s["backdoor_over_importance_far"], 1.0, relation="<")
