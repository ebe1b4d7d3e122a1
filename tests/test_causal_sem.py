"""unsup.causal: SEMs and counterfactuals, the altitude example and the partial-model POMDP."""

from __future__ import annotations

import numpy as np
import pytest

from unsup.causal import (
    SEM,
    PartialModelPOMDP,
    same_counterfactuals,
    same_interventions,
    same_joint,
)
from unsup.causal.mechanisms import (
    altitude_distribution,
    conditional_kl,
    factors,
    fitted_factors,
    sample_country,
    temperature_given_altitude,
)

# X in {0, 1}; noise e in {-1, 0, +1} (index 0, 1, 2) with probabilities 1/4, 1/2, 1/4;
# Y in {0, 1, 2, 3} stands for X + e + 1.
NOISE_E = [0.25, 0.5, 0.25]


def additive(sign_flip: bool) -> SEM:
    def y(x, e):
        eps = e - 1
        return x + (-eps if (sign_flip and x == 1) else eps) + 1
    return SEM({"x": 2, "y": 4}, {"y": ["x"]}, {"x": lambda e: e, "y": y},
               {"x": [0.5, 0.5], "y": NOISE_E})


def test_the_counterfactual_example():
    plain, flipped = additive(False), additive(True)
    # Same conditional, so same observational and interventional distributions...
    assert same_joint(plain.to_bayesnet(), flipped.to_bayesnet())
    assert same_interventions(plain.to_bayesnet(), flipped.to_bayesnet())
    # ...but observing x = 0, y = 2 (so e = +1) and asking for y under do(x = 1):
    evidence, do = {"x": 0, "y": 2}, {"x": 1}
    assert np.allclose(plain.counterfactual(evidence, do, "y"), [0, 0, 0, 1])  # y = 1 + 1
    assert np.allclose(flipped.counterfactual(evidence, do, "y"), [0, 1, 0, 0])  # y = 1 - 1
    assert not same_counterfactuals(plain, flipped)
    assert same_counterfactuals(plain, additive(False))


def test_abduction_is_the_noise_posterior():
    sem = additive(False)
    posterior = sem.abduction({"y": 1})  # y = x + e + 1 = 1: (x, e) = (0, 0) or (1, -1)
    worlds = {(eps["x"], eps["y"]): w for eps, w in posterior}
    assert worlds.keys() == {(0, 1), (1, 0)}
    assert np.isclose(worlds[(0, 1)], 0.5 * 0.5 / (0.5 * 0.5 + 0.5 * 0.25))


def test_counterfactual_with_no_evidence_is_the_intervention():
    sem = additive(True)
    cf = sem.counterfactual({}, {"x": 1}, "y")
    assert np.allclose(cf, sem.to_bayesnet().do(x=1).marginal("y"))
    assert np.allclose(sem.do(x=1).to_bayesnet().joint(), sem.to_bayesnet().do(x=1).joint())


def test_sem_sampling_matches_its_network():
    sem = additive(True)
    draws = sem.sample(20_000, 3)
    counts = np.zeros((2, 4))
    np.add.at(counts, (draws["x"], draws["y"]), 1)
    assert np.abs(counts / 20_000 - sem.to_bayesnet().joint()).max() < 0.015


def test_sem_validation():
    with pytest.raises(ValueError, match="SEM: unknown variable 'z'"):
        SEM({"x": 2}, {"z": []}, {"x": lambda e: e}, {"x": [0.5, 0.5]})
    with pytest.raises(ValueError, match=r"missing for \['x'\]"):
        SEM({"x": 2}, {}, {}, {"x": [0.5, 0.5]})
    with pytest.raises(ValueError, match=r"noise\['x'\] must sum to 1"):
        SEM({"x": 2}, {}, {"x": lambda e: e}, {"x": [0.5, 0.6]})
    with pytest.raises(ValueError, match=r"functions\['x'\] returned 2"):
        SEM({"x": 2}, {}, {"x": lambda e: e + 1}, {"x": [0.5, 0.5]})
    with pytest.raises(ValueError, match="parents must form a DAG"):
        SEM({"x": 2, "y": 2}, {"x": ["y"], "y": ["x"]},
            {"x": lambda y, e: e, "y": lambda x, e: e}, {"x": [1.0], "y": [1.0]})
    sem = additive(False)
    with pytest.raises(ValueError, match="has probability 0"):
        sem.abduction({"x": 0, "y": 3})
    with pytest.raises(ValueError, match="evidence: 'y' has states 0..3, got 7"):
        sem.abduction({"y": 7})
    with pytest.raises(ValueError, match="target: unknown variable 'q'"):
        sem.counterfactual({}, {"x": 0}, "q")
    with pytest.raises(ValueError, match="n must be a positive integer"):
        sem.sample(0, 1)


