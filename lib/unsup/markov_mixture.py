r"""Mixtures of Markov chains and of small HMMs, with their exact posterior predictives.

**Markov chains.** A sequence over the symbols :math:`0, \dots, k-1` is drawn by choosing a
first-symbol distribution :math:`\pi_0 \sim \mathrm{Dir}(\gamma)` and a transition matrix
whose rows are independent, :math:`P_{s\cdot} \sim \mathrm{Dir}(\alpha_{s\cdot})`, then running
the chain. Given :math:`x_{1:t}` with transition counts :math:`N_{sr}` (how often :math:`r`
follows :math:`s`), the rows stay independent a posteriori,
:math:`P_{s\cdot} \mid x_{1:t} \sim \mathrm{Dir}(\alpha_{s\cdot} + N_{s\cdot})`, so the
one-step-ahead predictive is

.. math:: P(x_{t+1} = r \mid x_{1:t})
          = \frac{\alpha_{sr} + N_{sr}}{\sum_{r'} (\alpha_{sr'} + N_{sr'})}, \qquad s = x_t,

and :math:`P(x_1 = r) = \gamma_r / \sum \gamma`. A sequence's probability depends only on its
first symbol and its transition counts: the mixture is *Markov exchangeable* (partially
exchangeable in the sense of Diaconis and Freedman), not exchangeable.

**HMMs.** :func:`hmm_mixture_predictive` runs the forward algorithm in every component of a
finite mixture of HMMs and weights the components' predictives by their posterior
probabilities.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln, logsumexp


def _check_k(k: int) -> None:
    if not (isinstance(k, (int, np.integer)) and k >= 2):
        raise ValueError(f"k must be an integer >= 2, got {k}")


def _row_prior(alpha, k: int) -> np.ndarray:
    """``alpha`` (a scalar or a (k, k) array) as a (k, k) array of Dirichlet parameters."""
    a = np.asarray(alpha, dtype=float)
    a = np.full((k, k), float(a)) if a.ndim == 0 else a
    if a.shape != (k, k) or not (np.isfinite(a).all() and (a > 0).all()):
        raise ValueError(f"alpha must be > 0, a scalar or a ({k}, {k}) array")
    return a


def _init_prior(init_alpha, k: int) -> np.ndarray:
    g = np.asarray(init_alpha, dtype=float)
    g = np.full(k, float(g)) if g.ndim == 0 else g
    if g.shape != (k,) or not (np.isfinite(g).all() and (g > 0).all()):
        raise ValueError(f"init_alpha must be > 0, a scalar or a ({k},) array")
    return g


def _check_symbols(x, k: int) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 1 or (x.size and not (np.isin(x, np.arange(k)).all())):
        raise ValueError(f"x must be a 1-D sequence of symbols in 0..{k - 1}")
    return x.astype(int)


def markov_mixture(n: int, length: int, seed: int, k: int = 2, alpha=1.0, init_alpha=1.0
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""``n`` sequences of ``length`` symbols, each from its own Markov chain.

    Every sequence draws a first-symbol distribution from :math:`\mathrm{Dir}(\gamma)`
    (``init_alpha``) and each row of its transition matrix from :math:`\mathrm{Dir}(\alpha_s)`
    (``alpha``). Returns the first-symbol distributions ``(n, k)``, the transition matrices
    ``(n, k, k)`` and the symbols ``(n, length)``.
    """
    _check_k(k)
    a, g = _row_prior(alpha, k), _init_prior(init_alpha, k)
    if n < 1 or length < 1:
        raise ValueError(f"n and length must be >= 1, got n={n}, length={length}")
    rng = np.random.default_rng(seed)
    init = rng.dirichlet(g, size=n)
    trans = np.stack([rng.dirichlet(a[s], size=n) for s in range(k)], axis=1)
    u = rng.uniform(size=(n, length))
    x = np.zeros((n, length), dtype=int)
    x[:, 0] = (u[:, :1] > np.cumsum(init, 1)[:, :-1]).sum(1)
    rows = np.arange(n)
    cum = np.cumsum(trans, axis=2)[..., :-1]
    for t in range(1, length):
        x[:, t] = (u[:, t:t + 1] > cum[rows, x[:, t - 1]]).sum(1)
    return init, trans, x


