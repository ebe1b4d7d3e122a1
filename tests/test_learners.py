"""Tests of unsup.learners: bit counts, copies of an MLP, weight sharing, distillation,
forward gradients and their closed forms."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from unsup import learners as ln

# --- communication ------------------------------------------------------------------------


def test_parameter_count_of_the_chapter_mlp():
    assert ln.mlp_n_params((64, 32, 10)) == 64 * 32 + 32 + 32 * 10 + 10 == 2410
    assert ln.mlp_n_params((16, 1)) == 17


@given(p=st.integers(1, 10_000), r=st.integers(0, 500), k=st.integers(1, 64),
       t=st.integers(0, 1000), c=st.integers(1, 100))
def test_bit_counts_are_the_products_of_the_formula(p, r, k, t, c):
    assert ln.weight_sharing_bits(p, r, k) == p * 32 * r * k
    assert ln.distillation_bits(t, c, r, k) == t * c * 32 * r * k
    assert ln.weight_sharing_bits(p, r, k, bits=16) * 2 == ln.weight_sharing_bits(p, r, k)


def test_table_renders_as_text_and_html():
    table = ln.Table(["a", "b"], [["1", "<2>"]])
    assert "a | b" in str(table) == repr(table) and "&lt;2&gt;" in table._repr_html_()
    with pytest.raises(ValueError, match="every row must have 2 cells"):
        ln.Table(["a", "b"], [["1"]])


# --- data and copies ----------------------------------------------------------------------


def test_sharded_digits_splits_without_overlap_and_keeps_shards_across_transfer_sizes():
    a = ln.sharded_digits(4, 20)
    b = ln.sharded_digits(4, 100)
    assert a.copies == 4 and len(a.transfer_x) == 20 and len(b.transfer_x) == 100
    assert all(torch.equal(x, y) for x, y in zip(a.shards_x, b.shards_x))
    assert len(a.test_x) == 359 and sum(len(s) for s in a.shards_x) == 4 * (1038 // 4)
    assert torch.equal(a.transfer_x, b.transfer_x[:20])
    pooled_x, pooled_y = a.pooled()
    assert pooled_x.shape == (1036, 64) and pooled_y.shape == (1036,)
    assert float(pooled_x.max()) <= 1.0


def test_sorted_shards_see_one_or_two_labels_each():
    data = ln.sharded_digits(8, 0, by_label=True)
    n_labels = [len(set(y.tolist())) for y in data.shards_y]
    assert max(n_labels) <= 3 and min(n_labels) >= 1
    shuffled = ln.sharded_digits(8, 0)
    assert min(len(set(y.tolist())) for y in shuffled.shards_y) >= 9


def test_init_copies_same_or_different_and_forward_shapes():
    same = ln.init_copies(3, (5, 4, 2), seed=0, same_init=True)
    diff = ln.init_copies(3, (5, 4, 2), seed=0, same_init=False)
    assert [tuple(p.shape) for p in same] == [(3, 5, 4), (3, 4), (3, 4, 2), (3, 2)]
    assert torch.equal(same[0][0], same[0][2]) and not torch.equal(diff[0][0], diff[0][1])
    x = torch.randn(7, 5)
    out = ln.forward(same, x)
    assert out.shape == (3, 7, 2) and torch.allclose(out[0], out[1])
    per_copy = ln.forward(diff, x.expand(3, 7, 5).contiguous())
    assert torch.allclose(per_copy, ln.forward(diff, x), atol=1e-6)


def test_forward_matches_torch_modules():
    params = ln.init_copies(1, (6, 5, 3), seed=1, same_init=True)
    params[1] += 0.3
    net = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3))
    with torch.no_grad():
        net[0].weight.copy_(params[0][0].T)
        net[0].bias.copy_(params[1][0])
        net[2].weight.copy_(params[2][0].T)
        net[2].bias.copy_(params[3][0])
    x = torch.randn(4, 6)
    assert torch.allclose(ln.forward(params, x)[0], net(x), atol=1e-6)


def test_average_copies_is_the_mean():
    params = ln.init_copies(4, (3, 2), seed=0, same_init=False)
    avg = ln.average_copies(params)
    assert torch.allclose(avg[0][2], params[0].mean(0))
    assert torch.equal(avg[0][0], avg[0][3])


# --- weight sharing and distillation ------------------------------------------------------


@pytest.fixture(scope="module")
def small_data():
    return ln.sharded_digits(4, 50)


def test_weight_sharing_keeps_copies_identical_and_counts_bits(small_data):
    run = ln.train_weight_sharing(small_data, steps=40, eval_every=20)
    assert all(torch.equal(p[0], p[k]) for p in run.params for k in range(1, 4))
    assert run.bits[-1] == ln.weight_sharing_bits(2410, 40, 4)
    assert list(run.steps) == [0, 20, 40] and run.final_accuracy > 0.7


def test_averaging_weights_after_one_step_is_averaging_gradients(small_data):
    """With a sync every step, weight sharing is one model trained on the mean gradient."""
    run = ln.train_weight_sharing(small_data, steps=1, lr=0.5, seed=3)
    params = [p.requires_grad_() for p in ln.init_copies(4, (64, 32, 10), 3, same_init=True)]
    gen = torch.Generator().manual_seed(4)
    xb, yb = ln._batch_from_shards(small_data.shards_x, small_data.shards_y, 32, gen)
    loss = ln._cross_entropy_per_copy(ln.forward(params, xb), yb).sum()
    grads = torch.autograd.grad(loss, params)  # copy k's slice holds copy k's gradient
    for p, g, got in zip(params, grads, run.params):
        assert torch.allclose(got[0], (p[0] - 0.5 * g.mean(0)).detach(), atol=1e-6)


def test_local_sgd_sends_fewer_bits(small_data):
    run = ln.train_weight_sharing(small_data, steps=40, sync_every=10, eval_every=40)
    assert run.bits[-1] == ln.weight_sharing_bits(2410, 4, 4)


def test_distillation_counts_exchanges_and_helps_sorted_copies():
    data = ln.sharded_digits(4, 100, by_label=True)
    di = ln.train_distillation(data, rounds=10, local_steps=10)
    iso = ln.train_distillation(data, rounds=10, local_steps=10, alpha=0.0)
    assert di.bits[-1] == ln.distillation_bits(100, 10, 9, 4) and iso.bits[-1] == 0
    assert di.method == "distillation" and iso.method == "isolated"
    assert di.final_accuracy > iso.final_accuracy + 0.2
    assert iso.bits_to_reach(0.99) == math.inf
    assert di.bits_to_reach(0.0) == 0.0


# --- forward gradients --------------------------------------------------------------------


def test_forward_gradient_of_rows():
    g = np.array([1.0, 2.0])
    v = np.array([[1.0, 0.0], [1.0, 1.0]])
    assert np.allclose(ln.forward_gradient(g, v), [[1.0, 0.0], [3.0, 3.0]])
    assert np.allclose(ln.forward_gradient(g, v[1]), [3.0, 3.0])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=1, max_size=5).filter(lambda g: np.dot(g, g) > 1e-3))
def test_quadrature_gives_the_closed_form_exactly(g):
    g = np.array(g)
    mean, mse = ln.forward_gradient_moments_exact(g)
    assert np.allclose(mean, g, atol=1e-12)
    assert mse == pytest.approx((len(g) + 1) * (g @ g), rel=1e-12, abs=1e-12)
    assert ln.forward_gradient_mse(len(g)) == len(g) + 1


def test_rademacher_directions_have_error_d_minus_one():
    """The exercise's claim: with random signs the error is (d - 1)||g||^2, exactly."""
    import itertools

    g = np.array([0.5, -1.0, 2.0, 0.3])
    v = np.array(list(itertools.product([-1.0, 1.0], repeat=4)))
    err = ((ln.forward_gradient(g, v) - g) ** 2).sum(1).mean()
    assert err == pytest.approx(3 * (g @ g), rel=1e-12)


