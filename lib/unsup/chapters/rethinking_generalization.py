r"""The chapter 'Rethinking generalization and inductive bias': its experiments, per seed.

Every experiment that trains or samples is a function ``experiment(seed) -> dict[str,
float]`` returning, for one seed, the measured quantity of each claim the notebook checks
on it. The notebook and the multi-seed test (``tests/seeds/test_rethinking_generalization.py``)
call the same functions, so the claim table and the stored spreads measure the same thing.

- :func:`label_noise` -- the 64-256-10 network trained to zero training error on the digits
  with a fraction :math:`p \in \{0, 0.2, \dots, 1\}` of random labels (Zhang et al.);
- :func:`memorizer` -- Monte Carlo check of the 1-nearest-neighbour memorizer's expected
  accuracy :math:`(1 - p)\,a_0 + p/10` under label corruption;
- :func:`interpolants` -- gradient descent and the many interpolants of a random-features
  regression (random features, random starts, random null-space direction);
- :func:`init_scale` -- the network's test accuracy at zero training error for initial
  scales 1, 8 and 32;
- :func:`conjunction_sliver` -- learners on random training sets, scored on all boolean
  functions and on the conjunctions only.

Seed 0 is the run the chapter shows. Trained runs are cached (:func:`digits_fit`), so the
notebook's sweep, its initial-scale runs and the explorer share them.
"""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np
from numpy.typing import NDArray

from .. import generalization as gen
from ..progress import tqdm
from ..seeds import torch_seeded
from ..sprites import digits

__all__ = [
    "FRACTIONS",
    "GD_SCALES",
    "INIT_SCALES",
    "MEMORIZER_DRAWS",
    "N_STARTS",
    "SLIVER_DRAWS",
    "chance_tolerance",
    "conjunction_sliver",
    "digits_fit",
    "init_scale",
    "interpolant_candidates",
    "interpolants",
    "label_noise",
    "label_noise_sweep",
    "learners",
    "mean_start_mse",
    "memorizer",
    "memorizer_means",
    "random_starts",
    "sliver_accuracies",
]

FRACTIONS: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
"""The fractions of corrupted labels at which the digits network is trained."""

INIT_SCALES: tuple[float, ...] = (1.0, 8.0, 32.0)
"""Factors multiplying every initial weight and bias of the network."""

GD_SCALES: tuple[float, ...] = (1.0, 3.0, 10.0)
"""Scales :math:`s` of the random starts :math:`w_0 = s\\,g` of gradient descent."""

MEMORIZER_DRAWS = 40
"""Corruption draws averaged for the 1-NN Monte Carlo check."""

N_STARTS = 100
"""Random starts :math:`g` over which gradient descent's test error is averaged."""

SLIVER_DRAWS = 300
"""Random training sets of 8 inputs on which the learners are scored on the conjunctions."""

N_FEATURES = 200


# --- the digits network: real, partly random and random labels ------------------------------


@cache
def digits_fit(seed: int, fraction: float = 0.0, init_scale: float = 1.0) -> gen.FitHistory:
    """One run of :func:`unsup.generalization.fit_until_interpolation` on the digits.

    The training labels are corrupted at ``fraction`` with label seed ``seed + 1``
    (:func:`unsup.generalization.corrupt_labels`, nested across fractions); the network is
    initialized with torch seed ``seed`` and its parameters multiplied by ``init_scale``.
    Training runs inside :func:`unsup.seeds.torch_seeded`, so it is bit-for-bit repeatable
    on one machine. Cached: the chapter's sweep, its initial-scale runs and the explorer
    share runs.
    """
    data = digits(binarize=False)
    labels = gen.corrupt_labels(data.train_labels, fraction, seed=seed + 1)
    with torch_seeded(seed):
        return gen.fit_until_interpolation(data.train, labels, data.test, data.test_labels,
                                           init_scale=init_scale, seed=seed)


_SWEEPS: dict[int, gen.NoiseSweep] = {}


