import math

import numpy as np
import pytest
import torch
from scipy.stats import multivariate_normal

from unsup import diffusion as dif
from unsup.divergences import mmd


def grid(low=-3.0, high=3.0, n=600):
    """Cell centres of an n x n grid on [low, high)^2 and the cell area."""
    step = (high - low) / n
    c = low + step * (np.arange(n) + 0.5)
    xx, yy = np.meshgrid(c, c, indexing="ij")
    return np.stack([xx.ravel(), yy.ravel()], 1), step**2


# --- data -----------------------------------------------------------------------------------


def test_ring_samples_are_seeded_and_sit_on_the_modes():
    a, b = dif.RING.sample(500, seed=3), dif.RING.sample(500, seed=3)
    assert a.shape == (500, 2) and np.array_equal(a, b)
    assert not np.array_equal(a, dif.RING.sample(500, seed=4))
    d = np.linalg.norm(a[:, None] - dif.RING.centres()[None], axis=2).min(1)
    assert np.mean(d < 3 * dif.RING.sd) > 0.97
    assert np.allclose(np.linalg.norm(dif.RING.centres(), axis=1), 2.0)


def test_ring_logpdf_matches_scipy_and_integrates_to_one():
    ring = dif.Ring(modes=3, radius=1.0, sd=0.3)
    x = np.random.default_rng(0).normal(size=(20, 2))
    direct = np.log(np.mean([multivariate_normal(c, 0.09 * np.eye(2)).pdf(x)
                             for c in ring.centres()], axis=0))
    assert np.allclose(ring.logpdf(x), direct)
    pts, area = grid()
    assert np.exp(dif.RING.logpdf(pts)).sum() * area == pytest.approx(1.0, abs=1e-4)


def test_binned_logpdf_is_a_density_below_the_truth_on_average():
    pts, area = grid()
    dens = np.exp(dif.RING.binned_logpdf(pts, 48, -3.0, 3.0))
    assert dens.sum() * area == pytest.approx(1.0, abs=2e-3)
    x = dif.RING.sample(4000, seed=0)
    binned, true = dif.RING.binned_logpdf(x, 48, -3.0, 3.0), dif.RING.logpdf(x)
    assert binned.mean() < true.mean()  # the bins cost something (Gibbs' inequality) ...
    finer = dif.RING.binned_logpdf(x, 192, -3.0, 3.0)
    assert true.mean() - finer.mean() < 0.02  # ... which vanishes as they shrink
    assert dif.RING.binned_logpdf(np.array([[3.5, 0.0]]), 48, -3.0, 3.0)[0] == -np.inf


def test_gaussian_fit_and_logpdf():
    x = np.random.default_rng(1).multivariate_normal([1.0, -1.0], [[2.0, 0.5], [0.5, 1.0]], 5000)
    mean, cov = dif.fit_gaussian(x)
    assert np.allclose(mean, [1, -1], atol=0.1) and np.allclose(cov, [[2, .5], [.5, 1]], atol=0.15)
    assert np.allclose(dif.gaussian_logpdf(x[:5], mean, cov),
                       multivariate_normal(mean, cov).logpdf(x[:5]))


# --- the forward process --------------------------------------------------------------------


def test_linear_schedule_keeps_hos_total_noise():
    sch = dif.linear_schedule()
    assert sch.steps == 100 and sch.betas[0] == 0
    ho = np.linspace(1e-4, 0.02, 1000)
    assert sch.betas.sum() == pytest.approx(ho.sum(), rel=0.01)
    assert sch.alpha_bars[0] == 1 and sch.alpha_bars[-1] < 1e-4
    assert np.all(np.diff(sch.alpha_bars) < 0)


def test_posterior_variance_formula():
    sch = dif.linear_schedule(10, 0.01, 0.3)
    ab, b = sch.alpha_bars, sch.betas
    pv = sch.posterior_variances()
    assert pv[0] == 0 and pv[1] == pytest.approx(0.0)  # x_0 is known given x_1 and x_0
    t = 5
    precision = (1 - b[t]) / b[t] + 1 / (1 - ab[t - 1])
    assert pv[t] == pytest.approx(1 / precision)


