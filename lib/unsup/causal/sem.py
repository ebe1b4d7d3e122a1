"""Discrete structural equation models (SEMs) and their three rungs of inference.

Each variable is an assignment :math:`X_i := f_i(x_{\\mathrm{pa}(i)}, \\epsilon_i)` of its
parents and its own noise :math:`\\epsilon_i`, the noises independent with finitely many
values. Because the noise is finite, everything is exact by enumeration:

- observation and intervention: the induced network has CPT
  :math:`p(x_i \\mid pa) = \\sum_{\\epsilon} p(\\epsilon)\\,[f_i(pa, \\epsilon) = x_i]`;
- counterfactuals by abduction (posterior over the noise given the evidence), action
  (replace the assignments of the intervened variables) and prediction (push the
  posterior noise through the modified model).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import probability_vector
from .network import BayesNet, _topological_order

__all__ = ["SEM", "same_counterfactuals"]

Mechanism = Callable[..., int]


class SEM:
    """A structural equation model with finite noise.

    Parameters
    ----------
    variables:
        Maps each name to its number of states; the values are ``0..k-1``.
    parents:
        Maps each name to its parents (a DAG).
    functions:
        Maps each name to ``f(*parent_values, noise) -> state``, parents in listed order.
    noise:
        Maps each name to the probability vector of its noise, whose values are ``0..m-1``.
    """

    def __init__(self, variables: Mapping[str, int], parents: Mapping[str, Sequence[str]],
                 functions: Mapping[str, Mechanism], noise: Mapping[str, ArrayLike]) -> None:
        self.names = tuple(variables)
        self.cards = {n: int(k) for n, k in variables.items()}
        for name in list(parents) + list(functions) + list(noise):
            if name not in self.cards:
                raise ValueError(f"SEM: unknown variable {name!r}; "
                                 f"variables are {list(self.names)}")
        missing = [n for n in self.names if n not in functions or n not in noise]
        if missing:
            raise ValueError(f"SEM: functions and noise must be given for every variable; "
                             f"missing for {missing}")
        self.parents = {n: tuple(parents.get(n, ())) for n in self.names}
        for name, listed in self.parents.items():
            bad = [p for p in listed if p not in self.cards]
            if bad:
                raise ValueError(f"parents of {name!r} include unknown variables {bad}")
        self.order = tuple(_topological_order(self.names, self.parents))
        self.functions = dict(functions)
        self.noise = {n: probability_vector(noise[n], f"noise[{n!r}]") for n in self.names}
        for name in self.names:  # evaluate every mechanism once: outputs must be valid states
            for pa in itertools.product(*(range(self.cards[p]) for p in self.parents[name])):
                for eps in range(len(self.noise[name])):
                    self._assign(name, pa, eps)

    def _assign(self, name: str, parent_values: Sequence[int], eps: int) -> int:
        value = self.functions[name](*parent_values, eps)
        if not (isinstance(value, (int, np.integer)) and 0 <= value < self.cards[name]):
            raise ValueError(f"functions[{name!r}] returned {value!r} for parents "
                             f"{tuple(parent_values)} and noise {eps}; it must return a state "
                             f"in 0..{self.cards[name] - 1}")
        return int(value)

    def _check_assignment(self, values: Mapping[str, int], argument: str) -> dict[str, int]:
        out = {}
        for name, value in values.items():
            if name not in self.cards:
                raise ValueError(f"{argument}: unknown variable {name!r}")
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
                    or not 0 <= value < self.cards[name]:
                raise ValueError(f"{argument}: {name!r} has states 0..{self.cards[name] - 1}, "
                                 f"got {value!r}")
            out[name] = int(value)
        return out

    def solve(self, noise: Mapping[str, int],
              do: Mapping[str, int] | None = None) -> dict[str, int]:
        """The values of all variables for one noise assignment, under an optional intervention."""
        do = do or {}
        values: dict[str, int] = {}
        for name in self.order:
            if name in do:
                values[name] = do[name]
            else:
                values[name] = self._assign(name, [values[p] for p in self.parents[name]],
                                            noise[name])
        return values

    def _noise_worlds(self):
        ranges = [range(len(self.noise[n])) for n in self.names]
        for eps in itertools.product(*ranges):
            weight = float(np.prod([self.noise[n][e] for n, e in zip(self.names, eps)]))
            if weight > 0:
                yield dict(zip(self.names, eps)), weight

    def to_bayesnet(self) -> BayesNet:
        """The Markov factorization this SEM induces (its CPTs read off the mechanisms)."""
        cpts = {}
        for name in self.names:
            shape = tuple(self.cards[p] for p in self.parents[name])
            table = np.zeros(shape + (self.cards[name],))
            for pa in itertools.product(*(range(k) for k in shape)):
                for eps, prob in enumerate(self.noise[name]):
                    table[pa + (self._assign(name, pa, eps),)] += prob
            cpts[name] = table
        return BayesNet(self.cards, self.parents, cpts)

    def do(self, **values: int) -> SEM:
        """The intervened SEM: each named assignment becomes the constant value."""
        fixed = self._check_assignment(values, "do")
        functions = {n: (lambda *args, v=fixed[n]: v) if n in fixed else self.functions[n]
                     for n in self.names}
        parents = {n: (() if n in fixed else self.parents[n]) for n in self.names}
        noise = {n: ([1.0] if n in fixed else self.noise[n]) for n in self.names}
        return SEM(self.cards, parents, functions, noise)

    def sample(self, n: int, seed: int | np.random.Generator) -> dict[str, NDArray[np.int64]]:
        """``n`` samples: draw every noise, then evaluate the assignments in causal order."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}")
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        eps = {name: rng.choice(len(p), size=n, p=p) for name, p in self.noise.items()}
        rows = [self.solve({name: eps[name][i] for name in self.names}) for i in range(n)]
        return {name: np.array([r[name] for r in rows]) for name in self.names}

    def abduction(self, evidence: Mapping[str, int]) -> list[tuple[dict[str, int], float]]:
        """Posterior over noise assignments given the evidence: :math:`p(\\epsilon \\mid x_E)`."""
        evidence = self._check_assignment(evidence, "evidence")
        worlds = [(eps, w) for eps, w in self._noise_worlds()
                  if all(self.solve(eps)[k] == v for k, v in evidence.items())]
        total = sum(w for _, w in worlds)
        if total <= 0:
            raise ValueError(f"evidence {evidence} has probability 0 under this SEM")
        return [(eps, w / total) for eps, w in worlds]

    def counterfactual(self, evidence: Mapping[str, int], do: Mapping[str, int],
                       target: str) -> NDArray[np.float64]:
        """:math:`p(Y_{do} = y \\mid \\text{evidence})` for ``target`` Y: abduction of the noise
        from the evidence, action (the intervention), prediction (solve the modified model)."""
        do = self._check_assignment(do, "do")
        if target not in self.cards:
            raise ValueError(f"target: unknown variable {target!r}")
        dist = np.zeros(self.cards[target])
        for eps, weight in self.abduction(evidence):
            dist[self.solve(eps, do)[target]] += weight
        return dist


def same_counterfactuals(a: SEM, b: SEM, atol: float = 1e-10) -> bool:
    """Whether two SEMs give the same counterfactual distribution of every variable, for
    every fully observed evidence of positive probability and every single-variable
    intervention."""
    if a.cards != b.cards:
        return False
    joint_a, joint_b = a.to_bayesnet().joint(), b.to_bayesnet().joint()
    if not np.allclose(joint_a, joint_b, atol=atol, rtol=0):
        return False
    for state in itertools.product(*(range(a.cards[n]) for n in a.names)):
        if joint_a[state] <= 0:
            continue
        evidence = dict(zip(a.names, state))
        for name in a.names:
            for value in range(a.cards[name]):
                for target in a.names:
                    left = a.counterfactual(evidence, {name: value}, target)
                    right = b.counterfactual(evidence, {name: value}, target)
                    if not np.allclose(left, right, atol=atol, rtol=0):
                        return False
    return True
