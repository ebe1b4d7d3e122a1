"""Experiments and explorers of the chapter 'Self-supervised learning: representations,
generation, scale'.

Each experiment is computed once per process and cached; the cache ignores ``progress``, so
the notebook (which shows progress bars), the explorers and the chapter's measurements
(:mod:`unsup.chapters.self_supervised_learning`) share one run. Every experiment takes a
``seed`` (0 is the one the chapter shows): it seeds the training, the initial weights and
every random draw of the samples, so that the multi-seed tests can measure the spread of
each claim over seeds.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from .. import diffusion as dif
from .. import vae as vae_lib
from ..divergences import mmd
from ..interactive import Choice, Slider, explorer
from ..plotting import PALETTE, label, new_figure
from ..seeds import torch_seeded
from ..selfsupervised import (
    InterpolationStudy,
    encoder,
    features,
    fit_classifier,
    interpolation_study,
    label_budget_curve,
    pairs_of_different_classes,
    train_contrastive,
)
from ..sprites import digits

BUDGETS = (10, 50, 200, 1438)
#: Images per batch of the contrastive training (the InfoNCE loss's candidates per view).
CONTRASTIVE_BATCH = 256
#: Widths of the denoisers of the scale experiment; the largest is the chapter's DDPM.
WIDTHS = (2, 4, 8, 16, 32, 64, 128)
N_TRAIN, N_TEST = 5000, 2000
#: Kernel bandwidth of every MMD in the chapter: a little above the modes' sd of 0.15.
BANDWIDTH = 0.2
#: The autoregressive model's bins on [-3, 3) in each coordinate.
AR_BINS, AR_LOW, AR_HIGH = 48, -3.0, 3.0
#: Points drawn in the diffusion explorer (a subset of the samples), and its tick marks.
EXPLORER_POINTS = 600
TICKS = (-3, 0, 3)


def cached(fn):
    """Cache ``fn`` by its arguments other than ``progress`` (defaults filled in), and run it
    inside :func:`unsup.seeds.torch_seeded` with its ``seed`` argument (0 if it has none): one
    torch thread (the models are tiny, so one thread is fastest), deterministic algorithms and
    a seeded global generator, all restored afterwards, so the results are the same whichever
    process computes them first (a notebook, an explorer, a test) and whatever ran before."""
    signature = inspect.signature(fn)
    store: dict = {}

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        key = tuple((k, v) for k, v in bound.arguments.items() if k != "progress")
        if key not in store:
            with torch_seeded(int(bound.arguments.get("seed", 0))):
                store[key] = fn(*args, **kwargs)
        return store[key]

    wrapper.cache_clear = store.clear
    return wrapper


# --- representations: the label budget ------------------------------------------------------


@dataclass(frozen=True)
class LabelBudgetResult:
    """Contrastive training losses and test accuracies per label budget (rows) and draw."""

    losses: list
    probe: np.ndarray
    scratch: np.ndarray


@cached
def label_budget_experiment(repeats: int = 3, seed: int = 0,
                            progress: bool = False) -> LabelBudgetResult:
    """Train the contrastive encoder on the digits' training images (no labels), then probe it
    and train networks from scratch with 10, 50, 200 and all 1438 labels (``repeats`` label
    draws each). ``seed`` seeds the encoder's training, the label draws and the classifiers'
    initial weights."""
    data = digits(binarize=False)
    model, losses = train_contrastive(data.train, epochs=40, batch_size=CONTRASTIVE_BATCH,
                                      seed=seed, progress=progress)
    curve = label_budget_curve(features(model, data.train), data.train, data.train_labels,
                               features(model, data.test), data.test, data.test_labels,
                               BUDGETS, repeats=repeats, seed=seed, init_seed=seed, fused=True)
    return LabelBudgetResult(losses, curve["probe"], curve["scratch"])


@explorer(
    "label_budget",
    caption="Test accuracy on the digits of a linear probe on contrastive features and of the "
            "same network trained from scratch, against the number of labels; the chosen "
            "budget is marked and its accuracies are in the title.",
    labels=Choice(tuple(str(b) for b in BUDGETS), "10", label="number of labels"),
)
def label_budget(labels: str) -> Figure:
    result = label_budget_experiment()
    i = BUDGETS.index(int(labels))
    x = np.log10(BUDGETS)
    fig = new_figure()
    ax = fig.axes[0]
    for name, acc, colour in (("linear probe, contrastive features", result.probe, PALETTE[0]),
                              ("network from scratch", result.scratch, PALETTE[1])):
        ax.plot(x, acc.mean(1), "o-", color=colour, label=name)
        ax.plot(np.repeat(x, acc.shape[1]), acc.ravel(), ".", color=colour, alpha=0.5)
    ax.axvline(x[i], color="0.5", lw=0.8)
    ax.set_ylim(0, 1)
    label(ax, "log₁₀ number of labels", "test accuracy",
          f"{labels} labels: probe {result.probe[i].mean():.2f}, "
          f"scratch {result.scratch[i].mean():.2f}")
    ax.legend(loc="lower right")
    return fig


# --- generation: the ring data set, a family of DDPMs, an autoregressive model --------------


@dataclass(frozen=True)
class RingData:
    """Training points, two independent held-out samples, and the noise schedule."""

    train: np.ndarray
    test: np.ndarray
    test2: np.ndarray
    schedule: dif.Schedule


@functools.lru_cache(maxsize=1)
def ring_data() -> RingData:
    """5000 training and twice 2000 held-out points of :data:`unsup.diffusion.RING`."""
    ring = dif.RING
    return RingData(ring.sample(N_TRAIN, seed=0), ring.sample(N_TEST, seed=1),
                    ring.sample(N_TEST, seed=2), dif.linear_schedule())


def on_mode_fraction(x: np.ndarray, within: float = 3.0) -> float:
    """Fraction of points within ``within`` standard deviations of a mode centre of the ring
    (for the true distribution, :math:`1 - e^{-within^2/2}` = 0.989 at 3)."""
    ring = dif.RING
    d = np.linalg.norm(np.asarray(x)[:, None, :] - ring.centres()[None], axis=2).min(1)
    return float(np.mean(d < within * ring.sd))


@dataclass(frozen=True)
class DiffusionFamily:
    """DDPM denoisers of every width in :data:`WIDTHS`, trained with one recipe on the same
    data: parameter counts, training losses, held-out denoising losses, sampling trajectories
    ``(width, T+1, n, 2)``, and the MMD² and on-mode fraction of their samples; plus the
    held-out loss and samples of the exact (Bayes-optimal) denoiser."""

    widths: tuple
    n_params: np.ndarray
    train_losses: list
    heldout: np.ndarray
    trajectories: np.ndarray
    mmd: np.ndarray
    on_mode: np.ndarray
    bayes_loss: float
    exact_samples: np.ndarray
    exact_mmd: float


@cached
def diffusion_family(steps: int = 2000, seed: int = 0, progress: bool = False) -> DiffusionFamily:
    """Train a denoiser of each width (Adam, 2000 steps of 512 points, learning rate 5e-3
    decaying along a cosine; all widths in one loop, :func:`unsup.diffusion.train_ddpm_family`),
    evaluate it on held-out data and sample 2000 points. ``seed``
    seeds the training (initial weights, minibatches, noise), the held-out loss's noise draws
    (the same for every width and for the exact denoiser) and the sampler (seed + 5)."""
    data = ring_data()
    sch = data.schedule
    n_params, curves, heldout, trajs, mmds, on_mode = [], [], [], [], [], []
    trained = dif.train_ddpm_family(data.train, sch, widths=WIDTHS, steps=steps, lr=5e-3,
                                    batch_size=512, seed=seed, progress=progress, fused=True)
    for model, losses in trained:
        traj = dif.sample_ddpm(model, N_TEST, sch, seed=seed + 5)
        n_params.append(dif.n_parameters(model))
        curves.append(losses)
        heldout.append(dif.denoising_loss(model, data.test, sch, draws=16, seed=seed))
        trajs.append(traj)
        mmds.append(mmd(traj[0], data.test, BANDWIDTH))
        on_mode.append(on_mode_fraction(traj[0]))
    exact = dif.RingDenoiser(dif.RING, sch)
    exact_samples = dif.sample_ddpm(exact, N_TEST, sch, seed=seed + 5)[0]
    return DiffusionFamily(
        widths=WIDTHS, n_params=np.array(n_params), train_losses=curves,
        heldout=np.array(heldout), trajectories=np.stack(trajs), mmd=np.array(mmds),
        on_mode=np.array(on_mode),
        bayes_loss=dif.denoising_loss(exact, data.test, sch, draws=16, seed=seed),
        exact_samples=exact_samples, exact_mmd=mmd(exact_samples, data.test, BANDWIDTH))


@dataclass(frozen=True)
class GenerativeComparison:
    """The chapter's DDPM (the widest denoiser) against the autoregressive model and a single
    Gaussian fitted to the training data: samples, MMD² to held-out data, log-likelihoods."""

    ddpm_samples: np.ndarray
    ar_samples: np.ndarray
    gaussian_samples: np.ndarray
    ar_losses: list
    mmd: dict
    floor: float
    floor_draws: np.ndarray
    loglik: dict


@cached
def generative_comparison(seed: int = 0, progress: bool = False) -> GenerativeComparison:
    """The widest denoiser of :func:`diffusion_family` (same ``seed``), the autoregressive
    model (full-batch Adam, 400 steps, initial weights seeded by ``seed``) and a Gaussian
    fitted to the training data: 2000 samples of each (sampler seed ``seed + 5``), their MMD²
    to the held-out data, the noise floor of that MMD² (three pairs of fresh samples of the
    true distribution, drawn with seeds from ``seed``) and held-out log-likelihoods."""
    data = ring_data()
    family = diffusion_family(seed=seed, progress=progress)
    ar, ar_losses = dif.train_binned_ar(data.train, bins=AR_BINS, low=AR_LOW, high=AR_HIGH,
                                        width=32, depth=2, steps=400, lr=1e-2, seed=seed,
                                        progress=progress)
    mean, cov = dif.fit_gaussian(data.train)
    gaussian = np.random.default_rng(seed + 5).multivariate_normal(mean, cov, N_TEST)
    samples = {"DDPM": family.trajectories[-1, 0],
               "autoregressive": ar.sample(N_TEST, seed=seed + 5), "Gaussian": gaussian}
    scores = {name: mmd(s, data.test, BANDWIDTH) for name, s in samples.items()}
    scores["DDPM, exact denoiser"] = family.exact_mmd
    floor_draws = np.array([mmd(dif.RING.sample(N_TEST, seed=10 + 2 * k + 100 * seed),
                                dif.RING.sample(N_TEST, seed=11 + 2 * k + 100 * seed), BANDWIDTH)
                            for k in range(3)])
    loglik = {
        "true density": float(dif.RING.logpdf(data.test).mean()),
        "best 48-bin autoregressive model": float(
            dif.RING.binned_logpdf(data.test, AR_BINS, AR_LOW, AR_HIGH).mean()),
        "autoregressive model": float(dif.ar_log_likelihood(ar, data.test).mean()),
        "Gaussian": float(dif.gaussian_logpdf(data.test, mean, cov).mean()),
    }
    return GenerativeComparison(
        ddpm_samples=samples["DDPM"], ar_samples=samples["autoregressive"],
        gaussian_samples=gaussian, ar_losses=ar_losses, mmd=scores,
        floor=mmd(data.test, data.test2, BANDWIDTH), floor_draws=floor_draws, loglik=loglik)


@functools.lru_cache(maxsize=1)
def _forward_noised() -> np.ndarray:
    """Held-out points noised by q(x_t | x_0) at every step, ``(T+1, n, 2)``."""
    data = ring_data()
    x0 = data.test[:EXPLORER_POINTS]
    return np.stack([dif.noise_closed_form(x0, t, data.schedule, seed=100 + t)
                     for t in range(data.schedule.steps + 1)])


@explorer(
    "diffusion_steps",
    caption="Left: the DDPM's reverse process at step t (600 of its 2000 samples), from pure "
            "noise at t = 100 to the samples at t = 0, for the chosen denoiser width. Right: "
            "held-out data noised forward to the same step, q(x_t | x_0), which the reverse "
            "process should match at every step. Crosses: the ring's mode centres, shrunk by "
            "sqrt(alpha-bar_t).",
    t=Slider(0, 0, 100, 1, integer=True, label="diffusion step t"),
    width=Choice(tuple(str(w) for w in WIDTHS), str(WIDTHS[-1]), label="denoiser width"),
)
def diffusion_steps(t: int, width: str) -> Figure:
    family = diffusion_family()
    data = ring_data()
    t = int(t)
    i = WIDTHS.index(int(width))
    reverse = family.trajectories[i, t, :EXPLORER_POINTS]
    forward = _forward_noised()[t]
    centres = np.sqrt(data.schedule.alpha_bars[t]) * dif.RING.centres()
    fig = new_figure(ncols=2, width=7.0, height=3.6)
    for ax, pts, colour, title in (
            (fig.axes[0], reverse, PALETTE[0], f"reverse process, width {width}, t = {t}"),
            (fig.axes[1], forward, PALETTE[1], f"forward process q(x_t | x_0), t = {t}")):
        ax.plot(pts[:, 0], pts[:, 1], ".", ms=2, color=colour, alpha=0.5)
        ax.plot(centres[:, 0], centres[:, 1], "k+", ms=6)
        ax.set_xlim(-3.5, 3.5)
        ax.set_ylim(-3.5, 3.5)
        ax.set_xticks(TICKS)  # few tick labels keep an update fast
        ax.set_yticks(TICKS)
        ax.set_aspect("equal")
        label(ax, "x₁", "x₂", title)
    return fig


# --- interpolating between modes in a VAE's latent space ------------------------------------


#: Class pairs shown as image strips (first test image of each class).
STRIP_CLASSES = ((0, 1), (3, 8), (4, 9), (2, 7))
#: Random test pairs of different classes in the interpolation study.
PAIRS = 1000


@dataclass(frozen=True)
class InterpolationResult:
    """A VAE on the digits, a classifier to judge images, and interpolation studies over
    random test pairs (``study``) and over the strip pairs (``strips``)."""

    elbo: float
    classifier_accuracy: float
    reconstruction_accuracy: float
    study: InterpolationStudy
    strips: InterpolationStudy


@cached
def interpolation_experiment(pairs: int = PAIRS, steps: int = 9, seed: int = 0,
                             progress: bool = False) -> InterpolationResult:
    """A VAE with an 8-D latent space (Gaussian decoder of scale 0.2 on the grey levels, one
    hidden layer of 128, 30 epochs) and an MLP classifier on pixels trained on all training
    labels; ``pairs`` random test pairs of different classes. ``seed`` seeds the VAE's
    training, the classifier's initial weights and the draw of the pairs."""
    data = digits(binarize=False)
    model, _ = vae_lib.train_vae(data.train, latent_dim=8, hidden=(128,), likelihood="gaussian",
                                 decoder_scale=0.2, epochs=30, seed=seed, progress=progress)
    torch.manual_seed(seed)
    clf = fit_classifier(nn.Sequential(encoder(), nn.ReLU(), nn.Linear(64, 10)),
                         data.train, data.train_labels)

    def encode(x):
        return vae_lib.encode_numpy(model, x)[0]

    def decode(z):
        with torch.no_grad():
            return model.decoder_mean(torch.as_tensor(z, dtype=torch.float32)).numpy()

    def accuracy(images):
        with torch.no_grad():
            pred = clf(torch.as_tensor(np.asarray(images, np.float32))).argmax(1).numpy()
        return float(np.mean(pred == data.test_labels))

    study = interpolation_study(encode, decode, clf, data.test, data.test_labels, data.train,
                                pairs_of_different_classes(data.test_labels, pairs, seed=seed),
                                steps)
    first = {c: int(np.flatnonzero(data.test_labels == c)[0]) for c in range(10)}
    strips = interpolation_study(encode, decode, clf, data.test, data.test_labels, data.train,
                                 [(first[a], first[b]) for a, b in STRIP_CLASSES], steps)
    return InterpolationResult(
        elbo=float(vae_lib.elbo(model, data.test).mean()),
        classifier_accuracy=accuracy(data.test),
        reconstruction_accuracy=accuracy(decode(encode(data.test))),
        study=study, strips=strips)
