"""Unit tests of the helpers of the chapter 'In-context learning as implicit Bayesian inference'
(unsup.chapters.in_context_learning); the multi-seed claims are in tests/seeds."""

import numpy as np
import pytest
import torch
from scipy.stats import beta, betabinom, entropy

from unsup import markov_mixture as mm
from unsup import seqmodels as sm
from unsup import sequences as sq
from unsup.chapters import in_context_learning as icl


def test_bernoulli_kl_matches_the_kl_of_two_point_distributions():
    p, q = np.array([0.1, 0.5, 0.7]), np.array([0.3, 0.5, 0.2])
    expected = [entropy([a, 1 - a], [b, 1 - b]) for a, b in zip(p, q)]
    np.testing.assert_allclose(icl.bernoulli_kl(p, q), expected, rtol=1e-12)
    assert icl.bernoulli_kl(0.5, 0.5) == 0.0


def test_urn_frequency_variance_is_the_beta_binomial_variance_over_n_squared():
    for a, b, n in ((2.0, 3.0, 500), (1.0, 1.0, 7), (0.5, 4.0, 30)):
        assert icl.urn_frequency_variance(a, b, n) == pytest.approx(
            betabinom(n, a, b).var() / n**2, rel=1e-12)
    # many draws: the Beta variance itself
    assert icl.urn_frequency_variance(2.0, 3.0, 10**9) == pytest.approx(beta(2, 3).var(), rel=1e-8)
    with pytest.raises(ValueError, match="a, b must be > 0"):
        icl.urn_frequency_variance(0.0, 1.0, 5)


def test_sample_variance_se_matches_simulation():
    draws = np.random.default_rng(0).beta(2.0, 3.0, size=(4000, 300))
    simulated = draws.var(axis=1).std()
    assert icl.sample_variance_se(2.0, 3.0, 300) == pytest.approx(simulated, rel=0.05)
    with pytest.raises(ValueError, match="count must be >= 2"):
        icl.sample_variance_se(2.0, 3.0, 1)


def test_polya_frequencies_are_those_of_the_seeded_urns():
    out = icl.polya_frequencies(1)
    freqs = [sq.polya_urn(icl.URN_DRAWS, icl.URN_A, icl.URN_B, seed=icl.N_URNS + i).mean()
             for i in range(icl.N_URNS)]
    assert out == {"urn_mean": pytest.approx(np.mean(freqs)),
                   "urn_var": pytest.approx(np.var(freqs))}


def test_not_prompts_alternate_input_and_its_negation():
    prompts = icl.not_prompts(50, 6, seed=3)
    assert prompts.shape == (50, 12)
    np.testing.assert_array_equal(prompts[:, 1::2], 1 - prompts[:, ::2])
    np.testing.assert_array_equal(prompts, icl.not_prompts(50, 6, seed=3))
    assert 0.3 < prompts[:, ::2].mean() < 0.7


def test_p_correct_reads_the_prediction_at_each_query():
    prompts = np.array([[0, 1, 1, 0]])
    pred = np.array([[0.5, 0.9, 0.5, 0.2]])  # P(next = 1) before symbols 1..4
    # queries at positions 1 (answer 1) and 3 (answer 0)
    np.testing.assert_allclose(icl.p_correct(prompts, pred), [[0.9, 0.8]])


def test_coin_mixture_gives_the_right_answer_i_over_2i_plus_1():
    prompts = icl.not_prompts(20, 8, seed=0)
    laplace = np.array([sq.beta_bernoulli_predictive(p, 1, 1)[:-1] for p in prompts])
    i = np.arange(1, 9)
    np.testing.assert_allclose(icl.p_correct(prompts, laplace), np.broadcast_to(i / (2 * i + 1), (20, 8)))


def test_alternating_prompt():
    np.testing.assert_array_equal(icl.alternating_prompt(6), [0, 1, 0, 1, 0, 1])


@pytest.mark.parametrize("rho", [0.0, 0.8, 0.99, 1.0])
def test_concepts_are_valid_hmms(rho):
    hmms = icl.concepts(rho)
    assert list(hmms) == ["copy", "flip", "fair"]
    for start, trans, emit in hmms.values():
        np.testing.assert_allclose(start.sum(), 1.0)
        np.testing.assert_allclose(trans.sum(1), 1.0)
        np.testing.assert_allclose(emit.sum(1), 1.0)
    np.testing.assert_allclose(hmms["flip"][1], 1 - hmms["copy"][1])


def test_concepts_validation():
    with pytest.raises(ValueError, match="rho and noise must lie in"):
        icl.concepts(1.5)


def test_flip_posterior_and_correct_agree_with_the_mixture_predictive():
    seqs = icl.not_prompts(3, 5, seed=1)
    weight, right = icl.flip_posterior_and_correct(0.8, seqs)
    assert weight.shape == (3, 11) and right.shape == (3, 5)
    for s, w, r in zip(seqs, weight, right):
        pred, post = mm.hmm_mixture_predictive(s, np.ones(3) / 3, list(icl.concepts(0.8).values()))
        np.testing.assert_allclose(w, post[:, 1])
        p_one = pred[1:-1:2, 1]  # P(next = 1) before symbols 2, 4, ...
        np.testing.assert_allclose(r, np.where(s[1::2] == 1, p_one, 1 - p_one))
    np.testing.assert_allclose(weight[:, 0], 1 / 3)


def test_a_sharp_flip_concept_is_recognized_on_its_own_sequences():
    native = mm.hmm_sample(20, 30, 0, *icl.concepts(0.99)["flip"])
    weight, _ = icl.flip_posterior_and_correct(0.99, native)
    assert weight[:, -1].min() > 0.99


def test_gru_predictive_is_next_b_probs_and_leaves_threads_alone():
    torch.manual_seed(0)
    model = sm.TinyGRU(4)
    bits = np.array([[0, 1, 1, 0], [1, 1, 1, 1]])
    threads = torch.get_num_threads()
    out = icl.gru_predictive(model, bits)
    assert torch.get_num_threads() == threads
    np.testing.assert_allclose(out, sm.next_b_probs(model, ["abba", "bbbb"]), rtol=1e-6)
    assert out.dtype == np.float64


def test_claims_functions_read_the_right_positions():
    curves = {"kl_gru": np.full(30, 0.001), "kl_half": np.linspace(0.0, 0.2, 30)}
    out = icl.coin_claims(curves, 0.5)
    assert out["coin_kl"] == pytest.approx(0.001)
    assert out["coin_half_kl_last"] == pytest.approx(0.2)
    assert out["coin_kl_ratio"] == pytest.approx(0.001 / np.linspace(0.0, 0.2, 30)[10:].mean())
    assert out["coin_alternating"] == 0.5
