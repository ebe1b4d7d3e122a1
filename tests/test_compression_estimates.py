"""Tests of compressor-based estimates, the tiny-language search and the count models."""

from __future__ import annotations

import numpy as np
import pytest

from unsup.compression import (
    ContextModel,
    compressed_bits,
    compressor_predictor,
    conditional_cost,
    documentation_text,
    normalized_compression_distance,
    shared_information,
)
from unsup.compression.ngram import heldout_bits_per_symbol
from unsup.compression.programs import programs_up_to, run, shortest_program, shortest_programs

TEXT = documentation_text()
RNG = np.random.default_rng(1)


def test_documentation_text_is_english_and_large():
    assert len(TEXT) > 400_000 and b" the " in TEXT


@pytest.mark.parametrize("compressor", ["ideal", "zlib", "bz2", "lzma", "book"])
def test_shared_information_is_large_for_a_copy_and_small_for_independent_data(compressor):
    x, z = RNG.bytes(1500), RNG.bytes(1500)
    copy_gap = shared_information(x, x, compressor)
    independent_gap = shared_information(x, z, compressor)
    assert copy_gap > 0.5 * compressed_bits(x, compressor)
    assert abs(independent_gap) < 0.25 * copy_gap  # bz2 pays a few hundred bytes per stream


def test_adaptive_model_pays_for_a_change_of_source():
    # Text then random bytes: the model trained on text codes the random part worse than a
    # fresh model would, so C(XY) > C(X) + C(Y): the "+ O(1)" needs a way to reset.
    x, z = TEXT[:3000], RNG.bytes(1500)
    assert shared_information(x, z, "ideal") < -100


def test_estimates_are_consistent():
    x, y = TEXT[:2000], TEXT[2000:3500]
    expected = compressed_bits(x + y, "zlib") - compressed_bits(x, "zlib")
    assert conditional_cost(y, x, "zlib") == expected
    assert normalized_compression_distance(x, x, "lzma") < normalized_compression_distance(
        x, RNG.bytes(2000), "lzma")
    assert compressed_bits(x, lambda b: b) == 8 * len(x)


def test_compressor_predictor_recovers_the_model_exactly():
    prefix = TEXT[:800]
    model = ContextModel()
    for symbol in prefix:
        model.update(symbol)
    np.testing.assert_allclose(compressor_predictor(prefix, "ideal"), model.probabilities(),
                               rtol=1e-9)


def test_estimate_validation_messages():
    with pytest.raises(ValueError, match="compressor must be one of"):
        compressed_bits(b"abc", "gzip")
    with pytest.raises(ValueError, match="alphabet must be"):
        compressor_predictor(b"abc", "zlib", alphabet=[300])
    with pytest.raises(ValueError, match="must not both compress to zero"):
        normalized_compression_distance(b"", b"", lambda b: b)


def test_tiny_language_runs_and_counts():
    assert run("abDM") == "abab" + "baba"
    assert programs_up_to(3) == 1 + 4 + 16 + 64
    assert shortest_program("ab" * 8, 6)[0] == "abDDD"
    program, tried = shortest_program("ba" * 40, 4)  # 80 characters: no program of 4 instructions
    assert program is None and tried == programs_up_to(4)
    best = shortest_programs(5)
    assert all(run(p) == s for s, p in best.items())
    assert len(best) <= programs_up_to(5)


def test_tiny_language_validation():
    with pytest.raises(ValueError, match="may only use the instructions"):
        run("abX")
    with pytest.raises(ValueError, match=r"max_length must be an integer in \[0, 10\]"):
        shortest_program("a", 11)


def test_heldout_entropy_of_uniform_iid_symbols_is_two_bits():
    train = (RNG.integers(0, 4, 200_000) + 97).astype(np.uint8).tobytes()
    test = (RNG.integers(0, 4, 50_000) + 97).astype(np.uint8).tobytes()
    for offsets in [(-1,), (-1, 1)]:
        assert heldout_bits_per_symbol(train, test, offsets) == pytest.approx(2.0, abs=0.01)


def test_heldout_entropy_of_a_deterministic_sequence_is_near_zero():
    pattern = b"abcd" * 5000
    assert heldout_bits_per_symbol(pattern, pattern[:4000], (-1,)) < 0.01


def test_ngram_validation():
    with pytest.raises(ValueError, match="distinct non-zero"):
        heldout_bits_per_symbol(b"abc" * 10, b"abc" * 10, (0, -1))
    with pytest.raises(ValueError, match="longer than the context span"):
        heldout_bits_per_symbol(b"ab", b"abcdef", (-1, 2))


def test_single_threshold_gap_matches_the_binomial_tail():
    from scipy.stats import binom

    from unsup.compression.uniform import max_gaps

    n, t, noise = 50, 0.1, 0.2
    gaps = max_gaps(n, 1, 100_000, noise, seed=3)
    # One classifier with true risk 0.2: P(R - R_hat > t) = P(errors < n (0.2 - t)).
    exact = binom.cdf(np.ceil(n * (noise - t)) - 1, n, noise)
    assert (gaps > t).mean() == pytest.approx(exact, abs=4 * np.sqrt(exact / 100_000))


def test_threshold_risks_and_validation():
    from unsup.compression.uniform import max_gaps, threshold_risks

    np.testing.assert_allclose(threshold_risks(np.array([0.0, 0.5, 1.0]), 0.1), [0.5, 0.1, 0.5])
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        max_gaps(0, 3, 10)
    with pytest.raises(ValueError, match=r"noise must lie in \[0, 0.5\)"):
        max_gaps(10, 3, 10, noise=0.5)


def test_neural_model_learns_and_drives_the_coder():
    from unsup.compression import decode, encode
    from unsup.compression.neural import CharMLP, NeuralPredictor, code_length_bits, train

    text = TEXT[:6000]
    run = train(text, TEXT[7000:8000], hidden=16, steps=200, every=100, progress=False)
    assert run.heldout_bits_per_byte[-1] < run.heldout_bits_per_byte[0] - 2
    sample = TEXT[9000:9300]
    payload = encode(sample, NeuralPredictor(run.model))
    assert abs(8 * len(payload) - code_length_bits(run.model, sample)) <= 16 * 8
    assert bytes(decode(payload, len(sample), NeuralPredictor(run.model))) == sample
    with pytest.raises(ValueError, match="hidden must be an integer >= 1"):
        CharMLP(hidden=0)