@pytest.mark.parametrize("d", [1, 3, 50, 1000])
def test_sampled_errors_match_the_closed_form(d):
    err = ln.sample_normalized_error(d, 200_000, seed=d)
    se = err.std() / math.sqrt(len(err))
    assert abs(err.mean() - (d + 1)) < 5 * se
    cos = ln.sample_cosine(d, 20_000, seed=d)
    assert cos.min() >= 0 and cos.max() <= 1
    if d >= 50:
        assert cos.mean() == pytest.approx(math.sqrt(2 / (math.pi * d)), rel=0.05)


def test_gradient_errors_on_a_network():
    e = ln.gradient_errors(4, n_tangents=3000, n_checked=50)
    assert e.n_params == 16 * 4 + 4 + 4 + 1
    assert e.jvp_max_error < 1e-12
    assert abs(e.forward_mse - (e.n_params + 1)) < 4 * e.forward_mse_se
    assert np.allclose(e.perturbation_sq_errors, e.forward_sq_errors[:50], rtol=1e-5)
    assert e.bias < 4 * math.sqrt((e.n_params + 1) / 3000)


def test_loglog_slope_of_a_power_law():
    x = np.array([1.0, 10.0, 100.0])
    assert ln.loglog_slope(x, 3 * x ** 1.5) == pytest.approx(1.5)


