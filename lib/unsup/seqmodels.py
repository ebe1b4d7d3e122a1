r"""Small neural autoregressive models (torch) over the tokens ``a``, ``b`` and ``$``.

A GRU reads a start token and the prefix and outputs logits of the next token; training
minimizes the cross-entropy :math:`-\frac1T\sum_t \log Q_\theta(s_t \mid s_{<t})` over seeded
samples, so a perfect fit is any model whose conditionals match :math:`P` on its support.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .progress import tqdm
VOCAB = {"a": 0, "b": 1, "$": 2}
START = 3


class TinyGRU(nn.Module):
    """Embedding -> one GRU layer -> linear logits over ``a``, ``b``, ``$``."""

    def __init__(self, hidden: int = 16) -> None:
        super().__init__()
        if hidden < 1:
            raise ValueError(f"hidden must be >= 1, got {hidden}")
        self.embed = nn.Embedding(4, hidden)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 3)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.out(self.gru(self.embed(tokens))[0])


def encode(strings: list[str]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Inputs (start + string), targets (string + ``$``) and a mask, padded to one length."""
    if not strings:
        raise ValueError("strings must not be empty")
    width = max(len(s) for s in strings) + 1
    inputs = torch.full((len(strings), width), START)
    targets = torch.full((len(strings), width), VOCAB["$"])
    mask = torch.zeros((len(strings), width), dtype=torch.bool)
    for i, s in enumerate(strings):
        ids = [VOCAB[c] for c in s]
        inputs[i, 1:len(s) + 1] = torch.tensor(ids, dtype=torch.long)
        targets[i, :len(s)] = torch.tensor(ids, dtype=torch.long)
        mask[i, :len(s) + 1] = True
    return inputs, targets, mask


def train_ar(strings: list[str], seed: int, hidden: int = 16, steps: int = 300,
             batch: int = 64, lr: float = 0.02, progress: bool = False,
             decay: bool = False) -> TinyGRU:
    """Adam on the masked next-token cross-entropy, minibatches drawn with a seeded generator.

    With ``decay`` the learning rate falls linearly from ``lr`` to ``lr / steps``, which
    removes most of the step-to-step noise of the final model."""
    if steps < 1 or batch < 1:
        raise ValueError(f"steps and batch must be >= 1, got steps={steps}, batch={batch}")
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = TinyGRU(hidden)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, (lambda i: 1.0 - i / steps) if decay else (lambda i: 1.0))
    for _ in tqdm(range(steps), disable=not progress, desc=f"seed {seed}", leave=False):
        chosen = [strings[i] for i in rng.integers(0, len(strings), batch)]
        inputs, targets, mask = encode(chosen)
        logits = model(inputs)
        loss = nn.functional.cross_entropy(logits[mask], targets[mask])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    return model


@torch.no_grad()
def log_prob(model: TinyGRU, strings: list[str], prompt: str = "") -> np.ndarray:
    r""":math:`\log Q_\theta(s \mid \text{prompt})` (nats) of each completion ``s``, end token included."""
    full = [prompt + s for s in strings]
    inputs, targets, mask = encode(full)
    logp = torch.log_softmax(model(inputs), -1).gather(-1, targets[..., None])[..., 0]
    keep = mask.clone()
    keep[:, :len(prompt)] = False
    return (logp * keep).sum(1).numpy()


@torch.no_grad()
def next_b_probs(model: TinyGRU, strings: list[str]) -> np.ndarray:
    r""":math:`Q_\theta(x_{t+1} = b \mid x_{1:t}, \text{not end})` for :math:`t = 0..n-1`, one row
    per string (all strings of the same length): the end token's share is renormalized away."""
    if not strings or len({len(s) for s in strings}) != 1:
        raise ValueError("strings must be a non-empty list of equally long strings")
    probs = torch.softmax(model(encode(strings)[0]), -1)[:, : len(strings[0]), :2]
    return (probs[..., 1] / probs.sum(-1)).numpy()
