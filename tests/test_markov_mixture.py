import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate
from scipy.stats import beta, dirichlet

from unsup import markov_mixture as mm
from unsup import sequences as sq

bits = st.lists(st.integers(0, 1), min_size=1, max_size=9)
positive = st.floats(0.3, 4.0)


def chain_log_prob(x, predictive):
    """log P(x) by the chain rule of the one-step-ahead predictives."""
    x = np.asarray(x)
    return float(np.sum(np.log(predictive[np.arange(len(x)), x])))


# --- the closed form against brute-force integration --------------------------------------


def binary_joint_by_quadrature(x, alpha, init_alpha, nodes=40):
    r"""P(x) = \int\int pi0(x_1) prod_t p(x_t | x_{t-1}) Beta(u) Beta(v) du dv on a Gauss-Legendre
    grid over u = P(0 -> 1), v = P(1 -> 1): the likelihood is *not* factorized by row."""
    g, w = np.polynomial.legendre.leggauss(nodes)
    g, w = (g + 1) / 2, w / 2
    u, v = np.meshgrid(g, g, indexing="ij")
    weight = (np.outer(w, w) * beta.pdf(u, alpha[0][1], alpha[0][0])
              * beta.pdf(v, alpha[1][1], alpha[1][0]))
    p_one = {0: u, 1: v}
    lik = np.ones_like(u)
    for prev, cur in zip(x[:-1], x[1:]):
        lik = lik * (p_one[prev] if cur == 1 else 1 - p_one[prev])
    return float(init_alpha[x[0]] / sum(init_alpha) * (weight * lik).sum())


@pytest.mark.parametrize("x", [[0], [1, 1], [0, 1, 1, 0, 1], [1, 0, 0, 0, 1, 1, 0], [0, 1] * 4])
def test_binary_predictive_equals_two_dimensional_integration(x):
    alpha, init_alpha = np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([1.0, 2.0])
    # integer Beta parameters: the integrand is a polynomial, so Gauss-Legendre is exact
    px = binary_joint_by_quadrature(x, alpha, init_alpha)
    pred = mm.markov_predictive(x, 2, alpha, init_alpha)
    for nxt in (0, 1):
        assert pred[-1, nxt] == pytest.approx(
            binary_joint_by_quadrature(x + [nxt], alpha, init_alpha) / px, rel=1e-10)
    assert mm.markov_log_prob(x, 2, alpha, init_alpha) == pytest.approx(np.log(px), rel=1e-10)


def test_binary_predictive_by_gauss_jacobi_quadrature_with_a_fractional_prior():
    """Fractional Beta priors: Gauss-Jacobi nodes carry the prior's weight u^(a-1) (1-u)^(b-1),
    so the (unfactorized) likelihood, a polynomial, is integrated exactly."""
    from scipy.special import betaln, roots_jacobi

    x = [1, 1, 0, 1, 0, 0, 1]
    alpha = np.array([[1.5, 2.5], [3.5, 1.25]])

    def nodes(a1, a0):  # prior Beta(a1, a0) on P(s -> 1)
        z, w = roots_jacobi(30, a0 - 1, a1 - 1)  # weight (1 - z)^(a0-1) (1 + z)^(a1-1)
        return (z + 1) / 2, w / 2 ** (a0 + a1 - 1) / np.exp(betaln(a1, a0))

    (u, wu), (v, wv) = nodes(alpha[0, 1], alpha[0, 0]), nodes(alpha[1, 1], alpha[1, 0])
    u, v = np.meshgrid(u, v, indexing="ij")
    weight = np.outer(wu, wv)
    assert weight.sum() == pytest.approx(1.0)

    def joint(seq):
        p_one = {0: u, 1: v}
        lik = np.ones_like(u)
        for a, b in zip(seq[:-1], seq[1:]):
            lik = lik * (p_one[a] if b == 1 else 1 - p_one[a])
        return 0.5 * (weight * lik).sum()

    pred = mm.markov_predictive(x, 2, alpha)[-1, 1]
    assert pred == pytest.approx(joint(x + [1]) / joint(x), rel=1e-10)
    assert mm.markov_log_prob(x, 2, alpha) == pytest.approx(np.log(joint(x)), rel=1e-10)