def test_linear_task_is_whitened_and_its_minimum_is_right():
    task = ln.linear_task(8, n=64)
    gram = task.x.T @ task.x / 64
    assert torch.allclose(gram, torch.eye(8, dtype=torch.float64), atol=1e-10)
    assert abs(float(task.x.sum(0).abs().max())) < 1e-9
    bp = ln.train_regression(None, "backprop", [0.5], steps=1, task=task)
    assert bp.loss[0, 1] == pytest.approx(task.min_loss, rel=1e-10)


def test_forward_gradient_rate_on_the_linear_task():
    assert ln.forward_gradient_linear_rate(10) == pytest.approx(1 - 1 / 12)
    assert ln.forward_gradient_linear_rate(10, lr=0.5) == pytest.approx(1 - 2 + 12)
    rhos = [ln.forward_gradient_linear_rate(10, lr=eta) for eta in np.linspace(0.001, 0.1, 50)]
    assert min(rhos) >= 1 - 1 / 12 - 1e-12
    task = ln.linear_task(6, n=32)
    fg = ln.train_regression(None, "forward", [1 / 18] * 200, steps=20, task=task)
    excess = fg.loss.mean(0) - task.min_loss
    expected = excess[0] * ln.forward_gradient_linear_rate(7) ** 20
    assert excess[20] == pytest.approx(expected, rel=0.35)


def test_train_regression_marks_divergence_and_picks_the_best_rate():
    curves = ln.train_regression(4, "backprop", [0.1, 100.0], steps=30)
    assert np.isinf(curves.loss[1, -1]) and np.isfinite(curves.loss[0, -1])
    assert curves.best_lr == pytest.approx(0.1) and curves.best[-1] < curves.best[0]
    fg = ln.train_regression(4, "forward", [0.01], steps=30)
    assert fg.loss.shape == (1, 31) and fg.loss[0, -1] < fg.loss[0, 0]


def test_ntk_effective_dimension_is_at_most_n_and_d():
    task = ln.teacher_task(n=20)
    d_eff = ln.ntk_effective_dimension(8, task)
    n_examples, n_params = task.x.shape[0], ln.mlp_n_params((16, 8, 1))
    assert 1 <= d_eff <= min(n_examples, n_params)
    assert ln.ntk_effective_dimension(None, ln.linear_task(5, n=40)) == pytest.approx(
        6.0, rel=0.5)


def test_steps_to_reach():
    assert ln.steps_to_reach([3.0, 2.0, 1.0], 2.0) == 1
    assert ln.steps_to_reach([3.0, 2.0], 0.5) == math.inf


def test_single_thread_restores_the_setting():
    before = torch.get_num_threads()
    with ln.single_thread():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize("call, message", [
    (lambda: ln.mlp_n_params((3,)), "sizes must list at least"),
    (lambda: ln.mlp_n_params((3, 0)), "every layer width in sizes must be a positive integer"),
    (lambda: ln.weight_sharing_bits(0, 1, 1), "n_params must be a positive integer"),
    (lambda: ln.weight_sharing_bits(10, -1, 1), "rounds must be a non-negative integer"),
    (lambda: ln.distillation_bits(10, 10, 1, 0), "copies must be a positive integer"),
    (lambda: ln.sharded_digits(2, 500), "transfer_size must be <= transfer_pool"),
    (lambda: ln.sharded_digits(2, 10, test_fraction=1.5), "test_fraction must lie in"),
    (lambda: ln.sharded_digits(5000, 10), "leaves no labelled example"),
    (lambda: ln.train_weight_sharing(ln.sharded_digits(2, 0), steps=0), "steps must be a positive"),
    (lambda: ln.train_weight_sharing(ln.sharded_digits(2, 0), lr=-1.0), "lr must be a positive"),
    (lambda: ln.train_distillation(ln.sharded_digits(2, 0), alpha=-1.0), "alpha must be"),
    (lambda: ln.train_distillation(ln.sharded_digits(2, 0), temperature=0.0),
     "temperature must be a positive"),
    (lambda: ln.forward_gradient(np.ones(3), np.ones(4)), "g must be"),
    (lambda: ln.forward_gradient_mse(0), "d must be positive integers"),
    (lambda: ln.forward_gradient_moments_exact(np.ones(9)), "g must be a vector of length 1..8"),
    (lambda: ln.sample_normalized_error(0, 5), "d must be a positive integer"),
    (lambda: ln.linear_task(10, n=10), "n must be > d"),
    (lambda: ln.linear_task(3, noise=-1.0), "noise must be"),
    (lambda: ln.gradient_errors(2, n_tangents=10, n_checked=20), "n_checked must be <="),
    (lambda: ln.loglog_slope([1.0], [1.0]), "x and y must be 1-D"),
    (lambda: ln.loglog_slope([1.0, 0.0], [1.0, 2.0]), "must be positive"),
    (lambda: ln.train_regression(2, "sideways", [0.1]), "method must be"),
    (lambda: ln.train_regression(2, "forward", [-0.1]), "lrs must be a non-empty list"),
    (lambda: ln.forward_gradient_linear_rate(3, lr=0.0), "lr must be a positive"),
])
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_parallel_run_rejects_unknown_methods():
    from unsup.figures.learners import parallel_run

    with pytest.raises(ValueError, match="method must be"):
        parallel_run("telepathy", 2)


