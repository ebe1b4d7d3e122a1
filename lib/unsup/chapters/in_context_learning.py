r"""Experiments of the chapter 'In-context learning as implicit Bayesian inference'.

Each experiment is a function of one seed returning the measured quantity of each claim it
feeds, so that the notebook (seed 0) and the multi-seed test (seeds 0..4) measure the same
thing with the same code. A seed fixes everything random in an experiment: the training
data, the network's initialization and minibatches, and the fresh test data (drawn with
seed ``OFFSET + seed`` for a per-experiment offset, so that test data never coincide with
the training data of another seed).

- :func:`polya_frequencies`: long-run frequency of ones of 300 Polya urns (Monte Carlo);
- :func:`coin_in_context`: a GRU trained on coin sequences against the exact posterior
  predictive, and after the alternating prompt;
- :func:`markov_in_context`: a GRU trained on binary Markov chains against the exact
  predictive of the mixture of chains, the coin mixture and the true chain;
- :func:`markov_few_shot`: the exact mixture of chains and the GRU on seeded NOT prompts;
- :func:`hmm_concepts`: the posterior weight of the concept 'flip' in a mixture of three
  HMMs on seeded NOT prompts and on sequences of 'flip'.
"""

from __future__ import annotations

import numpy as np

from .. import markov_mixture as mm
from .. import seqmodels as sm
from .. import sequences as sq
from ..figures.sequences import (COIN_LENGTH, MARKOV_LENGTH, trained_coin_model,
                                 trained_markov_model)
from ..seeds import torch_seeded

__all__ = [
    "URN_A", "URN_B", "N_URNS", "N_TEST", "N_NOT_PROMPTS", "N_HMM_PROMPTS",
    "bernoulli_kl", "gru_predictive", "polya_frequencies", "urn_frequency_variance",
    "sample_variance_se", "alternating_prompt", "coin_curves", "coin_alternating",
    "coin_claims", "coin_in_context", "markov_curves", "markov_claims", "markov_in_context",
    "not_prompts", "p_correct", "few_shot_predictions", "markov_alternating",
    "few_shot_claims", "markov_few_shot", "concepts", "flip_posterior_and_correct",
    "hmm_runs", "hmm_claims", "hmm_concepts",
]

URN_A, URN_B = 2.0, 3.0
N_URNS = 300
URN_DRAWS = 500
N_TEST = 500
N_NOT_PROMPTS = 200
N_HMM_PROMPTS = 100
HMM_EXAMPLES = 24
COIN_LATE = slice(10, COIN_LENGTH)
MARKOV_LONG = slice(16, MARKOV_LENGTH)
LATE_QUERIES = slice(10, None)  # queries 11..16 of a NOT prompt of 16 examples

# offsets of the seeds of test data, so that they differ from every training seed
TEST_OFFSET = 1000
NOT_OFFSET = 2000
HMM_OFFSET = 3000
FLIP_OFFSET = 4000


