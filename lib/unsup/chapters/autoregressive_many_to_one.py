r"""Experiments of the chapter 'Autoregressive models are many-to-one', one seed at a time.

Two claims of the chapter rest on random draws or on training, and are measured here by a
function ``experiment(seed) -> dict[str, float]``; the chapter calls the same functions for
seed 0, and the multi-seed tests (``tests/seeds/test_autoregressive_many_to_one.py``) run
them for seeds 0..4 to find out how much room each claim has:

- :func:`rule_samples`: seeded samples of the two rule-based models of :math:`a^n b^n` are
  the same strings (the rules agree on every prefix that :math:`P` produces);
- :func:`gru_seeds`: a group of small GRUs trained on the same samples of :math:`P`,
  differing only in their initialisation, all fit :math:`P` and all complete the
  in-distribution prompt ``aaab`` the same way, but disagree on the out-of-distribution
  prompt ``aabab``.

One *seed* of :func:`gru_seeds` is a whole group of :data:`MODELS_PER_GROUP` networks
(initialisation seeds ``MODELS_PER_GROUP * seed + i``) trained on samples drawn with seeds
``2 * seed`` (training) and ``2 * seed + 1`` (held out), since the claim "the seeds
disagree" is a statement about several networks. The group is trained at once as a
:class:`GRUStack` (one batched computation, each network with its own parameters and its own
Adam moments), on the full training cross-entropy: the 2000 samples of :math:`P` hold only
a dozen distinct strings, so one batch of the distinct strings weighted by their counts *is*
the whole data set. Training runs inside :func:`unsup.seeds.torch_seeded`, so a run is
bit-identical on one machine and leaves no global state changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
from torch import nn

from .. import seqmodels as sm
from .. import sequences as sq
from ..seeds import torch_seeded

__all__ = [
    "DISAGREEMENT_MIN",
    "HIDDEN",
    "LR",
    "MODELS_PER_GROUP",
    "NLL_GAP_MAX",
    "N_HELD_OUT",
    "N_SAMPLES",
    "N_TRAIN",
    "OOD_PROMPTS",
    "P_IN_MIN",
    "STEPS",
    "GRUStack",
    "GroupRun",
    "Q",
    "distinct_counts",
    "greedy_completion",
    "group_run",
    "gru_seeds",
    "rule_completions",
    "rule_samples",
    "train_stack",
    "verdict",
]

Q = 0.5
"""The parameter :math:`q` of :math:`P(a^n b^n) = q^n (1 - q)` used throughout the chapter."""
N_SAMPLES = 2000
"""Samples drawn from each rule-based model in :func:`rule_samples`."""
N_TRAIN, N_HELD_OUT = 2000, 1000
"""Training and held-out samples of :math:`P` for the GRUs."""
MODELS_PER_GROUP = 12
"""Networks trained per seed of :func:`gru_seeds`."""
HIDDEN, STEPS, LR = 16, 150, 0.05
"""GRU width, full-batch Adam steps and initial learning rate (decayed linearly to ``LR / STEPS``)."""
NLL_GAP_MAX = 0.05
"""Bound on a network's held-out NLL minus the exact NLL (nats per string): 'fits P'. The
entropy of :math:`P` at :math:`q = 1/2` is :math:`2 \\log 2 \\approx 1.39` nats per string."""
P_IN_MIN = 0.9
"""Bound below on :math:`Q(\\texttt{bb} \\mid \\texttt{aaab})` (exactly 1 under :math:`P`)."""
DISAGREEMENT_MIN = 1.0
"""Bound below on ``disagreement_log10``: the networks disagree off the support over ten
times more than on it."""
OOD_PROMPTS = ("aabab", "aaabab", "aabba", "aaabba")
"""Prompts that :math:`P` never produces and on which the two rules complete differently."""


def rule_samples(seed: int) -> dict[str, float]:
    """Draw :data:`N_SAMPLES` strings from each rule with the same seeded generator.

    Measures ``differing_samples``: the number of positions where the two lists of samples
    differ (the chapter predicts zero: inverse-CDF sampling only reads conditionals at
    prefixes already drawn, all of them in the support of :math:`P`, where the rules agree).
    """
    one = sq.sample(sq.equal_counts_next, Q, N_SAMPLES, seed=seed)
    two = sq.sample(sq.no_a_after_b_next, Q, N_SAMPLES, seed=seed)
    return {"differing_samples": float(sum(a != b for a, b in zip(one, two, strict=True)))}


def rule_completions(prompt: str, q: float = Q) -> tuple[str, str]:
    """The completion of ``prompt`` under rule 1 and under rule 2 (both are deterministic
    off the support of :math:`P`); raises if a rule's completion is not unique."""
    found = []
    for rule in (sq.equal_counts_next, sq.no_a_after_b_next):
        completions = sq.completions(rule, prompt, q)
        if len(completions) != 1:
            raise ValueError(f"prompt {prompt!r} has {len(completions)} completions under "
                             f"{rule.__name__}, not one")
        found.append(next(iter(completions)))
    return found[0], found[1]


