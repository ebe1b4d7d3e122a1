r"""Compression is prediction: an arithmetic coder, adaptive context models and
compressor-based estimates of shared information.

- :mod:`.coder` -- exact integer arithmetic coding driven by any next-symbol predictor
- :mod:`.models` -- adaptive order-k byte models and their ideal code lengths
- :mod:`.container` -- :func:`compress` / :func:`decompress` with a checked header
- :mod:`.estimates` -- compressed sizes with the book's coder, zlib, bz2 and lzma; shared
  information, conditional cost, normalized compression distance; compressors as predictors
- :mod:`.programs` -- brute-force shortest-program search in a tiny language
- :mod:`.ngram` -- held-out entropies of count models with past-only or two-sided contexts
"""

from .coder import Predictor, decode, encode, quantize
from .container import compress, decompress, read_header
from .estimates import (
    COMPRESSORS,
    compressed_bits,
    compressor_predictor,
    documentation_text,
    conditional_cost,
    normalized_compression_distance,
    shared_information,
)
from .models import (
    DEFAULT_ORDER,
    ContextModel,
    code_length_bits,
    conditional_code_length_bits,
    symbol_code_lengths,
)

__all__ = [
    "COMPRESSORS", "ContextModel", "DEFAULT_ORDER", "Predictor", "code_length_bits",
    "compress", "compressed_bits", "compressor_predictor", "conditional_code_length_bits",
    "conditional_cost", "decode", "decompress", "documentation_text", "encode",
    "normalized_compression_distance", "quantize", "read_header", "shared_information",
    "symbol_code_lengths",
]
