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


def test_budget_curve_seeds_the_label_draws_and_the_initial_weights_separately():
    rng = np.random.default_rng(1)
    y = np.repeat(np.arange(10), 6)
    x = (np.eye(10)[y] + 0.8 * rng.standard_normal((60, 10))).astype(np.float32)
    pix = rng.random((60, 64)).astype(np.float32)

    def curve(**kw):
        return ss.label_budget_curve(x, pix, y, x, pix, y, (10,), repeats=2, **kw)

    base = curve()
    assert all(np.array_equal(base[k], curve(seed=0, init_seed=0)[k]) for k in base)
    assert not np.array_equal(base["scratch"], curve(init_seed=1)["scratch"])
    assert not np.array_equal(base["scratch"], curve(seed=1)["scratch"])
    fused = curve(fused=True)
    assert np.allclose(fused["probe"], base["probe"], atol=0.05)


def test_power_law_fit_recovers_known_parameters_with_honest_errors():
    n = np.geomspace(50, 20_000, 8)
    truth = ss.power_law(n, 30.0, 0.6, 0.25)
    exact = ss.fit_power_law(n, truth)
    assert exact.n_c == pytest.approx(30.0, rel=1e-4)
    assert exact.alpha == pytest.approx(0.6, rel=1e-4)
    assert exact.l_inf == pytest.approx(0.25, abs=1e-6)
    assert np.allclose(exact(n), truth) and np.abs(exact.residuals).max() < 1e-8
    noisy = truth + np.random.default_rng(0).normal(0, 0.003, n.size)
    fit = ss.fit_power_law(n, noisy)
    for value, se, target in ((fit.alpha, fit.se_alpha, 0.6), (fit.l_inf, fit.se_l_inf, 0.25),
                              (fit.log10_n_c, fit.se_log10_n_c, np.log10(30.0))):
        assert 0 < se and abs(value - target) < 4 * se


def test_straight_line_and_pairs():
    path = ss.straight_line([0.0, 2.0], [4.0, -2.0], 5)
    assert path.shape == (5, 2)
    assert np.allclose(path[0], [0, 2]) and np.allclose(path[-1], [4, -2])
    assert np.allclose(path[2], [2, 0])
    labels = np.array([0, 0, 1, 1, 2])
    pairs = ss.pairs_of_different_classes(labels, 6, seed=1)
    assert pairs.shape == (6, 2) and len({tuple(p) for p in pairs}) == 6
    assert np.all(labels[pairs[:, 0]] != labels[pairs[:, 1]])
    assert np.array_equal(pairs, ss.pairs_of_different_classes(labels, 6, seed=1))


def test_interpolation_study_with_an_identity_code_equals_pixel_blending():
    rng = np.random.default_rng(0)
    x = rng.random((6, 4)).astype(np.float32)
    y = np.array([0, 1, 2, 0, 1, 2])
    torch.manual_seed(0)
    clf = nn.Linear(4, 3)
    study = ss.interpolation_study(lambda v: v, lambda z: z, clf, x, y, x, [(0, 1), (2, 3)], 5)
    assert study.images.shape == (2, 5, 4)
    assert np.allclose(study.images, np.stack([ss.straight_line(x[0], x[1], 5),
                                               ss.straight_line(x[2], x[3], 5)]), atol=1e-6)
    for latent, pixel in ((study.p_start, study.p_start_pixel), (study.p_end, study.p_end_pixel),
                          (study.confidence, study.confidence_pixel),
                          (study.nearest, study.nearest_pixel)):
        assert np.allclose(latent, pixel, atol=1e-6)
    assert np.allclose(study.nearest[:, [0, -1]], 0.0, atol=1e-6)  # ends are training images
    assert np.allclose(study.to_start + study.to_end, study.to_end[:, :1], atol=1e-5)
    assert np.all((study.p_start <= study.confidence + 1e-12) & (study.p_end <= study.confidence + 1e-12))


def test_experiment_cache_ignores_progress():
    from unsup.figures.selfsupervised import cached

    calls = []

    @cached
    def experiment(size: int = 3, progress: bool = False):
        calls.append((size, progress, torch.get_num_threads()))
        return object()

    assert experiment() is experiment(progress=True) is experiment(3) is experiment(size=3)
    threads = torch.get_num_threads()
    assert experiment(4) is not experiment()
    assert calls == [(3, False, 1), (4, False, 1)]  # computed on one thread ...
    assert torch.get_num_threads() == threads       # ... which is then restored
    experiment.cache_clear()
    experiment(progress=True)
    assert calls[-1] == (3, True, 1)


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
    (lambda: ss.fit_power_law([1, 2, 3], [3, 2, 1]), "at least 4 points"),
    (lambda: ss.fit_power_law([1, 2, 3, 4], [3, 2, 1]), "same length"),
    (lambda: ss.fit_power_law([0, 2, 3, 4], [4, 3, 2, 1]), "n must be positive"),
    (lambda: ss.straight_line([0.0], [1.0], 1), "steps must be an integer >= 2"),
    (lambda: ss.straight_line([0.0], [1.0, 2.0], 3), "same shape"),
    (lambda: ss.pairs_of_different_classes([1, 1, 1], 2), "at least two classes"),
    (lambda: ss.interpolation_study(lambda v: v, lambda z: z, nn.Linear(2, 2), np.zeros((2, 2)),
                                    [0, 0], np.zeros((2, 2)), [(0, 1)]), "different classes"),
    (lambda: ss.interpolation_study(lambda v: v, lambda z: z, nn.Linear(2, 2), np.zeros((2, 2)),
                                    [0, 1], np.zeros((2, 2)), [0, 1]), r"pairs must have shape"),
])
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()