def test_altitude_causal_conditional_transfers():
    p_ta = temperature_given_altitude()
    home = factors(altitude_distribution(1.0)[:, None] * p_ta)
    away = factors(altitude_distribution(3.5)[:, None] * p_ta)
    assert np.allclose(home["p(T|A)"], away["p(T|A)"])
    assert conditional_kl(away["p(A|T)"], home["p(A|T)"], away["p(T)"]) > 0.1
    joint = altitude_distribution(2.0)[:, None] * p_ta
    f = factors(joint)
    assert np.allclose(f["p(A)"][:, None] * f["p(T|A)"], (f["p(T)"][:, None] * f["p(A|T)"]).T)
    a, t = sample_country(2.0, 50_000, 0)
    fit = fitted_factors(a, t)
    assert conditional_kl(f["p(T|A)"], fit["p(T|A)"], f["p(A)"]) < 0.01
    assert conditional_kl(f["p(A)"], f["p(A)"], 1.0) == 0.0
    with pytest.raises(ValueError, match="spread must be > 0"):
        altitude_distribution(1.0, spread=0.0)


def test_pomdp_truth_simulation_and_estimators():
    model = PartialModelPOMDP()
    for follow in (0.8, 0.2):
        assert abs(model.simulated_value(follow, 100_000, 1) - model.true_value(follow)) < 0.006
    data = model.collect(4000, 60, 2)
    truth = model.true_value(0.2)
    backdoor, importance = model.backdoor_estimate(data, 0.2), model.importance_estimate(data, 0.2)
    naive = model.naive_estimate(data, 0.2)
    assert abs(backdoor.mean() - truth) < 4 * backdoor.std() / np.sqrt(60)
    assert abs(importance.mean() - truth) < 4 * importance.std() / np.sqrt(60)
    assert abs(naive.mean() - truth) > 10 * naive.std() / np.sqrt(60)
    # Under the behaviour policy the weights are 1 and IS is the plain average.
    assert np.allclose(model.importance_weights(data, model.behaviour_follow), 1.0)
    assert np.allclose(model.importance_estimate(data, model.behaviour_follow),
                       data["y2"].mean(axis=1))
    with pytest.raises(ValueError, match=r"follow must be a probability in \[0, 1\], got 1.5"):
        model.true_value(1.5)
    with pytest.raises(ValueError, match="episodes and datasets must be >= 1"):
        model.collect(0, 1, 1)


def test_pomdp_backdoor_is_exact_with_exact_conditionals():
    """With the true conditionals in place of counts, the backdoor rollout equals the truth."""
    model = PartialModelPOMDP()
    behaviour = model.network(model.behaviour_follow)
    for follow in (0.05, 0.5, 0.95):
        p_z0 = behaviour.marginal("z0")
        p_z1 = behaviour.conditional("z1", ["z0", "a0"])
        p_r = behaviour.conditional("y2", ["z0", "a0", "z1", "a1"])
        pol = model.policy_table(follow)
        value = np.einsum("z,za,zaw,wb,zawb->", p_z0, pol, p_z1, pol, p_r[..., 1])
        assert np.isclose(value, model.true_value(follow), atol=1e-12)
        naive_exact = behaviour.conditional("y2", ["a0", "a1"])[..., 1]
        actions = model.network(follow).marginal("a0", "a1")
        if follow != model.behaviour_follow:
            assert not np.isclose((naive_exact * actions).sum(), model.true_value(follow))
