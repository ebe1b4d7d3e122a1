"""Self-supervised representation learning on small images: augmentations, InfoNCE, probes.

A SimCLR-style encoder is trained to make two augmented views of the same image
more similar to each other than to the views of the other images in a batch (the
InfoNCE loss); its features are then judged by a linear classifier (a *probe*)
trained on a few labels, against a network trained from scratch on the same labels.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import ArrayLike, NDArray
from torch import nn
from tqdm.auto import tqdm


def _positive_int(value: int, name: str) -> None:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def _images(x: ArrayLike | torch.Tensor, side: int) -> torch.Tensor:
    t = torch.as_tensor(np.asarray(x, dtype=np.float32))
    if t.ndim != 2 or t.shape[1] != side * side:
        raise ValueError(f"x must have shape (n, {side * side}) (flattened {side}x{side} images), "
                         f"got {tuple(t.shape)}")
    return t


def augment(x: ArrayLike | torch.Tensor, generator: torch.Generator, side: int = 8,
            max_shift: int = 1, noise: float = 0.1, crop: int = 1) -> torch.Tensor:
    """A random view of each image: shift by up to ``max_shift`` pixels (zero fill), blank a
    random band of ``crop`` rows and ``crop`` columns at the border (a crop), add Gaussian
    noise of standard deviation ``noise``."""
    if max_shift < 0 or crop < 0 or noise < 0:
        raise ValueError("max_shift, crop and noise must be non-negative")
    if crop >= side:
        raise ValueError(f"crop must be smaller than side={side}, got {crop}")
    img = _images(x, side).view(-1, side, side)
    n = img.shape[0]
    pad = F.pad(img, (max_shift,) * 4)
    dx = torch.randint(0, 2 * max_shift + 1, (n,), generator=generator)
    dy = torch.randint(0, 2 * max_shift + 1, (n,), generator=generator)
    rows = (dy[:, None] + torch.arange(side)[None, :])[:, :, None]
    cols = (dx[:, None] + torch.arange(side)[None, :])[:, None, :]
    out = pad[torch.arange(n)[:, None, None], rows, cols]
    if crop:
        top = torch.rand(n, generator=generator) < 0.5
        left = torch.rand(n, generator=generator) < 0.5
        idx = torch.arange(side)
        row_mask = torch.where(top[:, None], idx[None, :] < crop, idx[None, :] >= side - crop)
        col_mask = torch.where(left[:, None], idx[None, :] < crop, idx[None, :] >= side - crop)
        out = out.masked_fill(row_mask[:, :, None] | col_mask[:, None, :], 0.0)
    out = out + noise * torch.randn(out.shape, generator=generator)
    return out.reshape(n, side * side)


def info_nce(z1: torch.Tensor, z2: torch.Tensor, temperature: float = 0.2) -> torch.Tensor:
    r"""Symmetric InfoNCE loss of paired embeddings (rows of ``z1`` and ``z2`` are two views):

    .. math:: -\frac{1}{2n}\sum_i \Bigl[\log \frac{e^{s_{ii}/\tau}}{\sum_j e^{s_{ij}/\tau}}
              + \log \frac{e^{s_{ii}/\tau}}{\sum_j e^{s_{ji}/\tau}}\Bigr],

    with :math:`s_{ij}` the cosine similarity of :math:`z_{1,i}` and :math:`z_{2,j}`.
    """
    if z1.shape != z2.shape or z1.ndim != 2:
        raise ValueError(f"z1 and z2 must be 2-D of the same shape, got {tuple(z1.shape)} "
                         f"and {tuple(z2.shape)}")
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    logits = F.normalize(z1, dim=1) @ F.normalize(z2, dim=1).T / temperature
    target = torch.arange(z1.shape[0])
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))


def encoder(input_dim: int = 64, hidden: int = 128, feature_dim: int = 64) -> nn.Sequential:
    """The MLP used both as the contrastive encoder and as the supervised network's body."""
    return nn.Sequential(nn.Linear(input_dim, hidden), nn.ReLU(), nn.Linear(hidden, feature_dim))


