"""Multi-seed tests of the chapter 'Theorem proving is a tame problem'.

Each test runs one of the chapter's seeded experiments for seeds 0 to 4 and applies the
notebook's rule to every claim on it, with room to spare (``assert_room``).
"""

from __future__ import annotations

from unsup.chapters import theorem_proving as ch
from unsup.seeds import assert_room

CHAPTER = "theorem_proving"


def test_random_attempt_success_rate_over_seeds(spreads) -> None:
    s = spreads(CHAPTER, ch.sampling_claims)
    exact, standard_error = ch.exact_success()
    assert_room(s["success_rate"], exact, atol=ch.SE_TOLERANCE * standard_error)


def test_guided_search_over_seeds(spreads) -> None:
    s = spreads(CHAPTER, ch.search_claims)
    for d in ch.CLAIM_DEPTHS:
        assert_room(s[f"expanded_ratio_d{d}"], 0.5, relation="<")
    assert_room(s["bfs_length_error"], 0.0, atol=1e-12)
    assert_room(s["longer_fraction_w3"], 0.0, relation=">")
