"""Explorers of the chapters 'Autoregressive models are many-to-one' and 'In-context learning
as implicit Bayesian inference'."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from .. import markov_mixture as mm
from .. import seqmodels as sm
from .. import sequences as sq
from ..interactive import Choice, Slider, explorer
from ..plotting import PALETTE, label, new_figure
from ..seeds import torch_seeded

PROMPTS = ("", "aa", "aaab", "aabab", "aaabab", "aabba", "ba", "abab", "bbb")
RULES = {"rule 1: equal counts": sq.equal_counts_next, "rule 2: no a after b": sq.no_a_after_b_next}


def top_completions(prompt: str, q: float, k: int = 5) -> list[tuple[str, float, float]]:
    """The ``k`` likeliest completions under either rule, with their two probabilities."""
    found = [sq.completions(m, prompt, q, max_len=30, min_prob=1e-6) for m in RULES.values()]
    keys = sorted(set(found[0]) | set(found[1]),
                  key=lambda c: -max(found[0].get(c, 0.0), found[1].get(c, 0.0)))[:k]
    return [(c, found[0].get(c, 0.0), found[1].get(c, 0.0)) for c in keys]


@explorer(
    "anbn_completions",
    caption="How each rule completes the chosen prompt (| marks the end of the string). Both "
            "rules give P(aⁿbⁿ) = qⁿ(1 − q) exactly; they agree on every prompt P can produce.",
    q=Slider(0.5, 0.05, 0.95, 0.05, label="q"),
    prompt=Choice(PROMPTS, "aabab", label="prompt"),
)
def anbn_completions(q: float, prompt: str) -> Figure:
    fig = new_figure(width=5.5, height=3.4)
    ax = fig.axes[0]
    rows = top_completions(prompt, q)
    x = np.arange(len(rows))
    for shift, column, colour, name in ((-0.12, 1, PALETTE[1], "rule 1"), (0.12, 2, PALETTE[2], "rule 2")):
        heights = [r[column] for r in rows]
        ax.vlines(x + shift, 0, heights, color=colour, lw=4)
        ax.plot(x + shift, heights, "o", color=colour, label=name)
    ax.set_xticks(x, [(r[0] or "·") + " |" for r in rows], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_xlim(-0.5, len(rows) - 0.5)
    status = "in distribution" if sq.in_support_prefix(prompt) else "P(prompt) = 0"
    label(ax, "completion", "probability", f"q = {q:.2f}, prompt '{prompt}': {status}")
    ax.legend(loc="upper right")
    return fig


COIN_LENGTH = 30
COIN_SEQUENCES = 2000
COIN_STEPS = 300


@lru_cache(maxsize=None)
def _trained_coin_model(seed: int) -> sm.TinyGRU:
    _, bits = sq.coin_mixture(COIN_SEQUENCES, COIN_LENGTH, seed=seed)
    with torch_seeded(seed):
        return sm.train_ar([sq.bits_to_string(x) for x in bits], seed=seed, hidden=16,
                           steps=COIN_STEPS, lr=0.02, decay=True, progress=True)


def trained_coin_model(seed: int = 0) -> sm.TinyGRU:
    """A TinyGRU (16 units) trained on 2000 coin sequences drawn with ``seed`` (biases uniform
    on [0, 1]): 300 Adam steps from initialization ``seed``, learning rate decayed linearly to
    zero. Repeatable on one machine (:func:`unsup.seeds.torch_seeded`); cached per seed."""
    return _trained_coin_model(int(seed))


P_GRID = np.round(np.arange(0.05, 0.951, 0.05), 2)


@lru_cache(maxsize=1)
def coin_curves() -> tuple[np.ndarray, np.ndarray]:
    """Exact and GRU predictives along one seeded sequence of flips for every bias in P_GRID
    (one batched forward pass, so a slider move never runs the network)."""
    uniforms = np.random.default_rng(7).uniform(size=COIN_LENGTH)
    bits = (uniforms[None, :] < P_GRID[:, None]).astype(int)
    exact = np.array([sq.beta_bernoulli_predictive(row, 1.0, 1.0)[:COIN_LENGTH] for row in bits])
    model = sm.next_b_probs(trained_coin_model(), [sq.bits_to_string(row) for row in bits])
    return exact, model


@explorer(
    "coin_in_context",
    caption="A coin with bias p flipped in sequence: the exact Bayesian predictive of the "
            "uniform mixture and the trained GRU's next-token probability, as context grows.",
    context=Slider(20, 0, COIN_LENGTH - 1, 1, label="context length", integer=True),
    p=Slider(0.7, 0.05, 0.95, 0.05, label="true bias p"),
)
def coin_in_context(context: int, p: float) -> Figure:
    i = int(np.argmin(np.abs(P_GRID - p)))
    exact, model = (curves[i] for curves in coin_curves())
    p = float(P_GRID[i])
    t = np.arange(COIN_LENGTH)
    fig = new_figure(width=5.5, height=3.4)
    ax = fig.axes[0]
    ax.plot(t, exact, "-", color=PALETTE[0], label="exact posterior predictive")
    ax.plot(t, model, "--", color=PALETTE[1], label="trained GRU")
    ax.plot([0, COIN_LENGTH - 1], [p, p], color="k", lw=0.8, label="true p")
    # index t of a curve is the prediction of flip t + 1 after the first t flips
    ax.plot([context], [model[context]], "o", color=PALETTE[1])
    ax.set_ylim(0, 1)
    gap = abs(exact[context] - model[context])
    label(ax, "context length t", "P(next flip = 1)",
          f"after {context} flips: exact {exact[context]:.3f}, GRU {model[context]:.3f}"
          f" (gap {gap:.3f})")
    ax.legend(loc="lower right", fontsize=7)
    return fig


MARKOV_LENGTH = 32


MARKOV_SEQUENCES = 4000
MARKOV_STEPS = 400


@lru_cache(maxsize=None)
def _trained_markov_model(seed: int) -> sm.TinyGRU:
    _, _, bits = mm.markov_mixture(MARKOV_SEQUENCES, MARKOV_LENGTH, seed=seed)
    with torch_seeded(seed):
        return sm.train_ar([sq.bits_to_string(x) for x in bits], seed=seed, hidden=32,
                           steps=MARKOV_STEPS, lr=0.02, decay=True, progress=True)


def trained_markov_model(seed: int = 0) -> sm.TinyGRU:
    """A TinyGRU (32 units) trained on 4000 binary Markov chains drawn with ``seed``, whose
    transition rows P(1 | 0) and P(1 | 1) are uniform on [0, 1] (400 Adam steps from
    initialization ``seed``, learning rate decayed linearly to zero). Repeatable on one
    machine (:func:`unsup.seeds.torch_seeded`); cached per seed."""
    return _trained_markov_model(int(seed))


ROW_GRID = np.round(np.arange(0.1, 0.91, 0.1), 2)


def _markov_bits(p01: float, p11: float, uniforms: np.ndarray) -> np.ndarray:
    """One chain driven by ``uniforms``: x_1 = 1 if u_1 < 1/2, then x_t = 1 if
    u_t < P(1 | x_{t-1})."""
    x = np.zeros(len(uniforms), dtype=int)
    x[0] = uniforms[0] < 0.5
    for t in range(1, len(x)):
        x[t] = uniforms[t] < (p11 if x[t - 1] else p01)
    return x


@lru_cache(maxsize=1)
def markov_curves() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For every (P(1 | 0), P(1 | 1)) on ROW_GRID x ROW_GRID, one seeded chain: its symbols, the
    exact predictive of the mixture, the GRU's (one batched forward pass) and the coin
    mixture's (Laplace) predictive, each of shape (9, 9, MARKOV_LENGTH)."""
    uniforms = np.random.default_rng(11).uniform(size=MARKOV_LENGTH)
    bits = np.array([[_markov_bits(a, b, uniforms) for b in ROW_GRID] for a in ROW_GRID])
    flat = bits.reshape(-1, MARKOV_LENGTH)
    exact = np.array([mm.markov_predictive(x)[:-1, 1] for x in flat])
    model = sm.next_b_probs(trained_markov_model(), [sq.bits_to_string(x) for x in flat])
    coin = np.array([sq.beta_bernoulli_predictive(x, 1.0, 1.0)[:-1] for x in flat])
    shape = bits.shape
    return bits, exact.reshape(shape), model.reshape(shape), coin.reshape(shape)


