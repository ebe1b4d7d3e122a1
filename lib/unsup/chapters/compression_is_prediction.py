r"""Experiments of the chapter 'Compression is prediction' that train or sample.

Serves ``notebooks/compression/compression_is_prediction.ipynb``. Each experiment has a
cached function that returns everything the chapter shows for one seed, and a function
``<experiment>_claims(seed) -> dict[str, float]`` that returns the measured quantity of
each of the chapter's claim checks on it. The notebook checks the values for one seed;
the multi-seed test (``tests/seeds/test_compression_is_prediction.py``) runs the same
functions for seeds 0 to 4 and stores the spread the chapter quotes.

Where a claim compares two measured numbers (one network against another, a quantized
model against the full one), the measured quantity is their ratio, so that the rule has a
fixed boundary (1, or a fraction such as 1/2) that does not itself move with the seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from scipy.stats import binom, spearmanr

from ..bounds import uniform_convergence_bound
from ..compression import (
    ContextModel,
    code_length_bits,
    compressor_predictor,
    decode,
    documentation_text,
    encode,
    neural,
    ngram,
)
from ..compression.uniform import max_gaps
from ..figures.compression import JOINT_COMPRESSORS, MIX_LEVELS, joint_gap_curves
from ..seeds import torch_seeded

__all__ = [
    "ADAPTIVE_COMPRESSORS",
    "HIDDEN_SIZES",
    "NeuralCodes",
    "UniformTails",
    "autoregressive_conditional",
    "doubled_letters",
    "full_conditional",
    "joint_gap_claims",
    "kraft_claims",
    "kraft_sums",
    "kraft_table",
    "masked_claims",
    "masked_entropies",
    "model_sample",
    "neural_claims",
    "neural_codes",
    "random_joints",
    "sample_from_compressor",
    "sample_from_model",
    "sampled_words_claims",
    "uniform_claims",
    "uniform_tails",
]

# --- sampling from the context model ------------------------------------------------------

SAMPLE_CHARS = 2_000  # characters the context model generates after reading the 30 kB slice
SLICE_30K = slice(200_000, 230_000)


def sample_from_model(model: ContextModel, n: int, rng: np.random.Generator) -> bytes:
    """Draw ``n`` bytes from an adaptive model, each from its prediction, updating as it goes."""
    out = []
    for _ in range(n):
        symbol = int(rng.choice(256, p=model.probabilities()))
        model.update(symbol)
        out.append(symbol)
    return bytes(out)


def sample_from_compressor(prefix: bytes, n: int, compressor: str, alphabet: Sequence[int],
                           rng: np.random.Generator) -> bytes:
    """Draw ``n`` bytes from a compressor turned predictor (one compression per candidate)."""
    out = bytearray()
    for _ in range(n):
        p = compressor_predictor(prefix + bytes(out), compressor, alphabet)
        out.append(alphabet[rng.choice(len(alphabet), p=p)])
    return bytes(out)


@lru_cache(maxsize=8)
def model_sample(seed: int) -> bytes:
    """``SAMPLE_CHARS`` bytes sampled (generator seeded with ``seed``) from the order-6 model
    after it has read the 30 kB slice of documentation."""
    model = ContextModel()
    for byte in documentation_text()[SLICE_30K]:
        model.update(byte)
    return sample_from_model(model, SAMPLE_CHARS, np.random.default_rng(seed))


def sampled_words_claims(seed: int) -> dict[str, float]:
    """Fraction of the sampled words (split on whitespace) that occur in the training slice."""
    vocabulary = set(documentation_text()[SLICE_30K].split())
    words = model_sample(seed).split()
    return {"known_word_fraction": float(np.mean([w in vocabulary for w in words]))}


# --- joint compression of a text and a partial copy ---------------------------------------

ADAPTIVE_COMPRESSORS = ("ideal", "zlib", "bz2")


def joint_gap_claims(seed: int) -> dict[str, float]:
    """The gap :math:`g = C(X) + C(Y) - C(XY)` (bytes) for the pairs of ``mixed_pair(., seed)``.

    - ``identical_gap_to_cx``: the smallest ratio :math:`g / C(X)` over the compressors at
      :math:`Y = X` (alpha = 1);
    - ``independent_gap_adaptive``: the largest gap of the adaptive coders (the book's ideal
      length, zlib, bz2) at alpha = 0, bytes;
    - ``independent_gap_lzma``: lzma's gap at alpha = 0, bytes;
    - ``independent_to_identical``: the largest ratio :math:`|g(0)| / g(1)` over compressors;
    - ``rank_correlation``: the smallest Spearman rank correlation between alpha and the gap
      over compressors (1 when the gap increases at every step).
    """
    curves = joint_gap_curves(seed)
    gaps = {name: (c[:, 0] + c[:, 1] - c[:, 2]) / 8 for name, c in curves.items()}
    c_x = {name: c[-1, 0] / 8 for name, c in curves.items()}
    return {
        "identical_gap_to_cx": min(gaps[n][-1] / c_x[n] for n in JOINT_COMPRESSORS),
        "independent_gap_adaptive": max(gaps[n][0] for n in ADAPTIVE_COMPRESSORS),
        "independent_gap_lzma": float(gaps["lzma"][0]),
        "independent_to_identical": max(abs(gaps[n][0]) / gaps[n][-1] for n in JOINT_COMPRESSORS),
        "rank_correlation": min(float(spearmanr(MIX_LEVELS, g).statistic)
                                for g in gaps.values()),
    }


# --- maximum likelihood as compression: a neural next-byte model --------------------------

TRAIN_SLICE, HELDOUT_SLICE = slice(0, 120_000), slice(440_000, 445_000)
HIDDEN_SIZES = (16, 64)
TRAIN_STEPS, EVAL_EVERY = 500, 50
CODED_CHARS = 1_500
WEIGHT_BITS = 16


@dataclass(frozen=True)
class NeuralCodes:
    """Two trained next-byte networks and the code lengths the chapter compares.

    ``data_kb`` is each network's code length of the training text, ``model_kb`` the cost
    of its parameters at ``WEIGHT_BITS`` bits each, ``prequential_kb`` the adaptive context
    model's code length of the same text. ``payload`` is the arithmetic coder's output for
    the first ``CODED_CHARS`` held-out characters driven by the larger network,
    ``decoded`` their decoding and ``nll_bits`` the network's ideal code length for them.
    ``heldout_full`` and ``heldout_half`` are the larger network's held-out code length
    (bits) with its weights as trained and rounded to 16-bit floats.
    """

    runs: dict[int, neural.TrainingRun]
    model_kb: dict[int, float]
    data_kb: dict[int, float]
    prequential_kb: float
    coded_text: bytes
    payload: bytes
    decoded: bytes
    nll_bits: float
    heldout_full: float
    heldout_half: float

    def total_kb(self, hidden: int) -> float:
        """Two-part code length: model bits plus data bits, in kB."""
        return self.model_kb[hidden] + self.data_kb[hidden]


@lru_cache(maxsize=8)
def neural_codes(seed: int) -> NeuralCodes:
    """Train both networks with ``seed`` (Adam, ``TRAIN_STEPS`` steps) and measure their codes.

    Training and every evaluation run inside :func:`unsup.seeds.torch_seeded`, so the
    result is the same run after run on one machine and no torch setting leaks out.
    """
    text = documentation_text()
    train_text, heldout_text = text[TRAIN_SLICE], text[HELDOUT_SLICE]
    runs = {hidden: neural.train(train_text, heldout_text, hidden=hidden, steps=TRAIN_STEPS,
                                 every=EVAL_EVERY, seed=seed, progress=False)
            for hidden in HIDDEN_SIZES}
    best = runs[max(HIDDEN_SIZES)].model
    coded_text = heldout_text[:CODED_CHARS]
    with torch_seeded(seed):
        payload = encode(coded_text, neural.NeuralPredictor(best))
        decoded = bytes(decode(payload, len(coded_text), neural.NeuralPredictor(best)))
        nll_bits = neural.code_length_bits(best, coded_text)
        half = neural.CharMLP(hidden=max(HIDDEN_SIZES))
        half.load_state_dict({k: v.half().float() for k, v in best.state_dict().items()})
        heldout_full = neural.code_length_bits(best, heldout_text)
        heldout_half = neural.code_length_bits(half, heldout_text)
        data_kb = {h: neural.code_length_bits(r.model, train_text) / 8 / 1000
                   for h, r in runs.items()}
    model_kb = {h: WEIGHT_BITS * r.model.n_parameters() / 8 / 1000 for h, r in runs.items()}
    return NeuralCodes(
        runs=runs, model_kb=model_kb, data_kb=data_kb,
        prequential_kb=code_length_bits(train_text) / 8 / 1000,
        coded_text=coded_text, payload=payload, decoded=decoded, nll_bits=nll_bits,
        heldout_full=heldout_full, heldout_half=heldout_half,
    )


def neural_claims(seed: int) -> dict[str, float]:
    """The measured quantities of the maximum-likelihood claims, for one training seed.

    - ``data_ratio``: data bits of the larger network / data bits of the smaller one;
    - ``total_ratio``: two-part code of the smaller network / that of the larger one;
    - ``prequential_ratio``: adaptive context model's code / the better two-part code;
    - ``decoded_differ``: bytes that differ after coding and decoding with the network;
    - ``coded_minus_nll``: coded size minus the network's NLL, in bytes;
    - ``heldout_end_to_start``: held-out code length after training / at initialization;
    - ``half_to_full``: held-out code length with 16-bit weights / with the trained weights.
    """
    c = neural_codes(seed)
    small, big = min(HIDDEN_SIZES), max(HIDDEN_SIZES)
    curve = c.runs[big].heldout_bits_per_byte
    return {
        "data_ratio": c.data_kb[big] / c.data_kb[small],
        "total_ratio": c.total_kb(small) / c.total_kb(big),
        "prequential_ratio": c.prequential_kb / min(c.total_kb(small), c.total_kb(big)),
        "decoded_differ": float(sum(a != b for a, b in zip(c.decoded, c.coded_text))
                                + abs(len(c.decoded) - len(c.coded_text))),
        "coded_minus_nll": len(c.payload) - c.nll_bits / 8,
        "heldout_end_to_start": curve[-1] / curve[0],
        "half_to_full": c.heldout_half / c.heldout_full,
    }


# --- uniform convergence for threshold classifiers ----------------------------------------

UC_N, UC_CLASS_SIZE, UC_REPEATS, UC_NOISE = 100, 16, 20_000, 0.2
UC_T_GRID = (0.1, 0.15, 0.2, 0.25)
SINGLE_N, SINGLE_T, SINGLE_REPEATS = 50, 0.1, 1_000_000


@dataclass(frozen=True)
class UniformTails:
    r"""Simulated and bounded probabilities that some classifier's gap exceeds ``t``.

    ``simulated`` is the fraction of ``UC_REPEATS`` training sets of size ``UC_N`` on which
    some of ``UC_CLASS_SIZE`` thresholds has test − train risk above each ``t``;
    ``hoeffding`` the bound :math:`|F| e^{-2|S|t^2}`, ``notes_form`` the notes'
    :math:`|F| e^{-|S|t^2}`. ``single_tail`` is the simulated tail of one classifier
    (``SINGLE_REPEATS`` samples of size ``SINGLE_N``), ``exact_single`` its binomial value
    and ``single_se`` the standard error :math:`\sqrt{p(1-p)/m}` of the simulated tail.
    """

    t: NDArray[np.float64]
    simulated: NDArray[np.float64]
    hoeffding: NDArray[np.float64]
    notes_form: NDArray[np.float64]
    single_tail: float
    exact_single: float
    single_se: float


@lru_cache(maxsize=8)
def uniform_tails(seed: int) -> UniformTails:
    """Simulate both experiments; the samples use seeds ``2 seed + 1`` and ``2 seed + 2``."""
    t = np.array(UC_T_GRID)
    gaps = max_gaps(UC_N, UC_CLASS_SIZE, UC_REPEATS, noise=UC_NOISE, seed=2 * seed + 1)
    single = max_gaps(SINGLE_N, 1, SINGLE_REPEATS, noise=UC_NOISE, seed=2 * seed + 2)
    # One classifier with true risk eta: P(R - R_hat > t) = P(errors < n (eta - t)).
    exact = float(binom.cdf(np.ceil(SINGLE_N * (UC_NOISE - SINGLE_T)) - 1, SINGLE_N, UC_NOISE))
    return UniformTails(
        t=t,
        simulated=np.array([(gaps > s).mean() for s in t]),
        hoeffding=np.array([uniform_convergence_bound(UC_N, float(s), UC_CLASS_SIZE,
                                                      two_sided=False) for s in t]),
        notes_form=UC_CLASS_SIZE * np.exp(-UC_N * t**2),
        single_tail=float((single > SINGLE_T).mean()),
        exact_single=exact,
        single_se=float(np.sqrt(exact * (1 - exact) / SINGLE_REPEATS)),
    )


def uniform_claims(seed: int) -> dict[str, float]:
    """The measured quantities of the uniform-convergence claims, for one seed.

    - ``simulated_to_hoeffding``: the largest ratio simulated / :math:`|F|e^{-2|S|t^2}` over t;
    - ``simulated_to_notes``: the largest ratio simulated / :math:`|F|e^{-|S|t^2}` over t;
    - ``single_tail``: the simulated tail of one classifier (the exact value is
      ``uniform_tails(seed).exact_single``, the same for every seed).
    """
    u = uniform_tails(seed)
    return {
        "simulated_to_hoeffding": float(np.max(u.simulated / u.hoeffding)),
        "simulated_to_notes": float(np.max(u.simulated / u.notes_form)),
        "single_tail": u.single_tail,
    }


# --- masked versus autoregressive losses --------------------------------------------------

DOUBLED_TRAIN, DOUBLED_TEST = 200_000, 40_000


def doubled_letters(n: int, seed: int) -> bytes:
    """``n`` bytes: ``n // 2`` letters drawn uniformly from ``abcd``, each written twice."""
    letters = np.random.default_rng(seed).integers(0, 4, n // 2).astype(np.uint8) + ord("a")
    return np.repeat(letters, 2).tobytes()


@lru_cache(maxsize=8)
def masked_entropies(seed: int) -> tuple[float, float]:
    """Held-out bits per character on the doubled-letter source (entropy 1 bit per character):
    (masked, two past and two future characters; autoregressive, four past characters).
    Training and test texts use seeds ``2 seed + 1`` and ``2 seed + 2``."""
    train = doubled_letters(DOUBLED_TRAIN, 2 * seed + 1)
    test = doubled_letters(DOUBLED_TEST, 2 * seed + 2)
    masked = ngram.heldout_bits_per_symbol(train, test, (-1, 1, -2, 2))
    autoregressive = ngram.heldout_bits_per_symbol(train, test, (-1, -2, -3, -4))
    return masked, autoregressive


def masked_claims(seed: int) -> dict[str, float]:
    """Masked and autoregressive held-out losses (bits per character) on the doubled letters."""
    masked, autoregressive = masked_entropies(seed)
    return {"masked_bits": masked, "autoregressive_bits": autoregressive}


KRAFT_JOINTS = 200


def random_joints(seed: int, count: int = KRAFT_JOINTS) -> NDArray[np.float64]:
    """``count`` joint distributions over :math:`\\{0, 1\\}^3`, each from a Dirichlet(1/2)
    prior (shape ``(count, 2, 2, 2)``)."""
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(8) * 0.5, size=count).reshape(count, 2, 2, 2)


