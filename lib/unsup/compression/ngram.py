r"""Held-out entropies of count models with past-only or two-sided contexts.

A context is a tuple of offsets relative to the predicted position: ``(-1, -2)`` is the
two previous symbols (an autoregressive context), ``(-1, 1, -2, 2)`` the two symbols on
each side (a masked, BERT-style context). Counts come from a training text; predictions
back off through the prefixes of the offset tuple with Witten-Bell interpolation,

.. math:: p_j(x) = \frac{c_j(x) + d_j\, p_{j-1}(x)}{n_j + d_j}, \qquad p_{-1}(x) = 1/256,

and the score is the average :math:`-\log_2 p(x_t \mid \text{context}_t)` over a test text.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .models import as_bytes


def _check_offsets(offsets: Sequence[int]) -> tuple[int, ...]:
    offsets = tuple(int(o) for o in offsets)
    if any(o == 0 for o in offsets) or len(set(offsets)) != len(offsets) or len(offsets) > 7:
        raise ValueError(f"offsets must be at most 7 distinct non-zero integers, got {offsets}")
    return offsets


def _keys(data: np.ndarray, offsets: tuple[int, ...], positions: np.ndarray) -> np.ndarray:
    key = np.zeros(positions.size, dtype=np.uint64)
    for o in offsets:
        key = key * np.uint64(256) + data[positions + o].astype(np.uint64)
    return key


def heldout_bits_per_symbol(train: bytes, test: bytes, offsets: Sequence[int]) -> float:
    """Average held-out code length (bits per symbol) of the backoff count model."""
    offsets = _check_offsets(offsets)
    tr = np.frombuffer(as_bytes(train, "train"), dtype=np.uint8)
    te = np.frombuffer(as_bytes(test, "test"), dtype=np.uint8)
    lo, hi = -min(0, *offsets), max(0, *offsets)
    if tr.size <= lo + hi or te.size <= lo + hi:
        raise ValueError(f"train and test must be longer than the context span {lo + hi}")
    pos_tr, pos_te = np.arange(lo, tr.size - hi), np.arange(lo, te.size - hi)
    y_tr, y_te = tr[pos_tr].astype(np.uint64), te[pos_te].astype(np.uint64)
    p = np.full(pos_te.size, 1 / 256)
    for j in range(len(offsets) + 1):
        ctx_tr, ctx_te = _keys(tr, offsets[:j], pos_tr), _keys(te, offsets[:j], pos_te)
        n = _lookup(ctx_tr, ctx_te)
        pairs_tr = np.unique(ctx_tr * np.uint64(256) + y_tr)
        c = _lookup(ctx_tr * np.uint64(256) + y_tr, ctx_te * np.uint64(256) + y_te)
        d = _lookup(pairs_tr // np.uint64(256), ctx_te)
        seen = n > 0
        p[seen] = (c[seen] + d[seen] * p[seen]) / (n[seen] + d[seen])
    return float(np.mean(-np.log2(p)))


def _lookup(train_keys: np.ndarray, query: np.ndarray) -> np.ndarray:
    """How many times each query key occurs among ``train_keys``."""
    values, counts = np.unique(train_keys, return_counts=True)
    index = np.clip(np.searchsorted(values, query), 0, max(values.size - 1, 0))
    return np.where(values[index] == query, counts[index], 0).astype(np.int64)
