r"""Self-supervised learning on small data: representations, generation, scale.

- Representations: a SimCLR-style encoder is trained to make two augmented views of the
  same image more similar to each other than to the views of the other images in a batch
  (the InfoNCE loss); its features are then judged by a linear classifier (a *probe*)
  trained on a few labels, against a network trained from scratch on the same labels.
- Scale: the power law :math:`L(N) = (N_c/N)^\alpha + L_\infty` of held-out loss against
  model size, fitted with standard errors.
- Generation: straight-line interpolation between two codes in a latent space, decoded and
  judged by a classifier (:func:`interpolation_study`). The generative models themselves
  are in :mod:`unsup.diffusion` and :mod:`unsup.vae`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import ArrayLike, NDArray
from torch import nn

from ._validation import positive_int
from .progress import tqdm

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
    positive_int(epochs, "epochs")
    positive_int(batch_size, "batch_size")
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
                   lr: float = 1e-2, weight_decay: float = 1e-3, fused: bool = False) -> nn.Module:
    """Full-batch Adam on the cross-entropy of ``net`` (features or pixels to 10 logits).

    ``fused=True`` uses torch's fused Adam kernel: the same algorithm in fewer operations
    (faster for small networks; the floats may differ in the last bits)."""
    xt = torch.as_tensor(np.asarray(x, dtype=np.float32))
    yt = torch.as_tensor(np.asarray(y, dtype=np.int64))
    if xt.ndim != 2 or len(xt) != len(yt) or len(xt) == 0:
        raise ValueError(f"x must be 2-D with one row per label, got {tuple(xt.shape)} "
                         f"and {len(yt)} labels")
    opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=weight_decay,
                           fused=True if fused else None)
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
                       seed: int = 0, init_seed: int = 0,
                       fused: bool = False) -> dict[str, NDArray[np.float64]]:
    """Test accuracy of a linear probe on frozen features and of a network trained from
    scratch on pixels (same MLP body plus a linear layer), for each number of labels.

    Each budget is drawn ``repeats`` times (label subsets seeded by ``seed``; the
    classifiers' initial weights by ``init_seed``); returns arrays of shape
    ``(len(budgets), repeats)`` under ``"probe"`` and ``"scratch"``. ``fused`` is passed
    to :func:`fit_classifier`.
    """
    positive_int(repeats, "repeats")
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
            torch.manual_seed(1_000_000 * init_seed + 1000 * i + r)
            lin = fit_classifier(nn.Linear(fx.shape[1], 10), fx[idx], np.asarray(train_y)[idx],
                                 fused=fused)
            probe[i, r] = accuracy(lin, test_feats, test_y)
            net = nn.Sequential(encoder(), nn.ReLU(), nn.Linear(64, 10))
            net = fit_classifier(net, px[idx], np.asarray(train_y)[idx], fused=fused)
            scratch[i, r] = accuracy(net, test_x, test_y)
    return {"probe": probe, "scratch": scratch}


# --- scale: a power law of loss against model size -----------------------------------------


def power_law(n: ArrayLike, n_c: float, alpha: float, l_inf: float) -> NDArray[np.float64]:
    r""":math:`L(N) = (N_c / N)^\alpha + L_\infty`."""
    return (n_c / np.asarray(n, float)) ** alpha + l_inf


@dataclass(frozen=True)
class PowerLawFit:
    """Least-squares parameters of :func:`power_law` with their standard errors (square roots
    of the diagonal of the covariance that ``scipy.optimize.curve_fit`` estimates from the
    residuals). :math:`N_c` is fitted on a log scale: ``log10_n_c`` and its error."""

    log10_n_c: float
    alpha: float
    l_inf: float
    se_log10_n_c: float
    se_alpha: float
    se_l_inf: float
    residuals: NDArray[np.float64]

    @property
    def n_c(self) -> float:
        return float(10.0 ** self.log10_n_c)

    def __call__(self, n: ArrayLike) -> NDArray[np.float64]:
        return power_law(n, self.n_c, self.alpha, self.l_inf)


def fit_power_law(n: ArrayLike, loss: ArrayLike) -> PowerLawFit:
    r"""Fit :func:`power_law` to measured losses by nonlinear least squares (``curve_fit``),
    starting from :math:`N_c` = the smallest size, :math:`\alpha = 0.5` and
    :math:`L_\infty` just below the smallest loss."""
    from scipy.optimize import curve_fit

    n_arr, l_arr = np.asarray(n, float), np.asarray(loss, float)
    if n_arr.ndim != 1 or n_arr.shape != l_arr.shape:
        raise ValueError(f"n and loss must be 1-D of the same length, got {n_arr.shape} "
                         f"and {l_arr.shape}")
    if n_arr.size < 4:
        raise ValueError(f"fitting 3 parameters needs at least 4 points, got {n_arr.size}")
    if np.any(n_arr <= 0) or not np.all(np.isfinite(l_arr)):
        raise ValueError("n must be positive and loss finite")

    def model(log_n, log10_n_c, alpha, l_inf):
        return 10.0 ** (alpha * (log10_n_c - log_n)) + l_inf

    log_n = np.log10(n_arr)
    p0 = (log_n.min(), 0.5, l_arr.min() - 0.1 * (l_arr.max() - l_arr.min()))
    params, cov = curve_fit(model, log_n, l_arr, p0=p0, maxfev=20000)
    se = np.sqrt(np.diag(cov))
    return PowerLawFit(*map(float, params), *map(float, se),
                       residuals=l_arr - model(log_n, *params))


# --- generation: interpolating between modes in a latent space -----------------------------


def straight_line(a: ArrayLike, b: ArrayLike, steps: int) -> NDArray[np.float64]:
    """``steps`` evenly spaced points from ``a`` to ``b`` (both included), shape
    ``(steps, *a.shape)``."""
    if not isinstance(steps, (int, np.integer)) or steps < 2:
        raise ValueError(f"steps must be an integer >= 2, got {steps!r}")
    a_arr, b_arr = np.asarray(a, float), np.asarray(b, float)
    if a_arr.shape != b_arr.shape:
        raise ValueError(f"a and b must have the same shape, got {a_arr.shape}, {b_arr.shape}")
    lam = np.linspace(0.0, 1.0, steps).reshape(-1, *[1] * a_arr.ndim)
    return (1 - lam) * a_arr + lam * b_arr


@dataclass(frozen=True)
class InterpolationStudy:
    """Straight-line paths between pairs of images of different classes, in a latent space
    (decoded) and in pixel space, each judged at every step ``lam`` by a classifier.

    Arrays have shape ``(pairs, steps)`` (``images``: ``(pairs, steps, pixels)``):
    ``p_start`` / ``p_end`` are the classifier's probabilities of the two endpoint classes,
    ``confidence`` its largest probability, ``other`` whether its choice is neither endpoint
    class, ``nearest`` the distance to the nearest training image; ``*_pixel`` are the same
    for the pixel-space path. ``to_start`` and ``to_end`` are the distances of each decoded
    image to the decoded endpoints.
    """

    lam: NDArray[np.float64]
    pairs: NDArray[np.int64]
    images: NDArray[np.float32]
    p_start: NDArray[np.float64]
    p_end: NDArray[np.float64]
    confidence: NDArray[np.float64]
    other: NDArray[np.bool_]
    nearest: NDArray[np.float64]
    to_start: NDArray[np.float64]
    to_end: NDArray[np.float64]
    p_start_pixel: NDArray[np.float64]
    p_end_pixel: NDArray[np.float64]
    confidence_pixel: NDArray[np.float64]
    other_pixel: NDArray[np.bool_]
    nearest_pixel: NDArray[np.float64]


def _nearest_distance(images: NDArray, reference: NDArray) -> NDArray[np.float64]:
    from scipy.spatial.distance import cdist

    return cdist(images.reshape(-1, images.shape[-1]), reference).min(1).reshape(images.shape[:-1])


def interpolation_study(encode, decode, classifier: nn.Module, x: ArrayLike, labels: ArrayLike,
                        train_x: ArrayLike, pairs: ArrayLike, steps: int = 9) -> InterpolationStudy:
    """Interpolate between the codes of ``x[i]`` and ``x[j]`` for every row ``(i, j)`` of
    ``pairs``: ``encode`` maps images to codes (e.g. the VAE's posterior means), ``decode``
    maps codes to images (e.g. the decoder's means); both take and return numpy arrays."""
    x_arr, y = np.asarray(x, np.float32), np.asarray(labels)
    pairs_arr = np.asarray(pairs, np.int64)
    if pairs_arr.ndim != 2 or pairs_arr.shape[1] != 2 or len(pairs_arr) == 0:
        raise ValueError(f"pairs must have shape (n, 2), got {pairs_arr.shape}")
    if np.any(y[pairs_arr[:, 0]] == y[pairs_arr[:, 1]]):
        raise ValueError("every pair must join two images of different classes")
    codes = np.asarray(encode(x_arr[pairs_arr.ravel()]), float).reshape(len(pairs_arr), 2, -1)
    paths = straight_line(codes[:, 0], codes[:, 1], steps).transpose(1, 0, 2)  # (pairs, steps, d)
    images = np.asarray(decode(paths.reshape(-1, paths.shape[-1])), np.float32)
    images = images.reshape(len(pairs_arr), steps, -1)
    pixel = straight_line(x_arr[pairs_arr[:, 0]], x_arr[pairs_arr[:, 1]], steps)
    pixel = pixel.transpose(1, 0, 2).astype(np.float32)
    a, b = y[pairs_arr[:, 0]], y[pairs_arr[:, 1]]

    def judge(imgs):
        with torch.no_grad():
            p = torch.softmax(classifier(torch.as_tensor(imgs.reshape(-1, imgs.shape[-1]))), 1)
        p = p.numpy().astype(float).reshape(*imgs.shape[:2], -1)
        rows, cols = np.arange(len(p))[:, None], np.arange(steps)[None, :]
        choice = p.argmax(2)
        return (p[rows, cols, a[:, None]], p[rows, cols, b[:, None]], p.max(2),
                (choice != a[:, None]) & (choice != b[:, None]))

    ps, pe, conf, other = judge(images)
    ps_x, pe_x, conf_x, other_x = judge(pixel)
    train_arr = np.asarray(train_x, float)
    to_start = np.linalg.norm(images - images[:, :1], axis=2)
    to_end = np.linalg.norm(images - images[:, -1:], axis=2)
    return InterpolationStudy(
        lam=np.linspace(0.0, 1.0, steps), pairs=pairs_arr, images=images,
        p_start=ps, p_end=pe, confidence=conf, other=other,
        nearest=_nearest_distance(images.astype(float), train_arr),
        to_start=to_start, to_end=to_end,
        p_start_pixel=ps_x, p_end_pixel=pe_x, confidence_pixel=conf_x, other_pixel=other_x,
        nearest_pixel=_nearest_distance(pixel.astype(float), train_arr))


def pairs_of_different_classes(labels: ArrayLike, n: int, seed: int = 0) -> NDArray[np.int64]:
    """``n`` distinct random index pairs ``(i, j)`` with ``labels[i] != labels[j]`` (seeded)."""
    positive_int(n, "n")
    y = np.asarray(labels)
    if np.unique(y).size < 2:
        raise ValueError("labels must contain at least two classes")
    rng = np.random.default_rng(seed)
    out: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    while len(out) < n:
        i, j = (int(v) for v in rng.choice(len(y), 2, replace=False))
        if y[i] != y[j] and (i, j) not in seen:
            seen.add((i, j))
            out.append((i, j))
    return np.array(out, np.int64)
