r"""Generalization bounds.

Uniform convergence for a finite class. Let every :math:`f \in F` have a loss in
:math:`[0, 1]` and let :math:`S` be :math:`n` i.i.d. examples. Hoeffding's inequality
bounds the gap between the empirical and the true risk of one fixed :math:`f`,
:math:`\Pr[|\hat R_S(f) - R(f)| > t] \le 2 e^{-2 n t^2}`, and a union bound over the
class gives

.. math:: \Pr\bigl[\exists f \in F:\ |\hat R_S(f) - R(f)| > t\bigr] \le 2\,|F|\, e^{-2 n t^2}.

(One-sided deviations drop the factor 2.)
"""

from __future__ import annotations

import numpy as np


def _check_sample_and_class(n: int, class_size: int) -> None:
    if not (isinstance(n, (int, np.integer)) and n >= 1):
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    if not (isinstance(class_size, (int, np.integer)) and class_size >= 1):
        raise ValueError(f"class_size must be an integer >= 1, got {class_size!r}")


def uniform_convergence_bound(n: int, t: float, class_size: int, two_sided: bool = True) -> float:
    r"""Union + Hoeffding bound on :math:`\Pr[\exists f: \text{gap} > t]`, capped at 1.

    :math:`\min\bigl(1,\ c\,|F|\,e^{-2 n t^2}\bigr)` with :math:`c = 2` for
    :math:`|\hat R - R| > t` and :math:`c = 1` for a one-sided deviation.
    """
    _check_sample_and_class(n, class_size)
    if not (np.isfinite(t) and t >= 0):
        raise ValueError(f"t must be a finite number >= 0, got {t!r}")
    factor = 2 if two_sided else 1
    return float(min(1.0, factor * class_size * np.exp(-2.0 * n * t**2)))


def uniform_convergence_epsilon(n: int, class_size: int, delta: float, two_sided: bool = True) -> float:
    r"""The gap :math:`t` that holds for all :math:`f` with probability :math:`\ge 1 - \delta`.

    Solving :math:`c\,|F|\,e^{-2 n t^2} = \delta`:
    :math:`t = \sqrt{\log(c\,|F| / \delta) / (2 n)}`.
    """
    _check_sample_and_class(n, class_size)
    if not 0 < delta < 1:
        raise ValueError(f"delta must lie in (0, 1), got {delta!r}")
    factor = 2 if two_sided else 1
    return float(np.sqrt(np.log(factor * class_size / delta) / (2.0 * n)))
