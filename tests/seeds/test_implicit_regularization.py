"""Multi-seed tests of the chapter 'The implicit regularizer of gradient descent'.

Each test runs one sampled experiment of :mod:`unsup.chapters.implicit_regularization` for
the seeds 0..4 and checks every claim the notebook makes on it with the notebook's own rule,
demanding that it hold for every seed with the seed mean three standard deviations inside.
"""

from __future__ import annotations

from unsup.chapters import implicit_regularization as ir
from unsup.seeds import assert_room

CHAPTER = "implicit_regularization"


def test_variance_identity(spreads):
    s = spreads(CHAPTER, ir.variance_identity)
    assert_room(s["identity_error"], 0.0, atol=1e-10)
    assert_room(s["essay_form_log10_gap"], -1.0, relation=">")


def test_two_minima(spreads):
    s = spreads(CHAPTER, ir.two_minima)
    assert_room(s["gd_split_gap"], 0.0, atol=0)
    assert_room(s["smallest_sgd_lead"], 4.0, relation=">")
    assert_room(s["prediction_gap"], 0.0, atol=0.03)
