import numpy as np
import pytest
from scipy.stats import entropy, norm

from unsup import ratedistortion as rd


def gaussian_grid(step=0.1, sigma=1.0):
    x = np.arange(-6 * sigma, 6 * sigma + step / 2, step)
    return x, rd.discretize(norm.pdf(x, scale=sigma), step)


@pytest.mark.parametrize("sigma", [0.7, 1.0, 1.5])
def test_blahut_arimoto_matches_the_gaussian_closed_form(sigma):
    x, p = gaussian_grid(0.1 * sigma, sigma)
    d = rd.squared_error(x, x)
    for beta in [1.0 / sigma**2, 3.0 / sigma**2, 10.0 / sigma**2]:
        pt = rd.blahut_arimoto(p, d, beta)
        assert pt.rate == pytest.approx(rd.gaussian_rate_distortion(pt.distortion, sigma**2),
                                        abs=2e-3)
        # the slope of the Gaussian curve is -1/(2D), so the point of slope -beta has D = 1/(2 beta)
        assert pt.distortion == pytest.approx(1 / (2 * beta), rel=0.02)


def test_rate_is_mutual_information_and_never_exceeds_entropy():
    p = np.array([0.5, 0.3, 0.2])
    d = 1.0 - np.eye(3)
    pt = rd.blahut_arimoto(p, d, beta=50.0)
    assert pt.rate == pytest.approx(entropy(p), abs=1e-6) and pt.distortion < 1e-6
    low = rd.blahut_arimoto(p, d, beta=0.01)
    assert low.rate < 1e-3


def test_binary_hamming_closed_form():
    # Bernoulli(q) under Hamming distortion: R(D) = H(q) - H(D) for D < q
    q = 0.3
    pt = rd.blahut_arimoto([1 - q, q], 1.0 - np.eye(2), beta=2.0)
    h = lambda t: -t * np.log(t) - (1 - t) * np.log(1 - t)
    assert pt.rate == pytest.approx(h(q) - h(pt.distortion), abs=1e-6)


def test_curve_is_decreasing_and_above_the_shannon_lower_bound():
    x = np.arange(0.05, 2.0, 0.1)  # a uniform source on [0, 2), h = log 2
    p = np.full(x.size, 1 / x.size)
    dist, rate = rd.rate_distortion_curve(p, rd.squared_error(x, x), np.geomspace(1, 100, 6))
    assert np.all(np.diff(dist) < 0) and np.all(np.diff(rate) > 0)
    assert np.all(rate >= rd.shannon_lower_bound(dist, np.log(2.0)) - 1e-9)


def test_grid_differential_entropy_of_gaussian_and_uniform():
    _, p = gaussian_grid(0.05)
    assert rd.grid_differential_entropy(p, 0.05) == pytest.approx(0.5 * np.log(2 * np.pi * np.e),
                                                                   abs=1e-6)
    assert rd.grid_differential_entropy(np.full(40, 1 / 40), 0.1) == pytest.approx(np.log(4.0))


def test_patch_vq_roundtrip():
    rng = np.random.default_rng(0)
    images = rng.random((5, 16))
    blocks = rd.image_patches(images, 4, 2)
    assert blocks.shape == (5, 4, 4)
    assert blocks[0, 1].tolist() == images[0, [2, 3, 6, 7]].tolist()
    codebook = rd.kmeans_codebook(blocks.reshape(-1, 4), 20, seed=0)
    codes = rd.quantize(blocks.reshape(-1, 4), codebook)
    assert np.allclose(codebook[codes], blocks.reshape(-1, 4))  # 20 codes for 20 vectors


@pytest.mark.parametrize("call, message", [
    (lambda: rd.blahut_arimoto([0.5, 0.5], np.ones((3, 2)), 1.0), "distortion must have shape"),
    (lambda: rd.blahut_arimoto([0.5, 0.5], -np.ones((2, 2)), 1.0), "non-negative"),
    (lambda: rd.blahut_arimoto([0.5, 0.5], np.ones((2, 2)), 0.0), "beta must be a positive"),
    (lambda: rd.blahut_arimoto([0.5, 0.5], np.ones((2, 2)), 1.0, n_iter=0), "n_iter"),
    (lambda: rd.blahut_arimoto([[0.5, 0.5]], np.ones((2, 2)), 1.0), "1-D probability vector"),
    (lambda: rd.blahut_arimoto([0.6, 0.6], np.ones((2, 2)), 1.0), "sum to 1"),
    (lambda: rd.rate_distortion_curve([1.0], np.ones((1, 1)), []), "betas must not be empty"),
    (lambda: rd.gaussian_rate_distortion(0.0), "distortion must be positive"),
    (lambda: rd.gaussian_rate_distortion(1.0, -1.0), "variance must be positive"),
    (lambda: rd.shannon_lower_bound(-1.0, 1.0), "distortion must be positive"),
    (lambda: rd.discretize([-1.0, 1.0], 0.1), "non-negative"),
    (lambda: rd.discretize([1.0], 0.0), "step must be positive"),
    (lambda: rd.discretize([0.0], 0.1), "positive mass"),
    (lambda: rd.grid_differential_entropy([1.0], -1.0), "step must be positive"),
    (lambda: rd.image_patches(np.zeros((2, 15)), 4, 2), "images must have shape"),
    (lambda: rd.image_patches(np.zeros((2, 16)), 4, 3), "positive divisor"),
    (lambda: rd.kmeans_codebook(np.zeros((3, 2)), 4), "n_codes must lie"),
    (lambda: rd.kmeans_codebook(np.zeros(3), 1), "vectors must be 2-D"),
    (lambda: rd.quantize(np.zeros((3, 2)), np.zeros((2, 3))), "codebook must be 2-D"),
])
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()
