"""Input checks shared by the package: each raises a ValueError naming the argument.

One message format for every rule: ``"<name> must <rule>, got <value>"``. :func:`scalar`
is the parameterised checker for numbers (type, finiteness, integer-ness, bounds with
open or closed ends; a bool is never a number here); the array checkers below build on
:func:`as_float_array`.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from numpy.typing import ArrayLike, NDArray

PROB_ATOL = 1e-8


def _interval(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    left = "(" if low_open or low is None else "["
    right = ")" if high_open or high is None else "]"
    lo = "-inf" if low is None else f"{low:g}"
    hi = "inf" if high is None else f"{high:g}"
    return f"{left}{lo}, {hi}{right}"


def scalar(
    value: object,
    name: str,
    *,
    integer: bool = False,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a finite real number (an ``int`` when ``integer``), checked against bounds.

    ``low`` / ``high`` bound the value, closed unless ``low_open`` / ``high_open``. Raises
    ``TypeError`` for a non-number (a bool, a string, a complex number, None) and
    ``ValueError`` for NaN, an infinity, a non-integer where a count is due, or a value
    outside the interval; every message names ``name``.
    """
    kind = "an integer" if integer else "a real number"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {kind}, got {value!r} ({type(value).__name__})")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if integer and not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    below = low is not None and (number <= low if low_open else number < low)
    above = high is not None and (number >= high if high_open else number > high)
    if below or above:
        interval = _interval(low, high, low_open, high_open)
        raise ValueError(f"{name} must lie in {interval}, got {value!r}")
    return int(value) if integer else number  # type: ignore[call-overload]


def seed(value: object, name: str = "seed") -> int:
    """A seed for ``np.random.default_rng`` / ``torch.manual_seed``: an integer >= 0."""
    return int(scalar(value, name, integer=True, low=0))


def positive_int(value: int, name: str) -> int:
    """``value`` as an ``int``, after checking it is an integer >= 1 (``True`` is not a count)."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def as_float_array(x: ArrayLike, name: str) -> NDArray[np.float64]:
    """Convert ``x`` to a float array, rejecting NaN and infinite entries."""
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be numeric array-like, got {type(x).__name__}") from err
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (found NaN or inf)")
    return arr


def probability_vector(p: ArrayLike, name: str, atol: float = PROB_ATOL) -> NDArray[np.float64]:
    """Check that ``p`` holds probability vectors along its last axis."""
    arr = as_float_array(p, name)
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one axis (a probability vector), got a scalar")
    if arr.shape[-1] == 0:
        raise ValueError(f"{name} must not be empty")
    if np.any(arr < 0):
        raise ValueError(f"{name} has a negative entry ({arr.min():.3g}); probabilities must be >= 0")
    sums = arr.sum(axis=-1)
    if not np.allclose(sums, 1.0, rtol=0.0, atol=atol):
        worst = sums.flat[np.argmax(np.abs(sums - 1.0))]
        raise ValueError(f"{name} must sum to 1 along the last axis, but a row sums to {worst:.6g}")
    return arr


def positive(x: ArrayLike, name: str) -> NDArray[np.float64]:
    """Check that every entry of ``x`` is finite and strictly positive."""
    arr = as_float_array(x, name)
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be positive, got {arr.min():.3g}")
    return arr


def positive_definite(cov: ArrayLike, name: str) -> NDArray[np.float64]:
    """Check that ``cov`` is a symmetric positive-definite matrix."""
    arr = as_float_array(cov, name)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {arr.shape}")
    if not np.allclose(arr, arr.T, rtol=1e-10, atol=1e-12):
        raise ValueError(f"{name} must be symmetric")
    if np.linalg.eigvalsh(arr).min() <= 0:
        raise ValueError(f"{name} must be positive definite (smallest eigenvalue <= 0)")
    return arr


def same_shape(a: NDArray, b: NDArray, name_a: str, name_b: str) -> None:
    """Check that two arrays can be broadcast together."""
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError as err:
        raise ValueError(
            f"{name_a} and {name_b} have shapes {a.shape} and {b.shape}, which do not match"
        ) from err


def samples_1d(x: ArrayLike, name: str) -> NDArray[np.float64]:
    """Check that ``x`` is a non-empty 1-D array of finite samples."""
    arr = as_float_array(x, name)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of samples, got shape {arr.shape}")
    return arr


def samples_2d(x: ArrayLike, name: str) -> NDArray[np.float64]:
    """Accept samples as (n,) or (n, d); return (n, d)."""
    arr = as_float_array(x, name)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty array of shape (n,) or (n, d), got {arr.shape}")
    return arr
