import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unsup import simplicity as sp


def test_binary_inputs_enumerate_in_binary_order():
    x = sp.binary_inputs(3)
    assert x.shape == (8, 3)
    assert x[5].tolist() == [1, 0, 1]
    assert (x @ (2 ** np.arange(2, -1, -1)) == np.arange(8)).all()


def test_lz76_known_parsings():
    # Lempel and Ziv's (1976) example, as parsed by Kaspar and Schuster: 0.001.10.100.1000.101
    assert sp.lz76_phrases("0001101001000101") == 6
    assert sp.lz76_phrases("0000000000") == 2  # 0.000000000
    assert sp.lz76_phrases("0101010101") == 3  # 0.1.01010101
    assert sp.lz76_phrases([1]) == 1


def test_lz_complexity_of_constant_and_alternating():
    assert sp.lz_complexity("0" * 128) == pytest.approx(7.0)
    assert sp.lz_complexity("01" * 64) == pytest.approx(7.0 * 3)


def test_random_strings_are_more_complex_than_periodic_ones():
    rng = np.random.default_rng(0)
    random_c = np.mean([sp.lz_complexity(rng.integers(0, 2, 128)) for _ in range(20)])
    assert random_c > 3 * sp.lz_complexity("0011" * 32)


@given(st.lists(st.integers(0, 1), min_size=2, max_size=60))
@settings(max_examples=60, deadline=None)
def test_lz_complexity_is_invariant_under_reversal_and_bounded(bits):
    assert sp.lz_complexity(bits) == pytest.approx(sp.lz_complexity(bits[::-1]))
    assert 1 <= sp.lz76_phrases(bits) <= len(bits)


def test_no_bias_linear_model_on_one_hot_inputs_is_the_counting_measure():
    tables = sp.random_network_functions(sp.one_hot_inputs(64), 4000, bias=False, seed=3)
    assert abs(tables.mean() - 0.5) < 0.01
    assert sp.ones_fraction_variance_ratio(tables) == pytest.approx(1.0, abs=0.1)


def test_no_bias_linear_model_on_bits_is_constant_one_with_probability_two_to_minus_n():
    # w.x > 0 on every nonzero bit vector iff all w_i > 0; x = 0 gives output 0 (not > 0)
    x = sp.binary_inputs(3)
    tables = sp.random_network_functions(x, 40000, bias=False, seed=1)
    hits = np.mean(tables[:, 1:].all(axis=1))
    assert hits == pytest.approx(1 / 8, abs=4 * np.sqrt(1 / 8 * 7 / 8 / 40000))


def test_function_counts_and_constant_probability():
    t = np.array([[0, 0], [1, 1], [0, 1], [0, 0]], bool)
    unique, counts = sp.function_counts(t)
    assert counts.tolist() == [2, 1, 1] and unique[0].tolist() == [False, False]
    assert sp.constant_probability(t) == 0.75


@pytest.mark.parametrize("call, message", [
    (lambda: sp.binary_inputs(0), "n_bits must be a positive integer"),
    (lambda: sp.binary_inputs(17), "n_bits must be at most 16"),
    (lambda: sp.one_hot_inputs(-1), "n_points must be a positive integer"),
    (lambda: sp.random_network_functions(np.zeros(3), 5), "inputs must be a non-empty 2-D"),
    (lambda: sp.random_network_functions(np.zeros((3, 2)), 5), "inputs must not all be zero"),
    (lambda: sp.random_network_functions(np.eye(2), 0), "n_samples must be a positive integer"),
    (lambda: sp.random_network_functions(np.eye(2), 2, hidden=(0,)), "hidden widths"),
    (lambda: sp.lz76_phrases("012"), "only the characters"),
    (lambda: sp.lz76_phrases([0, 2]), "only 0 and 1"),
    (lambda: sp.lz76_phrases(""), "must not be empty"),
    (lambda: sp.lz_complexity("1"), "at least 2 symbols"),
    (lambda: sp.function_counts(np.zeros(3)), "tables must be a non-empty 2-D"),
    (lambda: sp.ones_fraction_variance_ratio(np.zeros((1, 3))), "at least 2 rows"),
    (lambda: sp.constant_probability(np.zeros(3)), "tables must be a non-empty 2-D"),
])
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_simplicity_run_validates_its_choices():
    from unsup.figures.simplicity import simplicity_run

    with pytest.raises(ValueError, match="encoding must be one of"):
        simplicity_run("gray code", "linear")
    with pytest.raises(ValueError, match="architecture must be one of"):
        simplicity_run("binary", "transformer")


def test_simplicity_run_counts_add_up():
    from unsup.figures.simplicity import simplicity_run

    run = simplicity_run("binary", "linear", True, n_samples=300, seed=1)
    assert run.counts.sum() == 300 and len(run.complexity) == len(run.functions)