def test_ternary_rows_are_dirichlet_multinomials_by_simplex_quadrature():
    x = [0, 2, 2, 1, 0, 0, 2, 1, 1, 2]
    alpha = np.array([[1.0, 2.0, 1.5], [2.0, 1.0, 1.0], [1.2, 1.0, 3.0]])
    counts = mm.transition_counts(x, 3)
    total = np.log(1 / 3)
    for s in range(3):
        def integrand(p1, p0):
            p = np.array([p0, p1, 1 - p0 - p1])
            if p[2] <= 0:
                return 0.0
            return np.prod(p ** counts[s]) * dirichlet.pdf(p, alpha[s])
        row = integrate.dblquad(integrand, 0, 1, 0, lambda p0: 1 - p0, epsabs=1e-14,
                                epsrel=1e-10)[0]
        total += np.log(row)
    assert mm.markov_log_prob(x, 3, alpha) == pytest.approx(total, rel=1e-7)


# --- consistency, Beta-Bernoulli special case, exchangeability ------------------------------


@settings(max_examples=40, deadline=None)
@given(x=bits, a01=positive, a00=positive, a11=positive, a10=positive, g=positive)
def test_chain_rule_closed_form_and_beta_bernoulli_rows(x, a01, a00, a11, a10, g):
    alpha = np.array([[a00, a01], [a10, a11]])
    pred = mm.markov_predictive(x, 2, alpha, [g, 1.0])
    assert np.allclose(pred.sum(1), 1.0) and (pred > 0).all()
    assert chain_log_prob(x, pred) == pytest.approx(mm.markov_log_prob(x, 2, alpha, [g, 1.0]))
    x = np.array(x)
    # the predictive after x_{1:t} is the Beta-Bernoulli predictive of the symbols that have
    # followed the current state x_t so far
    for t in range(1, len(x) + 1):
        s = x[t - 1]
        successors = x[1:t][x[:t - 1] == s]
        bb = sq.beta_bernoulli_predictive(successors, alpha[s, 1], alpha[s, 0])[-1]
        assert pred[t, 1] == pytest.approx(bb)
    # ... and the joint is the first symbol's prior mean times one Beta-Bernoulli per row
    rows = sum(sq.beta_bernoulli_log_prob(x[1:][x[:-1] == s], alpha[s, 1], alpha[s, 0])
               for s in (0, 1) if (x[:-1] == s).any())
    first = np.log((g if x[0] == 0 else 1.0) / (g + 1.0))
    assert mm.markov_log_prob(x, 2, alpha, [g, 1.0]) == pytest.approx(first + rows)


@pytest.mark.parametrize("k, n", [(2, 8), (3, 5)])
def test_probabilities_of_all_sequences_sum_to_one(k, n):
    alpha = np.arange(1, k * k + 1, dtype=float).reshape(k, k) / 2
    total = sum(np.exp(mm.markov_log_prob(x, k, alpha))
                for x in itertools.product(range(k), repeat=n))
    assert total == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("k, n", [(2, 7), (3, 5)])
def test_markov_exchangeable_but_not_exchangeable_by_enumeration(k, n):
    alpha = np.arange(1, k * k + 1, dtype=float).reshape(k, k) / 3
    classes: dict = {}
    for x in itertools.product(range(k), repeat=n):
        key = (x[0], mm.transition_counts(x, k).tobytes())
        classes.setdefault(key, []).append(mm.markov_log_prob(x, k, alpha))
    # same first symbol and transition counts: same probability
    assert max(np.ptp(v) for v in classes.values()) < 1e-12
    # but permutations of one sequence (same symbol counts) can differ in probability
    x = (0, 0, 1, 1, 0, 1, 0)[:n]
    logs = {mm.markov_log_prob(p, k, alpha) for p in itertools.permutations(x)}
    assert max(logs) - min(logs) > 0.1


