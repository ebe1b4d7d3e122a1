"""Explorers of the chapter 'Autoregressive models are many-to-one'."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from .. import seqmodels as sm
from .. import sequences as sq
from ..interactive import Choice, Slider, explorer
from ..plotting import PALETTE, label, new_figure

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


@lru_cache(maxsize=1)
def trained_coin_model():
    """A TinyGRU trained on 2000 seeded coin sequences (biases uniform on [0, 1])."""
    _, bits = sq.coin_mixture(2000, COIN_LENGTH, seed=0)
    return sm.train_ar([sq.bits_to_string(x) for x in bits], seed=0, hidden=16, steps=300,
                       progress=True)


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
    context=Slider(20, 1, COIN_LENGTH, 1, label="context length", integer=True),
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
    ax.plot([context - 1], [model[context - 1]], "o", color=PALETTE[1])
    ax.set_ylim(0, 1)
    gap = abs(exact[context - 1] - model[context - 1])
    label(ax, "context length t", "P(next flip = 1)",
          f"after {context} flips: exact {exact[context - 1]:.3f}, GRU {model[context - 1]:.3f}"
          f" (gap {gap:.3f})")
    ax.legend(loc="lower right", fontsize=7)
    return fig
