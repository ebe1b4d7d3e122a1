"""Small image data sets for generative models (seeded, nothing downloaded).

- :func:`sprites`: binary sprites on a square canvas with four known generative factors
  (shape, scale, x and y position), the full factorial grid or seeded random draws, so
  that disentanglement can be measured against ground truth.
- :func:`digits`: scikit-learn's 8x8 handwritten digits (they ship inside the package),
  scaled to [0, 1] or binarized, with a seeded train/test split.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

SHAPES = ("square", "ring", "plus")
SCALES = (3, 5, 7)
FACTOR_NAMES = ("shape", "scale", "x", "y")


@dataclass(frozen=True)
class Sprites:
    """Images ``(n, size * size)`` in {0, 1}, their factors ``(n, 4)`` (integer levels)."""

    images: NDArray[np.float32]
    factors: NDArray[np.int64]
    size: int
    factor_names: tuple[str, ...] = FACTOR_NAMES

    @property
    def factor_sizes(self) -> tuple[int, ...]:
        return tuple(int(self.factors[:, k].max()) + 1 for k in range(self.factors.shape[1]))


def sprite_mask(shape: str, scale: int) -> NDArray[np.bool_]:
    """The ``scale x scale`` pixel mask of one shape (``scale`` odd)."""
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {SHAPES}, got {shape!r}")
    if scale < 1 or scale % 2 == 0:
        raise ValueError(f"scale must be an odd integer >= 1, got {scale}")
    r = scale // 2
    dy, dx = np.mgrid[-r:r + 1, -r:r + 1]
    if shape == "square":
        return np.ones((scale, scale), bool)
    if shape == "ring":
        return np.maximum(abs(dx), abs(dy)) == r
    return (dx == 0) | (dy == 0)


def draw_sprite(shape: int, scale: int, x: int, y: int, size: int) -> NDArray[np.float32]:
    """One canvas: shape ``SHAPES[shape]`` of side ``SCALES[scale]`` centred in the box
    of side ``max(SCALES)`` whose top-left corner is at column ``x``, row ``y``."""
    box = max(SCALES)
    if not (0 <= x <= size - box and 0 <= y <= size - box):
        raise ValueError(f"x and y must lie in [0, {size - box}] for size {size}, got {x}, {y}")
    side = SCALES[scale]
    canvas = np.zeros((size, size), np.float32)
    top, left = y + (box - side) // 2, x + (box - side) // 2
    canvas[top:top + side, left:left + side] = sprite_mask(SHAPES[shape], side)
    return canvas


def sprites(size: int = 14, n: int | None = None, seed: int = 0) -> Sprites:
    """Sprites with factors shape (3 levels), scale (3), x and y (``size - 6`` levels each).

    With ``n=None`` every combination of factors appears once (the factorial grid);
    otherwise ``n`` draws with independent uniform factors, reproducible from ``seed``.
    """
    if size < max(SCALES) + 1:
        raise ValueError(f"size must be >= {max(SCALES) + 1}, got {size}")
    positions = size - max(SCALES) + 1
    levels = (len(SHAPES), len(SCALES), positions, positions)
    if n is None:
        factors = np.array(list(itertools.product(*map(range, levels))), dtype=np.int64)
    else:
        if n < 1:
            raise ValueError(f"n must be >= 1 (or None for the full grid), got {n}")
        rng = np.random.default_rng(seed)
        factors = np.stack([rng.integers(0, k, size=n) for k in levels], axis=1).astype(np.int64)
    images = np.stack([draw_sprite(*f, size=size).ravel() for f in factors])
    return Sprites(images=images, factors=factors, size=size)


@dataclass(frozen=True)
class Digits:
    """Train and test images ``(n, 64)`` with their labels."""

    train: NDArray[np.float32]
    test: NDArray[np.float32]
    train_labels: NDArray[np.int64]
    test_labels: NDArray[np.int64]


def digits(binarize: bool = True, test_fraction: float = 0.2, seed: int = 0) -> Digits:
    """scikit-learn's 8x8 digits, pixels divided by 16 (or thresholded at 8/16 when
    ``binarize``), split at random into train and test sets with ``seed``."""
    from sklearn.datasets import load_digits

    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie in (0, 1), got {test_fraction}")
    data = load_digits()
    x = data.data.astype(np.float32) / 16.0
    if binarize:
        x = (x >= 0.5).astype(np.float32)
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = int(round(test_fraction * len(x)))
    test, train = order[:n_test], order[n_test:]
    labels = data.target.astype(np.int64)
    return Digits(x[train], x[test], labels[train], labels[test])