def test_permutations_that_preserve_transition_counts_preserve_probability():
    x = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    base = mm.markov_log_prob(x, 2, [[1.0, 2.0], [0.5, 1.5]])
    equivalent = {p for p in itertools.permutations(x) if mm.markov_equivalent(p, x)}
    assert len(equivalent) > 5
    for p in equivalent:
        assert mm.markov_log_prob(p, 2, [[1.0, 2.0], [0.5, 1.5]]) == pytest.approx(base, abs=1e-12)
        assert p[-1] == x[-1]  # same first symbol and counts force the same last symbol
    assert not mm.markov_equivalent([0, 1, 1, 0], [0, 0, 1, 1])
    assert not mm.markov_equivalent([0, 1], [0, 1, 1])
    assert mm.markov_equivalent([], [])


def test_transition_counts_and_chain_predictive():
    x = [0, 2, 2, 1, 0]
    assert mm.transition_counts(x, 3).tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 1]]
    trans, init = np.array([[0.9, 0.1], [0.3, 0.7]]), np.array([0.4, 0.6])
    np.testing.assert_allclose(mm.chain_predictive([1, 0], trans, init),
                               [[0.4, 0.6], [0.3, 0.7], [0.9, 0.1]])
    pred = mm.markov_predictive([], 2, 1.0, [1.0, 3.0])
    np.testing.assert_allclose(pred, [[0.25, 0.75]])
    assert mm.markov_log_prob([], 2) == 0.0


# --- sampling ----------------------------------------------------------------------------


def test_sampler_is_seeded_and_draws_from_the_prior():
    prior = {"alpha": [[1.0, 3.0], [2.0, 2.0]], "init_alpha": [1.0, 4.0]}
    init, trans, x = mm.markov_mixture(3000, 30, seed=0, **prior)
    again = mm.markov_mixture(3000, 30, seed=0, **prior)
    assert np.array_equal(x, again[2])
    assert x.shape == (3000, 30) and init.shape == (3000, 2) and trans.shape == (3000, 2, 2)
    np.testing.assert_allclose(trans.mean(0), [[0.25, 0.75], [0.5, 0.5]], atol=0.02)
    assert x[:, 0].mean() == pytest.approx(0.8, abs=0.02)
    # each sequence follows its own chain: pooled transition frequencies match the drawn rows
    counts = np.array([mm.transition_counts(row) for row in x])
    expected = (counts.sum(2, keepdims=True) * trans).sum(0)
    np.testing.assert_allclose(counts.sum(0) / expected, 1.0, atol=0.03)


def test_sampler_with_three_symbols_matches_the_exact_first_step_predictive():
    _, _, x = mm.markov_mixture(20000, 3, seed=1, k=3, alpha=[[1, 1, 1], [2, 1, 1], [1, 1, 4]])
    alpha = np.array([[1, 1, 1], [2, 1, 1], [1, 1, 4]], float)
    for s in range(3):
        freq = np.bincount(x[x[:, 0] == s, 1], minlength=3) / (x[:, 0] == s).sum()
        np.testing.assert_allclose(freq, mm.markov_predictive([s], 3, alpha)[1], atol=0.025)


# --- HMM mixtures ------------------------------------------------------------------------


def hmm_joint_by_enumeration(x, init, trans, emit):
    total = 0.0
    for path in itertools.product(range(len(init)), repeat=len(x)):
        p = init[path[0]] * emit[path[0], x[0]]
        for t in range(1, len(x)):
            p *= trans[path[t - 1], path[t]] * emit[path[t], x[t]]
        total += p
    return total


HMMS = [
    (np.array([0.5, 0.5]), np.array([[0.9, 0.1], [0.2, 0.8]]),
     np.array([[0.8, 0.1, 0.1], [0.1, 0.2, 0.7]])),
    (np.array([0.3, 0.7]), np.array([[0.1, 0.9], [0.9, 0.1]]),
     np.array([[0.6, 0.3, 0.1], [0.2, 0.2, 0.6]])),
]


