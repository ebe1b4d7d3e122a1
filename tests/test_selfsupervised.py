import math

import numpy as np
import pytest
import torch
from torch import nn

from unsup import selfsupervised as ss


def test_augment_shapes_determinism_and_identity_settings():
    x = np.random.default_rng(0).random((5, 64)).astype(np.float32)
    a = ss.augment(x, torch.Generator().manual_seed(1))
    b = ss.augment(x, torch.Generator().manual_seed(1))
    assert a.shape == (5, 64) and torch.equal(a, b)
    same = ss.augment(x, torch.Generator().manual_seed(1), max_shift=0, noise=0.0, crop=0)
    assert np.allclose(same.numpy(), x)


def test_augment_shift_moves_pixels_and_crop_blanks_a_row_and_column():
    img = np.zeros((1, 64), np.float32)
    img[0, 3 * 8 + 3] = 1.0  # one pixel in the middle
    for seed in range(10):
        out = ss.augment(img, torch.Generator().manual_seed(seed), noise=0.0, crop=0)
        r, c = divmod(int(out.argmax()), 8)
        assert abs(r - 3) <= 1 and abs(c - 3) <= 1 and out.sum() == pytest.approx(1.0)
    ones = np.ones((1, 64), np.float32)
    cropped = ss.augment(ones, torch.Generator().manual_seed(0), max_shift=0, noise=0.0, crop=1)
    assert cropped.sum() == pytest.approx(64 - 15)  # one row and one column blanked


def test_info_nce_of_constant_embeddings_is_log_n():
    z = torch.ones(16, 4)
    assert ss.info_nce(z, z, temperature=0.3).item() == pytest.approx(math.log(16), rel=1e-6)


def test_info_nce_matches_a_direct_computation():
    g = torch.Generator().manual_seed(0)
    z1, z2 = torch.randn(8, 3, generator=g), torch.randn(8, 3, generator=g)
    s = torch.nn.functional.cosine_similarity(z1[:, None], z2[None], dim=2) / 0.5
    direct = -0.5 * (torch.diag(s.log_softmax(1)).mean() + torch.diag(s.log_softmax(0)).mean())
    assert ss.info_nce(z1, z2, 0.5).item() == pytest.approx(direct.item(), rel=1e-5)


def test_contrastive_training_lowers_the_loss():
    from unsup.sprites import digits

    x = digits(binarize=False).train[:64]
    model, losses = ss.train_contrastive(x, epochs=30, batch_size=32, progress=False)
    assert np.mean(losses[-4:]) < np.mean(losses[:4]) - 0.3
    assert ss.features(model, x).shape == (64, 64)


def test_classifier_fits_separable_data_and_budget_curve_shapes():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(10), 5)
    x = (np.eye(10)[y] * 5 + 0.1 * rng.standard_normal((50, 10))).astype(np.float32)
    torch.manual_seed(0)
    net = ss.fit_classifier(nn.Linear(10, 10), x, y, steps=200)
    assert ss.accuracy(net, x, y) == 1.0
    pix = rng.random((50, 64)).astype(np.float32)
    curve = ss.label_budget_curve(x, pix, y, x, pix, y, (10, 50), repeats=1)
    assert curve["probe"].shape == (2, 1) and curve["scratch"].shape == (2, 1)
    assert curve["probe"][1].min() == 1.0


@pytest.mark.parametrize("call, message", [
    (lambda: ss.augment(np.zeros((2, 63)), torch.Generator()), r"x must have shape \(n, 64\)"),
    (lambda: ss.augment(np.zeros((2, 64)), torch.Generator(), noise=-1.0), "must be non-negative"),
    (lambda: ss.augment(np.zeros((2, 64)), torch.Generator(), crop=8), "crop must be smaller"),
    (lambda: ss.info_nce(torch.ones(3, 2), torch.ones(2, 2)), "same shape"),
    (lambda: ss.info_nce(torch.ones(3, 2), torch.ones(3, 2), 0.0), "temperature must be positive"),
    (lambda: ss.train_contrastive(np.zeros((4, 64)), epochs=0), "epochs must be a positive"),
    (lambda: ss.train_contrastive(np.zeros((4, 64)), batch_size=0), "batch_size must be a positive"),
    (lambda: ss.fit_classifier(nn.Linear(2, 2), np.zeros((3, 2)), [0, 1]), "one row per label"),
    (lambda: ss.label_budget_curve(np.zeros((4, 2)), np.zeros((4, 64)), [0] * 4, np.zeros((4, 2)),
                                   np.zeros((4, 64)), [0] * 4, (5,)), "every budget must lie"),
    (lambda: ss.label_budget_curve(np.zeros((4, 2)), np.zeros((4, 64)), [0] * 4, np.zeros((4, 2)),
                                   np.zeros((4, 64)), [0] * 4, (2,), repeats=0), "repeats"),
])
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()
