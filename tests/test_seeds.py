"""unsup.seeds: spreads over seeds, the room-to-spare rule, storage, repeatable torch runs."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from unsup import seeds
from unsup.claims import check
from unsup.seeds import SE_TOLERANCE, Spread, assert_room, measure_over_seeds, room_bound, torch_seeded


def test_spread_statistics_match_numpy() -> None:
    spread = Spread((0, 1, 2, 3), (1.0, 2.0, 4.0, 5.0))
    assert spread.mean == 3.0
    assert spread.sd == pytest.approx(((4 + 1 + 1 + 4) / 3) ** 0.5)
    assert (spread.low, spread.high, spread.n) == (1.0, 5.0, 4)
    assert "3 ± 1.8 over 4 seeds (range 1 to 5)" == str(spread)


@pytest.mark.parametrize(
    ("seeds_", "values", "message"),
    [((0, 1), (1.0,), "same length"), ((0,), (1.0,), "at least 2"),
     ((0, 1), (1.0, float("nan")), "finite")],
)
def test_spread_rejects_bad_input(seeds_, values, message) -> None:
    with pytest.raises(ValueError, match=message):
        Spread(seeds_, values)


def test_measure_over_seeds_collects_every_key() -> None:
    spreads = measure_over_seeds(lambda s: {"x": s, "y": 2 * s}, seeds=(0, 1, 2))
    assert spreads["y"].values == (0.0, 2.0, 4.0)
    with pytest.raises(ValueError, match="returned keys"):
        measure_over_seeds(lambda s: {"x": 1.0} if s else {"y": 1.0}, seeds=(0, 1))


def test_assert_room_needs_every_seed_and_three_sd() -> None:
    tight = Spread((0, 1, 2), (0.9, 1.0, 1.1))  # sd 0.1
    assert_room(tight, 1.31, relation="<")
    with pytest.raises(AssertionError, match="not 3 sd inside"):
        assert_room(tight, 1.2, relation="<")
    with pytest.raises(AssertionError, match="broken by a seed"):
        assert_room(tight, 1.05, relation="<")
    assert_room(tight, 0.69, relation=">")
    assert_room(tight, 1.0, atol=0.31)
    with pytest.raises(AssertionError, match="not 3 sd inside"):
        assert_room(tight, 1.0, atol=0.2)
    with pytest.raises(ValueError, match="relation must be one of"):
        assert_room(tight, 1.0, relation="==")


@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=8))
def test_room_implies_every_seed_passes(values: list[float]) -> None:
    spread = Spread(tuple(range(len(values))), tuple(values))
    threshold = spread.mean + 3 * spread.sd + 1e-6 * (1 + abs(spread.mean))
    if max(values) < threshold:
        assert_room(spread, threshold, relation="<")


def test_spreads_round_trip_through_storage(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(seeds, "SPREADS_DIR", tmp_path)
    spread = Spread((0, 1), (0.25, 0.5))
    seeds.save_spreads("some_chapter", {"a": spread})
    seeds.save_spreads("some_chapter", {"b": spread})
    assert seeds.load_spreads("some_chapter") == {"a": spread, "b": spread}
    with pytest.raises(ValueError, match="no spreads stored for chapter 'other'"):
        seeds.load_spreads("other")
    with pytest.raises(ValueError, match="chapter must be"):
        seeds.load_spreads("../x")


def test_torch_seeded_repeats_and_restores_global_state() -> None:
    torch.manual_seed(123)
    outside = torch.rand(3)
    torch.manual_seed(123)
    threads = torch.get_num_threads()
    with torch_seeded(7):
        first = torch.rand(3)
        assert torch.get_num_threads() == 1
        assert torch.are_deterministic_algorithms_enabled()
    with torch_seeded(7):
        assert torch.equal(torch.rand(3), first)
    assert torch.equal(torch.rand(3), outside)
    assert torch.get_num_threads() == threads
    assert not torch.are_deterministic_algorithms_enabled()


def test_check_shows_and_records_the_spread() -> None:
    spread = Spread((0, 1, 2), (0.9, 1.0, 1.1))
    result = check("a trained value", 2.0, 1.0, relation="<", spread=spread)
    assert "over seeds 1 ± 0.1 over 3 seeds" in str(result)
    assert result.to_record()["spread"] == {"seeds": [0, 1, 2], "values": [0.9, 1.0, 1.1]}


def test_se_tolerance_is_the_room_bound_and_grows_with_the_probability() -> None:
    assert abs(room_bound(draws=50_000) - SE_TOLERANCE) < 0.3
    assert room_bound(0.5, draws=50_000) < 4 < room_bound(0.999, draws=50_000)


def test_room_bound_validates_its_arguments() -> None:
    with pytest.raises(ValueError, match="n_seeds >= 2"):
        room_bound(n_seeds=1)