def label_noise_sweep(seed: int = 0, progress: bool = False) -> gen.NoiseSweep:
    """The network trained to zero training error at every fraction of :data:`FRACTIONS`
    (one network initialization, nested corrupted labels), with the 1-NN test accuracy on
    the same labels. Fraction 0 is the real labels, fraction 1 random labels. Cached per
    seed; ``progress`` shows a bar over the fractions while it trains."""
    if seed not in _SWEEPS:
        _SWEEPS[seed] = _sweep(seed, progress)
    return _SWEEPS[seed]


def _sweep(seed: int, progress: bool) -> gen.NoiseSweep:
    data = digits(binarize=False)
    histories, knn, labels = [], [], []
    for f in tqdm(FRACTIONS, desc="label-noise fractions", disable=not progress):
        y = gen.corrupt_labels(data.train_labels, f, seed=seed + 1)
        labels.append(y)
        histories.append(digits_fit(seed, f))
        knn.append(gen.nearest_neighbour_accuracy(data.train, y, data.test, data.test_labels))
    return gen.NoiseSweep(FRACTIONS, tuple(histories), np.array(knn), tuple(labels))


def chance_tolerance(n_test: int, sds: float = 5.0) -> float:
    r"""``sds`` binomial standard deviations :math:`\sqrt{0.1 \cdot 0.9 / n}` of an accuracy
    at chance (1/10) on ``n_test`` test points: the tolerance of the random-label claim.

    One run's central 99.9% binomial interval is about 3.3 standard deviations wide on
    either side; the predictions of neighbouring test images are correlated, so over seeds
    the accuracy spreads a little wider than one binomial draw, and a run on another
    processor needs room beyond the spread of the seeds.
    """
    if not n_test >= 1:
        raise ValueError(f"n_test must be >= 1, got {n_test}")
    if not sds > 0:
        raise ValueError(f"sds must be > 0, got {sds}")
    return float(sds * np.sqrt(0.1 * 0.9 / n_test))


def label_noise(seed: int) -> dict[str, float]:
    """The claims on the label-noise sweep for one seed.

    - ``real_train_error``, ``random_train_error``: final training error with real and
      with random labels (0 once the network interpolates);
    - ``real_test_accuracy``, ``random_test_accuracy``: test accuracy on the true test
      labels at zero training error;
    - ``random_over_real_epochs``: epochs to zero training error, random / real labels;
    - ``rademacher_correlation``: :math:`\\frac1n\\sum_i \\sigma_i h(x_i)` with
      :math:`\\sigma_i = (-1)^{y_i}` the parities of the random labels and :math:`h` the
      parity of the fitted network's predicted class;
    - ``largest_final_train_error``: the largest final training error over all fractions;
    - ``largest_accuracy_increase``: the largest change of test accuracy between
      neighbouring fractions (negative when accuracy falls as :math:`p` rises);
    - ``corruption_slowdown``: fewest epochs to fit over :math:`p > 0`, divided by the
      epochs at :math:`p = 0`;
    - ``smallest_margin_over_nn``: over :math:`0 < p < 1`, the smallest margin of the
      network's final test accuracy over that of 1-NN on the same labels (quoted, not
      claimed: its sign changes with the seed);
    - ``smallest_peak_lead_over_nn``: the same with the network's best test accuracy during
      training in place of its final one;
    - ``smallest_peak_drop``: over :math:`0 < p < 1`, the smallest drop from the best test
      accuracy during training to the final one.
    """
    sweep = label_noise_sweep(seed)
    real, rand = sweep.histories[0], sweep.histories[-1]
    acc, epochs = sweep.test_accuracy, sweep.epochs_to_fit
    peak = np.array([h.test_accuracy.max() for h in sweep.histories])
    margin = (acc - sweep.nearest_neighbour)[1:-1]
    sigma = gen.parity_signs(sweep.train_labels[-1])
    return {
        "real_train_error": real.final_train_error,
        "random_train_error": rand.final_train_error,
        "real_test_accuracy": real.final_test_accuracy,
        "random_test_accuracy": rand.final_test_accuracy,
        "random_over_real_epochs": float(epochs[-1] / epochs[0]),
        "rademacher_correlation": float(np.mean(sigma * gen.parity_signs(rand.train_predictions))),
        "largest_final_train_error": max(h.final_train_error for h in sweep.histories),
        "largest_accuracy_increase": float(np.diff(acc).max()),
        "corruption_slowdown": float(epochs[1:].min() / epochs[0]),
        "smallest_margin_over_nn": float(margin.min()),
        "smallest_peak_lead_over_nn": float((peak - sweep.nearest_neighbour)[1:-1].min()),
        "smallest_peak_drop": float((peak - acc)[1:-1].min()),
    }


