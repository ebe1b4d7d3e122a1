"""Tests of the chapter module of 'Compression is prediction' and of the code it changed."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from unsup.chapters import compression_is_prediction as cip
from unsup.compression import ContextModel, documentation_text
from unsup.compression.uniform import CHUNK, max_gaps, threshold_risks
from unsup.figures.compression import mixed_pair

TEXT = documentation_text()


def test_model_sample_is_repeatable_and_adapts_to_what_it_read():
    read = TEXT[:3000]

    def sample(seed: int) -> bytes:
        model = ContextModel(order=2)
        for byte in read:
            model.update(byte)
        return cip.sample_from_model(model, 100, np.random.default_rng(seed))

    first = sample(0)
    assert first == sample(0) and first != sample(1)
    assert len(first) == 100
    # Bytes never read get only the escape's share of 1/256 each: almost none are drawn.
    assert sum(b in set(read) for b in first) >= 95


def test_compressor_sample_stays_in_the_alphabet_and_is_repeatable():
    alphabet = sorted(set(b"hello world"))
    prefix = b"hello world " * 20
    a = cip.sample_from_compressor(prefix, 5, "ideal", alphabet, np.random.default_rng(3))
    b = cip.sample_from_compressor(prefix, 5, "ideal", alphabet, np.random.default_rng(3))
    assert a == b and len(a) == 5 and set(a) <= set(alphabet)


def test_doubled_letters_repeat_each_uniform_letter_twice():
    data = np.frombuffer(cip.doubled_letters(10_000, 4), np.uint8)
    assert data.size == 10_000
    assert (data[0::2] == data[1::2]).all()
    counts = np.bincount(data[0::2] - ord("a"), minlength=4)
    assert counts.size == 4 and counts.min() > 1_100  # 5000 letters, 1250 expected each


def test_kraft_sums_of_an_independent_joint_are_both_one():
    # Independent bits: full conditionals are the marginals, so both products are the joint.
    marginals = [np.array([0.3, 0.7]), np.array([0.6, 0.4]), np.array([0.9, 0.1])]
    joint = np.einsum("i,j,k->ijk", *marginals)
    autoregressive, masked = cip.kraft_sums(joint)
    assert autoregressive == pytest.approx(1.0, abs=1e-12)
    assert masked == pytest.approx(1.0, abs=1e-12)


def test_conditionals_match_their_definitions_and_correlation_breaks_kraft():
    joint = cip.random_joints(7, count=1)[0]
    assert joint.shape == (2, 2, 2) and joint.sum() == pytest.approx(1.0)
    x = (1, 0, 1)
    assert cip.full_conditional(joint, x, 1) == pytest.approx(joint[1, 0, 1] / joint[1, :, 1].sum())
    assert cip.autoregressive_conditional(joint, x, 1) == pytest.approx(
        joint[1, 0].sum() / joint[1].sum())
    # Two copies of one fair bit (and an independent third): each full conditional is 1 on
    # the strings that occur, so the masked "probabilities" sum to 2.
    copies = np.zeros((2, 2, 2))
    copies[0, 0, :] = copies[1, 1, :] = 0.25
    strings = [x for x in np.ndindex(2, 2, 2) if copies[x] > 0]
    masked = sum(np.prod([cip.full_conditional(copies, x, t) for t in range(3)])
                 for x in strings)
    assert masked == pytest.approx(2.0)


def test_kraft_claims_name_the_worst_autoregressive_sum_and_the_masked_mean():
    table = cip.kraft_table(0)
    claims = cip.kraft_claims(0)
    assert table.shape == (cip.KRAFT_JOINTS, 2)
    assert abs(claims["kraft_autoregressive"] - 1) == np.abs(table[:, 0] - 1).max()
    assert claims["kraft_masked_mean"] == pytest.approx(table[:, 1].mean())


def test_max_gaps_counts_as_a_sorted_search_would():
    # The vectorized count of points at or under each threshold equals searchsorted(right).
    n, class_size, repeats, noise, seed = 30, 5, 200, 0.2, 11
    rng = np.random.default_rng(seed)
    x = np.sort(rng.random((repeats, n)), axis=1)
    y = (x > 0.5) ^ (rng.random((repeats, n)) < noise)
    thresholds = np.linspace(0, 1, class_size)
    expected = []
    for xs, ys in zip(x, y):
        below = np.searchsorted(xs, thresholds, side="right")
        errors = [ys[:b].sum() + (~ys[b:]).sum() for b in below]
        expected.append(np.max(threshold_risks(thresholds, noise) - np.array(errors) / n))
    np.testing.assert_array_equal(max_gaps(n, class_size, repeats, noise, seed), expected)


def test_max_gaps_in_chunks_extends_a_single_chunk():
    many = max_gaps(4, 2, CHUNK + 10, seed=5)
    assert many.shape == (CHUNK + 10,)
    np.testing.assert_array_equal(many[:CHUNK], max_gaps(4, 2, CHUNK, seed=5))


def test_mixed_pairs_copy_x_at_alpha_one_and_depend_on_the_seed():
    x, y = mixed_pair(1.0, seed=3)
    assert x == y
    assert mixed_pair(0.0, seed=0)[1] != mixed_pair(0.0, seed=1)[1]


def test_training_is_repeatable_and_leaves_torch_as_it_found_it():
    from unsup.compression.neural import train

    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    state = torch.random.get_rng_state()
    runs = [train(TEXT[:3000], TEXT[5000:5500], hidden=8, steps=20, every=10, seed=s,
                  progress=False) for s in (4, 4, 5)]
    assert runs[0].heldout_bits_per_byte == runs[1].heldout_bits_per_byte
    assert runs[0].heldout_bits_per_byte != runs[2].heldout_bits_per_byte
    assert torch.get_num_threads() == threads
    assert torch.are_deterministic_algorithms_enabled() == deterministic
    assert torch.equal(torch.random.get_rng_state(), state)