def full_conditional(joint: NDArray[np.float64], x: tuple[int, ...], t: int) -> float:
    r""":math:`p(x_t \mid x_{\ne t})` under ``joint``."""
    mass = [joint[x[:t] + (v,) + x[t + 1:]] for v in (0, 1)]
    return float(joint[x] / sum(mass))


def autoregressive_conditional(joint: NDArray[np.float64], x: tuple[int, ...], t: int) -> float:
    r""":math:`p(x_t \mid x_{<t})` under ``joint``."""
    return float(joint[x[:t + 1]].sum() / joint[x[:t]].sum())


def kraft_sums(joint: NDArray[np.float64]) -> tuple[float, float]:
    r"""(:math:`\sum_x \prod_t p(x_t \mid x_{<t})`, :math:`\sum_x \prod_t p(x_t \mid x_{\ne t})`)
    over all binary strings ``x`` of the joint's shape."""
    strings = list(np.ndindex(*joint.shape))
    n = joint.ndim
    autoregressive = sum(np.prod([autoregressive_conditional(joint, x, t) for t in range(n)])
                         for x in strings)
    masked = sum(np.prod([full_conditional(joint, x, t) for t in range(n)]) for x in strings)
    return float(autoregressive), float(masked)


@lru_cache(maxsize=8)
def kraft_table(seed: int) -> NDArray[np.float64]:
    """Rows (autoregressive, masked) Kraft sums for each joint of ``random_joints(seed)``."""
    return np.array([kraft_sums(joint) for joint in random_joints(seed)])


def kraft_claims(seed: int) -> dict[str, float]:
    """Kraft sums over the ``KRAFT_JOINTS`` random joints of ``random_joints(seed)``.

    - ``kraft_autoregressive``: the autoregressive sum farthest from 1;
    - ``kraft_masked_mean``: the average masked sum.
    """
    table = kraft_table(seed)
    worst = int(np.argmax(np.abs(table[:, 0] - 1)))
    return {"kraft_autoregressive": float(table[worst, 0]),
            "kraft_masked_mean": float(table[:, 1].mean())}
