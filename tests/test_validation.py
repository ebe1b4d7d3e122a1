"""The shared validation module: one message format, the argument named in every error."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from unsup._validation import scalar, seed


@pytest.mark.parametrize(
    ("value", "kwargs", "error", "message"),
    [
        (True, {}, TypeError, "x must be a real number, got True"),
        ("1", {}, TypeError, "x must be a real number"),
        (1 + 2j, {}, TypeError, "x must be a real number"),
        (None, {}, TypeError, "x must be a real number"),
        (float("nan"), {}, ValueError, "x must be finite"),
        (float("inf"), {}, ValueError, "x must be finite"),
        (2.5, {"integer": True}, TypeError, "x must be an integer, got 2.5"),
        (0, {"low": 0, "low_open": True}, ValueError, r"x must lie in \(0, inf\), got 0"),
        (1.5, {"low": 0, "high": 1}, ValueError, r"x must lie in \[0, 1\], got 1.5"),
        (1, {"high": 1, "high_open": True}, ValueError, r"x must lie in \(-inf, 1\), got 1"),
    ],
)
def test_scalar_names_the_argument_and_the_rule(value, kwargs, error, message) -> None:
    with pytest.raises(error, match=message):
        scalar(value, "x", **kwargs)


def test_scalar_accepts_numpy_numbers_and_returns_python_ones() -> None:
    assert scalar(np.float32(0.5), "x", low=0, high=1) == 0.5
    value = scalar(np.int64(3), "n", integer=True, low=1)
    assert value == 3 and type(value) is int
    assert seed(0) == 0
    with pytest.raises(ValueError, match="seed must lie in"):
        seed(-1)


@given(st.floats(allow_nan=False, allow_infinity=False), st.floats(-1e3, 1e3))
def test_scalar_bound_is_exactly_the_interval(value: float, low: float) -> None:
    if value >= low:
        assert scalar(value, "x", low=low) == value
    else:
        with pytest.raises(ValueError, match="x must lie in"):
            scalar(value, "x", low=low)
