r"""Adaptive context models over bytes: interpolated order-k prediction.

The model predicts byte :math:`x_t` from the :math:`k` bytes before it (the text is
preceded by :math:`k` virtual zero bytes). For each order :math:`j = 0, \dots, k` let
:math:`c_j(x)` be how often :math:`x` followed the current order-:math:`j` context so far,
:math:`n_j = \sum_x c_j(x)` and :math:`d_j` the number of distinct bytes seen there. With an
escape weight :math:`e`, the prediction blends orders from low to high,

.. math:: p_{-1}(x) = \frac{1}{256}, \qquad
          p_j(x) = \frac{c_j(x) + e\, d_j\, p_{j-1}(x)}{n_j + e\, d_j}
          \quad (p_j = p_{j-1} \text{ if } n_j = 0),

a Witten-Bell style interpolation (PPM's escape-C estimate, blended instead of
excluded). Each :math:`p_j` sums to one, so :math:`p_k` is a proper distribution whatever
the counts. The counts are updated after every byte: the model is *adaptive*, and a
decoder that replays the same updates recovers the same predictions.

:func:`symbol_code_lengths` computes :math:`-\log_2 p_k(x_t)` for every :math:`t` at once
with numpy, in the same floating-point operations as :class:`ContextModel`, so the two
agree bit for bit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

MAX_ORDER = 8
DEFAULT_ORDER = 6
DEFAULT_ESCAPE = 5


def check_order(order: int, escape: int = DEFAULT_ESCAPE) -> None:
    """Validate the model's order (0 ... 8) and escape weight (1 ... 255)."""
    if not (isinstance(order, (int, np.integer)) and 0 <= order <= MAX_ORDER):
        raise ValueError(f"order must be an integer in [0, {MAX_ORDER}], got {order!r}")
    if not (isinstance(escape, (int, np.integer)) and 1 <= escape <= 255):
        raise ValueError(f"escape must be an integer in [1, 255], got {escape!r}")


def as_bytes(data: bytes | bytearray | memoryview, name: str = "data") -> bytes:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"{name} must be bytes, got {type(data).__name__}")
    return bytes(data)


class ContextModel:
    """The adaptive order-``order`` byte model; see the module docstring for the formula.

    Each context stores only the bytes seen after it (sparse), so memory grows with the
    number of distinct (context, byte) pairs rather than 256 counts per context.
    """

    def __init__(self, order: int = DEFAULT_ORDER, escape: int = DEFAULT_ESCAPE) -> None:
        check_order(order, escape)
        self.order, self.escape = int(order), int(escape)
        self._tables: list[dict[int, _Context]] = [{} for _ in range(self.order + 1)]
        self._masks = [(1 << (8 * j)) - 1 for j in range(self.order + 1)]
        self._context = 0  # the last `order` bytes as one integer (virtual zeros at first)

    def probabilities(self) -> NDArray[np.float64]:
        """:math:`p_k(\\cdot)` for the next byte."""
        p = np.full(256, 1 / 256)
        for table, mask in zip(self._tables, self._masks):
            ctx = table.get(self._context & mask)
            if ctx is not None:
                dd = self.escape * len(ctx.where)
                # (c + dd p) / (n + dd), adding c only where it is non-zero: the same floats.
                p = dd * p
                p[ctx.symbols] += ctx.counts
                p /= ctx.total + dd
        return p

    def update(self, symbol: int) -> None:
        """Count ``symbol`` in every order's current context, then shift it into the context."""
        for table, mask in zip(self._tables, self._masks):
            key = self._context & mask
            ctx = table.get(key)
            if ctx is None:
                ctx = table[key] = _Context()
            ctx.add(symbol)
        self._context = ((self._context << 8) | symbol) & self._masks[-1]


class _Context:
    """Counts of the bytes seen after one context: parallel arrays plus a position index."""

    __slots__ = ("symbols", "counts", "where", "total")

    def __init__(self) -> None:
        self.symbols = np.zeros(0, dtype=np.int64)
        self.counts = np.zeros(0, dtype=np.int64)
        self.where: dict[int, int] = {}
        self.total = 0

    def add(self, symbol: int) -> None:
        position = self.where.get(symbol)
        if position is None:
            self.where[symbol] = self.symbols.size
            self.symbols = np.append(self.symbols, symbol)
            self.counts = np.append(self.counts, 1)
        else:
            self.counts[position] += 1
        self.total += 1


def _previous_occurrences(keys: NDArray[np.int64]) -> tuple[NDArray, NDArray, NDArray]:
    """For each position, how many earlier positions hold the same key (plus the sort used)."""
    order = np.argsort(keys, kind="stable")
    ranked = keys[order]
    starts = np.r_[True, ranked[1:] != ranked[:-1]]
    index = np.arange(keys.size)
    group_start = np.maximum.accumulate(np.where(starts, index, 0))
    earlier = np.empty(keys.size, dtype=np.int64)
    earlier[order] = index - group_start
    return earlier, order, starts


def _context_ids(data: NDArray[np.uint8], order: int, j: int) -> NDArray[np.int64]:
    """An integer id per position for its order-``j`` context (the ``j`` bytes before it)."""
    n = data.size
    padded = np.concatenate([np.zeros(order, dtype=np.uint64), data.astype(np.uint64)])
    key = np.zeros(n, dtype=np.uint64)
    for i in range(1, j + 1):
        key = key * np.uint64(256) + padded[order - i : order - i + n]
    return np.unique(key, return_inverse=True)[1].reshape(-1).astype(np.int64)


def symbol_code_lengths(data: bytes, order: int = DEFAULT_ORDER,
                        escape: int = DEFAULT_ESCAPE) -> NDArray[np.float64]:
    r"""Per-byte code lengths :math:`-\log_2 p_k(x_t \mid x_{<t})` of the adaptive model (bits)."""
    data_arr = np.frombuffer(as_bytes(data), dtype=np.uint8)
    check_order(order, escape)
    p = np.full(data_arr.size, 1 / 256)
    if data_arr.size == 0:
        return p
    symbols = data_arr.astype(np.int64)
    for j in range(order + 1):
        context = _context_ids(data_arr, order, j)
        c, _, _ = _previous_occurrences(context * 256 + symbols)
        n, by_context, starts = _previous_occurrences(context)
        first = (c == 0).astype(np.int64)[by_context]
        before = np.cumsum(first) - first  # exclusive running count, in context order
        d = np.empty_like(n)
        d[by_context] = before - np.maximum.accumulate(np.where(starts, before, 0))
        dd = escape * d
        seen = n > 0
        p[seen] = (c[seen] + dd[seen] * p[seen]) / (n[seen] + dd[seen])
    return -np.log2(p)


def code_length_bits(data: bytes, order: int = DEFAULT_ORDER,
                     escape: int = DEFAULT_ESCAPE) -> float:
    r"""Ideal adaptive code length :math:`\sum_t -\log_2 p_k(x_t \mid x_{<t})` in bits."""
    return float(symbol_code_lengths(data, order, escape).sum())


def conditional_code_length_bits(data: bytes, given: bytes, order: int = DEFAULT_ORDER,
                                 escape: int = DEFAULT_ESCAPE) -> float:
    r"""Bits to code ``data`` after the model has read ``given``.

    With :math:`z` = ``given + data``: :math:`\sum_{t > |X|} -\log_2 p(z_t \mid z_{<t})`.
    """
    given = as_bytes(given, "given")
    lengths = symbol_code_lengths(given + as_bytes(data), order, escape)
    return float(lengths[len(given):].sum())
