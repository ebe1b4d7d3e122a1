"""Unit tests of the chapter module unsup.chapters.gibbs_posteriors (cheap parts)."""

import numpy as np
import pytest

from unsup import divergences as dv
from unsup import gibbs as g
from unsup.chapters import gibbs_posteriors as gp


def test_discretized_normal():
    mass = gp.discretized_normal(0.5, 0.5)  # the grid [-4, 6] holds > 6 sd each side
    assert mass.sum() == pytest.approx(1.0)
    mean, sd = g.grid_mean_sd(gp.GRID, mass)
    assert mean == pytest.approx(0.5, abs=1e-7)
    assert sd == pytest.approx(np.sqrt(0.5), rel=1e-6)
    with pytest.raises(ValueError, match="var must be"):
        gp.discretized_normal(0.0, 0.0)


def test_reverse_kl_update_solves_its_stationarity_condition():
    prior = gp.discretized_normal(0.0, 3.0)
    data = np.array([0.2, 1.1])
    nu = gp.reverse_kl_update(data, prior)
    assert nu.sum() == pytest.approx(1.0)
    assert np.all(nu > 0)
    # nu_j = pi_j / (w L_j + lambda): pi / nu - w L is the same constant at every grid point
    loss = gp.COHERENCE_RATE * g.loss_matrix(gp.GRID, data, g.absolute_loss).sum(axis=1)
    lam = prior / nu - loss
    assert np.ptp(lam) < 1e-6 * np.abs(lam).max()
    # it lowers the objective w E_nu[L] + KL(prior || nu) below the Gibbs posterior's
    gibbs = g.gibbs_posterior(gp.GRID, data, g.absolute_loss, gp.COHERENCE_RATE, prior)

    def objective(q):
        return q @ loss + dv.kl(prior, q)

    assert objective(nu) < objective(gibbs)
    with pytest.raises(ValueError, match="probability vector"):
        gp.reverse_kl_update(data, 2 * prior)


def test_clipped_absolute_loss_and_true_risk():
    assert np.allclose(gp.clipped_absolute_loss(np.array([0.0]), np.array([0.5, 3.0, -2.0])),
                       [0.5, 1.0, 1.0])
    risk = gp.pb_true_risk()
    assert np.all((risk >= 0) & (risk <= 1))
    assert gp.PB_THETA[risk.argmin()] == pytest.approx(1.0, abs=0.05)  # the median of N(1, 1)


def test_experiments_use_their_own_generators():
    # the same seed gives the same values; another seed gives other data
    assert gp.coherence_claims(0) == gp.coherence_claims(0)
    assert gp.coherence_claims(0) != gp.coherence_claims(1)
    c0, c1 = gp.coherence(0), gp.coherence(1)
    assert not np.array_equal(c0.x1, c1.x1)
    assert gp.conjugate_claims(3).keys() == {
        "conjugate_mean_error", "conjugate_sd_relative_error", "power_mean_error",
        "conjugate_largest_tv"}


def test_coherence_claims_are_computed_from_the_posteriors():
    c = gp.coherence(2)
    claims = gp.coherence_claims(2)
    assert claims["reverse_kl_batch_tv"] == pytest.approx(dv.tv(c.reverse_kl[0], c.reverse_kl[2]))
    assert claims["order_difference"] < 1e-14
