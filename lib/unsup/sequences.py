r"""Exact autoregressive (AR) models over short strings, and the language :math:`a^n b^n`.

An AR model is a map from a prefix to a next-token distribution over ``"a"``, ``"b"`` and
the end token ``"$"``; the probability of a full string :math:`s` is the product rule
:math:`Q(s) = \prod_t Q(s_t \mid s_{<t}) \cdot Q(\$ \mid s)`.

The target :math:`P(a^n b^n) = q^n (1-q)` for :math:`n = 0, 1, 2, \dots` (the empty string
included, so that the probabilities sum to one) is fitted exactly by the two rule-based
models :func:`equal_counts_next` ("as many a's as b's") and :func:`no_a_after_b_next`
("no a once a b has been seen"), which differ only on prefixes that :math:`P` never produces.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

TOKENS = ("a", "b", "$")
END = "$"
NextDist = Callable[[str, float], np.ndarray]


def _check_q(q: float) -> None:
    if not 0.0 < q < 1.0:
        raise ValueError(f"q must lie strictly between 0 and 1, got {q}")


def _check_prefix(prefix: str) -> None:
    if not isinstance(prefix, str) or set(prefix) - {"a", "b"}:
        raise ValueError(f"prefix must be a string over 'a' and 'b', got {prefix!r}")


def anbn_prob(n: int, q: float) -> float:
    """:math:`P(a^n b^n) = q^n (1 - q)`."""
    _check_q(q)
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    return q**n * (1 - q)


def in_support_prefix(prefix: str) -> bool:
    """Whether ``prefix`` begins some :math:`a^n b^n`: a block of a's, then at most as many b's."""
    _check_prefix(prefix)
    k = len(prefix) - len(prefix.lstrip("a"))
    rest = prefix[k:]
    return set(rest) <= {"b"} and len(rest) <= k


def _target_next(k: int, j: int, q: float) -> np.ndarray:
    """P(next | a^k b^j) for an in-support prefix (j <= k)."""
    if j == 0:
        stop = np.array([0.0, 1.0, 0.0]) if k > 0 else np.array([0.0, 0.0, 1.0])
        return q * np.array([1.0, 0.0, 0.0]) + (1 - q) * stop
    return np.array([0.0, 1.0, 0.0]) if j < k else np.array([0.0, 0.0, 1.0])


def target_next(prefix: str, q: float) -> np.ndarray:
    """Conditionals of :math:`P` on its support; raises on a prefix that :math:`P` never produces."""
    _check_q(q)
    if not in_support_prefix(prefix):
        raise ValueError(f"prefix {prefix!r} has probability zero under P: P has no conditional")
    k = len(prefix) - len(prefix.lstrip("a"))
    return _target_next(k, len(prefix) - k, q)


def equal_counts_next(prefix: str, q: float) -> np.ndarray:
    """Rule 1, "as many a's as b's": the next token depends only on the two counts.

    Before any b it draws like :math:`P`; after it, it writes b while a's outnumber b's,
    a while b's outnumber a's, and stops when the counts are equal.
    """
    _check_q(q)
    _check_prefix(prefix)
    na, nb = prefix.count("a"), prefix.count("b")
    if nb == 0:
        return _target_next(na, 0, q)
    if na > nb:
        return np.array([0.0, 1.0, 0.0])
    return np.array([0.0, 0.0, 1.0]) if na == nb else np.array([1.0, 0.0, 0.0])


def no_a_after_b_next(prefix: str, q: float) -> np.ndarray:
    """Rule 2, "no a after a b": after the first b it writes b's until their number equals
    the length of the leading block of a's, then stops (at once if it is already reached)."""
    _check_q(q)
    _check_prefix(prefix)
    k = len(prefix) - len(prefix.lstrip("a"))
    if k == len(prefix):
        return _target_next(k, 0, q)
    nb = prefix.count("b")
    return np.array([0.0, 1.0, 0.0]) if nb < k else np.array([0.0, 0.0, 1.0])


def string_prob(model: NextDist, s: str, q: float, prompt: str = "") -> float:
    """:math:`Q(s \\mid \\text{prompt}) = \\prod_t Q(s_t \\mid \\text{prompt}\\,s_{<t})\\,Q(\\$ \\mid \\text{prompt}\\,s)`."""
    _check_prefix(s)
    _check_prefix(prompt)
    prob = 1.0
    for t, token in enumerate(s + END):
        prob *= model(prompt + s[:t], q)[TOKENS.index(token)]
        if prob == 0.0:
            return 0.0
    return prob


def completions(model: NextDist, prompt: str, q: float, max_len: int = 40,
                min_prob: float = 1e-9) -> dict[str, float]:
    """Every completion of ``prompt`` with probability above ``min_prob`` and at most
    ``max_len`` tokens, found by expanding the tree of continuations."""
    _check_prefix(prompt)
    if max_len < 0:
        raise ValueError(f"max_len must be >= 0, got {max_len}")
    found: dict[str, float] = {}
    stack = [("", 1.0)]
    while stack:
        tail, prob = stack.pop()
        dist = model(prompt + tail, q)
        if dist[2] * prob > min_prob:
            found[tail] = dist[2] * prob
        if len(tail) < max_len:
            for i, token in enumerate("ab"):
                if dist[i] * prob > min_prob:
                    stack.append((tail + token, dist[i] * prob))
    return found