def transition_counts(x, k: int = 2) -> np.ndarray:
    r""":math:`N_{sr}` = how often symbol :math:`r` directly follows symbol :math:`s` in ``x``."""
    _check_k(k)
    x = _check_symbols(x, k)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (x[:-1], x[1:]), 1)
    return counts


def markov_predictive(x, k: int = 2, alpha=1.0, init_alpha=1.0) -> np.ndarray:
    r"""Exact one-step-ahead predictives of the Dirichlet mixture of Markov chains.

    Row :math:`t` (for :math:`t = 0..n`) is :math:`P(x_{t+1} = \cdot \mid x_{1:t})`: the
    first-symbol prior mean for :math:`t = 0`, then
    :math:`(\alpha_{s\cdot} + N_{s\cdot}) / \sum_r (\alpha_{sr} + N_{sr})` with
    :math:`s = x_t` and the counts of :math:`x_{1:t}`. Shape ``(n + 1, k)``.
    """
    _check_k(k)
    a, g = _row_prior(alpha, k), _init_prior(init_alpha, k)
    x = _check_symbols(x, k)
    n = len(x)
    out = np.empty((n + 1, k))
    out[0] = g / g.sum()
    if n:
        step = np.zeros((n, k, k))
        step[np.arange(1, n), x[:-1], x[1:]] = 1.0
        counts = np.cumsum(step, axis=0)  # counts[t] = transitions within x[0..t]
        rows = a[x] + counts[np.arange(n), x]
        out[1:] = rows / rows.sum(1, keepdims=True)
    return out


def markov_log_prob(x, k: int = 2, alpha=1.0, init_alpha=1.0) -> float:
    r""":math:`\log P(x_{1:n})` in closed form: the first symbol's prior mean times, for every
    row :math:`s`, the Dirichlet-multinomial
    :math:`B(\alpha_{s\cdot} + N_{s\cdot}) / B(\alpha_{s\cdot})`
    (:math:`B` the multivariate Beta function). Depends on ``x`` only through its first
    symbol and its transition counts."""
    _check_k(k)
    a, g = _row_prior(alpha, k), _init_prior(init_alpha, k)
    x = _check_symbols(x, k)
    if len(x) == 0:
        return 0.0
    counts = transition_counts(x, k)

    def log_beta(v: np.ndarray) -> np.ndarray:
        return gammaln(v).sum(-1) - gammaln(v.sum(-1))

    return float(np.log(g[x[0]] / g.sum()) + (log_beta(a + counts) - log_beta(a)).sum())


def markov_equivalent(x, y) -> bool:
    """Whether ``x`` and ``y`` have the same first symbol and the same transition counts
    (then a Markov-exchangeable model gives them the same probability)."""
    x, y = np.asarray(x, dtype=int), np.asarray(y, dtype=int)
    if x.shape != y.shape or x.ndim != 1:
        return False
    if len(x) == 0:
        return True
    k = max(int(max(x.max(), y.max())) + 1, 2)
    return bool(x[0] == y[0] and (transition_counts(x, k) == transition_counts(y, k)).all())


def chain_predictive(x, trans, init) -> np.ndarray:
    r"""Predictives of one known chain (the 'true parameter'): row 0 is ``init``, row
    :math:`t \ge 1` is ``trans[x_t]``. Shape ``(n + 1, k)``."""
    trans, init = np.asarray(trans, float), np.asarray(init, float)
    k = len(init)
    if trans.shape != (k, k):
        raise ValueError(f"trans must have shape ({k}, {k}), got {trans.shape}")
    x = _check_symbols(x, k)
    return np.vstack([init[None, :], trans[x]])