def bernoulli_kl(p, q) -> np.ndarray:
    r""":math:`\mathrm{KL}(\mathrm{Bern}(p) \,\|\, \mathrm{Bern}(q))` in nats, elementwise."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    return p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))


def gru_predictive(model: sm.TinyGRU, bits: np.ndarray) -> np.ndarray:
    """The network's P(next symbol = 1) at every position of each row of ``bits`` (one
    batched forward pass, on one thread so that the result does not depend on the thread
    count)."""
    with torch_seeded(0):
        return sm.next_b_probs(model, [sq.bits_to_string(row) for row in bits]).astype(float)


def polya_frequencies(seed: int) -> dict[str, float]:
    """Frequency of ones after 500 draws of 300 Polya urns (a = 2, b = 3), urn ``i`` drawn
    with seed ``300 * seed + i``: their mean (de Finetti: a / (a + b)) and variance (the
    Beta(a, b) variance, plus the binomial noise of 500 draws)."""
    freqs = np.array([sq.polya_urn(URN_DRAWS, URN_A, URN_B, seed=N_URNS * seed + i).mean()
                      for i in range(N_URNS)])
    return {"urn_mean": float(freqs.mean()), "urn_var": float(freqs.var())}


def urn_frequency_variance(a: float, b: float, n: int) -> float:
    r"""Variance of the frequency of ones after ``n`` draws of a Polya urn: the count is
    beta-binomial, so :math:`\mathrm{Var}(k/n) = \frac{ab}{(a+b)^2(a+b+1)}\cdot\frac{a+b+n}{n}`,
    the Beta(a, b) variance inflated by the binomial noise of ``n`` draws."""
    if not (a > 0 and b > 0) or n < 1:
        raise ValueError(f"a, b must be > 0 and n >= 1, got a={a}, b={b}, n={n}")
    return a * b * (a + b + n) / ((a + b) ** 2 * (a + b + 1) * n)


def sample_variance_se(a: float, b: float, count: int) -> float:
    r"""Standard error of the sample variance of ``count`` draws of Beta(a, b),
    :math:`\sigma^2 \sqrt{(\kappa + 2) / \mathrm{count}}` with :math:`\kappa` the excess
    kurtosis (for the urn frequencies it ignores the small binomial noise)."""
    from scipy.stats import beta

    if count < 2:
        raise ValueError(f"count must be >= 2, got {count}")
    var, kurtosis = (float(v) for v in beta(a, b).stats(moments="vk"))
    return var * float(np.sqrt((kurtosis + 2) / count))


def coin_curves(seed: int) -> dict[str, np.ndarray]:
    """The coin GRU of ``seed`` on 500 fresh coin sequences (seed 1000 + seed): the mean
    KL from the exact predictive (Laplace's rule) to the GRU and to 1/2 at every context
    length, the test bits and the GRU's predictions."""
    _, bits = sq.coin_mixture(N_TEST, COIN_LENGTH, seed=TEST_OFFSET + seed)
    gru = gru_predictive(trained_coin_model(seed), bits)
    exact = np.array([sq.beta_bernoulli_predictive(row, 1.0, 1.0)[:-1] for row in bits])
    return {"kl_gru": bernoulli_kl(exact, gru).mean(0),
            "kl_half": bernoulli_kl(exact, 0.5).mean(0)}


def alternating_prompt(length: int) -> np.ndarray:
    """The prompt 0101...01 of ``length`` symbols (``length`` even)."""
    return np.array([0, 1] * (length // 2))


def coin_alternating(seed: int) -> float:
    """The coin GRU's P(next = 1) after the alternating prompt 0101...01 (30 symbols)."""
    # a dummy last token: the prediction made at its position is the one after the prompt
    after = gru_predictive(trained_coin_model(seed),
                           np.r_[alternating_prompt(COIN_LENGTH), 0][None])
    return float(after[0, -1])


def coin_claims(curves: dict[str, np.ndarray], alternating: float) -> dict[str, float]:
    """The measured quantities of the coin claims, from :func:`coin_curves` and
    :func:`coin_alternating`."""
    kl_gru, kl_half = curves["kl_gru"], curves["kl_half"]
    return {
        "coin_kl": float(kl_gru[COIN_LATE].mean()),
        "coin_kl_ratio": float(kl_gru[COIN_LATE].mean() / kl_half[COIN_LATE].mean()),
        "coin_half_kl_last": float(kl_half[-1]),
        "coin_alternating": alternating,
    }


def coin_in_context(seed: int) -> dict[str, float]:
    """Claims on the coin GRU of ``seed``: mean KL to the exact predictive over context
    lengths 10..29 (nats), its ratio to the KL of predicting 1/2, the KL of 1/2 at t = 29,
    and the GRU's P(next = 1) after the alternating prompt 0101...01 (30 symbols)."""
    return coin_claims(coin_curves(seed), coin_alternating(seed))


def markov_curves(seed: int) -> dict[str, dict[str, np.ndarray]]:
    """On 500 fresh chains (seed 1000 + seed, rows uniform), the mean KL at every context
    length from the exact predictive of the mixture of chains (``"exact"``) and from the
    true chain (``"true"``) to: the chain GRU and the coin GRU of ``seed``, the coin
    mixture's predictive (Laplace's rule), the prior mean 1/2, and (``"true"`` only) the
    exact predictive."""
    init, trans, chains = mm.markov_mixture(N_TEST, MARKOV_LENGTH, seed=TEST_OFFSET + seed)
    exact = np.array([mm.markov_predictive(row)[:-1, 1] for row in chains])
    true = np.array([mm.chain_predictive(row, tr, first)[:-1, 1]
                     for row, tr, first in zip(chains, trans, init)])
    predictors = {
        "GRU trained on chains": gru_predictive(trained_markov_model(seed), chains),
        "GRU trained on coins": gru_predictive(trained_coin_model(seed), chains),
        "coin mixture (Laplace's rule)": np.array(
            [sq.beta_bernoulli_predictive(row, 1.0, 1.0)[:-1] for row in chains]),
        "prior mean 1/2": np.full_like(exact, 0.5),
    }
    return {
        "exact": {name: bernoulli_kl(exact, pred).mean(0) for name, pred in predictors.items()},
        "true": {name: bernoulli_kl(true, pred).mean(0)
                 for name, pred in {"exact predictive": exact, **predictors}.items()},
    }


def markov_claims(curves: dict[str, dict[str, np.ndarray]]) -> dict[str, float]:
    """The measured quantities of the chain claims, from :func:`markov_curves`."""
    gru, coin_gru, laplace, half = (curves["exact"][k] for k in (
        "GRU trained on chains", "GRU trained on coins", "coin mixture (Laplace's rule)",
        "prior mean 1/2"))
    gru_true, exact_true = curves["true"]["GRU trained on chains"], curves["true"]["exact predictive"]
    long = MARKOV_LONG
    return {
        "markov_kl": float(gru[1:].mean()),
        "markov_kl_vs_laplace": float(gru[long].mean() / laplace[long].mean()),
        "markov_kl_vs_half": float(gru[long].mean() / half[long].mean()),
        "coin_gru_vs_laplace": float(coin_gru[long].mean() / laplace[long].mean()),
        "half_kl_growth": float(half[-1] - half[2]),
        "markov_true_ratio": float(gru_true[-4:].mean() / gru_true[1:5].mean()),
        "markov_true_excess": float((gru_true - exact_true)[long].mean()),
    }


def markov_in_context(seed: int) -> dict[str, float]:
    """Claims on the chain GRU of ``seed`` (KL in nats; long context is t >= 16): its mean
    KL to the exact predictive over t = 1..31; at long context its ratio to the KL of the
    coin mixture's predictive and to that of 1/2; the ratio of the coin GRU's KL to the
    coin mixture's; the growth of the KL of 1/2 from t = 2 to t = 31; the ratio of the
    GRU's KL to the true chain at t = 28..31 over t = 1..4; and its excess over the exact
    predictive's KL to the true chain at long context."""
    return markov_claims(markov_curves(seed))


def not_prompts(n: int, shots: int, seed: int) -> np.ndarray:
    """``n`` prompts x_1 y_1 ... x_shots y_shots of the task NOT (y = 1 - x, the x fair coin
    flips drawn with ``seed``), shape (n, 2 * shots)."""
    inputs = np.random.default_rng(seed).integers(0, 2, size=(n, shots))
    return np.stack([inputs, 1 - inputs], axis=-1).reshape(n, 2 * shots)


def p_correct(prompts: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Probability ``pred`` (P(next = 1) at every position) gives the right answer y_i at
    each query (positions 1, 3, ...), one row per prompt."""
    queries = np.arange(1, prompts.shape[1], 2)  # y_i is predicted after x_1 y_1 ... x_i
    return np.where(prompts[:, queries] == 1, pred[:, queries], 1 - pred[:, queries])


def few_shot_predictions(seed: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """200 NOT prompts of 16 examples (seed 2000 + seed) and the P(next = 1) of the exact
    mixture of chains, the chain GRU of ``seed`` and the coin mixture along each."""
    prompts = not_prompts(N_NOT_PROMPTS, MARKOV_LENGTH // 2, NOT_OFFSET + seed)
    preds = {
        "exact mixture of chains": np.array([mm.markov_predictive(p)[:-1, 1] for p in prompts]),
        "GRU trained on chains": gru_predictive(trained_markov_model(seed), prompts),
        "coin mixture (Laplace's rule)": np.array(
            [sq.beta_bernoulli_predictive(p, 1, 1)[:-1] for p in prompts]),
    }
    return prompts, preds


def markov_alternating(seed: int) -> float:
    """The chain GRU's P(next = 0) after the alternating prompt 0101...01 (32 symbols)."""
    # a dummy last token: the prediction made at its position is the one after the prompt
    after = gru_predictive(trained_markov_model(seed),
                           np.r_[alternating_prompt(MARKOV_LENGTH), 0][None])
    return float(1 - after[0, -1])


def few_shot_claims(prompts: np.ndarray, preds: dict[str, np.ndarray],
                    alternating: float) -> dict[str, float]:
    """The measured quantities of the NOT-prompt claims, from :func:`few_shot_predictions`
    and :func:`markov_alternating`."""
    exact = p_correct(prompts, preds["exact mixture of chains"])
    gru = p_correct(prompts, preds["GRU trained on chains"])
    return {
        "markov_alternating": alternating,
        "not_exact_last": float(exact[:, -1].mean()),
        "not_exact_accuracy": float((exact[:, LATE_QUERIES] > 0.5).mean()),
        "not_gru_vs_exact": float(np.abs(preds["GRU trained on chains"]
                                         - preds["exact mixture of chains"]).mean()),
        "not_gru_accuracy": float((gru[:, LATE_QUERIES] > 0.5).mean()),
    }


def markov_few_shot(seed: int) -> dict[str, float]:
    """Claims on NOT prompts (seed 2000 + seed) and the chain GRU of ``seed``: the GRU's
    P(next = 0) after 0101...01 (32 symbols); the exact mixture's mean P(right answer) at
    the 16th query and its accuracy over queries 11..16; the mean |difference| between the
    GRU's and the exact mixture's P(next = 1); the GRU's accuracy over queries 11..16."""
    return few_shot_claims(*few_shot_predictions(seed), markov_alternating(seed))


def concepts(rho: float, noise: float = 0.05) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Three two-state HMMs (start, transitions, emissions) over the symbols 0 and 1, each
    emitting its hidden state with probability 1 - noise: 'copy' keeps the state with
    probability rho, 'flip' switches it with probability rho, 'fair' redraws it uniformly."""
    if not 0.0 <= rho <= 1.0 or not 0.0 <= noise <= 1.0:
        raise ValueError(f"rho and noise must lie in [0, 1], got rho={rho}, noise={noise}")
    emit, start = np.array([[1 - noise, noise], [noise, 1 - noise]]), np.array([0.5, 0.5])
    return {"copy": (start, np.array([[rho, 1 - rho], [1 - rho, rho]]), emit),
            "flip": (start, np.array([[1 - rho, rho], [rho, 1 - rho]]), emit),
            "fair": (start, np.full((2, 2), 0.5), emit)}


def flip_posterior_and_correct(rho: float, seqs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Under the uniform mixture of :func:`concepts` ``(rho)``: the posterior weight of 'flip'
    after every prefix of each sequence, and the probability of the right answer (the symbol
    that follows) at every query (odd positions), one row per sequence."""
    hmms = list(concepts(rho).values())
    runs = [mm.hmm_mixture_predictive(s, np.ones(3) / 3, hmms) for s in seqs]
    pred = np.array([p[:-1, 1] for p, _ in runs])
    right = np.where(seqs[:, 1::2] == 1, pred[:, 1::2], 1 - pred[:, 1::2])
    return np.array([w[:, 1] for _, w in runs]), right


def hmm_runs(seed: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray]:
    """Posterior weight of 'flip' and P(right answer) for 100 NOT prompts of 24 examples
    (seed 3000 + seed) under soft (rho = 0.8) and sharp (rho = 0.99) concepts, and for 100
    sequences of the sharp 'flip' concept (seed 4000 + seed); and the P(right answer) at
    the last query of the soft 'flip' concept alone."""
    prompts = not_prompts(N_HMM_PROMPTS, HMM_EXAMPLES, HMM_OFFSET + seed)
    native = mm.hmm_sample(N_HMM_PROMPTS, 2 * HMM_EXAMPLES, FLIP_OFFSET + seed,
                           *concepts(0.99)["flip"])
    weight, right = {}, {}
    for name, rho, seqs in (("soft, NOT prompts", 0.8, prompts),
                            ("sharp, NOT prompts", 0.99, prompts),
                            ("sharp, sequences of 'flip'", 0.99, native)):
        weight[name], right[name] = flip_posterior_and_correct(rho, seqs)
    flip_alone = np.array([mm.hmm_predictive(p, *concepts(0.8)["flip"])[0][-2, 1] for p in prompts])
    flip_alone_right = np.where(prompts[:, -1] == 1, flip_alone, 1 - flip_alone)
    return weight, right, flip_alone_right


def hmm_claims(weight: dict[str, np.ndarray], right: dict[str, np.ndarray],
               flip_alone_right: np.ndarray) -> dict[str, float]:
    """The measured quantities of the HMM claims, from :func:`hmm_runs`."""
    return {
        "hmm_soft_weight": float(np.median(weight["soft, NOT prompts"][:, -1])),
        "hmm_soft_vs_flip": float(right["soft, NOT prompts"][:, -1].mean()
                                  - flip_alone_right.mean()),
        "hmm_sharp_weight": float(weight["sharp, NOT prompts"][:, -1].mean()),
        "hmm_sharp_right": float(right["sharp, NOT prompts"][:, -1].mean()),
        "hmm_control_weight": float(weight["sharp, sequences of 'flip'"][:, -1].mean()),
    }


def hmm_concepts(seed: int) -> dict[str, float]:
    """Claims on the mixture of three HMM concepts, over the sequences of ``seed``: the
    median weight of 'flip' after 24 NOT examples (soft concepts); the soft mixture's mean
    P(right answer) at the last query minus that of the 'flip' concept alone; the mean
    weight of 'flip' and mean P(right answer) at the last query with sharp concepts; the
    mean weight of 'flip' on sequences 'flip' generates."""
    return hmm_claims(*hmm_runs(seed))
