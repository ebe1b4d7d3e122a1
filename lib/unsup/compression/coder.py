r"""An exact arithmetic coder on integers, driven by any next-symbol predictor.

The coder keeps an interval :math:`[\mathrm{low}, \mathrm{high}]` of ``PRECISION``-bit
integers. Coding symbol :math:`x` with cumulative frequencies :math:`F_{<x}, F_{\le x}` out
of a total :math:`T` narrows it to

.. math:: \mathrm{low} + \lfloor r F_{<x} / T \rfloor \;\dots\;
          \mathrm{low} + \lfloor r F_{\le x} / T \rfloor - 1,
          \qquad r = \mathrm{high} - \mathrm{low} + 1,

then shifts out the bits the two ends agree on, with the underflow (E3) scaling of Witten,
Neal and Cleary (1987). The output length is within two bits of
:math:`\sum_t -\log_2 (f_{x_t} / T_t)` plus a rounding loss of about
:math:`T / 2^{\mathrm{PRECISION}-2}` bits per symbol.

A *model* is any object with ``probabilities() -> array`` (the next-symbol distribution)
and ``update(symbol)`` (called after each symbol is coded). The coder quantizes the
probabilities to integer frequencies :math:`f = \lfloor p\, 2^{24} \rfloor + 1`, so that every
symbol keeps a non-empty interval and encoder and decoder see identical integers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

PRECISION = 48
FULL = 1 << PRECISION
HALF = FULL >> 1
QUARTER = FULL >> 2
FREQUENCY_BITS = 24
_SCALE = float(1 << FREQUENCY_BITS)


class Predictor(Protocol):
    """What the coder needs from a model: a distribution now, and an update after each symbol."""

    def probabilities(self) -> NDArray[np.float64]: ...

    def update(self, symbol: int) -> None: ...


def quantize(p: NDArray[np.float64]) -> NDArray[np.int64]:
    r"""Cumulative integer frequencies :math:`\sum_{s \le x} (\lfloor p_s 2^{24} \rfloor + 1)`.

    Multiplying by a power of two and truncating are exact in floating point, so the result
    is the same on every machine. A vector with a negative, NaN or infinite entry, or one
    that does not sum to 1 (within 1e-6), is rejected.
    """
    p = np.asarray(p, dtype=np.float64)
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"probabilities must be a non-empty 1-D array, got shape {p.shape}")
    with np.errstate(invalid="ignore"):
        scaled = p * _SCALE
        cum = np.cumsum(scaled.astype(np.int64)) + np.arange(1, p.size + 1)
    # NaN or inf turn into huge integers and break the total; negatives show in the minimum.
    if not (scaled.min() >= 0 and abs(cum[-1] - p.size - _SCALE) <= 1e-6 * _SCALE + p.size):
        raise ValueError("probabilities must be finite, >= 0 and sum to 1")
    return cum


def encode(symbols: Iterable[int], model: Predictor) -> bytes:
    """Arithmetic-code ``symbols`` with the predictions of ``model`` (which is updated)."""
    low, high, pending = 0, FULL - 1, 0
    bits: list[int] = []
    for symbol in symbols:
        cum = quantize(model.probabilities())
        if not 0 <= symbol < cum.size:
            raise ValueError(f"symbol {symbol} is outside the alphabet [0, {cum.size})")
        total, upper = int(cum[-1]), int(cum[symbol])
        lower = int(cum[symbol - 1]) if symbol else 0
        width = high - low + 1
        high = low + width * upper // total - 1
        low = low + width * lower // total
        while True:
            if high < HALF:
                bits.append(0)
                bits.extend([1] * pending)
                pending = 0
            elif low >= HALF:
                bits.append(1)
                bits.extend([0] * pending)
                pending = 0
                low -= HALF
                high -= HALF
            elif low >= QUARTER and high < HALF + QUARTER:
                pending += 1
                low -= QUARTER
                high -= QUARTER
            else:
                break
            low, high = 2 * low, 2 * high + 1
        model.update(symbol)
    pending += 1
    bits.append(0 if low < QUARTER else 1)
    bits.extend([1 if low < QUARTER else 0] * pending)
    return np.packbits(np.array(bits, dtype=np.uint8)).tobytes()


def decode(payload: bytes, n_symbols: int, model: Predictor) -> list[int]:
    """Decode ``n_symbols`` symbols from ``payload`` with the same model as the encoder.

    The loop runs exactly ``n_symbols`` times. Reading more than ``PRECISION`` bits past the
    end of ``payload`` means it was truncated, and raises ``ValueError``.
    """
    if n_symbols < 0:
        raise ValueError(f"n_symbols must be >= 0, got {n_symbols}")
    stream: Sequence[int] = np.unpackbits(np.frombuffer(payload, dtype=np.uint8)).tolist()
    limit = len(stream) + PRECISION
    position = PRECISION
    value = 0
    for bit in stream[:PRECISION]:
        value = 2 * value + bit
    value <<= max(0, PRECISION - len(stream))
    low, high = 0, FULL - 1
    out: list[int] = []
    for _ in range(n_symbols):
        cum = quantize(model.probabilities())
        total = int(cum[-1])
        width = high - low + 1
        target = ((value - low + 1) * total - 1) // width
        symbol = int(np.searchsorted(cum, target, side="right"))
        if symbol >= cum.size:
            raise ValueError("corrupted arithmetic code: the decoded interval left the alphabet")
        upper = int(cum[symbol])
        lower = int(cum[symbol - 1]) if symbol else 0
        high = low + width * upper // total - 1
        low = low + width * lower // total
        while True:
            if high < HALF:
                pass
            elif low >= HALF:
                low, high, value = low - HALF, high - HALF, value - HALF
            elif low >= QUARTER and high < HALF + QUARTER:
                low, high, value = low - QUARTER, high - QUARTER, value - QUARTER
            else:
                break
            if position >= limit:
                raise ValueError("truncated arithmetic code: ran out of bits")
            bit = stream[position] if position < len(stream) else 0
            position += 1
            low, high, value = 2 * low, 2 * high + 1, 2 * value + bit
        out.append(symbol)
        model.update(symbol)
    return out