@pytest.mark.parametrize("t", [0, 1, 7, 50, 100])
def test_closed_form_equals_composed_kernels(t):
    sch = dif.linear_schedule()
    assert np.allclose(dif.forward_closed_form(sch, t), dif.forward_by_iteration(sch, t),
                       rtol=0, atol=1e-13)


def test_iterated_noising_has_the_closed_form_distribution():
    sch = dif.linear_schedule()
    x0 = np.tile([[1.5, -0.5]], (20_000, 1))
    for t in (5, 40):
        it = dif.noise_iteratively(x0, t, sch, seed=1)
        cf = dif.noise_closed_form(x0, t, sch, seed=2)
        m, v = dif.forward_closed_form(sch, t)
        assert np.allclose(it.mean(0), m * x0[0], atol=4 * math.sqrt(v / len(x0)))
        assert np.allclose(it.var(0), v, rtol=0.04)
        assert abs(mmd(it[:2000], cf[:2000], 0.3)) < 3e-3
    assert np.array_equal(dif.noise_iteratively(x0[:3], 0, sch), x0[:3])


# --- the diffusion model --------------------------------------------------------------------


def test_denoiser_shapes_and_parameter_count():
    model = dif.Denoiser(steps=100, width=128, depth=2, embed=8)
    assert dif.n_parameters(model) == 19_202
    out = model(torch.zeros(5, 2), torch.arange(1, 6))
    assert out.shape == (5, 2)


def test_exact_denoiser_for_a_single_gaussian():
    """One mode at the origin: x_t ~ N(0, v I), v = ab s^2 + 1 - ab, and
    E[eps | x_t] = sqrt(1 - ab) x_t / v."""
    ring = dif.Ring(modes=1, radius=0.0, sd=0.5)
    sch = dif.linear_schedule(20)
    model = dif.RingDenoiser(ring, sch)
    x = torch.randn(6, 2, generator=torch.Generator().manual_seed(0))
    t = torch.tensor([1, 3, 5, 10, 15, 20])
    ab = torch.tensor(sch.alpha_bars, dtype=torch.float32)[t][:, None]
    expected = torch.sqrt(1 - ab) * x / (ab * 0.25 + 1 - ab)
    assert torch.allclose(model(x, t), expected, atol=1e-6)


def test_exact_denoiser_beats_a_trained_one_and_samples_the_ring():
    sch = dif.linear_schedule()
    train, test = dif.RING.sample(2000, seed=0), dif.RING.sample(1000, seed=1)
    model, losses = dif.train_ddpm(train, sch, width=16, steps=300, batch_size=256, lr=5e-3,
                                   progress=False)
    exact = dif.RingDenoiser(dif.RING, sch)
    assert np.mean(losses[-50:]) < np.mean(losses[:50])
    assert dif.denoising_loss(exact, test, sch) < dif.denoising_loss(model, test, sch)
    traj = dif.sample_ddpm(exact, 1000, sch, seed=0)
    assert traj.shape == (101, 1000, 2)
    assert abs(traj[-1].mean()) < 0.1 and traj[-1].std() == pytest.approx(1.0, abs=0.05)
    assert abs(mmd(traj[0], test, 0.2)) < 2e-3


def test_training_and_sampling_are_deterministic():
    x = dif.RING.sample(256, seed=0)
    sch = dif.linear_schedule(10)
    m1, l1 = dif.train_ddpm(x, sch, width=8, steps=20, batch_size=64, progress=False)
    m2, l2 = dif.train_ddpm(x, sch, width=8, steps=20, batch_size=64, progress=False)
    assert l1 == l2
    assert np.array_equal(dif.sample_ddpm(m1, 50, sch, seed=3), dif.sample_ddpm(m2, 50, sch, seed=3))
    assert dif.denoising_loss(m1, x, sch, seed=1) == dif.denoising_loss(m2, x, sch, seed=1)


