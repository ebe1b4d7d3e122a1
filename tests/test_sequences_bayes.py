import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate
from scipy.stats import beta

from unsup import sequences as sq


def test_predictive_equals_posterior_mean_by_quadrature():
    x = np.array([1, 0, 1, 1, 0, 1])
    pred = sq.beta_bernoulli_predictive(x, 2.0, 3.0)
    k = int(x.sum())
    post = lambda p: beta.pdf(p, 2 + k, 3 + len(x) - k)
    assert pred[-1] == pytest.approx(integrate.quad(lambda p: p * post(p), 0, 1)[0])


@settings(max_examples=30, deadline=None)
@given(bits=st.lists(st.integers(0, 1), min_size=1, max_size=7), a=st.floats(0.2, 5),
       b=st.floats(0.2, 5))
def test_chain_rule_matches_closed_form_and_is_exchangeable(bits, a, b):
    x = np.array(bits)
    pred = sq.beta_bernoulli_predictive(x, a, b)[:-1]
    chain = np.sum(np.log(np.where(x == 1, pred, 1 - pred)))
    assert chain == pytest.approx(sq.beta_bernoulli_log_prob(x, a, b))
    for perm in itertools.islice(itertools.permutations(x), 20):
        assert sq.beta_bernoulli_log_prob(np.array(perm), a, b) == pytest.approx(chain)


def test_polya_urn_limit_frequency_is_beta():
    freqs = np.array([sq.polya_urn(300, 2.0, 1.0, seed=s).mean() for s in range(400)])
    assert freqs.mean() == pytest.approx(2 / 3, abs=0.03)
    assert freqs.var() == pytest.approx(beta(2, 1).var(), abs=0.01)


@pytest.mark.parametrize("call, message", [
    (lambda: sq.polya_urn(3, 0.0, 1.0, 0), "a and b must be > 0"),
    (lambda: sq.polya_urn(-1, 1.0, 1.0, 0), "n must be >= 0"),
    (lambda: sq.beta_bernoulli_predictive([0, 2], 1.0, 1.0), "x must be a 1-D sequence"),
])
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_coin_mixture_and_bits_to_string():
    p, bits = sq.coin_mixture(4000, 20, seed=0, a=2.0, b=5.0)
    assert p.mean() == pytest.approx(2 / 7, abs=0.01)
    assert bits.mean() == pytest.approx(2 / 7, abs=0.01)
    assert sq.bits_to_string([0, 1, 1]) == "abb"
    with pytest.raises(ValueError, match="n and length must be >= 1"):
        sq.coin_mixture(0, 5, seed=0)
