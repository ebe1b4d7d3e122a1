"""Tests of unsup.compression: the arithmetic coder, the context model and the container."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unsup.compression import (
    ContextModel,
    code_length_bits,
    compress,
    conditional_code_length_bits,
    decode,
    decompress,
    documentation_text,
    encode,
    quantize,
    read_header,
    symbol_code_lengths,
)
from unsup.compression.container import HEADER_SIZE

RNG = np.random.default_rng(0)
EDGE_INPUTS = {
    "empty": b"",
    "one byte": b"\x7f",
    "all 256 values": bytes(range(256)),
    "all 256 values reversed, twice": bytes(range(255, -1, -1)) * 2,
    "long run": b"\x00" * 5000,
    "run of 0xff": b"\xff" * 777,
    "random": RNG.bytes(2000),
    "text": documentation_text()[:3000],
}


@pytest.mark.parametrize("order", [0, 1, 3, 5])
@pytest.mark.parametrize("name", EDGE_INPUTS)
def test_round_trip_on_edge_inputs(name, order):
    data = EDGE_INPUTS[name]
    assert decompress(compress(data, order)) == data


@settings(max_examples=40)
@given(st.binary(max_size=300), st.integers(0, 4), st.integers(1, 8))
def test_round_trip_property(data, order, escape):
    assert decompress(compress(data, order, escape)) == data


@pytest.mark.parametrize("order", [0, 2, 5, 8])
def test_vectorized_code_lengths_equal_the_sequential_model_bit_for_bit(order):
    data = documentation_text()[5000:7000] + RNG.bytes(300)
    model, bits = ContextModel(order), []
    for symbol in data:
        bits.append(-np.log2(model.probabilities()[symbol]))
        model.update(symbol)
    np.testing.assert_array_equal(symbol_code_lengths(data, order), np.array(bits))


def test_model_probabilities_sum_to_one_and_are_positive():
    model = ContextModel(3)
    for symbol in b"abracadabra":
        p = model.probabilities()
        assert p.min() > 0 and p.sum() == pytest.approx(1.0, abs=1e-12)
        model.update(symbol)


def test_code_length_closed_form_order_zero():
    # First byte: 1/256. Second byte 'b' after one 'a': (0 + 4 * 1 * 1/256) / (1 + 4) = 1/320.
    assert code_length_bits(b"ab", order=0, escape=4) == pytest.approx(8 + np.log2(320), abs=1e-12)
    # 'a' again: (1 + 4/256) / 5.
    expected = 8 - np.log2((1 + 4 / 256) / 5)
    assert code_length_bits(b"aa", order=0, escape=4) == pytest.approx(expected)


@pytest.mark.parametrize("name", ["random", "long run", "text", "all 256 values"])
def test_coder_output_is_within_a_tenth_of_a_percent_plus_16_bytes_of_ideal(name):
    data = EDGE_INPUTS[name] if name != "text" else documentation_text()[:20000]
    payload_bytes = len(compress(data)) - HEADER_SIZE
    ideal_bytes = code_length_bits(data) / 8
    # Quantizing the probabilities can win or lose a little; either way it is tiny.
    assert abs(payload_bytes - ideal_bytes) <= 0.001 * ideal_bytes + 16


def test_conditional_code_length_is_the_difference_of_joint_and_prefix():
    x, y = documentation_text()[:4000], documentation_text()[9000:12000]
    joint, alone = code_length_bits(x + y), code_length_bits(x)
    assert conditional_code_length_bits(y, given=x) == pytest.approx(joint - alone, abs=1e-6)
    assert conditional_code_length_bits(y, given=x) < code_length_bits(y)


class FixedModel:
    """A static distribution: the coder must reach its entropy."""

    def __init__(self, p):
        self.p = np.asarray(p, float)

    def probabilities(self):
        return self.p

    def update(self, symbol):
        pass


def test_coder_with_any_predictor_reaches_the_ideal_length():
    p = np.array([0.7, 0.2, 0.05, 0.05])
    symbols = RNG.choice(4, size=5000, p=p).tolist()
    payload = encode(symbols, FixedModel(p))
    ideal = -np.log2(p[symbols]).sum()
    assert 8 * len(payload) <= ideal * 1.001 + 16
    assert decode(payload, len(symbols), FixedModel(p)) == symbols


def test_quantize_keeps_every_symbol_and_validates():
    cum = quantize(np.array([1.0, 0.0, 0.0]))
    assert np.all(np.diff(np.r_[0, cum]) >= 1)
    for bad in ([0.5, 0.4], [np.nan, 1.0], [np.inf, 0.0], [-0.1, 1.1]):
        with pytest.raises(ValueError, match="finite, >= 0 and sum to 1"):
            quantize(np.array(bad))
    with pytest.raises(ValueError, match="non-empty 1-D"):
        quantize(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="outside the alphabet"):
        encode([5], FixedModel([0.5, 0.5]))


# --- corrupted and truncated blobs ---------------------------------------------------------

BLOB_DATA = documentation_text()[:2000]


@pytest.fixture(scope="module")
def blob():
    return compress(BLOB_DATA)


def test_header_describes_the_data(blob):
    header = read_header(blob)
    assert header["length"] == len(BLOB_DATA) and header["order"] == 6
    assert header["data_crc"] == zlib.crc32(BLOB_DATA)


@pytest.mark.parametrize("cut", [0, 5, HEADER_SIZE - 1, HEADER_SIZE, HEADER_SIZE + 10, -1])
def test_truncated_blob_raises(blob, cut):
    with pytest.raises(ValueError, match="truncated"):
        decompress(blob[:cut])


def test_trailing_bytes_raise(blob):
    with pytest.raises(ValueError, match="trailing bytes"):
        decompress(blob + b"\x00")


def test_bad_magic_raises(blob):
    with pytest.raises(ValueError, match="magic"):
        decompress(b"ZZZZ" + blob[4:])


@pytest.mark.parametrize("position", range(4, HEADER_SIZE))
def test_every_corrupted_header_byte_is_detected(blob, position):
    damaged = bytearray(blob)
    damaged[position] ^= 0x40
    with pytest.raises(ValueError, match="header|truncated"):
        decompress(bytes(damaged))


@pytest.mark.parametrize("offset", [0, 1, 100, -1])
def test_corrupted_payload_is_detected(blob, offset):
    damaged = bytearray(blob)
    damaged[HEADER_SIZE + offset if offset >= 0 else offset] ^= 0x01
    with pytest.raises(ValueError, match="payload is corrupted"):
        decompress(bytes(damaged))


def test_forged_header_with_valid_checksums_still_fails_the_data_checksum(blob):
    # Rewrite the length and fix both checksums: decoding runs (bounded) and the data crc fails.
    fields = bytearray(blob[: HEADER_SIZE - 4])
    fields[7:15] = struct.pack(">Q", len(BLOB_DATA) + 3)
    forged = bytes(fields) + struct.pack(">I", zlib.crc32(bytes(fields))) + blob[HEADER_SIZE:]
    with pytest.raises(ValueError, match="does not match its checksum|truncated"):
        decompress(forged)


def test_wrong_version_is_reported(blob):
    fields = bytearray(blob[: HEADER_SIZE - 4])
    fields[4] = 9
    forged = bytes(fields) + struct.pack(">I", zlib.crc32(bytes(fields))) + blob[HEADER_SIZE:]
    with pytest.raises(ValueError, match="version 9"):
        decompress(forged)


def test_decode_of_a_truncated_payload_stops_with_an_error():
    payload = encode(RNG.bytes(500), ContextModel(2))
    with pytest.raises(ValueError, match="truncated"):
        decode(payload[:20], 500, ContextModel(2))
    with pytest.raises(ValueError, match="n_symbols must be >= 0"):
        decode(payload, -1, ContextModel(2))


# --- validation ----------------------------------------------------------------------------


def test_validation_messages():
    with pytest.raises(ValueError, match=r"order must be an integer in \[0, 8\]"):
        compress(b"abc", order=9)
    with pytest.raises(ValueError, match=r"escape must be an integer in \[1, 255\]"):
        ContextModel(2, escape=0)
    with pytest.raises(TypeError, match="data must be bytes"):
        compress("text")
    with pytest.raises(TypeError, match="blob must be bytes"):
        decompress(None)
    with pytest.raises(ValueError, match="order must be"):
        code_length_bits(b"abc", order=-1)