@explorer(
    "markov_in_context",
    caption="A binary Markov chain with transition probabilities P(1 | 0) and P(1 | 1): the "
            "exact predictive of the mixture of chains, the GRU trained on that mixture, and "
            "the coin mixture's predictive (which ignores the order), as context grows. The "
            "black steps are the true P(1 | last symbol); ticks at the top mark the ones of "
            "the chain, at the bottom its zeros.",
    context=Slider(24, 0, MARKOV_LENGTH - 1, 1, label="context length", integer=True),
    p01=Slider(0.2, 0.1, 0.9, 0.1, label="P(1 | 0)"),
    p11=Slider(0.7, 0.1, 0.9, 0.1, label="P(1 | 1)"),
)
def markov_in_context(context: int, p01: float, p11: float) -> Figure:
    i, j = (int(np.argmin(np.abs(ROW_GRID - v))) for v in (p01, p11))
    bits, exact, model, coin = (curves[i, j] for curves in markov_curves())
    p01, p11 = float(ROW_GRID[i]), float(ROW_GRID[j])
    # index t of a curve is the prediction of symbol t + 1 after the first t symbols
    t = np.arange(MARKOV_LENGTH)
    truth = np.r_[0.5, np.where(bits[:-1] == 1, p11, p01)]
    width = 6.4
    fig = new_figure(width=width, height=3.4)
    fig.subplots_adjust(right=1 - 1.75 / width)
    ax = fig.axes[0]
    ax.step(t, truth, where="mid", color="k", lw=0.8, label="true chain")
    ax.plot(t, coin, ":", color=PALETTE[2], label="coin mixture")
    ax.plot(t, exact, "-", color=PALETTE[0], label="exact (chains)")
    ax.plot(t, model, "--", color=PALETTE[1], label="trained GRU")
    ax.plot(t, np.where(bits == 1, 1.03, -0.03), "|", color="0.4", ms=5,
            label="symbol t + 1")
    ax.plot([context], [model[context]], "o", color=PALETTE[1])
    ax.set_ylim(-0.07, 1.07)
    gap = abs(exact[context] - model[context])
    label(ax, "context length t", "P(next symbol = 1)",
          f"after {context} symbols: exact {exact[context]:.3f}, GRU "
          f"{model[context]:.3f} (gap {gap:.3f})")
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=7)
    return fig
