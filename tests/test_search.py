import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unsup import search as se


def test_successors_apply_the_four_rules():
    assert dict((t, step) for step, t in se.successors("MI")) == {"MIU": (1, 0), "MII": (2, 0)}
    got = {t for _, t in se.successors("MIIIUU", max_len=20)}
    assert got == {"MIIIUUIIIUU", "MUUU", "MIII"}


def test_checker_accepts_bfs_proofs_and_rejects_broken_ones():
    result = se.bfs("MUI", max_len=12)
    assert result.proof is not None and se.check_proof("MUI", result.proof)
    assert result.proof == [(2, 0), (2, 0), (3, 1)]  # MI -> MII -> MIIII -> MUI
    assert not se.check_proof("MUI", result.proof[:-1])
    assert not se.check_proof("MUI", [(3, 1)] + result.proof)  # rule 3 does not apply to MI


def test_mu_is_not_a_theorem_because_i_count_mod_3_is_invariant():
    reached = set().union(*se.levels(9, max_len=14))
    assert all(s.count("I") % 3 != 0 for s in reached)
    assert se.bfs("MU", max_len=14).proof is None


@settings(max_examples=15, deadline=None)
@given(depth=st.integers(1, 6), seed=st.integers(0, 100))
def test_bfs_and_best_first_find_valid_proofs_bfs_shortest(depth, seed):
    target = se.sample_targets(depth, 1, seed, max_len=16)[0]
    shortest = se.bfs(target, max_len=16).proof
    assert len(shortest) == depth and se.check_proof(target, shortest)
    guided = se.best_first(target, 1.5, max_len=16).proof
    assert se.check_proof(target, guided) and len(guided) >= depth
    assert len(se.best_first(target, 0.0, max_len=16).proof) == depth


def test_edit_distance_against_known_values():
    assert se.edit_distance("kitten", "sitting") == 3
    assert se.edit_distance("", "MIU") == 3 and se.edit_distance("MIU", "MIU") == 0


def test_random_attempts_hit_a_depth_one_target_half_the_time():
    assert se.random_attempts("MIU", 1, 4000, seed=0) == pytest.approx(0.5, abs=0.03)


@pytest.mark.parametrize("call, message", [
    (lambda: se.successors("IM"), "string must be 'M' followed by I's and U's"),
    (lambda: se.successors("MI", max_len=1), "max_len must be >= 2"),
    (lambda: se.apply_step("MI", (3, 1)), "does not apply"),
    (lambda: se.bfs("MX"), "target must be 'M' followed"),
    (lambda: se.best_first("MI", -1.0), "weight must be >= 0"),
    (lambda: se.levels(-1), "depth must be >= 0"),
    (lambda: se.random_attempts("MI", -1, 5, 0), "length must be >= 0 and n >= 1"),
    (lambda: se.sample_targets(2, 0, 0), "n must be >= 1"),
])
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_attempt_distribution_matches_sampling_and_sums_to_one():
    dist = se.attempt_distribution(3, max_len=20)
    assert sum(dist.values()) == pytest.approx(1.0)
    target = max(dist, key=dist.get)
    assert se.random_attempts(target, 3, 4000, seed=2, max_len=20) == pytest.approx(
        dist[target], abs=0.03)


def test_count_attempts_small_cases():
    assert [se.count_attempts(d) for d in range(4)] == [1, 2, 3, 6]
    with pytest.raises(ValueError, match="length must be >= 0"):
        se.count_attempts(-1)
    with pytest.raises(ValueError, match="length must be >= 0"):
        se.attempt_distribution(-1)
