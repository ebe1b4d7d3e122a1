"""Multi-seed tests of the chapter 'Scale invariance and exponential learning rates'.

Each test runs one seeded experiment of :mod:`unsup.chapters.exponential_learning_rates`
for the seeds 0..4 and checks every claim the notebook makes on it with the notebook's own
rule, demanding that it hold for every seed with the seed mean three standard deviations
inside.
"""

from __future__ import annotations

from unsup.chapters import exponential_learning_rates as chapter
from unsup.seeds import assert_room

CHAPTER = "exponential_learning_rates"


def test_gradient_identities(spreads):
    s = spreads(CHAPTER, chapter.gradient_identities)
    assert_room(s["fd_relative_error"], 0.0, atol=1e-6)
    assert_room(s["orthogonality"], 0.0, atol=1e-12)
    assert_room(s["scaling_tolerance_used"], 1.0, relation="<=")
    assert_room(s["norm_relative_error"], 0.0, atol=1e-10)


def test_rounding_gaps(spreads):
    s = spreads(CHAPTER, chapter.rounding_gaps)
    assert_room(s["calm_gap"], 0.0, atol=1e-11)
    assert_room(s["wild_gap_50"], 0.0, atol=1e-10)


def test_chaotic_horizons(spreads):
    s = spreads(CHAPTER, chapter.chaotic_horizons)
    assert_room(s["repro_ratio"], 1.0, rtol=0.1)
    assert_room(s["horizon_ratio"], chapter.horizon_ratio_prediction(), rtol=0.15)
