"""Tests of unsup.dynamics.flows: modified losses, flows and SGD against closed forms."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from unsup.dynamics import flows as fl

torch.set_num_threads(1)
TILTS = np.array([[0.5, -0.3, 0.8], [-0.2, 0.6, -0.5], [-0.3, -0.3, -0.3]])


def torch_valley(w):
    x, y = w[0], w[1]
    return 0.25 * (x**2 - 1) ** 2 + 0.5 * (1 + x**2) * y**2


@settings(max_examples=30, deadline=None)
@given(x=st.floats(-2, 2), y=st.floats(-2, 2))
def test_valley_derivatives_match_autograd(x, y):
    analytic, auto = fl.valley_loss(), fl.loss_from_torch(torch_valley)
    w = np.array([x, y])
    assert analytic.value(w) == pytest.approx(auto.value(w), abs=1e-12)
    assert np.allclose(analytic.grad(w), auto.grad(w), atol=1e-10)
    assert np.allclose(analytic.hess(w), auto.hess(w), atol=1e-10)


def test_minibatches_average_to_the_loss_and_match_autograd():
    batches = fl.valley_minibatches(TILTS)
    w = np.array([0.4, -0.7])
    full = fl.mean_loss(batches)
    base = fl.valley_loss()
    assert full.value(w) == pytest.approx(base.value(w))
    assert np.allclose(full.grad(w), base.grad(w)) and np.allclose(full.hess(w), base.hess(w))
    a, b, d = TILTS[0]
    auto = fl.loss_from_torch(lambda v: torch_valley(v) + a * v[0] + b * v[1] + d * v[0] * v[1])
    assert np.allclose(batches[0].grad(w), auto.grad(w))
    assert np.allclose(batches[0].hess(w), auto.hess(w))


def test_modified_field_is_minus_the_gradient_of_the_modified_value():
    loss, eps, w, h = fl.valley_loss(), 0.1, np.array([0.3, 0.8]), 1e-6
    numeric = np.array([(fl.gd_modified_value(loss, eps, w + h * e) -
                         fl.gd_modified_value(loss, eps, w - h * e)) / (2 * h) for e in np.eye(2)])
    assert np.allclose(-fl.gd_modified_field(loss, eps)(w), numeric, atol=1e-7)
    batches = fl.valley_minibatches(TILTS)
    numeric = np.array([(fl.sgd_modified_value(batches, eps, w + h * e)
                         - fl.sgd_modified_value(batches, eps, w - h * e)) / (2 * h)
                        for e in np.eye(2)])
    assert np.allclose(-fl.sgd_modified_field(batches, eps)(w), numeric, atol=1e-7)


def test_sgd_regularizer_is_gd_regularizer_plus_gradient_variance():
    batches, w = fl.valley_minibatches(TILTS), np.array([-0.5, 0.9])
    full = fl.mean_loss(batches)
    extra = fl.sgd_modified_value(batches, 0.2, w) - fl.gd_modified_value(full, 0.2, w)
    assert extra == pytest.approx(0.2 / 4 * fl.minibatch_gradient_variance(batches, w), rel=1e-12)


def test_flow_of_a_quadratic_is_exponential_decay():
    quad = fl.Loss(lambda w: 0.5 * w @ np.diag([1.0, 3.0]) @ w, lambda w: np.array([1.0, 3.0]) * w,
                   lambda w: np.diag([1.0, 3.0]))
    times = np.array([0.0, 0.5, 1.0])
    path = fl.flow(fl.flow_field(quad), [1.0, 1.0], times)
    assert np.allclose(path, np.exp(-np.outer(times, [1.0, 3.0])), atol=1e-10)


def test_gd_tracks_the_modified_flow_to_second_order():
    loss, w0, t_end = fl.valley_loss(), np.array([0.3, 1.2]), 1.0
    errors = []
    for eps in (0.04, 0.02):
        end = fl.gradient_descent(loss, w0, eps, round(t_end / eps))[-1]
        flow_end = fl.flow(fl.gd_modified_field(loss, eps), w0, [0, t_end])[-1]
        errors.append(np.linalg.norm(end - flow_end))
    assert np.log2(errors[0] / errors[1]) == pytest.approx(2, abs=0.2)


def test_sgd_epoch_mean_one_batch_is_gd():
    loss = fl.valley_loss()
    assert np.allclose(fl.sgd_epoch_mean([loss], [0.2, 0.3], 0.1),
                       fl.gradient_descent(loss, [0.2, 0.3], 0.1, 1)[-1])


def test_two_minima_are_equal_and_batches_average_out():
    p = fl.TwoMinima()
    assert p.loss(2.0) == p.loss(-2.0) == 0
    w = np.linspace(-3, 3, 11)
    assert np.allclose(p.batch_grads(w).mean(0), p.grad(w))
    assert np.allclose(p.batch_grads(w).var(0), p.gradient_variance(w))
    h = 1e-6
    value = lambda v, eps: p.loss(v) + eps / 4 * (p.grad(v) ** 2 + p.gradient_variance(v))
    numeric = (value(w + h, 0.1) - value(w - h, 0.1)) / (2 * h)
    assert np.allclose(p.sgd_modified_grad(w, 0.1), numeric, atol=1e-6)


def test_reshuffled_sgd_is_seeded_and_gd_is_symmetric():
    p, w0 = fl.TwoMinima(), np.array([-0.3, 0.3])
    assert np.array_equal(fl.reshuffled_sgd(p, w0, 0.1, 5, 1), fl.reshuffled_sgd(p, w0, 0.1, 5, 1))
    end = fl.full_batch_gd(p, w0, 0.1, 500)
    assert end == pytest.approx([-2, 2], abs=1e-6)


@pytest.mark.parametrize("call, message", [
    (lambda: fl.gradient_descent(fl.valley_loss(), [0, 1], 0.0, 1), "lr must be > 0"),
    (lambda: fl.gradient_descent(fl.valley_loss(), [0, 1], 0.1, -1), "steps must be >= 0"),
    (lambda: fl.gradient_descent(fl.valley_loss(), [[0, 1]], 0.1, 1), "w0 must be a finite 1-D"),
    (lambda: fl.gd_modified_field(fl.valley_loss(), 0.0), "eps must be > 0"),
    (lambda: fl.sgd_modified_field(fl.valley_minibatches(TILTS), -1.0), "eps must be > 0"),
    (lambda: fl.mean_loss([]), "at least one minibatch"),
    (lambda: fl.sgd_epoch_mean([fl.valley_loss()] * 8, [0, 1], 0.1), "1 to 7"),
    (lambda: fl.flow(fl.flow_field(fl.valley_loss()), [0, 1], [0.5, 1.0]), "times must be"),
    (lambda: fl.valley_minibatches(np.ones((2, 2))), r"shape \(m, 3\)"),
    (lambda: fl.valley_minibatches(np.ones((2, 3))), "sum to zero"),
    (lambda: fl.TwoMinima(tilts=(1.0, 1.0)), "sum to zero"),
    (lambda: fl.TwoMinima(sharpness=0.0), "sharpness must be > 0"),
    (lambda: fl.reshuffled_sgd(fl.TwoMinima(), [0.0], 0.1, -1, 0), "epochs must be >= 0"),
    (lambda: fl.full_batch_gd(fl.TwoMinima(), [0.0], 0.0, 1), "lr must be > 0"),
])
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()
