"""Unit tests of the chapter module unsup.chapters.information_bounds (cheap settings)."""

import numpy as np
import pytest

from unsup import bounds as b
from unsup.chapters import information_bounds as ib
from unsup.figures.bounds import SGD_LR, SGD_STEPS, sgd_clouds


def test_standardized_deviation():
    assert np.allclose(ib.standardized_deviation([1.0, 3.0], [2.0, 2.0], [0.5, 2.0]), [2.0, 0.5])
    with pytest.raises(ValueError, match="se must be > 0"):
        ib.standardized_deviation(1.0, 1.0, 0.0)


def test_miller_madow_bias():
    assert ib.miller_madow_bias(20, 100) == pytest.approx(19 / 200)
    assert ib.miller_madow_bias(5, 10, classes=3) == pytest.approx(2 * 4 / 20)
    with pytest.raises(ValueError, match="runs must be >= 1"):
        ib.miller_madow_bias(20, 0)


def test_simulated_sgld_information_is_repeatable_and_near_the_js():
    first = ib.simulated_sgld_information(0.01, runs=20_000, seed=3)
    assert first == ib.simulated_sgld_information(0.01, runs=20_000, seed=3)
    assert first != ib.simulated_sgld_information(0.01, runs=20_000, seed=4)
    a, c = sgd_clouds()
    exact = b.cloud_js(a, c, b.sgld_noise_std(SGD_LR, SGD_STEPS, 0.01))
    estimate, se = first
    assert 0 < se < 0.01
    assert abs(estimate - exact) <= 5 * se


def test_simulated_sgld_information_at_low_temperature_nearly_reveals_the_coin():
    # the smoothed clouds barely overlap: most runs name their data set
    estimate, se = ib.simulated_sgld_information(1e-5, runs=5_000, seed=0)
    a, c = sgd_clouds()
    exact = b.cloud_js(a, c, b.sgld_noise_std(SGD_LR, SGD_STEPS, 1e-5))
    assert 0.55 < exact < np.log(2)
    assert abs(estimate - exact) <= 5 * se


def test_simulated_sgld_information_validation():
    with pytest.raises(ValueError, match="temperature must be"):
        ib.simulated_sgld_information(0.0)
    with pytest.raises(ValueError, match="runs must be"):
        ib.simulated_sgld_information(0.1, runs=1)


def test_claims_have_the_documented_keys_and_depend_on_the_seed():
    assert set(ib.gaussian_coin_claims(0)) == {"gaussian_coin_z"}
    assert ib.gaussian_coin_claims(0) != ib.gaussian_coin_claims(1)
    assert set(ib.noisy_mean_claims(0)) == {"mean_gap_worst_z"}
    assert set(ib.sgld_claims(0)) == {"sgld_worst_z"}
    coin = ib.gaussian_coin(0)
    assert coin.exact[0] == pytest.approx(b.cloud_js(ib.SMOOTHED_A, ib.SMOOTHED_B, 0.5))
    assert coin.z[0] == pytest.approx(abs(coin.estimate[0] - coin.exact[0]) / coin.se[0])


def test_plugin_claims_are_computed_from_the_bias():
    r = ib.plugin_bias(0)
    claims = ib.plugin_claims(0)
    assert claims["plugin_smallest_bias"] == r.bias.min()
    ratio = r.bias[1:4] / r.miller_madow[1:4]
    assert claims["plugin_worst_mm_ratio_error"] == pytest.approx(np.abs(ratio - 1).max())
    assert claims["plugin_bias_over_information_100"] == pytest.approx(r.bias[0] / r.exact_binned)
    assert r.exact_binned <= r.exact_full
    assert np.all(r.bias_se > 0)
