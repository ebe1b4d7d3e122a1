"""Discrete Bayesian networks: Markov factorizations, chain rules and interventions.

A network over variables :math:`X_1, \\dots, X_n` with finitely many states is a DAG and
one conditional probability table (CPT) per variable. Its joint is the Markov
factorization

.. math:: p(x_1, \\dots, x_n) = \\prod_i p(x_i \\mid x_{\\mathrm{pa}(i)}),

and an intervention :math:`\\mathrm{do}(X_j = v)` replaces the factor of :math:`X_j` by a
point mass at :math:`v` (the truncated factorization).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import PROB_ATOL, as_float_array

__all__ = [
    "BayesNet",
    "chain_rule_factorization",
    "all_chain_rule_factorizations",
    "random_network",
    "same_joint",
    "same_interventions",
]


def _topological_order(names: Sequence[str], parents: Mapping[str, Sequence[str]]) -> list[str]:
    """Depth-first topological order; raises a ValueError naming a cycle if there is one."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            cycle = path[path.index(node):] + [node]
            raise ValueError("parents must form a DAG, but they contain the cycle "
                             + " -> ".join(reversed(cycle)))
        state[node] = 1
        for parent in parents[node]:
            visit(parent, path + [node])
        state[node] = 2
        order.append(node)

    for name in names:
        visit(name, [])
    return order