def _check_hmm(init, trans, emit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    init, trans, emit = (np.asarray(v, float) for v in (init, trans, emit))
    h = len(init)
    if init.ndim != 1 or trans.shape != (h, h) or emit.ndim != 2 or emit.shape[0] != h:
        raise ValueError("an HMM is init (h,), trans (h, h) and emit (h, m)")
    for name, v in (("init", init), ("trans", trans), ("emit", emit)):
        if (v < 0).any() or not np.allclose(v.sum(-1), 1.0):
            raise ValueError(f"{name} must hold probability vectors (rows summing to 1)")
    return init, trans, emit


def hmm_sample(n: int, length: int, seed: int, init, trans, emit) -> np.ndarray:
    """``n`` seeded observation sequences of ``length`` symbols from one HMM, shape
    ``(n, length)``."""
    init, trans, emit = _check_hmm(init, trans, emit)
    if n < 1 or length < 1:
        raise ValueError(f"n and length must be >= 1, got n={n}, length={length}")
    rng = np.random.default_rng(seed)

    def draw(probs: np.ndarray) -> np.ndarray:  # one categorical draw per row of probs
        return (rng.uniform(size=(len(probs), 1)) > np.cumsum(probs, 1)[:, :-1]).sum(1)

    hidden = draw(np.tile(init, (n, 1)))
    x = np.zeros((n, length), dtype=int)
    for t in range(length):
        x[:, t] = draw(emit[hidden])
        hidden = draw(trans[hidden])
    return x


def hmm_predictive(x, init, trans, emit) -> tuple[np.ndarray, float]:
    r"""Forward algorithm of one HMM (hidden states :math:`h`, observed symbols :math:`m`).

    Returns the predictives :math:`P(x_{t+1} = \cdot \mid x_{1:t})` for :math:`t = 0..n`
    (shape ``(n + 1, m)``) and :math:`\log P(x_{1:n})`.
    """
    init, trans, emit = _check_hmm(init, trans, emit)
    x = _check_symbols(x, emit.shape[1])
    belief = init.copy()  # P(h_{t+1} | x_{1:t})
    preds = np.empty((len(x) + 1, emit.shape[1]))
    log_lik = 0.0
    for t, symbol in enumerate(x):
        preds[t] = belief @ emit
        joint = belief * emit[:, symbol]
        log_lik += float(np.log(joint.sum()))
        belief = (joint / joint.sum()) @ trans
    preds[len(x)] = belief @ emit
    return preds, log_lik


def hmm_mixture_predictive(x, weights, hmms) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact predictives of a finite mixture of HMMs with prior ``weights``; ``hmms`` is a
    list of ``(init, trans, emit)``. Returns the predictives ``(n + 1, m)`` and the posterior
    weights of the components after every prefix, ``(n + 1, len(hmms))``.

    :math:`P(x_{t+1} \mid x_{1:t}) = \sum_j w_j(x_{1:t}) P_j(x_{t+1} \mid x_{1:t})` with
    :math:`w_j(x_{1:t}) \propto w_j P_j(x_{1:t})`.
    """
    w = np.asarray(weights, float)
    if w.ndim != 1 or len(w) != len(hmms) or (w <= 0).any():
        raise ValueError("weights must be positive, one per HMM")
    x = np.asarray(x, dtype=int)
    preds, logliks = [], []
    for hmm in hmms:
        p = hmm_predictive(x, *hmm)[0]
        preds.append(p)
        # log P_j(x_{1:t}) for t = 0..n, from the chain rule of its own predictives
        logliks.append(np.concatenate([[0.0], np.cumsum(np.log(p[np.arange(len(x)), x]))]))
    preds, logliks = np.stack(preds), np.stack(logliks)  # (J, n + 1, m), (J, n + 1)
    log_post = np.log(w / w.sum())[:, None] + logliks
    post = np.exp(log_post - logsumexp(log_post, axis=0))
    return np.einsum("jt,jtm->tm", post, preds), post.T
