"""Unit tests of the chapter module 'Autoregressive models are many-to-one'
(unsup.chapters.autoregressive_many_to_one); the multi-seed claims are in tests/seeds."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from unsup import seqmodels as sm
from unsup import sequences as sq
from unsup.chapters import autoregressive_many_to_one as arm
from unsup.seeds import torch_seeded


def _nets(seeds, hidden=5):
    nets = []
    for seed in seeds:
        with torch_seeded(seed):
            nets.append(sm.TinyGRU(hidden))
    return nets


def test_stack_forward_equals_each_network_alone():
    nets = _nets([3, 4, 5])
    tokens = sm.encode(["aabb", "", "ab", "aabab"])[0]
    with torch.no_grad():
        stacked = arm.GRUStack(nets)(tokens)
        for k, net in enumerate(nets):
            torch.testing.assert_close(stacked[k], net(tokens), rtol=1e-5, atol=1e-6)


def test_stack_round_trips_its_networks():
    nets = _nets([0, 1])
    back = arm.GRUStack(nets).to_models()
    for a, b in zip(nets, back):
        for (name, pa), (_, pb) in zip(a.named_parameters(), b.named_parameters()):
            assert torch.equal(pa, pb), name


def test_stack_validation():
    with pytest.raises(ValueError, match="must not be empty"):
        arm.GRUStack([])
    with pytest.raises(ValueError, match="share one width"):
        arm.GRUStack(_nets([0], 4) + _nets([1], 5))


def test_training_in_a_stack_equals_training_alone():
    data = ["", "ab", "ab", "aabb", "ab", "", "aaabbb"]
    together = arm.train_stack(data, [7, 8], hidden=6, steps=20, lr=0.05)
    alone = arm.train_stack(data, [8], hidden=6, steps=20, lr=0.05)[0]
    moved = _nets([8], 6)[0]
    for (name, a), b, start in zip(together[1].named_parameters(), alone.parameters(),
                                   moved.parameters()):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)
        assert not torch.equal(a, start), name  # training did change the parameters


def test_training_is_repeatable_and_lowers_the_loss_to_the_entropy():
    q = 0.5
    data = sq.sample(sq.equal_counts_next, q, 400, seed=0)
    first = arm.train_stack(data, [0], hidden=8, steps=60)[0]
    second = arm.train_stack(data, [0], hidden=8, steps=60)[0]
    for a, b in zip(first.parameters(), second.parameters()):
        assert torch.equal(a, b)
    distinct, counts = arm.distinct_counts(data)
    share = counts / counts.sum()
    exact = -share @ np.log([sq.string_prob(sq.equal_counts_next, s, q) for s in distinct])
    before = -share @ sm.log_prob(_nets([0], 8)[0], distinct)
    after = -share @ sm.log_prob(first, distinct)
    assert after < before and after - exact < 0.1


def test_train_stack_validation():
    with pytest.raises(ValueError, match="steps must be >= 1"):
        arm.train_stack(["ab"], [0], steps=0)
    with pytest.raises(ValueError, match="seeds non-empty"):
        arm.train_stack(["ab"], [])


def test_distinct_counts():
    distinct, counts = arm.distinct_counts(["ab", "", "ab", "aabb", "ab"])
    assert distinct == ["", "aabb", "ab"]
    assert counts.tolist() == [1.0, 1.0, 3.0]
    with pytest.raises(ValueError, match="must not be empty"):
        arm.distinct_counts([])


def test_rule_completions_differ_off_the_support_and_agree_on_it():
    assert arm.rule_completions("aabab") == ("b", "")
    assert arm.rule_completions("aaabab") == ("bb", "b")
    assert arm.rule_completions("aaab") == ("bb", "bb")
    for prompt in arm.OOD_PROMPTS:
        one, two = arm.rule_completions(prompt)
        assert not sq.in_support_prefix(prompt) and one != two
    with pytest.raises(ValueError, match="completions under equal_counts_next"):
        arm.rule_completions("aa")  # in the support: a geometric number of completions


def test_rule_samples_agree_and_count_differences():
    assert arm.rule_samples(3) == {"differing_samples": 0.0}


def test_greedy_completion_follows_the_argmax_and_stops():
    net = _nets([0], 4)[0]
    with torch.no_grad():
        for p in net.out.parameters():
            p.zero_()
        net.out.bias.copy_(torch.tensor([0.0, 5.0, 0.0]))  # always 'b'
    assert arm.greedy_completion(net, "ab", max_len=3) == "bbb..."
    with torch.no_grad():
        net.out.bias.copy_(torch.tensor([0.0, 0.0, 5.0]))  # always the end token
    assert arm.greedy_completion(net, "ab") == ""


@pytest.mark.parametrize("pair, expected", [
    ((0.8, 0.1), "rule 1"), ((0.1, 0.7), "rule 2"), ((0.4, 0.4), "neither"),
])
def test_verdict(pair, expected):
    assert arm.verdict(pair) == expected


def test_group_run_validation():
    with pytest.raises(ValueError, match="at least 2 networks"):
        arm.group_run(0, models=1)
