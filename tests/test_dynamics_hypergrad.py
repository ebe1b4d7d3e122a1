"""Tests of unsup.dynamics.hypergrad against closed forms and finite differences."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from unsup.dynamics import hypergrad as hg

torch.set_num_threads(1)


def ridge_problem(seed=0, d=6, n=15):
    rng = np.random.default_rng(seed)
    w = rng.normal(size=d)
    x, xv = rng.normal(size=(n, d)), rng.normal(size=(30, d))
    return hg.PerFeatureRidge(x, x @ w + rng.normal(size=n), xv, xv @ w + rng.normal(size=30))


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 1000), scale=st.floats(-2, 1))
def test_closed_form_hypergradient_matches_finite_differences(seed, scale):
    p = ridge_problem(seed)
    lam = np.full(6, scale)
    fd = hg.finite_difference_gradient(lambda l: p.val_at_optimum(l), lam)
    assert np.allclose(p.hypergradient(lam).numpy(), fd, atol=1e-8, rtol=1e-5)


@pytest.mark.parametrize("method, kwargs", [("exact", {}), ("cg", {"iters": 6}),
                                            ("neumann", {"iters": 3000, "alpha": 0.1})])
def test_implicit_hypergradient_methods_match_the_closed_form(method, kwargs):
    p = ridge_problem(1)
    lam = torch.full((6,), -0.5, dtype=torch.float64)
    got = hg.implicit_hypergradient(p.train_loss, p.val_loss, p.optimum(lam), lam, method, **kwargs)
    assert torch.allclose(got, p.hypergradient(lam), atol=1e-9)


def test_hessian_vector_products_build_the_hessian():
    p = ridge_problem(2)
    lam = torch.zeros(6, dtype=torch.float64)
    hvp = hg.hessian_vector_product(p.train_loss, torch.ones(6, dtype=torch.float64), lam)
    assert torch.allclose(hg.dense_hessian(hvp, 6), p.hessian(lam), atol=1e-12)


def test_neumann_series_and_the_essay_form_on_a_small_matrix():
    h = torch.diag(torch.tensor([0.3, 0.9, 1.5], dtype=torch.float64))
    hvp, v = (lambda u: h @ u), torch.ones(3, dtype=torch.float64)
    assert torch.allclose(hg.neumann_inverse(hvp, v, 400, 1.0), v / torch.diag(h), atol=1e-12)
    assert torch.allclose(hg.essay_neumann(hvp, v, 400), v / torch.diag(h) - v, atol=1e-12)
    # With an eigenvalue above 2 and no step size, the series diverges.
    big = lambda u: 3.0 * u
    assert hg.essay_neumann(big, v, 60).abs().max() > 1e10
    assert torch.allclose(hg.neumann_inverse(big, v, 200, 0.5), v / 3, atol=1e-12)
    assert torch.equal(hg.neumann_inverse(hvp, v, 0, 1.0), torch.zeros(3, dtype=torch.float64))


def test_cg_is_exact_after_dimension_many_steps():
    a = torch.tensor(np.random.default_rng(3).normal(size=(5, 5)))
    h = a @ a.T + 0.5 * torch.eye(5, dtype=torch.float64)
    v = torch.arange(5, dtype=torch.float64)
    assert torch.allclose(hg.conjugate_gradient(lambda u: h @ u, v, 5), torch.linalg.solve(h, v),
                          atol=1e-8)


def test_unrolling_from_the_optimum_equals_the_neumann_series():
    p = ridge_problem(4)
    lam = torch.full((6,), -1.0, dtype=torch.float64)
    star, lr, k = p.optimum(lam), 0.05, 25
    unrolled, end = hg.unrolled_hypergradient(p.train_loss, p.val_loss, star, lam, lr, k)
    neumann = hg.implicit_hypergradient(p.train_loss, p.val_loss, star, lam, "neumann", k, lr)
    assert torch.allclose(end, star, atol=1e-12)
    assert torch.allclose(unrolled, neumann, atol=1e-12)


def test_unrolled_hypergradient_matches_finite_differences_of_unrolled_training():
    p = ridge_problem(5)
    lam = np.full(6, -0.3)

    def val_after_steps(l):
        _, theta = hg.unrolled_hypergradient(p.train_loss, p.val_loss, torch.zeros(6), l, 0.1, 15)
        return float(p.val_loss(theta))

    got, _ = hg.unrolled_hypergradient(p.train_loss, p.val_loss, torch.zeros(6), lam, 0.1, 15)
    assert np.allclose(got.numpy(), hg.finite_difference_gradient(val_after_steps, lam), atol=1e-8)


def test_distillation_lowers_the_validation_loss_and_ridge_fit_is_the_minimizer():
    rng = np.random.default_rng(6)
    x_val = torch.tensor(rng.normal(size=(60, 4)))
    y_val = (x_val[:, 0] > 0).long()
    init = torch.tensor(rng.normal(size=(2, 4)))
    points, losses = hg.distill(x_val, y_val, 2, init, 0.1, 60, 0.05)
    assert losses[-1] < losses[0]
    targets = torch.eye(2, dtype=torch.float64)
    w = hg.ridge_fit(points, targets, 0.1).requires_grad_(True)
    objective = 0.5 * ((points @ w - targets) ** 2).sum() + 0.05 * (w**2).sum()
    (grad,) = torch.autograd.grad(objective, w)
    assert grad.abs().max() < 1e-10
    assert hg.accuracy(w.detach(), points, torch.tensor([0, 1])) == 1.0


@pytest.mark.parametrize("call, message", [
    (lambda: hg.conjugate_gradient(lambda u: u, torch.ones(2), -1), "iters must be >= 0"),
    (lambda: hg.neumann_inverse(lambda u: u, torch.ones(2), -1, 1.0), "terms must be >= 0"),
    (lambda: hg.neumann_inverse(lambda u: u, torch.ones(2), 3, 0.0), "alpha must be > 0"),
    (lambda: hg.essay_neumann(lambda u: u, torch.ones(2), -2), "terms must be >= 0"),
    (lambda: hg.implicit_hypergradient(None, None, [0.0], [0.0], "magic"), "method must be one of"),
    (lambda: hg.implicit_hypergradient(None, None, [[0.0]], [0.0]), "theta_star must be a finite"),
    (lambda: hg.unrolled_hypergradient(None, None, [0.0], [0.0], 0.0, 1), "lr must be > 0"),
    (lambda: hg.unrolled_hypergradient(None, None, [0.0], [0.0], 0.1, -1), "steps must be >= 0"),
    (lambda: hg.finite_difference_gradient(sum, [0.0], h=0.0), "h must be > 0"),
    (lambda: hg.PerFeatureRidge(np.ones((3, 2)), np.ones(3), np.ones((3, 4)), np.ones(3)),
     "same number of columns"),
    (lambda: hg.PerFeatureRidge(np.ones((3, 2)), np.ones(2), np.ones((3, 2)), np.ones(3)),
     "one entry per row"),
    (lambda: hg.ridge_fit(torch.ones(2, 2), torch.eye(2), 0.0), "decay must be > 0"),
    (lambda: hg.distill(torch.ones(2, 2), torch.zeros(2).long(), 3, torch.ones(2, 2), 0.1, 1, 0.1),
     "one row per class"),
    (lambda: hg.distill(torch.ones(2, 2), torch.zeros(2).long(), 2, torch.ones(2, 2), 0.1, -1, 0.1),
     "steps must be >= 0"),
])
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_zero_unrolled_steps_give_a_zero_hypergradient():
    p = ridge_problem(7)
    g, theta = hg.unrolled_hypergradient(p.train_loss, p.val_loss, torch.ones(6),
                                         torch.zeros(6), 0.1, 0)
    assert torch.equal(g, torch.zeros(6, dtype=torch.float64))
    assert torch.equal(theta, torch.ones(6, dtype=torch.float64))
