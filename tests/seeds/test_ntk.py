"""Multi-seed tests of the chapter 'Neural tangent kernels, one step at a time'.

Each test runs one sampled experiment of :mod:`unsup.chapters.ntk` for the seeds 0..4 and
checks every claim the notebook makes on it with the notebook's own rule, demanding that it
hold for every seed with the seed mean three standard deviations inside.
"""

from __future__ import annotations

from unsup.chapters import ntk as chapter
from unsup.seeds import assert_room

CHAPTER = "ntk"


def test_wide_networks(spreads):
    s = spreads(CHAPTER, chapter.wide_networks)
    assert_room(s["spread_largest_step"], 0.0, relation="<")
    assert_room(s["spread_slope"], -0.5, atol=0.1)
    assert_room(s["moved_largest_step"], 0.0, relation="<")
    assert_room(s["moved_slope"], -0.4, relation="<=")
    assert_room(s["largest_final_loss"], 0.05, relation="<")
    assert_room(s["limit_error"], 0.0, atol=0.02)
    assert_room(s["ntk_max_deviation"], 0.0, atol=0.02)


def test_nngp_covariance(spreads):
    s = spreads(CHAPTER, chapter.nngp_covariance)
    assert_room(s["cov_max_deviation"], 0.0, atol=0.015)