def distinct_counts(strings: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """The distinct strings (sorted) and how often each occurs."""
    if not strings:
        raise ValueError("strings must not be empty")
    counts = Counter(strings)
    distinct = sorted(counts)
    return distinct, np.array([counts[s] for s in distinct], dtype=float)


_PARAMETERS = (
    ("embed", "embed.weight"),
    ("w_ih", "gru.weight_ih_l0"),
    ("w_hh", "gru.weight_hh_l0"),
    ("b_ih", "gru.bias_ih_l0"),
    ("b_hh", "gru.bias_hh_l0"),
    ("out_w", "out.weight"),
    ("out_b", "out.bias"),
)


class GRUStack(nn.Module):
    r"""Several :class:`unsup.seqmodels.TinyGRU` networks of one width, run as one batch.

    Parameter ``p`` of network ``k`` is ``getattr(self, p)[k]``; the forward pass computes
    the GRU equations of :class:`torch.nn.GRU` (reset gate :math:`r`, update gate :math:`z`,
    candidate :math:`n = \tanh(W_{in} x + b_{in} + r \odot (W_{hn} h + b_{hn}))`, new state
    :math:`(1 - z) \odot n + z \odot h`) for every network at once. Each network's
    parameters only enter its own logits, so minimizing the sum of the networks' losses
    with Adam (an elementwise optimizer) trains each network exactly as alone.
    """

    def __init__(self, models: Sequence[sm.TinyGRU]) -> None:
        super().__init__()
        if not models:
            raise ValueError("models must not be empty")
        widths = {m.gru.hidden_size for m in models}
        if len(widths) != 1:
            raise ValueError(f"models must share one width, got {sorted(widths)}")
        self.hidden = widths.pop()

        def stack(path: str) -> nn.Parameter:
            return nn.Parameter(torch.stack([m.get_parameter(path).detach().clone()
                                             for m in models]))

        self.embed = stack("embed.weight")
        self.w_ih = stack("gru.weight_ih_l0")
        self.w_hh = stack("gru.weight_hh_l0")
        self.b_ih = stack("gru.bias_ih_l0")
        self.b_hh = stack("gru.bias_hh_l0")
        self.out_w = stack("out.weight")
        self.out_b = stack("out.bias")

    def __len__(self) -> int:
        return self.embed.shape[0]

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Logits of shape (networks, batch, time, 3) for input tokens of shape (batch, time)."""
        x = self.embed[:, tokens]
        gates_in = torch.einsum("kbth,kgh->kbtg", x, self.w_ih) + self.b_ih[:, None, None]
        h = x.new_zeros(len(self), tokens.shape[0], self.hidden)
        states = []
        for t in range(tokens.shape[1]):
            gates_h = torch.baddbmm(self.b_hh[:, None], h, self.w_hh.transpose(1, 2))
            in_r, in_z, in_n = gates_in[:, :, t].chunk(3, -1)
            h_r, h_z, h_n = gates_h.chunk(3, -1)
            r = torch.sigmoid(in_r + h_r)
            z = torch.sigmoid(in_z + h_z)
            n = torch.tanh(in_n + r * h_n)
            h = n + z * (h - n)
            states.append(h)
        hs = torch.stack(states, 2)
        return torch.einsum("kbth,kgh->kbtg", hs, self.out_w) + self.out_b[:, None, None]

    def to_models(self) -> list[sm.TinyGRU]:
        """The networks as separate :class:`unsup.seqmodels.TinyGRU` modules (copies)."""
        models = []
        for k in range(len(self)):
            model = sm.TinyGRU(self.hidden)
            with torch.no_grad():
                for name, path in _PARAMETERS:
                    model.get_parameter(path).copy_(getattr(self, name)[k])
            models.append(model)
        return models


def train_stack(strings: Sequence[str], seeds: Sequence[int], hidden: int = HIDDEN,
                steps: int = STEPS, lr: float = LR) -> list[sm.TinyGRU]:
    """One :class:`unsup.seqmodels.TinyGRU` per seed, trained by full-batch Adam.

    Network ``i`` is initialised by ``TinyGRU(hidden)`` under ``torch_seeded(seeds[i])``;
    its loss is the mean next-token cross-entropy over every token of ``strings`` (end
    tokens included), computed once per distinct string and weighted by its count. The
    learning rate falls linearly from ``lr`` to ``lr / steps``.
    """
    if steps < 1 or not seeds:
        raise ValueError(f"steps must be >= 1 and seeds non-empty, got {steps}, {list(seeds)}")
    distinct, counts = distinct_counts(strings)
    inputs, targets, mask = sm.encode(distinct)
    weights = (torch.tensor(counts, dtype=torch.float32)[:, None] * mask)[mask]
    weights = weights / weights.sum()
    models = []
    for seed in seeds:
        with torch_seeded(int(seed)):
            models.append(sm.TinyGRU(hidden))
    stack = GRUStack(models)
    with torch_seeded(int(seeds[0])):
        opt = torch.optim.Adam(stack.parameters(), lr=lr)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda i: 1.0 - i / steps)
        for _ in range(steps):
            logits = stack(inputs)[:, mask]  # (networks, tokens, 3)
            nll = -torch.log_softmax(logits, -1).gather(
                -1, targets[mask].expand(len(stack), -1)[..., None])[..., 0]
            loss = (nll * weights).sum()  # sum over networks of each one's mean loss
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    return stack.to_models()


@dataclass(frozen=True)
class GroupRun:
    """A trained group of GRUs and what the chapter measures on each network."""

    seeds: tuple[int, ...]
    """Initialisation seeds of the networks."""
    models: tuple[sm.TinyGRU, ...]
    """The trained networks, in the order of ``seeds``."""
    nll_gap: np.ndarray
    """Held-out NLL per string minus the exact NLL of :math:`P` on the same strings (nats)."""
    p_in: np.ndarray
    """:math:`Q(\\texttt{bb} \\mid \\texttt{aaab})`, the in-distribution completion."""
    probs: dict[str, np.ndarray]
    """Per OOD prompt, shape (networks, 2): probabilities of the rule-1 and rule-2 completion."""
    completions: dict[str, tuple[str, str]]
    """Per OOD prompt, the rule-1 and rule-2 completion."""


@lru_cache(maxsize=2)
def group_run(seed: int, models: int = MODELS_PER_GROUP) -> GroupRun:
    """Train group ``seed`` (see the module docstring) and measure every network."""
    if models < 2:
        raise ValueError(f"a group needs at least 2 networks, got {models}")
    train = sq.sample(sq.equal_counts_next, Q, N_TRAIN, seed=2 * seed)
    # the held-out NLL is a mean over samples: computed once per distinct string, weighted
    held_out, counts = distinct_counts(
        sq.sample(sq.equal_counts_next, Q, N_HELD_OUT, seed=2 * seed + 1))
    share = counts / counts.sum()
    exact_nll = -share @ np.log([sq.string_prob(sq.equal_counts_next, s, Q) for s in held_out])
    seeds = tuple(models * seed + i for i in range(models))
    nets = train_stack(train, seeds)
    completions = {p: rule_completions(p) for p in OOD_PROMPTS}
    return GroupRun(
        seeds=seeds,
        models=tuple(nets),
        nll_gap=np.array([-share @ sm.log_prob(m, held_out) - exact_nll for m in nets]),
        p_in=np.array([np.exp(sm.log_prob(m, ["bb"], prompt="aaab"))[0] for m in nets]),
        probs={p: np.array([np.exp(sm.log_prob(m, list(pair), prompt=p)) for m in nets])
               for p, pair in completions.items()},
        completions=completions,
    )


@torch.no_grad()
def greedy_completion(model: sm.TinyGRU, prompt: str, max_len: int = 12) -> str:
    """The completion of ``prompt`` that takes the likeliest next token at every step
    (at most ``max_len`` letters; ``...`` marks a completion cut there)."""
    tail = ""
    while len(tail) < max_len:
        inputs = sm.encode([prompt + tail])[0]
        token = sq.TOKENS[int(model(inputs)[0, len(prompt + tail)].argmax())]
        if token == sq.END:
            return tail
        tail += token
    return tail + "..."


def verdict(pair: Sequence[float]) -> str:
    """Which rule a network follows, given its probabilities of the two completions."""
    if pair[0] > 0.5:
        return "rule 1"
    return "rule 2" if pair[1] > 0.5 else "neither"


def gru_seeds(seed: int) -> dict[str, float]:
    """Group ``seed`` of trained GRUs (:func:`group_run`). Measures

    - ``nll_gap_worst``: the largest :math:`|` held-out NLL :math:`-` exact NLL :math:`|`
      over the group (nats per string);
    - ``p_in_min``: the smallest :math:`Q(\\texttt{bb} \\mid \\texttt{aaab})` in the group;
    - ``disagreement_log10``: :math:`\\log_{10}` of the ratio of two standard deviations
      over the group, that of the probability of the rule-1 completion of ``aabab`` to that
      of :math:`Q(\\texttt{bb} \\mid \\texttt{aaab})`: how many orders of magnitude more the
      networks disagree off the support than on it. (On a log scale because a ratio of two
      sample standard deviations is skewed: its logarithm is closer to symmetric.)
    """
    run = group_run(seed)
    ood_sd = np.std(run.probs["aabab"][:, 0], ddof=1)
    in_sd = np.std(run.p_in, ddof=1)
    return {
        "nll_gap_worst": float(np.abs(run.nll_gap).max()),
        "p_in_min": float(run.p_in.min()),
        "disagreement_log10": float(np.log10(ood_sd / in_sd)),
    }
