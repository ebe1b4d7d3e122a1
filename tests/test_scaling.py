import numpy as np
import pytest

from unsup.scaling import KAPLAN, ScalingLaw


def test_limits_of_the_joint_law():
    n = np.array([1e6, 1e9])
    assert KAPLAN.loss(n, 1e30) == pytest.approx(KAPLAN.loss_of_n(n), rel=1e-9)
    assert KAPLAN.loss(1e30, 1e9) == pytest.approx(KAPLAN.loss_of_d(1e9), rel=1e-6)


def test_changing_the_data_unit_moves_the_diagonal_but_not_the_loss():
    n = np.geomspace(1e6, 1e15, 5)
    d_tokens = KAPLAN.balanced_data(n)
    assert np.allclose(KAPLAN.balanced_data(n, unit=1e3), d_tokens / 1e3)
    assert np.allclose(KAPLAN.loss(n, d_tokens / 1e3, unit=1e3), KAPLAN.loss(n, d_tokens))
    # on the diagonal both terms are equal, so L = (2 D_c / D)^alpha_D
    assert np.allclose(KAPLAN.loss(n, d_tokens), (2 * KAPLAN.d_c / d_tokens) ** KAPLAN.alpha_d)


def test_loss_decreases_in_both_arguments():
    law = ScalingLaw()
    assert law.loss(1e8, 1e10) > law.loss(1e9, 1e10) > law.loss(1e9, 1e11)


@pytest.mark.parametrize("call, message", [
    (lambda: KAPLAN.loss(0.0, 1.0), "n and d must be positive"),
    (lambda: KAPLAN.loss(1.0, -1.0), "n and d must be positive"),
    (lambda: KAPLAN.loss(1.0, 1.0, unit=0.0), "unit must be a positive"),
    (lambda: KAPLAN.balanced_data(1.0, unit=-2.0), "unit must be a positive"),
])
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()