# --- the 1-NN memorizer, by Monte Carlo ------------------------------------------------------


@lru_cache(maxsize=8)
def memorizer_means(seed: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """1-NN test accuracy averaged over :data:`MEMORIZER_DRAWS` corruptions of the training
    labels at each fraction of :data:`FRACTIONS` (label seeds ``100 + 40 seed`` onwards), and
    the expectation :math:`(1 - p)\\,a_0 + p/10`, :math:`a_0` the accuracy on clean labels."""
    data = digits(binarize=False)
    nn_index = gen.nearest_neighbour_index(data.train, data.test)
    f = np.array(FRACTIONS)
    a0 = float(np.mean(data.train_labels[nn_index] == data.test_labels))
    first = 100 + MEMORIZER_DRAWS * seed
    means = np.array([
        np.mean([np.mean(gen.corrupt_labels(data.train_labels, p, seed=s)[nn_index]
                         == data.test_labels) for s in range(first, first + MEMORIZER_DRAWS)])
        for p in f])
    expected = (1 - f) * a0 + f / 10
    means.flags.writeable = expected.flags.writeable = False  # cached: shared by callers
    return means, expected


def memorizer(seed: int) -> dict[str, float]:
    """``largest_deviation``: the largest :math:`|\\text{Monte Carlo mean} - (1 - p)a_0 - p/10|`
    over the fractions, for one block of corruption draws."""
    means, expected = memorizer_means(seed)
    return {"largest_deviation": float(np.abs(means - expected).max())}


# --- many global minima: random-features regression ------------------------------------------


def _rng(seed: int, stream: int) -> np.random.Generator:
    """An independent generator for one random quantity (``stream``) of one seed."""
    return np.random.default_rng((seed, stream))


def interpolant_candidates(seed: int = 0) -> tuple[gen.InterpolationProblem,
                                                     dict[str, NDArray[np.float64]]]:
    """The regression of :func:`unsup.generalization.interpolation_problem` with problem seed
    ``seed`` (inputs' jitter and features) and several of its interpolants: the minimum-norm
    one, gradient descent's limits from :math:`w_0 = s\\,g` (:math:`g \\sim \\mathcal N(0,
    I/d)`, :data:`GD_SCALES`), :math:`w^\\dagger + 2v` for the null-space direction of largest
    effect on the test predictions and for a random one, and the oracle best interpolant."""
    from ..figures.generalization import null_space_setup

    setup = null_space_setup(seed)
    problem = setup.problem
    phi, y = problem.phi_train, problem.y_train
    w_dagger = gen.min_norm_solution(phi, y)
    g = random_starts(seed)[0]
    candidates = {"minimum norm (GD from 0)": w_dagger}
    for s in GD_SCALES:
        candidates[f"GD from w0 = {s:g} g"] = gen.gd_limit(phi, y, s * g)
    candidates["w† + 2v, v of largest effect"] = w_dagger + 2 * setup.vectors["largest effect"]
    candidates["w† + 2v, v random"] = w_dagger + 2 * setup.vectors["random"]
    candidates["best interpolant (oracle)"] = gen.best_interpolant(problem)
    return problem, candidates


def random_starts(seed: int = 0) -> NDArray[np.float64]:
    """:data:`N_STARTS` random directions :math:`g \\sim \\mathcal N(0, I/d)` (rows); the first
    is the one of :func:`interpolant_candidates`."""
    return _rng(seed, 11).standard_normal((N_STARTS, N_FEATURES)) / np.sqrt(N_FEATURES)


def mean_start_mse(seed: int = 0) -> tuple[float, NDArray[np.float64]]:
    """Test MSE of the minimum-norm interpolant, and the test MSE of gradient descent's limit
    :math:`\\Phi^+y + (I - \\Phi^+\\Phi)\\,s g` averaged over the :data:`N_STARTS` starts
    :math:`g` of :func:`random_starts`, for each scale :math:`s` of :data:`GD_SCALES`.

    The limit is :func:`unsup.generalization.gd_limit`, computed for all starts at once."""
    problem = gen.interpolation_problem(seed=seed)
    phi, y = problem.phi_train, problem.y_train
    w_dagger = gen.min_norm_solution(phi, y)
    starts = random_starts(seed)
    null_part = starts - starts @ gen.row_space_projector(phi).T  # (I - Φ⁺Φ) g, row by row
    base = gen.mse(problem.phi_test, w_dagger, problem.y_test)
    means = np.array([np.mean(((w_dagger + s * null_part) @ problem.phi_test.T
                               - problem.y_test) ** 2, axis=1).mean() for s in GD_SCALES])
    return base, means


def interpolants(seed: int) -> dict[str, float]:
    """The claims on gradient descent and the interpolants, for one seed.

    Gradient descent (5,000 steps) from 0 and from a random :math:`w_0 \\sim \\mathcal N(0, I)`:

    - ``gd_zero_distance``: :math:`\\lVert w_{GD} - \\Phi^+y\\rVert / \\lVert\\Phi^+y\\rVert`;
    - ``pinv_formula_error``: largest entry of :math:`|\\Phi^+y - \\Phi^\\top(\\Phi\\Phi^\\top)^{-1}y|`;
    - ``null_drift``: largest null-space drift of both runs;
    - ``gd_start_distance``: relative distance of GD from :math:`w_0` to
      :math:`\\Phi^+y + (I - \\Phi^+\\Phi)w_0`.

    The candidates of :func:`interpolant_candidates`:

    - ``largest_train_mse``; ``log10_test_mse_ratio``: :math:`\\log_{10}` of largest over
      smallest test MSE; ``shortest_minus_min_norm``: the smallest norm minus the
      minimum-norm one's (0 when it is the shortest);
    - ``smallest_log_increase``: GD's extra test error over the minimum-norm interpolant,
      averaged over :data:`N_STARTS` random starts (:func:`mean_start_mse`): the smallest
      :math:`\\log_{10}` ratio of it between successive scales (positive when it grows with
      the scale; about :math:`\\log_{10} 9` and :math:`\\log_{10} 11` if it grows as :math:`s^2`);
    - ``log10_oracle_over_min_norm``: :math:`\\log_{10}` of the oracle's test MSE over the
      minimum-norm one's (negative when the oracle is better).
    """
    problem, candidates = interpolant_candidates(seed)
    phi, y = problem.phi_train, problem.y_train
    w_dagger = candidates["minimum norm (GD from 0)"]
    gd_zero = gen.gradient_descent(phi, y, steps=5000)
    w0 = _rng(seed, 5).standard_normal(N_FEATURES)
    gd_start = gen.gradient_descent(phi, y, w0, steps=5000)
    train = {k: gen.mse(phi, w, y) for k, w in candidates.items()}
    test = {k: gen.mse(problem.phi_test, w, problem.y_test) for k, w in candidates.items()}
    norms = {k: float(np.linalg.norm(w)) for k, w in candidates.items()}
    base, mean_mse = mean_start_mse(seed)
    return {
        "gd_zero_distance": float(np.linalg.norm(gd_zero.weights - w_dagger)
                                  / np.linalg.norm(w_dagger)),
        "pinv_formula_error": float(np.abs(
            w_dagger - phi.T @ np.linalg.solve(phi @ phi.T, y)).max()),
        "null_drift": float(max(gd_zero.null_drift.max(), gd_start.null_drift.max())),
        "gd_start_distance": float(np.linalg.norm(gd_start.weights - gen.gd_limit(phi, y, w0))
                                   / np.linalg.norm(gd_start.weights)),
        "largest_train_mse": max(train.values()),
        "log10_test_mse_ratio": float(np.log10(max(test.values()) / min(test.values()))),
        "shortest_minus_min_norm": min(norms.values()) - norms["minimum norm (GD from 0)"],
        "smallest_log_increase": float(np.diff(np.log10(mean_mse - base)).min()),
        "log10_oracle_over_min_norm": float(np.log10(test["best interpolant (oracle)"]
                                                     / test["minimum norm (GD from 0)"])),
    }


# --- the initial scale as an inductive bias --------------------------------------------------


def init_scale(seed: int) -> dict[str, float]:
    """The network on the real labels with every initial parameter multiplied by each scale
    of :data:`INIT_SCALES` (torch seed ``seed``; scale 1 is the sweep's real-label run):

    - ``scales_largest_final_train_error``: the largest final training error over the scales;
    - ``accuracy_gap_1_32``: test accuracy at zero training error, scale 1 minus scale 32.
    """
    runs = {a: digits_fit(seed, 0.0, a) for a in INIT_SCALES}
    return {
        "scales_largest_final_train_error": max(h.final_train_error for h in runs.values()),
        "accuracy_gap_1_32": runs[1.0].final_test_accuracy - runs[32.0].final_test_accuracy,
    }


# --- no free lunch on a sliver ---------------------------------------------------------------


def sliver_accuracies(seed: int = 0, n_bits: int = 4, n_train: int = 8
                      ) -> tuple[dict[str, float], dict[str, float]]:
    """See :func:`_sliver_accuracies` (cached); returns fresh dicts."""
    sliver, everything = _sliver_accuracies(seed, n_bits, n_train)
    return dict(sliver), dict(everything)


@lru_cache(maxsize=8)
def _sliver_accuracies(seed: int, n_bits: int, n_train: int
                       ) -> tuple[dict[str, float], dict[str, float]]:
    """Off-training-set accuracy of the chapter's four learners (Find-S, 1-NN in Hamming
    distance, constant 0, anti-Find-S) over :data:`SLIVER_DRAWS` random training sets of
    ``n_train`` inputs (generator seeded by ``seed``): pooled over the :math:`3^n`
    conjunctions, and over all :math:`2^{2^n}` functions for the first 5 training sets
    (exact, as floats of integer ratios). Returns ``(conjunctions, all functions)``."""
    tables = gen.all_truth_tables(n_bits)
    conj = gen.conjunction_tables(n_bits)
    rng = _rng(seed, 1)
    draws = [np.sort(rng.choice(2**n_bits, n_train, replace=False)) for _ in range(SLIVER_DRAWS)]
    sliver, everything = {}, {}
    for name, learner in learners().items():
        on_conj = [gen.off_training_set_accuracy(learner, conj, n_bits, idx) for idx in draws]
        sliver[name] = sum(c for c, _ in on_conj) / sum(t for _, t in on_conj)
        on_all = [gen.off_training_set_accuracy(learner, tables, n_bits, idx)
                  for idx in draws[:5]]
        everything[name] = sum(c for c, _ in on_all) / sum(t for _, t in on_all)
    return sliver, everything


def learners() -> dict[str, gen.Learner]:
    """The chapter's four learners of boolean functions, by name."""
    return {"Find-S": gen.find_s, "1-NN (Hamming)": gen.nearest_neighbour_bits,
            "constant 0": gen.constant_zero, "anti-Find-S": gen.anti(gen.find_s)}


def conjunction_sliver(seed: int) -> dict[str, float]:
    """The claims on the learners' off-training-set accuracy, for one block of draws:

    - ``all_functions_deviation``: largest :math:`|\\text{accuracy} - 1/2|` on all functions;
    - ``find_s_lead``: Find-S's accuracy on the conjunctions minus the best other learner's;
    - ``find_s_plus_anti``: Find-S's plus anti-Find-S's accuracy on the conjunctions.
    """
    sliver, everything = sliver_accuracies(seed)
    others = [v for k, v in sliver.items() if k != "Find-S"]
    return {
        "all_functions_deviation": max(abs(v - 0.5) for v in everything.values()),
        "find_s_lead": sliver["Find-S"] - max(others),
        "find_s_plus_anti": sliver["Find-S"] + sliver["anti-Find-S"],
    }
