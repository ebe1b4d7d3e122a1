"""Multi-seed tests of the chapter 'Many hyperparameters by implicit differentiation'.

Each test runs one seeded experiment of :mod:`unsup.chapters.implicit_differentiation`
for the seeds 0..4 and checks every claim the notebook makes on it with the notebook's own
rule, demanding that it hold for every seed with the seed mean three standard deviations
inside.
"""

from __future__ import annotations

from unsup.chapters import implicit_differentiation as chapter
from unsup.seeds import assert_room

CHAPTER = "implicit_differentiation"


def test_ridge(spreads):
    s = spreads(CHAPTER, chapter.ridge_claims)
    assert_room(s["ift_error"], 0.0, atol=1e-12)
    assert_room(s["fd_error"], 0.0, atol=1e-8)
    assert_room(s["cg_error_20"], 0.0, atol=1e-9)
    assert_room(s["rate_ratio"], 1.0, rtol=0.15)
    assert_room(s["neumann_error_200"], 1e-6, relation="<")
    assert_room(s["unroll_vs_neumann"], 0.0, atol=1e-12)
    assert_room(s["unrolled_error_200"], 1e-6, relation="<")
    assert_room(s["lambda_max"], 2.0, relation=">")
    assert_room(s["essay_log_growth"], 0.0, relation=">")
    assert_room(s["correct_series_error"], 0.0, atol=1e-9)
    assert_room(s["essay_limit_error"], 0.0, atol=1e-9)
    assert_room(s["essay_relative_error"], 0.1, relation=">")
    assert_room(s["tuning_rises"], 0.0, atol=0.0)
    assert_room(s["excess_removed"], 0.5, relation=">")
    assert_room(s["decay_separation"], 0.0, relation=">")


def test_distillation(spreads):
    s = spreads(CHAPTER, chapter.distillation)
    assert_room(s["distill_ift_error"], 0.0, atol=1e-8)
    assert_room(s["loss_ratio"], 1.0, relation="<")
    assert_room(s["gain_over_real"], 0.2, relation=">")
    assert_room(s["gap_to_all"], 0.05, relation="<")


def test_flat_valley(spreads):
    s = spreads(CHAPTER, chapter.flat_valley)
    assert_room(s["difference_ratio"], 1.0, rtol=1e-6)
