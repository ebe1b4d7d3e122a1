"""A two-step POMDP for off-policy evaluation with partial models.

Hidden environment states :math:`e_t`, observations :math:`y_t \\sim p(y_t \\mid e_t)`, an
agent state :math:`s_t = g(s_{t-1}, y_t, a_{t-1})` (here simply the latest observation), a
stochastic bottleneck :math:`z_t \\sim q(z_t \\mid s_t)` and an action
:math:`a_t \\sim \\pi(a_t \\mid z_t)`; the environment moves by
:math:`p(e_{t+1} \\mid e_t, a_t)` and the reward is the last observation, :math:`r = y_2`.
All variables are binary, so every quantity is exact by enumeration of the network.

A policy is one number ``follow``: :math:`\\pi(a_t = z_t) = \\text{follow}`; the policies
share the bottleneck and differ only in how they act on :math:`z_t`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .network import BayesNet

__all__ = ["PartialModelPOMDP"]

STEPS = 2
NAMES = ("e0", "y0", "s0", "z0", "a0", "e1", "y1", "s1", "z1", "a1", "e2", "y2")
COPY = np.eye(2)


def _check_follow(follow: float, name: str = "follow") -> float:
    if not 0.0 <= follow <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1], got {follow}")
    return float(follow)


@dataclass(frozen=True)
class PartialModelPOMDP:
    """Parameters of the environment and of the data-collecting policy :math:`\\pi`."""

    p_e0: float = 0.4            # p(e_0 = 1)
    p_obs: float = 0.85          # p(y_t = e_t)
    p_encode: float = 0.9        # q(z_t = s_t): the bottleneck keeps s_t with this probability
    behaviour_follow: float = 0.8  # pi(a_t = z_t) of the data-collecting policy
    # p(e_{t+1} = 1 | e_t, a_t): rows e_t, columns a_t. The good state e = 1 tends to
    # persist; action 1 helps in it and hurts in the bad state e = 0, so acting on z pays.
    transition: tuple[tuple[float, float], tuple[float, float]] = ((0.3, 0.1), (0.6, 0.9))

    def policy_table(self, follow: float) -> NDArray[np.float64]:
        """:math:`\\pi(a \\mid z)` as a 2 x 2 table (rows z)."""
        f = _check_follow(follow)
        return np.array([[f, 1 - f], [1 - f, f]])

    def network(self, follow: float) -> BayesNet:
        """The whole rollout under the policy ``follow`` as a Bayesian network."""
        observe = np.array([[self.p_obs, 1 - self.p_obs], [1 - self.p_obs, self.p_obs]])
        encode = np.array([[self.p_encode, 1 - self.p_encode], [1 - self.p_encode, self.p_encode]])
        move = np.array([[[1 - p, p] for p in row] for row in self.transition])
        policy = self.policy_table(follow)
        parents: dict[str, list[str]] = {"e0": [], "y0": ["e0"], "s0": ["y0"], "z0": ["s0"],
                                         "a0": ["z0"]}
        cpts = {"e0": np.array([1 - self.p_e0, self.p_e0]), "y0": observe, "s0": COPY,
                "z0": encode, "a0": policy}
        for t in range(1, STEPS + 1):
            parents[f"e{t}"] = [f"e{t-1}", f"a{t-1}"]
            parents[f"y{t}"] = [f"e{t}"]
            cpts[f"e{t}"], cpts[f"y{t}"] = move, observe
            if t < STEPS:
                # s_t = g(s_{t-1}, y_t, a_{t-1}) = y_t: a memoryless agent, a point-mass factor
                parents[f"s{t}"], parents[f"z{t}"] = [f"y{t}"], [f"s{t}"]
                parents[f"a{t}"] = [f"z{t}"]
                cpts[f"s{t}"], cpts[f"z{t}"], cpts[f"a{t}"] = COPY, encode, policy
        return BayesNet({n: 2 for n in NAMES}, parents, cpts)

    def true_value(self, follow: float) -> float:
        """:math:`\\mathbb E_{\\tilde p}[r]` by exact enumeration of the rollout network."""
        return float(self.network(follow).marginal("y2")[1])

    def simulated_value(self, follow: float, episodes: int, seed: int) -> float:
        """:math:`\\mathbb E_{\\tilde p}[r]` by running the policy ``follow`` for ``episodes``."""
        return float(self.network(follow).sample(episodes, seed)["y2"].mean())

    def collect(self, episodes: int, datasets: int, seed: int) -> dict[str, NDArray[np.int64]]:
        """``datasets`` independent data sets of ``episodes`` rollouts of the behaviour policy;
        each array has shape ``(datasets, episodes)``."""
        if episodes < 1 or datasets < 1:
            raise ValueError(f"episodes and datasets must be >= 1, got {episodes}, {datasets}")
        flat = self.network(self.behaviour_follow).sample(episodes * datasets, seed)
        return {k: v.reshape(datasets, episodes) for k, v in flat.items()}

    # --- three estimators of E_{pi~}[r] from the behaviour policy's data ----------------

    def naive_estimate(self, data: dict[str, NDArray], follow: float) -> NDArray[np.float64]:
        """Partial model :math:`\\hat q(r \\mid a_0, a_1)` fitted on the data, averaged over the
        *exact* action distribution of the new policy (the most it could be given)."""
        r_given_a = _conditional_mean(data["y2"], data["a0"] * 2 + data["a1"], 4)
        actions = self.network(follow).marginal("a0", "a1").reshape(4)
        return r_given_a @ actions

    def backdoor_estimate(self, data: dict[str, NDArray], follow: float) -> NDArray[np.float64]:
        """Partial model with the bottleneck: fit :math:`\\hat p(z_0)`,
        :math:`\\hat p(z_1 \\mid z_0, a_0)` and :math:`\\hat p(r \\mid z_0, a_0, z_1, a_1)`, then
        roll the new policy through them (backdoor adjustment at each step)."""
        z0, a0, z1, a1, r = (data[k] for k in ("z0", "a0", "z1", "a1", "y2"))
        p_z0 = _conditional_mean(z0, np.zeros_like(z0), 1)[:, 0]
        p_z1 = _conditional_mean(z1, z0 * 2 + a0, 4).reshape(-1, 2, 2)
        p_r = _conditional_mean(r, ((z0 * 2 + a0) * 2 + z1) * 2 + a1, 16).reshape(-1, 2, 2, 2, 2)
        policy = self.policy_table(follow)
        pz0 = np.stack([1 - p_z0, p_z0], axis=-1)
        pz1 = np.stack([1 - p_z1, p_z1], axis=-1)  # (datasets, z0, a0, z1)
        return np.einsum("dz,za,dzaw,wb,dzawb->d", pz0, policy, pz1, policy, p_r)

    def importance_estimate(self, data: dict[str, NDArray], follow: float) -> NDArray[np.float64]:
        """Importance sampling: :math:`\\frac1N \\sum_n r_n \\prod_t
        \\tilde\\pi(a_t \\mid z_t) / \\pi(a_t \\mid z_t)`."""
        new, old = self.policy_table(follow), self.policy_table(self.behaviour_follow)
        weights = np.ones(data["y2"].shape)
        for t in range(STEPS):
            z, a = data[f"z{t}"], data[f"a{t}"]
            weights = weights * new[z, a] / old[z, a]
        return (weights * data["y2"]).mean(axis=-1)

    def importance_weights(self, data: dict[str, NDArray], follow: float) -> NDArray[np.float64]:
        """The per-episode weights
        :math:`\\prod_t \\tilde\\pi(a_t \\mid z_t)/\\pi(a_t \\mid z_t)`."""
        new, old = self.policy_table(follow), self.policy_table(self.behaviour_follow)
        return np.prod([new[data[f"z{t}"], data[f"a{t}"]] / old[data[f"z{t}"], data[f"a{t}"]]
                        for t in range(STEPS)], axis=0)


def _conditional_mean(values: NDArray, cells: NDArray, n_cells: int) -> NDArray[np.float64]:
    """Per data set (rows), the mean of ``values`` in each cell; empty cells get 1/2."""
    values, cells = np.atleast_2d(values), np.atleast_2d(cells)
    rows = np.arange(values.shape[0])[:, None] * n_cells + cells
    total = np.bincount(rows.ravel(), weights=values.ravel(), minlength=values.shape[0] * n_cells)
    count = np.bincount(rows.ravel(), minlength=values.shape[0] * n_cells)
    mean = np.where(count > 0, total / np.maximum(count, 1), 0.5)
    return mean.reshape(values.shape[0], n_cells)
