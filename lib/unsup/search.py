r"""Proof search in a tiny formal system: Hofstadter's MIU string-rewriting puzzle.

Theorems are strings over ``M``, ``I``, ``U`` derivable from the axiom ``MI`` by four rules
(``x`` and ``y`` stand for any strings):

1. ``xI -> xIU``      2. ``Mx -> Mxx``      3. ``xIIIy -> xUy``      4. ``xUUy -> xy``

A proof is the list of ``(rule, position)`` steps; :func:`check_proof` replays it. Search is
breadth-first (:func:`bfs`) or best-first on :math:`f = g + w\,h` (:func:`best_first`) with a
hand-made heuristic :math:`h` (edit distance to the target, halved). Strings longer than
``max_len`` are not generated, so the space is finite.
"""

from __future__ import annotations

import heapq
from functools import lru_cache
from collections import deque
from dataclasses import dataclass

import numpy as np

AXIOM = "MI"
Step = tuple[int, int]


def _check_string(s: str, name: str = "string") -> None:
    if not isinstance(s, str) or not s.startswith("M") or set(s[1:]) - {"I", "U"}:
        raise ValueError(f"{name} must be 'M' followed by I's and U's, got {s!r}")


def successors(s: str, max_len: int = 12) -> list[tuple[Step, str]]:
    """Every ``((rule, position), result)`` one rule application away, results of length
    at most ``max_len`` only."""
    _check_string(s)
    if max_len < 2:
        raise ValueError(f"max_len must be >= 2, got {max_len}")
    out: list[tuple[Step, str]] = []
    if s.endswith("I"):
        out.append(((1, 0), s + "U"))
    out.append(((2, 0), s + s[1:]))
    out += [((3, i), s[:i] + "U" + s[i + 3:]) for i in range(1, len(s) - 2) if s[i:i + 3] == "III"]
    out += [((4, i), s[:i] + s[i + 2:]) for i in range(1, len(s) - 1) if s[i:i + 2] == "UU"]
    return [(step, t) for step, t in out if len(t) <= max_len]


def apply_step(s: str, step: Step) -> str:
    """Apply one ``(rule, position)`` step; raises ValueError if the rule does not apply there."""
    rule, i = step
    for candidate, result in successors(s, max_len=10**9):
        if candidate == (rule, i):
            return result
    raise ValueError(f"step {step} (rule, position) does not apply to {s!r}")


def check_proof(target: str, steps: list[Step]) -> bool:
    """True when replaying ``steps`` from the axiom ends exactly at ``target``; an illegal
    step makes the proof invalid (False)."""
    _check_string(target, "target")
    s = AXIOM
    try:
        for step in steps:
            s = apply_step(s, step)
    except ValueError:
        return False
    return s == target


@dataclass(frozen=True)
class SearchResult:
    """A proof (or None), the number of nodes expanded and the number of distinct strings seen."""

    proof: list[Step] | None
    expanded: int
    generated: int


def _path(parents: dict[str, tuple[str, Step] | None], s: str) -> list[Step]:
    steps = []
    while parents[s] is not None:
        s, step = parents[s]
        steps.append(step)
    return steps[::-1]


def bfs(target: str, max_len: int = 12, max_nodes: int = 10**6) -> SearchResult:
    """Breadth-first search from the axiom: finds a shortest proof if one exists within
    ``max_len`` and ``max_nodes`` expansions."""
    _check_string(target, "target")
    parents: dict[str, tuple[str, Step] | None] = {AXIOM: None}
    queue, expanded = deque([AXIOM]), 0
    while queue and expanded < max_nodes:
        s = queue.popleft()
        if s == target:
            return SearchResult(_path(parents, s), expanded, len(parents))
        expanded += 1
        for step, t in successors(s, max_len):
            if t not in parents:
                parents[t] = (s, step)
                queue.append(t)
    return SearchResult(None, expanded, len(parents))


def levels(depth: int, max_len: int = 12) -> list[set[str]]:
    """The theorems first reached at each depth 0..``depth`` (shortest proof length)."""
    if depth < 0:
        raise ValueError(f"depth must be >= 0, got {depth}")
    seen, frontier, out = {AXIOM}, {AXIOM}, [{AXIOM}]
    for _ in range(depth):
        frontier = {t for s in frontier for _, t in successors(s, max_len)} - seen
        seen |= frontier
        out.append(frontier)
    return out


