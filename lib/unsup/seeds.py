r"""Seeds: repeatable training, and the spread of a trained claim over seeds.

A claim on a trained or sampled result holds for one seed on one machine; on another
processor the last bits of every float differ and training amplifies them, so the same
seed lands elsewhere in the same distribution. Such a claim is only as good as its margin
against that distribution, which we estimate by running the experiment over several
seeds:

- :func:`torch_seeded` makes one run repeatable on one machine (its own seeded global
  generator, one thread, deterministic algorithms) and leaves no global change behind;
- :class:`Spread` holds the values of one quantity over seeds, with mean, sample
  standard deviation :math:`s = \sqrt{\sum_i (x_i - \bar x)^2 / (n-1)}` and range;
- :func:`assert_room` checks that a rule holds for every seed *and* that the seed mean
  lies at least ``sigmas`` standard deviations inside the rule's boundary;
- :func:`load_spreads` / :func:`save_spreads` keep the spreads a multi-seed test measured
  (``lib/unsup/spreads/<chapter>.json``), so a chapter can quote them without retraining.
  The multi-seed tests (``pytest -m seeds``) compare the stored spreads with a fresh
  measurement and rewrite them when ``UNSUP_UPDATE_SPREADS=1``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .claims import RELATIONS

__all__ = [
    "DEFAULT_SEEDS",
    "SE_TOLERANCE",
    "Spread",
    "assert_room",
    "load_spreads",
    "measure_over_seeds",
    "room_bound",
    "save_spreads",
    "torch_seeded",
]

DEFAULT_SEEDS: tuple[int, ...] = (0, 1, 2, 3, 4)
SPREADS_DIR = Path(__file__).resolve().parent / "spreads"


@contextlib.contextmanager
def torch_seeded(seed: int) -> Iterator[None]:
    """Run the block with torch's global generator seeded, on one thread, deterministically.

    Inside: ``torch.manual_seed(seed)``, one intra-op thread (reductions split over threads
    can add in a different order), and ``torch.use_deterministic_algorithms(True)``. On exit
    the global generator, the thread count and the algorithm setting are restored, so a
    cell's result never depends on the cells run before it.
    """
    import torch

    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        torch.set_num_threads(1)
        torch.use_deterministic_algorithms(True)
        try:
            yield
        finally:
            torch.use_deterministic_algorithms(deterministic)
            torch.set_num_threads(threads)


@dataclass(frozen=True)
class Spread:
    """The values of one measured quantity over several seeds."""

    seeds: tuple[int, ...]
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.seeds) != len(self.values):
            raise ValueError(
                f"seeds and values must have the same length, got {len(self.seeds)} "
                f"and {len(self.values)}"
            )
        if len(self.values) < 2:
            raise ValueError(f"values must hold at least 2 seeds, got {len(self.values)}")
        if not all(math.isfinite(v) for v in self.values):
            raise ValueError(f"values must be finite, got {self.values}")

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def sd(self) -> float:
        """Sample standard deviation over seeds (ddof = 1)."""
        return float(np.std(self.values, ddof=1))

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    def __str__(self) -> str:
        return (
            f"{self.mean:.4g} ± {self.sd:.2g} over {self.n} seeds "
            f"(range {self.low:.4g} to {self.high:.4g})"
        )

    def to_record(self) -> dict[str, object]:
        return {"seeds": list(self.seeds), "values": list(self.values)}

    @classmethod
    def from_record(cls, record: Mapping[str, object]) -> Spread:
        seeds = record["seeds"]
        values = record["values"]
        if not isinstance(seeds, list) or not isinstance(values, list):
            raise ValueError(f"a spread record needs lists 'seeds' and 'values', got {record}")
        return cls(tuple(int(s) for s in seeds), tuple(float(v) for v in values))


def measure_over_seeds(
    experiment: Callable[[int], Mapping[str, float]], seeds: Iterable[int] = DEFAULT_SEEDS
) -> dict[str, Spread]:
    """Run ``experiment(seed)`` for every seed; one :class:`Spread` per quantity it returns."""
    seeds = tuple(int(s) for s in seeds)
    runs = [dict(experiment(seed)) for seed in seeds]
    keys = list(runs[0])
    for seed, run in zip(seeds, runs):
        if list(run) != keys:
            raise ValueError(f"experiment returned keys {list(run)} for seed {seed}, not {keys}")
    return {k: Spread(seeds, tuple(float(run[k]) for run in runs)) for k in keys}


def assert_room(
    spread: Spread,
    predicted: float,
    *,
    relation: str | None = None,
    atol: float = 0.0,
    rtol: float = 0.0,
    sigmas: float = 3.0,
) -> None:
    r"""Raise ``AssertionError`` unless the rule holds for every seed with room to spare.

    With ``relation`` (``<``, ``<=``, ``>``, ``>=``) the rule is ``value relation predicted``;
    otherwise it is :math:`|x - p| \le \mathrm{atol} + \mathrm{rtol}|p|`. Room to spare:
    the seed mean lies at least ``sigmas`` sample standard deviations inside the boundary,
    so that a processor whose run lands elsewhere in the same distribution still passes.
    """
    values = np.asarray(spread.values)
    margin = sigmas * spread.sd
    if relation is not None:
        if relation not in RELATIONS:
            raise ValueError(f"relation must be one of {sorted(RELATIONS)}, got {relation!r}")
        every = bool(RELATIONS[relation](values, predicted).all())
        upper = relation in ("<", "<=")
        shifted = spread.mean + margin if upper else spread.mean - margin
        room = bool(RELATIONS[relation](shifted, predicted))
        rule = f"value {relation} {predicted:.4g}"
    else:
        bound = atol + rtol * abs(predicted)
        every = bool((np.abs(values - predicted) <= bound).all())
        room = abs(spread.mean - predicted) + margin <= bound
        rule = f"|value - {predicted:.4g}| <= {bound:.4g}"
    if not every:
        raise AssertionError(f"rule {rule} broken by a seed: {spread}, values {spread.values}")
    if not room:
        raise AssertionError(f"rule {rule} holds, but not {sigmas:g} sd inside it: {spread}")


SE_TOLERANCE = 7.0
r"""How many standard errors a sampled estimate may lie from its exact value.

