import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unsup import sequences as sq

RULES = [sq.equal_counts_next, sq.no_a_after_b_next]
qs = st.floats(0.01, 0.99)


def test_target_sums_to_one_including_the_empty_string():
    q = 0.7
    total = sum(sq.anbn_prob(n, q) for n in range(400))
    assert total == pytest.approx(1.0, abs=1e-12)
    assert sum(sq.anbn_prob(n, q) for n in range(1, 400)) == pytest.approx(q)


@settings(max_examples=40, deadline=None)
@given(q=qs, n=st.integers(0, 30))
def test_both_rules_reproduce_every_string_probability(q, n):
    s = "a" * n + "b" * n
    for rule in RULES:
        assert sq.string_prob(rule, s, q) == pytest.approx(q**n * (1 - q), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(prefix=st.text("ab", max_size=10), q=qs)
def test_rules_equal_target_on_support_and_are_distributions(prefix, q):
    for rule in RULES:
        dist = rule(prefix, q)
        assert dist.sum() == pytest.approx(1.0) and (dist >= 0).all()
        if sq.in_support_prefix(prefix):
            np.testing.assert_array_equal(dist, sq.target_next(prefix, q))


def test_kl_is_zero_and_rules_differ_out_of_distribution():
    for rule in RULES:
        kl, tail = sq.kl_to_target(rule, 0.5, 100)
        assert kl == 0.0 and tail == pytest.approx(0.5**101)
    assert sq.completions(sq.equal_counts_next, "aabab", 0.5) == {"b": 1.0}
    assert sq.completions(sq.no_a_after_b_next, "aabab", 0.5) == {"": 1.0}


def test_kl_detects_a_wrong_model():
    def wrong(prefix, q):
        return sq.target_next(prefix, 0.3) if sq.in_support_prefix(prefix) else np.ones(3) / 3

    kl, _ = sq.kl_to_target(wrong, 0.5, 60)
    exact = sum(0.5**n * 0.5 * math.log(0.5**n * 0.5 / (0.3**n * 0.7)) for n in range(61))
    assert kl == pytest.approx(exact)


def test_completions_of_a_geometric_prompt_sum_to_one():
    found = sq.completions(sq.equal_counts_next, "aa", 0.5, max_len=80, min_prob=1e-12)
    assert sum(found.values()) == pytest.approx(1.0, abs=1e-9)
    assert found["bb"] == pytest.approx(0.5)


def test_sampling_is_seeded_and_shared_between_equal_models():
    a = sq.sample(sq.equal_counts_next, 0.6, 200, seed=3)
    assert a == sq.sample(sq.no_a_after_b_next, 0.6, 200, seed=3)
    assert a != sq.sample(sq.equal_counts_next, 0.6, 200, seed=4)
    assert all(s == "a" * (len(s) // 2) + "b" * (len(s) // 2) for s in a)


def test_mixture_kl_closed_form_against_enumeration():
    eps, lam, r = 0.01, 0.9, 0.3
    # base: geometric noise over {a, b}; c = "" has probability r
    kl = eps * sum(
        (2**m - (m == 0)) * ((1 - r) / 2) ** m * r * math.log(1 / (1 - lam)) for m in range(200)
    ) + eps * r * math.log(r / ((1 - lam) * r + lam))
    assert sq.mixture_kl_bound(eps, r, lam) == pytest.approx(kl)
    assert sq.mixture_kl_bound(eps, r, lam) <= eps * math.log(1 / (1 - lam))


@pytest.mark.parametrize("call, message", [
    (lambda: sq.anbn_prob(1, 1.0), "q must lie strictly between 0 and 1"),
    (lambda: sq.anbn_prob(-1, 0.5), "n must be >= 0"),
    (lambda: sq.target_next("ba", 0.5), "has probability zero under P"),
    (lambda: sq.equal_counts_next("abc", 0.5), "prefix must be a string over 'a' and 'b'"),
    (lambda: sq.completions(sq.equal_counts_next, "a", 0.5, max_len=-1), "max_len must be >= 0"),
    (lambda: sq.sample(sq.equal_counts_next, 0.5, 0, 1), "n must be >= 1"),
    (lambda: sq.kl_to_target(sq.equal_counts_next, 0.5, -1), "n_max must be >= 0"),
    (lambda: sq.mixture_kl_bound(2.0, 0.5, 0.5), "eps must lie in"),
    (lambda: sq.mixture_kl_bound(0.1, 0.5, 1.0), "lam must lie in"),
])
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()