# --- the chapter module (unsup.chapters.digital_analogue_learners) -------------------------


def test_chapter_seeds_do_not_share_generators():
    from unsup.chapters import digital_analogue_learners as ch

    used = [{ch.run_seed(s), ch.run_seed(s) + 1} for s in range(5)]
    assert ch.run_seed(0) == 0  # the seed the chapter shows is the library's default
    assert all(a.isdisjoint(b) for i, a in enumerate(used) for b in used[i + 1:])
    with pytest.raises(ValueError, match="seed must be"):
        ch.run_seed(-1)


def test_chapter_rounds_count_communication():
    from unsup.chapters import digital_analogue_learners as ch
    from unsup.figures.learners import LOCAL_STEPS, STEPS

    assert [ch.rounds(m) for m in ch.METHODS] == [STEPS, STEPS // 10, STEPS // LOCAL_STEPS - 1, 0]
    with pytest.raises(ValueError, match="name must be"):
        ch.rounds("telepathy")


def test_chapter_accuracy_se_and_chi2_bound():
    from unsup.chapters import digital_analogue_learners as ch

    assert ch.accuracy_se(0.5, 100) == pytest.approx(0.05)
    assert ch.accuracy_se(1.0, 10) == 0.0
    # the tolerance for "the same accuracy" is about three standard errors near 0.96, n = 359
    assert 2.5 < ch.ACCURACY_TOLERANCE / ch.accuracy_se(0.96, 359) < 3.5
    with pytest.raises(ValueError, match="accuracy must"):
        ch.accuracy_se(1.5, 10)
    # chi-square with 2 degrees of freedom is exponential with mean 2: quantile -2 ln(1 - q)
    assert ch.chi2_bound(2, 0.99) == pytest.approx(-2 * np.log(0.01))


def test_chapter_gradient_noise_small():
    from unsup.chapters import digital_analogue_learners as ch

    noise = ch.gradient_noise(0, n_tangents=300, n_checked=20)
    assert noise.dims.tolist() == [ln.mlp_n_params((16, h, 1)) for h in ch.HIDDEN]
    first = noise.errors[0]
    assert noise.forward_checked[0] == pytest.approx(first.forward_sq_errors[:20].mean())
    # weight perturbation with eps = 1e-5 is the forward gradient up to O(eps^2)
    np.testing.assert_allclose(noise.perturbation / noise.forward_checked, 1.0, rtol=1e-4)
    # 300 directions: the mean error is d + 1 within a few standard errors at every width
    assert np.all(np.abs(noise.mse - (noise.dims + 1)) < 5 * noise.se)


def test_chapter_crossing_interpolates_on_a_log_scale():
    from unsup.chapters import digital_analogue_learners as ch

    rho = 0.9
    curve = rho ** np.arange(60.0)
    # an exact geometric curve crosses where rho**t = target, between whole steps
    assert ch.crossing(curve, 0.1) == pytest.approx(np.log(0.1) / np.log(rho))
    assert ch.crossing(curve, 1.0) == 0.0
    assert ch.crossing(curve[:5], 0.1) == np.inf
    with pytest.raises(ValueError, match="positive"):
        ch.crossing(np.array([1.0, 0.0]), 0.1)
