"""Tests of unsup.dynamics.ntk: tangent kernels against finite differences and closed forms."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from unsup.dynamics import ntk

torch.set_num_threads(1)


def test_lookup_table_kernel_is_the_identity():
    theta = 3 * ntk.GRID + 2
    k = ntk.tangent_kernel(ntk.lookup_table, theta, ntk.GRID, ntk.GRID)
    assert torch.equal(k, torch.eye(ntk.GRID.numel(), dtype=torch.float64))


@settings(max_examples=25, deadline=None)
@given(x=st.floats(-20, 20), xp=st.floats(-20, 20), s=st.floats(0.1, 20),
       t1=st.floats(-5, 5), t2=st.floats(-5, 5), eta=st.floats(1e-3, 2))
def test_linear_kernel_closed_form_and_step_independent(x, xp, s, t1, t2, eta):
    f = ntk.linear_model(s)
    k = ntk.tangent_kernel(f, [t1, t2], [x], [xp])[0, 0].item()
    assert k == pytest.approx(x * xp + s**2, rel=1e-12, abs=1e-9)
    k_step = ntk.finite_step_kernel(f, [t1, t2], [x], xp, eta)[0].item()
    assert k_step == pytest.approx(k, rel=1e-9, abs=1e-7)


def test_two_bump_kernel_is_the_limit_of_finite_steps():
    x = torch.linspace(-30, 50, 41, dtype=torch.float64)
    k = ntk.tangent_kernel(ntk.two_bumps, ntk.TWO_BUMPS_VALLEY, x, [10.0])[:, 0]
    errors = [(ntk.finite_step_kernel(ntk.two_bumps, ntk.TWO_BUMPS_VALLEY, x, 10.0, eta) - k)
              .abs().max().item() for eta in (1e-2, 1e-3)]
    assert errors[1] < 1e-3 * k.abs().max().item()
    assert errors[0] / errors[1] == pytest.approx(10, rel=0.05)  # first order in eta


def test_jacobian_matches_central_differences():
    theta = torch.tensor(ntk.TWO_BUMPS_AS_LISTED, dtype=torch.float64)
    x = torch.tensor([-3.0, 7.0, 12.5])
    jac = ntk.param_jacobian(ntk.two_bumps, theta, x)
    h = 1e-6
    for j in range(5):
        e = torch.zeros(5, dtype=torch.float64)
        e[j] = h
        fd = (ntk.two_bumps(theta + e, x.double()) - ntk.two_bumps(theta - e, x.double())) / (2 * h)
        assert torch.allclose(jac[:, j], fd, atol=1e-6)


def test_squared_error_step_on_the_lookup_table_moves_one_value():
    theta = 3 * ntk.GRID + 2
    new = ntk.squared_error_step(ntk.lookup_table, theta, 10.0, 50.0, 0.1)
    changed = torch.nonzero(new != theta).flatten().tolist()
    assert changed == [20]
    assert new[20].item() == pytest.approx(32 + 0.2 * 18)


def test_gradient_ascent_returns_the_path():
    path = ntk.gradient_ascent(ntk.linear_model(), [3.0, 1.0], 10.0, 0.1, 3)
    assert len(path) == 4
    assert torch.allclose(path[1], torch.tensor([4.0, 1.1], dtype=torch.float64))


def test_empirical_ntk_matches_a_parameter_loop():
    model = ntk.ReLUNet(3, 7, depth=2, seed=1)
    x = torch.randn(4, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    grads = []
    for i in range(4):
        model.zero_grad()
        model(x[i:i + 1])[0].backward()
        grads.append(torch.cat([p.grad.flatten() for p in model.parameters()]))
    g = torch.stack(grads)
    assert torch.allclose(ntk.empirical_ntk(model, x), g @ g.T, atol=1e-12)
    assert torch.allclose(ntk.empirical_ntk(model, x, x[:2]), (g @ g[:2].T), atol=1e-12)


def test_wide_relu_net_matches_the_arccos_closed_forms():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 3))
    model = ntk.ReLUNet(3, 20_000, seed=3)
    k = ntk.empirical_ntk(model, torch.tensor(x)).numpy()
    assert np.allclose(k, ntk.relu_ntk(x, x), rtol=0.05, atol=0.01)
    # NNGP by Monte Carlo over many independent hidden units.
    w = rng.normal(size=(200_000, 3))
    h = np.maximum(x @ w.T / np.sqrt(3), 0)
    assert np.allclose(h @ h.T / w.shape[0], ntk.relu_nngp(x, x), atol=0.01)


def test_ntk_dominates_nngp_and_both_are_psd():
    x = np.random.default_rng(1).normal(size=(6, 2))
    nngp, k = ntk.relu_nngp(x, x), ntk.relu_ntk(x, x)
    assert np.linalg.eigvalsh(nngp).min() > -1e-10
    assert np.linalg.eigvalsh(k - nngp).min() > -1e-10
    assert np.allclose(np.diag(nngp), np.sum(x**2, 1) / 2 / 2)


def test_training_reduces_the_loss():
    model = ntk.ReLUNet(2, 64, seed=0)
    x = torch.randn(5, 2, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    losses = ntk.train_full_batch(model, x, torch.sin(x[:, 0]), 0.1, 50)
    assert losses[-1] < 0.5 * losses[0]


@pytest.mark.parametrize("call, message", [
    (lambda: ntk.lookup_table(torch.zeros(3, dtype=torch.float64), torch.tensor([0.0])),
     "theta of the lookup table must be a vector of 31"),
    (lambda: ntk.lookup_table(3 * ntk.GRID, torch.tensor([21.0])), "x of the lookup table"),
    (lambda: ntk.lookup_table(3 * ntk.GRID, torch.tensor([0.5])), "x of the lookup table"),
    (lambda: ntk.linear_model(0.0), "bias_scale must be > 0"),
    (lambda: ntk.two_bumps(torch.zeros(4, dtype=torch.float64), torch.tensor([0.0])), "two-bump"),
    (lambda: ntk.finite_step_kernel(ntk.two_bumps, ntk.TWO_BUMPS_VALLEY, [1.0], 10.0, 0.0),
     "eta must be > 0"),
    (lambda: ntk.squared_error_step(ntk.two_bumps, ntk.TWO_BUMPS_VALLEY, 10.0, 5.0, -1.0),
     "lr must be > 0"),
    (lambda: ntk.gradient_ascent(ntk.two_bumps, ntk.TWO_BUMPS_VALLEY, 10.0, 0.1, -1), "steps"),
    (lambda: ntk.gradient_ascent(ntk.two_bumps, ntk.TWO_BUMPS_VALLEY, 10.0, 0.0, 1), "lr"),
    (lambda: ntk.param_jacobian(ntk.two_bumps, [1, 2, 3, 4, float("nan")], [0.0]), "theta must"),
    (lambda: ntk.ReLUNet(2, 0), "width"),
    (lambda: ntk.empirical_ntk(torch.nn.ReLU(), torch.zeros(2, 2)), "model must have parameters"),
    (lambda: ntk.train_full_batch(ntk.ReLUNet(1, 2), torch.zeros(1, 1), torch.zeros(1), 0, 1),
     "lr"),
])
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_outputs_at_init_have_the_nngp_covariance():
    x = np.random.default_rng(2).normal(size=(4, 2))
    f = ntk.relu_outputs_at_init(x, width=64, n_nets=20_000, seed=0)
    assert np.allclose(f.T @ f / f.shape[0], ntk.relu_nngp(x, x), atol=0.03)
    with pytest.raises(ValueError, match="width and n_nets must be >= 1"):
        ntk.relu_outputs_at_init(x, 0, 1, 0)