class BayesNet:
    """A discrete Bayesian network.

    Parameters
    ----------
    variables:
        Maps each name to its number of states (an int >= 1); declaration order is the
        variable order used by :meth:`joint`.
    parents:
        Maps each name to the list of its parents. Names left out have no parents. The
        graph must be acyclic.
    cpts:
        Maps each name to its CPT: an array whose axes are the parents in listed order,
        then the variable itself, so ``cpts[x][u, v, :]`` is :math:`p(x \\mid u, v)` and
        sums to 1.
    """

    def __init__(self, variables: Mapping[str, int], parents: Mapping[str, Sequence[str]],
                 cpts: Mapping[str, ArrayLike]) -> None:
        if not isinstance(variables, Mapping) or len(variables) == 0:
            raise ValueError("variables must be a non-empty mapping from name to number of states")
        for name, card in variables.items():
            if not isinstance(name, str):
                raise ValueError(f"variables: names must be strings, got {name!r}")
            if isinstance(card, bool) or not isinstance(card, (int, np.integer)) or card < 1:
                raise ValueError(f"variables: {name!r} must have an integer number of states "
                                 f">= 1, got {card!r}")
        self.names: tuple[str, ...] = tuple(variables)
        self.cards: dict[str, int] = {n: int(c) for n, c in variables.items()}
        unknown = set(parents) - set(self.names)
        if unknown:
            raise ValueError(f"parents names unknown variables {sorted(unknown)}")
        self.parents: dict[str, tuple[str, ...]] = {}
        for name in self.names:
            listed = tuple(parents.get(name, ()))
            bad = [p for p in listed if p not in self.cards]
            if bad:
                raise ValueError(f"parents of {name!r} include unknown variables {bad}")
            if len(set(listed)) != len(listed):
                raise ValueError(f"parents of {name!r} list a variable twice: {list(listed)}")
            self.parents[name] = listed
        self.order: tuple[str, ...] = tuple(_topological_order(self.names, self.parents))
        missing = set(self.names) - set(cpts)
        extra = set(cpts) - set(self.names)
        if missing:
            raise ValueError(f"cpts is missing tables for {sorted(missing)}")
        if extra:
            raise ValueError(f"cpts has tables for unknown variables {sorted(extra)}")
        self.cpts: dict[str, NDArray[np.float64]] = {}
        for name in self.names:
            table = as_float_array(cpts[name], f"cpts[{name!r}]")
            shape = tuple(self.cards[p] for p in self.parents[name]) + (self.cards[name],)
            if table.shape != shape:
                raise ValueError(f"cpts[{name!r}] must have shape {shape} (parents "
                                 f"{list(self.parents[name])}, then {name!r}), got {table.shape}")
            if np.any(table < 0):
                raise ValueError(f"cpts[{name!r}] has a negative entry; probabilities must be >= 0")
            sums = table.sum(axis=-1)
            if not np.allclose(sums, 1.0, rtol=0.0, atol=PROB_ATOL):
                worst = sums.flat[np.argmax(np.abs(sums - 1.0))]
                raise ValueError(f"cpts[{name!r}] must sum to 1 over the child axis (the last), "
                                 f"but a row sums to {worst:.6g}")
            self.cpts[name] = table

    # --- structure ----------------------------------------------------------------------

    def __repr__(self) -> str:
        edges = ", ".join(f"{a}->{b}" for a, b in self.edges()) or "no edges"
        return f"BayesNet({len(self.names)} variables, {edges})"

    def edges(self) -> list[tuple[str, str]]:
        """The DAG's edges ``(parent, child)``."""
        return [(p, c) for c in self.names for p in self.parents[c]]

    def n_parameters(self) -> int:
        """Free parameters of the factorization:
        :math:`\\sum_i (k_i - 1) \\prod_{j \\in pa(i)} k_j`."""
        return sum((self.cards[n] - 1) * math.prod(self.cards[p] for p in self.parents[n])
                   for n in self.names)

    def n_parameters_full_joint(self) -> int:
        """Free parameters of an unrestricted joint table: :math:`\\prod_i k_i - 1`."""
        return math.prod(self.cards.values()) - 1

    # --- probabilities ------------------------------------------------------------------

    def _check_names(self, names: Iterable[str], argument: str) -> list[str]:
        names = list(names)
        for name in names:
            if name not in self.cards:
                raise ValueError(f"{argument}: unknown variable {name!r}; the network has "
                                 f"{list(self.names)}")
        if len(set(names)) != len(names):
            raise ValueError(f"{argument}: a variable is listed twice in {names}")
        return names

    def _check_value(self, name: str, value: object, argument: str) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{argument}: the value of {name!r} must be an integer state, "
                             f"got {value!r}")
        if not 0 <= value < self.cards[name]:
            raise ValueError(f"{argument}: {name!r} has states 0..{self.cards[name] - 1}, "
                             f"got {value}")
        return int(value)

    def joint(self) -> NDArray[np.float64]:
        """The joint :math:`\\prod_i p(x_i \\mid x_{pa(i)})`, one axis per variable in
        declaration order."""
        index = {n: i for i, n in enumerate(self.names)}
        joint = np.ones(tuple(self.cards[n] for n in self.names))
        for name in self.names:
            axes = [index[p] for p in self.parents[name]] + [index[name]]
            table = np.transpose(self.cpts[name], np.argsort(axes))
            shape = [1] * len(self.names)
            for axis in axes:
                shape[axis] = self.cards[self.names[axis]]
            joint = joint * table.reshape(shape)
        return joint

    def marginal(self, *names: str) -> NDArray[np.float64]:
        """:math:`p(x_{names})`, with axes in the order the names are given."""
        names = self._check_names(names, "marginal")
        return _marginalize(self.joint(), self.names, names)

    def conditional(self, targets: str | Sequence[str],
                    given: Sequence[str] = ()) -> NDArray[np.float64]:
        """:math:`p(x_{targets} \\mid x_{given})`, laid out like a CPT: the ``given`` axes
        first, then the ``targets`` axes. Raises if a conditioning event has probability 0."""
        targets = [targets] if isinstance(targets, str) else list(targets)
        given = list(given)
        self._check_names(targets + given, "conditional")
        joint = _marginalize(self.joint(), self.names, given + targets)
        norm = joint.sum(axis=tuple(range(len(given), len(given) + len(targets))), keepdims=True)
        if np.any(norm <= 0):
            raise ValueError(f"conditional: an event of the given variables {given} has "
                             "probability 0, so the conditional is undefined there")
        return joint / norm

    def do(self, **values: int) -> BayesNet:
        """The intervened network: each named factor becomes a point mass at its value and
        loses its parents (truncated factorization)."""
        if not values:
            raise ValueError("do needs at least one variable=value")
        self._check_names(values, "do")
        fixed = {n: self._check_value(n, v, "do") for n, v in values.items()}
        parents = {n: ([] if n in fixed else list(self.parents[n])) for n in self.names}
        cpts = {n: (np.eye(self.cards[n])[fixed[n]] if n in fixed else self.cpts[n])
                for n in self.names}
        return BayesNet(self.cards, parents, cpts)

    def sample(self, n: int, seed: int | np.random.Generator) -> dict[str, NDArray[np.int64]]:
        """``n`` ancestral samples: each variable drawn from its CPT given its sampled parents."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}")
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        out: dict[str, NDArray[np.int64]] = {}
        for name in self.order:
            rows = self.cpts[name][tuple(out[p] for p in self.parents[name])]
            rows = np.broadcast_to(rows, (n, self.cards[name]))
            u = rng.random((n, 1))
            out[name] = np.minimum((np.cumsum(rows, axis=1) < u).sum(axis=1),
                                   self.cards[name] - 1)
        return {name: out[name] for name in self.names}


def _marginalize(joint: NDArray, names: Sequence[str], keep: Sequence[str]) -> NDArray:
    index = [names.index(k) for k in keep]
    drop = tuple(i for i in range(len(names)) if i not in index)
    summed = joint.sum(axis=drop)
    remaining = [i for i in range(len(names)) if i in index]
    return np.transpose(summed, [remaining.index(i) for i in index])


def chain_rule_factorization(joint: ArrayLike, names: Sequence[str], order: Sequence[str],
                             prune_atol: float | None = None) -> BayesNet:
    """The chain rule :math:`p(x) = \\prod_i p(x_{\\pi_i} \\mid x_{\\pi_1}, \\dots, x_{\\pi_{i-1}})`
    in the given order, as a network whose graph has an edge from every earlier variable
    to every later one.

    With ``prune_atol`` set, an earlier variable stays a parent only if the conditional
    depends on it by more than ``prune_atol`` (max absolute difference): the result is then
    the minimal graph this order induces. Conditionals on zero-probability parent states
    are set to uniform.
    """
    table = as_float_array(joint, "joint")
    names = list(names)
    if table.ndim != len(names):
        raise ValueError(f"joint has {table.ndim} axes but names lists {len(names)} variables")
    if np.any(table < 0) or not np.isclose(table.sum(), 1.0, rtol=0.0, atol=PROB_ATOL):
        raise ValueError("joint must be non-negative and sum to 1")
    if sorted(order) != sorted(names) or len(set(order)) != len(order):
        raise ValueError(f"order must be a permutation of names {names}, got {list(order)}")
    cards = {n: table.shape[i] for i, n in enumerate(names)}
    parents: dict[str, list[str]] = {}
    cpts: dict[str, NDArray] = {}
    for i, name in enumerate(order):
        earlier = list(order[:i])
        cpt = _conditional_table(table, names, name, earlier)
        if prune_atol is not None:
            for parent in list(earlier):
                axis = earlier.index(parent)
                spread = np.ptp(cpt, axis=axis).max() if cpt.size else 0.0
                if spread <= prune_atol:
                    cpt = cpt.mean(axis=axis)
                    earlier.remove(parent)
        parents[name], cpts[name] = earlier, cpt
    return BayesNet({n: cards[n] for n in names}, parents, cpts)


def _conditional_table(joint: NDArray, names: Sequence[str], child: str,
                       given: Sequence[str]) -> NDArray:
    marg = _marginalize(joint, names, list(given) + [child])
    norm = marg.sum(axis=-1, keepdims=True)
    uniform = np.full_like(marg, 1.0 / marg.shape[-1])
    return np.where(norm > 0, marg / np.where(norm > 0, norm, 1.0), uniform)


def all_chain_rule_factorizations(
    joint: ArrayLike, names: Sequence[str], prune_atol: float | None = None
) -> dict[tuple[str, ...], BayesNet]:
    """The chain-rule factorization for each of the :math:`n!` variable orders."""
    return {order: chain_rule_factorization(joint, names, order, prune_atol)
            for order in itertools.permutations(names)}


def random_network(n: int, seed: int, max_parents: int = 2, max_states: int = 2,
                   concentration: float = 1.0) -> BayesNet:
    """A random network: variables ``x0..x{n-1}``, each with up to ``max_parents`` parents
    among the earlier ones and 2..``max_states`` states; CPT rows are Dirichlet draws."""
    if n < 1 or max_parents < 0 or max_states < 2 or concentration <= 0:
        raise ValueError("random_network needs n >= 1, max_parents >= 0, max_states >= 2 "
                         "and concentration > 0")
    rng = np.random.default_rng(seed)
    names = [f"x{i}" for i in range(n)]
    cards = {name: int(rng.integers(2, max_states + 1)) for name in names}
    parents, cpts = {}, {}
    for i, name in enumerate(names):
        k = int(rng.integers(0, min(i, max_parents) + 1))
        parents[name] = sorted(rng.choice(names[:i], size=k, replace=False).tolist(),
                               key=names.index)
        shape = tuple(cards[p] for p in parents[name])
        cpts[name] = rng.dirichlet(np.full(cards[name], concentration), size=shape)
    return BayesNet(cards, parents, cpts)


def same_joint(a: BayesNet, b: BayesNet, atol: float = 1e-10) -> bool:
    """Whether two networks over the same variables define the same joint."""
    if a.cards != b.cards:
        return False
    return bool(np.allclose(a.joint(), _reorder(b.joint(), b.names, a.names), atol=atol, rtol=0))


def same_interventions(a: BayesNet, b: BayesNet, max_size: int | None = None,
                       atol: float = 1e-10) -> bool:
    """Whether the joints agree under every intervention ``do(S = s)`` on every set ``S``
    of at most ``max_size`` variables (all sets by default; the empty set included)."""
    if a.cards != b.cards:
        return False
    sizes = range(0, (max_size if max_size is not None else len(a.names)) + 1)
    for size in sizes:
        for subset in itertools.combinations(a.names, size):
            for values in itertools.product(*(range(a.cards[n]) for n in subset)):
                do = dict(zip(subset, values))
                left, right = (a.do(**do), b.do(**do)) if do else (a, b)
                if not same_joint(left, right, atol):
                    return False
    return True


def _reorder(joint: NDArray, names: Sequence[str], target: Sequence[str]) -> NDArray:
    return np.transpose(joint, [list(names).index(n) for n in target])