def sample(model: NextDist, q: float, n: int, seed: int, prompt: str = "",
           max_len: int = 200) -> list[str]:
    """``n`` completions of ``prompt`` drawn with a seeded generator (inverse-CDF sampling,
    so two models with the same conditionals on the visited prefixes give the same draws)."""
    _check_prefix(prompt)
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        tail = ""
        while len(tail) < max_len:
            i = int(np.searchsorted(np.cumsum(model(prompt + tail, q)), rng.uniform(), side="right"))
            if TOKENS[min(i, 2)] == END:
                break
            tail += TOKENS[min(i, 2)]
        out.append(tail)
    return out


def kl_to_target(model: NextDist, q: float, n_max: int) -> tuple[float, float]:
    r""":math:`\sum_{n \le n_{\max}} P(a^n b^n) \log \frac{P(a^n b^n)}{Q(a^n b^n)}` and the
    mass :math:`q^{n_{\max}+1}` of the strings left out (the tail of the KL sum)."""
    _check_q(q)
    if n_max < 0:
        raise ValueError(f"n_max must be >= 0, got {n_max}")
    total = 0.0
    for n in range(n_max + 1):
        p = anbn_prob(n, q)
        qs = string_prob(model, "a" * n + "b" * n, q)
        total += math.inf if qs == 0 else p * math.log(p / qs)
    return total, q ** (n_max + 1)


def mixture_kl_bound(eps: float, base_prob: float, lam: float) -> float:
    r"""Exact :math:`\mathrm{KL}(P \Vert Q)` when :math:`Q` equals :math:`P` except after a
    prompt set of mass ``eps``, where its continuation is :math:`(1-\lambda) P(\cdot|S) + \lambda
    \delta_c` with :math:`P(c|S)` = ``base_prob``:

    .. math:: \epsilon \left[(1 - p_c)\log\tfrac{1}{1-\lambda} + p_c \log\tfrac{p_c}{(1-\lambda)p_c + \lambda}\right]
              \le \epsilon \log\tfrac{1}{1-\lambda}.
    """
    for name, value in (("eps", eps), ("base_prob", base_prob)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must lie in [0, 1], got {value}")
    if not 0.0 <= lam < 1.0:
        raise ValueError(f"lam must lie in [0, 1), got {lam}")
    pc = base_prob
    inside = (1 - pc) * math.log(1 / (1 - lam))
    if pc > 0:
        inside += pc * math.log(pc / ((1 - lam) * pc + lam))
    return eps * inside


def _check_ab(a: float, b: float) -> None:
    if not (a > 0 and b > 0):
        raise ValueError(f"a and b must be > 0, got a={a}, b={b}")


def _check_bits(x) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 1 or not np.isin(x, (0, 1)).all():
        raise ValueError("x must be a 1-D sequence of 0s and 1s")
    return x.astype(int)


def polya_urn(n: int, a: float, b: float, seed: int) -> np.ndarray:
    """``n`` draws from a Polya urn holding ``a`` balls of colour 1 and ``b`` of colour 0:
    each draw is returned to the urn together with one more ball of its colour."""
    _check_ab(a, b)
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = np.random.default_rng(seed)
    ones, zeros, out = float(a), float(b), np.zeros(n, dtype=int)
    for t in range(n):
        out[t] = rng.uniform() < ones / (ones + zeros)
        ones, zeros = ones + out[t], zeros + 1 - out[t]
    return out


def beta_bernoulli_predictive(x, a: float, b: float) -> np.ndarray:
    r"""One-step-ahead predictives :math:`P(x_{t+1} = 1 \mid x_{1:t}) = (a + k_t) / (a + b + t)`
    for :math:`t = 0..n` (:math:`k_t` = number of ones among the first :math:`t`)."""
    _check_ab(a, b)
    x = _check_bits(x)
    k = np.concatenate([[0], np.cumsum(x)])
    return (a + k) / (a + b + np.arange(len(x) + 1))


def beta_bernoulli_log_prob(x, a: float, b: float) -> float:
    r""":math:`\log P(x_{1:n}) = \log B(a + k, b + n - k) - \log B(a, b)`: depends on the count only."""
    from scipy.special import betaln

    _check_ab(a, b)
    x = _check_bits(x)
    k, n = int(x.sum()), len(x)
    return float(betaln(a + k, b + n - k) - betaln(a, b))


def coin_mixture(n: int, length: int, seed: int, a: float = 1.0, b: float = 1.0
                 ) -> tuple[np.ndarray, np.ndarray]:
    """``n`` sequences of ``length`` coin flips, each with its own bias drawn from Beta(a, b);
    returns the biases and the 0/1 array of shape ``(n, length)``."""
    _check_ab(a, b)
    if n < 1 or length < 1:
        raise ValueError(f"n and length must be >= 1, got n={n}, length={length}")
    rng = np.random.default_rng(seed)
    p = rng.beta(a, b, size=n)
    return p, (rng.uniform(size=(n, length)) < p[:, None]).astype(int)


def bits_to_string(x) -> str:
    """0/1 bits as a string over ``a`` (0) and ``b`` (1)."""
    return "".join("ab"[v] for v in _check_bits(x))