@lru_cache(maxsize=200_000)
def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions of one letter)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def heuristic(s: str, target: str) -> float:
    """Hand-made guide: half the edit distance to the target (not admissible: rule 2 can
    change many letters in one step)."""
    return edit_distance(s, target) / 2


def best_first(target: str, weight: float, max_len: int = 12,
               max_nodes: int = 10**6) -> SearchResult:
    r"""Expand the string with the smallest :math:`g + w\,h` (``g`` = steps so far); ties
    broken first-in first-out. ``weight = 0`` is uniform-cost search, i.e. breadth-first."""
    _check_string(target, "target")
    if weight < 0:
        raise ValueError(f"weight must be >= 0, got {weight}")
    parents: dict[str, tuple[str, Step] | None] = {AXIOM: None}
    depth = {AXIOM: 0}
    counter = 0
    heap = [(weight * heuristic(AXIOM, target), counter, AXIOM)]
    closed: set[str] = set()
    while heap and len(closed) < max_nodes:
        _, _, s = heapq.heappop(heap)
        if s in closed:
            continue
        if s == target:
            return SearchResult(_path(parents, s), len(closed), len(parents))
        closed.add(s)
        for step, t in successors(s, max_len):
            g = depth[s] + 1
            if t not in depth or g < depth[t]:
                depth[t], parents[t] = g, (s, step)
                counter += 1
                heapq.heappush(heap, (g + weight * heuristic(t, target), counter, t))
    return SearchResult(None, len(closed), len(parents))


def random_attempts(target: str, length: int, n: int, seed: int, max_len: int = 12) -> float:
    """Fraction of ``n`` random proof attempts (``length`` uniformly chosen legal steps from
    the axiom) whose last string is ``target``: the sparse reward."""
    _check_string(target, "target")
    if length < 0 or n < 1:
        raise ValueError(f"length must be >= 0 and n >= 1, got length={length}, n={n}")
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(n):
        s = AXIOM
        for _ in range(length):
            options = successors(s, max_len)
            if not options:  # a dead end: the attempt stops where it is
                break
            s = options[rng.integers(len(options))][1]
        hits += s == target
    return hits / n


def sample_targets(depth: int, n: int, seed: int, max_len: int = 20) -> list[str]:
    """``n`` theorems (fewer if the level is smaller) whose shortest proof has ``depth`` steps,
    drawn with a seeded generator from the sorted level."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    level = sorted(levels(depth, max_len)[depth])
    rng = np.random.default_rng(seed)
    return [level[i] for i in sorted(rng.choice(len(level), min(n, len(level)), replace=False))]


def node_counts(depths: list[int], weights: list[float], n_targets: int = 6, seed: int = 0,
                max_len: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Mean nodes expanded and mean proof length of :func:`best_first`, shape
    ``(len(depths), len(weights))``, over seeded targets at each depth."""
    expanded = np.zeros((len(depths), len(weights)))
    length = np.zeros_like(expanded)
    for i, d in enumerate(depths):
        targets = sample_targets(d, n_targets, seed, max_len)
        for j, w in enumerate(weights):
            results = [best_first(t, w, max_len) for t in targets]
            expanded[i, j] = np.mean([r.expanded for r in results])
            length[i, j] = np.mean([len(r.proof) for r in results])
    return expanded, length


def attempt_distribution(length: int, max_len: int = 20) -> dict[str, float]:
    """Exact distribution of the last string of a random attempt of ``length`` steps, each
    step uniform over the legal ones (an attempt stops early at a dead end)."""
    if length < 0:
        raise ValueError(f"length must be >= 0, got {length}")
    dist = {AXIOM: 1.0}
    for _ in range(length):
        nxt: dict[str, float] = {}
        for s, p in dist.items():
            options = successors(s, max_len)
            for _, t in options or [((0, 0), s)]:
                nxt[t] = nxt.get(t, 0.0) + p / max(len(options), 1)
        dist = nxt
    return dist


def count_attempts(length: int, max_len: int = 20) -> int:
    """Number of distinct legal step sequences of exactly ``length`` steps from the axiom."""
    if length < 0:
        raise ValueError(f"length must be >= 0, got {length}")
    counts = {AXIOM: 1}
    for _ in range(length):
        nxt: dict[str, int] = {}
        for s, k in counts.items():
            for _, t in successors(s, max_len):
                nxt[t] = nxt.get(t, 0) + k
        counts = nxt
    return sum(counts.values())
