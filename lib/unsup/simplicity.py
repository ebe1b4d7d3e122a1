"""Simplicity bias of random networks on boolean functions, and Lempel-Ziv complexity.

A network with random weights, thresholded at zero, defines a boolean function on a
finite set of inputs; its *truth table* lists the outputs in the order of the inputs.
Sampling many networks gives a distribution over functions that can be compared with
the counting measure (every one of the :math:`2^{2^n}` functions equally likely).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import positive_int


def binary_inputs(n_bits: int) -> NDArray[np.float64]:
    """All :math:`2^n` bit vectors as rows, row ``i`` being ``i`` written in binary (MSB first)."""
    positive_int(n_bits, "n_bits")
    if n_bits > 16:
        raise ValueError(f"n_bits must be at most 16 (2**n_bits rows), got {n_bits}")
    codes = np.arange(2**n_bits)[:, None] >> np.arange(n_bits - 1, -1, -1)[None, :]
    return (codes & 1).astype(float)


def one_hot_inputs(n_points: int) -> NDArray[np.float64]:
    """The same number of inputs with no shared vector structure: the rows of the identity."""
    positive_int(n_points, "n_points")
    return np.eye(n_points)


def random_network_functions(inputs: ArrayLike, n_samples: int, hidden: tuple[int, ...] = (),
                             bias: bool = True, seed: int = 0,
                             chunk: int = 2000) -> NDArray[np.bool_]:
    r"""Truth tables of ``n_samples`` random networks on the rows of ``inputs``.

    Each network is :math:`f(x) = \mathbb 1[w^\top h(x) + b > 0]` with
    :math:`h` a stack of ReLU layers of widths ``hidden`` (identity if empty). Inputs are
    divided by their root-mean-square norm; weights are i.i.d. :math:`\mathcal N(0, 1)` in
    the first layer and :math:`\mathcal N(0, 1/\text{fan-in})` after, biases
    :math:`\mathcal N(0, 1)` (zero when ``bias`` is false). Returns a boolean array
    ``(n_samples, n_inputs)``.
    """
    x = np.asarray(inputs, dtype=float)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"inputs must be a non-empty 2-D array, got shape {x.shape}")
    positive_int(n_samples, "n_samples")
    positive_int(chunk, "chunk")
    for width in hidden:
        positive_int(width, "hidden widths")
    rng = np.random.default_rng(seed)
    # The first layer is scaled by the mean squared input norm rather than the fan-in, so
    # that w.x has unit variance on average for any encoding (one-hot rows have norm 1).
    first_scale = np.sqrt(np.mean(np.sum(x**2, axis=1)))
    if first_scale == 0:
        raise ValueError("inputs must not all be zero vectors")
    x = (x / first_scale).astype(np.float32)
    tables = []
    for start in range(0, n_samples, chunk):
        m = min(chunk, n_samples - start)
        h = np.broadcast_to(x, (m,) + x.shape)
        widths = (*hidden, 1)
        for layer, width in enumerate(widths):
            fan_in = 1 if layer == 0 else h.shape[-1]
            w = rng.standard_normal((m, h.shape[-1], width), dtype=np.float32) / np.sqrt(fan_in)
            b = (rng.standard_normal((m, 1, width), dtype=np.float32) if bias
                 else np.zeros((m, 1, width), np.float32))
            h = h @ w + b
            if layer < len(widths) - 1:
                h = np.maximum(h, 0.0)
        tables.append(h[..., 0] > 0)
    return np.concatenate(tables)


def function_counts(tables: ArrayLike) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """The distinct truth tables (rows) and how many times each was sampled, most frequent first."""
    t = np.asarray(tables, dtype=bool)
    if t.ndim != 2 or t.shape[0] == 0:
        raise ValueError(f"tables must be a non-empty 2-D array, got shape {t.shape}")
    unique, counts = np.unique(t, axis=0, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return unique[order], counts[order]


def _as_bits(sequence: ArrayLike | str) -> str:
    if isinstance(sequence, str):
        if set(sequence) - {"0", "1"}:
            raise ValueError("sequence must contain only the characters '0' and '1'")
        return sequence
    arr = np.asarray(sequence).ravel()
    if not np.isin(arr, (0, 1)).all():
        raise ValueError("sequence must contain only 0 and 1")
    return arr.astype(np.uint8).tobytes().translate(_DIGITS).decode()


_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def lz76_phrases(sequence: ArrayLike | str) -> int:
    """Number of phrases in the Lempel-Ziv (1976) parsing of a binary sequence.

    Each new phrase is the shortest extension that cannot be copied from earlier text
    (the copy may overlap the phrase itself, so it is searched in everything but the
    phrase's last symbol). ``"0001101001000101"`` parses as ``0.001.10.100.1000.101``:
    6 phrases. A final phrase that is a copy still counts.
    """
    s = _as_bits(sequence)
    n = len(s)
    if n == 0:
        raise ValueError("sequence must not be empty")
    phrases, start = 0, 0
    while start < n:
        length = 1
        while start + length <= n and s[start:start + length] in s[:start + length - 1]:
            length += 1
        phrases += 1
        start += length
    return phrases


def lz_complexity(sequence: ArrayLike | str) -> float:
    r"""The Lempel-Ziv complexity of Valle-Pérez et al. for a truth table of length n.

    :math:`K(x) = \log_2 n` if :math:`x` is constant, else
    :math:`\log_2 n \cdot \tfrac12 [N(x_1 \dots x_n) + N(x_n \dots x_1)]` with :math:`N` the
    LZ76 phrase count (averaged over both reading directions).
    """
    s = _as_bits(sequence)
    n = len(s)
    if n < 2:
        raise ValueError(f"sequence must have at least 2 symbols, got {n}")
    if len(set(s)) == 1:
        return float(np.log2(n))
    return float(np.log2(n) * 0.5 * (lz76_phrases(s) + lz76_phrases(s[::-1])))


def ones_fraction_variance_ratio(tables: ArrayLike) -> float:
    """Variance of the fraction of ones across sampled functions, divided by the binomial
    variance :math:`1/(4n)` it would have under the counting measure."""
    t = np.asarray(tables, dtype=bool)
    if t.ndim != 2 or t.shape[0] < 2:
        raise ValueError(f"tables must be 2-D with at least 2 rows, got shape {t.shape}")
    return float(t.mean(axis=1).var() / (0.25 / t.shape[1]))


def constant_probability(tables: ArrayLike) -> float:
    """Fraction of sampled truth tables that are constant (all zeros or all ones)."""
    t = np.asarray(tables, dtype=bool)
    if t.ndim != 2 or t.shape[0] == 0:
        raise ValueError(f"tables must be a non-empty 2-D array, got shape {t.shape}")
    return float(np.mean(t.all(axis=1) | ~t.any(axis=1)))
