r"""Sampled experiments of the chapter 'Simplicity bias, scaling laws, and rate-distortion'.

Serves ``notebooks/simplicity/simplicity_scaling_rate_distortion.ipynb``. Only the parts
of the chapter that draw random numbers live here: the random networks of the simplicity
bias sections (random weights, a reference sample of random truth tables) and the
:math:`k`-means patch codebook on the digits (random initial codebook, random train/test
split). The scaling law, the Blahut-Arimoto curves and the token budgets are closed forms
or deterministic iterations and stay in the notebook.

Each experiment is a function ``<experiment>_claims(seed) -> dict[str, float]`` returning
the measured quantity of each of the chapter's claim checks on it for that seed. The
notebook checks seed 0 with these same functions; the multi-seed test
(``tests/seeds/test_simplicity_scaling_rate_distortion.py``) runs them for seeds 0 to 4
and stores the spread the chapter quotes. Where a claim compares two sampled numbers
(one encoding against another, a codebook against the mean image) the measured quantity
is their ratio, so the rule's boundary (1) does not itself move with the seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import ratedistortion as rd
from ..figures.simplicity import ARCHITECTURES, ENCODINGS, N_BITS, N_POINTS, SimplicityRun
from ..figures.simplicity import simplicity_run
from ..simplicity import (binary_inputs, constant_probability, lz_complexity,
                          ones_fraction_variance_ratio, random_network_functions)
from ..sprites import digits

__all__ = [
    "ALL_ONES",
    "LINEAR",
    "N_BIAS_FREE",
    "N_NETWORKS",
    "N_RANDOM_TABLES",
    "RELU",
    "EncodingRow",
    "PatchCodes",
    "all_ones_claims",
    "all_ones_tolerance",
    "bias_claims",
    "bias_free_tables",
    "encoding_claims",
    "encoding_rows",
    "network_runs",
    "patch_codes",
    "random_table_complexity",
    "stream",
    "unpatch",
    "vq_claims",
]

LINEAR = "linear"
RELU = "ReLU, 2 hidden layers of 16"
N_NETWORKS = 10_000  # random networks per (encoding, architecture)
N_BIAS_FREE = 20_000  # bias-free perceptrons in the 2^-7 and counting-measure checks
N_RANDOM_TABLES = 2_000  # uniformly random truth tables, the reference for LZ complexity
ALL_ONES = 2.0**-N_BITS  # P(all 7 weights > 0): the bias-free perceptron is 1 on 127 inputs

# Keys that separate the random streams of the experiments drawn for one seed.
_TABLES, _BITS_PLAIN, _ONE_HOT_PLAIN = 2021, 5, 6


def stream(seed: int, key: int) -> int:
    """An integer seed for the stream ``key`` of experiment seed ``seed``.

    Derived with :class:`numpy.random.SeedSequence` from the pair, so that two experiments
    run with the same ``seed`` (or one experiment's two samples) do not reuse the same
    random numbers, as they would if both were seeded with ``seed`` itself.
    """
    return int(np.random.SeedSequence([int(seed), int(key)]).generate_state(1)[0])


# --- random networks on the 128 inputs of 7 bits ----------------------------------------


def network_runs(seed: int, n_samples: int = N_NETWORKS) -> dict[tuple[str, str], SimplicityRun]:
    """Random networks with biases for every (encoding, architecture), all drawn with ``seed``.

    The runs are :func:`unsup.figures.simplicity.simplicity_run` (cached), so the figure
    and the claims of the notebook read the same samples.
    """
    return {(enc, arch): simplicity_run(enc, arch, True, n_samples, seed)
            for enc in ENCODINGS for arch in ARCHITECTURES}


@lru_cache(maxsize=8)
def random_table_complexity(seed: int, n_tables: int = N_RANDOM_TABLES) -> float:
    """Mean Lempel-Ziv complexity of ``n_tables`` uniformly random truth tables of length 128."""
    rng = np.random.default_rng(stream(seed, _TABLES))
    tables = rng.integers(0, 2, size=(n_tables, N_POINTS))
    return float(np.mean([lz_complexity(t) for t in tables]))


def bias_claims(seed: int, n_samples: int = N_NETWORKS,
                n_tables: int = N_RANDOM_TABLES) -> dict[str, float]:
    r"""The simplicity bias of random ReLU networks on bit vectors, for one seed.

    - ``constant_log10_excess``: :math:`\log_{10}` of the sampled probability of a constant
      function over the counting measure's :math:`2^{-128}` (orders of magnitude);
    - ``lz_ratio``: mean LZ complexity of the sampled functions (weighted by how often each
      was sampled) over that of uniformly random truth tables;
    - ``variance_ratio``: variance of the fraction of ones over the binomial's
      :math:`1/(4 \cdot 128)`.
    """
    run = network_runs(seed, n_samples)[("binary", RELU)]
    lz_sampled = float(np.average(run.complexity, weights=run.counts))
    with np.errstate(divide="ignore"):
        excess = float(np.log10(constant_probability(run.tables)) + N_POINTS * np.log10(2))
    return {
        "constant_log10_excess": excess,
        "lz_ratio": lz_sampled / random_table_complexity(seed, n_tables),
        "variance_ratio": ones_fraction_variance_ratio(run.tables),
    }


@lru_cache(maxsize=4)
def bias_free_tables(seed: int, encoding: str,
                     n_samples: int = N_BIAS_FREE) -> NDArray[np.bool_]:
    """Truth tables of ``n_samples`` bias-free perceptrons on bit vectors or one-hot inputs."""
    if encoding == "binary":
        return random_network_functions(binary_inputs(N_BITS), n_samples, hidden=(),
                                        bias=False, seed=stream(seed, _BITS_PLAIN))
    if encoding == "one-hot":
        return random_network_functions(np.eye(N_POINTS), n_samples, hidden=(), bias=False,
                                        seed=stream(seed, _ONE_HOT_PLAIN))
    raise ValueError(f"encoding must be one of {ENCODINGS}, got {encoding!r}")


def all_ones_tolerance(n_samples: int = N_BIAS_FREE) -> float:
    """Four binomial standard errors of a frequency estimate of :data:`ALL_ONES`."""
    return float(4 * np.sqrt(ALL_ONES * (1 - ALL_ONES) / n_samples))


def all_ones_claims(seed: int, n_samples: int = N_BIAS_FREE) -> dict[str, float]:
    """``all_ones``: the fraction of bias-free perceptrons on bit vectors that map every
    nonzero input to 1 (the exact probability is :data:`ALL_ONES`)."""
    tables = bias_free_tables(seed, "binary", n_samples)
    return {"all_ones": float(tables[:, 1:].all(axis=1).mean())}


@dataclass(frozen=True)
class EncodingRow:
    """One network's bias under both encodings: P(constant) and variance ratio."""

    architecture: str
    constant_bits: float
    constant_one_hot: float
    variance_bits: float
    variance_one_hot: float

    @property
    def share_removed(self) -> float:
        """The share of the excess variance (above the binomial's) that one-hot inputs remove."""
        return 1 - (self.variance_one_hot - 1) / (self.variance_bits - 1)


def encoding_rows(seed: int, n_samples: int = N_NETWORKS) -> list[EncodingRow]:
    """Bit vectors against one-hot inputs, for each architecture (with biases), one seed."""
    runs = network_runs(seed, n_samples)
    rows = []
    for arch in ARCHITECTURES:
        b, o = runs[("binary", arch)].tables, runs[("one-hot", arch)].tables
        rows.append(EncodingRow(arch, constant_probability(b), constant_probability(o),
                                ones_fraction_variance_ratio(b), ones_fraction_variance_ratio(o)))
    return rows


def encoding_claims(seed: int, n_samples: int = N_NETWORKS,
                    n_plain: int = N_BIAS_FREE) -> dict[str, float]:
    """How much of the bias one-hot inputs remove, for one seed.

    - ``plain_one_hot_variance``: variance ratio of bias-free perceptrons on one-hot
      inputs (the counting measure exactly: 1 in expectation);
    - ``<arch>_one_hot_to_bits`` (``linear``, ``relu``): variance ratio with one-hot inputs
      over that with bit vectors (below 1: one-hot reduces the bias);
    - ``<arch>_one_hot_variance``: variance ratio with one-hot inputs (above 1: a bias is left);
    - ``relu_share_removed``: share of the ReLU network's excess variance that one-hot
      inputs remove.
    """
    out = {"plain_one_hot_variance":
           ones_fraction_variance_ratio(bias_free_tables(seed, "one-hot", n_plain))}
    rows = {row.architecture: row for row in encoding_rows(seed, n_samples)}
    for name, arch in (("linear", LINEAR), ("relu", RELU)):
        out[f"{name}_one_hot_to_bits"] = rows[arch].variance_one_hot / rows[arch].variance_bits
    for name, arch in (("linear", LINEAR), ("relu", RELU)):
        out[f"{name}_one_hot_variance"] = rows[arch].variance_one_hot
    out["relu_share_removed"] = rows[RELU].share_removed
    return out


# --- a patch codebook on the digits ---------------------------------------------------------

SIDE, PATCH, N_CODES, KMEANS_ITERATIONS = 8, 2, 32, 25


@dataclass(frozen=True)
class PatchCodes:
    """A k-means codebook of 2x2 patches and the test digits coded with it."""

    test: NDArray[np.float64]  # test digits, flattened (n, 64)
    codebook: NDArray[np.float64]  # (32, 4) patch prototypes
    codes: NDArray[np.int64]  # (n, 16) codebook index of each patch
    mse_vq: float  # test MSE of the digits decoded from their codes
    mse_mean: float  # test MSE of the mean training image

    @property
    def recon(self) -> NDArray[np.float64]:
        """The decoded patches, ``(n, 16, 4)``."""
        return self.codebook[self.codes]


@lru_cache(maxsize=8)
def patch_codes(seed: int, n_codes: int = N_CODES, n_iter: int = KMEANS_ITERATIONS) -> PatchCodes:
    """Split the digits with ``seed``, learn the codebook from ``seed``, code the test digits."""
    data = digits(binarize=False, seed=seed)
    train_patches = rd.image_patches(data.train, SIDE, PATCH).reshape(-1, PATCH * PATCH)
    codebook = rd.kmeans_codebook(train_patches, n_codes, n_iter=n_iter, seed=seed)
    test_patches = rd.image_patches(data.test, SIDE, PATCH)
    codes = rd.quantize(test_patches, codebook)
    mse_vq = float(np.mean((codebook[codes] - test_patches) ** 2))
    mse_mean = float(np.mean((data.test - data.train.mean(axis=0)) ** 2))
    return PatchCodes(np.asarray(data.test, float), codebook, codes, mse_vq, mse_mean)


def vq_claims(seed: int) -> dict[str, float]:
    """``mse_ratio``: test MSE of the digits decoded from their 16 codes over the test MSE
    of the mean training image (below 1: the codes keep most of the image)."""
    pc = patch_codes(seed)
    return {"mse_ratio": pc.mse_vq / pc.mse_mean}


def unpatch(blocks: ArrayLike, side: int = SIDE, patch: int = PATCH) -> NDArray[np.float64]:
    """Put the ``(side // patch) ** 2`` blocks of one image back together: the inverse of
    :func:`unsup.ratedistortion.image_patches` for one image, returned as ``side x side``."""
    b = np.asarray(blocks, dtype=float)
    if patch < 1 or side % patch or b.size != side * side:
        raise ValueError(f"blocks must hold {side * side} values in {patch}x{patch} patches "
                         f"of a {side}x{side} image, got shape {b.shape}")
    g = side // patch
    return b.reshape(g, g, patch, patch).transpose(0, 2, 1, 3).reshape(side, side)
