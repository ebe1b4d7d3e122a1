"""Tests of unsup.dynamics.scale: scale invariance and the exponential learning-rate equivalence."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from unsup.dynamics import scale as sc

LOSS = sc.AngularLoss()


@settings(max_examples=40, deadline=None)
@given(x=st.floats(-3, 3), y=st.floats(-3, 3), c=st.floats(0.1, 10))
def test_scale_invariance_lemma(x, y, c):
    w = np.array([x, y])
    if np.linalg.norm(w) < 1e-2:
        return
    g = LOSS.grad(w)
    assert LOSS.value(c * w) == pytest.approx(LOSS.value(w), abs=1e-12)
    assert abs(g @ w) <= 1e-12 * np.linalg.norm(g) * np.linalg.norm(w) + 1e-15
    assert np.allclose(LOSS.grad(c * w), g / c, rtol=1e-10, atol=1e-12)


def test_gradient_matches_autograd():
    w = torch.tensor([0.3, -1.1], dtype=torch.float64, requires_grad=True)
    phi = torch.atan2(w[1], w[0])
    (torch.sin(3 * phi) + 0.5 * torch.cos(5 * phi)).backward()
    assert np.allclose(LOSS.grad(w.detach().numpy()), w.grad.numpy(), atol=1e-12)


def test_plain_gd_grows_the_norm_by_pythagoras():
    path = sc.gd_weight_decay(LOSS, [-0.7, 0.7], 0.3, 0.0, 50)
    sq = np.sum(path**2, axis=1)
    grads = LOSS.grad(path[:-1])
    assert np.allclose(np.diff(sq), 0.09 * np.sum(grads**2, axis=1), rtol=1e-9, atol=1e-15)


def test_exact_schedule_reproduces_the_weight_decay_path():
    lr, wd, steps = 0.1, 0.1, 400
    a = sc.gd_weight_decay(LOSS, [-0.7, 0.7], lr, wd, steps)
    b = sc.gd_schedule(LOSS, [-0.7, 0.7], sc.exponential_schedule(lr, wd, steps))
    assert np.allclose(sc.renormalize(b, lr, wd), a, atol=1e-10)
    assert sc.angle_gap(a, sc.renormalize(b, lr, wd)).max() < 1e-10


def test_off_by_one_schedule_differs_at_the_first_step():
    lr, wd = 0.1, 1.0
    a = sc.gd_weight_decay(LOSS, [-0.7, 0.7], lr, wd, 1)
    b = sc.gd_schedule(LOSS, [-0.7, 0.7], sc.exponential_schedule(lr, wd, 1, offset=0))
    assert sc.angle_gap(a, sc.renormalize(b, lr, wd))[1] > 1e-3


def test_schedule_values_and_helpers():
    lrs = sc.exponential_schedule(0.1, 0.5, 3)
    assert np.allclose(lrs, 0.1 * 0.95 ** -np.array([1.0, 3.0, 5.0]))
    assert sc.steps_until(np.array([0.0, 0.1, 2.0]), 1.0) == 2
    assert sc.steps_until(np.zeros(4), 1.0) == 4
    assert sc.angle_gap(np.array([[1.0, -1e-9]]), np.array([[1.0, 1e-9]]))[0] == pytest.approx(2e-9)
    across_pi = sc.angle_gap(np.array([[-1.0, -1e-9]]), np.array([[-1.0, 1e-9]]))[0]
    assert across_pi == pytest.approx(2e-9)


def test_precision_is_kept():
    path = sc.gd_weight_decay(LOSS, [-0.7, 0.7], 0.1, 0.1, 3, dtype=np.float32)
    assert path.dtype == np.float32


@pytest.mark.parametrize("call, message", [
    (lambda: LOSS.grad(np.zeros(3)), "last axis of length 2"),
    (lambda: LOSS.grad(np.zeros(2)), "must not be the origin"),
    (lambda: sc.gd_weight_decay(LOSS, [1, 0], 0.0, 0.1, 1), "lr must be > 0"),
    (lambda: sc.gd_weight_decay(LOSS, [1, 0], 1.0, 1.0, 1), r"lr \* weight_decay must lie"),
    (lambda: sc.gd_weight_decay(LOSS, [1, 0], 0.1, 0.1, -1), "steps must be >= 0"),
    (lambda: sc.gd_schedule(LOSS, [1, 0], [0.1, -0.1]), "finite positive learning rates"),
    (lambda: sc.exponential_schedule(0.1, -20.0, 3), r"lr \* weight_decay must lie"),
    (lambda: sc.angle_gap(np.zeros((2, 2)), np.zeros((3, 2))), "same shape"),
])
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()
