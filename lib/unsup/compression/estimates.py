r"""Compressor-based estimates, and compressors turned into predictors.

For a compressor :math:`C` with output length :math:`|C(\cdot)|` in bits:

- shared information :math:`|C(X)| + |C(Y)| - |C(XY)|` (about :math:`I(X;Y)` for a good compressor),
- conditional cost :math:`|C(XY)| - |C(X)|` (about the bits :math:`Y` needs once :math:`X`
  is known),
- normalized compression distance (Cilibrasi and Vitányi, 2005)
  :math:`\mathrm{NCD}(X, Y) = \dfrac{|C(XY)| - \min(|C(X)|, |C(Y)|)}{\max(|C(X)|, |C(Y)|)}`.

``compressor`` is one of :data:`COMPRESSORS` (``"book"``, ``"ideal"``, ``"zlib"``, ``"bz2"``,
``"lzma"``) or any callable ``bytes -> bytes``.
"""

from __future__ import annotations

import bz2
import lzma
import zlib
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from .container import compress
from .models import DEFAULT_ORDER, as_bytes, code_length_bits

LZMA_PRESET = 9 | lzma.PRESET_EXTREME

COMPRESSORS: dict[str, Callable[[bytes], float]] = {
    "book": lambda data: 8.0 * len(compress(data, DEFAULT_ORDER)),
    "ideal": lambda data: code_length_bits(data, DEFAULT_ORDER),
    "zlib": lambda data: 8.0 * len(zlib.compress(data, 9)),
    "bz2": lambda data: 8.0 * len(bz2.compress(data, 9)),
    "lzma": lambda data: 8.0 * len(lzma.compress(data, preset=LZMA_PRESET)),
}


def compressed_bits(data: bytes, compressor: str | Callable[[bytes], bytes] = "ideal") -> float:
    """Output length :math:`|C(\\text{data})|` in bits.

    ``"ideal"`` is the context model's exact (fractional) code length.
    """
    data = as_bytes(data)
    if callable(compressor):
        return 8.0 * len(compressor(data))
    if compressor not in COMPRESSORS:
        raise ValueError(f"compressor must be one of {sorted(COMPRESSORS)} or a callable, "
                         f"got {compressor!r}")
    return float(COMPRESSORS[compressor](data))


def shared_information(x: bytes, y: bytes, compressor: str | Callable = "ideal") -> float:
    """:math:`|C(X)| + |C(Y)| - |C(XY)|` in bits."""
    x, y = as_bytes(x, "x"), as_bytes(y, "y")
    return (compressed_bits(x, compressor) + compressed_bits(y, compressor)
            - compressed_bits(x + y, compressor))


def conditional_cost(y: bytes, given: bytes, compressor: str | Callable = "ideal") -> float:
    """:math:`|C(XY)| - |C(X)|` in bits, with :math:`X` = ``given``."""
    x, y = as_bytes(given, "given"), as_bytes(y, "y")
    return compressed_bits(x + y, compressor) - compressed_bits(x, compressor)


def normalized_compression_distance(x: bytes, y: bytes,
                                    compressor: str | Callable = "ideal") -> float:
    """:math:`(|C(XY)| - \\min(|C(X)|, |C(Y)|)) / \\max(|C(X)|, |C(Y)|)`."""
    x, y = as_bytes(x, "x"), as_bytes(y, "y")
    cx, cy = compressed_bits(x, compressor), compressed_bits(y, compressor)
    if max(cx, cy) <= 0:
        raise ValueError("x and y must not both compress to zero bits")
    return (compressed_bits(x + y, compressor) - min(cx, cy)) / max(cx, cy)


def compressor_predictor(prefix: bytes, compressor: str | Callable = "ideal",
                         alphabet: Sequence[int] = range(256)) -> NDArray[np.float64]:
    r"""A compressor as a predictor.

    .. math:: p(a) \propto 2^{-(|C(\text{prefix}\,a)| - |C(\text{prefix})|)}


    Returns the probabilities of the symbols in ``alphabet`` (in that order). For the ideal
    code length of an adaptive model this recovers the model's own prediction exactly.
    """
    prefix = as_bytes(prefix, "prefix")
    symbols = list(alphabet)
    if not symbols or any(not 0 <= a < 256 for a in symbols):
        raise ValueError("alphabet must be a non-empty sequence of byte values in [0, 256)")
    lengths = np.array([compressed_bits(prefix + bytes([a]), compressor) for a in symbols])
    weights = np.exp2(-(lengths - lengths.min()))
    return weights / weights.sum()


@lru_cache(maxsize=1)
def documentation_text() -> bytes:
    """English text that ships with CPython: every entry of ``pydoc_data.topics``, joined."""
    from pydoc_data.topics import topics

    return "\n\n".join(topics[key] for key in sorted(topics)).encode("utf-8")