def train_contrastive(x: ArrayLike, epochs: int = 40, batch_size: int = 256,
                      temperature: float = 0.2, lr: float = 2e-3, seed: int = 0,
                      progress: bool = True) -> tuple[nn.Module, list[float]]:
    """A SimCLR-style encoder trained with :func:`info_nce` on pairs of :func:`augment` views
    (a small projection head is used for the loss and dropped afterwards)."""
    _positive_int(epochs, "epochs")
    _positive_int(batch_size, "batch_size")
    data = _images(x, 8)
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    body, head = encoder(), nn.Sequential(nn.ReLU(), nn.Linear(64, 32))
    opt = torch.optim.Adam([*body.parameters(), *head.parameters()], lr=lr)
    losses = []
    for _ in tqdm(range(epochs), desc="contrastive epochs", disable=not progress):
        order = torch.randperm(len(data), generator=gen)
        for start in range(0, len(data), batch_size):
            batch = data[order[start:start + batch_size]]
            loss = info_nce(head(body(augment(batch, gen))), head(body(augment(batch, gen))),
                            temperature)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return body.eval(), losses


def features(model: nn.Module, x: ArrayLike) -> NDArray[np.float32]:
    """The encoder's output for every image, as a numpy array."""
    with torch.no_grad():
        return model(_images(x, 8)).numpy()


def fit_classifier(net: nn.Module, x: ArrayLike, y: ArrayLike, steps: int = 300,
                   lr: float = 1e-2, weight_decay: float = 1e-3) -> nn.Module:
    """Full-batch Adam on the cross-entropy of ``net`` (features or pixels to 10 logits)."""
    xt = torch.as_tensor(np.asarray(x, dtype=np.float32))
    yt = torch.as_tensor(np.asarray(y, dtype=np.int64))
    if xt.ndim != 2 or len(xt) != len(yt) or len(xt) == 0:
        raise ValueError(f"x must be 2-D with one row per label, got {tuple(xt.shape)} "
                         f"and {len(yt)} labels")
    opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=weight_decay)
    for _ in range(steps):
        loss = F.cross_entropy(net(xt), yt)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net.eval()


def accuracy(net: nn.Module, x: ArrayLike, y: ArrayLike) -> float:
    """Fraction of rows whose largest logit is the label."""
    with torch.no_grad():
        pred = net(torch.as_tensor(np.asarray(x, dtype=np.float32))).argmax(1).numpy()
    return float(np.mean(pred == np.asarray(y)))


def label_budget_curve(train_feats: ArrayLike, train_x: ArrayLike, train_y: ArrayLike,
                       test_feats: ArrayLike, test_x: ArrayLike, test_y: ArrayLike,
                       budgets: tuple[int, ...], repeats: int = 3,
                       seed: int = 0) -> dict[str, NDArray[np.float64]]:
    """Test accuracy of a linear probe on frozen features and of a network trained from
    scratch on pixels (same MLP body plus a linear layer), for each number of labels.

    Each budget is drawn ``repeats`` times (label subsets seeded); returns arrays of
    shape ``(len(budgets), repeats)`` under ``"probe"`` and ``"scratch"``.
    """
    _positive_int(repeats, "repeats")
    n = len(train_y)
    for b in budgets:
        if not 1 <= b <= n:
            raise ValueError(f"every budget must lie in [1, {n}] (training set size), got {b}")
    rng = np.random.default_rng(seed)
    fx, px = np.asarray(train_feats), np.asarray(train_x)
    probe = np.zeros((len(budgets), repeats))
    scratch = np.zeros_like(probe)
    for i, b in enumerate(budgets):
        for r in range(repeats):
            idx = rng.choice(n, b, replace=False)
            torch.manual_seed(1000 * i + r)
            lin = fit_classifier(nn.Linear(fx.shape[1], 10), fx[idx], np.asarray(train_y)[idx])
            probe[i, r] = accuracy(lin, test_feats, test_y)
            net = nn.Sequential(encoder(), nn.ReLU(), nn.Linear(64, 10))
            net = fit_classifier(net, px[idx], np.asarray(train_y)[idx])
            scratch[i, r] = accuracy(net, test_x, test_y)
    return {"probe": probe, "scratch": scratch}
