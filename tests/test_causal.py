"""unsup.causal: networks against brute-force enumeration, chain rules, do, validation."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unsup.causal import (
    BayesNet,
    all_chain_rule_factorizations,
    chain_rule_factorization,
    random_network,
    same_interventions,
    same_joint,
)


def brute_joint(net: BayesNet, fixed: dict[str, int] | None = None) -> np.ndarray:
    """The (truncated) factorization entry by entry, with itertools.product."""
    fixed = fixed or {}
    out = np.zeros([net.cards[n] for n in net.names])
    for state in itertools.product(*(range(net.cards[n]) for n in net.names)):
        x = dict(zip(net.names, state))
        prob = 1.0
        for name in net.names:
            if name in fixed:
                prob *= float(x[name] == fixed[name])
            else:
                prob *= net.cpts[name][tuple(x[p] for p in net.parents[name]) + (x[name],)]
        out[state] = prob
    return out


def brute_marginal(joint: np.ndarray, names, keep) -> np.ndarray:
    out = np.zeros([joint.shape[names.index(k)] for k in keep])
    for state in itertools.product(*(range(k) for k in joint.shape)):
        out[tuple(state[names.index(k)] for k in keep)] += joint[state]
    return out


SEEDS = range(12)


@pytest.mark.parametrize("seed", SEEDS)
def test_joint_matches_brute_force(seed):
    net = random_network(5, seed, max_parents=3, max_states=3)
    assert np.allclose(net.joint(), brute_joint(net), atol=1e-14)
    assert np.isclose(net.joint().sum(), 1.0)


@pytest.mark.parametrize("seed", SEEDS)
def test_marginals_and_conditionals_match_brute_force(seed):
    net = random_network(5, seed, max_parents=2, max_states=3)
    rng = np.random.default_rng(seed)
    keep = list(rng.permutation(net.names)[: rng.integers(1, 4)])
    marg = brute_marginal(brute_joint(net), list(net.names), keep)
    assert np.allclose(net.marginal(*keep), marg, atol=1e-14)
    given_, target = keep[1:], keep[0]
    cond = net.conditional(target, given_)
    joint = brute_marginal(brute_joint(net), list(net.names), given_ + [target])
    assert np.allclose(cond, joint / joint.sum(axis=-1, keepdims=True), atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_conditional_of_a_variable_on_its_parents_is_its_cpt(seed):
    net = random_network(5, seed, max_parents=2, max_states=3)
    for name in net.names:
        assert np.allclose(net.conditional(name, net.parents[name]), net.cpts[name], atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_do_matches_brute_force_truncated_factorization(seed):
    net = random_network(5, seed, max_parents=2, max_states=3)
    rng = np.random.default_rng(100 + seed)
    names = list(rng.permutation(net.names)[: rng.integers(1, 3)])
    fixed = {n: int(rng.integers(net.cards[n])) for n in names}
    intervened = net.do(**fixed)
    assert np.allclose(intervened.joint(), brute_joint(net, fixed), atol=1e-14)
    for n in names:
        assert intervened.parents[n] == ()


def test_do_on_a_root_equals_conditioning_but_not_under_confounding():
    u = np.array([0.3, 0.7])
    x_u = np.array([[0.9, 0.1], [0.2, 0.8]])
    y_xu = np.array([[[0.8, 0.2], [0.5, 0.5]], [[0.6, 0.4], [0.1, 0.9]]])
    net = BayesNet({"u": 2, "x": 2, "y": 2}, {"x": ["u"], "y": ["u", "x"]},
                   {"u": u, "x": x_u, "y": y_xu})
    do_y = net.do(x=1).marginal("y")
    backdoor = np.einsum("u,uy->y", u, y_xu[:, 1, :])
    assert np.allclose(do_y, backdoor)
    assert not np.allclose(do_y, net.conditional("y", ["x"])[1])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 4))
def test_every_chain_rule_order_reproduces_the_joint(seed, n):
    rng = np.random.default_rng(seed)
    shape = tuple(rng.integers(2, 4, size=n))
    joint = rng.dirichlet(np.ones(math.prod(shape))).reshape(shape)
    names = [f"v{i}" for i in range(n)]
    nets = all_chain_rule_factorizations(joint, names)
    assert len(nets) == math.factorial(n)
    for order, net in nets.items():
        assert np.allclose(net.joint(), joint, atol=1e-12)
        position = {v: i for i, v in enumerate(order)}
        assert all(position[p] < position[c] for p, c in net.edges())
        assert len(net.edges()) == n * (n - 1) // 2


def test_pruned_chain_rule_recovers_a_chain():
    net = BayesNet({"a": 2, "b": 2, "c": 2}, {"b": ["a"], "c": ["b"]},
                   {"a": [0.3, 0.7], "b": [[0.9, 0.1], [0.2, 0.8]], "c": [[0.7, 0.3], [0.4, 0.6]]})
    joint = net.joint()
    forward = chain_rule_factorization(joint, net.names, ["a", "b", "c"], prune_atol=1e-9)
    assert sorted(forward.edges()) == [("a", "b"), ("b", "c")]
    mixed = chain_rule_factorization(joint, net.names, ["a", "c", "b"], prune_atol=1e-9)
    assert len(mixed.edges()) == 3
    assert np.allclose(mixed.joint(), joint)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_sampling_frequencies_approach_the_joint(seed):
    net = random_network(3, seed, max_parents=2, max_states=2)
    draws = net.sample(40_000, seed)
    counts = np.zeros(net.joint().shape)
    np.add.at(counts, tuple(draws[n] for n in net.names), 1)
    assert np.abs(counts / 40_000 - net.joint()).max() < 0.02


def test_parameter_counts():
    blocks = {}
    parents, cpts = {}, {}
    for b in range(8):
        first, second = f"x{2 * b}", f"x{2 * b + 1}"
        blocks[first] = blocks[second] = 2
        parents[second] = [first]
        cpts[first], cpts[second] = [0.5, 0.5], [[0.5, 0.5], [0.5, 0.5]]
    net = BayesNet(blocks, parents, cpts)
    assert net.n_parameters_full_joint() == 2**16 - 1
    assert net.n_parameters() == 8 * (2**2 - 1) == 24


def test_same_joint_but_different_interventions():
    forward = BayesNet({"x": 2, "y": 2}, {"y": ["x"]},
                       {"x": [0.4, 0.6], "y": [[0.9, 0.1], [0.3, 0.7]]})
    backward = chain_rule_factorization(forward.joint(), ["x", "y"], ["y", "x"])
    assert same_joint(forward, backward)
    assert not same_interventions(forward, backward)
    assert same_interventions(forward, chain_rule_factorization(forward.joint(), ["x", "y"],
                                                                ["x", "y"]))


# --- validation ---------------------------------------------------------------------------

CHAIN = dict(variables={"a": 2, "b": 3}, parents={"b": ["a"]},
             cpts={"a": [0.5, 0.5], "b": [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]})


def make(**changes):
    return BayesNet(**(CHAIN | changes))


@pytest.mark.parametrize("changes, message", [
    (dict(variables={}), "variables must be a non-empty mapping"),
    (dict(variables={"a": 2, "b": 0}), "'b' must have an integer number of states >= 1"),
    (dict(variables={"a": 2, "b": 2.5}), "integer number of states"),
    (dict(parents={"c": ["a"]}), r"parents names unknown variables \['c'\]"),
    (dict(parents={"b": ["z"]}), r"parents of 'b' include unknown variables \['z'\]"),
    (dict(parents={"b": ["a", "a"]}), "list a variable twice"),
    (dict(parents={"a": ["b"], "b": ["a"]}), "parents must form a DAG, but they contain the cycle"),
    (dict(parents={"b": ["b"]}), r"cycle b -> b"),
    (dict(cpts={"a": [0.5, 0.5]}), r"cpts is missing tables for \['b'\]"),
    (dict(cpts=CHAIN["cpts"] | {"c": [1.0]}), r"cpts has tables for unknown variables \['c'\]"),
    (dict(cpts={"a": [0.5, 0.5], "b": [0.2, 0.3, 0.5]}),
     r"cpts\['b'\] must have shape \(2, 3\) \(parents \['a'\], then 'b'\)"),
    (dict(cpts={"a": [0.5, 0.6], "b": CHAIN["cpts"]["b"]}),
     r"cpts\['a'\] must sum to 1 over the child axis"),
    (dict(cpts={"a": [1.5, -0.5], "b": CHAIN["cpts"]["b"]}), "negative entry"),
])
def test_network_validation(changes, message):
    with pytest.raises(ValueError, match=message):
        make(**changes)


def test_three_cycle_is_named():
    with pytest.raises(ValueError, match="cycle a -> b -> c -> a"):
        BayesNet({"a": 2, "b": 2, "c": 2}, {"b": ["a"], "c": ["b"], "a": ["c"]},
                 {"a": [[.5, .5]] * 2, "b": [[.5, .5]] * 2, "c": [[.5, .5]] * 2})


def test_query_validation():
    net = make()
    with pytest.raises(ValueError, match="marginal: unknown variable 'q'"):
        net.marginal("q")
    with pytest.raises(ValueError, match="a variable is listed twice"):
        net.marginal("a", "a")
    with pytest.raises(ValueError, match="do: 'b' has states 0..2, got 3"):
        net.do(b=3)
    with pytest.raises(ValueError, match="do: the value of 'a' must be an integer state"):
        net.do(a=0.5)
    with pytest.raises(ValueError, match="do: unknown variable 'q'"):
        net.do(q=0)
    with pytest.raises(ValueError, match="do needs at least one"):
        net.do()
    with pytest.raises(ValueError, match="n must be a positive integer"):
        net.sample(0, 1)
    zero = BayesNet({"a": 2, "b": 2}, {"b": ["a"]}, {"a": [1.0, 0.0], "b": [[.5, .5], [.5, .5]]})
    with pytest.raises(ValueError, match="has probability 0"):
        zero.conditional("b", ["a"])


def test_chain_rule_validation():
    joint = np.full((2, 2), 0.25)
    with pytest.raises(ValueError, match="joint has 2 axes but names lists 3"):
        chain_rule_factorization(joint, ["a", "b", "c"], ["a", "b", "c"])
    with pytest.raises(ValueError, match="order must be a permutation of names"):
        chain_rule_factorization(joint, ["a", "b"], ["a", "a"])
    with pytest.raises(ValueError, match="joint must be non-negative and sum to 1"):
        chain_rule_factorization(joint * 2, ["a", "b"], ["a", "b"])
    with pytest.raises(ValueError, match="random_network needs"):
        random_network(0, 1)
