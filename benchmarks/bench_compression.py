"""Benchmarks of unsup.compression: coder speed, overhead against the ideal code length,
and bits per character against zlib, bz2 and lzma on real text."""

from __future__ import annotations

import bz2
import lzma
import time
import zlib

import numpy as np

import unsup.compression as uc
from unsup.compression.container import HEADER_SIZE


def _seconds(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run(table) -> None:
    text = uc.documentation_text()
    sample = text[200_000:220_000]
    encode_s, blob = _seconds(lambda: uc.compress(sample))
    decode_s, restored = _seconds(lambda: uc.decompress(blob))
    assert restored == sample
    ideal_s, _ = _seconds(lambda: uc.code_length_bits(sample))
    table("compression coder throughput (order 6, 20 kB of documentation)",
          ["operation", "seconds", "kB/s", "µs per byte"],
          [[name, f"{s:.2f}", f"{len(sample) / s / 1000:.1f}", f"{1e6 * s / len(sample):.1f}"]
           for name, s in (("compress (arithmetic coder)", encode_s),
                           ("decompress", decode_s),
                           ("code_length_bits (numpy, ideal)", ideal_s))])

    inputs = {
        "documentation, 20 kB": sample,
        "random bytes, 2 kB": np.random.default_rng(0).bytes(2000),
        "one byte repeated, 5 kB": b"q" * 5000,
        "all 256 byte values x 4": bytes(range(256)) * 4,
    }
    rows = []
    for name, data in inputs.items():
        packed = blob if data is sample else uc.compress(data)
        ideal = uc.code_length_bits(data) / 8
        payload = len(packed) - HEADER_SIZE
        rows.append([name, f"{ideal:.1f}", str(payload), f"{payload - ideal:+.1f}",
                     f"{100 * (payload - ideal) / max(ideal, 1):+.3f}%", str(HEADER_SIZE)])
    table("compression coder overhead against the ideal code length (bound: 0.1% + 16 bytes)",
          ["input", "ideal bytes", "coded payload", "difference", "relative", "header"], rows)

    slices = {"30 kB slice": text[200_000:230_000], "whole text (466 kB)": text}
    compressors = {
        "book model, order 6 (ideal)": lambda d: uc.code_length_bits(d) / 8,
        "book model, order 8 (ideal)": lambda d: uc.code_length_bits(d, 8, 6) / 8,
        "zlib -9": lambda d: len(zlib.compress(d, 9)),
        "bz2 -9": lambda d: len(bz2.compress(d, 9)),
        "lzma -9e": lambda d: len(lzma.compress(d, preset=9 | lzma.PRESET_EXTREME)),
    }
    rows = [["book coder, order 6 (real output)",
             f"{8 * len(uc.compress(slices['30 kB slice'])) / 30_000:.3f}", "—"]]
    for name, size_of in compressors.items():
        rows.append([name] + [f"{8 * size_of(d) / len(d):.3f}" for d in slices.values()])
    table("compression: bits per character on CPython's pydoc_data documentation",
          ["compressor", *slices], rows)