def test_forward_algorithm_matches_enumeration_over_hidden_paths():
    x = [0, 2, 2, 1, 0, 2]
    for hmm in HMMS:
        pred, log_lik = mm.hmm_predictive(x, *hmm)
        assert log_lik == pytest.approx(np.log(hmm_joint_by_enumeration(x, *hmm)))
        for nxt in range(3):
            assert pred[-1, nxt] == pytest.approx(
                hmm_joint_by_enumeration(x + [nxt], *hmm) / hmm_joint_by_enumeration(x, *hmm))


def test_hmm_mixture_matches_enumeration_and_its_weights_are_posteriors():
    x, w = [2, 2, 0, 1, 2], np.array([0.25, 0.75])
    joint = lambda seq: sum(wj * hmm_joint_by_enumeration(seq, *h) for wj, h in zip(w, HMMS))
    pred, post = mm.hmm_mixture_predictive(x, w, HMMS)
    for nxt in range(3):
        assert pred[-1, nxt] == pytest.approx(joint(x + [nxt]) / joint(x))
    np.testing.assert_allclose(post[0], w)
    np.testing.assert_allclose(post.sum(1), 1.0)
    assert post[-1, 0] == pytest.approx(w[0] * hmm_joint_by_enumeration(x, *HMMS[0]) / joint(x))


def test_an_hmm_with_identity_emissions_is_its_markov_chain():
    trans, init = np.array([[0.7, 0.3], [0.4, 0.6]]), np.array([0.5, 0.5])
    x = [0, 0, 1, 1, 1, 0]
    pred, _ = mm.hmm_predictive(x, init, trans, np.eye(2))
    np.testing.assert_allclose(pred, mm.chain_predictive(x, trans, init))


def test_hmm_sample_matches_the_forward_predictive():
    init, trans, emit = HMMS[1]
    x = mm.hmm_sample(20000, 3, seed=0, init=init, trans=trans, emit=emit)
    assert np.array_equal(x, mm.hmm_sample(20000, 3, seed=0, init=init, trans=trans, emit=emit))
    np.testing.assert_allclose(np.bincount(x[:, 0], minlength=3) / len(x), init @ emit, atol=0.01)
    for s in range(3):
        after = x[x[:, 0] == s, 1]
        np.testing.assert_allclose(np.bincount(after, minlength=3) / len(after),
                                   mm.hmm_predictive([s], init, trans, emit)[0][1], atol=0.03)


# --- validation --------------------------------------------------------------------------


@pytest.mark.parametrize("call, message", [
    (lambda: mm.markov_predictive([0, 1], k=1), "k must be an integer >= 2"),
    (lambda: mm.markov_predictive([0, 2]), "x must be a 1-D sequence of symbols in 0..1"),
    (lambda: mm.markov_predictive([0, 1], alpha=0.0), "alpha must be > 0"),
    (lambda: mm.markov_predictive([0, 1], alpha=np.ones((3, 3))), "alpha must be > 0"),
    (lambda: mm.markov_log_prob([0], init_alpha=[1.0]), "init_alpha must be > 0"),
    (lambda: mm.markov_mixture(0, 5, seed=0), "n and length must be >= 1"),
    (lambda: mm.chain_predictive([0], np.eye(3), [0.5, 0.5]), "trans must have shape"),
    (lambda: mm.hmm_predictive([0], [1.0], [[1.0]], [[0.5, 0.6]]), "emit must hold probability"),
    (lambda: mm.hmm_predictive([0], [1.0], [[1.0, 0.0]], [[0.5, 0.5]]), "an HMM is init"),
    (lambda: mm.hmm_mixture_predictive([0], [1.0, 0.0], HMMS), "weights must be positive"),
    (lambda: mm.hmm_sample(0, 3, 0, *HMMS[0]), "n and length must be >= 1"),
])
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()