@pytest.mark.parametrize("fused", [False, True])
def test_training_a_family_in_one_loop_equals_separate_runs(fused):
    x = dif.RING.sample(256, seed=0)
    sch = dif.linear_schedule(10)
    family = dif.train_ddpm_family(x, sch, widths=(2, 8, 16), steps=30, batch_size=64, seed=3,
                                   progress=False, fused=fused)
    assert len(family) == 3
    for width, (model, losses) in zip((2, 8, 16), family):
        alone, alone_losses = dif.train_ddpm(x, sch, width=width, steps=30, batch_size=64,
                                             seed=3, progress=False, fused=fused)
        assert losses == alone_losses
        for p, q in zip(model.parameters(), alone.parameters()):
            assert torch.equal(p, q)
        assert not model.training


def test_fused_adam_trains_like_the_default():
    x = dif.RING.sample(256, seed=0)
    sch = dif.linear_schedule(10)
    _, plain = dif.train_ddpm(x, sch, width=8, steps=50, batch_size=64, progress=False)
    _, fused = dif.train_ddpm(x, sch, width=8, steps=50, batch_size=64, progress=False, fused=True)
    assert np.allclose(plain, fused, rtol=1e-4)


def test_family_validation():
    with pytest.raises(ValueError, match="widths must not be empty"):
        dif.train_ddpm_family(np.zeros((4, 2)), widths=(), progress=False)
    with pytest.raises(ValueError, match="steps must be a positive"):
        dif.train_ddpm_family(np.zeros((4, 2)), steps=0, progress=False)


# --- the autoregressive model ---------------------------------------------------------------


def test_binned_ar_is_a_normalized_density():
    torch.manual_seed(0)
    model = dif.BinnedAR(bins=12, width=8)
    with torch.no_grad():
        model.marginal_logits.normal_()
    pts, area = grid(n=240)
    dens = np.exp(dif.ar_log_likelihood(model, pts))
    assert dens.sum() * area == pytest.approx(1.0, abs=1e-3)
    assert dif.ar_log_likelihood(model, np.array([[0.0, 3.0], [-3.1, 0.0]]))[0] == -np.inf


def test_binned_ar_learns_the_ring_and_samples_in_range():
    train, test = dif.RING.sample(3000, seed=0), dif.RING.sample(1000, seed=1)
    model, losses = dif.train_binned_ar(train, bins=24, width=16, steps=150, progress=False)
    assert losses[-1] < losses[0] - 1.0
    ll = dif.ar_log_likelihood(model, test).mean()
    best = dif.RING.binned_logpdf(test, 24, -3.0, 3.0).mean()
    assert best - 0.2 < ll < best + 0.05
    s = model.sample(500, seed=0)
    assert s.shape == (500, 2) and s.min() >= -3 and s.max() < 3
    assert np.array_equal(s, model.sample(500, seed=0))
    assert mmd(s, test, 0.2) < 0.01


@pytest.mark.parametrize("call, message", [
    (lambda: dif.Ring(modes=0), "modes must be a positive integer"),
    (lambda: dif.Ring(sd=0.0), "sd > 0"),
    (lambda: dif.RING.sample(-1, seed=0), "n must be an integer"),
    (lambda: dif.RING.logpdf(np.zeros((3, 3))), r"shape \(n, 2\)"),
    (lambda: dif.Schedule(np.array([0.1, 0.2])), "betas"),
    (lambda: dif.linear_schedule(10, 0.3, 0.2), "beta_start <= beta_end"),
    (lambda: dif.forward_closed_form(dif.linear_schedule(10), 11), r"t must be an integer in \[0, 10\]"),
    (lambda: dif.train_ddpm(np.zeros((4, 2)), steps=0), "steps must be a positive"),
    (lambda: dif.sample_ddpm(dif.Denoiser(10), 5, dif.linear_schedule(20)), "built for 10 steps"),
    (lambda: dif.BinnedAR(low=1.0, high=0.0), "low < high"),
    (lambda: dif.train_binned_ar(np.array([[0.0, 4.0]])), "must lie in"),
    (lambda: dif.denoising_loss(dif.Denoiser(10), np.zeros((3, 2)), dif.linear_schedule(10),
                                draws=0), "draws must be a positive"),
])
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()