Over seeds such an error is close to a standard normal ``z``, and :func:`assert_room` asks
:math:`|\bar z| + 3 s \le` bound over five seeds. The sample standard deviation ``s`` of
five draws scatters so widely that a correct estimator passes only with a bound of about 7
(:func:`room_bound`); 4, the usual choice for one run, fails about one set of five seeds in
five. A correct estimate breaks 7 standard errors once in about :math:`4 \cdot 10^{11}`
runs, so the check still catches a real bias."""


def room_bound(
    probability: float = 0.999,
    n_seeds: int = 5,
    sigmas: float = 3.0,
    draws: int = 200_000,
    seed: int = 0,
) -> float:
    r"""The ``probability`` quantile of :math:`|\bar z| + \text{sigmas}\, s` over ``n_seeds``
    standard normal draws (simulated ``draws`` times with generator ``seed``): the bound, in
    standard errors, that an unbiased estimate passes the room test with."""
    if n_seeds < 2 or draws < 1 or not 0 < probability < 1:
        raise ValueError(
            "need n_seeds >= 2, draws >= 1 and 0 < probability < 1, got "
            f"n_seeds={n_seeds}, draws={draws}, probability={probability}"
        )
    z = np.random.default_rng(seed).standard_normal((draws, n_seeds))
    return float(np.quantile(np.abs(z.mean(1)) + sigmas * z.std(1, ddof=1), probability))


def _path(chapter: str) -> Path:
    if not chapter.isidentifier():
        raise ValueError(f"chapter must be a notebook's name (an identifier), got {chapter!r}")
    return SPREADS_DIR / f"{chapter}.json"


def load_spreads(chapter: str) -> dict[str, Spread]:
    """The spreads stored for a chapter by its multi-seed tests."""
    path = _path(chapter)
    if not path.exists():
        raise ValueError(f"no spreads stored for chapter {chapter!r} (run pytest -m seeds)")
    return {k: Spread.from_record(v) for k, v in json.loads(path.read_text()).items()}


def save_spreads(chapter: str, spreads: Mapping[str, Spread]) -> None:
    """Store (merge) a chapter's spreads; keys not given keep their stored value.

    Safe when several test workers store spreads of one chapter at once: the merge runs
    under an exclusive lock and the file is replaced atomically.
    """
    path = _path(chapter)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path.with_suffix(".lock")):
        stored = json.loads(path.read_text()) if path.exists() else {}
        stored.update({k: s.to_record() for k, s in spreads.items()})
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n")
        os.replace(partial, path)


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # not on POSIX: no concurrent writers to guard against
        yield
        return
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
