"""Causal factorization: Bayesian networks, interventions, SEMs and counterfactuals.

- :mod:`.network` -- :class:`BayesNet` (Markov factorization, ``do``), chain-rule
  factorizations in any order, equality of joints and of interventional distributions
- :mod:`.sem` -- discrete structural equation models, counterfactuals by abduction,
  action and prediction
- :mod:`.pomdp` -- a small POMDP for causally correct partial models
"""

from .network import (
    BayesNet,
    all_chain_rule_factorizations,
    chain_rule_factorization,
    random_network,
    same_interventions,
    same_joint,
)
from .pomdp import PartialModelPOMDP
from .sem import SEM, same_counterfactuals

__all__ = [
    "BayesNet",
    "PartialModelPOMDP",
    "SEM",
    "all_chain_rule_factorizations",
    "chain_rule_factorization",
    "random_network",
    "same_counterfactuals",
    "same_interventions",
    "same_joint",
]
