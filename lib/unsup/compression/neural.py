r"""A small neural next-byte model trained by SGD: maximum likelihood as compression.

The model reads the previous ``context`` bytes, embeds each, and maps them through one
hidden layer to logits over the 256 byte values. Its code length for a text is

.. math:: L(\theta) = \sum_i -\log_2 P_\theta(x_i \mid x_{i-k}, \dots, x_{i-1}) \text{ bits},

the negative log-likelihood in bits. Training minimizes exactly this quantity (in nats).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from numpy.typing import NDArray

from .models import as_bytes


class CharMLP(torch.nn.Module):
    """Embed the last ``context`` bytes, one tanh hidden layer, logits over 256 bytes."""

    def __init__(self, context: int = 4, embedding: int = 12, hidden: int = 64) -> None:
        super().__init__()
        for name, value in (("context", context), ("embedding", embedding), ("hidden", hidden)):
            if not (isinstance(value, int) and value >= 1):
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        self.context = context
        self.embed = torch.nn.Embedding(256, embedding)
        self.net = torch.nn.Sequential(torch.nn.Linear(context * embedding, hidden),
                                       torch.nn.Tanh(), torch.nn.Linear(hidden, 256))

    def forward(self, windows: torch.Tensor) -> torch.Tensor:
        return self.net(self.embed(windows).flatten(1))

    def n_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())


def context_windows(data: bytes, context: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Rows ``(x_{i-1}, ..., x_{i-k})`` and targets ``x_i`` (text preceded by ``k`` zero bytes)."""
    x = np.concatenate([np.zeros(context, np.int64), np.frombuffer(as_bytes(data), np.uint8)])
    index = np.arange(context, x.size)
    windows = np.stack([x[index - k] for k in range(1, context + 1)], axis=1)
    return torch.from_numpy(windows), torch.from_numpy(x[index].copy())


def code_length_bits(model: CharMLP, data: bytes) -> float:
    """:math:`\\sum_i -\\log_2 P_\\theta(x_i \\mid \\text{previous } k \\text{ bytes})` in bits."""
    windows, targets = context_windows(data, model.context)
    with torch.no_grad():
        nats = torch.nn.functional.cross_entropy(model(windows), targets, reduction="sum")
    return float(nats) / np.log(2)


@dataclass
class TrainingRun:
    """A trained model and its held-out code length (bits per byte) at each checkpoint."""

    model: CharMLP
    steps: list[int] = field(default_factory=list)
    heldout_bits_per_byte: list[float] = field(default_factory=list)


def train(train_text: bytes, heldout_text: bytes, *, hidden: int = 64, steps: int = 1200,
          batch: int = 256, lr: float = 1e-2, every: int = 100, seed: int = 0,
          progress: bool = True) -> TrainingRun:
    """Minimize the code length of ``train_text`` with Adam; record the held-out code length.

    The run is repeatable on one machine: initialization, batches and every update happen
    inside :func:`unsup.seeds.torch_seeded` (torch's global generator seeded with ``seed``,
    one thread, deterministic algorithms), which leaves no global change behind.
    """
    if not (isinstance(steps, int) and steps >= 1 and isinstance(every, int) and every >= 1):
        raise ValueError(f"steps and every must be integers >= 1, got {steps!r}, {every!r}")
    from ..progress import tqdm
    from ..seeds import torch_seeded

    with torch_seeded(seed):
        model = CharMLP(hidden=hidden)
        windows, targets = context_windows(train_text, model.context)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        generator = torch.Generator().manual_seed(seed)
        run = TrainingRun(model)
        n_heldout = len(heldout_text)
        bar = tqdm(range(steps + 1), desc=f"SGD, hidden={hidden}", disable=not progress,
                   leave=False)
        for step in bar:
            if step % every == 0:
                run.steps.append(step)
                run.heldout_bits_per_byte.append(
                    code_length_bits(model, heldout_text) / n_heldout)
            if step == steps:
                break
            rows = torch.randint(0, targets.numel(), (batch,), generator=generator)
            loss = torch.nn.functional.cross_entropy(model(windows[rows]), targets[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return run


class NeuralPredictor:
    """Wrap a :class:`CharMLP` as a predictor for :func:`unsup.compression.encode`."""

    def __init__(self, model: CharMLP) -> None:
        self.model = model
        self.history = [0] * model.context  # most recent byte first

    def probabilities(self) -> NDArray[np.float64]:
        with torch.no_grad():
            logits = self.model(torch.tensor([self.history], dtype=torch.int64))[0].double()
        return torch.softmax(logits, dim=0).numpy()

    def update(self, symbol: int) -> None:
        self.history = [symbol, *self.history[:-1]]
